//! Reading stored files record by record, streamed: JSON lines, JSON arrays, CSV/TSV, Parquet,
//! each optionally gzip-compressed (except Parquet). Every record arrives with its location
//! ("line 5123", "row 17", "element 4"); a record that cannot be read arrives as an error naming
//! that location, and reading goes on with the next one where the format allows it.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use polytune_api::FileFormat;
use serde_json::Value;

pub use crate::error::Location;
use crate::error::{DataError, Result};

/// Limits that protect the server from hostile or broken files.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A single line (JSON lines) or record (CSV) longer than this is reported, not read.
    pub max_record_bytes: usize,
    /// A gzip file may not expand to more than this…
    pub max_decompressed_bytes: u64,
    /// …nor to more than this many times its own size (after the first 64 MiB).
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_record_bytes: 64 << 20, max_decompressed_bytes: 64 << 30, max_ratio: 200 }
    }
}

/// A record as read, before mapping: an object (JSON, named CSV columns) or anything JSON can hold.
pub type Sink<'a> = dyn FnMut(Location, Result<Value>) -> ControlFlow<()> + 'a;

/// What the first bytes of a file say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Plain,
    Gzip,
    Parquet,
}

/// Looks at the first bytes: refuses what cannot be data (zip archives, UTF-16) with a plain reason.
pub fn sniff(head: &[u8]) -> Result<Container> {
    if head.starts_with(b"PAR1") {
        return Ok(Container::Parquet);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok(Container::Gzip);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Err(DataError::ZipArchive);
    }
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Err(DataError::Utf16Text);
    }
    Ok(Container::Plain)
}

/// Opens a stored file for reading text, decompressing gzip within the limits.
pub fn open_text(path: &Path, limits: Limits) -> Result<Box<dyn BufRead + Send>> {
    open_text_counted(path, limits, None)
}

/// Counts the bytes read from the stored file (before decompression): progress for long reads.
struct Counting<R> {
    inner: R,
    counter: Option<Arc<AtomicU64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(c) = &self.counter {
            c.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

fn open_text_counted(path: &Path, limits: Limits, counter: Option<Arc<AtomicU64>>) -> Result<Box<dyn BufRead + Send>> {
    let mut file = File::open(path).map_err(|source| DataError::FileUnopenable { source })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = [0u8; 4];
    let n = read_up_to(&mut file, &mut head).map_err(|source| DataError::FileUnreadable { source })?;
    let container = sniff(&head[..n])?;
    let file = Counting { inner: File::open(path).map_err(|source| DataError::FileUnopenable { source })?, counter };
    match container {
        Container::Parquet => Err(DataError::ParquetNotText),
        Container::Plain => Ok(Box::new(BufReader::with_capacity(1 << 20, file))),
        Container::Gzip => {
            let cap = limits.max_decompressed_bytes.min(size.saturating_mul(limits.max_ratio).max(64 << 20));
            let gz = flate2::read::MultiGzDecoder::new(BufReader::new(file));
            Ok(Box::new(BufReader::with_capacity(1 << 20, Capped { inner: gz, left: cap, cap })))
        }
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Fails reading once more than `cap` bytes came out: a gzip bomb stops here (with
/// [`DataError::DecompressionBomb`] inside the `io::Error`).
struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(DataError::DecompressionBomb { max_bytes: self.cap }));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Reads every record of `path` in `format`, calling `sink` for each. Returns `Err` for a problem
/// that stops reading the file (it is not data, it is cut off in a way that loses the rest…).
pub fn read_records(
    path: &Path,
    format: FileFormat,
    has_header: bool,
    limits: Limits,
    sink: &mut Sink<'_>,
) -> Result<()> {
    read_records_counted(path, format, has_header, limits, None, sink)
}

/// [`read_records`], adding the bytes read from the file to `counter` as it goes.
pub fn read_records_counted(
    path: &Path,
    format: FileFormat,
    has_header: bool,
    limits: Limits,
    counter: Option<Arc<AtomicU64>>,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let open = |c| open_text_counted(path, limits, c);
    match format {
        FileFormat::Parquet => read_parquet(path, counter, sink),
        FileFormat::Jsonl => read_jsonl(open(counter)?, limits, sink),
        FileFormat::JsonArray => read_json_array(open(counter)?, sink),
        FileFormat::JsonObject => read_json_object(open(counter)?, sink),
        FileFormat::Csv => read_csv(open(counter)?, b',', has_header, limits, sink),
        FileFormat::Tsv => read_csv(open(counter)?, b'\t', has_header, limits, sink),
        FileFormat::Lines => read_lines(open(counter)?, limits, sink),
    }
}

/// JSON lines: one value per line; blank lines are allowed. A bad line is reported and skipped.
pub fn read_jsonl(input: impl BufRead, limits: Limits, sink: &mut Sink<'_>) -> Result<()> {
    each_line(input, limits, |loc, line| {
        let bytes = match line {
            Ok(b) => b,
            Err(e) => return sink(loc, Err(e)),
        };
        let ended = bytes.last() == Some(&b'\n');
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.trim(),
            Err(e) => return sink(loc, Err(DataError::NotUtf8 { byte: e.valid_up_to() + 1, encoding_hint: true })),
        };
        if text.is_empty() {
            return ControlFlow::Continue(());
        }
        let result = serde_json::from_str::<Value>(text).map_err(|e| {
            if !ended && e.is_eof() {
                DataError::LineCutOff
            } else {
                DataError::InvalidJson { column: e.column(), source: e }
            }
        });
        sink(loc, result)
    })
}

/// Plain text: every non-blank line is a record `{"text": line}`.
pub fn read_lines(input: impl BufRead, limits: Limits, sink: &mut Sink<'_>) -> Result<()> {
    each_line(input, limits, |loc, line| {
        let result = line.and_then(|bytes| match std::str::from_utf8(bytes) {
            Ok(t) => Ok(t),
            Err(e) => Err(DataError::NotUtf8 { byte: e.valid_up_to() + 1, encoding_hint: false }),
        });
        match result {
            Ok(t) if t.trim().is_empty() => ControlFlow::Continue(()),
            r => sink(loc, r.map(|t| serde_json::json!({"text": t.trim_end_matches(['\n', '\r'])}))),
        }
    })
}

/// Calls `f` with every line of a line-based file (with its `\n`; line 1 without a byte-order
/// mark), or `LineTooLong` for one longer than a record may be, until `f` breaks or the input
/// ends. A read error stops it, naming the line.
fn each_line(
    mut input: impl BufRead,
    limits: Limits,
    mut f: impl FnMut(Location, Result<&[u8]>) -> ControlFlow<()>,
) -> Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        line_no += 1;
        let (n, overlong) = read_line(&mut input, &mut buf, limits.max_record_bytes)
            .map_err(|source| DataError::ReadingStopped { line: line_no, source })?;
        if n == 0 {
            return Ok(());
        }
        let line = if overlong {
            Err(DataError::LineTooLong { max_bytes: limits.max_record_bytes })
        } else if line_no == 1 {
            Ok(buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf))
        } else {
            Ok(&buf[..])
        };
        if f(Location::Line(line_no), line).is_break() {
            return Ok(());
        }
    }
}

/// Reads one line (with its `\n`) into `buf`, but never more than `max` bytes of it: the rest of an
/// overlong line is consumed and dropped. Returns (bytes consumed, overlong).
fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut overlong = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok((consumed, overlong));
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let len = chunk.len();
        if !overlong {
            if buf.len() + len > max {
                overlong = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        input.consume(len);
        consumed += len;
        if done {
            return Ok((consumed, overlong));
        }
    }
}

/// A JSON array of records, streamed element by element. A syntax error stops reading (the
/// elements after it cannot be found reliably); the elements before it are kept.
pub fn read_json_array(input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    use serde::de::{Deserializer as _, SeqAccess, Visitor};

    struct Each<'s, 'a> {
        sink: &'s mut Sink<'a>,
    }
    impl<'de> Visitor<'de> for Each<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0u64;
            while let Some(v) = seq.next_element::<Value>()? {
                i += 1;
                if (self.sink)(Location::Element(i), Ok(v)).is_break() {
                    break;
                }
            }
            Ok(())
        }
    }
    let mut input = input;
    skip_bom(&mut input);
    let mut de = serde_json::Deserializer::from_reader(input);
    de.deserialize_seq(Each { sink }).map_err(json_document_error)
}

/// A UTF-8 byte-order mark is not JSON; step over it.
fn skip_bom(input: &mut impl BufRead) {
    if input.fill_buf().map(|b| b.starts_with(b"\xEF\xBB\xBF")).unwrap_or(false) {
        input.consume(3);
    }
}

/// Why a streamed JSON document (an array, an object keyed by id) stopped being read.
fn json_document_error(e: serde_json::Error) -> DataError {
    let (line, column) = (e.line(), e.column());
    if e.is_eof() {
        DataError::FileCutOff { line, source: e }
    } else if e.is_io() {
        // The reader's own error (a zip bomb, a broken gzip stream), given back whole.
        DataError::JsonArrayStopped { line, column, source: e.into() }
    } else {
        DataError::JsonArraySyntax { line, column, source: e }
    }
}

/// One JSON object keyed by item id, streamed entry by entry: each value becomes a record with
/// its key as `_key` (a value that is not an object becomes `{"_key": key, "value": value}`).
pub fn read_json_object(input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    use serde::de::{Deserializer as _, MapAccess, Visitor};

    struct Each<'s, 'a> {
        sink: &'s mut Sink<'a>,
    }
    impl<'de> Visitor<'de> for Each<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object of records keyed by id")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut i = 0u64;
            while let Some((key, v)) = map.next_entry::<String, Value>()? {
                i += 1;
                let record = match v {
                    Value::Object(mut o) => {
                        o.entry("_key").or_insert(Value::String(key));
                        Value::Object(o)
                    }
                    other => serde_json::json!({ "_key": key, "value": other }),
                };
                if (self.sink)(Location::Element(i), Ok(record)).is_break() {
                    break;
                }
            }
            Ok(())
        }
    }
    let mut input = input;
    skip_bom(&mut input);
    let mut de = serde_json::Deserializer::from_reader(input);
    de.deserialize_map(Each { sink }).map_err(json_document_error)
}

/// CSV/TSV: quoted fields may span lines. With a header, records are objects keyed by column
/// name; without, by column number (`"1"`, `"2"`, …). Every record must have as many columns
/// as the first.
pub fn read_csv(
    input: impl BufRead,
    delimiter: u8,
    has_header: bool,
    limits: Limits,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(delimiter == b',')
        .from_reader(input);
    let mut names: Option<Vec<String>> = None;
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(DataError::CsvStopped { line, source: e });
            }
        }
        row += 1;
        let line = record.position().map(|p| p.line()).unwrap_or(row);
        let loc = Location::Row { row, line: Some(line) };
        let mut fields = Vec::with_capacity(record.len());
        let mut bad = None;
        for (i, f) in record.iter().enumerate() {
            let f = if row == 1 && i == 0 { f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f) } else { f };
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s.to_string()),
                Err(e) => {
                    bad = Some(DataError::NotUtf8Column { column: i + 1, byte: e.valid_up_to() + 1 });
                    break;
                }
            }
        }
        if record.as_slice().len() > limits.max_record_bytes {
            bad = Some(DataError::RecordTooLong { max_bytes: limits.max_record_bytes });
        }
        if row == 1 && has_header {
            if let Some(b) = bad {
                return Err(DataError::HeaderUnreadable { location: loc, source: Box::new(b) });
            }
            names = Some(fields);
            continue;
        }
        let names = names.get_or_insert_with(|| (1..=fields.len()).map(|i| i.to_string()).collect());
        let result = match bad {
            Some(b) => Err(b),
            None if fields.len() != names.len() => {
                Err(DataError::WrongFieldCount { found: fields.len(), expected: names.len(), header: has_header })
            }
            None => Ok(Value::Object(names.iter().cloned().zip(fields.into_iter().map(Value::String)).collect())),
        };
        if sink(loc, result).is_break() {
            return Ok(());
        }
    }
}

/// Parquet, row by row (nested lists and structs become JSON arrays and objects).
pub fn read_parquet(path: &Path, counter: Option<Arc<AtomicU64>>, sink: &mut Sink<'_>) -> Result<()> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let file = File::open(path).map_err(|source| DataError::FileUnopenable { source })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reader = SerializedFileReader::new(file).map_err(|e| parquet_error(None, e))?;
    let meta = reader.metadata().file_metadata();
    // Decimals are turned into text digit by digit; a hostile precision would take forever.
    let max = DataError::MAX_DECIMAL_PRECISION;
    if let Some(c) = meta.schema_descr().columns().iter().find(|c| c.type_precision() > max || c.type_scale() > max) {
        return Err(DataError::DecimalTooPrecise { column: c.path().to_string(), precision: c.type_precision() });
    }
    let rows = meta.num_rows().max(1) as u64;
    let mut row = 0u64;
    for r in reader.get_row_iter(None).map_err(|e| parquet_error(None, e))? {
        row += 1;
        if let Some(c) = &counter {
            // Rows stand in for bytes: the share of rows read, in bytes of the file.
            c.store(size.saturating_mul(row) / rows, Ordering::Relaxed);
        }
        let r = r.map_err(|e| parquet_error(Some(row), e))?;
        if sink(Location::Row { row, line: None }, Ok(r.to_json_value())).is_break() {
            return Ok(());
        }
    }
    Ok(())
}

fn parquet_error(row: Option<u64>, source: parquet::errors::ParquetError) -> DataError {
    let msg = source.to_string();
    if msg.contains("zstd") || msg.contains("brotli") || msg.contains("ZSTD") || msg.contains("BROTLI") {
        DataError::ParquetCompression { row, source }
    } else {
        DataError::ParquetUnreadable { row, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records and the result, with locations and errors as the text people read.
    fn collect(
        f: impl FnOnce(&mut Sink<'_>) -> Result<()>,
    ) -> (Vec<(String, Result<Value, String>)>, Result<(), String>) {
        let mut out = Vec::new();
        let r = f(&mut |loc, v| {
            out.push((loc.to_string(), v.map_err(|e| e.to_string())));
            ControlFlow::Continue(())
        });
        (out, r.map_err(|e| e.to_string()))
    }

    #[test]
    fn jsonl_reports_bad_lines_and_goes_on() {
        let text = b"{\"a\":1}\n\n{\"a\":2,}\n\xff\xfe\n{\"a\":3}\n{\"a\":";
        let (out, r) = collect(|s| read_jsonl(&text[..], Limits::default(), s));
        assert!(r.is_ok());
        let locs: Vec<_> = out.iter().map(|(l, v)| (l.as_str(), v.is_ok())).collect();
        assert_eq!(locs, [("line 1", true), ("line 3", false), ("line 4", false), ("line 5", true), ("line 6", false)]);
        assert!(out[1].1.as_ref().unwrap_err().contains("invalid JSON at column 8"), "{:?}", out[1].1);
        assert!(out[2].1.as_ref().unwrap_err().contains("not valid UTF-8"));
        assert!(out[4].1.as_ref().unwrap_err().contains("cut off"));
    }

    #[test]
    fn overlong_lines_are_reported_not_held() {
        let mut text = b"{\"a\":1}\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 5000));
        text.extend(b"\n{\"a\":2}\n");
        let limits = Limits { max_record_bytes: 1000, ..Limits::default() };
        let (out, _) = collect(|s| read_jsonl(&text[..], limits, s));
        assert_eq!(out.len(), 3);
        assert!(out[1].1.as_ref().unwrap_err().contains("longer than 1000 bytes"));
        assert_eq!(out[2].1.as_ref().unwrap()["a"], 2);
    }

    #[test]
    fn json_array_streams_and_stops_at_syntax_errors() {
        let (out, r) = collect(|s| read_json_array(&b"[{\"a\":1},\n{\"a\":2} {\"a\":3}]"[..], s));
        assert_eq!(out.len(), 2);
        assert!(r.unwrap_err().starts_with("line 2, column"));
        let (out, r) = collect(|s| read_json_array(&b"[{\"a\":1},{\"a\""[..], s));
        assert_eq!(out.len(), 1);
        assert!(r.unwrap_err().contains("cut off"));
    }

    #[test]
    fn csv_with_and_without_header() {
        let (out, r) =
            collect(|s| read_csv(&b"q,a\n\"x, y\",1\n\"multi\nline\",2\nonly\n"[..], b',', true, Limits::default(), s));
        assert!(r.is_ok());
        assert_eq!(out[0].1.as_ref().unwrap()["q"], "x, y");
        assert_eq!(out[1].1.as_ref().unwrap()["q"], "multi\nline");
        assert_eq!(out[2].0, "row 4 (line 5)");
        assert!(out[2].1.as_ref().unwrap_err().contains("1 columns, but the header has 2"));
        let (out, _) = collect(|s| read_csv(&b"What is 2+2?\t4\n"[..], b'\t', false, Limits::default(), s));
        assert_eq!(out[0].1.as_ref().unwrap()["2"], "4");
    }

    #[test]
    fn refuses_archives_and_utf16() {
        assert!(sniff(b"PK\x03\x04").unwrap_err().to_string().contains("zip archive"));
        assert!(sniff(&[0xff, 0xfe, b'{', 0]).unwrap_err().to_string().contains("UTF-16"));
        assert_eq!(sniff(b"PAR1").ok(), Some(Container::Parquet));
        assert_eq!(sniff(b"{\"a").ok(), Some(Container::Plain));
    }

    /// A read stopped by the gzip cap says so with the bomb's code, and where it stopped.
    #[test]
    fn a_capped_read_carries_the_bomb_code() {
        let capped = BufReader::new(Capped { inner: &b"{\"a\":1}\n{\"a\":2}\n"[..], left: 4, cap: 4 });
        let mut seen = 0;
        let e = read_jsonl(capped, Limits::default(), &mut |_, _| {
            seen += 1;
            ControlFlow::Continue(())
        })
        .unwrap_err();
        assert_eq!(seen, 0);
        assert_eq!(e.code(), "decompression_bomb");
        let args: Vec<(String, String)> = e.args().into_iter().collect();
        assert_eq!(args, [("line".to_string(), "1".to_string()), ("max_bytes".to_string(), "4".to_string())]);
        assert_eq!(
            e.to_string(),
            "line 1: reading stopped: the compressed file expands to more than 4 bytes; that looks like a zip bomb, so it was not read"
        );
    }

    #[test]
    fn gzip_bombs_stop() {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("polytune-bomb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bomb.jsonl.gz");
        let mut gz = flate2::write::GzEncoder::new(File::create(&path).unwrap(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..80 {
            gz.write_all(&zeros).unwrap();
        }
        gz.finish().unwrap();
        let limits = Limits { max_ratio: 100, ..Limits::default() };
        let (_, r) = collect(|s| read_records(&path, FileFormat::Jsonl, false, limits, s));
        assert!(r.unwrap_err().contains("zip bomb"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
