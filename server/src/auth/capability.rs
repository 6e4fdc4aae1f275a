//! Authorization as types. A handler that changes a workspace takes a `WorkspaceEditor` (or
//! `WorkspaceOwner`) argument; the only way to get one is this extractor, which checks the
//! caller's membership and role for the `{workspace_id}` in the path. It fails closed:
//! not a member (or no such workspace) → 404, a role too low → 403, a write (`MinRole::WRITES`) to
//! an archived workspace → 409. Each handler's `#[utoipa::path(security(...))]` states the same
//! for clients; `http::openapi` checks that the two agree.

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use polytune_api::{Role, Workspace, WorkspaceId};

use super::session::{Session, SignedIn};
use crate::db::WorkspaceProof;
use crate::error::ApiError;
use crate::state::AppState;

pub trait MinRole: Send + Sync + 'static {
    const ROLE: Role;
    /// Whether the capability allows changes, which an archived workspace refuses.
    const WRITES: bool;
}

#[derive(Debug)]
pub struct ViewerLevel;
#[derive(Debug)]
pub struct EditorLevel;
#[derive(Debug)]
pub struct OwnerLevel;

impl MinRole for ViewerLevel {
    const ROLE: Role = Role::Viewer;
    const WRITES: bool = false;
}
impl MinRole for EditorLevel {
    const ROLE: Role = Role::Editor;
    const WRITES: bool = true;
}
impl MinRole for OwnerLevel {
    const ROLE: Role = Role::Owner;
    // Owners manage archived workspaces too (restore, members).
    const WRITES: bool = false;
}

/// Proof that `actor` may act on `workspace` with at least role `R`.
#[derive(Debug)]
pub struct WorkspaceCap<R: MinRole> {
    pub workspace: Workspace,
    pub actor: SignedIn,
    _role: PhantomData<R>,
}

pub type WorkspaceViewer = WorkspaceCap<ViewerLevel>;
pub type WorkspaceEditor = WorkspaceCap<EditorLevel>;
pub type WorkspaceOwner = WorkspaceCap<OwnerLevel>;

impl<R: MinRole> FromRequestParts<AppState> for WorkspaceCap<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let actor = SignedIn::from_request_parts(parts, state).await?;
        let Path(params) =
            Path::<HashMap<String, String>>::from_request_parts(parts, state).await.map_err(|_| ApiError::NotFound)?;
        let workspace_id = params.get("workspace_id").ok_or(ApiError::NotFound)?;
        let mut workspace =
            state.db.workspace_for_member(workspace_id, &actor.user.id).await?.ok_or(ApiError::NotFound)?;
        if let Session::Token { workspace_id: scope, role } = &actor.session {
            if scope != workspace_id {
                return Err(ApiError::NotFound);
            }
            workspace.role = workspace.role.min(*role);
        }
        if workspace.role < R::ROLE {
            return Err(ApiError::Forbidden(match R::ROLE {
                Role::Owner => "Only owners of this workspace can do this.",
                _ => "Viewers can look but not change anything in this workspace.",
            }));
        }
        if R::WRITES && workspace.archived {
            return Err(ApiError::Conflict("This workspace is archived; an owner can restore it.".into()));
        }
        Ok(WorkspaceCap { workspace, actor, _role: PhantomData })
    }
}

impl<R: MinRole> WorkspaceProof for WorkspaceCap<R> {
    fn proven_workspace(&self) -> &WorkspaceId {
        &self.workspace.id
    }
}

/// Proof that the caller is an administrator, signed in through a browser session (API tokens are
/// workspace-scoped and never carry administration rights).
#[derive(Debug)]
pub struct Admin(pub SignedIn);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let who = SignedIn::from_request_parts(parts, state).await?;
        match who.session {
            Session::Cookie { .. } if who.user.is_admin => Ok(Admin(who)),
            _ => Err(ApiError::Forbidden("Only administrators can do this.")),
        }
    }
}

/// Proof that the caller signed in through a browser session. API tokens act inside one
/// workspace and never hand out access: no new tokens, no new workspaces. Taken after a
/// workspace capability, so a token of another workspace still sees 404, and before the body, so
/// a token is refused (403) whatever it sends.
#[derive(Debug)]
pub struct BrowserSession(pub SignedIn);

impl FromRequestParts<AppState> for BrowserSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let who = SignedIn::from_request_parts(parts, state).await?;
        match who.session {
            Session::Cookie { .. } => Ok(BrowserSession(who)),
            Session::Token { .. } => {
                Err(ApiError::Forbidden("API tokens act inside one workspace and cannot do this; sign in to do it."))
            }
        }
    }
}
