//! Accounts: first-run setup, sign-in, invitations, API tokens.

use crate::ids::{UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

use crate::validate::{self, Validate};
use crate::{FieldError, Role};

/// `GET /api/v1/setup`: whether the first administrator still has to be created.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupStatus {
    pub needed: bool,
}

/// `POST /api/v1/setup`: create the first administrator. Refused once anyone exists.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub email: String,
    pub name: String,
    pub password: String,
}

impl Validate for SetupRequest {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        validate::email("email", &self.email, &mut e);
        validate::name("name", &self.name, &mut e);
        validate::password("password", &self.password, &mut e);
        e
    }
}

/// `POST /api/v1/session`: sign in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

impl Validate for SignInRequest {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.email.trim().is_empty() {
            e.push(validate::empty("email"));
        }
        if self.password.is_empty() {
            e.push(validate::empty("password"));
        }
        e
    }
}

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub created_at: i64,
}

/// `POST /api/v1/invitations` (administrators): invite a person by a one-time link, optionally
/// straight into a workspace with a role.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    pub email: String,
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    #[serde(default)]
    pub role: Option<Role>,
    /// Make the invited person an administrator too.
    #[serde(default)]
    pub admin: bool,
}

impl Validate for CreateInvitation {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        validate::email("email", &self.email, &mut e);
        if self.workspace_id.is_some() != self.role.is_some() {
            e.push(FieldError::err(
                if self.role.is_none() { "role" } else { "workspace_id" },
                "fields_go_together",
                &[("fields", "workspace_id, role".into())],
                "workspace_id and role go together",
            ));
        }
        e
    }
}

/// The created invitation. `token` is shown once; the server stores only its hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub workspace_id: Option<WorkspaceId>,
    pub workspace_name: Option<String>,
    pub role: Option<Role>,
    pub expires_at: i64,
    /// Only in the response to creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Path of the link to send, e.g. `/invite/AbC…`; only in the response to creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// `POST /api/v1/invitations/{token}/accept`: the invited person chooses name and password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub name: String,
    pub password: String,
}

impl Validate for AcceptInvitation {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        validate::name("name", &self.name, &mut e);
        validate::password("password", &self.password, &mut e);
        e
    }
}

/// `POST /api/v1/workspaces/{id}/tokens`: an API token for scripts, limited to one workspace
/// and at most the creator's own role there.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiToken {
    pub name: String,
    pub role: Role,
}

impl Validate for CreateApiToken {
    fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        validate::name("name", &self.name, &mut e);
        e
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub workspace_id: WorkspaceId,
    pub role: Role,
    pub created_at: i64,
    /// The secret, shown once at creation. Send it as `Authorization: Bearer <token>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}
