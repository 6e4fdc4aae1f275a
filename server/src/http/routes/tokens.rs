//! API tokens for scripts: scoped to one workspace and at most the creator's role there.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use polytune_api::{ApiToken, CreateApiToken, FieldError, Problem};

use crate::auth::{BrowserSession, ClientIp, WorkspaceViewer, secret};
use crate::db::audit::AuditEntry;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;

/// Create an API token. The secret is in the response only; send it as `Authorization: Bearer …`.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/tokens", tag = "workspaces", request_body = CreateApiToken,
    security(("session" = ["viewer"])),
    params(("workspace_id" = String, Path)),
    responses((status = 201, body = ApiToken), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    _browser: BrowserSession,
    ip: ClientIp,
    ApiJson(req): ApiJson<CreateApiToken>,
) -> ApiResult<(StatusCode, Json<ApiToken>)> {
    if req.role > cap.workspace.role {
        return Err(ApiError::Validation(vec![FieldError::err(
            "role",
            "role_above_own",
            &[("role", cap.workspace.role.as_str().to_string())],
            format!("cannot be higher than your own role ({})", cap.workspace.role.as_str()),
        )]));
    }
    let token = format!("{}{}", secret::API_TOKEN_PREFIX, secret::random_token());
    let user = &cap.actor.user;
    let (id, created_at) = state
        .db
        .create_api_token(&secret::digest(&token), req.name.trim(), &cap.workspace.id, &user.id, req.role)
        .await?;
    state
        .db
        .audit(AuditEntry {
            action: "api_token_created",
            actor_id: Some(&user.id),
            actor_email: Some(&user.email),
            workspace_id: Some(&cap.workspace.id),
            target: Some(req.name.trim()),
            detail: Some(format!("role {}", req.role.as_str())),
            client_ip: Some(&ip.0),
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiToken {
            id,
            name: req.name.trim().to_owned(),
            workspace_id: cap.workspace.id.clone(),
            role: req.role,
            created_at,
            token: Some(token),
        }),
    ))
}
