//! Signing in and out. Every sign-in gets a fresh session id (no fixation); signing out ends the
//! session server-side, "everywhere" ends all of the person's sessions.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use polytune_api::{Problem, SignInRequest, User, validate::normalize_email};

use crate::auth::session::session_cookie;
use crate::auth::{ClientIp, Session, SignedIn, password, secret};
use crate::db::audit::AuditEntry;
use crate::db::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;

/// Creates a session row and returns the `Set-Cookie` value for it.
pub async fn start_session(state: &AppState, user_id: &str, ip: &str) -> ApiResult<HeaderValue> {
    let id = secret::random_token();
    let expires_at = now_ms() + (state.settings.session_max_secs * 1000) as i64;
    state.db.create_session(&secret::digest(&id), user_id, expires_at, ip).await?;
    Ok(session_cookie(state, Some(&id)))
}

/// The signed-in person.
#[utoipa::path(get, path = "/session", tag = "accounts",
    security(("session" = []), ("api_token" = [])),
    responses((status = 200, body = User), (status = 401, body = Problem)))]
pub async fn me(who: SignedIn) -> Json<User> {
    Json(who.user)
}

/// Sign in with email and password. Rate-limited per account and per client address (429).
#[utoipa::path(post, path = "/session", tag = "accounts", request_body = SignInRequest,
    responses((status = 200, body = User), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ip: ClientIp,
    ApiJson(req): ApiJson<SignInRequest>,
) -> ApiResult<impl IntoResponse> {
    let email = normalize_email(&req.email);
    state.signin_limiter.check(&email, &ip.0).map_err(ApiError::RateLimited)?;
    let user = state.db.user_by_email(&email).await?;
    let stored = match &user {
        Some(u) => u.password_hash.clone(),
        None => password::dummy_hash().await.to_owned(),
    };
    let ok = password::verify(req.password, stored).await? && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        state.signin_limiter.record_failure(&email, &ip.0);
        state
            .db
            .audit(AuditEntry {
                action: "sign_in_failed",
                target: Some(&email),
                client_ip: Some(&ip.0),
                ..Default::default()
            })
            .await?;
        return Err(ApiError::InvalidCredentials);
    };
    state.signin_limiter.record_success(&email);
    let cookie = start_session(&state, &user.id, &ip.0).await?;
    state
        .db
        .audit(AuditEntry {
            action: "sign_in",
            actor_id: Some(&user.id),
            actor_email: Some(&user.email),
            client_ip: Some(&ip.0),
            ..Default::default()
        })
        .await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(User::from(user))))
}

/// Sign out of this browser.
#[utoipa::path(delete, path = "/session", tag = "accounts",
    security(("session" = []), ("api_token" = [])),
    responses((status = 204)))]
pub async fn sign_out(State(state): State<AppState>, who: SignedIn) -> ApiResult<impl IntoResponse> {
    if let Session::Cookie { id_hash } = &who.session {
        state.db.delete_session(id_hash).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, session_cookie(&state, None))]))
}

/// Sign out of every browser and device.
#[utoipa::path(delete, path = "/sessions", tag = "accounts",
    security(("session" = []), ("api_token" = [])),
    responses((status = 204)))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    who: SignedIn,
    ip: ClientIp,
) -> ApiResult<impl IntoResponse> {
    let n = state.db.delete_user_sessions(&who.user.id).await?;
    let detail = format!("{n} sessions ended");
    state
        .db
        .audit(AuditEntry {
            action: "sign_out_everywhere",
            actor_id: Some(&who.user.id),
            actor_email: Some(&who.user.email),
            detail: Some(detail),
            client_ip: Some(&ip.0),
            ..Default::default()
        })
        .await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, session_cookie(&state, None))]))
}
