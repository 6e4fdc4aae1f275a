//! The HTTP surface: `/api/v1` (JSON, described by OpenAPI), `/healthz`, `/readyz`, and the built
//! web app with an SPA fallback — wrapped in the tower-http layers every response goes through.

pub mod extract;
mod layers;
mod openapi;
pub mod paths;
pub mod routes;

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use self::openapi::AuthSchemes;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Polytune API", description = "The studio's HTTP API. Errors are application/problem+json with a stable `code`. \
        Browser sessions use a cookie; scripts send `Authorization: Bearer <token>` with a workspace API token."),
    tags(
        (name = "accounts", description = "Setup, sign-in, invitations"),
        (name = "workspaces", description = "Workspaces, members, tokens, audit log"),
        (name = "jobs", description = "Uploads, jobs, live events, workers"),
        (name = "models", description = "Models, generation, training runs"),
        (name = "mixtures", description = "Language mixtures, augmentation templates, evaluation sets, compute estimates"),
        (name = "evaluation", description = "Evaluation per language: tasks, evaluations, results, items, tuned against base"),
    ),
    modifiers(&AuthSchemes)
)]
struct ApiDoc;

/// The OpenAPI document and the API router, built from the same handler annotations.
pub fn api(timeout: Duration) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::router().layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)))
        .merge(routes::streams())
        .split_for_parts();
    // The handlers' paths are relative to the prefix the router is nested under; the document
    // names them as clients call them.
    doc.paths.paths = std::mem::take(&mut doc.paths.paths)
        .into_iter()
        .map(|(path, item)| (format!("{}{path}", polytune_api::API_PREFIX), item))
        .collect();
    (router, doc)
}

pub fn router(state: AppState) -> Router {
    let (api, openapi) = api(Duration::from_secs(state.settings.request_timeout_secs));
    let openapi_json = serde_json::to_string(&openapi).unwrap_or_else(|_| "{}".into());
    let api = api
        .route(
            "/openapi.json",
            axum::routing::get(move || async move {
                ([(axum::http::header::CONTENT_TYPE, "application/json")], openapi_json)
            }),
        )
        .fallback(|| async { crate::error::ApiError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), layers::check_origin))
        .layer(axum::extract::DefaultBodyLimit::max(state.settings.max_body_bytes));

    let dist = &state.settings.dist_dir;
    let index = dist.join("index.html");
    if !index.exists() {
        tracing::warn!(dist = %dist.display(), "the web app is not built: only the API is served (run scripts/start.sh)");
    }
    let csp = layers::content_security_policy(&index);
    let app = ServeDir::new(dist).fallback(ServeFile::new(&index));

    Router::new()
        .nest(polytune_api::API_PREFIX, api)
        .route("/healthz", axum::routing::get(routes::health::healthz))
        .route("/readyz", axum::routing::get(routes::health::readyz))
        .fallback_service(ServiceBuilder::new().layer(middleware::from_fn(layers::cache_control)).service(app))
        // Innermost first: a panic becomes a problem+json 500 with its cause; bare errors of
        // layers become problem+json; every 5xx is logged once with its cause and request id.
        .layer(CatchPanicLayer::custom(layers::panic_response))
        .layer(middleware::from_fn(layers::problem_for_bare_errors))
        .layer(middleware::from_fn(layers::log_server_errors))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &axum::http::Request<_>| {
                            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                        })
                        .on_failure(()),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CompressionLayer::new())
                .layer(middleware::from_fn_with_state(csp, layers::security_headers)),
        )
        .with_state(state)
}
