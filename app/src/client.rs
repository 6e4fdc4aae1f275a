//! Calls to the studio's API. Every failure becomes an [`ApiFailure`] holding the server's
//! problem+json, so pages can show it in plain words (with the bad fields named).

use gloo_net::http::{Request, RequestBuilder};
use polytune_api::{API_PREFIX, Problem, ProblemCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::{Msg, t};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server answered with a problem.
    Problem(Problem),
    /// No answer at all (offline, server down).
    Network(String),
}

impl ApiFailure {
    /// One sentence for a person: the server's title and detail, or what to do when offline.
    pub fn message(&self) -> String {
        match self {
            ApiFailure::Problem(p) => match &p.detail {
                Some(d) if p.errors.is_empty() => format!("{} — {d}", p.title),
                _ => p.title.clone(),
            },
            ApiFailure::Network(_) => t(Msg::NetworkError).to_owned(),
        }
    }

    /// The message for one field, if the server named it.
    pub fn field(&self, path: &str) -> Option<String> {
        match self {
            ApiFailure::Problem(p) => p.errors.iter().find(|e| e.path == path).map(|e| e.message.clone()),
            ApiFailure::Network(_) => None,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

async fn send<T: DeserializeOwned>(req: Result<Request, gloo_net::Error>) -> ApiResult<T> {
    let req = req.map_err(|e| ApiFailure::Network(e.to_string()))?;
    let res = req.send().await.map_err(|e| ApiFailure::Network(e.to_string()))?;
    let status = res.status();
    let text = res.text().await.map_err(|e| ApiFailure::Network(e.to_string()))?;
    if (200..300).contains(&status) {
        let body = if text.is_empty() { "null" } else { text.as_str() };
        serde_json::from_str(body).map_err(|e| ApiFailure::Network(format!("unexpected answer: {e}")))
    } else {
        Err(match serde_json::from_str::<Problem>(&text) {
            Ok(p) => ApiFailure::Problem(p),
            Err(_) => ApiFailure::Problem(Problem {
                kind: "about:blank".into(),
                title: t(Msg::ServerError).into(),
                status,
                code: ProblemCode::Internal,
                detail: None,
                errors: vec![],
            }),
        })
    }
}

fn with_json<B: Serialize>(b: RequestBuilder, body: &B) -> Result<Request, gloo_net::Error> {
    b.json(body)
}

pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    send(Request::get(&url(path)).build()).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    send(with_json(Request::post(&url(path)), body)).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    send(with_json(Request::patch(&url(path)), body)).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    send(with_json(Request::put(&url(path)), body)).await
}

pub async fn delete(path: &str) -> ApiResult<()> {
    send::<serde_json::Value>(Request::delete(&url(path)).build()).await.map(|_| ())
}

/// A failure built in the browser from the shared validation rules, shown like the server's.
pub fn invalid(errors: Vec<polytune_api::FieldError>) -> ApiFailure {
    ApiFailure::Problem(Problem {
        kind: "about:blank".into(),
        title: t(Msg::FieldsNeedFixing).into(),
        status: 422,
        code: ProblemCode::ValidationFailed,
        detail: None,
        errors,
    })
}

/// Sends a file as the raw request body (streamed by the browser).
pub async fn upload<T: DeserializeOwned>(path: &str, file: &web_sys::File) -> ApiResult<T> {
    let req = Request::post(&url(path))
        .header("content-type", "application/octet-stream")
        .body(wasm_bindgen::JsValue::from(file.clone()));
    send(req).await
}
