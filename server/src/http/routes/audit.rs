//! The audit log: per workspace for its owners, everything for administrators.

use axum::Json;
use axum::extract::{Query, State};
use polytune_api::{AuditEvent, Problem};
use serde::Deserialize;

use crate::auth::{Admin, WorkspaceOwner};
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Only events with a smaller id (for the next page).
    before: Option<i64>,
    /// At most this many (1–500, default 100).
    limit: Option<i64>,
}

impl Page {
    fn limit(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, 500)
    }
}

/// The workspace's audit log, newest first (owners).
#[utoipa::path(get, path = "/workspaces/{workspace_id}/audit", tag = "workspaces",
    security(("session" = ["owner"]), ("api_token" = ["owner"])),
    params(("workspace_id" = String, Path), Page),
    responses((status = 200, body = Vec<AuditEvent>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn workspace_log(
    State(state): State<AppState>,
    cap: WorkspaceOwner,
    Query(page): Query<Page>,
) -> ApiResult<Json<Vec<AuditEvent>>> {
    Ok(Json(state.db.audit_events(Some(&cap.workspace.id), page.before, page.limit()).await?))
}

/// Every audit event, including sign-ins and failed sign-ins (administrators).
#[utoipa::path(get, path = "/audit", tag = "accounts", params(Page),
    security(("session" = ["admin"])),
    responses((status = 200, body = Vec<AuditEvent>), (status = 403, body = Problem)))]
pub async fn global_log(
    State(state): State<AppState>,
    _admin: Admin,
    Query(page): Query<Page>,
) -> ApiResult<Json<Vec<AuditEvent>>> {
    Ok(Json(state.db.audit_events(None, page.before, page.limit()).await?))
}
