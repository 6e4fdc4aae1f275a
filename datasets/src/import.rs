//! Detecting a file's format, previewing it, and importing it as canonical JSON lines.

use std::io::{BufRead, Read, Write};
use std::ops::ControlFlow;
use std::path::Path;

use polytune_api::{Example, FileFormat, lang, ImportReport, ImportSpec, Inspection, OnError, PreviewRow, RecordIssue};
use serde_json::Value;

use crate::error::{DataError, Location, Result, Stored, Written};
use crate::mapping;
use crate::read::{self, Container, Limits};

/// How many records a preview shows.
pub const PREVIEW_ROWS: usize = 20;
/// How many bad records an import report lists.
pub const REPORT_ISSUES: usize = 100;

/// Guesses the container from the first bytes (and the name, for CSV vs TSV).
pub fn detect_format(path: &Path, file_name: &str, limits: Limits) -> Result<(FileFormat, bool)> {
    let mut head = [0u8; 4];
    let n = {
        let mut f = std::fs::File::open(path).map_err(|source| DataError::FileUnopenable { source })?;
        f.read(&mut head).map_err(|source| DataError::FileUnreadable { source })?
    };
    if n == 0 {
        return Err(DataError::FileEmpty);
    }
    if read::sniff(&head[..n])? == Container::Parquet {
        return Ok((FileFormat::Parquet, false));
    }
    let mut input = read::open_text(path, limits)?;
    let mut sample = Vec::new();
    (&mut input).take(64 << 10).read_to_end(&mut sample).map_err(|source| DataError::FileUnreadable { source })?;
    let sample = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&sample);
    let text = String::from_utf8_lossy(sample);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(DataError::FileBlank);
    }
    if trimmed.starts_with('[') {
        return Ok((FileFormat::JsonArray, false));
    }
    if trimmed.starts_with('{') {
        let lines_by_name = [".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"].iter().any(|x| file_name.ends_with(x));
        return Ok((if lines_by_name { FileFormat::Jsonl } else { json_object_or_lines(trimmed) }, false));
    }
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".txt") || lower.ends_with(".txt.gz") {
        return Ok((FileFormat::Lines, false));
    }
    let first_lines: Vec<&str> = trimmed.lines().take(5).collect();
    let tabs: usize = first_lines.iter().map(|l| l.matches('\t').count()).sum();
    let commas: usize = first_lines.iter().map(|l| l.matches(',').count()).sum();
    let tsv = lower.ends_with(".tsv") || lower.ends_with(".tsv.gz") || (tabs > 0 && !lower.contains(".csv"));
    let format = if tsv {
        FileFormat::Tsv
    } else if commas > 0 || lower.contains(".csv") {
        FileFormat::Csv
    } else {
        return Ok((FileFormat::Lines, false));
    };
    let delim = if tsv { '\t' } else { ',' };
    Ok((format, looks_like_header(&first_lines, delim)))
}

/// A file starting with `{` (and not named as JSON lines): JSON lines when its first line is a whole JSON value, unless that
/// value is the file's only one and an object of two or more records keyed by id; one JSON object
/// keyed by id when the first value spans lines (a pretty-printed document) and no line after it
/// is a record of its own.
fn json_object_or_lines(text: &str) -> FileFormat {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or_default();
    match serde_json::from_str::<Value>(first) {
        Ok(Value::Object(o)) => {
            let keyed = o.len() >= 2 && o.values().all(Value::is_object) && lines.next().is_none();
            if keyed { FileFormat::JsonObject } else { FileFormat::Jsonl }
        }
        Ok(_) => FileFormat::Jsonl,
        // A damaged first line among whole ones is JSON lines with one bad line.
        Err(_) if lines.take(3).any(|l| serde_json::from_str::<Value>(l).is_ok_and(|v| v.is_object())) => {
            FileFormat::Jsonl
        }
        Err(_) => FileFormat::JsonObject,
    }
}

/// A first row of short, distinct, non-numeric names above longer rows is a header.
fn looks_like_header(lines: &[&str], delim: char) -> bool {
    let Some(first) = lines.first() else { return false };
    let cells: Vec<&str> = first.split(delim).map(|c| c.trim().trim_matches('"')).collect();
    let names_ok = cells.iter().all(|c| {
        !c.is_empty() && c.chars().count() <= 40 && c.parse::<f64>().is_err() && c.split_whitespace().count() <= 4
    });
    let mut distinct = cells.clone();
    distinct.sort();
    distinct.dedup();
    names_ok && distinct.len() == cells.len()
}

/// Reads the first records of a file and shows how `spec` (or the guessed reading) maps them.
pub fn inspect(path: &Path, file_name: &str, spec: Option<ImportSpec>, limits: Limits) -> Result<Inspection> {
    let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let (format, has_header) = match &spec {
        Some(s) => (s.format, s.has_header),
        None => detect_format(path, file_name, limits)?,
    };
    let mut raw: Vec<(Location, Result<Value>)> = Vec::new();
    let result = read::read_records(path, format, has_header, limits, &mut |loc, r| {
        raw.push((loc, r));
        if raw.len() >= PREVIEW_ROWS { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    });
    if let Err(fatal) = result {
        if raw.is_empty() {
            return Err(fatal);
        }
        raw.push((Location::End, Err(fatal)));
    }
    let first_ok = raw.iter().find_map(|(_, r)| r.as_ref().ok());
    let (spec, detected) = match spec {
        Some(s) => (s, "your reading".to_string()),
        None => {
            let Some(first) = first_ok else {
                return Err(match raw.into_iter().next() {
                    Some((location, Err(e))) => DataError::AtRecord { location, source: Box::new(e) },
                    _ => DataError::NoRecords,
                });
            };
            // Fields missing from the first record may be in the next ones (an optional `language`).
            let mut union = first.clone();
            if let Some(u) = union.as_object_mut() {
                for (_, r) in &raw {
                    if let Ok(serde_json::Value::Object(o)) = r {
                        for (k, v) in o {
                            if u.get(k).is_none_or(serde_json::Value::is_null) {
                                u.insert(k.clone(), v.clone());
                            }
                        }
                    }
                }
            }
            let (mapping, what) = mapping::guess(&union);
            let language = language_from_name(file_name);
            (ImportSpec { format, has_header, mapping, language }, format!("{what} in {}", format.label()))
        }
    };
    let mut fields = Vec::new();
    for (_, r) in &raw {
        if let Ok(v) = r {
            mapping::field_paths(v, &mut fields);
        }
    }
    let rows: Vec<PreviewRow> = raw
        .into_iter()
        .map(|(location, r)| match r {
            Ok(v) => {
                let location = location.to_string();
                let e = mapping::to_example(
                    &v,
                    &spec.mapping,
                    format!("{file_name}: {location}"),
                    location.clone(),
                    spec.language.as_deref(),
                );
                match e {
                    Ok(e) => PreviewRow {
                        location,
                        raw: v,
                        example: Some(e),
                        error: None,
                        error_code: None,
                        error_args: Default::default(),
                    },
                    Err(e) => PreviewRow {
                        location,
                        raw: v,
                        example: None,
                        error: Some(e.to_string()),
                        error_code: Some(e.code().to_string()),
                        error_args: e.args(),
                    },
                }
            }
            Err(e) => PreviewRow {
                location: location.to_string(),
                raw: Value::Null,
                example: None,
                error: Some(e.to_string()),
                error_code: Some(e.code().to_string()),
                error_args: e.args(),
            },
        })
        .collect();
    // A declared language (the file's, or each record's) that the instructions contradict, in words.
    let declared: Vec<(String, String)> = rows
        .iter()
        .filter_map(|r| r.example.as_ref())
        .filter_map(|e| Some((lang::parse(e.language.as_deref()?)?.code().to_string(), e.instruction_text())))
        .collect();
    let pairs = declared.iter().map(|(l, t)| (l.as_str(), t.as_str()));
    let contradictions = crate::langid::contradictions(
        pairs,
        "instruction",
        "the instruction",
        "previewed examples",
        &crate::langid::detect_canonical,
    );
    Ok(Inspection { spec, detected, fields, rows, bytes_read: file_bytes.min(64 << 10), file_bytes, contradictions })
}

/// A language named by the file or its folder, as public datasets do: `mgsm_de.tsv`,
/// `val.sw.jsonl`, `sib200/deu_Latn/dev.tsv`, `ntrex128/fra.txt`.
pub fn language_from_name(file_name: &str) -> Option<String> {
    let parts: Vec<&str> = file_name.split(['/', '\\', '.', '_', '-', ' ']).filter(|p| !p.is_empty()).collect();
    // A FLORES code spans two parts (deu, Latn); try pairs first, then single parts, right to left.
    for w in parts.windows(2).rev() {
        if w[1].len() == 4 && w[1].chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            if let Some(t) = polytune_api::lang::parse(&format!("{}_{}", w[0], w[1])) {
                return Some(t.0);
            }
        }
    }
    const NOT_LANGUAGES: &[&str] = &[
        "jsonl", "json", "tsv", "csv", "txt", "gz", "parquet", "val", "dev", "train", "test",
        // ISO 639-3 codes that are everyday words in file names.
        "war", "run", "min", "bug", "ban", "san", "sag", "sun", "mag", "lit", "lim", "kin", "pap", "tat", "fur", "mos",
    ];
    // Two-letter codes only where they stand last (`mgsm_de`): elsewhere they are too often words (`my_data`).
    parts
        .iter()
        .rev()
        .filter(|p| !NOT_LANGUAGES.contains(&p.to_ascii_lowercase().as_str()))
        .enumerate()
        .filter(|(i, p)| p.len() >= 3 || (*i == 0 && p.len() == 2))
        .find_map(|(_, p)| polytune_api::lang::parse(p).map(|t| t.0))
}

/// Reads the whole file, writing one canonical example per line to `out`. With [`OnError::Ask`]
/// reading stops counting after the first bad records are listed but goes on to count them all;
/// nothing written is meant to be kept unless the report has no bad records.
pub fn import(
    path: &Path,
    file_name: &str,
    spec: &ImportSpec,
    on_error: OnError,
    limits: Limits,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64) -> ControlFlow<()>,
) -> Result<ImportReport> {
    import_counted(path, file_name, spec, on_error, limits, None, out, progress)
}

/// [`import`], counting the bytes read in `counter` (for progress).
#[allow(clippy::too_many_arguments)]
pub fn import_counted(
    path: &Path,
    file_name: &str,
    spec: &ImportSpec,
    on_error: OnError,
    limits: Limits,
    counter: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64) -> ControlFlow<()>,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut write_error = None;
    let result = read::read_records_counted(path, spec.format, spec.has_header, limits, counter, &mut |loc, r| {
        report.records += 1;
        let example = r.and_then(|v| {
            mapping::to_example(
                &v,
                &spec.mapping,
                format!("{file_name}: {loc}"),
                format!("{file_name}:{loc}"),
                spec.language.as_deref(),
            )
        });
        match example {
            Ok(e) => {
                report.imported += 1;
                if on_error == OnError::Skip || report.bad == 0 {
                    if let Err(e) = write_example(out, &e) {
                        write_error = Some(e);
                        return ControlFlow::Break(());
                    }
                }
            }
            Err(e) => {
                report.bad += 1;
                if report.issues.len() < REPORT_ISSUES {
                    report.issues.push(issue(loc, &e));
                }
            }
        }
        if report.records % 4096 == 0 { progress(report.records) } else { ControlFlow::Continue(()) }
    });
    if let Some(e) = write_error {
        return Err(DataError::write(Written::ImportedExamples, e));
    }
    let fatal = match result {
        Err(fatal) => Some(fatal),
        Ok(()) if report.records == 0 => Some(DataError::NoRecords),
        Ok(()) => None,
    };
    if let Some(fatal) = fatal {
        report.fatal = Some(fatal.to_string());
        report.fatal_code = Some(fatal.code().to_string());
        report.fatal_args = fatal.args();
    }
    Ok(report)
}

/// A bad record as the report lists it: where, why in words, and why as a code with its args
/// (the location's `line`/`row`/`element` among them).
pub fn issue(location: Location, e: &DataError) -> RecordIssue {
    let mut args = location.args();
    args.extend(e.args());
    RecordIssue { location: location.to_string(), message: e.to_string(), code: Some(e.code().to_string()), args }
}

pub fn write_example(out: &mut dyn Write, e: &Example) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, e)?;
    out.write_all(b"\n")
}

/// Reads canonical JSON lines (what [`import`] writes), one example at a time.
pub fn read_examples(input: impl BufRead, mut each: impl FnMut(u64, Example) -> ControlFlow<()>) -> Result<()> {
    let mut index = 0u64;
    for line in input.lines() {
        let line = line.map_err(|source| DataError::StoredFileUnreadable { file: Stored::Examples, source })?;
        if line.is_empty() {
            continue;
        }
        let e: Example = serde_json::from_str(&line).map_err(|source| DataError::StoredFileDamaged {
            file: Stored::Examples,
            index,
            source,
        })?;
        if each(index, e).is_break() {
            break;
        }
        index += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_in_public_file_names() {
        for (name, want) in [
            ("mgsm_de.tsv", Some("deu")),
            ("val.sw.jsonl", Some("swa")),
            ("labeled/sib200/deu_Latn/dev.tsv", Some("deu")),
            ("sib200/zho_Hans/train.tsv", Some("zho-Hans")),
            ("ntrex128/fra.txt", Some("fra")),
            ("mt_bench_multilingual/bengali/question.jsonl", Some("ben")),
            ("laerebogen_seed_tasks_da.jsonl", Some("dan")),
            ("train.jsonl", None),
            ("my_data.jsonl", None),
        ] {
            assert_eq!(language_from_name(name).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn headers_are_told_from_data() {
        assert!(looks_like_header(&["index_id\tcategory\ttext", "1\tscience\tA long sentence."], '\t'));
        assert!(!looks_like_header(&["Janet’s ducks lay 16 eggs per day. She eats three for breakfast\t18"], '\t'));
        assert!(!looks_like_header(&["a,a", "1,2"], ','));
    }
}
