//! The evaluate job: scores one model (or run checkpoint) on the tasks of its evaluation, a chunk
//! of items at a time. Every scored chunk is stored before the next starts, so a cancelled,
//! failed or restarted job keeps what it scored and a new attempt skips it. When every item is
//! scored, the aggregates (scores with intervals, macro averages, the confusion table) are
//! stored with the evaluation, so result pages never recompute them.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use polytune_api::{
    ChoiceScore, Counters, EvalResults, EvalTaskKind, EvaluateJob, EvaluateOutput, FieldError, Phase, SamplingParams,
};
use polytune_eval::report::aggregate;
use polytune_eval::score::{self, encode_pair};
use polytune_eval::tasks::TARGET_DELIMITER;
use polytune_eval::{EvalError, Gold, Item, TaskRef};
use polytune_gpu::infer::batch::{Event as BatchEvent, Request as BatchRequest};
use polytune_gpu::infer::{Adapter, Arithmetic, LoglikRequest};
use polytune_gpu::template::Message;

use super::toolkit::db_failed;
use super::{Cause, JobContext, JobError, Needed, Resources};
use crate::db::Scoped;
use crate::db::evaluations::ScoredItem;
use crate::evaluation::{detect, resolve};
use crate::inference::LoadedModel;

/// Items scored (and stored) together.
const CHUNK: usize = 16;
/// Answers generated (and stored) together: twice what the batcher decodes at once, so that it
/// takes the next item as soon as one finishes.
const GENERATION_CHUNK: usize = 32;
/// New tokens per log-likelihood step.
const BATCH_TOKENS: usize = 512;

pub async fn validate(db: &Scoped, p: &EvaluateJob) -> Result<Resources, Vec<FieldError>> {
    match db.evaluation(&p.evaluation_id).await {
        Ok(Some(_)) => Ok(Resources { max_attempts: 2, ..Resources::default() }),
        _ => Err(vec![FieldError::err(
            "payload.evaluation_id",
            "evaluation_not_found",
            &[],
            "the evaluation must exist in this workspace",
        )]),
    }
}

pub async fn run(ctx: &JobContext, p: EvaluateJob) -> Result<EvaluateOutput, JobError> {
    let started = Instant::now();
    let db = &ctx.db();
    let ws = ctx.workspace_id();
    let ev = db
        .evaluation(&p.evaluation_id)
        .await
        .map_err(db_failed)?
        .ok_or_else(|| Cause::Gone { what: Needed::Evaluation })?;
    let (_, model_path) =
        db.model(&ev.model_id).await.map_err(db_failed)?.ok_or_else(|| Cause::Gone { what: Needed::Model })?;
    let checkpoint = match (&ev.run_id, ev.checkpoint_step) {
        (Some(run_id), Some(step)) => {
            let all = db.checkpoints(run_id).await.map_err(db_failed)?;
            let (_, path) = all
                .into_iter()
                .find(|(c, _)| c.step == step)
                .ok_or(Cause::CheckpointGone { step: step.max(0) as u64 })?;
            Some(PathBuf::from(path))
        }
        _ => None,
    };
    ctx.progress(0.0, Phase::Starting, Counters::default()).await?;
    let mut tasks = Vec::with_capacity(ev.spec.tasks.len());
    for run in &ev.spec.tasks {
        let task = resolve(db, &run.task)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| task_unreadable(&run.task, EvalError::UnknownTask(run.task.clone())))?;
        tasks.push((run, task));
    }
    // Evaluation computes in f32, as a reference implementation computes on the same file: its
    // log-likelihoods equal lm-evaluation-harness's, and its prompts (long, many) are processed
    // several times faster than on the quantized blocks. Chat keeps the quantized model.
    ctx.log(&format!("loading {} (f32 arithmetic)", ev.label)).await;
    let (model, adapter) = ctx
        .env()
        .models
        .open(ws, &ev.model_id, std::path::Path::new(&model_path), checkpoint.as_deref(), Arithmetic::Exact)
        .await
        .map_err(|e| Cause::ModelUnloadable { error: e })?;

    let done = db.scored_items(&ev.id).await.map_err(db_failed)?;
    let total = ev.spec.items.max(1);
    let mut completed = done.len();
    let already = completed;
    if already > 0 {
        ctx.log(&format!("resuming: {already} items were scored by an earlier attempt")).await;
    }
    for (run, task) in &tasks {
        // A task's pending items of every language, in chunks: a chunk of generation spans
        // languages, so the batcher stays full when a language has few items.
        let mut pending: Vec<(usize, Item)> = Vec::new();
        for language in &run.languages {
            let items = task.items(language, run.limit).map_err(|e| task_unreadable(&run.task, e))?;
            pending.extend(
                items
                    .into_iter()
                    .enumerate()
                    .filter(|(_, it)| !done.contains(&(run.task.clone(), language.clone(), it.id.clone()))),
            );
        }
        let size = if task.kind() == EvalTaskKind::MultipleChoice { CHUNK } else { GENERATION_CHUNK };
        for chunk in pending.chunks(size) {
            test_pause().await;
            ctx.check()?;
            let scored = match task.kind() {
                EvalTaskKind::MultipleChoice => multiple_choice(ctx, &model, adapter.as_deref(), task, chunk)?,
                _ => generate(ctx, &model, adapter.clone(), task, run.max_new_tokens, run.chat_template, chunk).await?,
            };
            db.insert_eval_items(&ev.id, &scored).await.map_err(db_failed)?;
            completed += scored.len();
            let rate = (completed - already) as f64 / started.elapsed().as_secs_f64().max(1e-3);
            let counters = Counters {
                examples: Some(completed as u64),
                total_examples: Some(total as u64),
                examples_per_sec: Some(rate),
                eta_seconds: Some(total.saturating_sub(completed) as f64 / rate.max(1e-6)),
                ..Counters::default()
            };
            ctx.progress(completed as f64 / total as f64, Phase::Evaluating, counters).await?;
        }
    }
    let items = db.item_scores(&ev.id).await.map_err(db_failed)?;
    let (scores, macro_scores, confusion) = aggregate(&items);
    let mut evaluation = ev.clone();
    evaluation.progress = 1.0;
    let results = EvalResults { evaluation, scores, macro_scores, confusion };
    db.set_evaluation_results(&ev.id, &results).await.map_err(db_failed)?;
    Ok(EvaluateOutput { items: items.len(), scored_now: completed - already, seconds: started.elapsed().as_secs_f64() })
}

/// Tests slow an evaluation down to cancel it halfway (debug builds only):
/// `POLYTUNE_TEST_EVAL_PAUSE_MS` pauses before each chunk.
async fn test_pause() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("POLYTUNE_TEST_EVAL_PAUSE_MS").ok().and_then(|v| v.parse().ok()) {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

/// An item's scored row: what it asked, what the model answered, and the metrics.
fn scored(
    task: &TaskRef,
    item: &Item,
    position: usize,
    output: String,
    metrics: std::collections::BTreeMap<String, f64>,
) -> ScoredItem {
    ScoredItem {
        task: task.id().into(),
        language: item.language.clone(),
        item_id: item.id.clone(),
        position: position as i64,
        prompt: item.prompt.clone(),
        output,
        gold: item.gold.as_ref().map(|g| g.text(&item.choices)),
        choices: Vec::new(),
        metrics,
        answered_in: None,
    }
}

fn task_unreadable(task: &str, e: polytune_eval::EvalError) -> Cause {
    Cause::TaskUnreadable { task: task.to_string(), error: e.to_string() }
}

/// An item's failure, named by its task, language and id.
fn item_failed(task: &TaskRef, item: &Item, error: impl std::fmt::Display) -> Cause {
    Cause::item(task.id(), &item.language, &item.id, error)
}

/// Scores a chunk of multiple-choice items: each choice's log-likelihood after the prompt, as
/// lm-evaluation-harness tokenizes them.
fn multiple_choice(
    ctx: &JobContext,
    model: &LoadedModel,
    adapter: Option<&Adapter>,
    task: &TaskRef,
    chunk: &[(usize, Item)],
) -> Result<Vec<ScoredItem>, JobError> {
    let tok = &model.tokenizer;
    let mut requests = Vec::with_capacity(chunk.len());
    for (_, item) in chunk {
        let mut context = Vec::new();
        let mut continuations = Vec::with_capacity(item.choices.len());
        for choice in &item.choices {
            let (c, mut cont) =
                encode_pair(|s| tok.encode_text(s), &item.prompt, &format!("{TARGET_DELIMITER}{choice}"))
                    .map_err(|e| item_failed(task, item, e))?;
            if cont.is_empty() {
                cont =
                    tok.encode_text(&format!("{TARGET_DELIMITER}{choice}")).map_err(|e| item_failed(task, item, e))?;
            }
            context = c;
            continuations.push(cont);
        }
        if context.is_empty() {
            return Err(Cause::ItemEmptyPrompt {
                task: task.id().into(),
                language: item.language.clone(),
                item: item.id.clone(),
            }
            .into());
        }
        // A context longer than the model reads loses its beginning (as lm-evaluation-harness does).
        let longest = continuations.iter().map(Vec::len).max().unwrap_or(0);
        let room = model.engine.max_context().saturating_sub(longest).max(1);
        if context.len() > room {
            context.drain(..context.len() - room);
        }
        requests.push(LoglikRequest { context, continuations });
    }
    let cancel = || ctx.check().is_err();
    let scores = tokio::task::block_in_place(|| {
        polytune_gpu::infer::loglikelihood(&model.engine, adapter, &requests, BATCH_TOKENS, &cancel)
    })
    .map_err(|e| match e {
        polytune_gpu::infer::EngineError::Cancelled => ctx.check().err().unwrap_or(JobError::Cancelled),
        e => item_failed(task, &chunk[0].1, e).into(),
    })?;
    let mut out = Vec::with_capacity(chunk.len());
    for ((position, item), per_choice) in chunk.iter().zip(scores) {
        let logprobs: Vec<f64> = per_choice.iter().map(|t| t.iter().map(|x| x.logprob as f64).sum()).collect();
        let gold = match item.gold {
            Some(Gold::Choice(g)) => g,
            _ => {
                let (task, language, item) = (task.id().into(), item.language.clone(), item.id.clone());
                return Err(Cause::ItemWithoutAnswer { task, language, item }.into());
            }
        };
        let (metrics, pick) = score::multiple_choice(&logprobs, &item.choices, gold);
        let choices = item
            .choices
            .iter()
            .zip(logprobs.iter().zip(&per_choice))
            .map(|(text, (lp, toks))| ChoiceScore { text: text.clone(), logprob: *lp, tokens: toks.len() })
            .collect();
        let output = item.choices.get(pick).cloned().unwrap_or_default();
        out.push(ScoredItem { choices, ..scored(task, item, *position, output, metrics) });
    }
    Ok(out)
}

/// Generates greedy answers for a chunk on the model's batcher (so they decode together, beside
/// whoever is chatting with the same model) and scores them.
async fn generate(
    ctx: &JobContext,
    model: &Arc<LoadedModel>,
    adapter: Option<Arc<Adapter>>,
    task: &TaskRef,
    max_new_tokens: usize,
    chat_template: bool,
    chunk: &[(usize, Item)],
) -> Result<Vec<ScoredItem>, JobError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let mut receivers = Vec::with_capacity(chunk.len());
    for (_, item) in chunk {
        let prompt = if chat_template {
            model.tokenizer.encode_prompt(&[Message::new("user", &item.prompt)])
        } else {
            model.tokenizer.encode_text(&item.prompt)
        }
        .map_err(|e| item_failed(task, item, e))?;
        // A prompt longer than the model reads (with room for the answer) loses its beginning.
        let room = model.engine.max_context().saturating_sub(max_new_tokens).max(1);
        let prompt = if prompt.len() > room { prompt[prompt.len() - room..].to_vec() } else { prompt };
        let params = SamplingParams { max_new_tokens, stop: item.stop.clone(), ..SamplingParams::default() };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut tx = Some(tx);
        let request = BatchRequest {
            prompt,
            params,
            adapter: adapter.clone(),
            cancel: cancel.clone(),
            listener: Box::new(move |e| match e {
                BatchEvent::Text(_) => true,
                BatchEvent::Done(g) => {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(Ok(g.text));
                    }
                    false
                }
                BatchEvent::Failed(m) => {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(Err(m));
                    }
                    false
                }
            }),
        };
        model.batcher.submit(request).map_err(|_| Cause::BatcherStopped)?;
        receivers.push(rx);
    }
    // Stops the chunk's generations if this job stops waiting (cancelled, failed).
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let _stop = StopOnDrop(cancel.clone());
    let mut out = Vec::with_capacity(chunk.len());
    for ((position, item), mut rx) in chunk.iter().zip(receivers) {
        let text = loop {
            tokio::select! {
                r = &mut rx => break r.map_err(|_| Cause::BatcherStopped)?
                    .map_err(|m| item_failed(task, item, m))?,
                _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => ctx.check()?,
            }
        };
        let fidelity = score::fidelity(&text, &item.language, detect);
        let in_language = if fidelity.in_language { 1.0 } else { 0.0 };
        let metrics = match &item.gold {
            Some(Gold::Number(gold)) => {
                let (mut m, _) = score::math(&text, gold);
                m.insert("in_language".into(), in_language);
                m
            }
            Some(Gold::Answers(accepted)) => {
                let mut m = score::answers(&text, accepted);
                m.insert("in_language".into(), in_language);
                m
            }
            _ => fidelity.metrics(),
        };
        out.push(ScoredItem {
            answered_in: Some(fidelity.answered_in),
            ..scored(task, item, *position, text, metrics)
        });
    }
    Ok(out)
}
