//! Workspaces: list, create, show, rename, archive/restore.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use polytune_api::{CreateWorkspace, Problem, UpdateDescription, UpdateWorkspace, Workspace};
use serde::Deserialize;

use crate::auth::{BrowserSession, ClientIp, Session, SignedIn, WorkspaceEditor, WorkspaceOwner, WorkspaceViewer};
use crate::db::audit::AuditEntry;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Include archived workspaces.
    #[serde(default)]
    archived: bool,
}

/// The workspaces you belong to, with your role in each.
#[utoipa::path(get, path = "/workspaces", tag = "workspaces", params(ListQuery),
    security(("session" = []), ("api_token" = [])),
    responses((status = 200, body = Vec<Workspace>), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<Workspace>>> {
    let mut list = state.db.workspaces_of(&who.user.id, q.archived).await?;
    if let Session::Token { workspace_id, role } = &who.session {
        list.retain(|w| &w.id == workspace_id);
        list.iter_mut().for_each(|w| w.role = w.role.min(*role));
    }
    Ok(Json(list))
}

/// Create a workspace; you become its owner.
#[utoipa::path(post, path = "/workspaces", tag = "workspaces", request_body = CreateWorkspace,
    security(("session" = [])),
    responses((status = 201, body = Workspace), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    BrowserSession(who): BrowserSession,
    ip: ClientIp,
    ApiJson(req): ApiJson<CreateWorkspace>,
) -> ApiResult<(StatusCode, Json<Workspace>)> {
    let ws = state.db.create_workspace(req.name.trim(), &who.user.id).await?;
    state
        .db
        .audit(AuditEntry {
            action: "workspace_created",
            actor_id: Some(&who.user.id),
            actor_email: Some(&who.user.email),
            workspace_id: Some(&ws.id),
            target: Some(&ws.name),
            client_ip: Some(&ip.0),
            ..Default::default()
        })
        .await?;
    Ok((StatusCode::CREATED, Json(ws)))
}

/// One workspace, with your role in it.
#[utoipa::path(get, path = "/workspaces/{workspace_id}", tag = "workspaces",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)),
    responses((status = 200, body = Workspace), (status = 404, body = Problem)))]
pub async fn show(cap: WorkspaceViewer) -> Json<Workspace> {
    Json(cap.workspace)
}

/// Rename, archive or restore a workspace (owners).
#[utoipa::path(patch, path = "/workspaces/{workspace_id}", tag = "workspaces", request_body = UpdateWorkspace,
    security(("session" = ["owner"]), ("api_token" = ["owner"])),
    params(("workspace_id" = String, Path)),
    responses((status = 200, body = Workspace), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    cap: WorkspaceOwner,
    ip: ClientIp,
    ApiJson(req): ApiJson<UpdateWorkspace>,
) -> ApiResult<Json<Workspace>> {
    let db = state.db.scoped(&cap);
    let ws = &cap.workspace;
    let actor = &cap.actor.user;
    let audit = |action: &'static str, detail: Option<String>| AuditEntry {
        action,
        actor_id: Some(&actor.id),
        actor_email: Some(&actor.email),
        workspace_id: Some(&ws.id),
        target: Some(&ws.name),
        detail,
        client_ip: Some(&ip.0),
    };
    if let Some(name) = &req.name {
        db.rename_workspace(name.trim()).await?;
        state.db.audit(audit("workspace_renamed", Some(format!("to {}", name.trim())))).await?;
    }
    if let Some(archived) = req.archived {
        if archived != ws.archived {
            db.set_workspace_archived(archived).await?;
            state.db.audit(audit(if archived { "workspace_archived" } else { "workspace_restored" }, None)).await?;
        }
    }
    let fresh = state.db.workspace_for_member(&ws.id, &actor.id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(Workspace { role: fresh.role.min(ws.role), ..fresh }))
}

/// Write what the workspace is for (editors and owners).
#[utoipa::path(put, path = "/workspaces/{workspace_id}/description", tag = "workspaces", request_body = UpdateDescription,
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)),
    responses((status = 200, body = Workspace), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn describe(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<UpdateDescription>,
) -> ApiResult<Json<Workspace>> {
    state.db.scoped(&cap).set_workspace_description(req.description.trim()).await?;
    Ok(Json(Workspace { description: req.description.trim().to_owned(), ..cap.workspace }))
}
