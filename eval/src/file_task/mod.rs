//! Tasks made from a person's own file: records read by `polytune-data` (any format a dataset
//! import reads, and JSON objects keyed by id), turned into [`Item`]s through a [`TaskMapping`],
//! with every record that cannot become an item named, and the languages of the text fields
//! identified so that a contradicted declaration is said in words.

use std::collections::{BTreeMap, HashMap, HashSet};

use polytune_api::{
    EvalTask, EvalTaskKind, FieldError, FieldLanguageCount, FieldLanguages, LanguageContradiction, TaskItemPreview,
    TaskMapping, lang,
};
use polytune_data::langid::thousands;
use polytune_data::mapping::{field_paths, get};
use serde_json::Value;

use crate::score::parse_number;
use crate::tasks::{Gold, Item, metrics};

/// The most problems a preview or a refusal lists.
pub const MAX_PROBLEMS: usize = 50;
/// Records whose text fields a preview identifies.
const LANGUAGE_SAMPLE: usize = 200;
/// Items a preview shows.
const PREVIEW_ITEMS: usize = 10;
/// Tokens generated per item, quick and full (as the built-in generation tasks).
const GENERATION_TOKENS: (usize, usize) = (96, 256);
const FIDELITY_TOKENS: (usize, usize) = (48, 128);

/// One record as read: where it is in the file, and its fields.
pub struct Record {
    pub location: String,
    pub value: Value,
}

/// What a file becomes under a mapping.
#[derive(Debug, Default)]
pub struct Built {
    pub items: Vec<Item>,
    /// What refuses creation (at most [`MAX_PROBLEMS`]).
    pub problems: Vec<FieldError>,
    pub languages: BTreeMap<String, usize>,
    pub contradictions: Vec<LanguageContradiction>,
    /// Generation: every accepted answer is a number (scored as MGSM is).
    pub numeric: bool,
    /// Where each item's record is in the file.
    pub locations: Vec<String>,
}

/// The first of `names` that the record has as a field (`pred` says which values count).
fn first_field(record: &Value, names: &[&str], pred: impl Fn(&Value) -> bool) -> Option<String> {
    names.iter().find(|n| record.get(**n).is_some_and(&pred)).map(|n| n.to_string())
}

fn is_text(v: &Value) -> bool {
    v.is_string() || v.is_number()
}

/// A mapping guessed from the fields of the first records.
pub fn guess(records: &[Record], kind: EvalTaskKind) -> TaskMapping {
    let mut union = serde_json::Map::new();
    for r in records.iter().take(LANGUAGE_SAMPLE) {
        if let Value::Object(o) = &r.value {
            for (k, v) in o {
                if union.get(k).is_none_or(Value::is_null) {
                    union.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let rec = Value::Object(union);
    let prompt = first_field(
        &rec,
        &["prompt", "question", "query", "premise", "input", "instruction", "flores_passage", "text", "sentence"],
        Value::is_string,
    )
    .unwrap_or_default();
    let mut choices: Vec<String> = Vec::new();
    if kind == EvalTaskKind::MultipleChoice {
        if let Some(list) = first_field(&rec, &["choices", "options", "endings", "candidates"], Value::is_array) {
            choices.push(list);
        } else if let Value::Object(o) = &rec {
            // choice1, choice2 (XCOPA); mc_answer1…4 (Belebele); option_a…; A, B, C, D.
            let numbered = regex::Regex::new(r"(?i)^((choice|option|mc_answer|answer|ending)_?([0-9]+|[a-d])|[a-d])$")
                .expect("a valid pattern");
            let mut keys: Vec<&String> = o.keys().filter(|k| numbered.is_match(k) && is_text(&o[*k])).collect();
            keys.sort();
            choices = keys.into_iter().cloned().collect();
        }
    }
    let answer = match kind {
        EvalTaskKind::Fidelity => None,
        _ => first_field(
            &rec,
            &["answer", "answers", "label", "gold", "correct_answer_num", "correct_answer", "target", "output"],
            |v| !v.is_null(),
        )
        .filter(|a| !choices.contains(a)),
    };
    TaskMapping {
        prompt,
        answer_counts_from_one: kind == EvalTaskKind::MultipleChoice && counts_from_one(records, answer.as_deref()),
        choices,
        answer,
        language: first_field(&rec, &["language", "lang", "locale", "language_code"], Value::is_string),
        id: first_field(&rec, &["id", "idx", "question_id", "item_id", "index_id", "_key"], is_text),
    }
}

/// Numeric answers that never say 0 and sometimes say their largest choice's number count from 1
/// (Belebele's `correct_answer_num`).
fn counts_from_one(records: &[Record], answer: Option<&str>) -> bool {
    let Some(path) = answer else { return false };
    let numbers: Vec<u64> = records
        .iter()
        .filter_map(|r| get(&r.value, path).and_then(|v| v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())))
        .collect();
    !numbers.is_empty() && !numbers.contains(&0)
}

/// Text of a field: strings as they are, numbers written out.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Accepted answers: a value, or lists of values inside lists, read flat.
fn flatten(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| flatten(x, out)),
        other => out.extend(text_of(other).filter(|t| !t.trim().is_empty())),
    }
}

fn language_name(code: &str) -> String {
    lang::by_code(code).map_or_else(|| code.to_string(), |l| l.english.to_string())
}

/// A record's problem, naming the record and the mapped field.
fn problem(part: &str, code: &str, location: &str, message: String) -> FieldError {
    FieldError::err(
        format!("mapping.{part}"),
        code,
        &[("record", location.to_string())],
        format!("{location}: {message}"),
    )
}

struct Builder<'a> {
    kind: EvalTaskKind,
    mapping: &'a TaskMapping,
    declared: Option<&'a str>,
    problems: Vec<FieldError>,
}

impl Builder<'_> {
    fn push(&mut self, e: FieldError) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(e);
        }
    }

    /// The item of one record, or None (its problem pushed).
    fn item(&mut self, r: &Record, position: usize, detect: &dyn Fn(&str) -> Option<String>) -> Option<Item> {
        let m = self.mapping;
        let loc = r.location.as_str();
        let prompt = get(&r.value, &m.prompt).and_then(text_of).unwrap_or_default();
        if prompt.trim().is_empty() {
            self.push(problem(
                "prompt",
                "empty_prompt",
                loc,
                format!("the prompt ('{}') is empty or missing", m.prompt),
            ));
            return None;
        }
        let language = match &m.language {
            Some(path) => match get(&r.value, path).and_then(text_of) {
                Some(l) => match lang::parse(&l) {
                    Some(t) => t.code().to_string(),
                    None => {
                        self.push(problem(
                            "language",
                            "unknown_language",
                            loc,
                            format!("'{l}' is not a language code"),
                        ));
                        return None;
                    }
                },
                None => {
                    self.push(problem("language", "missing_field", loc, format!("the field '{path}' is missing")));
                    return None;
                }
            },
            None => match self.declared.map(str::to_string).or_else(|| detect(&prompt)) {
                Some(l) => l,
                None => {
                    let message =
                        "its language could not be identified: map a language field or declare the file's language";
                    self.push(problem("language", "language_unknown", loc, message.into()));
                    return None;
                }
            },
        };
        let id = match &m.id {
            Some(path) => match get(&r.value, path).and_then(text_of) {
                Some(id) if !id.trim().is_empty() => id.trim().to_string(),
                _ => {
                    self.push(problem(
                        "id",
                        "missing_field",
                        loc,
                        format!("the id field '{path}' is missing or empty"),
                    ));
                    return None;
                }
            },
            None => position.to_string(),
        };
        let mut choices = Vec::new();
        if self.kind == EvalTaskKind::MultipleChoice {
            let list = (m.choices.len() == 1).then(|| get(&r.value, &m.choices[0])).flatten().and_then(Value::as_array);
            match list {
                Some(list) => choices = list.iter().map(|v| text_of(v).unwrap_or_default()).collect(),
                None => {
                    for path in &m.choices {
                        choices.push(get(&r.value, path).and_then(text_of).unwrap_or_default());
                    }
                }
            }
            if choices.len() < 2 || choices.iter().any(|c| c.trim().is_empty()) {
                let message = format!("needs two or more non-empty choices; found {:?}", choices);
                self.push(problem("choices", "choices_missing", loc, message));
                return None;
            }
        }
        let gold = match (self.kind, &m.answer) {
            (EvalTaskKind::Fidelity, _) | (_, None) => None,
            (kind, Some(path)) => {
                let Some(v) = get(&r.value, path).filter(|v| !v.is_null()) else {
                    self.push(problem(
                        "answer",
                        "no_gold_answer",
                        loc,
                        format!("the answer field '{path}' is missing"),
                    ));
                    return None;
                };
                if kind == EvalTaskKind::MultipleChoice {
                    match choice_index(v, &choices, m.answer_counts_from_one) {
                        Some(i) => Some(Gold::Choice(i)),
                        None => {
                            let shown = text_of(v).unwrap_or_else(|| v.to_string());
                            let message = format!("the answer '{shown}' is not among the {} choices", choices.len());
                            self.push(problem("answer", "gold_not_in_choices", loc, message));
                            return None;
                        }
                    }
                } else {
                    let mut accepted = Vec::new();
                    flatten(v, &mut accepted);
                    if accepted.is_empty() {
                        self.push(problem(
                            "answer",
                            "no_gold_answer",
                            loc,
                            format!("the answer field '{path}' is empty"),
                        ));
                        return None;
                    }
                    Some(Gold::Answers(accepted))
                }
            }
        };
        Some(Item { id, language, prompt, choices, gold, stop: Vec::new() })
    }
}

/// The index a multiple-choice answer names: a choice's exact text, its letter (A, B, …) or its
/// number (from 0, or from 1 when `from_one`).
fn choice_index(v: &Value, choices: &[String], from_one: bool) -> Option<usize> {
    let t = text_of(v)?;
    let t = t.trim();
    if let Some(i) = choices.iter().position(|c| c.trim() == t) {
        return Some(i);
    }
    if let Ok(n) = t.parse::<usize>() {
        let i = if from_one { n.checked_sub(1)? } else { n };
        return (i < choices.len()).then_some(i);
    }
    let mut chars = t.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => {
            let i = (c.to_ascii_uppercase() as u8 - b'A') as usize;
            (i < choices.len()).then_some(i)
        }
        _ => None,
    }
}

/// Turns records into items under `mapping`. `declared` is the file's language (canonical code)
/// when every record is in it; `detect` identifies a text's language (None when unsure).
pub fn build(
    records: &[Record],
    kind: EvalTaskKind,
    mapping: &TaskMapping,
    declared: Option<&str>,
    detect: &dyn Fn(&str) -> Option<String>,
) -> Built {
    let mut b = Builder { kind, mapping, declared, problems: Vec::new() };
    // A mapped field no record has is a mistake in the mapping, said once.
    let mut parts: Vec<(&str, &str)> = vec![("prompt", mapping.prompt.as_str())];
    parts.extend(mapping.choices.iter().map(|c| ("choices", c.as_str())));
    for (part, p) in [("answer", &mapping.answer), ("language", &mapping.language), ("id", &mapping.id)] {
        if let Some(p) = p {
            parts.push((part, p.as_str()));
        }
    }
    for (part, path) in parts {
        if !records.iter().any(|r| get(&r.value, path).is_some()) {
            b.push(FieldError::err(
                format!("mapping.{part}"),
                "mapped_field_missing",
                &[("field", path.to_string())],
                format!("no record has a field '{path}'"),
            ));
        }
    }
    if !b.problems.is_empty() {
        return Built { problems: b.problems, ..Built::default() };
    }
    let mut items = Vec::with_capacity(records.len());
    let mut locations = Vec::with_capacity(records.len());
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(item) = b.item(r, i, detect) {
            if !seen.insert((item.language.clone(), item.id.clone())) {
                let message = format!("the id '{}' appears twice in {}", item.id, language_name(&item.language));
                b.push(problem("id", "duplicate_id", &r.location, message));
                continue;
            }
            items.push(item);
            locations.push(r.location.clone());
        }
    }
    if items.is_empty() && b.problems.is_empty() {
        b.push(FieldError::err("blob", "no_records", &[], "the file has no records"));
    }
    // Parallel sets: every language has every item id.
    let mut by_language: BTreeMap<String, HashSet<&str>> = BTreeMap::new();
    for it in &items {
        by_language.entry(it.language.clone()).or_default().insert(&it.id);
    }
    if mapping.id.is_some() && by_language.len() > 1 {
        let all: HashSet<&str> = by_language.values().flatten().copied().collect();
        for (language, ids) in &by_language {
            let mut missing: Vec<&&str> = all.difference(ids).collect();
            if !missing.is_empty() {
                missing.sort();
                let message = format!(
                    "{} lacks {} of the {} items the other languages have (for example '{}')",
                    language_name(language),
                    thousands(missing.len()),
                    thousands(all.len()),
                    missing[0]
                );
                b.push(FieldError::err(
                    "mapping.language",
                    "language_missing_items",
                    &[("language", language.clone()), ("missing", missing.len().to_string())],
                    message,
                ));
            }
        }
    }
    let languages: BTreeMap<String, usize> = by_language.iter().map(|(l, ids)| (l.clone(), ids.len())).collect();
    drop(by_language);
    let numeric = kind == EvalTaskKind::Generation
        && !items.is_empty()
        && items.iter().all(|it| match &it.gold {
            Some(Gold::Answers(a)) => a.iter().all(|x| parse_number(x).is_some()),
            _ => false,
        });
    if numeric {
        for it in &mut items {
            if let Some(Gold::Answers(a)) = &it.gold {
                it.gold = Some(Gold::Number(a[0].clone()));
            }
        }
    }
    let contradictions = contradictions(&items, &mapping.prompt, detect);
    Built { items, problems: b.problems, languages, contradictions, numeric, locations }
}

/// Languages the items are said to be in that their prompts are mostly not in.
fn contradictions(items: &[Item], field: &str, detect: &dyn Fn(&str) -> Option<String>) -> Vec<LanguageContradiction> {
    let what = format!("the mapped field '{field}'");
    let pairs = items.iter().map(|it| (it.language.as_str(), it.prompt.as_str()));
    polytune_data::langid::contradictions(pairs, field, &what, "items", detect)
}

/// Every field path of the first records, and the languages identified in each text field.
pub fn fields(records: &[Record], detect: &dyn Fn(&str) -> Option<String>) -> (Vec<String>, Vec<FieldLanguages>) {
    let mut paths = Vec::new();
    for r in records.iter().take(LANGUAGE_SAMPLE) {
        field_paths(&r.value, &mut paths);
    }
    let mut out = Vec::new();
    for path in &paths {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut texts = 0;
        for r in records.iter().take(LANGUAGE_SAMPLE) {
            if let Some(Value::String(s)) = get(&r.value, path)
                && s.chars().filter(|c| c.is_alphabetic()).count() >= 3
            {
                texts += 1;
                *counts.entry(detect(s).unwrap_or_else(|| "und".into())).or_default() += 1;
            }
        }
        if texts > 0 {
            let mut languages: Vec<FieldLanguageCount> =
                counts.into_iter().map(|(language, count)| FieldLanguageCount { language, count }).collect();
            languages.sort_by(|a, b| b.count.cmp(&a.count).then(a.language.cmp(&b.language)));
            out.push(FieldLanguages { path: path.clone(), texts, languages });
        }
    }
    (paths, out)
}

/// The first items as the preview shows them.
pub fn preview_items(built: &Built) -> Vec<TaskItemPreview> {
    built
        .items
        .iter()
        .zip(&built.locations)
        .take(PREVIEW_ITEMS)
        .map(|(it, location)| TaskItemPreview {
            location: location.clone(),
            id: it.id.clone(),
            language: it.language.clone(),
            prompt: it.prompt.clone(),
            choices: it.choices.clone(),
            answer: it.gold.as_ref().map(|g| g.text(&it.choices)),
        })
        .collect()
}

/// The catalog entry of a task made from a file.
pub fn info(id: &str, name: &str, kind: EvalTaskKind, file_name: &str, built: &Built) -> EvalTask {
    let (quick, full) = match kind {
        EvalTaskKind::MultipleChoice => (0, 0),
        EvalTaskKind::Generation => GENERATION_TOKENS,
        EvalTaskKind::Fidelity => FIDELITY_TOKENS,
    };
    let languages = built.languages.len();
    EvalTask {
        id: id.into(),
        name: name.into(),
        kind,
        version: 1,
        about: format!("{} items in {languages} languages, from {file_name}.", thousands(built.items.len())),
        languages: built.languages.clone(),
        metrics: metrics(kind, built.numeric),
        quick_limit: if kind == EvalTaskKind::MultipleChoice { 50 } else { 8 },
        max_new_tokens: quick,
        full_max_new_tokens: full,
        choices: built.items.iter().map(|i| i.choices.len()).max().unwrap_or(0),
        // Generation asks as a person would; multiple choice is scored as lm-evaluation-harness scores.
        chat_template: kind != EvalTaskKind::MultipleChoice,
        source: format!("uploaded file {file_name}"),
        from_file: true,
    }
}

/// Items stored as JSON lines (the task's own blob).
pub fn write_items(items: &[Item]) -> Vec<u8> {
    let mut out = Vec::new();
    for it in items {
        out.extend(serde_json::to_vec(it).unwrap_or_default());
        out.push(b'\n');
    }
    out
}

pub fn read_items(jsonl: &str) -> Result<Vec<Item>, crate::EvalError> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| crate::EvalError::Data {
                file: "task items".into(),
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
