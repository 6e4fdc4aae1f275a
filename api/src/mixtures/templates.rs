//! Augmentation templates: rendering aligned examples into new ones (minijinja, bounded work),
//! and the built-in templates.

use super::*;

pub(super) fn template_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // A template is user input: bound the work one rendering may do (loops included).
    env.set_fuel(Some(200_000));
    // Block tags take their newline with them, as in Hugging Face's chat templates.
    let syntax =
        minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).build().expect("the default syntax is valid");
    env.set_syntax(syntax);
    env
}

/// The variables a role offers a template.
fn role_value(e: &Example, language: &str) -> serde_json::Value {
    let tag = lang::parse(language);
    let (name, native) = tag
        .as_ref()
        .and_then(|t| t.language())
        .map(|l| (l.english.to_string(), l.native.to_string()))
        .unwrap_or_else(|| (language.to_string(), language.to_string()));
    let join = |f: &dyn Fn(TurnRole) -> bool| {
        e.turns.iter().filter(|t| f(t.role)).map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n")
    };
    serde_json::json!({
        "id": e.id,
        "text": join(&|_| true),
        "instruction": join(&|r| r != TurnRole::Assistant),
        "response": join(&|r| r == TurnRole::Assistant),
        "language": language,
        "language_name": name,
        "native_name": native,
        "meta": e.meta,
    })
}

/// One aligned row: each role's example and its language.
pub type AlignedRow<'a> = Vec<(&'a str, &'a Example, &'a str)>;

/// Renders one new example from an aligned row, with `shots` worked examples (other aligned rows)
/// before the instruction. Errors name the template part and what is missing.
pub fn render_augmented(
    t: &AugmentTemplate,
    row: &AlignedRow<'_>,
    shots: &[AlignedRow<'_>],
) -> Result<(String, String), String> {
    let env = template_env();
    let render = |which: &str, source: &str, row: &AlignedRow<'_>| -> Result<String, String> {
        let ctx: serde_json::Map<String, serde_json::Value> =
            row.iter().map(|(role, e, l)| (role.to_string(), role_value(e, l))).collect();
        env.render_str(source, minijinja::Value::from(minijinja::value::Serde(serde_json::Value::Object(ctx))))
            .map(|s| s.trim().to_string())
            .map_err(|e| {
                let detail = e.detail().map(str::to_string).unwrap_or_else(|| e.to_string());
                let at = row.first().map(|(_, e, _)| format!(" (example {})", e.id)).unwrap_or_default();
                format!("the {which} template cannot be filled{at}: {detail}")
            })
    };
    let mut user = String::new();
    for s in shots {
        user.push_str(&render("user", &t.user, s)?);
        user.push('\n');
        user.push_str(&render("assistant", &t.assistant, s)?);
        user.push_str("\n\n");
    }
    user.push_str(&render("user", &t.user, row)?);
    let assistant = render("assistant", &t.assistant, row)?;
    if assistant.is_empty() {
        return Err("the assistant template gives an empty answer".into());
    }
    Ok((user, assistant))
}

#[allow(clippy::too_many_arguments)]
fn builtin(
    id: &str,
    name: &str,
    kind: AugmentKind,
    language: &str,
    roles: &[&str],
    answer_role: &str,
    user: &str,
    assistant: &str,
) -> AugmentTemplate {
    AugmentTemplate {
        id: Some(format!("builtin:{id}")),
        name: name.into(),
        kind,
        language: language.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        answer_role: answer_role.into(),
        user: user.into(),
        assistant: assistant.into(),
    }
}

/// The templates every workspace starts with, in the languages of their instructions. Copy and
/// edit one to write it in another language.
pub fn builtin_templates() -> Vec<AugmentTemplate> {
    use AugmentKind::*;
    vec![
        builtin(
            "translation-eng",
            "Translate (English instruction)",
            Translation,
            "eng",
            &["source", "target"],
            "target",
            "Translate the following text from {{ source.language_name }} into {{ target.language_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "translation-deu",
            "Übersetzen (deutsche Anweisung)",
            Translation,
            "deu",
            &["source", "target"],
            "target",
            "Übersetze den folgenden Text. Zielsprache: {{ target.native_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "translation-fra",
            "Traduire (consigne en français)",
            Translation,
            "fra",
            &["source", "target"],
            "target",
            "Traduis le texte suivant. Langue cible : {{ target.native_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "translation-spa",
            "Traducir (instrucción en español)",
            Translation,
            "spa",
            &["source", "target"],
            "target",
            "Traduce el siguiente texto. Idioma de destino: {{ target.native_name }}.\n\n{{ source.text }}",
            "{{ target.text }}",
        ),
        builtin(
            "cross-lingual-eng",
            "Answer in another language",
            CrossLingual,
            "eng",
            &["question", "answer"],
            "answer",
            "{{ question.instruction }}\n\nAnswer in {{ answer.language_name }}.",
            "{{ answer.response }}",
        ),
        builtin(
            "pivot-eng",
            "Answer in a pivot language first",
            Pivot,
            "eng",
            &["question", "pivot"],
            "question",
            "{{ question.instruction }}\n\nAnswer first in {{ pivot.language_name }}, then in {{ question.language_name }}.",
            "{{ pivot.response }}\n\n{{ question.response }}",
        ),
        builtin(
            "translate-then-answer-eng",
            "Translate the question, then answer",
            TranslateThenAnswer,
            "eng",
            &["question", "pivot"],
            "pivot",
            "First translate this question into {{ pivot.language_name }}, then answer it in {{ pivot.language_name }}.\n\n{{ question.instruction }}",
            "{{ pivot.instruction }}\n\n{{ pivot.response }}",
        ),
        builtin(
            "topic-eng",
            "Topic of a text (SIB-200 style)",
            Labeled,
            "eng",
            &["data"],
            "data",
            "What is the topic of this text? Choose one of: science/technology, travel, politics, sports, health, entertainment, geography.\n\n{{ data.instruction }}",
            "{{ data.response }}",
        ),
        builtin(
            "choice-eng",
            "Cause or effect (XCOPA style)",
            Labeled,
            "eng",
            &["data"],
            "data",
            // As XCOPA imports: `question` (cause/effect) becomes the instruction, the rest metadata.
            // A block tag takes the newline after it (trim_blocks), hence two.
            "{{ data.meta.premise }}\n{% if data.instruction == 'cause' %}What was the cause?{% else %}What happened as a result?{% endif %}\n\nA: {{ data.meta.choice1 }}\nB: {{ data.meta.choice2 }}",
            "{% if data.meta.label == 0 %}{{ data.meta.choice1 }}{% else %}{{ data.meta.choice2 }}{% endif %}",
        ),
    ]
}
