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
    /// No answer at all (offline, server down); the browser's words, for the console.
    Network(String),
    /// A successful answer this page cannot read (the studio was updated under an open tab).
    Unexpected(String),
    /// The browser cannot read the person's own file (moved, deleted, no permission).
    FileUnreadable,
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
            ApiFailure::Unexpected(_) => t(Msg::UnexpectedAnswer).to_owned(),
            ApiFailure::FileUnreadable => t(Msg::LocalFileUnreadable).to_owned(),
        }
    }

    /// The message for one field, if the server named it.
    pub fn field(&self, path: &str) -> Option<String> {
        match self {
            ApiFailure::Problem(p) => p.errors.iter().find(|e| e.path == path).map(|e| e.message.clone()),
            _ => None,
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
        serde_json::from_str(body).map_err(|e| ApiFailure::Unexpected(e.to_string()))
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

/// Bytes per request of a resumable upload: small enough to lose little on a dropped connection,
/// large enough that a multi-GB file is a few hundred requests.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

/// Uploads a file in chunks that survive a dropped connection (and a reloaded page: the upload's
/// id is kept in local storage until it completes). `progress(sent, total)` follows every chunk.
pub async fn upload_resumable(
    ws: &str,
    file: &web_sys::File,
    progress: impl Fn(f64, f64),
) -> ApiResult<polytune_api::Upload> {
    use polytune_api::{CreateUpload, Upload};
    let size = file.size();
    let key = format!("polytune-upload:{ws}:{}:{size}:{}", file.name(), file.last_modified());
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    let remembered = storage.as_ref().and_then(|s| s.get_item(&key).ok().flatten());
    let mut up: Upload = match remembered {
        Some(id) => match get::<Upload>(&format!("/workspaces/{ws}/uploads/{id}")).await {
            Ok(u) => u,
            Err(_) => {
                post(&format!("/workspaces/{ws}/uploads"), &CreateUpload { name: file.name(), size: size as u64 })
                    .await?
            }
        },
        None => {
            post(&format!("/workspaces/{ws}/uploads"), &CreateUpload { name: file.name(), size: size as u64 }).await?
        }
    };
    if let Some(s) = &storage {
        let _ = s.set_item(&key, &up.id);
    }
    let mut failures = 0u32;
    while up.blob.is_none() {
        progress(up.offset as f64, size);
        let start = up.offset as f64;
        let end = (start + CHUNK).min(size);
        let slice = file.slice_with_f64_and_f64(start, end).map_err(|_| ApiFailure::FileUnreadable)?;
        let req = Request::patch(&url(&format!("/workspaces/{ws}/uploads/{}", up.id)))
            .header("upload-offset", &up.offset.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(wasm_bindgen::JsValue::from(slice));
        match send::<Upload>(req).await {
            Ok(next) => {
                failures = 0;
                up = next;
            }
            // Dropped connection or a stale offset: ask where the server is, then go on from there.
            Err(e) => {
                let retryable = matches!(&e, ApiFailure::Network(_))
                    || matches!(&e, ApiFailure::Problem(p) if p.status == 409 || p.status >= 500);
                failures += 1;
                if !retryable || failures > 8 {
                    return Err(e);
                }
                gloo_timers_sleep(500 * (1 << failures.min(5))).await;
                if let Ok(u) = get::<Upload>(&format!("/workspaces/{ws}/uploads/{}", up.id)).await {
                    up = u;
                }
            }
        }
    }
    progress(size, size);
    if let Some(s) = &storage {
        let _ = s.remove_item(&key);
    }
    Ok(up)
}

/// Starts a job (a route that answers 202 with it) and waits for it to finish, handing the job
/// to `on_update` as it goes (read every half second; `on_update` answers false when nobody looks
/// any more, which ends the wait). A dropped connection is retried for about half a minute.
/// Succeeded: the finished job, its result read by kind. Failed or cancelled: a failure saying
/// why, in the job's words.
pub async fn run_job<B: Serialize>(
    path: &str,
    body: &B,
    on_update: impl Fn(&polytune_api::Job) -> bool,
) -> ApiResult<polytune_api::Job> {
    let started: polytune_api::Job = post(path, body).await?;
    if !on_update(&started) {
        return Ok(started);
    }
    let at = format!("/workspaces/{}/jobs/{}", started.workspace_id, started.id);
    let mut misses = 0;
    loop {
        gloo_timers_sleep(if misses == 0 { 500 } else { 2_000 }).await;
        let job: polytune_api::Job = match get(&at).await {
            Ok(j) => {
                misses = 0;
                j
            }
            Err(ApiFailure::Network(_)) if misses < 15 => {
                misses += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        if !on_update(&job) {
            return Ok(job);
        }
        match job.state {
            polytune_api::JobState::Succeeded => return Ok(job),
            polytune_api::JobState::Failed | polytune_api::JobState::Cancelled => {
                return Err(ApiFailure::Problem(Problem {
                    kind: "about:blank".into(),
                    title: t(Msg::JobFailedTitle).into(),
                    status: 409,
                    code: ProblemCode::Conflict,
                    detail: job.error.clone(),
                    errors: Vec::new(),
                }));
            }
            _ => {}
        }
    }
}

/// Waits `ms` milliseconds (a browser timer).
pub async fn gloo_timers_sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
