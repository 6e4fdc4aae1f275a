//! Tasks from files: shapes, answers, refusals and language statements, on hand-made records.

use super::*;
use serde_json::json;

fn records(values: Vec<Value>) -> Vec<Record> {
    values.into_iter().enumerate().map(|(i, value)| Record { location: format!("line {}", i + 1), value }).collect()
}

/// A stand-in identifier for unit tests: Bengali script → ben, ASCII letters → eng.
fn detect(t: &str) -> Option<String> {
    if t.chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c)) {
        Some("ben".into())
    } else if t.chars().any(|c| c.is_ascii_alphabetic()) {
        Some("eng".into())
    } else {
        None
    }
}

#[test]
fn belebele_shape_is_guessed_and_counts_from_one() {
    let rs = records(vec![
        json!({"flores_passage": "P", "question": "Q1?", "mc_answer1": "a", "mc_answer2": "b", "mc_answer3": "c", "mc_answer4": "d", "correct_answer_num": "4"}),
        json!({"flores_passage": "P", "question": "Q2?", "mc_answer1": "a", "mc_answer2": "b", "mc_answer3": "c", "mc_answer4": "d", "correct_answer_num": "1"}),
    ]);
    let m = guess(&rs, EvalTaskKind::MultipleChoice);
    assert_eq!(m.choices, ["mc_answer1", "mc_answer2", "mc_answer3", "mc_answer4"]);
    assert_eq!(m.answer.as_deref(), Some("correct_answer_num"));
    assert!(m.answer_counts_from_one);
    let m = TaskMapping { prompt: "question".into(), ..m };
    let b = build(&rs, EvalTaskKind::MultipleChoice, &m, Some("eng"), &detect);
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    // "4" from one → index 3; "1" → index 0.
    assert_eq!(b.items[0].gold, Some(Gold::Choice(3)));
    assert_eq!(b.items[1].gold, Some(Gold::Choice(0)));
}

#[test]
fn answers_by_letter_text_or_index_and_a_gold_outside_the_choices_is_named() {
    let rs = records(vec![
        json!({"q": "x?", "choices": ["red", "blue"], "a": "B"}),
        json!({"q": "y?", "choices": ["red", "blue"], "a": "red"}),
        json!({"q": "z?", "choices": ["red", "blue"], "a": 1}),
        json!({"q": "w?", "choices": ["red", "blue"], "a": "green"}),
    ]);
    let m = TaskMapping {
        prompt: "q".into(),
        choices: vec!["choices".into()],
        answer: Some("a".into()),
        ..Default::default()
    };
    let b = build(&rs, EvalTaskKind::MultipleChoice, &m, Some("eng"), &detect);
    let golds: Vec<_> = b.items.iter().map(|i| i.gold.clone()).collect();
    assert_eq!(golds, [Some(Gold::Choice(1)), Some(Gold::Choice(0)), Some(Gold::Choice(1))]);
    assert_eq!(b.problems.len(), 1);
    assert_eq!(b.problems[0].path, "mapping.answer");
    assert_eq!(b.problems[0].code.as_deref().unwrap(), "gold_not_in_choices");
    assert_eq!(b.problems[0].message, "line 4: the answer 'green' is not among the 2 choices");
}

#[test]
fn nested_answer_lists_are_read_flat_and_numbers_score_as_math() {
    let rs = records(vec![
        json!({"_key": "q1", "query": "What is 2+2?", "answers": [["4"], ["four"]]}),
        json!({"_key": "q2", "query": "Name a red fruit", "answers": ["apple", ["cherry"]]}),
    ]);
    let m = guess(&rs, EvalTaskKind::Generation);
    assert_eq!((m.prompt.as_str(), m.answer.as_deref(), m.id.as_deref()), ("query", Some("answers"), Some("_key")));
    let b = build(&rs, EvalTaskKind::Generation, &m, None, &detect);
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    assert!(!b.numeric);
    assert_eq!(b.items[0].gold, Some(Gold::Answers(vec!["4".into(), "four".into()])));
    assert_eq!(b.items[1].gold, Some(Gold::Answers(vec!["apple".into(), "cherry".into()])));
    assert_eq!(b.items[0].language, "eng", "identified when nothing declares it");
    let numbers = records(vec![json!({"q": "2+2?", "a": [4]}), json!({"q": "3+3?", "a": "6"})]);
    let m = TaskMapping { prompt: "q".into(), answer: Some("a".into()), ..Default::default() };
    let b = build(&numbers, EvalTaskKind::Generation, &m, Some("eng"), &detect);
    assert!(b.numeric);
    assert_eq!(b.items[0].gold, Some(Gold::Number("4".into())));
}

#[test]
fn a_contradicted_declaration_is_said_in_words() {
    let rs: Vec<Record> = records((0..1000).map(|i| json!({"query": format!("Question {i} in English")})).collect());
    let m = TaskMapping { prompt: "query".into(), ..Default::default() };
    let b = build(&rs, EvalTaskKind::Fidelity, &m, Some("ben"), &detect);
    assert_eq!(b.contradictions.len(), 1);
    assert_eq!(
        b.contradictions[0].message,
        "declared Bengali; the mapped field 'query' is English in 1,000 of 1,000 items"
    );
}

#[test]
fn field_languages_tell_translated_fields_apart() {
    let rs = records(vec![
        json!({"query": "How many apples?", "query_bn": "কতগুলো আপেল?"}),
        json!({"query": "How many pears?", "query_bn": "কতগুলো নাশপাতি?"}),
    ]);
    let (paths, langs) = fields(&rs, &detect);
    assert_eq!(paths, ["query", "query_bn"]);
    assert_eq!(langs[0].languages[0], FieldLanguageCount { language: "eng".into(), count: 2 });
    assert_eq!(langs[1].languages[0], FieldLanguageCount { language: "ben".into(), count: 2 });
}

#[test]
fn bad_files_are_refused_with_the_field_named() {
    let rs = records(vec![json!({"q": "", "a": "1"}), json!({"q": "fine", "a": "2"})]);
    // A mapping naming a field no record has.
    let m = TaskMapping { prompt: "question".into(), answer: Some("a".into()), ..Default::default() };
    let b = build(&rs, EvalTaskKind::Generation, &m, Some("eng"), &detect);
    assert_eq!(
        (b.problems[0].path.as_str(), b.problems[0].code.as_deref().unwrap_or("")),
        ("mapping.prompt", "mapped_field_missing")
    );
    // An empty prompt, named by its record.
    let m = TaskMapping { prompt: "q".into(), answer: Some("a".into()), ..Default::default() };
    let b = build(&rs, EvalTaskKind::Generation, &m, Some("eng"), &detect);
    assert_eq!(b.problems[0].code.as_deref().unwrap(), "empty_prompt");
    assert!(b.problems[0].message.starts_with("line 1: "));
    // A language missing from a parallel set.
    let rs = records(vec![
        json!({"id": "1", "l": "en", "q": "one"}),
        json!({"id": "2", "l": "en", "q": "two"}),
        json!({"id": "1", "l": "de", "q": "eins"}),
    ]);
    let m = TaskMapping { prompt: "q".into(), id: Some("id".into()), language: Some("l".into()), ..Default::default() };
    let b = build(&rs, EvalTaskKind::Fidelity, &m, None, &detect);
    assert_eq!(b.problems.len(), 1);
    assert_eq!(b.problems[0].code.as_deref().unwrap(), "language_missing_items");
    assert_eq!(b.problems[0].message, "German lacks 1 of the 2 items the other languages have (for example '2')");
}
