//! The server's one model cache, shared by generation, log-likelihoods and (later) chat and the
//! OpenAI-compatible API: a model loads once (concurrent callers wait for the same load), stays
//! while it is used, and the least recently used unused model is unloaded when the weights held
//! exceed the memory budget. Each loaded model has one batching thread; adapters of several runs
//! sit beside one loaded base.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use polytune_api::TuneMethod;
use polytune_gpu::candle::Device;
use polytune_gpu::files::ModelDir;
use polytune_gpu::infer::batch::Batcher;
use polytune_gpu::infer::{Adapter, Arithmetic, Engine, Loaded, load_checkpoint, load_engine_with};
use polytune_gpu::tokenizer::ChatTokenizer;
use tokio::sync::OnceCell;

/// Sequences decoded together by one model's batcher.
const MAX_ACTIVE: usize = 16;
/// Prompt tokens per batching step (longer prompts go in chunks between decoding steps).
const STEP_TOKENS: usize = 256;

pub struct LoadedModel {
    pub model_id: String,
    pub workspace_id: String,
    /// The run checkpoint a full fine-tune was loaded from (None for a base model).
    pub checkpoint: Option<PathBuf>,
    pub engine: Arc<Engine>,
    pub tokenizer: Arc<ChatTokenizer>,
    pub batcher: Batcher,
    pub load_seconds: f64,
    adapters: Mutex<HashMap<PathBuf, Arc<Adapter>>>,
}

impl LoadedModel {
    pub fn adapter_count(&self) -> usize {
        self.adapters.lock().map(|a| a.len()).unwrap_or(0)
    }
}

struct Slot {
    cell: Arc<OnceCell<Arc<LoadedModel>>>,
    last_used: u64,
}

#[derive(Default)]
struct Inner {
    slots: HashMap<String, Slot>,
    clock: u64,
    loads: u64,
    unloads: u64,
}

pub struct ModelCache {
    budget: usize,
    inner: Mutex<Inner>,
}

/// What the cache holds, for people and tests.
pub struct Snapshot {
    pub budget: usize,
    pub loads: u64,
    pub unloads: u64,
    pub models: Vec<Arc<LoadedModel>>,
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ModelCache {
    pub fn new(budget: usize) -> Self {
        ModelCache { budget, inner: Mutex::new(Inner::default()) }
    }

    pub fn snapshot(&self) -> Snapshot {
        let inner = lock(&self.inner);
        let mut models: Vec<Arc<LoadedModel>> = inner.slots.values().filter_map(|s| s.cell.get().cloned()).collect();
        models.sort_by(|a, b| a.model_id.cmp(&b.model_id));
        Snapshot { budget: self.budget, loads: inner.loads, unloads: inner.unloads, models }
    }

    /// The model (and the run checkpoint's adapter, if it is a LoRA run) ready to serve, computing
    /// with `arithmetic`: a quantized model loaded with exact arithmetic is another entry of the
    /// cache (its f32 weights count against the budget).
    pub async fn open(
        &self,
        workspace_id: &str,
        model_id: &str,
        model_path: &Path,
        checkpoint: Option<&Path>,
        arithmetic: Arithmetic,
    ) -> Result<(Arc<LoadedModel>, Option<Arc<Adapter>>), String> {
        let full = match checkpoint {
            None => None,
            Some(ck) => {
                let ck2 = ck.to_path_buf();
                let state = tokio::task::spawn_blocking(move || polytune_gpu::train::load_checkpoint_state(&ck2))
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| e.to_string())?;
                Some((ck.to_path_buf(), state.spec.method))
            }
        };
        match full {
            Some((ck, TuneMethod::Full)) => {
                let m = self.get(workspace_id, model_id, model_path, Some(&ck), arithmetic).await?;
                Ok((m, None))
            }
            Some((ck, TuneMethod::Lora)) => {
                let m = self.get(workspace_id, model_id, model_path, None, arithmetic).await?;
                let a = self.adapter(&m, model_path, &ck).await?;
                Ok((m, Some(a)))
            }
            None => Ok((self.get(workspace_id, model_id, model_path, None, arithmetic).await?, None)),
        }
    }

    async fn get(
        &self,
        workspace_id: &str,
        model_id: &str,
        model_path: &Path,
        full_checkpoint: Option<&Path>,
        arithmetic: Arithmetic,
    ) -> Result<Arc<LoadedModel>, String> {
        let mut key = match full_checkpoint {
            Some(ck) => format!("{}#{}", model_path.display(), ck.display()),
            None => model_path.display().to_string(),
        };
        if arithmetic == Arithmetic::Exact {
            key.push_str("@exact");
        }
        let cell = {
            let mut inner = lock(&self.inner);
            inner.clock += 1;
            let now = inner.clock;
            let slot = inner
                .slots
                .entry(key.clone())
                .or_insert_with(|| Slot { cell: Arc::new(OnceCell::new()), last_used: now });
            slot.last_used = now;
            slot.cell.clone()
        };
        let (ws, id, path, ck) = (
            workspace_id.to_string(),
            model_id.to_string(),
            model_path.to_path_buf(),
            full_checkpoint.map(Path::to_path_buf),
        );
        let budget = self.budget;
        let loaded = cell
            .get_or_try_init(|| async move {
                let m = tokio::task::spawn_blocking(move || load(ws, id, &path, ck.as_deref(), arithmetic))
                    .await
                    .map_err(|e| format!("loading the model: {e}"))??;
                let bytes = m.engine.weight_bytes();
                if bytes > budget {
                    return Err(format!(
                        "the model needs {} MB for its weights; the model cache allows {} MB (POLYTUNE_MODEL_CACHE_BYTES)",
                        bytes / 1_000_000,
                        budget / 1_000_000
                    ));
                }
                lock(&self.inner).loads += 1;
                Ok::<_, String>(Arc::new(m))
            })
            .await
            .cloned();
        let mut inner = lock(&self.inner);
        match loaded {
            Err(e) => {
                // Nothing stays behind: the next request tries again from the start.
                if inner.slots.get(&key).is_some_and(|s| Arc::ptr_eq(&s.cell, &cell) && s.cell.get().is_none()) {
                    inner.slots.remove(&key);
                }
                Err(e)
            }
            Ok(m) => {
                self.evict(&mut inner, &key);
                Ok(m)
            }
        }
    }

    /// Unloads the least recently used models nobody uses until the weights held fit the budget.
    fn evict(&self, inner: &mut Inner, keep: &str) {
        loop {
            let held: usize = inner.slots.values().filter_map(|s| s.cell.get()).map(|m| m.engine.weight_bytes()).sum();
            if held <= self.budget {
                return;
            }
            let victim = inner
                .slots
                .iter()
                .filter(|(k, s)| k.as_str() != keep && s.cell.get().is_some_and(|m| Arc::strong_count(m) == 1))
                .min_by_key(|(_, s)| s.last_used)
                .map(|(k, _)| k.clone());
            match victim {
                Some(k) => {
                    tracing::info!(model = %k, "unloading the least recently used model to stay within the model cache");
                    inner.slots.remove(&k);
                    inner.unloads += 1;
                }
                // Everything else is in use: it stays until its users finish.
                None => return,
            }
        }
    }

    async fn adapter(&self, m: &Arc<LoadedModel>, model_path: &Path, ck: &Path) -> Result<Arc<Adapter>, String> {
        if let Some(a) = m.adapters.lock().ok().and_then(|a| a.get(ck).cloned()) {
            return Ok(a);
        }
        let (path, ck2) = (model_path.to_path_buf(), ck.to_path_buf());
        let loaded = tokio::task::spawn_blocking(move || -> Result<Adapter, String> {
            let dir = ModelDir::open(&path).map_err(|e| e.to_string())?;
            match load_checkpoint(&dir, &ck2, &Device::Cpu).map_err(|e| e.to_string())? {
                Loaded::Adapter(a) => Ok(a),
                Loaded::Base(_) => Err("this checkpoint holds a whole model, not an adapter".into()),
            }
        })
        .await
        .map_err(|e| e.to_string())??;
        let a = Arc::new(loaded);
        if let Ok(mut map) = m.adapters.lock() {
            map.insert(ck.to_path_buf(), a.clone());
        }
        Ok(a)
    }
}

fn load(
    workspace_id: String,
    model_id: String,
    path: &Path,
    full: Option<&Path>,
    arithmetic: Arithmetic,
) -> Result<LoadedModel, String> {
    let started = std::time::Instant::now();
    let dir = ModelDir::open(path).map_err(|e| e.to_string())?;
    let engine = match full {
        None => load_engine_with(&dir, &Device::Cpu, arithmetic).map_err(|e| e.to_string())?,
        Some(ck) => match load_checkpoint(&dir, ck, &Device::Cpu).map_err(|e| e.to_string())? {
            Loaded::Base(e) => *e,
            Loaded::Adapter(_) => return Err("this checkpoint holds an adapter, not a whole model".into()),
        },
    };
    let engine = Arc::new(engine);
    let tokenizer = Arc::new(dir.tokenizer);
    let batcher = Batcher::start(engine.clone(), tokenizer.clone(), MAX_ACTIVE, STEP_TOKENS);
    tracing::info!(model = %model_id, format = %engine.format, bytes = engine.weight_bytes(), "model loaded");
    Ok(LoadedModel {
        model_id,
        workspace_id,
        checkpoint: full.map(Path::to_path_buf),
        engine,
        tokenizer,
        batcher,
        load_seconds: started.elapsed().as_secs_f64(),
        adapters: Mutex::new(HashMap::new()),
    })
}
