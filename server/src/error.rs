//! The one error type of the HTTP layer.
//!
//! Policy: a handler returns `Result<_, ApiError>`. Every variant maps to one status and one stable
//! [`ProblemCode`]; the response is terse `application/problem+json` that a person can read.
//! Causes (database errors, I/O, panics) ride on the response and are logged once, with the request id, by
//! `http::layers::log_server_errors`; they are never sent to the
//! client. Nothing a client sends may produce a 500: a 500 is always our bug.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use polytune_api::{FieldError, Problem, ProblemCode};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("request body is malformed: {detail}")]
    Malformed { detail: String, path: Option<String> },
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("setup already done")]
    AlreadySetUp,
    #[error("invitation invalid")]
    InvitationInvalid,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("rate limited")]
    RateLimited(Duration),
    #[error("origin rejected")]
    OriginRejected,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApiError::NotFound,
            DbError::Conflict(m) => ApiError::Conflict(m),
            DbError::Unavailable(m) => ApiError::Unavailable(m),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

/// Builds a problem response; used for errors raised outside handlers too (fallbacks, layers).
pub fn problem(
    status: StatusCode,
    code: ProblemCode,
    title: &str,
    detail: Option<String>,
    errors: Vec<FieldError>,
) -> Response {
    let body =
        Problem { kind: "about:blank".into(), title: title.into(), status: status.as_u16(), code, detail, errors };
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        use ProblemCode as C;
        use StatusCode as S;
        match self {
            ApiError::Malformed { detail, path } => {
                let errors = path
                    .map(|p| vec![FieldError::err(p, "malformed_value", &[("error", detail.clone())], detail.clone())])
                    .unwrap_or_default();
                problem(S::BAD_REQUEST, C::MalformedBody, "The request body could not be read", Some(detail), errors)
            }
            ApiError::Validation(errors) => {
                let detail = errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("; ");
                problem(S::UNPROCESSABLE_ENTITY, C::ValidationFailed, "Some fields need fixing", Some(detail), errors)
            }
            ApiError::PayloadTooLarge => {
                problem(S::PAYLOAD_TOO_LARGE, C::PayloadTooLarge, "The request body is too large", None, vec![])
            }
            ApiError::Unauthenticated => problem(
                S::UNAUTHORIZED,
                C::Unauthenticated,
                "Please sign in",
                Some("No valid session or API token.".into()),
                vec![],
            ),
            ApiError::Forbidden(why) => {
                problem(S::FORBIDDEN, C::Forbidden, "You are not allowed to do this", Some(why.into()), vec![])
            }
            ApiError::NotFound => problem(S::NOT_FOUND, C::NotFound, "Not found", None, vec![]),
            ApiError::Conflict(m) => {
                problem(S::CONFLICT, C::Conflict, "This conflicts with what is there", Some(m), vec![])
            }
            ApiError::AlreadySetUp => problem(
                S::CONFLICT,
                C::AlreadySetUp,
                "The studio is already set up",
                Some("Sign in, or ask an administrator for an invitation.".into()),
                vec![],
            ),
            ApiError::InvitationInvalid => problem(
                S::GONE,
                C::InvitationInvalid,
                "This invitation link is no longer valid",
                Some("It was already used, has expired or never existed. Ask for a new invitation.".into()),
                vec![],
            ),
            ApiError::InvalidCredentials => {
                problem(S::UNAUTHORIZED, C::InvalidCredentials, "Wrong email or password", None, vec![])
            }
            ApiError::RateLimited(wait) => {
                let secs = wait.as_secs().max(1);
                let mut res = problem(
                    S::TOO_MANY_REQUESTS,
                    C::RateLimited,
                    "Too many attempts",
                    Some(format!("Try again in {secs} seconds.")),
                    vec![],
                );
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    res.headers_mut().insert(header::RETRY_AFTER, v);
                }
                res
            }
            ApiError::OriginRejected => problem(
                S::FORBIDDEN,
                C::OriginRejected,
                "Request refused",
                Some("Changes must come from the studio's own pages (Origin header missing or foreign).".into()),
                vec![],
            ),
            ApiError::Unavailable(cause) => with_cause(
                problem(
                    S::SERVICE_UNAVAILABLE,
                    C::Unavailable,
                    "The database cannot be reached right now",
                    None,
                    vec![],
                ),
                format!("database unavailable: {cause}"),
            ),
            ApiError::Internal(cause) => with_cause(
                problem(S::INTERNAL_SERVER_ERROR, C::Internal, "Something went wrong on the server", None, vec![]),
                format!("{cause:#}"),
            ),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The cause of a 5xx, carried on the response to `http::layers::log_server_errors`, which logs
/// it with the request id; never sent to the client.
#[derive(Debug, Clone)]
pub struct ErrorCause(pub String);

pub(crate) fn with_cause(mut res: Response, cause: String) -> Response {
    res.extensions_mut().insert(ErrorCause(cause));
    res
}
