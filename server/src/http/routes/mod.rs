//! Route handlers, one file per resource. Paths here are relative to `/api/v1`.
//!
//! # Error codes
//!
//! Every 422 field error the server writes itself carries a stable `code` and its named `args`
//! (decimal text for numbers) beside its unchanged English `message`, so a client can word it in
//! its person's language. The generic codes of `polytune_api::validate` (`required`,
//! `out_of_range` {min, max}, `too_large` {max}, `unknown_value` {value, allowed}, `duplicate`
//! {value}, `unknown_language` {value}, `version_not_found`, …) are reused where they fit; errors
//! about a file's contents come with the data pipeline's own codes (`invalid_data`). The codes are
//! an API contract: never rename one, and never drop an arg (adding one is fine). `error` args are
//! English text from a library or the engine. A failed job's codes (`Job.error_detail`) are the
//! [`crate::jobs::Cause`] variants and the data pipeline's.
//!
//! Server codes (the field named by `path`):
//!
//! | code | meaning | args |
//! |---|---|---|
//! | `file_too_large` | the upload is larger than this server accepts | `max_bytes` |
//! | `path_not_allowed` | the path is not inside a folder the server allows imports from | — |
//! | `not_sha256` | not the SHA-256 of a file (64 lowercase hex digits) | — |
//! | `not_uploaded` | no file with this SHA-256 was uploaded to the workspace | — |
//! | `tokenizer_not_uploaded` | not the SHA-256 of a tokenizer.json uploaded to the workspace | — |
//! | `blob_check_failed` | the file could not be looked up | `error` |
//! | `model_not_found` | no such model in the workspace | — |
//! | `catalog_model_not_found` | no such model in the studio's catalog | — |
//! | `model_exists` | a model with this id exists | — |
//! | `model_not_opened` | the model (or the checkpoint's adapter) could not be opened | `error` |
//! | `model_refused` | the model refused the input (prompt, tokens, generation) | `error` |
//! | `tiny_model_failed` | a tiny model could not be made from the dataset version | `error` |
//! | `seq_len_above_context` | the sequence length is above the model's context length | `max` |
//! | `registered_evaluation_set` | the version is registered as an evaluation set; it cannot be trained on | — |
//! | `run_not_found` | no such run in the workspace | — |
//! | `run_tuned_another_model` | the run tuned another (base) model | — |
//! | `run_has_no_checkpoint` | the run has no checkpoint yet | — |
//! | `no_such_checkpoint` | the run has no checkpoint at this step | `step` |
//! | `cannot_continue` | continuing needs the same method (and LoRA rank and layers) as the earlier run | — |
//! | `adapter_needs_lora` | only LoRA runs export an adapter; export merged weights | — |
//! | `dataset_not_found` | no such dataset | — |
//! | `version_not_profiled` | the version must exist in the workspace and have a finished profile | — |
//! | `version_unreadable` | the dataset version's data could not be read | `error` |
//! | `tokenizer_unreadable` | the model's tokenizer cannot be read | `error` |
//! | `template_render_failed` | the augmentation template failed on a row | `error` |
//! | `builtin_template` | built-in templates cannot be changed; save a copy instead | — |
//! | `mixture_not_found` | no such mixture in the workspace | — |
//! | `identifier_not_found` | the identifier is not in the workspace | — |
//! | `identifier_not_ready` | the identifier has not finished training | — |
//! | `evaluation_not_found` | the evaluation is not in the workspace | — |
//! | `evaluation_not_finished` | the evaluation has not finished | — |
//! | `task_versions_differ` | the two evaluations used different versions of a task | — |
//! | `language_not_in_tasks` | none of the chosen evaluation tasks has items in the language | `value` |
//! | `no_task_in_languages` | the chosen tasks have none of the chosen languages | — |
//! | `too_many_records` | a task file has more records than a task may have | `max` |
//! | `mapped_field_missing` | no record of the task file has the mapped field | `field` |
//! | `empty_prompt` | a task file's record has an empty prompt | `record` |
//! | `language_unknown` | a task file's record's language is neither mapped, declared nor identified | `record` |
//! | `missing_field` | a task file's record lacks its mapped language or id | `record` |
//! | `choices_missing` | a multiple-choice record has fewer than two non-empty choices | `record` |
//! | `no_gold_answer` | a task file's record has no right answer | `record` |
//! | `gold_not_in_choices` | a record's right answer is not among its choices | `record` |
//! | `duplicate_id` | an item id appears twice in one language of a task file | `record` |
//! | `language_missing_items` | a language of a parallel task file lacks items the others have | `language`, `missing` |
//! | `invalid_payload` | a job's payload does not fit its kind | `error` |
//! | `malformed_value` | (400, malformed body) the value at `path` could not be read | `error` |
//! | `no_account` | nobody has an account with this email | — |
//! | `role_above_own` | a token's role cannot be higher than your own | `role` |
//! | `not_owned_workspace` | no workspace you own has this id | — |
//!
//! Generic codes used here: `required` (the `Upload-Offset` header; a server import's path),
//! `out_of_range` {min, max} (`limit`; `chunk_bytes`), `too_large` {max} (`throttle_ms`),
//! `unknown_value` {value, allowed} (`flag`, export `format`/`kind`, evaluation `format`, job
//! `kind`, evaluation `tasks[i]`), `duplicate` {value} (evaluation `tasks[i]`),
//! `unknown_language` {value} (`language`), `version_not_found` (a dataset version not in the
//! workspace).

pub mod audit;
pub mod blobs;
pub mod datasets;
pub mod eval_tasks;
pub mod evaluations;
pub mod health;
pub mod identifiers;
pub mod invitations;
pub mod jobs;
pub mod members;
pub mod mixtures;
pub mod models;
pub mod runs;
pub mod session;
pub mod setup;
pub mod tokens;
pub mod uploads;
pub mod workers;
pub mod workspaces;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A 422 naming one field: a stable code and its named args (see the table above) with the
/// English message.
fn invalid(path: &str, code: &str, args: &[(&str, String)], message: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![polytune_api::FieldError::err(path, code, args, message)])
}

/// A 422 naming the field whose file the data pipeline refused: the error's stable code and
/// named args (for a client that words it itself) with its English message.
fn invalid_data(path: &str, e: &polytune_data::DataError) -> ApiError {
    ApiError::Validation(vec![polytune_api::FieldError::coded(path, e.code(), e.args(), e.to_string())])
}

/// Queues a job for a route that answers with it (202 and the job to follow).
async fn queued<S: polytune_api::JobSpec>(
    db: &crate::db::Scoped,
    spec: S,
    user_id: &str,
) -> ApiResult<(axum::http::StatusCode, axum::Json<polytune_api::Job>)> {
    let payload: polytune_api::JobPayload = spec.into();
    let resources = crate::jobs::validate(db, &payload).await.map_err(ApiError::Validation)?;
    let id = crate::jobs::enqueue_payload(db, &payload, user_id, resources).await?;
    let job = db.job(&id).await?.ok_or(ApiError::NotFound)?;
    Ok((axum::http::StatusCode::ACCEPTED, axum::Json(job)))
}

/// A stored blob as a local file, for code that needs a path (file readers, the engine).
fn local_blob(store: &crate::storage::BlobStore, sha: &str) -> ApiResult<std::path::PathBuf> {
    store.local_copy(sha).map(|c| c.into_path()).map_err(|e| ApiError::Internal(e.into()))
}

/// Runs blocking work (files, the engine) off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(anyhow::anyhow!("worker thread: {e}")))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(setup::status, setup::create))
        .routes(routes!(session::me, session::sign_in, session::sign_out))
        .routes(routes!(session::sign_out_everywhere))
        .routes(routes!(invitations::create))
        .routes(routes!(invitations::show))
        .routes(routes!(invitations::accept))
        .routes(routes!(workspaces::list, workspaces::create))
        .routes(routes!(workspaces::show, workspaces::update))
        .routes(routes!(workspaces::describe))
        .routes(routes!(members::list, members::add))
        .routes(routes!(members::update, members::remove))
        .routes(routes!(tokens::create))
        .routes(routes!(audit::workspace_log))
        .routes(routes!(audit::global_log))
        .routes(routes!(jobs::create, jobs::list))
        .routes(routes!(jobs::show))
        .routes(routes!(jobs::cancel))
        .routes(routes!(jobs::retry))
        .routes(routes!(jobs::file))
        .routes(routes!(workers::list))
        .routes(routes!(uploads::create_upload))
        .routes(routes!(uploads::upload_status))
        .routes(routes!(datasets::inspect))
        .routes(routes!(datasets::create, datasets::list))
        .routes(routes!(datasets::show, datasets::delete))
        .routes(routes!(datasets::skip_bad_records))
        .routes(routes!(datasets::create_profile))
        .routes(routes!(datasets::profile))
        .routes(routes!(datasets::example))
        .routes(routes!(datasets::derive))
        .routes(routes!(mixtures::catalog))
        .routes(routes!(mixtures::list, mixtures::create))
        .routes(routes!(mixtures::show))
        .routes(routes!(mixtures::preview_augmentation))
        .routes(routes!(mixtures::templates, mixtures::create_template))
        .routes(routes!(mixtures::update_template, mixtures::delete_template))
        .routes(routes!(mixtures::evaluation_sets, mixtures::add_evaluation_set))
        .routes(routes!(mixtures::remove_evaluation_set))
        .routes(routes!(mixtures::compute))
        .routes(routes!(mixtures::count_tokens))
        .routes(routes!(identifiers::list, identifiers::create))
        .routes(routes!(identifiers::choose))
        .routes(routes!(evaluations::tasks, eval_tasks::create))
        .routes(routes!(eval_tasks::preview))
        .routes(routes!(eval_tasks::list))
        .routes(routes!(eval_tasks::delete))
        .routes(routes!(evaluations::estimate))
        .routes(routes!(evaluations::list, evaluations::create))
        .routes(routes!(evaluations::show))
        .routes(routes!(evaluations::items))
        .routes(routes!(evaluations::compare))
        .routes(routes!(evaluations::export))
}

/// Long-lived requests (uploads, event streams): kept out of the request timeout.
pub fn streams() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(blobs::upload))
        .routes(routes!(uploads::upload_chunk))
        .routes(routes!(datasets::export))
        .routes(routes!(datasets::examples))
        .routes(routes!(uploads::server_import))
        .routes(routes!(models::list, models::register))
        .routes(routes!(models::create_tiny))
        .routes(routes!(models::catalog))
        .routes(routes!(models::fetch))
        .routes(routes!(models::show))
        .routes(routes!(models::generate))
        .routes(routes!(models::generate_stream))
        .routes(routes!(models::loglikelihood))
        .routes(routes!(models::inference_status))
        .routes(routes!(runs::runs, runs::create_run))
        .routes(routes!(runs::run))
        .routes(routes!(runs::export_run))
        .routes(routes!(jobs::job_events))
        .routes(routes!(jobs::workspace_events))
}
