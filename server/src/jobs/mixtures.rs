//! `materialize_mixture`: draws a mixture's examples (the `polytune-data` crate's streaming
//! sampler on a blocking thread) into two new datasets, the training examples and the
//! validation split, each recording the exact recipe, its parents and the report.

use std::collections::BTreeMap;
use std::io::BufReader;

use polytune_api::{
    Counters, FieldError, FileFormat, ImportReport, ImportSpec, JobId, Mapping, MaterializeMixtureJob,
    MaterializeOutput, Mixture, MixtureId, MixtureOperation, Phase, VersionId, VersionOperation,
};
use polytune_data::mixture::{AugmentInput, EvalIndex, Inputs, Source, materialize};

use super::datasets::enqueue_profile;
use super::toolkit::{Reporter, contained, db_failed, failed_data, failed_storage, failed_write, version};
use super::{Cause, Emptied, Needed, Stage};
use super::{JobContext, JobError, Resources};
use crate::db::datasets::NewVersion;
use crate::db::{DbError, Scoped};

/// Queues the materialization of a mixture (the route has checked the recipe).
pub async fn enqueue(db: &Scoped, mixture_id: &MixtureId, user_id: &str) -> Result<JobId, DbError> {
    let job = MaterializeMixtureJob { mixture_id: mixture_id.clone(), user_id: user_id.into() };
    super::enqueue(db, job, user_id, Resources::default()).await
}

/// How the studio reads its own canonical JSON lines back (what a mixture's datasets are).
pub(crate) fn canonical_spec() -> ImportSpec {
    ImportSpec {
        format: FileFormat::Jsonl,
        has_header: false,
        mapping: Mapping::Messages {
            messages: "turns".into(),
            role_key: "role".into(),
            text_key: "text".into(),
            id: Some("id".into()),
            language: Some("language".into()),
        },
        language: None,
    }
}

pub async fn validate(db: &Scoped, p: &MaterializeMixtureJob) -> Result<Resources, Vec<FieldError>> {
    match db.mixture(&p.mixture_id).await {
        Ok(Some(_)) => Ok(Resources::default()),
        _ => Err(vec![FieldError::err(
            "payload.mixture_id",
            "mixture_not_found",
            &[],
            "no such mixture in this workspace",
        )]),
    }
}

pub async fn run(ctx: &JobContext, p: MaterializeMixtureJob) -> Result<MaterializeOutput, JobError> {
    let env = ctx.env();
    let m: Mixture = ctx
        .db()
        .mixture(&p.mixture_id)
        .await
        .map_err(db_failed)?
        .ok_or_else(|| Cause::Gone { what: Needed::Mixture })?;
    if let Some(v) = &m.version_id {
        return Ok(MaterializeOutput {
            version_id: v.clone(),
            validation_version_id: None,
            train_examples: None,
            validation_examples: None,
            contaminated: None,
            already_done: true,
        });
    }
    let catalog = ctx.db().mixture_sources().await.map_err(db_failed)?;
    // The recipe was checked when it was created; check again against what is stored now.
    let plan = polytune_api::plan(&m.spec, &catalog).map_err(|errors| Cause::RecipeStale {
        problems: errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("; "),
    })?;
    let targets: BTreeMap<String, u64> = plan.languages.iter().map(|l| (l.language.clone(), l.examples)).collect();
    let opener = |sha: String| {
        let store = env.store.clone();
        Box::new(move || -> std::io::Result<Box<dyn std::io::BufRead + Send>> {
            Ok(Box::new(store.buffered(&sha).map_err(std::io::Error::other)?))
        }) as polytune_data::mixture::Opener
    };
    let mut sources = Vec::new();
    let mut parents = Vec::new();
    let mut expected = 0u64;
    for id in &m.spec.sources {
        let id = &VersionId::from(id);
        let v = version(ctx, id).await?;
        let profile = ctx.db().ready_profile(id).await.map_err(db_failed)?;
        let ann = profile.and_then(|p| p.annotations).ok_or_else(|| Cause::NoProfile { version: id.to_string() })?;
        expected += v.examples.max(0) as u64;
        sources.push(Source { version_id: id.to_string(), examples: opener(v.blob.clone()), annotations: opener(ann) });
        parents.push(id.clone());
    }
    let mut augmentations = Vec::new();
    for (i, a) in m.spec.augmentations.iter().enumerate() {
        let mut inputs = Vec::new();
        let mut rows = 0;
        for role in &a.template.roles {
            let id = &VersionId::from(&a.inputs[role]);
            let gone = || Cause::AugmentationVersionGone { augmentation: i + 1, version: id.to_string() };
            let v = ctx.db().version(id).await.map_err(db_failed)?.ok_or_else(gone)?;
            let language = catalog
                .iter()
                .find(|s| s.version_id == *id)
                .and_then(|s| s.main_language())
                .unwrap_or("und")
                .to_string();
            let file = env.store.reader(&v.blob).map_err(failed_storage)?;
            rows = v.examples.max(0) as u64;
            inputs.push(AugmentInput {
                role: role.clone(),
                version_id: id.to_string(),
                language,
                examples: Box::new(BufReader::with_capacity(1 << 20, file)),
            });
            parents.push(id.clone());
        }
        augmentations.push((rows, inputs));
    }
    let mut eval = EvalIndex::default();
    for id in ctx.db().evaluation_sets().await.map_err(db_failed)? {
        let Some(v) = ctx.db().version(&id).await.map_err(db_failed)? else { continue };
        let name = catalog
            .iter()
            .find(|s| s.version_id == id)
            .map(|s| format!("{} v{}", s.dataset_name, s.number))
            .unwrap_or(id.to_string());
        let file = env.store.reader(&v.blob).map_err(failed_storage)?;
        eval.add(&name, BufReader::new(file)).map_err(failed_data)?;
    }
    crate::evaluation::index_tasks(&ctx.db(), &mut eval).await.map_err(db_failed)?;
    ctx.log(&format!(
            "drawing {} training examples in {} languages from {} versions; {} augmentations; {} evaluation texts to check against",
            plan.examples,
            plan.languages.len(),
            m.spec.sources.len(),
            m.spec.augmentations.len(),
            eval.len()
        ))
        .await;
    let mut train = env.store.writer().map_err(failed_write)?;
    let mut validation = env.store.writer().map_err(failed_write)?;
    let mut reporter = Reporter::new(ctx);
    let inputs = Inputs { sources, targets, augmentations, eval, expected };
    let result = contained(Stage::Reader, || {
        materialize(&m.spec, inputs, &mut train, &mut validation, &mut |f| {
            reporter.report(f, Phase::DrawingExamples, Counters::default())
        })
    });
    if let Some(stop) = reporter.stop.take() {
        return Err(stop);
    }
    let report = result?;
    if report.train_examples == 0 {
        return Err(Cause::NothingLeft { by: Emptied::Mixture }.into());
    }
    let (train_sha, train_bytes) = tokio::task::block_in_place(|| train.finish()).map_err(failed_write)?;
    let (val_sha, val_bytes) = tokio::task::block_in_place(|| validation.finish()).map_err(failed_write)?;
    let operation = VersionOperation::Mixture(MixtureOperation {
        mixture_id: m.id.clone(),
        name: m.name.clone(),
        parents: parents.iter().map(ToString::to_string).collect(),
        spec: m.spec.clone(),
        report: report.clone(),
    });
    let version_id =
        dataset(ctx, &p.user_id, &m.name, &train_sha, train_bytes, report.train_examples, &operation, "").await?;
    let validation_version_id = if report.validation_examples > 0 {
        let name = format!("{} (validation)", m.name);
        Some(
            dataset(ctx, &p.user_id, &name, &val_sha, val_bytes, report.validation_examples, &operation, ":validation")
                .await?,
        )
    } else {
        None
    };
    // Profile both (per-language counts for the run wizard and later mixtures) before the
    // mixture is marked ready: a job re-run after that returns early.
    let tokenizer =
        catalog.iter().filter(|s| m.spec.sources.iter().any(|v| s.version_id == *v)).find_map(|s| s.tokenizer.clone());
    for v in std::iter::once(&version_id).chain(validation_version_id.as_ref()) {
        enqueue_profile(&ctx.db(), v, tokenizer.as_deref(), &p.user_id).await.map_err(db_failed)?;
    }
    ctx.db().finish_mixture(&m.id, &version_id, validation_version_id.as_ref(), &report).await.map_err(db_failed)?;
    Ok(MaterializeOutput {
        version_id,
        validation_version_id,
        train_examples: Some(report.train_examples),
        validation_examples: Some(report.validation_examples),
        contaminated: Some(report.contaminated),
        already_done: false,
    })
}

/// A new dataset holding one blob as version 1; a job run again finds the version it made.
#[allow(clippy::too_many_arguments)]
async fn dataset(
    ctx: &JobContext,
    user_id: &str,
    name: &str,
    sha: &str,
    bytes: u64,
    examples: u64,
    operation: &VersionOperation,
    job_suffix: &str,
) -> Result<VersionId, JobError> {
    let job_key = JobId::from(format!("{}{job_suffix}", ctx.id()));
    if let Some((version_id, _)) = ctx.db().version_of_job(&job_key).await.map_err(db_failed)? {
        return Ok(version_id);
    }
    let description = "Made by materializing a mixture; its first version records the recipe.";
    let dataset_id = ctx
        .db()
        .insert_dataset(name, description, "mixture.jsonl", sha, &canonical_spec(), user_id)
        .await
        .map_err(db_failed)?;
    let report = ImportReport { records: examples, imported: examples, ..ImportReport::default() };
    ctx.db()
        .finish_import(
            NewVersion {
                dataset_id: &dataset_id,
                parent_id: None,
                operation,
                blob: sha,
                examples: examples as i64,
                bytes: bytes as i64,
                created_by: user_id,
                job_id: &job_key,
            },
            &report,
        )
        .await
        .map_err(db_failed)
}
