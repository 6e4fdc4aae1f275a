//! What profiling a dataset version finds: per-example annotations and quality flags, and
//! per-language aggregates.

use crate::ids::{JobId, ProfileId};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProfileState {
    Running,
    Ready,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileInfo {
    pub id: ProfileId,
    pub state: ProfileState,
    pub job_id: JobId,
    pub tokenizer: Option<String>,
}

/// Start a profile of a version, optionally with a tokenizer.json stored in the workspace.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProfile {
    #[serde(default)]
    pub tokenizer: Option<String>,
}

/// A quality problem of one example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// There is no answer at all.
    NoAnswer,
    /// The answer is empty or only spaces.
    EmptyAnswer,
    /// The answer stops mid-sentence.
    TruncatedAnswer,
    /// The answer repeats the same phrases over and over.
    RepeatedNgrams,
    /// The answer copies the instruction.
    CopiesInstruction,
    /// Text in a script its language is not written in.
    WrongScript,
    /// Asked in one language, answered in another.
    LanguageMismatch,
}

impl Flag {
    pub const ALL: [Flag; 7] = [
        Flag::NoAnswer,
        Flag::EmptyAnswer,
        Flag::TruncatedAnswer,
        Flag::RepeatedNgrams,
        Flag::CopiesInstruction,
        Flag::WrongScript,
        Flag::LanguageMismatch,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Flag::NoAnswer => "no_answer",
            Flag::EmptyAnswer => "empty_answer",
            Flag::TruncatedAnswer => "truncated_answer",
            Flag::RepeatedNgrams => "repeated_ngrams",
            Flag::CopiesInstruction => "copies_instruction",
            Flag::WrongScript => "wrong_script",
            Flag::LanguageMismatch => "language_mismatch",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Flag::NoAnswer => "no answer",
            Flag::EmptyAnswer => "empty answer",
            Flag::TruncatedAnswer => "answer may be cut off",
            Flag::RepeatedNgrams => "repeats itself",
            Flag::CopiesInstruction => "answer copies the instruction",
            Flag::WrongScript => "wrong script",
            Flag::LanguageMismatch => "asked and answered in different languages",
        }
    }
}

/// What the profile knows about one example (stored one line per example, in order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Annotation {
    /// Language and script of the instruction (user turns) and of the response.
    pub li: Option<String>,
    pub si: Option<String>,
    pub lr: Option<String>,
    pub sr: Option<String>,
    /// Characters of the instruction and of the response.
    pub ci: u32,
    pub cr: u32,
    /// Tokens of the whole example (0 without a tokenizer).
    pub t: u32,
    pub f: Vec<Flag>,
}

/// Per-language aggregates (keyed by the instruction's language).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageStats {
    pub language: String,
    pub examples: u64,
    pub turns: u64,
    pub chars: u64,
    pub words: u64,
    pub tokens: u64,
    /// Tokens that are raw bytes (`<0xE0>` or a piece of a UTF-8 character).
    pub byte_tokens: u64,
    /// Tokens per word, tokens per character, share of byte tokens (null without a tokenizer).
    pub tokens_per_word: Option<f64>,
    pub tokens_per_char: Option<f64>,
    pub byte_fallback_rate: Option<f64>,
    /// Examples whose response is in another language, by that language.
    pub response_languages: BTreeMap<String, u64>,
    /// Examples declared as this language whose instruction was identified as another one, by
    /// that language (the declaration contradicted by the text).
    #[serde(default)]
    pub instruction_detected: BTreeMap<String, u64>,
    pub scripts: BTreeMap<String, u64>,
    pub flags: BTreeMap<String, u64>,
    /// Counts per length bin of the instruction and of the response (see [`Profile::length_bins`]).
    pub instruction_lengths: Vec<u64>,
    pub response_lengths: Vec<u64>,
}

/// The result of profiling a version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub examples: u64,
    pub turns: u64,
    pub tokens: u64,
    pub chars: u64,
    /// Lower edges of the length bins, in characters.
    pub length_bins: Vec<u64>,
    pub languages: Vec<LanguageStats>,
    pub flags: BTreeMap<String, u64>,
    /// Examples in a group of exact / near duplicates (counting every member).
    pub exact_duplicates: u64,
    pub near_duplicates: u64,
    /// Groups of duplicates, by example index (the first 200 groups of each kind).
    pub exact_groups: Vec<Vec<u64>>,
    pub near_groups: Vec<Vec<u64>>,
    pub tokenizer: Option<String>,
    /// The language identifier that made it (empty: made before identifiers were named, by whatlang).
    #[serde(default)]
    pub identifier: String,
    pub seconds: f64,
}
