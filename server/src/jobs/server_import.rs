//! `server_import`: copies the data files of a folder on the server (inside one of the allowed
//! import folders, checked when the job is queued) into the workspace's storage, one blob each.

use polytune_api::{Counters, FieldError, Phase, RecordIssue, ServerImportJob, ServerImportResult};

use super::toolkit::{db_failed, failed_data};
use super::{Cause, JobContext, JobError, Resources};
use crate::db::Scoped;

pub async fn validate(_db: &Scoped, p: &ServerImportJob) -> Result<Resources, Vec<FieldError>> {
    if p.path.trim().is_empty() {
        return Err(vec![FieldError::err("payload.path", "required", &[], "must name a folder or file")]);
    }
    Ok(Resources { max_attempts: 1, ..Resources::default() })
}

pub async fn run(ctx: &JobContext, p: ServerImportJob, max_bytes: u64) -> Result<ServerImportResult, JobError> {
    let env = ctx.env();
    let root = env.allowed_import(&p.path)?;
    let files = tokio::task::block_in_place(|| polytune_data::files::data_files(&root)).map_err(failed_data)?;
    let total = files.len().max(1);
    let mut result = ServerImportResult { files: Vec::new(), skipped: Vec::new() };
    for (i, (path, name)) in files.into_iter().enumerate() {
        let size = tokio::fs::metadata(&path).await.map(|m| m.len()).unwrap_or(0);
        if size == 0 {
            result.skipped.push(RecordIssue::new(name, "the file is empty"));
            continue;
        }
        if size > max_bytes {
            result.skipped.push(RecordIssue::new(name, "the file is larger than the upload limit"));
            continue;
        }
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| Cause::FileUnusable { path: name.clone(), error: e.to_string() })?;
        let stream = tokio_util::io::ReaderStream::with_capacity(file, 1 << 20);
        let (sha, bytes) = env
            .store
            .put(stream, max_bytes)
            .await
            .map_err(|e| Cause::FileUnusable { path: name.clone(), error: e.to_string() })?;
        let blob = ctx.db().insert_blob(&sha, bytes as i64, &name, &p.user_id).await.map_err(db_failed)?;
        result.files.push(blob);
        let counters = Counters { records: Some(i as u64 + 1), ..Counters::default() };
        ctx.progress((i + 1) as f64 / total as f64, Phase::Reading, counters).await?;
    }
    Ok(result)
}
