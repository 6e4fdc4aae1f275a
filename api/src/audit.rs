//! The audit log: who did what, when, from where.

use crate::ids::WorkspaceId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: i64,
    pub at: i64,
    /// e.g. `sign_in`, `sign_in_failed`, `invitation_created`, `member_role_changed`.
    pub action: String,
    pub actor_email: Option<String>,
    pub workspace_id: Option<WorkspaceId>,
    /// What the action was about, e.g. the member's email.
    pub target: Option<String>,
    pub detail: Option<String>,
    pub client_ip: Option<String>,
}
