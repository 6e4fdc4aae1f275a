//! `application/problem+json` error bodies (RFC 9457) with a stable machine-readable `code`.
//!
//! The `code` values are part of the API contract: clients and tests match on them, people read
//! `title`/`detail`. Validation errors carry the JSON path of each bad field in `errors`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Stable error codes. Never rename a variant: clients match on the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The body is not valid JSON, has wrong types or unknown fields.
    MalformedBody,
    /// The body parsed but some fields are not acceptable; see `errors`.
    ValidationFailed,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// No valid session or token.
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// The thing does not exist, or you cannot see it.
    NotFound,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// The request conflicts with the current state (e.g. duplicate name).
    Conflict,
    /// First-run setup was already done.
    AlreadySetUp,
    /// First-run setup is still needed before anything else.
    SetupRequired,
    /// Invitation link already used, expired or unknown.
    InvitationInvalid,
    /// Wrong email or password.
    InvalidCredentials,
    /// Too many attempts; retry later.
    RateLimited,
    /// A state-changing request came from another site.
    OriginRejected,
    /// The request took too long.
    Timeout,
    /// The database could not be reached.
    Unavailable,
    /// Something failed on the server; the log has the cause.
    Internal,
}

impl ProblemCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedBody => "malformed_body",
            Self::ValidationFailed => "validation_failed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::AlreadySetUp => "already_set_up",
            Self::SetupRequired => "setup_required",
            Self::InvitationInvalid => "invitation_invalid",
            Self::InvalidCredentials => "invalid_credentials",
            Self::RateLimited => "rate_limited",
            Self::OriginRejected => "origin_rejected",
            Self::Timeout => "timeout",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

/// Named arguments of a coded error (`{"line": "3", "max_bytes": "1048576"}`), so a client can
/// word the error in its person's language; `message` is the English wording of the same.
pub type ErrorArgs = BTreeMap<String, String>;

/// One bad field: where (`path`, a JSON path like `members[2].role`) and why. Errors found in a
/// file's contents also carry a stable `code` (e.g. `invalid_json`) and its named `args`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub path: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::HashMap<String, String>))]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: ErrorArgs,
}

/// A failure as a stable code and its named arguments, beside its English wording (a job's
/// `error`): a client words it in its person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::HashMap<String, String>))]
    pub args: ErrorArgs,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), code: None, args: ErrorArgs::new() }
    }

    /// A field error with a stable code and its named arguments.
    pub fn coded(path: impl Into<String>, code: &str, args: ErrorArgs, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), code: Some(code.to_string()), args }
    }

    /// A coded field error with its args given inline, the short form used by the validators:
    /// `FieldError::err("name", "too_long", &[("max", 120.to_string())], "must be at most 120 characters long")`.
    /// The codes and their args are listed in [`crate::validate`]; `message` is the English wording.
    pub fn err(path: impl Into<String>, code: &str, args: &[(&str, String)], message: impl Into<String>) -> Self {
        let args = args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        Self::coded(path, code, args, message)
    }

    /// The same error under a parent field (`spec` + `seq_len` → `spec.seq_len`), code and args kept.
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = if self.path.is_empty() { prefix.to_string() } else { format!("{prefix}.{}", self.path) };
        self
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// `about:blank` or a URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}
