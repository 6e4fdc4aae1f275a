//! Members of a workspace and their roles. Everyone in the workspace can see who is in it; only
//! owners change membership, and the last owner cannot leave or be demoted.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use polytune_api::{AddMember, FieldError, Member, Problem, UpdateMember, validate::normalize_email};

use crate::auth::{ClientIp, WorkspaceOwner, WorkspaceViewer};
use crate::db::DbError;
use crate::db::audit::AuditEntry;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::http::paths::MemberPath;
use crate::state::AppState;

/// Who is in the workspace.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/members", tag = "workspaces",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)),
    responses((status = 200, body = Vec<Member>), (status = 404, body = Problem)))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<Member>>> {
    Ok(Json(state.db.scoped(&cap).members().await?))
}

/// Add a person who already has an account (owners). To bring in someone new, invite them.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/members", tag = "workspaces", request_body = AddMember,
    security(("session" = ["owner"]), ("api_token" = ["owner"])),
    params(("workspace_id" = String, Path)),
    responses((status = 201, body = Member), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add(
    State(state): State<AppState>,
    cap: WorkspaceOwner,
    ip: ClientIp,
    ApiJson(req): ApiJson<AddMember>,
) -> ApiResult<(StatusCode, Json<Member>)> {
    let email = normalize_email(&req.email);
    let member = match state.db.scoped(&cap).add_member(&email, req.role).await {
        Err(DbError::NotFound) => {
            return Err(ApiError::Validation(vec![FieldError::err(
                "email",
                "no_account",
                &[],
                "nobody has an account with this email; an administrator can invite them",
            )]));
        }
        Err(DbError::Conflict(_)) => {
            return Err(ApiError::Conflict(format!("{email} is already a member")));
        }
        other => other?,
    };
    audit(&state, &cap, &ip, "member_added", &member.email, Some(format!("role {}", req.role.as_str()))).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

/// Change a member's role (owners).
#[utoipa::path(patch, path = "/workspaces/{workspace_id}/members/{user_id}", tag = "workspaces", request_body = UpdateMember,
    security(("session" = ["owner"]), ("api_token" = ["owner"])),
    params(("workspace_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = Member), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    cap: WorkspaceOwner,
    ip: ClientIp,
    Path(p): Path<MemberPath>,
    ApiJson(req): ApiJson<UpdateMember>,
) -> ApiResult<Json<Member>> {
    let before = state.db.scoped(&cap).change_member(&p.user_id, Some(req.role)).await?;
    let detail = format!("{} → {}", before.role.as_str(), req.role.as_str());
    audit(&state, &cap, &ip, "member_role_changed", &before.email, Some(detail)).await?;
    Ok(Json(Member { role: req.role, ..before }))
}

/// Remove a member (owners).
#[utoipa::path(delete, path = "/workspaces/{workspace_id}/members/{user_id}", tag = "workspaces",
    security(("session" = ["owner"]), ("api_token" = ["owner"])),
    params(("workspace_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    cap: WorkspaceOwner,
    ip: ClientIp,
    Path(p): Path<MemberPath>,
) -> ApiResult<StatusCode> {
    let before = state.db.scoped(&cap).change_member(&p.user_id, None).await?;
    audit(&state, &cap, &ip, "member_removed", &before.email, Some(format!("was {}", before.role.as_str()))).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit(
    state: &AppState,
    cap: &WorkspaceOwner,
    ip: &ClientIp,
    action: &str,
    target: &str,
    detail: Option<String>,
) -> ApiResult<()> {
    state
        .db
        .audit(AuditEntry {
            action,
            actor_id: Some(&cap.actor.user.id),
            actor_email: Some(&cap.actor.user.email),
            workspace_id: Some(&cap.workspace.id),
            target: Some(target),
            detail,
            client_ip: Some(&ip.0),
        })
        .await?;
    Ok(())
}
