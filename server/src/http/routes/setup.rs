//! First-run setup: the first administrator is created through the web page; there is no default
//! account or password.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use polytune_api::{Problem, SetupRequest, SetupStatus, User, validate::normalize_email};

use super::session::start_session;
use crate::auth::{ClientIp, password};
use crate::db::DbError;
use crate::db::audit::AuditEntry;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;

/// Whether the studio still needs its first administrator.
#[utoipa::path(get, path = "/setup", tag = "accounts", responses((status = 200, body = SetupStatus)))]
pub async fn status(State(state): State<AppState>) -> ApiResult<Json<SetupStatus>> {
    Ok(Json(SetupStatus { needed: state.db.count_users().await? == 0 }))
}

/// Create the first administrator and sign them in. Refused (409 `already_set_up`) once anyone exists.
#[utoipa::path(post, path = "/setup", tag = "accounts", request_body = SetupRequest,
    responses((status = 201, body = User), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ip: ClientIp,
    ApiJson(req): ApiJson<SetupRequest>,
) -> ApiResult<impl IntoResponse> {
    if state.db.count_users().await? > 0 {
        return Err(ApiError::AlreadySetUp);
    }
    let email = normalize_email(&req.email);
    let hash = password::hash(req.password).await?;
    let user = match state.db.create_first_admin(&email, req.name.trim(), &hash).await {
        Err(DbError::Conflict(_)) => return Err(ApiError::AlreadySetUp),
        other => other?,
    };
    state
        .db
        .audit(AuditEntry {
            action: "setup",
            actor_id: Some(&user.id),
            actor_email: Some(&email),
            client_ip: Some(&ip.0),
            ..Default::default()
        })
        .await?;
    let cookie = start_session(&state, &user.id, &ip.0).await?;
    Ok((StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(user)))
}
