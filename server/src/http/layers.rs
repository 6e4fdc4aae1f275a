//! Middleware of our own: the Origin check, security headers, cache headers for the app's files,
//! and turning any bare error from a layer (413, 408, 405, 404, panics) into problem+json.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use polytune_api::ProblemCode;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, problem};
use crate::state::AppState;

/// Rejects state-changing requests that do not come from the studio's own pages (CSRF defence,
/// on top of SameSite=Lax). Script requests with a bearer token carry no ambient credentials
/// and are exempt. The Origin (or, failing that, Referer) must be the configured public URL's
/// origin or the origin the request was addressed to.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req.headers().get(header::AUTHORIZATION).is_some();
    if safe || bearer || origin_allowed(&state, &req) {
        next.run(req).await
    } else {
        ApiError::OriginRejected.into_response()
    }
}

fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

fn origin_allowed(state: &AppState, req: &Request) -> bool {
    let headers = req.headers();
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(str::to_owned)
        .or_else(|| headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(origin_of));
    let Some(claimed) = claimed.and_then(|c| origin_of(&format!("{c}/"))) else {
        return false;
    };
    if let Some(public) = state.settings.public_url.as_deref().and_then(origin_of) {
        if claimed == public {
            return true;
        }
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
    let scheme = if state.settings.secure_cookies() { "https" } else { "http" };
    host.is_some_and(|h| claimed == format!("{scheme}://{h}"))
}

/// The Content-Security-Policy for this build of the app. Trunk writes one inline module script
/// into index.html; rather than allowing every inline script, its SHA-256 is allowed.
pub fn content_security_policy(index: &Path) -> Arc<HeaderValue> {
    let html = std::fs::read_to_string(index).unwrap_or_default();
    let mut hashes = String::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let body_start = start + open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !body.trim().is_empty() {
            let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes()));
            hashes.push_str(&format!(" 'sha256-{digest}'"));
        }
        rest = &rest[body_start + close..];
    }
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; \
         frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    );
    Arc::new(HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")))
}

pub async fn security_headers(State(csp): State<Arc<HeaderValue>>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    h.insert(header::CONTENT_SECURITY_POLICY, (*csp).clone());
    res
}

/// Trunk names built files with a content hash (`polytune-app-3f2a…_bg.wasm`): those may be
/// cached forever. Everything else (index.html, the SPA fallback) is revalidated every time.
pub async fn cache_control(req: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() {
        let value = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    stem.trim_end_matches("_bg")
        .rsplit('-')
        .next()
        .is_some_and(|h| h.len() >= 16 && h.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Layers and axum itself answer some errors with a plain body (413 from the body limit, 408
/// from the timeout, 405, a caught panic). Under `/api` every error must be problem+json.
pub async fn problem_for_bare_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with(polytune_api::API_PREFIX);
    let res = next.run(req).await;
    let status = res.status();
    if !is_api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_problem =
        res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return res;
    }
    let (code, title) = match status {
        StatusCode::NOT_FOUND => (ProblemCode::NotFound, "Not found"),
        StatusCode::METHOD_NOT_ALLOWED => (ProblemCode::MethodNotAllowed, "This method is not allowed here"),
        StatusCode::PAYLOAD_TOO_LARGE => (ProblemCode::PayloadTooLarge, "The request body is too large"),
        StatusCode::REQUEST_TIMEOUT => (ProblemCode::Timeout, "The request took too long"),
        s if s.is_client_error() => (ProblemCode::MalformedBody, "The request could not be understood"),
        _ => (ProblemCode::Internal, "Something went wrong on the server"),
    };
    let cause = res.extensions().get::<crate::error::ErrorCause>().cloned();
    let detail = match axum::body::to_bytes(res.into_body(), 4096).await {
        Ok(b) if !b.is_empty() && status.is_client_error() => Some(String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    };
    let answer = problem(status, code, title, detail, vec![]);
    match cause {
        Some(c) => crate::error::with_cause(answer, c.0),
        None if status.is_server_error() => {
            crate::error::with_cause(answer, format!("a layer answered a bare {status}"))
        }
        None => answer,
    }
}

/// Every 5xx is logged here, once, at error level, with the request id the client got in
/// `x-request-id` and the cause left on the response. The id is an explicit field: the
/// `request` span is INFO and is switched off at `POLYTUNE_LOG=warn`.
pub async fn log_server_errors(req: Request, next: Next) -> Response {
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let res = next.run(req).await;
    if res.status().is_server_error() {
        let cause = res.extensions().get::<crate::error::ErrorCause>().map_or("no cause recorded", |c| c.0.as_str());
        tracing::error!(status = res.status().as_u16(), %request_id, %method, %path, %cause, "server error");
    }
    res
}

/// A panicking handler answers like any other 500 (problem+json), its message kept as the cause.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let msg = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    crate::error::with_cause(
        problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            ProblemCode::Internal,
            "Something went wrong on the server",
            None,
            vec![],
        ),
        format!("panic: {msg}"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_assets() {
        assert!(super::is_hashed_asset("/polytune-app-4a1b2c3d4e5f6a7b_bg.wasm"));
        assert!(super::is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!super::is_hashed_asset("/index.html"));
        assert!(!super::is_hashed_asset("/workspaces/abc"));
    }
}
