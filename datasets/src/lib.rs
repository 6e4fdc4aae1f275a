//! Polytune's data pipeline, free of the server: every instruction format read into one
//! canonical [`polytune_api::Example`], language and script identification, profiles with
//! tokenizer fertility, near duplicates and quality flags, derived versions, and export.
//!
//! Everything streams: a file of several GB is read record by record, never whole.

pub mod browse;
pub mod derive;
pub mod error;
pub mod export;
pub mod files;
pub mod import;
pub mod langid;
pub mod mapping;
pub mod minhash;
pub mod mixture;
pub mod profile;
pub mod quality;
pub mod read;
pub mod replay;

pub use error::{DataError, Location};
