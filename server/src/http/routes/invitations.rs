//! Invitations: an administrator creates a one-time link; the invited person opens it, chooses a
//! name and password, and is signed in. A used, expired or unknown link answers 410.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use polytune_api::{AcceptInvitation, CreateInvitation, Invitation, Problem, Role, User, validate::normalize_email};

use super::session::start_session;
use crate::auth::{Admin, ClientIp, password, secret};
use crate::db::accounts::NewInvitation;
use crate::db::audit::AuditEntry;
use crate::db::{DbError, now_ms};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;

/// Invite a person (administrators). The response holds the link; it is shown only once.
#[utoipa::path(post, path = "/invitations", tag = "accounts", request_body = CreateInvitation,
    security(("session" = ["admin"])),
    responses((status = 201, body = Invitation), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ip: ClientIp,
    ApiJson(req): ApiJson<CreateInvitation>,
) -> ApiResult<impl IntoResponse> {
    let email = normalize_email(&req.email);
    if state.db.user_by_email(&email).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "{email} already has an account; add them to a workspace from its Members page instead"
        )));
    }
    let workspace_name = match &req.workspace_id {
        Some(ws) => Some(
            state
                .db
                .workspace_for_member(ws, &admin.user.id)
                .await?
                .filter(|w| w.role == Role::Owner)
                .ok_or(ApiError::Validation(vec![polytune_api::FieldError::err(
                    "workspace_id",
                    "not_owned_workspace",
                    &[],
                    "no workspace you own has this id",
                )]))?
                .name,
        ),
        None => None,
    };
    let token = secret::random_token();
    let expires_at = now_ms() + (state.settings.invitation_hours * 3600 * 1000) as i64;
    let id = state
        .db
        .create_invitation(NewInvitation {
            token_hash: &secret::digest(&token),
            email: &email,
            workspace_id: req.workspace_id.as_deref(),
            role: req.role,
            make_admin: req.admin,
            created_by: &admin.user.id,
            expires_at,
        })
        .await?;
    let detail = req.role.map(|r| format!("role {}", r.as_str()));
    state
        .db
        .audit(AuditEntry {
            action: "invitation_created",
            actor_id: Some(&admin.user.id),
            actor_email: Some(&admin.user.email),
            workspace_id: req.workspace_id.as_deref(),
            target: Some(&email),
            detail,
            client_ip: Some(&ip.0),
        })
        .await?;
    let link = format!("/invite/{token}");
    Ok((
        StatusCode::CREATED,
        Json(Invitation {
            id,
            email,
            workspace_id: req.workspace_id,
            workspace_name,
            role: req.role,
            expires_at,
            token: Some(token),
            link: Some(link),
        }),
    ))
}

async fn valid_invitation(state: &AppState, token: &str) -> ApiResult<crate::db::accounts::InvitationRow> {
    let inv = state.db.invitation_by_token(&secret::digest(token)).await?.ok_or(ApiError::InvitationInvalid)?;
    if inv.accepted_at.is_some() || inv.expires_at <= now_ms() {
        return Err(ApiError::InvitationInvalid);
    }
    Ok(inv)
}

/// What an invitation link is for (no sign-in needed: the link is the secret).
#[utoipa::path(get, path = "/invitations/{token}", tag = "accounts",
    params(("token" = String, Path, description = "The secret from the link")),
    responses((status = 200, body = Invitation), (status = 410, body = Problem)))]
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> ApiResult<Json<Invitation>> {
    let inv = valid_invitation(&state, &token).await?;
    Ok(Json(Invitation {
        id: inv.id,
        email: inv.email,
        workspace_id: inv.workspace_id.map(Into::into),
        workspace_name: inv.workspace_name,
        role: inv.role.as_deref().and_then(Role::parse),
        expires_at: inv.expires_at,
        token: None,
        link: None,
    }))
}

/// Use an invitation: create the account with the chosen name and password, and sign in.
#[utoipa::path(post, path = "/invitations/{token}/accept", tag = "accounts", request_body = AcceptInvitation,
    params(("token" = String, Path, description = "The secret from the link")),
    responses((status = 201, body = User), (status = 410, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ip: ClientIp,
    ApiJson(req): ApiJson<AcceptInvitation>,
) -> ApiResult<impl IntoResponse> {
    let inv = valid_invitation(&state, &token).await?;
    let hash = password::hash(req.password).await?;
    let user = match state.db.accept_invitation(&secret::digest(&token), req.name.trim(), &hash).await {
        Err(DbError::NotFound) => return Err(ApiError::InvitationInvalid),
        Err(DbError::Conflict(_)) => {
            return Err(ApiError::Conflict(format!("{} already has an account", inv.email)));
        }
        other => other?,
    };
    state
        .db
        .audit(AuditEntry {
            action: "invitation_accepted",
            actor_id: Some(&user.id),
            actor_email: Some(&user.email),
            workspace_id: inv.workspace_id.as_deref(),
            target: Some(&user.email),
            detail: inv.role.clone(),
            client_ip: Some(&ip.0),
        })
        .await?;
    let cookie = start_session(&state, &user.id, &ip.0).await?;
    Ok((StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(user)))
}
