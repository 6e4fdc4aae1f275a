//! Where an error happened and what it concerned: a record's [`Location`], a JSON value's kind,
//! the stored file read and the result written.

use std::fmt;

use polytune_api::ErrorArgs;
use serde_json::Value;

use super::*;

/// Where a record was found: "line 5123", "row 17 (line 18)", "row 17", "element 4".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// JSON lines and plain text.
    Line(u64),
    /// CSV/TSV (a row may span lines; `line` is where it starts) and Parquet (no lines).
    Row { row: u64, line: Option<u64> },
    /// JSON arrays.
    Element(u64),
    /// After the last record read: a problem that stopped reading (a preview's last row).
    End,
}

impl Location {
    /// The location's numbers as named arguments (`line`, `row`, `element`).
    pub fn args(&self) -> ErrorArgs {
        let mut a = ErrorArgs::new();
        match *self {
            Location::Line(line) => put(&mut a, "line", line),
            Location::Row { row, line } => {
                put(&mut a, "row", row);
                if let Some(line) = line {
                    put(&mut a, "line", line);
                }
            }
            Location::Element(element) => put(&mut a, "element", element),
            Location::End => {}
        }
        a
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(line) => write!(f, "line {line}"),
            Location::Row { row, line: Some(line) } => write!(f, "row {row} (line {line})"),
            Location::Row { row, line: None } => write!(f, "row {row}"),
            Location::Element(element) => write!(f, "element {element}"),
            Location::End => f.write_str("end"),
        }
    }
}

/// The type of a JSON value, as found in a record or as a mapping expects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    Bool,
    Number,
    Text,
    List,
    Object,
}

impl JsonKind {
    pub fn of(v: &Value) -> Self {
        match v {
            Value::Null => JsonKind::Null,
            Value::Bool(_) => JsonKind::Bool,
            Value::Number(_) => JsonKind::Number,
            Value::String(_) => JsonKind::Text,
            Value::Array(_) => JsonKind::List,
            Value::Object(_) => JsonKind::Object,
        }
    }

    /// The stable name in error args.
    pub fn key(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "bool",
            JsonKind::Number => "number",
            JsonKind::Text => "text",
            JsonKind::List => "list",
            JsonKind::Object => "object",
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonKind::Null => "empty (null)",
            JsonKind::Bool => "true/false",
            JsonKind::Number => "a number",
            JsonKind::Text => "text",
            JsonKind::List => "a list",
            JsonKind::Object => "an object",
        })
    }
}

/// A stored file of the studio that a job reads: a version's examples, a profile's annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Canonical examples (of the version being worked on).
    Examples,
    /// A profile's annotations (of the version being worked on).
    Annotations,
    /// The examples of the evaluation set called so.
    EvaluationSet(String),
    /// The examples of the version with this id.
    Version(String),
    /// The annotations of the profile of the version with this id.
    VersionProfile(String),
}

impl Stored {
    pub(super) fn key(&self) -> &'static str {
        match self {
            Stored::Examples => "examples",
            Stored::Annotations => "annotations",
            Stored::EvaluationSet(_) => "evaluation_set",
            Stored::Version(_) => "version",
            Stored::VersionProfile(_) => "version_profile",
        }
    }

    pub(super) fn args(&self) -> ErrorArgs {
        let mut a = ErrorArgs::new();
        put(&mut a, "file", self.key());
        match self {
            Stored::EvaluationSet(name) => put(&mut a, "name", name),
            Stored::Version(v) | Stored::VersionProfile(v) => put(&mut a, "version", v),
            Stored::Examples | Stored::Annotations => {}
        }
        a
    }

    /// One record of it, before its number: "example", "version 7: annotation".
    pub(super) fn record(&self) -> String {
        match self {
            Stored::Examples => "example".into(),
            Stored::Annotations => "annotation".into(),
            Stored::EvaluationSet(name) => format!("evaluation set {name}: example"),
            Stored::Version(v) => format!("version {v}: example"),
            Stored::VersionProfile(v) => format!("version {v}: annotation"),
        }
    }
}

impl fmt::Display for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stored::Examples => f.write_str("the examples"),
            Stored::Annotations => f.write_str("annotations"),
            Stored::EvaluationSet(name) => write!(f, "evaluation set {name}"),
            Stored::Version(v) => write!(f, "version {v}"),
            Stored::VersionProfile(v) => write!(f, "version {v}'s profile"),
        }
    }
}

/// What was being written when writing failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// An import's canonical examples.
    ImportedExamples,
    /// A derived version's examples.
    DerivedExamples,
    /// A profile's annotations.
    Annotations,
    /// A mixture's examples.
    Mixture,
    /// A run's training data with replay.
    ReplayData,
    /// A row group of a Parquet export.
    Parquet,
    /// The start or end of a Parquet export (said without a preamble).
    ParquetFile,
}

impl Written {
    pub(super) fn key(self) -> &'static str {
        match self {
            Written::ImportedExamples => "imported_examples",
            Written::DerivedExamples => "derived_examples",
            Written::Annotations => "annotations",
            Written::Mixture => "mixture",
            Written::ReplayData => "replay_data",
            Written::Parquet => "parquet",
            Written::ParquetFile => "parquet_file",
        }
    }

    /// The words before the underlying error.
    pub(super) fn preamble(self) -> &'static str {
        match self {
            Written::ImportedExamples => "writing the imported examples failed: ",
            Written::DerivedExamples => "writing failed: ",
            Written::Annotations => "writing annotations failed: ",
            Written::Mixture => "writing the mixture failed: ",
            Written::ReplayData => "writing the replay data failed: ",
            Written::Parquet => "writing Parquet failed: ",
            Written::ParquetFile => "",
        }
    }
}
