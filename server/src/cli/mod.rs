//! Commands that use the model engine without a server: `polytune model init|import-gguf`,
//! `polytune train`, `polytune generate`, `polytune export`. Progress goes to stderr in words and
//! to stdout as one JSON object per line, for scripts and benchmarks.

mod langid;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use polytune_api::SamplingParams;
use polytune_gpu::export as engine;
use polytune_gpu::files::{InitSpec, ModelDir, import_gguf, init_tiny};
use polytune_gpu::template::Message;
use polytune_gpu::train::{CheckpointInfo, EvalMetrics, Observer, Outcome, RunFile, StepMetrics, Trainer, device_for};
use serde_json::json;

pub use langid::{LangidArgs, run as langid};

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// A llama-architecture model with random weights and a BPE tokenizer trained on text files.
    Init {
        /// Folder to write (config.json, model.safetensors, tokenizer.json, tokenizer_config.json).
        #[arg(long)]
        out: PathBuf,
        /// Text to train the tokenizer on: files, or folders searched for .txt/.jsonl/.tsv/.csv files.
        #[arg(long = "text", required = true)]
        text: Vec<PathBuf>,
        #[arg(long, default_value_t = 64)]
        hidden_size: usize,
        #[arg(long, default_value_t = 176)]
        intermediate_size: usize,
        #[arg(long, default_value_t = 2)]
        layers: usize,
        #[arg(long, default_value_t = 4)]
        heads: usize,
        #[arg(long, default_value_t = 2)]
        kv_heads: usize,
        #[arg(long, default_value_t = 1024)]
        vocab_size: usize,
        #[arg(long, default_value_t = 2048)]
        context: usize,
        /// llama or qwen2
        #[arg(long, default_value = "llama")]
        arch: String,
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// A GGUF file (llama or qwen2) dequantized into a Hugging Face directory.
    ImportGguf {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[arg(long)]
    pub model: PathBuf,
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// The user's message; rendered with the model's chat template.
    #[arg(long)]
    pub prompt: String,
    #[arg(long)]
    pub system: Option<String>,
    #[arg(long, default_value_t = 128)]
    pub max_new_tokens: usize,
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f32,
    #[arg(long, default_value_t = 1.0)]
    pub top_p: f32,
    #[arg(long, default_value_t = 0)]
    pub top_k: usize,
    #[arg(long, default_value_t = 1.0)]
    pub repetition_penalty: f32,
    #[arg(long)]
    pub stop: Vec<String>,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub model: PathBuf,
    #[arg(long)]
    pub checkpoint: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
    /// Write only the LoRA adapter (PEFT format) instead of merged weights.
    #[arg(long)]
    pub adapter: bool,
}

fn collect_text(paths: &[PathBuf], out: &mut Vec<String>) -> anyhow::Result<()> {
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            let wanted = |e: &Path| {
                e.is_dir() || e.extension().is_some_and(|x| ["txt", "jsonl", "tsv", "csv"].iter().any(|w| x == *w))
            };
            let entries: Vec<PathBuf> = entries.into_iter().filter(|e| wanted(e)).collect();
            collect_text(&entries, out)?;
        } else {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {} as UTF-8 text", p.display()))?;
            out.extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string));
        }
    }
    Ok(())
}

pub fn model(command: ModelCommand) -> anyhow::Result<()> {
    match command {
        ModelCommand::Init {
            out,
            text,
            hidden_size,
            intermediate_size,
            layers,
            heads,
            kv_heads,
            vocab_size,
            context,
            arch,
            seed,
        } => {
            let mut texts = Vec::new();
            collect_text(&text, &mut texts)?;
            if texts.is_empty() {
                bail!("no text found in {:?} to train the tokenizer on", text);
            }
            let spec = InitSpec {
                model_type: arch,
                hidden_size,
                intermediate_size,
                num_hidden_layers: layers,
                num_attention_heads: heads,
                num_key_value_heads: kv_heads,
                vocab_size,
                max_position_embeddings: context,
                tie_word_embeddings: true,
                seed,
            };
            let cfg = init_tiny(&out, &spec, &texts)?;
            eprintln!(
                "wrote {}: {} parameters, vocabulary {} (tokenizer trained on {} lines)",
                out.display(),
                cfg.parameter_count(),
                cfg.vocab_size,
                texts.len()
            );
        }
        ModelCommand::ImportGguf { file, out } => {
            let cfg = import_gguf(&file, &out)?;
            eprintln!("wrote {}: {} {} parameters", out.display(), cfg.model_type, cfg.parameter_count());
        }
    }
    Ok(())
}

struct Printer {
    stop: Arc<AtomicBool>,
}

fn line(v: serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{v}");
    let _ = out.flush();
}

impl Observer for Printer {
    fn started(&mut self, total: usize, resumed_from: Option<usize>, summary: &str) {
        eprintln!("{summary}");
        if let Some(s) = resumed_from {
            eprintln!("resuming from the checkpoint at step {s} of {total}");
        }
        line(json!({"event": "started", "total_steps": total, "resumed_from": resumed_from}));
    }
    fn step(&mut self, m: &StepMetrics) {
        eprintln!(
            "step {}/{}  loss {:.4}  lr {:.2e}  grad norm {:.3}  {:.0} tokens/s  eta {:.0} s",
            m.step, m.total_steps, m.loss, m.learning_rate, m.grad_norm, m.tokens_per_second, m.eta_seconds
        );
        line(json!({"event": "step", "metrics": m}));
    }
    fn eval(&mut self, m: &EvalMetrics) {
        let per: Vec<String> = m.loss_by_language.iter().map(|(l, v)| format!("{l} {v:.4}")).collect();
        eprintln!("validation at step {}: {:.4} ({})", m.step, m.loss, per.join(", "));
        line(json!({"event": "eval", "metrics": m}));
    }
    fn checkpoint(&mut self, c: &CheckpointInfo) {
        eprintln!("checkpoint {}", c.path.display());
        line(json!({"event": "checkpoint", "checkpoint": c}));
    }
    fn should_stop(&mut self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

pub async fn train(config: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(config).with_context(|| format!("reading {}", config.display()))?;
    let run: RunFile = toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", config.display()))?;
    let base = config.parent().unwrap_or(Path::new(".")).to_path_buf();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let watcher = tokio::spawn(async move {
        crate::shutdown_signal().await;
        eprintln!("stopping after this step (a checkpoint will be saved)");
        flag.store(true, Ordering::Relaxed);
    });
    let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<Outcome> {
        let device = device_for(&run.training)?;
        let mut trainer = Trainer::prepare(&run.paths(&base), &run.training, &device)?;
        Ok(trainer.run(&mut Printer { stop })?)
    })
    .await??;
    watcher.abort();
    match &outcome {
        Outcome::Finished { checkpoint, steps } => {
            eprintln!("finished after {steps} steps: {}", checkpoint.display());
            line(json!({"event": "finished", "steps": steps, "checkpoint": checkpoint}));
        }
        Outcome::Stopped { checkpoint, step } => {
            eprintln!("stopped at step {step}; run the same command to continue from {}", checkpoint.display());
            line(json!({"event": "stopped", "step": step, "checkpoint": checkpoint}));
        }
    }
    Ok(())
}

pub fn generate(a: &GenerateArgs) -> anyhow::Result<()> {
    let params = SamplingParams {
        temperature: a.temperature,
        top_k: a.top_k,
        top_p: a.top_p,
        repetition_penalty: a.repetition_penalty,
        max_new_tokens: a.max_new_tokens,
        stop: a.stop.clone(),
        seed: a.seed,
    };
    let loading = std::time::Instant::now();
    let m = polytune_gpu::infer::open(&a.model, a.checkpoint.as_deref())?;
    eprintln!(
        "loaded {} ({}, {:.0} MB of weights) in {:.1} s",
        a.model.display(),
        m.engine.format,
        m.engine.weight_bytes() as f64 / 1e6,
        loading.elapsed().as_secs_f64()
    );
    let mut messages = Vec::new();
    if let Some(s) = &a.system {
        messages.push(Message::new("system", s));
    }
    messages.push(Message::new("user", &a.prompt));
    let started = std::time::Instant::now();
    let out = polytune_gpu::infer::chat(
        &m.engine,
        m.adapter.as_deref(),
        &m.dir.tokenizer,
        &messages,
        &params,
        &mut |piece| {
            print!("{piece}");
            let _ = std::io::stdout().flush();
        },
        &|| false,
    )?;
    println!();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} tokens in {secs:.1} s ({:.1} tokens/s), finished by {}",
        out.tokens,
        out.tokens as f64 / secs,
        out.finish_reason
    );
    Ok(())
}

pub fn export(a: &ExportArgs) -> anyhow::Result<()> {
    let dir = ModelDir::open(&a.model)?;
    if a.adapter {
        let name = a.model.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        engine::export_adapter(&dir, &a.checkpoint, &name, &a.out)?;
    } else {
        let model = engine::load_with_checkpoint(&dir, Some(&a.checkpoint), &candle_device())?;
        engine::export_merged(&dir, &model, &a.out)?;
    }
    eprintln!("wrote {}", a.out.display());
    Ok(())
}

fn candle_device() -> polytune_gpu::candle::Device {
    polytune_gpu::candle::Device::Cpu
}
