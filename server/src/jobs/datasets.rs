//! Dataset jobs: `import_dataset` (a stored file → version 1), `profile_dataset` (per-language
//! profile of a version), `derive_dataset` (a filtered new version). The work itself is the
//! `polytune-data` crate's, run on a blocking thread; these kinds add progress, storage and the
//! database records, written only when the work is complete.

use std::io::BufReader;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use polytune_api::{
    Counters, DatasetState, DeriveDatasetJob, DeriveOperation, DeriveOutput, FieldError, ImportDatasetJob,
    ImportOperation, ImportOutput, JobId, OnError, Phase, ProfileDatasetJob, ProfileId, ProfileOutput, Validate,
    VersionId, VersionOperation,
};
use polytune_data::{derive, import, profile, read};

use super::toolkit::{Reporter, contained, db_failed, failed_storage, failed_write, version};
use super::{Cause, Emptied, Needed, Stage};
use super::{JobContext, JobError, MAX_ATTEMPTS, Resources};
use crate::db::datasets::NewVersion;
use crate::db::{DbError, Scoped};
use crate::storage::is_sha256;

/// Queues a profile of `version_id` and records it (state `running`).
pub async fn enqueue_profile(
    db: &Scoped,
    version_id: &VersionId,
    tokenizer: Option<&str>,
    user_id: &str,
) -> Result<(ProfileId, JobId), DbError> {
    let profile_id = ProfileId::new(crate::db::new_id());
    let payload = ProfileDatasetJob {
        profile_id: profile_id.clone(),
        version_id: version_id.clone(),
        tokenizer: tokenizer.map(str::to_string),
    };
    let job_id = super::enqueue(db, payload, user_id, Resources::default()).await?;
    db.insert_profile_with_id(&profile_id, version_id, &job_id, tokenizer).await?;
    Ok((profile_id, job_id))
}

/// A job run again after its version committed: queue the profile the first run may not have queued.
async fn ensure_profiled(ctx: &JobContext, version_id: &VersionId) -> Result<(), JobError> {
    let db = &ctx.db();
    if db.latest_profile(version_id).await.map_err(db_failed)?.is_none() {
        let user = db
            .dataset_version_creator(version_id)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| Cause::VersionGone { version: version_id.to_string() })?;
        enqueue_profile(db, version_id, None, &user).await.map_err(db_failed)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

pub async fn validate_import(db: &Scoped, p: &ImportDatasetJob) -> Result<Resources, Vec<FieldError>> {
    match db.dataset_source(&p.dataset_id).await {
        Ok(Some(_)) => Ok(Resources::default()),
        _ => Err(vec![FieldError::err("payload.dataset_id", "dataset_not_found", &[], "no such dataset")]),
    }
}

pub async fn run_import(ctx: &JobContext, p: ImportDatasetJob) -> Result<ImportOutput, JobError> {
    let result = import(ctx, &p).await;
    // A cancelled or failed import must not stay "importing" (a released one is retried).
    let last_attempt = ctx.attempt >= MAX_ATTEMPTS;
    if matches!(&result, Err(JobError::Cancelled)) || (matches!(&result, Err(JobError::Failed(_))) && last_attempt) {
        let _ = ctx.db().set_dataset_import(&p.dataset_id, DatasetState::Failed, None, None).await;
    }
    result
}

async fn import(ctx: &JobContext, p: &ImportDatasetJob) -> Result<ImportOutput, JobError> {
    let env = ctx.env();
    if let Some((version_id, examples)) = ctx.db().version_of_job(ctx.id()).await.map_err(db_failed)? {
        ensure_profiled(ctx, &version_id).await?;
        return Ok(ImportOutput {
            version_id: Some(version_id),
            examples: Some(examples.max(0) as u64),
            already_done: true,
            ..ImportOutput::default()
        });
    }
    let (blob, file_name, spec, created_by) = ctx
        .db()
        .dataset_source(&p.dataset_id)
        .await
        .map_err(db_failed)?
        .ok_or_else(|| Cause::Gone { what: Needed::Dataset })?;
    let spec: polytune_api::ImportSpec =
        serde_json::from_str(&spec).map_err(|e| Cause::StorageRead { error: e.to_string() })?;
    let source = env.store.local_copy(&blob).map_err(failed_storage)?;
    let path = source.path();
    let total = env.store.size(&blob).unwrap_or(0).max(1);
    let mut out = env.store.writer().map_err(failed_write)?;
    let counter = Arc::new(AtomicU64::new(0));
    let mut reporter = Reporter::new(ctx);
    let report = contained(Stage::Reader, || {
        import::import_counted(
            path,
            &file_name,
            &spec,
            p.on_error,
            read::Limits::default(),
            Some(counter.clone()),
            &mut out,
            &mut |records| {
                let bytes = counter.load(Ordering::Relaxed);
                let counters = Counters {
                    records: Some(records),
                    bytes: Some(bytes),
                    total_bytes: Some(total),
                    ..Counters::default()
                };
                reporter.report(bytes as f64 / total as f64, Phase::Reading, counters)
            },
        )
    });
    if let Some(stop) = reporter.stop.take() {
        return Err(stop);
    }
    let report = report?;
    let problems = report.bad > 0 || report.fatal.is_some();
    if report.imported == 0 {
        ctx.db()
            .set_dataset_import(&p.dataset_id, DatasetState::Failed, Some(&report), None)
            .await
            .map_err(db_failed)?;
        return Err(nothing_imported(&report));
    }
    if problems && p.on_error == OnError::Ask {
        drop(out);
        ctx.db()
            .set_dataset_import(&p.dataset_id, DatasetState::NeedsDecision, Some(&report), None)
            .await
            .map_err(db_failed)?;
        ctx.log(&format!("{} of {} records cannot be read; waiting for a decision", report.bad, report.records)).await;
        return Ok(ImportOutput { needs_decision: true, report: Some(report), ..ImportOutput::default() });
    }
    let (sha, bytes) = tokio::task::block_in_place(|| out.finish()).map_err(failed_write)?;
    let operation = VersionOperation::Import(ImportOperation {
        file: file_name,
        source_blob: blob,
        spec,
        on_error: p.on_error,
        skipped: report.bad,
    });
    let version_id = ctx
        .db()
        .finish_import(
            NewVersion {
                dataset_id: &p.dataset_id,
                parent_id: None,
                operation: &operation,
                blob: &sha,
                examples: report.imported as i64,
                bytes: bytes as i64,
                created_by: &created_by,
                job_id: ctx.id(),
            },
            &report,
        )
        .await
        .map_err(db_failed)?;
    let (profile_id, profile_job) =
        enqueue_profile(&ctx.db(), &version_id, None, &created_by).await.map_err(db_failed)?;
    Ok(ImportOutput {
        version_id: Some(version_id),
        examples: Some(report.imported),
        skipped: Some(report.bad),
        blob: Some(sha),
        profile_id: Some(profile_id),
        profile_job_id: Some(profile_job),
        ..ImportOutput::default()
    })
}

/// The failure of an import that kept no record: code `nothing_imported`, with the code of why
/// (`cause`: the error that stopped reading, or the first bad record's) and its arguments.
fn nothing_imported(report: &polytune_api::ImportReport) -> JobError {
    let first = report.issues.first();
    let why = report.fatal.clone().or_else(|| first.map(|i| format!("{}: {}", i.location, i.message)));
    let mut args = polytune_api::ErrorArgs::new();
    let cause = match (&report.fatal_code, first) {
        (Some(code), _) => {
            args.extend(report.fatal_args.clone());
            Some(code.clone())
        }
        (None, Some(i)) => {
            args.extend(i.args.clone());
            args.insert("location".into(), i.location.clone());
            i.code.clone()
        }
        (None, None) => Some("no_records".into()),
    };
    if let Some(cause) = cause {
        args.insert("cause".into(), cause);
    }
    JobError::Failed(super::Failure {
        message: format!("nothing could be imported: {}", why.unwrap_or_else(|| "the file has no records".into())),
        detail: Some(polytune_api::ErrorDetail { code: "nothing_imported".into(), args }),
    })
}

// ---------------------------------------------------------------------------------------------

pub async fn validate_profile(db: &Scoped, p: &ProfileDatasetJob) -> Result<Resources, Vec<FieldError>> {
    if !matches!(db.version(&p.version_id).await, Ok(Some(_))) {
        return Err(vec![FieldError::err(
            "payload.version_id",
            "version_not_found",
            &[],
            "no such dataset version in this workspace",
        )]);
    }
    Ok(Resources::default())
}

pub async fn run_profile(ctx: &JobContext, p: ProfileDatasetJob) -> Result<ProfileOutput, JobError> {
    let result = profile_version(ctx, &p).await;
    if let Err(JobError::Failed(_) | JobError::Cancelled) = &result {
        let _ = ctx.db().fail_profile(&p.profile_id).await;
    }
    result
}

async fn profile_version(ctx: &JobContext, p: &ProfileDatasetJob) -> Result<ProfileOutput, JobError> {
    let env = ctx.env();
    let version = version(ctx, &p.version_id).await?;
    let counter = match &p.tokenizer {
        Some(sha) if is_sha256(sha) => {
            let tokenizer = env.store.local_copy(sha).map_err(failed_storage)?;
            Some(contained(Stage::Reader, || profile::TokenCounter::from_file(tokenizer.path()))?)
        }
        Some(_) => return Err(Cause::TokenizerNotStored.into()),
        None => None,
    };
    let tokenizer_name = match &p.tokenizer {
        Some(sha) => {
            let name = ctx.db().blob(sha).await.map_err(db_failed)?.map(|b| b.name);
            Some(name.unwrap_or_else(|| sha[..12].to_string()))
        }
        None => None,
    };
    let trained = super::identifiers::workspace_detector(env, &ctx.db()).await?;
    let detector: &polytune_data::langid::Detector = match &trained {
        Some(d) => d,
        None => polytune_data::langid::Detector::default_ref(),
    };
    let file = env.store.reader(&version.blob).map_err(failed_storage)?;
    let mut annotations = env.store.writer().map_err(failed_write)?;
    let total = version.bytes.max(1) as f64;
    let mut reporter = Reporter::new(ctx);
    let started = Instant::now();
    let result = contained(Stage::Reader, || {
        profile::profile(
            BufReader::with_capacity(1 << 20, file),
            counter.as_ref(),
            tokenizer_name,
            detector,
            &mut annotations,
            &mut |examples, bytes| {
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                let counters = Counters {
                    examples: Some(examples),
                    total_examples: Some(version.examples.max(0) as u64),
                    bytes: Some(bytes),
                    examples_per_sec: Some((examples as f64 / secs).round()),
                    ..Counters::default()
                };
                reporter.report(bytes as f64 / total, Phase::Profiling, counters)
            },
        )
    });
    if let Some(stop) = reporter.stop.take() {
        return Err(stop);
    }
    let done = result?;
    let (ann_sha, _) = tokio::task::block_in_place(|| annotations.finish()).map_err(failed_write)?;
    let mut groups = env.store.writer().map_err(failed_write)?;
    serde_json::to_writer(&mut groups, &done.groups).map_err(failed_write)?;
    let (groups_sha, _) = tokio::task::block_in_place(|| groups.finish()).map_err(failed_write)?;
    let summary = serde_json::to_string(&done.profile).map_err(failed_write)?;
    ctx.db()
        .finish_profile(&p.profile_id, &summary, &ann_sha, &groups_sha, &done.profile.languages)
        .await
        .map_err(db_failed)?;
    Ok(ProfileOutput {
        profile_id: p.profile_id.clone(),
        examples: done.profile.examples as u64,
        languages: done.profile.languages.len() as u64,
        seconds: done.profile.seconds,
    })
}

// ---------------------------------------------------------------------------------------------

pub async fn validate_derive(db: &Scoped, p: &DeriveDatasetJob) -> Result<Resources, Vec<FieldError>> {
    let mut errors: Vec<FieldError> =
        p.spec.validate().into_iter().map(|e| FieldError { path: format!("payload.spec.{}", e.path), ..e }).collect();
    match db.ready_profile(&p.version_id).await {
        Ok(Some(_)) if matches!(db.version(&p.version_id).await, Ok(Some(_))) => {}
        _ => errors.push(FieldError::err(
            "payload.version_id",
            "version_not_profiled",
            &[],
            "the version must exist in this workspace and have a finished profile",
        )),
    }
    if errors.is_empty() { Ok(Resources::default()) } else { Err(errors) }
}

pub async fn run_derive(ctx: &JobContext, p: DeriveDatasetJob) -> Result<DeriveOutput, JobError> {
    let env = ctx.env();
    if let Some((version_id, kept)) = ctx.db().version_of_job(ctx.id()).await.map_err(db_failed)? {
        ensure_profiled(ctx, &version_id).await?;
        return Ok(DeriveOutput {
            version_id,
            kept: kept.max(0) as u64,
            dropped: None,
            profile_id: None,
            already_done: true,
        });
    }
    let version = version(ctx, &p.version_id).await?;
    let stored = ctx
        .db()
        .ready_profile(&p.version_id)
        .await
        .map_err(db_failed)?
        .ok_or_else(|| Cause::NoProfile { version: p.version_id.to_string() })?;
    let (Some(ann), Some(groups)) = (stored.annotations, stored.groups) else {
        return Err(Cause::ProfileIncomplete.into());
    };
    let open =
        |sha: &str| -> Result<BufReader<std::fs::File>, JobError> { env.store.buffered(sha).map_err(failed_storage) };
    let groups: profile::DuplicateGroups =
        serde_json::from_reader(open(&groups)?).map_err(|e| Cause::StorageRead { error: e.to_string() })?;
    let mut out = env.store.writer().map_err(failed_write)?;
    let mut reporter = Reporter::new(ctx);
    let total = version.examples.max(1) as f64;
    let (examples, ann1, ann2) = (open(&version.blob)?, open(&ann)?, open(&ann)?);
    let result = contained(Stage::Reader, || {
        derive::derive(examples, ann1, ann2, &groups, &p.spec, &mut out, &mut |n| {
            let counters = Counters { examples: Some(n), ..Counters::default() };
            reporter.report(n as f64 / total, Phase::Filtering, counters)
        })
    });
    if let Some(stop) = reporter.stop.take() {
        return Err(stop);
    }
    let report = result?;
    if report.kept == 0 {
        return Err(Cause::NothingLeft { by: Emptied::Filters }.into());
    }
    let (sha, bytes) = tokio::task::block_in_place(|| out.finish()).map_err(failed_write)?;
    let (kept, dropped) = (report.kept, report.dropped.clone());
    let operation =
        VersionOperation::Derive(DeriveOperation { parent: p.version_id.to_string(), spec: p.spec.clone(), report });
    let version_id = ctx
        .db()
        .add_version(NewVersion {
            dataset_id: &version.dataset_id,
            parent_id: Some(&p.version_id),
            operation: &operation,
            blob: &sha,
            examples: kept as i64,
            bytes: bytes as i64,
            created_by: &p.user_id,
            job_id: ctx.id(),
        })
        .await
        .map_err(db_failed)?;
    let (profile_id, _) = enqueue_profile(&ctx.db(), &version_id, stored.info.tokenizer.as_deref(), &p.user_id)
        .await
        .map_err(db_failed)?;
    Ok(DeriveOutput { version_id, kept, dropped: Some(dropped), profile_id: Some(profile_id), already_done: false })
}
