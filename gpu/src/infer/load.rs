//! Building an [`Engine`]: from a model directory's GGUF file (blocks kept quantized), from its
//! safetensors (dense), or from a [`Llama`] with a checkpoint applied; and a run's LoRA adapter.

use std::path::Path;
use std::sync::Arc;

use candle_core::quantized::{QStorage, QTensor, gguf_file};
use candle_core::{DType, Device, Tensor};
use polytune_api::TuneMethod;

use super::{Adapter, Arithmetic, Block, Embedding, Engine, Linear, Weight, rope_tables};
use crate::files::{ModelDir, ModelFileError, hf_name};
use crate::model::Llama;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Files(#[from] ModelFileError),
    #[error("{0}")]
    Model(String),
    #[error("{0}")]
    Input(String),
    /// The caller asked to stop (between steps).
    #[error("cancelled")]
    Cancelled,
}

impl From<candle_core::Error> for EngineError {
    fn from(e: candle_core::Error) -> Self {
        EngineError::Model(e.to_string())
    }
}

impl From<crate::train::TrainError> for EngineError {
    fn from(e: crate::train::TrainError) -> Self {
        EngineError::Model(e.to_string())
    }
}

/// What a checkpoint adds to a base: an adapter beside it, or a whole model of its own.
pub enum Loaded {
    Base(Box<Engine>),
    Adapter(Adapter),
}

/// A model ready to generate: its directory (tokenizer, template), the base engine and the
/// checkpoint's adapter, if any.
pub struct Opened {
    pub dir: ModelDir,
    pub engine: Arc<Engine>,
    pub adapter: Option<Arc<Adapter>>,
}

/// Opens a model directory and an optional checkpoint of a run on it (CPU).
pub fn open(model_dir: &Path, checkpoint: Option<&Path>) -> Result<Opened, EngineError> {
    let dir = ModelDir::open(model_dir)?;
    let device = Device::Cpu;
    let base = || load_engine(&dir, &device).map(Arc::new);
    let (engine, adapter) = match checkpoint {
        None => (base()?, None),
        Some(ck) => match load_checkpoint(&dir, ck, &device)? {
            Loaded::Base(e) => (Arc::new(*e), None),
            Loaded::Adapter(a) => (base()?, Some(Arc::new(a))),
        },
    };
    Ok(Opened { dir, engine, adapter })
}

/// The base model of `dir`: GGUF blocks as they are when the directory holds `model.gguf`,
/// dense f32 otherwise.
pub fn load_engine(dir: &ModelDir, device: &Device) -> Result<Engine, EngineError> {
    load_engine_with(dir, device, Arithmetic::Quantized)
}

/// [`load_engine`] with a choice of arithmetic for a quantized (GGUF) model; dense models are
/// exact either way.
pub fn load_engine_with(dir: &ModelDir, device: &Device, arithmetic: Arithmetic) -> Result<Engine, EngineError> {
    match dir.gguf_path() {
        Some(gguf) => from_gguf(dir, &gguf, device, arithmetic.or_forced()),
        None => Ok(from_llama(&dir.load_model(device, DType::F32)?)?),
    }
}

/// A checkpoint of a run on `dir`'s base: LoRA → an adapter for the loaded base; full → a model.
pub fn load_checkpoint(dir: &ModelDir, checkpoint: &Path, device: &Device) -> Result<Loaded, EngineError> {
    let state = crate::train::load_checkpoint_state(checkpoint)?;
    match state.spec.method {
        TuneMethod::Lora => {
            let tensors = crate::train::load_checkpoint_tensors(checkpoint, device)?;
            let l = &state.spec.lora;
            Ok(Loaded::Adapter(Adapter::from_tensors(&dir.config, &tensors, l.rank, l.alpha)?))
        }
        TuneMethod::Full => {
            let model = crate::export::load_with_checkpoint(dir, Some(checkpoint), device)?;
            Ok(Loaded::Base(Box::new(from_llama(&model)?)))
        }
    }
}

/// A dense engine from a candle model (a LoRA adapter on it is merged into the weights).
pub fn from_llama(m: &Llama) -> candle_core::Result<Engine> {
    let lin = |l: &crate::model::Linear| -> candle_core::Result<Linear> {
        Ok(Linear {
            weight: Weight::dense(&l.merged_weight()?)?,
            bias: l.bias.as_ref().map(|b| b.to_dtype(DType::F32)).transpose()?,
        })
    };
    let mut layers = Vec::with_capacity(m.layers.len());
    for b in &m.layers {
        layers.push(Block {
            attn_norm: b.input_layernorm.to_dtype(DType::F32)?,
            ffn_norm: b.post_attention_layernorm.to_dtype(DType::F32)?,
            linears: [
                lin(&b.q_proj)?,
                lin(&b.k_proj)?,
                lin(&b.v_proj)?,
                lin(&b.o_proj)?,
                lin(&b.gate_proj)?,
                lin(&b.up_proj)?,
                lin(&b.down_proj)?,
            ],
        });
    }
    let embed = m.embed_tokens.to_dtype(DType::F32)?.contiguous()?;
    let head = Weight::dense(m.lm_head.as_ref().unwrap_or(&embed))?;
    let (cos, sin) = rope_tables(&m.cfg, &m.device)?;
    Ok(Engine {
        cfg: m.cfg.clone(),
        device: m.device.clone(),
        embed: Embedding::Dense(embed),
        layers,
        norm: m.norm.to_dtype(DType::F32)?,
        head,
        cos,
        sin,
        format: "F32".into(),
    })
}

/// Reorders the rows of a `[heads·head_dim, cols]` matrix from llama.cpp's interleaved RoPE
/// order back to Hugging Face's halves, block bytes moved as they are.
fn unpermute_rows(q: &QTensor, heads: usize, device: &Device) -> candle_core::Result<QTensor> {
    let (rows, _) = q.shape().dims2()?;
    let data = q.data()?;
    if heads == 0 || rows % heads != 0 || data.len() % rows != 0 {
        candle_core::bail!("cannot reorder {rows} rows into {heads} heads");
    }
    let hd = rows / heads;
    let half = hd / 2;
    let rb = data.len() / rows;
    let mut out = vec![0u8; data.len()];
    for h in 0..heads {
        for i in 0..half {
            for j in 0..2 {
                let old = h * hd + 2 * i + j;
                let new = h * hd + j * half + i;
                out[new * rb..(new + 1) * rb].copy_from_slice(&data[old * rb..(old + 1) * rb]);
            }
        }
    }
    let storage = QStorage::from_data(std::borrow::Cow::Owned(out), device, q.dtype())?;
    QTensor::new(storage, q.shape().clone())
}

fn from_gguf(dir: &ModelDir, path: &Path, device: &Device, arithmetic: Arithmetic) -> Result<Engine, EngineError> {
    let cfg = &dir.config;
    let err = |m: String| EngineError::Model(format!("{}: {m}", path.display()));
    let mut reader = std::io::BufReader::new(std::fs::File::open(path).map_err(|e| err(e.to_string()))?);
    let content = gguf_file::Content::read(&mut reader).map_err(|e| err(format!("not a readable GGUF file: {e}")))?;
    let arch = content.metadata.get("general.architecture").and_then(|v| v.to_string().ok()).cloned();
    let interleaved = arch.as_deref() == Some("llama");
    let shapes: std::collections::HashMap<String, Vec<usize>> = cfg.weight_shapes().into_iter().collect();
    let mut tensors: std::collections::HashMap<String, QTensor> = std::collections::HashMap::new();
    let names: Vec<String> = content.tensor_infos.keys().cloned().collect();
    for gname in names {
        let Some(name) = hf_name(&gname) else { continue };
        let mut qt = content.tensor(&mut reader, &gname, device).map_err(|e| err(format!("{gname}: {e}")))?;
        if let Some(want) = shapes.get(&name) {
            if qt.shape().dims() != want.as_slice() {
                return Err(err(format!(
                    "{gname} has shape {:?}, but config.json implies {want:?}",
                    qt.shape().dims()
                )));
            }
        }
        if interleaved && (gname.ends_with("attn_q.weight") || gname.ends_with("attn_k.weight")) {
            let heads = if gname.ends_with("attn_q.weight") { cfg.num_attention_heads } else { cfg.kv_heads() };
            qt = unpermute_rows(&qt, heads, device)?;
        }
        tensors.insert(name, qt);
    }
    let mut take = |name: &str| tensors.remove(name).ok_or_else(|| err(format!("the file has no tensor for {name}")));
    let dense = |q: QTensor| -> candle_core::Result<Tensor> { q.dequantize(device)?.to_dtype(DType::F32) };
    let mut format = std::collections::BTreeMap::<String, usize>::new();
    let mut weight = |q: QTensor| -> candle_core::Result<Weight> {
        let w = Weight::quantized(Arc::new(q), arithmetic)?;
        *format.entry(w.kind().to_string()).or_default() += 1;
        Ok(w)
    };
    let mut layers = Vec::with_capacity(cfg.num_hidden_layers);
    for l in 0..cfg.num_hidden_layers {
        let p = format!("model.layers.{l}");
        let mut lin = |n: &str, bias: bool| -> Result<Linear, EngineError> {
            let path = crate::model::linear_path(n);
            Ok(Linear {
                weight: weight(take(&format!("{p}.{path}.weight"))?)?,
                bias: if bias { Some(dense(take(&format!("{p}.{path}.bias"))?)?) } else { None },
            })
        };
        let qkv_bias = cfg.qkv_bias();
        let linears = [
            lin("q_proj", qkv_bias)?,
            lin("k_proj", qkv_bias)?,
            lin("v_proj", qkv_bias)?,
            lin("o_proj", cfg.o_bias())?,
            lin("gate_proj", false)?,
            lin("up_proj", false)?,
            lin("down_proj", false)?,
        ];
        layers.push(Block {
            attn_norm: dense(take(&format!("{p}.input_layernorm.weight"))?)?,
            ffn_norm: dense(take(&format!("{p}.post_attention_layernorm.weight"))?)?,
            linears,
        });
    }
    let norm = dense(take("model.norm.weight")?)?;
    let embed_q = Arc::new(take("model.embed_tokens.weight")?);
    let kind = format!("{:?}", embed_q.dtype());
    // Q4_1/Q8_0 embeddings are read by our kernels and, when tied, shared with the head.
    // Dequantized on request: the tied head too (a head on the blocks would round activations).
    let blocks = if arithmetic == Arithmetic::Exact { None } else { super::blocks(&embed_q)? };
    let (embed, tied) = match blocks {
        Some(b) => (Embedding::Blocks(b.clone()), Weight::from_blocks(b, kind)),
        None => (Embedding::Quantized(embed_q.clone()), Weight::quantized(embed_q, arithmetic)?),
    };
    let head = match take("lm_head.weight") {
        Ok(h) => weight(h)?,
        Err(_) if cfg.tie_word_embeddings => tied,
        Err(e) => return Err(e),
    };
    let (cos, sin) = rope_tables(cfg, device)?;
    let kinds: Vec<String> = format.iter().map(|(k, n)| format!("{k}×{n}")).collect();
    Ok(Engine {
        cfg: cfg.clone(),
        device: device.clone(),
        embed,
        layers,
        norm,
        head,
        cos,
        sin,
        format: format!("GGUF ({})", kinds.join(", ")),
    })
}
