use std::ops::ControlFlow;

use polytune_api::{FileFormat, ImportSpec, Mapping, OnError};

use serde_json::Value;

use super::*;
use crate::read::{self, Limits};
use crate::{import, mapping};

fn args(pairs: &[(&str, &str)]) -> ErrorArgs {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The records' errors (with their locations) and the reader's own result.
fn read(f: impl FnOnce(&mut read::Sink<'_>) -> Result<()>) -> (Vec<(Location, DataError)>, Result<()>) {
    let mut bad = Vec::new();
    let r = f(&mut |loc, v| {
        if let Err(e) = v {
            bad.push((loc, e));
        }
        ControlFlow::Continue(())
    });
    (bad, r)
}

fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn a_jsonl_line_with_bad_json() {
    let (bad, r) = read(|s| read::read_jsonl(&b"{\"a\":1}\n{\"a\":2,}\n"[..], Limits::default(), s));
    assert!(r.is_ok());
    let (loc, e) = &bad[0];
    assert_eq!(*loc, Location::Line(2));
    assert_eq!(e.code(), "invalid_json");
    assert_eq!(e.args(), args(&[("column", "8"), ("error", "trailing comma")]));
    // The message as the studio always wrote it.
    let old = serde_json::from_str::<Value>("{\"a\":2,}").unwrap_err();
    let old = format!("invalid JSON at column {}: {}", old.column(), strip_position(&old.to_string()));
    assert_eq!(e.to_string(), old);
    assert_eq!(e.to_string(), "invalid JSON at column 8: trailing comma");
}

#[test]
fn a_line_too_long() {
    let mut text = b"{\"a\":1}\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 5000));
    text.push(b'\n');
    let limits = Limits { max_record_bytes: 1000, ..Limits::default() };
    let (bad, _) = read(|s| read::read_jsonl(&text[..], limits, s));
    let (loc, e) = &bad[0];
    assert_eq!(e.code(), "line_too_long");
    assert_eq!(e.args(), args(&[("max_bytes", "1000")]));
    assert_eq!(e.to_string(), "the line is longer than 1000 bytes");
    // In an import report the issue adds where: its location's numbers.
    let issue = import::issue(*loc, e);
    assert_eq!(issue.location, "line 2");
    assert_eq!(issue.message, "the line is longer than 1000 bytes");
    assert_eq!(issue.code.as_deref(), Some("line_too_long"));
    assert_eq!(issue.args, args(&[("line", "2"), ("max_bytes", "1000")]));
}

#[test]
fn a_utf16_file_and_a_zip_file() {
    let (_d, utf16) = file("data.jsonl", &[0xff, 0xfe, b'{', 0, b'}', 0]);
    let e = import::inspect(&utf16, "data.jsonl", None, Limits::default()).unwrap_err();
    assert_eq!(e.code(), "utf16_text");
    assert_eq!(e.args(), ErrorArgs::new());
    assert_eq!(e.to_string(), "the file is UTF-16 encoded; save it as UTF-8 and upload it again");
    let (_d, zip) = file("data.zip", b"PK\x03\x04\x14\x00\x00\x00");
    let e = import::inspect(&zip, "data.zip", None, Limits::default()).unwrap_err();
    assert_eq!(e.code(), "zip_archive");
    assert_eq!(e.args(), ErrorArgs::new());
    assert_eq!(
        e.to_string(),
        "this is a zip archive; unpack it and upload the files inside (or compress them with gzip)"
    );
}

#[test]
fn a_csv_row_with_the_wrong_number_of_fields() {
    let (bad, _) = read(|s| read::read_csv(&b"q,a\nx,1\nonly\n"[..], b',', true, Limits::default(), s));
    let (loc, e) = &bad[0];
    assert_eq!(loc.to_string(), "row 3 (line 3)");
    assert_eq!(e.code(), "wrong_field_count");
    assert_eq!(e.args(), args(&[("against", "header"), ("expected", "2"), ("found", "1")]));
    assert_eq!(e.to_string(), "1 columns, but the header has 2");
    let (bad, _) = read(|s| read::read_csv(&b"x\t1\nonly\n"[..], b'\t', false, Limits::default(), s));
    assert_eq!(bad[0].1.args()["against"], "first_row");
    assert_eq!(bad[0].1.to_string(), "1 columns, but the first row has 2");
}

#[test]
fn a_missing_mapped_field_and_a_wrong_type() {
    let m = Mapping::fields("instruction", Some("answer"));
    let r = serde_json::json!({"instruction": "a"});
    let e = mapping::to_example(&r, &m, "s".into(), "x".into(), None).unwrap_err();
    assert_eq!(e.code(), "missing_field");
    assert_eq!(e.args(), args(&[("field", "output"), ("path", "answer")]));
    assert_eq!(e.to_string(), "there is no output field `answer`");
    let m = Mapping::messages("messages", "role", "content");
    let r = serde_json::json!({"messages": [{"role": "user", "content": 3}, {"role": "user", "content": [1]}]});
    let e = mapping::to_example(&r, &m, "s".into(), "x".into(), None).unwrap_err();
    assert_eq!(e.code(), "wrong_type");
    assert_eq!(
        e.args(),
        args(&[("expected", "text"), ("field", "text"), ("found", "list"), ("message", "2"), ("path", "content")])
    );
    assert_eq!(e.to_string(), "message 2: the text field `content` is a list, expected text");
}

#[test]
fn a_cut_off_json_array() {
    let (_, r) = read(|s| read::read_json_array(&b"[{\"a\":1},{\"a\""[..], s));
    let e = r.unwrap_err();
    assert_eq!(e.code(), "file_cut_off");
    assert_eq!(e.args(), args(&[("line", "1")]));
    assert_eq!(e.to_string(), "the file ends early at line 1: it looks cut off");
    let (_, r) = read(|s| read::read_json_array(&b"[{\"a\":1},\n{\"a\":2} {\"a\":3}]"[..], s));
    let e = r.unwrap_err();
    assert_eq!(e.code(), "invalid_json");
    assert_eq!(e.args(), args(&[("column", "9"), ("error", "expected `,` or `]`"), ("line", "2")]));
    assert_eq!(e.to_string(), "line 2, column 9: expected `,` or `]`");
}

/// An import lists its bad records with codes and args; a preview that finds no good record
/// says the first record's problem, with its code.
#[test]
fn an_import_report_and_a_preview_carry_codes() {
    let (_d, path) = file("d.jsonl", b"{\"q\":\"a\"}\n{\"q\":\"b\",}\n\xff\n");
    let spec = ImportSpec {
        format: FileFormat::Jsonl,
        has_header: false,
        mapping: Mapping::fields("q", None),
        language: None,
    };
    let mut out = Vec::new();
    let report = import::import(&path, "d.jsonl", &spec, OnError::Skip, Limits::default(), &mut out, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!((report.imported, report.bad), (1, 2));
    let codes: Vec<_> = report.issues.iter().map(|i| i.code.as_deref().unwrap()).collect();
    assert_eq!(codes, ["invalid_json", "not_utf8"]);
    assert_eq!(report.issues[1].args, args(&[("byte", "1"), ("line", "3")]));
    assert_eq!(
        report.issues[1].message,
        "the text is not valid UTF-8 at byte 1 of the line (the file may mix encodings; save it as UTF-8)"
    );
    let (_d, path) = file("e.jsonl", b"{\"a\":}\n");
    let e = import::inspect(&path, "e.jsonl", None, Limits::default()).unwrap_err();
    assert_eq!(e.code(), "invalid_json");
    assert_eq!(e.args(), args(&[("column", "6"), ("error", "expected value"), ("line", "1")]));
    assert_eq!(e.to_string(), "line 1: invalid JSON at column 6: expected value");
    let (_d, path) = file("f.jsonl", b"  \n");
    let e = import::inspect(&path, "f.jsonl", None, Limits::default()).unwrap_err();
    assert_eq!((e.code(), e.to_string().as_str()), ("file_blank", "the file is empty (only blank space)"));
}

#[test]
fn a_damaged_stored_file() {
    let e = import::read_examples(&b"{\"id\":1}\n"[..], |_, _| ControlFlow::Continue(())).unwrap_err();
    assert_eq!(e.code(), "stored_file_damaged");
    assert_eq!(e.args()["index"], "0");
    assert_eq!(e.args()["file"], "examples");
    assert!(e.to_string().starts_with("example 0 is damaged: "), "{e}");
}
