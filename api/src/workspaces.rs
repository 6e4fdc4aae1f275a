//! Workspaces, members and roles.

use crate::ids::{UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::validate::{self, Validate};

/// A member's role in a workspace, ordered by what it allows: viewer < editor < owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything in the workspace.
    Viewer,
    /// Also uploads data, composes mixtures, starts runs.
    Editor,
    /// Also manages members, renames and archives the workspace, reads the audit log.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Owner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    /// What the workspace is for, in the team's own words (editors write it).
    pub description: String,
    pub archived: bool,
    pub created_at: i64,
    /// The caller's role in it.
    pub role: Role,
    pub member_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspace {
    pub name: String,
}

impl Validate for CreateWorkspace {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        validate::name("name", &self.name, &mut e);
        e
    }
}

/// `PATCH /api/v1/workspaces/{id}`: rename and/or archive (or restore).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspace {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub archived: Option<bool>,
}

impl Validate for UpdateWorkspace {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if let Some(name) = &self.name {
            validate::name("name", name, &mut e);
        }
        if self.name.is_none() && self.archived.is_none() {
            e.push(FieldError::err("", "nothing_to_change", &[], "nothing to change: give name and/or archived"));
        }
        e
    }
}

/// Maximum length of a workspace description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// `PUT /api/v1/workspaces/{id}/description` (editors).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateDescription {
    pub description: String,
}

impl Validate for UpdateDescription {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            e.push(FieldError::err(
                "description",
                "too_long",
                &[("max", MAX_DESCRIPTION_CHARS.to_string())],
                format!("must be at most {MAX_DESCRIPTION_CHARS} characters long"),
            ));
        }
        if self.description.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
            e.push(FieldError::err("description", "control_characters", &[], "must not contain control characters"));
        }
        e
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub added_at: i64,
}

/// `POST /api/v1/workspaces/{id}/members`: add an existing account by email.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub email: String,
    pub role: Role,
}

impl Validate for AddMember {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        validate::email("email", &self.email, &mut e);
        e
    }
}

/// `PATCH /api/v1/workspaces/{id}/members/{user_id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    pub role: Role,
}

impl Validate for UpdateMember {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}
