//! Dataset jobs: `import_dataset` (a stored file → version 1), `profile_dataset` (per-language
//! profile of a version), `derive_dataset` (a filtered new version). The work itself is the
//! `polytune-data` crate's, run on a blocking thread; these kinds add progress, storage and the
//! database records, written only when the work is complete.

use std::io::BufReader;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use polytune_api::{DatasetState, DeriveSpec, FieldError, OnError, Validate};
use polytune_data::{derive, import, profile, read};
use serde::{Deserialize, Serialize};

use super::{JobContext, JobError, JobKind, Resources};
use crate::db::datasets::NewVersion;
use crate::db::jobs::NewJob;
use crate::db::{Database, DbError};
use crate::storage::is_sha256;

pub(super) fn failed(e: impl std::fmt::Display) -> JobError {
    JobError::Failed(e.to_string())
}

pub(super) fn db_failed(e: DbError) -> JobError {
    JobError::Failed(format!("the database refused the result: {e}"))
}

/// Reports progress from blocking code at most twice a second; returns `Break` when the job must stop.
pub(super) struct Reporter<'a> {
    ctx: &'a JobContext,
    last: Instant,
    pub(super) stop: Option<JobError>,
}

impl<'a> Reporter<'a> {
    pub(super) fn new(ctx: &'a JobContext) -> Self {
        Reporter { ctx, last: Instant::now() - Duration::from_secs(1), stop: None }
    }

    pub(super) fn report(&mut self, fraction: f64, phase: &str, counters: serde_json::Value) -> ControlFlow<()> {
        if let Err(e) = self.ctx.check() {
            self.stop = Some(e);
            return ControlFlow::Break(());
        }
        if self.last.elapsed() < Duration::from_millis(500) {
            return ControlFlow::Continue(());
        }
        self.last = Instant::now();
        let handle = tokio::runtime::Handle::current();
        match handle.block_on(self.ctx.progress(fraction.clamp(0.0, 1.0), phase, counters)) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.stop = Some(e);
                ControlFlow::Break(())
            }
        }
    }
}

/// Runs blocking work on this worker thread; a panic (a bug, or a library choking on a hostile
/// file) becomes a failed job instead of a lost worker slot.
pub(super) fn blocking<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .unwrap_or_else(|_| Err("the file could not be processed (the reader stopped unexpectedly)".into()))
    })
}

/// Queues one of the dataset job kinds (payloads built by the studio from checked ids).
pub async fn enqueue(
    db: &Database,
    workspace_id: &str,
    kind: &str,
    payload: &serde_json::Value,
    user_id: &str,
) -> Result<String, DbError> {
    db.enqueue_job(NewJob {
        workspace_id,
        kind,
        payload: &payload.to_string(),
        priority: 0,
        needs_gpu: false,
        memory_mb: 0,
        max_attempts: MAX_ATTEMPTS,
        created_by: user_id,
    })
    .await
}

const MAX_ATTEMPTS: i64 = 3;

/// Queues a profile of `version_id` and records it (state `running`).
pub async fn enqueue_profile(
    db: &Database,
    workspace_id: &str,
    version_id: &str,
    tokenizer: Option<&str>,
    user_id: &str,
) -> Result<(String, String), DbError> {
    let profile_id = crate::db::new_id();
    let payload = serde_json::json!({"profile_id": profile_id, "version_id": version_id, "tokenizer": tokenizer});
    let job_id = enqueue(db, workspace_id, "profile_dataset", &payload, user_id).await?;
    db.insert_profile_with_id(&profile_id, version_id, &job_id, tokenizer).await?;
    Ok((profile_id, job_id))
}

/// A job run again after its version committed: queue the profile the first run may not have queued.
async fn ensure_profiled(ctx: &JobContext, version_id: &str) -> Result<(), JobError> {
    let db = &ctx.env().db;
    if db.latest_profile(version_id).await.map_err(db_failed)?.is_none() {
        let user = db
            .dataset_version_creator(version_id)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| failed("the version is gone"))?;
        enqueue_profile(db, &ctx.workspace_id, version_id, None, &user).await.map_err(db_failed)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

pub struct ImportDataset;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportPayload {
    pub dataset_id: String,
    #[serde(default)]
    pub on_error: OnError,
}

#[async_trait::async_trait]
impl JobKind for ImportDataset {
    fn name(&self) -> &'static str {
        "import_dataset"
    }

    fn public(&self) -> bool {
        false
    }

    async fn validate(
        &self,
        db: &Database,
        ws: &str,
        payload: &serde_json::Value,
    ) -> Result<Resources, Vec<FieldError>> {
        let p: ImportPayload = super::parse_payload(payload)?;
        match db.dataset_source(ws, &p.dataset_id).await {
            Ok(Some(_)) => Ok(Resources::default()),
            _ => Err(vec![FieldError::new("payload.dataset_id", "no such dataset")]),
        }
    }

    async fn run(&self, ctx: &JobContext) -> Result<serde_json::Value, JobError> {
        let p: ImportPayload = ctx.payload()?;
        let result = self.import(ctx, &p).await;
        // A cancelled or failed import must not stay "importing" (a released one is retried).
        let last_attempt = ctx.attempt >= MAX_ATTEMPTS;
        if matches!(&result, Err(JobError::Cancelled)) || (matches!(&result, Err(JobError::Failed(_))) && last_attempt)
        {
            let _ = ctx.env().db.set_dataset_import(&p.dataset_id, DatasetState::Failed, None, None).await;
        }
        result
    }
}

impl ImportDataset {
    async fn import(&self, ctx: &JobContext, p: &ImportPayload) -> Result<serde_json::Value, JobError> {
        let env = ctx.env();
        if let Some((version_id, examples)) = env.db.version_of_job(&ctx.id).await.map_err(db_failed)? {
            ensure_profiled(ctx, &version_id).await?;
            return Ok(serde_json::json!({"version_id": version_id, "examples": examples, "already_done": true}));
        }
        let (blob, file_name, spec, created_by) = env
            .db
            .dataset_source(&ctx.workspace_id, &p.dataset_id)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| failed("the dataset was deleted"))?;
        let spec: polytune_api::ImportSpec = serde_json::from_str(&spec).map_err(failed)?;
        let path = env.store.path(&blob);
        let total = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0).max(1);
        let mut out = env.store.writer().map_err(failed)?;
        let counter = Arc::new(AtomicU64::new(0));
        let mut reporter = Reporter::new(ctx);
        let report = blocking(|| {
            import::import_counted(
                &path,
                &file_name,
                &spec,
                p.on_error,
                read::Limits::default(),
                Some(counter.clone()),
                &mut out,
                &mut |records| {
                    let bytes = counter.load(Ordering::Relaxed);
                    reporter.report(
                        bytes as f64 / total as f64,
                        "reading",
                        serde_json::json!({"records": records, "bytes": bytes, "total_bytes": total}),
                    )
                },
            )
        });
        if let Some(stop) = reporter.stop.take() {
            return Err(stop);
        }
        let report = report.map_err(failed)?;
        let problems = report.bad > 0 || report.fatal.is_some();
        if report.imported == 0 {
            env.db
                .set_dataset_import(&p.dataset_id, DatasetState::Failed, Some(&report), None)
                .await
                .map_err(db_failed)?;
            let why = report
                .fatal
                .clone()
                .or_else(|| report.issues.first().map(|i| format!("{}: {}", i.location, i.message)));
            return Err(failed(format!(
                "nothing could be imported: {}",
                why.unwrap_or_else(|| "the file has no records".into())
            )));
        }
        if problems && p.on_error == OnError::Ask {
            drop(out);
            env.db
                .set_dataset_import(&p.dataset_id, DatasetState::NeedsDecision, Some(&report), None)
                .await
                .map_err(db_failed)?;
            ctx.log(&format!("{} of {} records cannot be read; waiting for a decision", report.bad, report.records))
                .await;
            return Ok(serde_json::json!({"needs_decision": true, "report": report}));
        }
        let (sha, bytes) = tokio::task::block_in_place(|| out.finish()).map_err(failed)?;
        let operation = serde_json::json!({"import": {"file": file_name, "source_blob": blob, "spec": spec, "on_error": p.on_error, "skipped": report.bad}});
        let version_id = env
            .db
            .finish_import(
                NewVersion {
                    dataset_id: &p.dataset_id,
                    parent_id: None,
                    operation: &operation,
                    blob: &sha,
                    examples: report.imported as i64,
                    bytes: bytes as i64,
                    created_by: &created_by,
                    job_id: &ctx.id,
                },
                &report,
            )
            .await
            .map_err(db_failed)?;
        let (profile_id, profile_job) =
            enqueue_profile(&env.db, &ctx.workspace_id, &version_id, None, &created_by).await.map_err(db_failed)?;
        Ok(serde_json::json!({"version_id": version_id, "examples": report.imported, "skipped": report.bad,
            "blob": sha, "profile_id": profile_id, "profile_job_id": profile_job}))
    }
}

// ---------------------------------------------------------------------------------------------

pub struct ProfileDataset;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfilePayload {
    profile_id: String,
    version_id: String,
    #[serde(default)]
    tokenizer: Option<String>,
}

#[async_trait::async_trait]
impl JobKind for ProfileDataset {
    fn name(&self) -> &'static str {
        "profile_dataset"
    }

    fn public(&self) -> bool {
        false
    }

    async fn validate(
        &self,
        db: &Database,
        ws: &str,
        payload: &serde_json::Value,
    ) -> Result<Resources, Vec<FieldError>> {
        let p: ProfilePayload = super::parse_payload(payload)?;
        if !matches!(db.version(ws, &p.version_id).await, Ok(Some(_))) {
            return Err(vec![FieldError::new("payload.version_id", "no such dataset version in this workspace")]);
        }
        Ok(Resources::default())
    }

    async fn run(&self, ctx: &JobContext) -> Result<serde_json::Value, JobError> {
        let p: ProfilePayload = ctx.payload()?;
        let result = self.profile(ctx, &p).await;
        if let Err(JobError::Failed(_) | JobError::Cancelled) = &result {
            let _ = ctx.env().db.fail_profile(&p.profile_id).await;
        }
        result
    }
}

impl ProfileDataset {
    async fn profile(&self, ctx: &JobContext, p: &ProfilePayload) -> Result<serde_json::Value, JobError> {
        let env = ctx.env();
        let version = env
            .db
            .version(&ctx.workspace_id, &p.version_id)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| failed("the dataset version was deleted"))?;
        let counter = match &p.tokenizer {
            Some(sha) if is_sha256(sha) => {
                let path = env.store.path(sha);
                Some(blocking(|| profile::TokenCounter::from_file(&path)).map_err(failed)?)
            }
            Some(_) => return Err(failed("the tokenizer must be named by the SHA-256 of a stored tokenizer.json")),
            None => None,
        };
        let tokenizer_name = match &p.tokenizer {
            Some(sha) => {
                let name = env.db.blob(&ctx.workspace_id, sha).await.map_err(db_failed)?.map(|b| b.name);
                Some(name.unwrap_or_else(|| sha[..12].to_string()))
            }
            None => None,
        };
        let path = env.store.path(&version.blob);
        let file = std::fs::File::open(&path).map_err(|e| failed(format!("the examples cannot be opened: {e}")))?;
        let mut annotations = env.store.writer().map_err(failed)?;
        let total = version.bytes.max(1) as f64;
        let mut reporter = Reporter::new(ctx);
        let started = Instant::now();
        let result = blocking(|| {
            profile::profile(
                BufReader::with_capacity(1 << 20, file),
                counter.as_ref(),
                tokenizer_name,
                &mut annotations,
                &mut |examples, bytes| {
                    let secs = started.elapsed().as_secs_f64().max(1e-3);
                    reporter.report(
                        bytes as f64 / total,
                        "profiling",
                        serde_json::json!({"examples": examples, "total_examples": version.examples, "bytes": bytes,
                        "examples_per_sec": (examples as f64 / secs).round()}),
                    )
                },
            )
        });
        if let Some(stop) = reporter.stop.take() {
            return Err(stop);
        }
        let done = result.map_err(failed)?;
        let (ann_sha, _) = tokio::task::block_in_place(|| annotations.finish()).map_err(failed)?;
        let mut groups = env.store.writer().map_err(failed)?;
        serde_json::to_writer(&mut groups, &done.groups).map_err(failed)?;
        let (groups_sha, _) = tokio::task::block_in_place(|| groups.finish()).map_err(failed)?;
        let summary = serde_json::to_string(&done.profile).map_err(failed)?;
        env.db
            .finish_profile(&p.profile_id, &summary, &ann_sha, &groups_sha, &done.profile.languages)
            .await
            .map_err(db_failed)?;
        Ok(serde_json::json!({"profile_id": p.profile_id, "examples": done.profile.examples,
            "languages": done.profile.languages.len(), "seconds": done.profile.seconds}))
    }
}

// ---------------------------------------------------------------------------------------------

pub struct DeriveDataset;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivePayload {
    pub version_id: String,
    pub spec: DeriveSpec,
    /// Who asked (the new version is theirs).
    pub user_id: String,
}

#[async_trait::async_trait]
impl JobKind for DeriveDataset {
    fn name(&self) -> &'static str {
        "derive_dataset"
    }

    fn public(&self) -> bool {
        false
    }

    async fn validate(
        &self,
        db: &Database,
        ws: &str,
        payload: &serde_json::Value,
    ) -> Result<Resources, Vec<FieldError>> {
        let p: DerivePayload = super::parse_payload(payload)?;
        let mut errors: Vec<FieldError> = p
            .spec
            .validate()
            .into_iter()
            .map(|e| FieldError::new(format!("payload.spec.{}", e.path), e.message))
            .collect();
        match db.ready_profile(&p.version_id).await {
            Ok(Some(_)) if matches!(db.version(ws, &p.version_id).await, Ok(Some(_))) => {}
            _ => errors.push(FieldError::new(
                "payload.version_id",
                "the version must exist in this workspace and have a finished profile",
            )),
        }
        if errors.is_empty() { Ok(Resources::default()) } else { Err(errors) }
    }

    async fn run(&self, ctx: &JobContext) -> Result<serde_json::Value, JobError> {
        let p: DerivePayload = ctx.payload()?;
        let env = ctx.env();
        if let Some((version_id, kept)) = env.db.version_of_job(&ctx.id).await.map_err(db_failed)? {
            ensure_profiled(ctx, &version_id).await?;
            return Ok(serde_json::json!({"version_id": version_id, "kept": kept, "already_done": true}));
        }
        let version = env
            .db
            .version(&ctx.workspace_id, &p.version_id)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| failed("the dataset version was deleted"))?;
        let stored = env
            .db
            .ready_profile(&p.version_id)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| failed("the version has no finished profile"))?;
        let (Some(ann), Some(groups)) = (stored.annotations, stored.groups) else {
            return Err(failed("the profile is incomplete"));
        };
        let open = |sha: &str| -> Result<BufReader<std::fs::File>, JobError> {
            std::fs::File::open(env.store.path(sha))
                .map(|f| BufReader::with_capacity(1 << 20, f))
                .map_err(|e| failed(format!("stored data cannot be opened: {e}")))
        };
        let groups: profile::DuplicateGroups = serde_json::from_reader(open(&groups)?).map_err(failed)?;
        let mut out = env.store.writer().map_err(failed)?;
        let mut reporter = Reporter::new(ctx);
        let total = version.examples.max(1) as f64;
        let (examples, ann1, ann2) = (open(&version.blob)?, open(&ann)?, open(&ann)?);
        let result = blocking(|| {
            derive::derive(examples, ann1, ann2, &groups, &p.spec, &mut out, &mut |n| {
                reporter.report(n as f64 / total, "filtering", serde_json::json!({"examples": n}))
            })
        });
        if let Some(stop) = reporter.stop.take() {
            return Err(stop);
        }
        let report = result.map_err(failed)?;
        if report.kept == 0 {
            return Err(failed("the filters leave no examples; nothing was created"));
        }
        let (sha, bytes) = tokio::task::block_in_place(|| out.finish()).map_err(failed)?;
        let operation = serde_json::json!({"derive": {"parent": p.version_id, "spec": p.spec, "report": report}});
        let version_id = env
            .db
            .add_version(NewVersion {
                dataset_id: &version.dataset_id,
                parent_id: Some(&p.version_id),
                operation: &operation,
                blob: &sha,
                examples: report.kept as i64,
                bytes: bytes as i64,
                created_by: &p.user_id,
                job_id: &ctx.id,
            })
            .await
            .map_err(db_failed)?;
        let (profile_id, _) =
            enqueue_profile(&env.db, &ctx.workspace_id, &version_id, stored.info.tokenizer.as_deref(), &p.user_id)
                .await
                .map_err(db_failed)?;
        Ok(
            serde_json::json!({"version_id": version_id, "kept": report.kept, "dropped": report.dropped, "profile_id": profile_id}),
        )
    }
}
