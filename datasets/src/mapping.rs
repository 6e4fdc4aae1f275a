//! Turning a raw record into the canonical [`Example`] with a [`Mapping`], and guessing the
//! mapping from the fields a file has.

use std::collections::BTreeMap;

use polytune_api::{Example, Mapping, Turn, TurnRole, lang};
use serde_json::Value;

use crate::error::{DataError, JsonKind, Result};

/// Looks up a dotted path (`instances.0.input`); a key that itself contains dots is found too.
pub fn get<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(v) = value.as_object().and_then(|o| o.get(path)) {
        return Some(v);
    }
    let mut cur = value;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn kind(v: &Value) -> JsonKind {
    JsonKind::of(v)
}

/// Text from a value: strings as they are, numbers and booleans written out; lists and objects are
/// the wrong type. `None` when the field is missing or null.
fn text(record: &Value, path: &str, what: &'static str) -> Result<Option<String>> {
    match get(record, path) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(v.to_string())),
        // OpenAI content parts: [{"type": "text", "text": "…"}]
        Some(Value::Array(parts)) if parts.iter().all(|p| p.get("text").is_some_and(Value::is_string)) => {
            Ok(Some(parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect::<Vec<_>>().join("")))
        }
        Some(v) => Err(wrong_type(what, path, v, JsonKind::Text)),
    }
}

fn wrong_type(field: &'static str, path: &str, found: &Value, expected: JsonKind) -> DataError {
    DataError::WrongType { message: None, field, path: path.to_string(), found: kind(found), expected }
}

fn missing(field: &'static str, path: &str) -> DataError {
    DataError::MissingField { field, path: path.to_string() }
}

fn required(record: &Value, path: &str, what: &'static str) -> Result<String> {
    text(record, path, what)?.ok_or_else(|| missing(what, path))
}

pub fn role_of(name: &str) -> Option<TurnRole> {
    match name.trim().to_ascii_lowercase().as_str() {
        "system" | "developer" => Some(TurnRole::System),
        "user" | "human" | "prompter" | "question" | "instruction" => Some(TurnRole::User),
        "assistant" | "gpt" | "bot" | "model" | "chatgpt" | "answer" | "response" => Some(TurnRole::Assistant),
        _ => None,
    }
}

/// Applies `mapping` to one record. `fallback_id` names it when the record has no id;
/// `language` is the import's declared language (a record's own language field wins).
pub fn to_example(
    record: &Value,
    mapping: &Mapping,
    source: String,
    fallback_id: String,
    language: Option<&str>,
) -> Result<Example> {
    if !record.is_object() {
        return Err(DataError::NotAnObject { found: kind(record) });
    }
    let (turns, id_path, lang_path) = match mapping {
        Mapping::Fields { system, instruction, input, output, id, language } => {
            let mut turns = Vec::new();
            if let Some(s) = system.as_deref().map(|p| text(record, p, "system")).transpose()?.flatten() {
                if !s.trim().is_empty() {
                    turns.push(Turn { role: TurnRole::System, text: s });
                }
            }
            let mut user = required(record, instruction, "instruction")?;
            if let Some(inp) = input.as_deref().map(|p| text(record, p, "input")).transpose()?.flatten() {
                if !inp.trim().is_empty() {
                    user.push_str("\n\n");
                    user.push_str(&inp);
                }
            }
            turns.push(Turn { role: TurnRole::User, text: user });
            if let Some(out) = output {
                turns.push(Turn { role: TurnRole::Assistant, text: required(record, out, "output")? });
            }
            (turns, id, language)
        }
        Mapping::Messages { messages, role_key, text_key, id, language } => {
            let list = match get(record, messages) {
                Some(Value::Array(a)) => a,
                Some(v) => return Err(wrong_type("messages", messages, v, JsonKind::List)),
                None => return Err(missing("messages", messages)),
            };
            let mut turns = Vec::with_capacity(list.len());
            for (i, m) in list.iter().enumerate() {
                let n = i + 1;
                let role = match get(m, role_key) {
                    Some(Value::String(r)) => {
                        role_of(r).ok_or_else(|| DataError::UnknownRole { message: n, role: r.clone() })?
                    }
                    Some(v) => {
                        return Err(DataError::RoleWrongType { message: n, key: role_key.clone(), found: kind(v) });
                    }
                    None => return Err(DataError::MessageKeyMissing { message: n, key: role_key.clone() }),
                };
                let t = text(m, text_key, "text").map_err(|e| match e {
                    DataError::WrongType { message: None, field, path, found, expected } => {
                        DataError::WrongType { message: Some(n), field, path, found, expected }
                    }
                    other => other,
                })?;
                let t = t.ok_or_else(|| DataError::MessageKeyMissing { message: n, key: text_key.clone() })?;
                turns.push(Turn { role, text: t });
            }
            if turns.is_empty() {
                return Err(DataError::EmptyList { field: "messages", path: messages.clone() });
            }
            (turns, id, language)
        }
        Mapping::Turns { turns: turns_path, answers, id, language } => {
            let strings = |path: &str, what: &'static str| -> Result<Vec<String>> {
                match get(record, path) {
                    Some(Value::Array(a)) => a
                        .iter()
                        .enumerate()
                        .map(|(i, v)| match v {
                            Value::String(s) => Ok(s.clone()),
                            v => Err(DataError::ItemWrongType { field: what, item: i + 1, found: kind(v) }),
                        })
                        .collect(),
                    Some(v) => Err(wrong_type(what, path, v, JsonKind::List)),
                    None => Err(missing(what, path)),
                }
            };
            let asked = strings(turns_path, "turn")?;
            if asked.is_empty() {
                return Err(DataError::EmptyList { field: "turns", path: turns_path.clone() });
            }
            let answered = match answers {
                Some(p) => strings(p, "answer")?,
                None => Vec::new(),
            };
            let mut turns = Vec::new();
            for (i, q) in asked.into_iter().enumerate() {
                turns.push(Turn { role: TurnRole::User, text: q });
                if let Some(a) = answered.get(i) {
                    turns.push(Turn { role: TurnRole::Assistant, text: a.clone() });
                }
            }
            (turns, id, language)
        }
    };
    let id = match id_path.as_deref().map(|p| text(record, p, "id")).transpose()?.flatten() {
        Some(id) if !id.trim().is_empty() => id,
        _ => fallback_id,
    };
    let mut meta = BTreeMap::new();
    let own_lang = lang_path.as_deref().map(|p| text(record, p, "language")).transpose()?.flatten();
    let language = match own_lang {
        Some(raw) => match lang::parse(&raw) {
            Some(t) => Some(t.0),
            None => {
                meta.insert("language".to_string(), Value::String(raw));
                None
            }
        },
        None => language.and_then(lang::parse).map(|t| t.0),
    };
    // Our own exports carry `source` and `meta`: keep them, so export → import gives the same examples.
    let source = match record.get("source") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => source,
    };
    match record.get("meta") {
        Some(Value::Object(o)) => meta.extend(o.iter().map(|(k, v)| (k.clone(), v.clone()))),
        Some(Value::String(s)) => {
            if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(s) {
                meta.extend(o);
            }
        }
        _ => {}
    }
    // Keep the record's other small scalar fields (category, label…) as metadata.
    let used: Vec<&str> = mapping.paths().into_iter().map(|(_, p)| p.split('.').next().unwrap_or(p)).collect();
    if let Some(obj) = record.as_object() {
        for (k, v) in obj {
            if used.contains(&k.as_str()) || k == "source" || k == "meta" || meta.len() >= 16 {
                continue;
            }
            let small = match v {
                Value::String(s) => s.len() <= 256,
                Value::Number(_) | Value::Bool(_) => true,
                _ => false,
            };
            if small {
                meta.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Example { id, source, language, turns, meta })
}

/// Paths of the fields seen in a record, nested one level into objects and first list items.
pub fn field_paths(record: &Value, out: &mut Vec<String>) {
    fn walk(v: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
        if depth > 3 {
            return;
        }
        match v {
            Value::Object(o) => {
                for (k, child) in o {
                    let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    if !out.contains(&p) {
                        out.push(p.clone());
                    }
                    walk(child, &p, depth + 1, out);
                }
            }
            Value::Array(a) if !prefix.is_empty() => {
                if let Some(first) = a.first().filter(|f| f.is_object() || f.is_array()) {
                    walk(first, &format!("{prefix}.0"), depth + 1, out);
                }
            }
            _ => {}
        }
    }
    walk(record, "", 0, out);
}

fn has(record: &Value, key: &str) -> bool {
    get(record, key).is_some_and(|v| !v.is_null())
}

fn first_of<'a>(record: &Value, keys: &[&'a str]) -> Option<&'a str> {
    keys.iter().copied().find(|k| has(record, k))
}

/// Guesses how a record maps to an example, with a plain description of what it looks like.
pub fn guess(record: &Value) -> (Mapping, &'static str) {
    let id =
        first_of(record, &["id", "question_id", "index_id", "idx", "example_id", "uid", "_key"]).map(str::to_string);
    let language = first_of(record, &["language", "lang", "locale", "lng"]).map(str::to_string);
    let list_of_objects_with = |key: &str, a: &str, b: &str| {
        get(record, key)
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .is_some_and(|m| m.get(a).is_some() && m.get(b).is_some())
    };
    for key in ["conversations", "conversation", "messages", "turns", "dialog", "chat"] {
        for (role_key, text_key, what) in [
            ("from", "value", "ShareGPT conversations"),
            ("role", "content", "OpenAI-style messages"),
            ("role", "text", "messages"),
        ] {
            if list_of_objects_with(key, role_key, text_key) {
                let mapping = Mapping::Messages {
                    messages: key.into(),
                    role_key: role_key.into(),
                    text_key: text_key.into(),
                    id,
                    language,
                };
                return (mapping, what);
            }
        }
    }
    if get(record, "turns").is_some_and(Value::is_array) {
        return (Mapping::Turns { turns: "turns".into(), answers: None, id, language }, "MT-Bench-style turns");
    }
    if get(record, "choices.0.turns").is_some_and(Value::is_array) {
        return (
            Mapping::Turns { turns: "choices.0.turns".into(), answers: None, id, language },
            "MT-Bench-style answers",
        );
    }
    let fields = |instruction: &str, input: Option<&str>, output: Option<&str>, system: Option<&str>| Mapping::Fields {
        system: system.map(str::to_string),
        instruction: instruction.into(),
        input: input.map(str::to_string),
        output: output.map(str::to_string),
        id: id.clone(),
        language: language.clone(),
    };
    let system = first_of(record, &["system", "system_prompt"]);
    if has(record, "instruction") && has(record, "instances.0.output") {
        let m = fields("instruction", Some("instances.0.input"), Some("instances.0.output"), system);
        return (m, "Self-Instruct tasks (instruction with instances)");
    }
    if has(record, "instruction") {
        let output = first_of(record, &["output", "response", "answer", "completion"]);
        let input = first_of(record, &["input", "context"]);
        return (fields("instruction", input, output, system), "Alpaca (instruction / input / output)");
    }
    for (p, c, what) in [
        ("prompt", "completion", "prompt / completion pairs"),
        ("prompt", "response", "prompt / response pairs"),
        ("prompt", "chosen", "prompt / chosen-answer pairs"),
        ("question", "answer", "question / answer pairs"),
        ("query", "response", "query / response pairs"),
        ("input", "output", "input / output pairs"),
        ("inputs", "targets", "inputs / targets pairs"),
        ("text", "label", "labeled text"),
        ("text", "category", "labeled text"),
    ] {
        if has(record, p) && has(record, c) {
            return (fields(p, None, Some(c), system), what);
        }
    }
    for p in ["prompt", "question", "premise", "text", "query", "input"] {
        if has(record, p) {
            return (fields(p, None, None, system), "prompts without answers");
        }
    }
    // Anything else: the first two text fields (column 1 and 2 of a table without a header).
    let texts: Vec<String> = record
        .as_object()
        .map(|o| o.iter().filter(|(_, v)| v.is_string()).map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    match texts.as_slice() {
        [] => (fields("text", None, None, None), "records with no text field found"),
        [one] => (fields(one, None, None, None), "one text field"),
        [a, b, ..] => (fields(a, None, Some(b), None), "two text fields (first asks, second answers)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn roles(e: &Example) -> Vec<TurnRole> {
        e.turns.iter().map(|t| t.role).collect()
    }

    #[test]
    fn every_common_format_is_recognized_and_mapped() {
        let cases = [
            (
                json!({"instruction": "Sum", "input": "1 2", "output": "3"}),
                "Alpaca",
                vec![TurnRole::User, TurnRole::Assistant],
            ),
            (
                json!({"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}),
                "ShareGPT",
                vec![TurnRole::User, TurnRole::Assistant],
            ),
            (
                json!({"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"},
                    {"role": "assistant", "content": [{"type": "text", "text": "hel"}, {"type": "text", "text": "lo"}]}]}),
                "OpenAI",
                vec![TurnRole::System, TurnRole::User, TurnRole::Assistant],
            ),
            (
                json!({"prompt": "2+2", "completion": "4"}),
                "prompt / completion",
                vec![TurnRole::User, TurnRole::Assistant],
            ),
            (
                json!({"question_id": 81, "category": "writing", "turns": ["a", "b"]}),
                "MT-Bench",
                vec![TurnRole::User, TurnRole::User],
            ),
            (
                json!({"id": "seed_task_0", "instruction": "Skriv", "instances": [{"input": "", "output": "Hej"}]}),
                "Self-Instruct",
                vec![TurnRole::User, TurnRole::Assistant],
            ),
            (json!({"1": "What is 2+2?", "2": "4"}), "two text fields", vec![TurnRole::User, TurnRole::Assistant]),
        ];
        for (record, want, want_roles) in cases {
            let (mapping, what) = guess(&record);
            assert!(what.contains(want), "{record}: {what}");
            let e = to_example(&record, &mapping, "f:1".into(), "f:1".into(), Some("de")).unwrap();
            assert_eq!(roles(&e), want_roles, "{record}");
            assert_eq!(e.language.as_deref(), Some("deu"));
        }
        let (m, _) = guess(&json!({"instruction": "Sum", "input": "1 2", "output": "3"}));
        let e =
            to_example(&json!({"instruction": "Sum", "input": "1 2", "output": "3"}), &m, "s".into(), "x".into(), None)
                .unwrap();
        assert_eq!(e.turns[0].text, "Sum\n\n1 2");
        let (m, _) = guess(&json!({"question_id": 81, "category": "writing", "turns": ["a"]}));
        let e = to_example(
            &json!({"question_id": 81, "category": "writing", "turns": ["a"]}),
            &m,
            "s".into(),
            "x".into(),
            None,
        )
        .unwrap();
        assert_eq!(e.id, "81");
        assert_eq!(e.meta["category"], "writing");
    }

    #[test]
    fn wrong_types_and_missing_fields_are_named() {
        let m = Mapping::fields("instruction", Some("output"));
        let err = |r: Value| to_example(&r, &m, "s".into(), "x".into(), None).unwrap_err().to_string();
        assert_eq!(
            err(json!({"instruction": ["a"], "output": "b"})),
            "the instruction field `instruction` is a list, expected text"
        );
        assert_eq!(err(json!({"output": "b"})), "there is no instruction field `instruction`");
        assert_eq!(err(json!({"instruction": "a"})), "there is no output field `output`");
        assert_eq!(err(json!([1, 2])), "the record is a list, expected an object with fields");
        let m = Mapping::messages("messages", "role", "content");
        let r = json!({"messages": [{"role": "tool", "content": "x"}]});
        assert!(to_example(&r, &m, "s".into(), "x".into(), None).unwrap_err().to_string().contains("role “tool”"));
    }

    #[test]
    fn a_records_own_language_wins_and_unknown_ones_are_kept() {
        let m = Mapping::Fields {
            system: None,
            instruction: "q".into(),
            input: None,
            output: None,
            id: None,
            language: Some("lang".into()),
        };
        let e = to_example(&json!({"q": "x", "lang": "fr"}), &m, "s".into(), "x".into(), Some("de")).unwrap();
        assert_eq!(e.language.as_deref(), Some("fra"));
        let e = to_example(&json!({"q": "x", "lang": "elvish"}), &m, "s".into(), "x".into(), Some("de")).unwrap();
        assert_eq!(e.language, None);
        assert_eq!(e.meta["language"], "elvish");
    }
}
