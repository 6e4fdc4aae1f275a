//! The trainer: full fine-tuning or LoRA with AdamW (fp32 moments), warmup and a decay schedule,
//! gradient accumulation and clipping, per-language validation, and checkpoints that make a
//! resumed run continue the same loss curve.
//!
//! A run lives in one output folder: `checkpoints/step-NNNNNNNN/` each hold `trainable.safetensors`,
//! `optimizer.safetensors` and `state.json`, written in a temporary folder, flushed, then renamed.
//! Starting a run whose folder already holds checkpoints resumes from the newest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{DType, Device, Tensor, Var};
use polytune_api::{ComputeDtype, LossOn, Schedule, TrainSpec, TuneMethod};
use serde::{Deserialize, Serialize};

use crate::data::{Batch, Rows, TokenizedExample, epoch_plan, load_jsonl, make_batch, stratified_split};
use crate::files::{ModelDir, save_safetensors, sync_dir, write_durably};
use crate::model::{Llama, Pass, weighted_nll};
use crate::sampler::SplitMix64;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Files(#[from] crate::files::ModelFileError),
    #[error("computation failed: {0}")]
    Compute(#[from] candle_core::Error),
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

fn io(path: &Path, e: impl std::fmt::Display) -> TrainError {
    TrainError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// Where a run's inputs are and where it writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunPaths {
    pub model: PathBuf,
    /// Conversations as canonical JSON lines.
    pub train: PathBuf,
    /// Held-out conversations; without it a stratified share of `train` is held out.
    #[serde(default)]
    pub validation: Option<PathBuf>,
    pub output: PathBuf,
    /// A checkpoint of an earlier run whose trained weights (or adapters) this run starts from,
    /// with a fresh optimizer and schedule (continual tuning). Ignored when resuming.
    #[serde(default)]
    pub init: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepMetrics {
    pub step: usize,
    pub total_steps: usize,
    pub epoch: usize,
    pub loss: f64,
    pub learning_rate: f64,
    pub grad_norm: f64,
    /// Tokens (not padding) in this step.
    pub tokens: usize,
    pub tokens_per_second: f64,
    pub elapsed_seconds: f64,
    pub eta_seconds: f64,
    /// GPU memory in use on CUDA; the process's resident memory on CPU.
    pub memory_bytes: u64,
    /// Tokens seen so far per language.
    pub tokens_by_language: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalMetrics {
    pub step: usize,
    /// Mean loss per predicted token, per language.
    pub loss_by_language: BTreeMap<String, f64>,
    pub loss: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointInfo {
    pub step: usize,
    pub path: PathBuf,
    pub validation_loss: Option<f64>,
    /// Checkpoints removed by the keep-last-N / keep-best policy.
    pub removed: Vec<PathBuf>,
}

/// Receives what the trainer reports; `should_stop` is asked after every step.
pub trait Observer {
    fn started(&mut self, _total_steps: usize, _resumed_from: Option<usize>, _summary: &str) {}
    fn step(&mut self, _m: &StepMetrics) {}
    fn eval(&mut self, _m: &EvalMetrics) {}
    fn checkpoint(&mut self, _c: &CheckpointInfo) {}
    fn should_stop(&mut self) -> bool {
        false
    }
}

impl Observer for () {}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Finished {
        checkpoint: PathBuf,
        steps: usize,
    },
    /// Stopped on request after saving a checkpoint.
    Stopped {
        checkpoint: PathBuf,
        step: usize,
    },
}

/// What `state.json` of a checkpoint records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainState {
    pub step: usize,
    /// Next micro-batch to run: epoch and index in that epoch's plan.
    pub epoch: usize,
    pub batch: usize,
    pub dropout_rng: SplitMix64,
    pub validation_loss: Option<f64>,
    pub tokens_by_language: BTreeMap<String, u64>,
    pub spec: TrainSpec,
    pub total_steps: usize,
}

pub fn device_for(_spec: &TrainSpec) -> Result<Device, TrainError> {
    #[cfg(feature = "cuda")]
    {
        return Ok(Device::new_cuda(0)?);
    }
    #[allow(unreachable_code)]
    Ok(Device::Cpu)
}

pub fn compute_dtype(spec: &TrainSpec, device: &Device) -> DType {
    match spec.dtype {
        ComputeDtype::F32 => DType::F32,
        ComputeDtype::Bf16 => DType::BF16,
        ComputeDtype::Auto if device.is_cuda() => DType::BF16,
        ComputeDtype::Auto => DType::F32,
    }
}

/// The learning rate of optimizer step `step` (0-based).
pub fn learning_rate(spec: &TrainSpec, step: usize, total: usize) -> f64 {
    let lr = spec.learning_rate;
    if step < spec.warmup_steps {
        return lr * (step + 1) as f64 / spec.warmup_steps as f64;
    }
    let span = total.saturating_sub(spec.warmup_steps).max(1) as f64;
    let progress = ((step - spec.warmup_steps) as f64 / span).min(1.0);
    match spec.schedule {
        Schedule::Constant => lr,
        Schedule::Linear => lr * (1.0 - progress),
        Schedule::Cosine => lr * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()),
    }
}

/// AdamW with fp32 first and second moments (decoupled weight decay, bias correction).
pub struct AdamW {
    pub m: Vec<Tensor>,
    pub v: Vec<Tensor>,
}

impl AdamW {
    pub fn new(vars: &[(String, Var)]) -> candle_core::Result<Self> {
        let zeros = |v: &Var| Tensor::zeros(v.shape(), DType::F32, v.device());
        Ok(AdamW {
            m: vars.iter().map(|(_, v)| zeros(v)).collect::<candle_core::Result<_>>()?,
            v: vars.iter().map(|(_, v)| zeros(v)).collect::<candle_core::Result<_>>()?,
        })
    }

    /// One update with step number `t` (1-based, for bias correction).
    pub fn step(
        &mut self,
        vars: &[(String, Var)],
        grads: &[Tensor],
        lr: f64,
        t: usize,
        spec: &TrainSpec,
    ) -> candle_core::Result<()> {
        let (b1, b2) = spec.adam_betas;
        let c1 = 1.0 - b1.powi(t as i32);
        let c2 = 1.0 - b2.powi(t as i32);
        for (i, ((_, var), g)) in vars.iter().zip(grads).enumerate() {
            let m = ((&self.m[i] * b1)? + (g * (1.0 - b1))?)?;
            let v = ((&self.v[i] * b2)? + (g.sqr()? * (1.0 - b2))?)?;
            let update = (&m * (1.0 / c1))?.div(&((&v * (1.0 / c2))?.sqrt()? + spec.adam_eps)?)?;
            let p = var.as_tensor();
            let decayed = if spec.weight_decay > 0.0 { (p * (1.0 - lr * spec.weight_decay))? } else { p.clone() };
            var.set(&(decayed - (update * lr)?)?)?;
            self.m[i] = m;
            self.v[i] = v;
        }
        Ok(())
    }
}

/// A prepared run: model with its trainable variables, data and plans.
pub struct Trainer {
    pub spec: TrainSpec,
    pub model: Llama,
    pub vars: Vec<(String, Var)>,
    pub opt: AdamW,
    pub train: Vec<TokenizedExample>,
    pub validation: Vec<TokenizedExample>,
    pub languages: Vec<String>,
    pub dtype: DType,
    pub pad_id: u32,
    pub state: TrainState,
    pub output: PathBuf,
    pub summary: String,
    pub resumed_from: Option<usize>,
}

fn checkpoints_dir(output: &Path) -> PathBuf {
    output.join("checkpoints")
}

/// Finished checkpoints (those with a state.json), oldest first.
pub fn list_checkpoints(output: &Path) -> Vec<(usize, PathBuf)> {
    let mut out: Vec<(usize, PathBuf)> = std::fs::read_dir(checkpoints_dir(output))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let step = name.strip_prefix("step-")?.parse().ok()?;
            e.path().join("state.json").exists().then(|| (step, e.path()))
        })
        .collect();
    out.sort();
    out
}

impl Trainer {
    pub fn prepare(paths: &RunPaths, spec: &TrainSpec, device: &Device) -> Result<Self, TrainError> {
        let problems = polytune_api::Validate::validate(spec);
        if let Some(p) = problems.first() {
            return Err(TrainError::Input(format!("setting {}: {}", p.path, p.message)));
        }
        let dir = ModelDir::open(&paths.model)?;
        if let Some(w) = dir.config.sliding_window {
            if spec.seq_len > w {
                return Err(TrainError::Input(format!(
                    "seq_len {} is longer than the model's sliding window {w}",
                    spec.seq_len
                )));
            }
        }
        if spec.seq_len > dir.config.max_position_embeddings {
            return Err(TrainError::Input(format!(
                "seq_len {} is longer than the model's context ({} tokens)",
                spec.seq_len, dir.config.max_position_embeddings
            )));
        }
        let all = spec.loss_on == LossOn::All;
        let loaded = load_jsonl(&paths.train, &dir.tokenizer, all, spec.seq_len).map_err(TrainError::Input)?;
        let (train, validation) = match &paths.validation {
            Some(v) => {
                (loaded.examples, load_jsonl(v, &dir.tokenizer, all, spec.seq_len).map_err(TrainError::Input)?.examples)
            }
            None => stratified_split(loaded.examples, spec.validation_fraction, spec.seed),
        };
        if train.is_empty() {
            return Err(TrainError::Input(format!(
                "{} has no example with an answer to train on ({} without one)",
                paths.train.display(),
                loaded.without_targets
            )));
        }
        let mut languages: Vec<String> = train.iter().chain(&validation).map(|e| e.language.clone()).collect();
        languages.sort();
        languages.dedup();
        let dtype = compute_dtype(spec, device);
        let weights_dtype = if spec.method == TuneMethod::Full { DType::F32 } else { dtype };
        let mut model = dir.load_model(device, weights_dtype)?;
        let mut rng = SplitMix64(spec.seed);
        let vars = match spec.method {
            TuneMethod::Full => model.make_trainable()?,
            TuneMethod::Lora => {
                model.add_lora(spec.lora.rank, spec.lora.alpha, spec.lora.dropout, &spec.lora.targets, &mut rng)?
            }
        };
        let opt = AdamW::new(&vars)?;
        let pad_id = dir
            .tokenizer
            .tokenizer
            .token_to_id("<|endoftext|>")
            .or(dir.tokenizer.stop_ids.first().copied())
            .unwrap_or(0);
        let lengths: Vec<usize> = train.iter().map(|e| e.ids.len()).collect();
        let batches_per_epoch: Vec<usize> = (0..spec.epochs)
            .map(|e| epoch_plan(&lengths, spec.seq_len, spec.batch_size, spec.packing, spec.seed, e).len())
            .collect();
        let steps: usize = batches_per_epoch.iter().map(|b| b.div_ceil(spec.grad_accum)).sum();
        let total_steps = spec.max_steps.map_or(steps, |m| m.min(steps)).max(1);
        let trainable: usize = vars.iter().map(|(_, v)| v.elem_count()).sum();
        let summary = format!(
            "{} examples for training and {} for validation in {} languages ({} truncated to {} tokens, {} without an answer left out); {} trainable parameters of {}; {} steps",
            train.len(),
            validation.len(),
            languages.len(),
            loaded.truncated,
            spec.seq_len,
            loaded.without_targets,
            trainable,
            dir.config.parameter_count(),
            total_steps
        );
        let state = TrainState {
            step: 0,
            epoch: 0,
            batch: 0,
            dropout_rng: SplitMix64(spec.seed ^ 0xD50F_0D50),
            validation_loss: None,
            tokens_by_language: BTreeMap::new(),
            spec: spec.clone(),
            total_steps,
        };
        let mut trainer = Trainer {
            spec: spec.clone(),
            model,
            vars,
            opt,
            train,
            validation,
            languages,
            dtype,
            pad_id,
            state,
            output: paths.output.clone(),
            summary,
            resumed_from: None,
        };
        if let Some((step, path)) = list_checkpoints(&paths.output).pop() {
            trainer.restore(&path)?;
            trainer.resumed_from = Some(step);
        } else if let Some(init) = &paths.init {
            let weights = load_checkpoint_tensors(init, &trainer.model.device)?;
            for (name, var) in &trainer.vars {
                let w = weights.get(name).ok_or_else(|| {
                    TrainError::Input(format!(
                        "the earlier run's checkpoint {} has no {name}: it was trained with other settings",
                        init.display()
                    ))
                })?;
                if w.dims() != var.dims() {
                    return Err(TrainError::Input(format!(
                        "the earlier run's {name} has shape {:?}, this run needs {:?}",
                        w.dims(),
                        var.dims()
                    )));
                }
                var.set(&w.to_dtype(var.dtype())?)?;
            }
            trainer.summary.push_str(&format!("; starting from {}", init.display()));
        }
        Ok(trainer)
    }

    fn restore(&mut self, path: &Path) -> Result<(), TrainError> {
        let state_path = path.join("state.json");
        let text = std::fs::read_to_string(&state_path).map_err(|e| io(&state_path, e))?;
        let state: TrainState = serde_json::from_str(&text).map_err(|e| io(&state_path, e))?;
        if state.spec != self.spec {
            return Err(TrainError::Input(format!(
                "{} holds a run with other settings; choose another output folder or the same settings",
                self.output.display()
            )));
        }
        let device = self.model.device.clone();
        let load = |name: &str| -> Result<std::collections::HashMap<String, Tensor>, TrainError> {
            let p = path.join(name);
            let bytes = std::fs::read(&p).map_err(|e| io(&p, e))?;
            candle_core::safetensors::load_buffer(&bytes, &device).map_err(|e| io(&p, e))
        };
        let weights = load("trainable.safetensors")?;
        let moments = load("optimizer.safetensors")?;
        for (i, (name, var)) in self.vars.iter().enumerate() {
            let missing = |what: &str| io(path, format!("{what} has no tensor for {name}"));
            var.set(weights.get(name).ok_or_else(|| missing("trainable.safetensors"))?)?;
            self.opt.m[i] = moments.get(&format!("m.{name}")).ok_or_else(|| missing("optimizer.safetensors"))?.clone();
            self.opt.v[i] = moments.get(&format!("v.{name}")).ok_or_else(|| missing("optimizer.safetensors"))?.clone();
        }
        self.state = state;
        Ok(())
    }

    fn language_index(&self) -> impl Fn(&str) -> usize + '_ {
        move |l: &str| self.languages.binary_search_by(|x| x.as_str().cmp(l)).unwrap_or(0)
    }

    fn plan(&self, epoch: usize) -> Vec<Rows> {
        let lengths: Vec<usize> = self.train.iter().map(|e| e.ids.len()).collect();
        epoch_plan(&lengths, self.spec.seq_len, self.spec.batch_size, self.spec.packing, self.spec.seed, epoch)
    }

    /// The micro-batches of the next optimizer step, advancing the data cursor.
    fn next_micro_batches(&mut self, plan: &mut Vec<Rows>) -> Vec<Rows> {
        let mut out = Vec::new();
        while out.len() < self.spec.grad_accum {
            if self.state.batch >= plan.len() {
                if !out.is_empty() || self.state.epoch + 1 >= self.spec.epochs {
                    break;
                }
                self.state.epoch += 1;
                self.state.batch = 0;
                *plan = self.plan(self.state.epoch);
                continue;
            }
            out.push(plan[self.state.batch].clone());
            self.state.batch += 1;
        }
        out
    }

    fn batch(&self, examples: &[TokenizedExample], rows: &Rows) -> candle_core::Result<Batch> {
        make_batch(examples, rows, self.pad_id, &self.language_index(), &self.model.device)
    }

    /// Loss (summed over counted positions) of one batch, and the graph to differentiate.
    fn batch_loss(&self, batch: &Batch, rng: Option<&mut SplitMix64>) -> candle_core::Result<Tensor> {
        let mut pass = Pass { dtype: self.dtype, dropout_rng: rng };
        let logits = self.model.forward(&batch.ids, &batch.positions, Some(&batch.mask), None, &mut pass)?;
        let v = self.model.cfg.vocab_size;
        weighted_nll(&logits.reshape(((), v))?, &batch.targets, &batch.weights)
    }

    /// One optimizer step over the given micro-batches; returns (mean loss, grad norm, tokens).
    pub fn train_step(&mut self, micro: &[Rows], lr: f64) -> Result<(f64, f64, usize), TrainError> {
        let batches: Vec<Batch> =
            micro.iter().map(|r| self.batch(&self.train, r)).collect::<candle_core::Result<_>>()?;
        let n: usize = batches.iter().map(|b| b.target_count).sum();
        let mut grads: Vec<Option<Tensor>> = vec![None; self.vars.len()];
        let mut loss_sum = 0.0;
        let mut rng = self.state.dropout_rng;
        for b in &batches {
            let loss = self.batch_loss(b, Some(&mut rng))?;
            loss_sum += loss.to_scalar::<f32>()? as f64;
            let scaled = (loss / n.max(1) as f64)?;
            let store = scaled.backward()?;
            for (i, (_, var)) in self.vars.iter().enumerate() {
                if let Some(g) = store.get(var.as_tensor()) {
                    let g = g.to_dtype(DType::F32)?;
                    grads[i] = Some(match grads[i].take() {
                        Some(acc) => (acc + g)?,
                        None => g,
                    });
                }
            }
            for l in &b.languages {
                if let Some(l) = l {
                    *self.state.tokens_by_language.entry(self.languages[*l].clone()).or_default() += 1;
                }
            }
        }
        self.state.dropout_rng = rng;
        let grads: Vec<Tensor> = grads
            .into_iter()
            .zip(&self.vars)
            .map(|(g, (_, v))| g.map_or_else(|| Tensor::zeros(v.shape(), DType::F32, v.device()), Ok))
            .collect::<candle_core::Result<_>>()?;
        let mut sq = 0.0f64;
        for g in &grads {
            sq += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
        }
        let norm = sq.sqrt();
        let grads = if self.spec.grad_clip > 0.0 && norm > self.spec.grad_clip {
            let s = self.spec.grad_clip / (norm + 1e-6);
            grads.iter().map(|g| g * s).collect::<candle_core::Result<Vec<_>>>()?
        } else {
            grads
        };
        self.opt.step(&self.vars, &grads, lr, self.state.step + 1, &self.spec)?;
        self.state.step += 1;
        let tokens = batches.iter().map(|b| b.tokens).sum();
        Ok((loss_sum / n.max(1) as f64, norm, tokens))
    }

    /// Mean validation loss per language (and overall) without touching the weights.
    pub fn evaluate(&self) -> Result<EvalMetrics, TrainError> {
        let mut sums = vec![(0.0f64, 0usize); self.languages.len()];
        let indices: Vec<usize> = (0..self.validation.len()).collect();
        for chunk in indices.chunks(self.spec.batch_size) {
            let rows: Rows = chunk.iter().map(|&i| vec![i]).collect();
            let batch = self.batch(&self.validation, &rows)?;
            let mut pass = Pass { dtype: self.dtype, dropout_rng: None };
            let logits = self.model.forward(&batch.ids, &batch.positions, Some(&batch.mask), None, &mut pass)?.detach();
            let logp =
                candle_nn::ops::log_softmax(&logits.reshape(((), self.model.cfg.vocab_size))?, candle_core::D::Minus1)?;
            let picked: Vec<f32> = logp.gather(&batch.targets.unsqueeze(1)?, 1)?.squeeze(1)?.to_vec1()?;
            let weights: Vec<f32> = batch.weights.to_vec1()?;
            for ((p, w), l) in picked.iter().zip(&weights).zip(&batch.languages) {
                if let (Some(l), true) = (l, *w > 0.0) {
                    sums[*l].0 -= *p as f64;
                    sums[*l].1 += 1;
                }
            }
        }
        let mut by = BTreeMap::new();
        let (mut total, mut count) = (0.0, 0);
        for (l, (s, n)) in self.languages.iter().zip(&sums) {
            if *n > 0 {
                by.insert(l.clone(), s / *n as f64);
                total += s;
                count += n;
            }
        }
        Ok(EvalMetrics {
            step: self.state.step,
            loss_by_language: by,
            loss: if count > 0 { total / count as f64 } else { f64::NAN },
        })
    }

    /// Writes a checkpoint of the current state atomically and applies the keep policy.
    pub fn save_checkpoint(&self) -> Result<CheckpointInfo, TrainError> {
        let dir = checkpoints_dir(&self.output);
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let name = format!("step-{:08}", self.state.step);
        let tmp = dir.join(format!(".tmp-{name}"));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
        let weights: Vec<(String, Tensor)> =
            self.vars.iter().map(|(n, v)| (n.clone(), v.as_tensor().clone())).collect();
        save_safetensors(&tmp.join("trainable.safetensors"), &weights)?;
        let mut moments = Vec::new();
        for (i, (n, _)) in self.vars.iter().enumerate() {
            moments.push((format!("m.{n}"), self.opt.m[i].clone()));
            moments.push((format!("v.{n}"), self.opt.v[i].clone()));
        }
        save_safetensors(&tmp.join("optimizer.safetensors"), &moments)?;
        let state = serde_json::to_vec_pretty(&self.state).map_err(|e| io(&tmp, e))?;
        write_durably(&tmp.join("state.json"), &state)?;
        sync_dir(&tmp)?;
        let final_path = dir.join(&name);
        let _ = std::fs::remove_dir_all(&final_path);
        std::fs::rename(&tmp, &final_path).map_err(|e| io(&final_path, e))?;
        sync_dir(&dir)?;
        let removed = self.apply_keep_policy()?;
        Ok(CheckpointInfo {
            step: self.state.step,
            path: final_path,
            validation_loss: self.state.validation_loss,
            removed,
        })
    }

    fn apply_keep_policy(&self) -> Result<Vec<PathBuf>, TrainError> {
        let all = list_checkpoints(&self.output);
        let best = if self.spec.keep_best {
            all.iter()
                .filter_map(|(s, p)| {
                    let text = std::fs::read_to_string(p.join("state.json")).ok()?;
                    let st: TrainState = serde_json::from_str(&text).ok()?;
                    st.validation_loss.filter(|v| v.is_finite()).map(|v| (v, *s))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, s)| s)
        } else {
            None
        };
        let keep_from = all.len().saturating_sub(self.spec.keep_last.max(1));
        let mut removed = Vec::new();
        for (i, (step, path)) in all.iter().enumerate() {
            if i < keep_from && Some(*step) != best {
                std::fs::remove_dir_all(path).map_err(|e| io(path, e))?;
                removed.push(path.clone());
            }
        }
        Ok(removed)
    }

    /// Runs (or resumes) to the end, or until the observer asks to stop.
    pub fn run(&mut self, observer: &mut dyn Observer) -> Result<Outcome, TrainError> {
        let total = self.state.total_steps;
        observer.started(total, self.resumed_from, &self.summary);
        let mut plan = self.plan(self.state.epoch);
        let started = Instant::now();
        let first_step = self.state.step;
        let mut last_saved =
            self.resumed_from.map(|s| (s, list_checkpoints(&self.output).pop().map(|c| c.1).unwrap_or_default()));
        if self.state.step == 0 && self.spec.eval_every > 0 && !self.validation.is_empty() {
            let e = self.evaluate()?;
            observer.eval(&e);
        }
        while self.state.step < total {
            let micro = self.next_micro_batches(&mut plan);
            if micro.is_empty() {
                break;
            }
            let lr = learning_rate(&self.spec, self.state.step, total);
            let t0 = Instant::now();
            let (loss, grad_norm, tokens) = self.train_step(&micro, lr)?;
            let dt = t0.elapsed().as_secs_f64();
            let elapsed = started.elapsed().as_secs_f64();
            let done = self.state.step - first_step;
            let per_step = elapsed / done.max(1) as f64;
            observer.step(&StepMetrics {
                step: self.state.step,
                total_steps: total,
                epoch: self.state.epoch,
                loss,
                learning_rate: lr,
                grad_norm,
                tokens,
                tokens_per_second: tokens as f64 / dt.max(1e-9),
                elapsed_seconds: elapsed,
                eta_seconds: per_step * (total - self.state.step) as f64,
                memory_bytes: memory_in_use(&self.model.device),
                tokens_by_language: self.state.tokens_by_language.clone(),
            });
            let last = self.state.step >= total;
            let eval_now = !self.validation.is_empty()
                && (last || (self.spec.eval_every > 0 && self.state.step % self.spec.eval_every == 0));
            if eval_now {
                let e = self.evaluate()?;
                self.state.validation_loss = Some(e.loss);
                observer.eval(&e);
            }
            let stop = !last && observer.should_stop();
            if last || stop || self.state.step % self.spec.save_every == 0 {
                let c = self.save_checkpoint()?;
                last_saved = Some((c.step, c.path.clone()));
                observer.checkpoint(&c);
            }
            if stop {
                let (step, checkpoint) = last_saved.clone().expect("just saved");
                return Ok(Outcome::Stopped { checkpoint, step });
            }
        }
        let checkpoint = match last_saved {
            Some((s, p)) if s == self.state.step => p,
            _ => {
                let c = self.save_checkpoint()?;
                observer.checkpoint(&c);
                c.path
            }
        };
        Ok(Outcome::Finished { checkpoint, steps: self.state.step })
    }
}

/// Resident memory of this process (CPU) — the figure a person compares with the machine's RAM.
fn memory_in_use(_device: &Device) -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Reads a checkpoint's trainable tensors.
pub fn load_checkpoint_tensors(
    path: &Path,
    device: &Device,
) -> Result<std::collections::HashMap<String, Tensor>, TrainError> {
    let p = path.join("trainable.safetensors");
    let bytes = std::fs::read(&p).map_err(|e| io(&p, e))?;
    candle_core::safetensors::load_buffer(&bytes, device).map_err(|e| io(&p, e))
}

pub fn load_checkpoint_state(path: &Path) -> Result<TrainState, TrainError> {
    let p = path.join("state.json");
    let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
    serde_json::from_str(&text).map_err(|e| io(&p, e))
}

/// A run described in one file (`polytune train --config run.toml`): paths, then `[training]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFile {
    pub model: PathBuf,
    pub train: PathBuf,
    #[serde(default)]
    pub validation: Option<PathBuf>,
    pub output: PathBuf,
    /// A checkpoint folder of an earlier run to start from (continual tuning).
    #[serde(default)]
    pub init: Option<PathBuf>,
    #[serde(default)]
    pub training: TrainSpec,
}

impl RunFile {
    /// Paths are taken relative to the folder of the file that names them.
    pub fn paths(&self, base: &Path) -> RunPaths {
        RunPaths {
            model: base.join(&self.model),
            train: base.join(&self.train),
            validation: self.validation.as_ref().map(|v| base.join(v)),
            output: base.join(&self.output),
            init: self.init.as_ref().map(|i| base.join(i)),
        }
    }
}
