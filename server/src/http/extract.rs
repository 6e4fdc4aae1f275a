//! `ApiJson<T>`: the JSON body extractor of every write route. Unlike axum's `Json` it answers
//! with problem+json naming the JSON path of the first bad field (via `serde_path_to_error`),
//! maps an over-limit body to 413, and runs the shared [`Validate`] rules (422 with every bad
//! field).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use polytune_api::Validate;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Validate,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::Malformed {
                detail: "send the body as JSON with Content-Type: application/json".into(),
                path: None,
            });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(ref inner) if inner.body_text().contains("length limit") => {
                ApiError::PayloadTooLarge
            }
            other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            other => ApiError::Malformed { detail: other.body_text(), path: None },
        })?;
        let value = parse::<T>(&bytes)?;
        let errors = value.validate();
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(ApiJson(value))
    }
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let detail = if inner.is_syntax() || inner.is_eof() {
            format!("not valid JSON (line {}, column {})", inner.line(), inner.column())
        } else {
            // serde's messages name the problem ("unknown field `x`, expected one of …",
            // "invalid type: integer, expected a string"); drop its position suffix.
            let msg = inner.to_string();
            match msg.find(" at line ") {
                Some(i) => msg[..i].to_owned(),
                None => msg,
            }
        };
        ApiError::Malformed { detail, path: (path != ".").then_some(path) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polytune_api::CreateWorkspace;

    fn err(body: &str) -> (String, Option<String>) {
        match parse::<CreateWorkspace>(body.as_bytes()) {
            Err(ApiError::Malformed { detail, path }) => (detail, path),
            other => panic!("expected malformed, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn names_the_path_and_problem() {
        assert!(err("{").0.contains("not valid JSON"));
        let (d, p) = err(r#"{"name": 5}"#);
        assert!(d.contains("invalid type"), "{d}");
        assert_eq!(p.as_deref(), Some("name"));
        let (d, _) = err(r#"{"name": "x", "admin": true}"#);
        assert!(d.contains("unknown field `admin`"), "{d}");
    }
}
