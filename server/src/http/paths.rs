//! Named path parameters: one struct per kind of address, so a handler reads `p.run_id` (a
//! [`RunId`]) rather than the second element of a tuple of strings. The `{workspace_id}` of a
//! path is deliberately not here: the capability extractor checks it, and the database handle a
//! handler uses comes from that capability ([`crate::db::Database::scoped`]), so no handler can
//! read a workspace id that was not checked.

use polytune_api::{DatasetId, EvaluationId, JobId, MixtureId, ModelId, RunId, UploadId, UserId, VersionId};
use serde::Deserialize;

macro_rules! paths {
    ($($(#[$doc:meta])* $name:ident { $($field:ident: $ty:ty),* })*) => {$(
        $(#[$doc])*
        #[derive(Debug, Deserialize)]
        pub struct $name {
            $(pub $field: $ty,)*
        }
    )*};
}

paths! {
    /// `/workspaces/{workspace_id}/datasets/{dataset_id}…`
    DatasetPath { dataset_id: DatasetId }
    /// `/workspaces/{workspace_id}/versions/{version_id}…`
    VersionPath { version_id: VersionId }
    /// `/workspaces/{workspace_id}/versions/{version_id}/examples/{index}`
    ExamplePath { version_id: VersionId, index: u64 }
    /// `/workspaces/{workspace_id}/jobs/{job_id}…`
    JobPath { job_id: JobId }
    /// `/workspaces/{workspace_id}/uploads/{upload_id}`
    UploadPath { upload_id: UploadId }
    /// `/workspaces/{workspace_id}/members/{user_id}`
    MemberPath { user_id: UserId }
    /// `/workspaces/{workspace_id}/models/{model_id}…`
    ModelPath { model_id: ModelId }
    /// `/workspaces/{workspace_id}/runs/{run_id}…`
    RunPath { run_id: RunId }
    /// `/workspaces/{workspace_id}/mixtures/{mixture_id}`
    MixturePath { mixture_id: MixtureId }
    /// `/workspaces/{workspace_id}/augment-templates/{template_id}`
    TemplatePath { template_id: String }
    /// `/workspaces/{workspace_id}/evaluations/{evaluation_id}…`
    EvaluationPath { evaluation_id: EvaluationId }
    /// `/workspaces/{workspace_id}/evaluations/{evaluation_id}/compare/{base_id}`
    ComparePath { evaluation_id: EvaluationId, base_id: EvaluationId }
    /// `/workspaces/{workspace_id}/model-catalog/{catalog_id}`
    CatalogPath { catalog_id: String }
    /// `/workspaces/{workspace_id}/eval-tasks/{task_id}`
    EvalTaskPath { task_id: String }
}
