//! Types shared by the Polytune browser app and server.
//!
//! Everything that crosses the wire is defined here once, so the app and the server cannot
//! disagree about a field name. Request types reject unknown fields; every request type has a
//! `validate` that the app runs before sending and the server runs again on receipt.
//!
//! No tokio, no sqlx: this crate builds for wasm32 and native alike.

pub mod accounts;
pub mod audit;
pub mod datasets;
pub mod derive;
pub mod eval_tasks;
pub mod evaluation;
pub mod identifiers;
pub mod ids;
pub mod inference;
pub mod jobs;
pub mod lang;
pub mod mixtures;
pub mod models;
pub mod problem;
pub mod profiles;
pub mod training;
pub mod uploads;
pub mod validate;
pub mod workspaces;

pub use accounts::*;
pub use audit::*;
pub use datasets::*;
pub use derive::*;
pub use eval_tasks::*;
pub use evaluation::*;
pub use identifiers::*;
pub use ids::*;
pub use inference::*;
pub use jobs::*;
pub use mixtures::*;
pub use models::*;
pub use problem::{ErrorArgs, ErrorDetail, FieldError, Problem, ProblemCode};
pub use profiles::*;
pub use training::*;
pub use uploads::*;
pub use validate::Validate;
pub use workspaces::*;

/// Prefix of every JSON route.
pub const API_PREFIX: &str = "/api/v1";
