//! `train`: a training run on a dataset version (the engine's trainer on a blocking thread).
//! Every step and validation is recorded as it happens, every checkpoint once it is on disk; a
//! retried or re-queued job resumes from the run folder's newest checkpoint. Cancelling stops after
//! the current step with a checkpoint.

use polytune_api::{Counters, FieldError, JobId, Phase, RunId, TrainJob, TrainOutput};
use polytune_gpu::train::{CheckpointInfo, EvalMetrics, Observer, Outcome, RunPaths, StepMetrics, Trainer, device_for};

use super::toolkit::{Reporter, contained, db_failed, failed_data, failed_storage, failed_write};
use super::{Cause, JobContext, JobError, Needed, Recorded, Resources, Stage};
use crate::db::Scoped;

/// The trainer's observer: records metrics and checkpoints, reports progress, says when to stop.
struct Recorder<'a> {
    ctx: &'a JobContext,
    run_id: RunId,
    handle: tokio::runtime::Handle,
    reporter: Reporter<'a>,
    failure: Option<Cause>,
}

impl Recorder<'_> {
    fn db(&mut self, what: Recorded, r: Result<(), crate::db::DbError>) {
        if let Err(e) = r {
            self.failure.get_or_insert(Cause::Database { what, error: e.to_string() });
        }
    }
}

impl Observer for Recorder<'_> {
    fn started(&mut self, total: usize, resumed_from: Option<usize>, summary: &str) {
        let line = match resumed_from {
            Some(s) => format!("{summary}; resuming from the checkpoint at step {s} of {total}"),
            None => summary.to_string(),
        };
        self.reporter.log(&line);
    }

    fn step(&mut self, m: &StepMetrics) {
        let data = serde_json::to_value(m).unwrap_or_default();
        let r = self.handle.block_on(self.ctx.db().put_run_point(&self.run_id, m.step as i64, "step", &data));
        self.db(Recorded::Metrics, r);
        let counters = Counters {
            step: Some(m.step as u64),
            total_steps: Some(m.total_steps as u64),
            loss: Some(m.loss as f64),
            tokens_per_second: Some(m.tokens_per_second as f64),
            eta_seconds: Some(m.eta_seconds as f64),
            ..Counters::default()
        };
        let fraction = m.step as f64 / m.total_steps.max(1) as f64;
        let _ = self.reporter.report_when(m.step == m.total_steps, fraction, Phase::Training, counters);
    }

    fn eval(&mut self, m: &EvalMetrics) {
        let data = serde_json::to_value(m).unwrap_or_default();
        let r = self.handle.block_on(self.ctx.db().put_run_point(&self.run_id, m.step as i64, "eval", &data));
        self.db(Recorded::Validation, r);
    }

    fn checkpoint(&mut self, c: &CheckpointInfo) {
        let removed: Vec<i64> =
            c.removed.iter().filter_map(|p| p.file_name()?.to_str()?.strip_prefix("step-")?.parse().ok()).collect();
        let path = c.path.to_string_lossy().to_string();
        let r = self.handle.block_on(self.ctx.db().put_checkpoint(
            &self.run_id,
            c.step as i64,
            &path,
            c.validation_loss,
            &removed,
        ));
        self.db(Recorded::Checkpoint, r);
    }

    fn should_stop(&mut self) -> bool {
        if let Err(e) = self.ctx.check() {
            self.reporter.stop.get_or_insert(e);
        } else if self.ctx.stopping() {
            self.reporter.stop.get_or_insert(JobError::Released);
        }
        self.reporter.stop.is_some() || self.failure.is_some()
    }
}

/// Queues the training job of a run (the route has checked model, dataset version and settings).
pub async fn enqueue(db: &Scoped, run_id: &RunId, user_id: &str) -> Result<JobId, crate::db::DbError> {
    let resources = Resources { needs_gpu: cfg!(feature = "cuda"), ..Resources::default() };
    super::enqueue(db, TrainJob { run_id: run_id.clone() }, user_id, resources).await
}

pub async fn validate(db: &Scoped, p: &TrainJob) -> Result<Resources, Vec<FieldError>> {
    if !matches!(db.run(&p.run_id).await, Ok(Some(_))) {
        return Err(vec![FieldError::err("payload.run_id", "run_not_found", &[], "no such run in this workspace")]);
    }
    Ok(Resources::default())
}

/// The training file without examples whose instruction or answer is an evaluation task's text
/// (built-in tasks and the workspace's own): the same file when there are none, else a filtered
/// copy in the run folder, with what was left out in the job's log.
async fn without_task_texts(
    ctx: &JobContext,
    train: std::path::PathBuf,
    output: &std::path::Path,
) -> Result<std::path::PathBuf, JobError> {
    use std::io::{BufReader, BufWriter, Write};
    let mut index = polytune_data::mixture::EvalIndex::default();
    crate::evaluation::index_tasks(&ctx.db(), &mut index).await.map_err(db_failed)?;
    let target = output.join("train-without-evaluation-texts.jsonl");
    let (left_out, first) = tokio::task::block_in_place(|| -> Result<(u64, Option<String>), JobError> {
        std::fs::create_dir_all(output).map_err(failed_write)?;
        let opened = std::fs::File::open(&train)
            .map_err(|source| failed_storage(crate::storage::StorageError::Io { path: train.clone(), source }))?;
        let input = BufReader::new(opened);
        let mut out = BufWriter::new(std::fs::File::create(&target).map_err(failed_write)?);
        let (mut left_out, mut first, mut failed) = (0u64, None, None);
        polytune_data::import::read_examples(input, |_, e| match index.find_example(&e) {
            Some(set) => {
                left_out += 1;
                first.get_or_insert_with(|| format!("{} (in {set})", e.id));
                std::ops::ControlFlow::Continue(())
            }
            None => match polytune_data::import::write_example(&mut out, &e) {
                Ok(()) => std::ops::ControlFlow::Continue(()),
                Err(err) => {
                    failed = Some(err);
                    std::ops::ControlFlow::Break(())
                }
            },
        })
        .map_err(failed_data)?;
        if let Some(err) = failed {
            return Err(failed_write(err));
        }
        out.flush().map_err(failed_write)?;
        Ok((left_out, first))
    })?;
    if left_out == 0 {
        let _ = std::fs::remove_file(&target);
        return Ok(train);
    }
    ctx.log(&format!(
        "left out {left_out} training examples whose text is in an evaluation task (the first: {})",
        first.unwrap_or_default()
    ))
    .await;
    Ok(target)
}

pub async fn run(ctx: &JobContext, p: TrainJob) -> Result<TrainOutput, JobError> {
    let env = ctx.env();
    let run = ctx.db().run(&p.run_id).await.map_err(db_failed)?.ok_or_else(|| Cause::Gone { what: Needed::Run })?;
    let (_, model_path) =
        ctx.db().model(&run.model_id).await.map_err(db_failed)?.ok_or_else(|| Cause::Gone { what: Needed::Model })?;
    let version = ctx
        .db()
        .version(&run.dataset_version_id)
        .await
        .map_err(db_failed)?
        .ok_or_else(|| Cause::VersionGone { version: run.dataset_version_id.to_string() })?;
    let output = env.store.run_dir(&run.id);
    let local = |sha: &str| env.store.local_copy(sha).map(|c| c.into_path()).map_err(failed_storage);
    // A mixture brings its own validation split (stratified by language when it was made).
    let mixture = ctx.db().mixture_of_version(&version.id).await.map_err(db_failed)?;
    let validation = match &mixture {
        Some(m) => match &m.validation_version_id {
            Some(v) => ctx
                .db()
                .version(v)
                .await
                .map_err(db_failed)?
                .filter(|v| v.examples > 0)
                .map(|v| local(&v.blob))
                .transpose()?,
            None => None,
        },
        None => None,
    };
    let mut train = local(&version.blob)?;
    // A mixture left out evaluation texts when it was made; any other version is checked here.
    if mixture.is_none() {
        train = without_task_texts(ctx, train, &output).await?;
    }
    let mut init = None;
    if let Some(c) = &run.continue_from {
        let checkpoints = ctx.db().checkpoints(&c.run_id).await.map_err(db_failed)?;
        let (_, path) = checkpoints.last().ok_or(Cause::NoCheckpoint)?;
        init = Some(std::path::PathBuf::from(path));
        if c.replay > 0.0 {
            let earlier = ctx
                .db()
                .run(&c.run_id)
                .await
                .map_err(db_failed)?
                .ok_or_else(|| Cause::Gone { what: Needed::EarlierRun })?;
            let old = ctx
                .db()
                .version(&earlier.dataset_version_id)
                .await
                .map_err(db_failed)?
                .ok_or_else(|| Cause::Gone { what: Needed::EarlierRunData })?;
            let want = ((version.examples as f64) * c.replay).round() as u64;
            let (new_path, old_path) = (train.clone(), local(&old.blob)?);
            let target = output.join("train-with-replay.jsonl");
            let seed = run.spec.seed;
            tokio::task::block_in_place(|| {
                polytune_data::replay::write_replay(
                    &new_path,
                    &old_path,
                    old.examples.max(0) as u64,
                    want,
                    seed,
                    &target,
                )
            })
            .map_err(failed_data)?;
            let replayed = want.min(old.examples.max(0) as u64);
            ctx.log(&format!("replaying {replayed} examples of the earlier run's data")).await;
            train = target;
        }
    }
    let paths = RunPaths { model: model_path.into(), train, validation, output, init };
    let mut recorder = Recorder {
        ctx,
        run_id: run.id.clone(),
        handle: tokio::runtime::Handle::current(),
        reporter: Reporter::new(ctx),
        failure: None,
    };
    let spec = run.spec.clone();
    let outcome = contained(Stage::Trainer, || {
        let training = |e: polytune_gpu::train::TrainError| Cause::TrainingFailed { error: e.to_string() };
        let device = device_for(&spec).map_err(training)?;
        let mut trainer = Trainer::prepare(&paths, &spec, &device).map_err(training)?;
        trainer.run(&mut recorder).map_err(training)
    });
    if let Some(f) = recorder.failure.take() {
        return Err(f.into());
    }
    match outcome? {
        Outcome::Finished { steps, .. } => Ok(TrainOutput { run_id: run.id, steps: steps as u64 }),
        Outcome::Stopped { .. } => Err(recorder.reporter.stop.take().unwrap_or(JobError::Cancelled)),
    }
}
