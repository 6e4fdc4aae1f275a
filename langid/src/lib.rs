//! Language identification for Polytune: which language is a text in?
//!
//! - [`fasttext`]: a fastText inference engine (lid.176, GlotLID, OpenLID or any supervised
//!   fastText model), checked against the C++ fastText.
//! - [`ngram`]: a character n-gram identifier the studio trains itself from labeled sentences —
//!   the default one knows the 205 languages of SIB-200.
//! - [`script`]: the dominant writing system of a text.
//! - [`Identifier`]: the one path the studio uses — script shortcut, models, candidate languages,
//!   and "unknown" when nothing is confident.

pub mod error;
pub mod fasttext;
mod identify;
pub mod ngram;
mod prefetch;
mod read;
pub mod script;

pub use error::{Error, Result};
pub use identify::{Candidates, FastTextPart, Guess, Identifier};
