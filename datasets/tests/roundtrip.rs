//! Import → export → import gives the same examples, for JSON lines and Parquet; and no input,
//! however broken, makes a reader panic.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use polytune_api::{Example, FileFormat, OnError, Turn, TurnRole};
use polytune_data::{export, import, read};
use proptest::prelude::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polytune-data-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Imports `path` with the detected reading; returns the examples (and panics on bad records).
fn import_all(path: &Path, name: &str) -> Vec<Example> {
    let inspection = import::inspect(path, name, None, read::Limits::default()).expect("inspect");
    let mut out = Vec::new();
    let report =
        import::import(path, name, &inspection.spec, OnError::Ask, read::Limits::default(), &mut out, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(report.bad, 0, "{:?}", report.issues);
    assert_eq!(report.fatal, None);
    let mut examples = Vec::new();
    import::read_examples(&out[..], |_, e| {
        examples.push(e);
        ControlFlow::Continue(())
    })
    .unwrap();
    examples
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.!?]{1,40}",
        "\\PC{1,30}",
        Just("Hvad er hovedstaden i Danmark?\n\"København\", sagde hun.\ttab".to_string()),
        Just("ما هي عاصمة فرنسا؟".to_string()),
        Just("日本の首都はどこですか？".to_string()),
    ]
}

fn example() -> impl Strategy<Value = Example> {
    let turn = (prop_oneof![Just(TurnRole::System), Just(TurnRole::User), Just(TurnRole::Assistant)], text())
        .prop_map(|(role, text)| Turn { role, text });
    (
        "[a-z0-9_-]{1,12}",
        prop::option::of(prop_oneof![Just("deu"), Just("zho-Hans"), Just("ara"), Just("dan")]),
        prop::collection::vec(turn, 1..5),
        prop::option::of(("[a-z]{1,8}", "[a-z ]{0,20}")),
    )
        .prop_map(|(id, language, turns, meta)| Example {
            id,
            source: "generated".into(),
            language: language.map(Into::into),
            turns,
            meta: meta.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn jsonl_and_parquet_round_trip(examples in prop::collection::vec(example(), 1..30)) {
        let dir = scratch("rt");
        let jsonl = dir.join("examples.jsonl");
        let mut f = std::fs::File::create(&jsonl).unwrap();
        for e in &examples {
            import::write_example(&mut f, e).unwrap();
        }
        f.flush().unwrap();
        let first = import_all(&jsonl, "examples.jsonl");
        prop_assert_eq!(&first, &examples);

        let mut canonical = Vec::new();
        for e in &first {
            import::write_example(&mut canonical, e).unwrap();
        }
        let parquet = dir.join("examples.parquet");
        let n = export::to_parquet(&canonical[..], std::fs::File::create(&parquet).unwrap()).unwrap();
        prop_assert_eq!(n as usize, examples.len());
        let second = import_all(&parquet, "examples.parquet");
        prop_assert_eq!(&second, &examples);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Arbitrary bytes in any format: records or located errors, never a panic.
    #[test]
    fn readers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let dir = scratch("fuzz");
        let path = dir.join("input");
        std::fs::write(&path, &bytes).unwrap();
        for format in [FileFormat::Jsonl, FileFormat::JsonArray, FileFormat::JsonObject, FileFormat::Csv, FileFormat::Tsv, FileFormat::Parquet, FileFormat::Lines] {
            let _ = read::read_records(&path, format, true, read::Limits::default(), &mut |_, _| ControlFlow::Continue(()));
        }
        let _ = import::inspect(&path, "input", None, read::Limits::default());
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// A syntax error in the middle of many good lines is found by line number, and nothing else is lost.
#[test]
fn one_bad_line_among_many() {
    let dir = scratch("bad");
    let path = dir.join("big.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 1..=100_000u32 {
        if i == 61_234 {
            writeln!(f, "{{\"instruction\": \"q{i}\", \"output\": \"a{i}\"").unwrap();
        } else {
            writeln!(f, "{{\"instruction\": \"q{i}\", \"output\": \"a{i}\"}}").unwrap();
        }
    }
    drop(f);
    let inspection = import::inspect(&path, "big.jsonl", None, read::Limits::default()).unwrap();
    let mut sink = std::io::sink();
    let report = import::import(
        &path,
        "big.jsonl",
        &inspection.spec,
        OnError::Skip,
        read::Limits::default(),
        &mut sink,
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!((report.records, report.imported, report.bad), (100_000, 99_999, 1));
    assert_eq!(report.issues[0].location, "line 61234");
    assert!(report.issues[0].message.contains("invalid JSON"), "{}", report.issues[0].message);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A JSON document keyed by item id (as MGSM-style benchmark releases publish them), pretty-printed
/// or on one line, is detected and read one record per key, the key kept as `_key`.
#[test]
fn json_object_keyed_by_id() {
    let dir = scratch("keyed");
    let pretty = dir.join("tasks.json");
    std::fs::write(
        &pretty,
        "{\n  \"q1\": {\"query\": \"Wie viel ist 2+2?\", \"answers\": [\"4\", \"vier\"]},\n  \"q2\": {\"query\": \"Und 3+3?\", \"answers\": [[\"6\"]]}\n}\n",
    )
    .unwrap();
    let one_line = dir.join("one.json");
    std::fs::write(&one_line, r#"{"a": {"instruction": "x"}, "b": {"instruction": "y"}}"#).unwrap();
    for path in [&pretty, &one_line] {
        let (format, _) = import::detect_format(path, "tasks.json", read::Limits::default()).unwrap();
        assert_eq!(format, FileFormat::JsonObject, "{}", path.display());
    }
    let mut records = Vec::new();
    read::read_records(&pretty, FileFormat::JsonObject, false, read::Limits::default(), &mut |loc, r| {
        records.push((loc.to_string(), r.unwrap()));
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].1["_key"], "q1");
    assert_eq!(records[1].1["_key"], "q2");
    assert_eq!(records[1].1["answers"][0][0], "6");
    // JSON lines stay JSON lines, also with a damaged first line.
    let lines = dir.join("lines.jsonl");
    std::fs::write(&lines, "{\"a\": 1\n{\"a\": 2}\n{\"a\": 3}\n").unwrap();
    assert_eq!(import::detect_format(&lines, "lines.json", read::Limits::default()).unwrap().0, FileFormat::Jsonl);
    std::fs::remove_dir_all(dir).unwrap();
}
