//! Evaluation for Polytune: a task is data + a scorer.
//!
//! - [`tasks`]: the built-in multilingual sets (XCOPA, SIB-200 topics, MGSM, language fidelity on
//!   multilingual MT-Bench prompts), embedded in the binary, read into [`Item`]s.
//! - [`score`]: multiple choice by log-likelihood (`acc`, `acc_norm`, `acc_bytes` as
//!   lm-evaluation-harness computes them), answer extraction for math, language fidelity.
//! - [`stats`]: Wilson intervals, the exact McNemar test, Holm's correction — what tells a
//!   person whether a difference is beyond noise.
//!
//! Nothing here runs a model: the server gives the scorers log-likelihoods and generations.

pub mod catalog;
pub mod file_task;
pub mod report;
pub mod score;
pub mod stats;
pub mod tasks;

pub use catalog::TaskRef;
pub use tasks::{Gold, Item, Task};

/// Why a task's items cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EvalError {
    #[error("no task '{0}' (the built-in tasks are xcopa, sib200, mgsm and fidelity)")]
    UnknownTask(String),
    #[error("the task {task} has no items in {language}")]
    NoLanguage { task: String, language: String },
    #[error("{file}, line {line}: {message}")]
    Data { file: String, line: usize, message: String },
}
