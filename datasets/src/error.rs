//! The errors of the data pipeline. Each has a stable `code` (what went wrong, for a client to
//! match on and word in its person's language), named `args` (the numbers and names the wording
//! needs, numbers as decimal text) and an English `Display` text (what the studio says today).
//!
//! The codes are an API contract: they reach clients in `FieldError.code` (422 answers) and in
//! `RecordIssue.code` (an import's bad records). Never rename one; add new ones.
//!
//! A record's problem ([`RecordIssue`](polytune_api::RecordIssue)) also carries the record's
//! [`Location`] in its args: `line` (JSON lines, text, CSV), `row` (CSV, Parquet), `element`
//! (JSON arrays). `error` is always the underlying library's or system's own (English) text.
//!
//! | code | meaning | args |
//! |---|---|---|
//! | `file_unopenable` | the stored file cannot be opened | `error` |
//! | `file_unreadable` | the stored file cannot be read | `error` |
//! | `file_empty` | the file has no bytes | |
//! | `file_blank` | the file holds only blank space | |
//! | `zip_archive` | a zip archive, not a data file | |
//! | `utf16_text` | UTF-16 text (only UTF-8 is read) | |
//! | `parquet_not_text` | a Parquet file read as text | |
//! | `decompression_bomb` | a gzip file expands past the limit | `max_bytes` |
//! | `reading_stopped` | reading failed midway (I/O, a broken gzip stream) | `line`, `error` (`column` for JSON arrays) |
//! | `line_too_long` | a line longer than the record limit | `max_bytes` |
//! | `record_too_long` | a CSV/TSV record longer than the record limit | `max_bytes` |
//! | `not_utf8` | a line is not valid UTF-8 | `byte` (1-based, within the line) |
//! | `not_utf8_column` | a CSV/TSV field is not valid UTF-8 | `column`, `byte` (1-based) |
//! | `line_cut_off` | a JSON line ends early (the file looks cut off) | |
//! | `invalid_json` | a JSON syntax error | `column`, `error` (`line` for JSON arrays) |
//! | `file_cut_off` | a JSON array ends early | `line` |
//! | `header_unreadable` | the CSV/TSV header row cannot be read | `row`, `line`, `problem` (the code of why), and that code's args |
//! | `wrong_field_count` | a CSV/TSV row has another number of columns | `found`, `expected`, `against` (`header` or `first_row`) |
//! | `no_records` | the file has no records | |
//! | `parquet_unreadable` | not a readable Parquet file (maybe cut off) | `error`, `row` where a row failed |
//! | `parquet_compression` | a Parquet compression the studio does not read | `error`, `row` where a row failed |
//! | `decimal_too_precise` | a Parquet decimal column beyond precision 76 | `column`, `precision`, `max_precision` |
//! | `not_an_object` | a record is not an object with fields | `found` |
//! | `missing_field` | a mapped field is missing (or null) | `field`, `path` |
//! | `wrong_type` | a mapped field has the wrong type | `field`, `path`, `found`, `expected`, `message` (inside a message list) |
//! | `empty_list` | a mapped messages/turns list is empty | `field`, `path` |
//! | `item_wrong_type` | an item of a turns/answers list is not text | `field`, `item`, `found` |
//! | `unknown_role` | a message has a role the studio does not know | `message`, `role` |
//! | `role_wrong_type` | a message's role is not text | `message`, `key`, `found` |
//! | `message_key_missing` | a message lacks its role or text key | `message`, `key` |
//! | `tokenizer_unloadable` | not a tokenizer.json the tokenizers library loads | `error` |
//! | `path_unopenable` | a server path cannot be opened | `path`, `error` |
//! | `folder_unreadable` | a server folder cannot be listed | `path`, `error` |
//! | `stored_file_unopenable` | a stored version or profile cannot be opened | `file`, `version`, `error` |
//! | `stored_file_unreadable` | reading stored examples or annotations failed | `file`, `version`/`name`, `error` |
//! | `stored_file_damaged` | a stored example or annotation does not parse | `file`, `version`/`name`, `index`, `error` |
//! | `profile_too_short` | a profile has fewer annotations than examples | `version` |
//! | `annotation_missing` | a profile has no annotation for an example | `example` |
//! | `inputs_not_aligned` | an augmentation's inputs have different lengths | `row` |
//! | `answer_input_missing` | an augmentation lacks its answer input | `augmentation` |
//! | `augmentation_failed` | an augmentation template cannot be rendered for a row | `augmentation`, `template`, `row`, `error` |
//! | `write_failed` | writing the result failed | `target`, `error` |
//! | `stopped` | the work was stopped (cancelled) | |
//!
//! `found` and `expected` name JSON types: `null`, `bool`, `number`, `text`, `list`, `object`.
//! `field` names the mapped field's role (`instruction`, `input`, `output`, `system`, `id`,
//! `language`, `messages`, `text`, `turns`, `turn`, `answer`). `file` names a stored file
//! (`examples`, `annotations`, `evaluation_set`, `version`, `version_profile`); `target` what was
//! written (`imported_examples`, `derived_examples`, `annotations`, `mixture`, `replay_data`,
//! `parquet`, `parquet_file`).
//!
//! An error that only adds where it happened to another error of this crate takes that error's
//! code: a preview's first unreadable record ([`DataError::AtRecord`]) and a read stopped by a
//! `decompression_bomb` carry the inner code, with the location added to its args.

use polytune_api::ErrorArgs;

pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// A boxed error of any library (the writers' errors: I/O, JSON, Parquet).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

mod context;

pub use context::*;

/// serde_json's messages end with " at line 1 column 18"; we say the position ourselves.
pub(crate) fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

fn json_detail(e: &serde_json::Error) -> String {
    strip_position(&e.to_string()).to_string()
}

fn row_prefix(row: &Option<u64>) -> String {
    row.map(|r| format!("row {r}: ")).unwrap_or_default()
}

fn message_prefix(message: &Option<usize>) -> String {
    message.map(|m| format!("message {m}: ")).unwrap_or_default()
}

fn put(args: &mut ErrorArgs, name: &str, value: impl ToString) {
    args.insert(name.to_string(), value.to_string());
}

/// An error of the data pipeline; see the [module](self) for the codes and their args.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    // ---- the file as a whole ----
    #[error("the file cannot be opened: {source}")]
    FileUnopenable { source: std::io::Error },
    #[error("the file cannot be read: {source}")]
    FileUnreadable { source: std::io::Error },
    #[error("the file is empty")]
    FileEmpty,
    #[error("the file is empty (only blank space)")]
    FileBlank,
    #[error("this is a zip archive; unpack it and upload the files inside (or compress them with gzip)")]
    ZipArchive,
    #[error("the file is UTF-16 encoded; save it as UTF-8 and upload it again")]
    Utf16Text,
    #[error("this is a Parquet file, not text")]
    ParquetNotText,
    /// Raised inside the gzip reader (wrapped in an `io::Error`), so it arrives inside
    /// [`DataError::ReadingStopped`] and its kin, which then take its code.
    #[error(
        "the compressed file expands to more than {max_bytes} bytes; that looks like a zip bomb, so it was not read"
    )]
    DecompressionBomb { max_bytes: u64 },
    #[error("line {line}: reading stopped: {source}")]
    ReadingStopped { line: u64, source: std::io::Error },
    #[error("line {line}: the file cannot be read further: {source}")]
    CsvStopped { line: u64, source: csv::Error },
    #[error("the file ends early at line {line}: it looks cut off")]
    FileCutOff { line: usize, source: serde_json::Error },
    #[error("line {line}, column {column}: {}", json_detail(.source))]
    JsonArraySyntax { line: usize, column: usize, source: serde_json::Error },
    #[error("line {line}, column {column}: {source}")]
    JsonArrayStopped { line: usize, column: usize, source: std::io::Error },
    #[error("{location}: the header cannot be read: {source}")]
    HeaderUnreadable { location: Location, source: Box<DataError> },
    #[error("the file has no records")]
    NoRecords,
    /// The first record of a preview could not be read; the code is the record's problem's.
    #[error("{location}: {source}")]
    AtRecord { location: Location, source: Box<DataError> },
    #[error("{}the file is not a readable Parquet file (it may be cut off): {source}", row_prefix(.row))]
    ParquetUnreadable { row: Option<u64>, source: parquet::errors::ParquetError },
    #[error(
        "{}the Parquet file uses a compression the studio does not read ({source}); save it with snappy, gzip or lz4",
        row_prefix(.row)
    )]
    ParquetCompression { row: Option<u64>, source: parquet::errors::ParquetError },
    #[error(
        "column `{column}` declares a decimal of precision {precision}, more than the studio reads ({})",
        Self::MAX_DECIMAL_PRECISION
    )]
    DecimalTooPrecise { column: String, precision: i32 },

    // ---- one record, as read ----
    #[error("the line is longer than {max_bytes} bytes")]
    LineTooLong { max_bytes: usize },
    #[error("the record is longer than {max_bytes} bytes")]
    RecordTooLong { max_bytes: usize },
    /// `encoding_hint`: add the advice about mixed encodings (JSON lines do, plain text does not).
    #[error(
        "the text is not valid UTF-8 at byte {byte} of the line{}",
        if *.encoding_hint { " (the file may mix encodings; save it as UTF-8)" } else { "" }
    )]
    NotUtf8 { byte: usize, encoding_hint: bool },
    #[error("column {column} is not valid UTF-8 at byte {byte} (the file may mix encodings; save it as UTF-8)")]
    NotUtf8Column { column: usize, byte: usize },
    #[error("the line ends early: the file looks cut off here")]
    LineCutOff,
    #[error("invalid JSON at column {column}: {}", json_detail(.source))]
    InvalidJson { column: usize, source: serde_json::Error },
    /// `header`: the columns were named by a header (else counted from the first row).
    #[error("{found} columns, but the {} has {expected}", if *.header { "header" } else { "first row" })]
    WrongFieldCount { found: usize, expected: usize, header: bool },

    // ---- one record, mapped to an example ----
    #[error("the record is {found}, expected an object with fields")]
    NotAnObject { found: JsonKind },
    #[error("there is no {field} field `{path}`")]
    MissingField { field: &'static str, path: String },
    /// `message`: the field is inside this message (1-based) of a messages list.
    #[error("{}the {field} field `{path}` is {found}, expected {expected}", message_prefix(.message))]
    WrongType { message: Option<usize>, field: &'static str, path: String, found: JsonKind, expected: JsonKind },
    #[error("the {field} list `{path}` is empty")]
    EmptyList { field: &'static str, path: String },
    #[error("{field} {item} is {found}, expected text")]
    ItemWrongType { field: &'static str, item: usize, found: JsonKind },
    #[error("message {message} has the role “{role}”; known roles are system, user/human and assistant/gpt")]
    UnknownRole { message: usize, role: String },
    #[error("message {message}: `{key}` is {found}, expected text")]
    RoleWrongType { message: usize, key: String, found: JsonKind },
    #[error("message {message} has no `{key}`")]
    MessageKeyMissing { message: usize, key: String },

    // ---- files named by people: tokenizers, server folders ----
    #[error("the file is not a tokenizer.json the tokenizers library can load: {source}")]
    TokenizerUnloadable { source: BoxError },
    #[error("cannot open {path}: {source}")]
    PathUnopenable { path: String, source: std::io::Error },
    #[error("cannot read {path}: {source}")]
    FolderUnreadable { path: String, source: std::io::Error },

    // ---- the studio's stored files ----
    #[error("{file} cannot be read: {source}")]
    StoredFileUnopenable { file: Stored, source: std::io::Error },
    #[error("reading {file} failed: {source}")]
    StoredFileUnreadable { file: Stored, source: std::io::Error },
    #[error("{} {index} is damaged: {source}", .file.record())]
    StoredFileDamaged { file: Stored, index: u64, source: serde_json::Error },
    #[error("version {version}: the profile has fewer annotations than examples")]
    ProfileTooShort { version: String },
    #[error("the profile has no annotation for example {example}")]
    AnnotationMissing { example: u64 },

    // ---- mixtures ----
    #[error("the inputs are not aligned: one ends at row {row} before the others")]
    InputsNotAligned { row: usize },
    #[error("augmentation {augmentation}: the answer input is missing")]
    AnswerInputMissing { augmentation: usize },
    /// `message`: the template engine's words.
    #[error("augmentation {augmentation} ({template}), row {row}: {message}")]
    AugmentationFailed { augmentation: usize, template: String, row: u64, message: String },

    // ---- writing, stopping ----
    #[error("{}{source}", .target.preamble())]
    WriteFailed { target: Written, source: BoxError },
    #[error("stopped")]
    Stopped,
}

impl DataError {
    /// The largest decimal precision read from Parquet (decimals become text digit by digit).
    pub const MAX_DECIMAL_PRECISION: i32 = 76;

    /// A write failure of `target`.
    pub fn write(target: Written, source: impl Into<BoxError>) -> Self {
        DataError::WriteFailed { target, source: source.into() }
    }

    /// The error of this crate that this one only adds a place to, if any: the record's problem
    /// of [`DataError::AtRecord`], the `decompression_bomb` inside an I/O error.
    pub fn inner(&self) -> Option<&DataError> {
        fn in_io(e: &std::io::Error) -> Option<&DataError> {
            e.get_ref().and_then(|e| e.downcast_ref::<DataError>())
        }
        match self {
            DataError::AtRecord { source, .. } => Some(source),
            DataError::FileUnreadable { source }
            | DataError::ReadingStopped { source, .. }
            | DataError::JsonArrayStopped { source, .. } => in_io(source),
            DataError::CsvStopped { source, .. } => match source.kind() {
                csv::ErrorKind::Io(e) => in_io(e),
                _ => None,
            },
            _ => None,
        }
    }

    /// The stable code (see the table in the [module](self)).
    pub fn code(&self) -> &'static str {
        if let Some(inner) = self.inner() {
            return inner.code();
        }
        match self {
            DataError::FileUnopenable { .. } => "file_unopenable",
            DataError::FileUnreadable { .. } => "file_unreadable",
            DataError::FileEmpty => "file_empty",
            DataError::FileBlank => "file_blank",
            DataError::ZipArchive => "zip_archive",
            DataError::Utf16Text => "utf16_text",
            DataError::ParquetNotText => "parquet_not_text",
            DataError::DecompressionBomb { .. } => "decompression_bomb",
            DataError::ReadingStopped { .. } | DataError::CsvStopped { .. } | DataError::JsonArrayStopped { .. } => {
                "reading_stopped"
            }
            DataError::FileCutOff { .. } => "file_cut_off",
            DataError::JsonArraySyntax { .. } | DataError::InvalidJson { .. } => "invalid_json",
            DataError::HeaderUnreadable { .. } => "header_unreadable",
            DataError::NoRecords => "no_records",
            // Always has an inner error (above); this is never reached.
            DataError::AtRecord { source, .. } => source.code(),
            DataError::ParquetUnreadable { .. } => "parquet_unreadable",
            DataError::ParquetCompression { .. } => "parquet_compression",
            DataError::DecimalTooPrecise { .. } => "decimal_too_precise",
            DataError::LineTooLong { .. } => "line_too_long",
            DataError::RecordTooLong { .. } => "record_too_long",
            DataError::NotUtf8 { .. } => "not_utf8",
            DataError::NotUtf8Column { .. } => "not_utf8_column",
            DataError::LineCutOff => "line_cut_off",
            DataError::WrongFieldCount { .. } => "wrong_field_count",
            DataError::NotAnObject { .. } => "not_an_object",
            DataError::MissingField { .. } => "missing_field",
            DataError::WrongType { .. } => "wrong_type",
            DataError::EmptyList { .. } => "empty_list",
            DataError::ItemWrongType { .. } => "item_wrong_type",
            DataError::UnknownRole { .. } => "unknown_role",
            DataError::RoleWrongType { .. } => "role_wrong_type",
            DataError::MessageKeyMissing { .. } => "message_key_missing",
            DataError::TokenizerUnloadable { .. } => "tokenizer_unloadable",
            DataError::PathUnopenable { .. } => "path_unopenable",
            DataError::FolderUnreadable { .. } => "folder_unreadable",
            DataError::StoredFileUnopenable { .. } => "stored_file_unopenable",
            DataError::StoredFileUnreadable { .. } => "stored_file_unreadable",
            DataError::StoredFileDamaged { .. } => "stored_file_damaged",
            DataError::ProfileTooShort { .. } => "profile_too_short",
            DataError::AnnotationMissing { .. } => "annotation_missing",
            DataError::InputsNotAligned { .. } => "inputs_not_aligned",
            DataError::AnswerInputMissing { .. } => "answer_input_missing",
            DataError::AugmentationFailed { .. } => "augmentation_failed",
            DataError::WriteFailed { .. } => "write_failed",
            DataError::Stopped => "stopped",
        }
    }

    /// The named arguments of [`code`](Self::code): numbers as decimal text.
    pub fn args(&self) -> ErrorArgs {
        let mut a = ErrorArgs::new();
        match self {
            DataError::FileUnopenable { source } | DataError::FileUnreadable { source } => put(&mut a, "error", source),
            DataError::FileEmpty
            | DataError::FileBlank
            | DataError::ZipArchive
            | DataError::Utf16Text
            | DataError::ParquetNotText
            | DataError::NoRecords
            | DataError::LineCutOff
            | DataError::Stopped => {}
            DataError::DecompressionBomb { max_bytes } => put(&mut a, "max_bytes", max_bytes),
            DataError::ReadingStopped { line, source } => {
                put(&mut a, "line", line);
                put(&mut a, "error", source);
            }
            DataError::CsvStopped { line, source } => {
                put(&mut a, "line", line);
                put(&mut a, "error", source);
            }
            DataError::FileCutOff { line, .. } => put(&mut a, "line", line),
            DataError::JsonArraySyntax { line, column, source } => {
                put(&mut a, "line", line);
                put(&mut a, "column", column);
                put(&mut a, "error", json_detail(source));
            }
            DataError::JsonArrayStopped { line, column, source } => {
                put(&mut a, "line", line);
                put(&mut a, "column", column);
                put(&mut a, "error", source);
            }
            DataError::HeaderUnreadable { location, source } => {
                a = source.args();
                a.extend(location.args());
                put(&mut a, "problem", source.code());
            }
            DataError::AtRecord { location, source } => {
                a = source.args();
                a.extend(location.args());
            }
            DataError::ParquetUnreadable { row, source } | DataError::ParquetCompression { row, source } => {
                if let Some(row) = row {
                    put(&mut a, "row", row);
                }
                put(&mut a, "error", source);
            }
            DataError::DecimalTooPrecise { column, precision } => {
                put(&mut a, "column", column);
                put(&mut a, "precision", precision);
                put(&mut a, "max_precision", Self::MAX_DECIMAL_PRECISION);
            }
            DataError::LineTooLong { max_bytes } | DataError::RecordTooLong { max_bytes } => {
                put(&mut a, "max_bytes", max_bytes)
            }
            DataError::NotUtf8 { byte, .. } => put(&mut a, "byte", byte),
            DataError::NotUtf8Column { column, byte } => {
                put(&mut a, "column", column);
                put(&mut a, "byte", byte);
            }
            DataError::InvalidJson { column, source } => {
                put(&mut a, "column", column);
                put(&mut a, "error", json_detail(source));
            }
            DataError::WrongFieldCount { found, expected, header } => {
                put(&mut a, "found", found);
                put(&mut a, "expected", expected);
                put(&mut a, "against", if *header { "header" } else { "first_row" });
            }
            DataError::NotAnObject { found } => put(&mut a, "found", found.key()),
            DataError::MissingField { field, path } | DataError::EmptyList { field, path } => {
                put(&mut a, "field", field);
                put(&mut a, "path", path);
            }
            DataError::WrongType { message, field, path, found, expected } => {
                if let Some(m) = message {
                    put(&mut a, "message", m);
                }
                put(&mut a, "field", field);
                put(&mut a, "path", path);
                put(&mut a, "found", found.key());
                put(&mut a, "expected", expected.key());
            }
            DataError::ItemWrongType { field, item, found } => {
                put(&mut a, "field", field);
                put(&mut a, "item", item);
                put(&mut a, "found", found.key());
            }
            DataError::UnknownRole { message, role } => {
                put(&mut a, "message", message);
                put(&mut a, "role", role);
            }
            DataError::RoleWrongType { message, key, found } => {
                put(&mut a, "message", message);
                put(&mut a, "key", key);
                put(&mut a, "found", found.key());
            }
            DataError::MessageKeyMissing { message, key } => {
                put(&mut a, "message", message);
                put(&mut a, "key", key);
            }
            DataError::TokenizerUnloadable { source } => put(&mut a, "error", source),
            DataError::PathUnopenable { path, source } | DataError::FolderUnreadable { path, source } => {
                put(&mut a, "path", path);
                put(&mut a, "error", source);
            }
            DataError::StoredFileUnopenable { file, source } | DataError::StoredFileUnreadable { file, source } => {
                a = file.args();
                put(&mut a, "error", source);
            }
            DataError::StoredFileDamaged { file, index, source } => {
                a = file.args();
                put(&mut a, "index", index);
                put(&mut a, "error", source);
            }
            DataError::ProfileTooShort { version } => put(&mut a, "version", version),
            DataError::AnnotationMissing { example } => put(&mut a, "example", example),
            DataError::InputsNotAligned { row } => put(&mut a, "row", row),
            DataError::AnswerInputMissing { augmentation } => put(&mut a, "augmentation", augmentation),
            DataError::AugmentationFailed { augmentation, template, row, message } => {
                put(&mut a, "augmentation", augmentation);
                put(&mut a, "template", template);
                put(&mut a, "row", row);
                put(&mut a, "error", message);
            }
            DataError::WriteFailed { target, source } => {
                put(&mut a, "target", target.key());
                put(&mut a, "error", source);
            }
        }
        // A read stopped by an error of this crate (a zip bomb): that error's args, with the place.
        if !matches!(self, DataError::AtRecord { .. }) {
            if let Some(inner) = self.inner() {
                let mut with = inner.args();
                with.extend(a.into_iter().filter(|(k, _)| k != "error"));
                return with;
            }
        }
        a
    }
}

#[cfg(test)]
mod tests;
