//! Evaluation tasks made from a workspace's own file: a preview of what the file becomes under a
//! mapping (with the detected language of every text field), creating the task, deleting it.

use std::ops::ControlFlow;
use std::path::Path as FsPath;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use polytune_api::{CreateEvalTask, EvalTaskPreview, FieldError, FileFormat, FileTaskInfo, Problem, Validate, lang};
use polytune_data::{DataError, import, read};
use polytune_eval::file_task::{self, Built, Record};

use crate::auth::{WorkspaceEditor, WorkspaceViewer};
use crate::db::eval_tasks::NewEvalTask;
use crate::error::{ApiError, ApiResult};
use crate::evaluation::detect;
use crate::http::extract::ApiJson;
use crate::http::paths::EvalTaskPath;
use crate::state::AppState;

use super::datasets::stored_blob;
use super::{blocking, invalid, invalid_data};

/// The most records a task file may have.
const MAX_RECORDS: usize = 100_000;

/// A file read and built into a task under the request's (or the guessed) mapping.
struct Read {
    format: FileFormat,
    has_header: bool,
    records: Vec<Record>,
    /// Records that could not be read, each named.
    unreadable: Vec<FieldError>,
    mapping: polytune_api::TaskMapping,
    declared: Option<String>,
    built: Built,
}

fn read_task(path: &FsPath, file_name: &str, req: &CreateEvalTask) -> Result<Read, DataError> {
    let limits = read::Limits::default();
    let (format, has_header) = match req.format {
        Some(f) => (f, req.has_header),
        None => import::detect_format(path, file_name, limits)?,
    };
    let mut records = Vec::new();
    let mut unreadable = Vec::new();
    read::read_records(path, format, has_header, limits, &mut |location, r| {
        match r {
            Ok(value) => records.push(Record { location: location.to_string(), value }),
            Err(e) if unreadable.len() < file_task::MAX_PROBLEMS => {
                unreadable.push(FieldError::coded("blob", e.code(), e.args(), format!("{location}: {e}")))
            }
            Err(_) => {}
        }
        if records.len() > MAX_RECORDS { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    })?;
    if records.is_empty() && unreadable.is_empty() {
        return Err(DataError::NoRecords);
    }
    let mapping = req.mapping.clone().unwrap_or_else(|| file_task::guess(&records, req.kind));
    let declared = match &req.language {
        Some(l) => lang::parse(l).map(|t| t.code().to_string()),
        None if mapping.language.is_none() => {
            import::language_from_name(file_name).and_then(|l| lang::parse(&l)).map(|t| t.code().to_string())
        }
        None => None,
    };
    let built = if mapping.prompt.trim().is_empty() {
        Built {
            problems: vec![polytune_api::validate::required("mapping.prompt", "choose the field with the prompt")],
            ..Built::default()
        }
    } else {
        file_task::build(&records, req.kind, &mapping, declared.as_deref(), &detect)
    };
    Ok(Read { format, has_header, records, unreadable, mapping, declared, built })
}

async fn read_request(state: &AppState, db: &crate::db::Scoped, req: CreateEvalTask) -> ApiResult<(Read, String)> {
    let (path, file_name) = stored_blob(state, db, &req.blob).await?;
    let name = file_name.clone();
    let read = blocking(move || read_task(&path, &name, &req)).await?.map_err(|e| invalid_data("blob", &e))?;
    if read.records.len() > MAX_RECORDS {
        return Err(invalid(
            "blob",
            "too_many_records",
            &[("max", MAX_RECORDS.to_string())],
            format!("a task file may have at most {MAX_RECORDS} records"),
        ));
    }
    Ok((read, file_name))
}

/// What a stored file would become as an evaluation task: the mapping (guessed when none is
/// given), the languages identified in each text field, the first items, the items per language,
/// contradicted language declarations in words, and what would refuse it.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/eval-tasks/preview", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), request_body = CreateEvalTask,
    responses((status = 200, body = EvalTaskPreview), (status = 422, body = Problem)))]
pub async fn preview(
    State(state): State<AppState>,
    cap: WorkspaceViewer,
    ApiJson(req): ApiJson<CreateEvalTask>,
) -> ApiResult<Json<EvalTaskPreview>> {
    let kind = req.kind;
    let (read, _) = read_request(&state, &state.db.scoped(&cap), req).await?;
    let (fields, field_languages) = blocking({
        let records: Vec<Record> = read
            .records
            .iter()
            .take(256)
            .map(|r| Record { location: r.location.clone(), value: r.value.clone() })
            .collect();
        move || file_task::fields(&records, &detect)
    })
    .await?;
    let mut problems = read.unreadable;
    problems.extend(read.built.problems.iter().cloned());
    Ok(Json(EvalTaskPreview {
        format: read.format,
        has_header: read.has_header,
        kind,
        mapping: read.mapping,
        language: read.declared,
        fields,
        field_languages,
        records: read.records.len(),
        languages: read.built.languages.clone(),
        items: file_task::preview_items(&read.built),
        problems,
        contradictions: read.built.contradictions,
    }))
}

/// Make an evaluation task from a stored file. Refused, with every problem's record and field
/// named, when a record cannot become an item; nothing is stored then.
#[utoipa::path(post, path = "/workspaces/{workspace_id}/eval-tasks", tag = "evaluation",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path)), request_body = CreateEvalTask,
    responses((status = 201, body = FileTaskInfo), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    ApiJson(req): ApiJson<CreateEvalTask>,
) -> ApiResult<(StatusCode, Json<FileTaskInfo>)> {
    let errors = req.validate();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if req.name.trim().is_empty() {
        return Err(ApiError::Validation(vec![polytune_api::validate::required("name", "name the task")]));
    }
    let db = state.db.scoped(&cap);
    let (name, kind, blob) = (req.name.trim().to_string(), req.kind, req.blob.clone());
    let (read, file_name) = read_request(&state, &db, req).await?;
    let mut problems = read.unreadable;
    problems.extend(read.built.problems.iter().cloned());
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let id = format!("file-{}", crate::db::new_id());
    let info = file_task::info(&id, &name, kind, &file_name, &read.built);
    let items = String::from_utf8(file_task::write_items(&read.built.items)).unwrap_or_default();
    db.insert_eval_task(NewEvalTask {
        info: &info,
        file_name: &file_name,
        source_blob: &blob,
        mapping: &read.mapping,
        items: &items,
        created_by: &cap.actor.user.id,
    })
    .await?;
    let created = FileTaskInfo { task: info, file_name, mapping: read.mapping, created_at: crate::db::now_ms() };
    Ok((StatusCode::CREATED, Json(created)))
}

/// The workspace's tasks made from files, with what they were made from.
#[utoipa::path(get, path = "/workspaces/{workspace_id}/eval-tasks/files", tag = "evaluation",
    security(("session" = ["viewer"]), ("api_token" = ["viewer"])),
    params(("workspace_id" = String, Path)), responses((status = 200, body = Vec<FileTaskInfo>)))]
pub async fn list(State(state): State<AppState>, cap: WorkspaceViewer) -> ApiResult<Json<Vec<FileTaskInfo>>> {
    Ok(Json(state.db.scoped(&cap).eval_tasks().await?))
}

/// Delete a task made from a file. Evaluations that used it keep their scores and items.
#[utoipa::path(delete, path = "/workspaces/{workspace_id}/eval-tasks/{task_id}", tag = "evaluation",
    security(("session" = ["editor"]), ("api_token" = ["editor"])),
    params(("workspace_id" = String, Path), ("task_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    cap: WorkspaceEditor,
    Path(p): Path<EvalTaskPath>,
) -> ApiResult<StatusCode> {
    if state.db.scoped(&cap).delete_eval_task(&p.task_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
