//! Resumable uploads of files into a workspace, and administrators' imports of a server folder.

use serde::{Deserialize, Serialize};

use crate::datasets::RecordIssue;
use crate::ids::UploadId;
use crate::problem::FieldError;
use crate::validate::{self, Validate};

/// Start a resumable upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUpload {
    pub name: String,
    pub size: u64,
}

/// A resumable upload: send bytes from `offset` on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Upload {
    pub id: UploadId,
    pub name: String,
    pub size: u64,
    pub offset: u64,
    /// Set once every byte arrived and the file is stored.
    pub blob: Option<String>,
}

/// Administrators: copy the data files of a folder on the server into a workspace.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerImport {
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerImportResult {
    pub files: Vec<crate::Blob>,
    /// Files that were left out, and why.
    pub skipped: Vec<RecordIssue>,
}

impl Validate for CreateUpload {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        validate::name("name", &self.name, &mut errors);
        if self.size == 0 {
            errors.push(FieldError::err("size", "file_empty", &[], "the file is empty"));
        }
        errors
    }
}

impl Validate for ServerImport {
    fn validate(&self) -> Vec<FieldError> {
        if self.path.trim().is_empty() {
            vec![validate::required("path", "name a folder on the server")]
        } else {
            Vec::new()
        }
    }
}
