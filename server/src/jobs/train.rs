//! `train`: a training run on a dataset version (the engine's trainer on a blocking thread).
//! Every step and validation is recorded as it happens, every checkpoint once it is on disk; a
//! retried or re-queued job resumes from the run folder's newest checkpoint. Cancelling stops after
//! the current step with a checkpoint.

use std::time::{Duration, Instant};

use polytune_api::FieldError;
use polytune_gpu::train::{CheckpointInfo, EvalMetrics, Observer, Outcome, RunPaths, StepMetrics, Trainer, device_for};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{JobContext, JobError, JobKind, Resources};
use crate::db::Database;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainPayload {
    pub run_id: String,
}

pub struct Train;

struct Recorder<'a> {
    ctx: &'a JobContext,
    run_id: String,
    handle: tokio::runtime::Handle,
    last_progress: Instant,
    stop: Option<JobError>,
    failure: Option<String>,
}

impl Recorder<'_> {
    fn db(&mut self, what: &str, r: Result<(), crate::db::DbError>) {
        if let Err(e) = r {
            self.failure.get_or_insert(format!("the database refused {what}: {e}"));
        }
    }
}

impl Observer for Recorder<'_> {
    fn started(&mut self, total: usize, resumed_from: Option<usize>, summary: &str) {
        let line = match resumed_from {
            Some(s) => format!("{summary}; resuming from the checkpoint at step {s} of {total}"),
            None => summary.to_string(),
        };
        self.handle.block_on(self.ctx.log(&line));
    }

    fn step(&mut self, m: &StepMetrics) {
        let data = serde_json::to_value(m).unwrap_or_default();
        let r = self.handle.block_on(self.ctx.env().db.put_run_point(&self.run_id, m.step as i64, "step", &data));
        self.db("a step's metrics", r);
        if self.last_progress.elapsed() >= Duration::from_millis(500) || m.step == m.total_steps {
            self.last_progress = Instant::now();
            let counters = json!({"step": m.step, "total_steps": m.total_steps, "loss": m.loss, "tokens_per_second": m.tokens_per_second, "eta_seconds": m.eta_seconds});
            if let Err(e) = self.handle.block_on(self.ctx.progress(
                m.step as f64 / m.total_steps.max(1) as f64,
                "training",
                counters,
            )) {
                self.stop.get_or_insert(e);
            }
        }
    }

    fn eval(&mut self, m: &EvalMetrics) {
        let data = serde_json::to_value(m).unwrap_or_default();
        let r = self.handle.block_on(self.ctx.env().db.put_run_point(&self.run_id, m.step as i64, "eval", &data));
        self.db("a validation result", r);
    }

    fn checkpoint(&mut self, c: &CheckpointInfo) {
        let removed: Vec<i64> =
            c.removed.iter().filter_map(|p| p.file_name()?.to_str()?.strip_prefix("step-")?.parse().ok()).collect();
        let path = c.path.to_string_lossy().to_string();
        let r = self.handle.block_on(self.ctx.env().db.put_checkpoint(
            &self.run_id,
            c.step as i64,
            &path,
            c.validation_loss,
            &removed,
        ));
        self.db("a checkpoint", r);
    }

    fn should_stop(&mut self) -> bool {
        if let Err(e) = self.ctx.check() {
            self.stop.get_or_insert(e);
        } else if self.ctx.stopping() {
            self.stop.get_or_insert(JobError::Released);
        }
        self.stop.is_some() || self.failure.is_some()
    }
}

/// Queues the training job of a run (the route has checked model, dataset version and settings).
pub async fn enqueue(
    db: &Database,
    workspace_id: &str,
    run_id: &str,
    user_id: &str,
) -> Result<String, crate::db::DbError> {
    db.enqueue_job(crate::db::jobs::NewJob {
        workspace_id,
        kind: "train",
        payload: &json!({ "run_id": run_id }).to_string(),
        priority: 0,
        needs_gpu: cfg!(feature = "cuda"),
        memory_mb: 0,
        max_attempts: 3,
        created_by: user_id,
    })
    .await
}

#[async_trait::async_trait]
impl JobKind for Train {
    fn name(&self) -> &'static str {
        "train"
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
        let p: TrainPayload = super::parse_payload(payload)?;
        if !matches!(db.run(ws, &p.run_id).await, Ok(Some(_))) {
            return Err(vec![FieldError::new("payload.run_id", "no such run in this workspace")]);
        }
        Ok(Resources::default())
    }

    async fn run(&self, ctx: &JobContext) -> Result<serde_json::Value, JobError> {
        let p: TrainPayload = ctx.payload()?;
        let env = ctx.env();
        let failed = |e: String| JobError::Failed(e);
        let run = env
            .db
            .run(&ctx.workspace_id, &p.run_id)
            .await
            .map_err(|e| failed(e.to_string()))?
            .ok_or_else(|| failed("the run was deleted".into()))?;
        let (_, model_path) = env
            .db
            .model(&ctx.workspace_id, &run.model_id)
            .await
            .map_err(|e| failed(e.to_string()))?
            .ok_or_else(|| failed("the model was deleted".into()))?;
        let version = env
            .db
            .version(&ctx.workspace_id, &run.dataset_version_id)
            .await
            .map_err(|e| failed(e.to_string()))?
            .ok_or_else(|| failed("the dataset version was deleted".into()))?;
        let output = env.store.run_dir(&run.id);
        // A mixture brings its own validation split (stratified by language when it was made).
        let validation = match env.db.mixture_of_version(&version.id).await.map_err(|e| failed(e.to_string()))? {
            Some(m) => match m.validation_version_id {
                Some(v) => env
                    .db
                    .version(&ctx.workspace_id, &v)
                    .await
                    .map_err(|e| failed(e.to_string()))?
                    .filter(|v| v.examples > 0)
                    .map(|v| env.store.path(&v.blob)),
                None => None,
            },
            None => None,
        };
        let mut train = env.store.path(&version.blob);
        let mut init = None;
        if let Some(c) = &run.continue_from {
            let checkpoints = env.db.checkpoints(&c.run_id).await.map_err(|e| failed(e.to_string()))?;
            let (_, path) = checkpoints.last().ok_or_else(|| failed("the earlier run has no checkpoint".into()))?;
            init = Some(std::path::PathBuf::from(path));
            if c.replay > 0.0 {
                let earlier = env
                    .db
                    .run(&ctx.workspace_id, &c.run_id)
                    .await
                    .map_err(|e| failed(e.to_string()))?
                    .ok_or_else(|| failed("the earlier run was deleted".into()))?;
                let old = env
                    .db
                    .version(&ctx.workspace_id, &earlier.dataset_version_id)
                    .await
                    .map_err(|e| failed(e.to_string()))?
                    .ok_or_else(|| failed("the earlier run's data was deleted".into()))?;
                let want = ((version.examples as f64) * c.replay).round() as u64;
                let (new_path, old_path) = (train.clone(), env.store.path(&old.blob));
                let target = output.join("train-with-replay.jsonl");
                let seed = run.spec.seed;
                tokio::task::block_in_place(|| {
                    write_replay(&new_path, &old_path, old.examples.max(0) as u64, want, seed, &target)
                })
                .map_err(failed)?;
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
            last_progress: Instant::now() - Duration::from_secs(1),
            stop: None,
            failure: None,
        };
        let spec = run.spec.clone();
        let outcome = tokio::task::block_in_place(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<Outcome, String> {
                let device = device_for(&spec).map_err(|e| e.to_string())?;
                let mut trainer = Trainer::prepare(&paths, &spec, &device).map_err(|e| e.to_string())?;
                trainer.run(&mut recorder).map_err(|e| e.to_string())
            }))
            .unwrap_or_else(|_| Err("the trainer stopped unexpectedly (an internal error)".into()))
        });
        if let Some(f) = recorder.failure.take() {
            return Err(JobError::Failed(f));
        }
        match outcome.map_err(JobError::Failed)? {
            Outcome::Finished { steps, .. } => Ok(json!({ "run_id": run.id, "steps": steps })),
            Outcome::Stopped { .. } => Err(recorder.stop.take().unwrap_or(JobError::Cancelled)),
        }
    }
}

/// The new data followed by `want` examples drawn evenly from the earlier run's data (written
/// once, atomically; a resumed job finds it).
fn write_replay(
    new: &std::path::Path,
    old: &std::path::Path,
    old_count: u64,
    want: u64,
    seed: u64,
    target: &std::path::Path,
) -> Result<(), String> {
    use std::io::{BufRead, Write};
    if target.exists() {
        return Ok(());
    }
    let fail = |e: std::io::Error| format!("writing the replay data failed: {e}");
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = target.with_extension("tmp");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(fail)?);
    let mut input = std::fs::File::open(new).map_err(fail)?;
    let copied = std::io::copy(&mut input, &mut out).map_err(fail)?;
    // The earlier run's lines must start on a line of their own.
    let mut last = [0u8];
    if copied > 0 {
        use std::io::{Read, Seek};
        input.seek(std::io::SeekFrom::End(-1)).map_err(fail)?;
        input.read_exact(&mut last).map_err(fail)?;
        if last[0] != b'\n' {
            out.write_all(b"\n").map_err(fail)?;
        }
    }
    let mut pick = polytune_data::mixture::Selection::new(want, old_count, seed, "replay".into());
    for line in std::io::BufReader::new(std::fs::File::open(old).map_err(fail)?).lines() {
        let line = line.map_err(fail)?;
        if !line.trim().is_empty() && pick.take() {
            out.write_all(line.as_bytes()).map_err(fail)?;
            out.write_all(b"\n").map_err(fail)?;
        }
    }
    let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, target).map_err(fail)
}
