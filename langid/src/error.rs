//! Errors of language identification. A model file that cannot be read says what and where (the
//! byte offset); text never errors — too little of it is "unknown", not a failure.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The bytes are not a model of the kind asked for (wrong magic, unknown version).
    #[error("not a {kind} model: {detail}")]
    NotAModel { kind: &'static str, detail: String },
    /// A model file that ends early or holds an impossible value.
    #[error("corrupt {kind} model at byte {offset}: {detail}")]
    Corrupt { kind: &'static str, offset: usize, detail: String },
    /// A model file whose settings this engine does not run (for example an unsupervised model).
    #[error("unsupported {kind} model: {detail}")]
    Unsupported { kind: &'static str, detail: String },
    /// Training data that cannot make a model.
    #[error("cannot train: {0}")]
    Training(String),
}

pub type Result<T> = std::result::Result<T, Error>;
