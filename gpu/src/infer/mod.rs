//! Inference: the Llama-family decoder of [`crate::model`] built for serving rather than training.
//!
//! - Weights stay as they come: GGUF blocks (Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K, …) are multiplied
//!   directly, by candle's quantized matmul (`QMatMul`) where it is fast and by our own
//!   [`kernels`] for Q4_1 and Q8_0, where candle 0.11 is slow (measured: 1 and 5 GMAC/s on one
//!   core); safetensors weights stay dense (f32 on the CPU, where candle's f32 gemm is faster
//!   than its f16 one).
//! - Each sequence has its own KV cache ([`SeqCache`], preallocated, grown by doubling), so
//!   sequences of different lengths run in one [`Engine::step`]: the linear layers see every new
//!   token of every sequence at once; attention runs per sequence against its own cache.
//! - A run's LoRA adapter ([`Adapter`]) is applied beside the base product (`x·Aᵀ·Bᵀ·scale`), so
//!   one loaded base serves several runs; a full fine-tune is loaded as its own dense model.
//!
//! On top: [`generate`] (one sequence, streaming, cancellable), [`loglikelihood`] (continuations
//! scored with their shared context run once) and [`batch`] (continuous batching).

use std::sync::Arc;

use candle_core::quantized::{QMatMul, QTensor};
use candle_core::{DType, Device, Module, Result, Tensor};

use crate::config::ModelConfig;

pub mod batch;
mod generate;
#[allow(unsafe_code)]
pub mod kernels;
mod load;

pub use generate::{
    Decoding, LoglikRequest, PROMPT_CHUNK, TokenLogprob, chat, generate, loglikelihood, loglikelihood_unbatched,
};
pub use load::{EngineError, Loaded, Opened, from_llama, load_checkpoint, load_engine, load_engine_with, open};

/// A weight matrix `[out, in]` as stored: quantized blocks or a dense f32 tensor.
#[derive(Clone, Debug)]
pub struct Weight {
    mat: Mat,
    bytes: usize,
    kind: String,
}

#[derive(Clone, Debug)]
enum Mat {
    /// candle's products (dense f32, and the block types it multiplies fast: Q4_0, Q4_K, Q5_K, Q6_K…).
    Candle(QMatMul),
    /// The project's own kernels (Q4_1, Q8_0; see [`kernels`]).
    Blocks(Arc<kernels::BlockMatrix>),
}

/// Whether Q4_1/Q8_0 products go through candle instead of our kernels (for comparisons).
/// `POLYTUNE_DEQUANTIZE=1`: quantized weights are expanded to f32 when loaded, and products run in
/// f32 with f32 activations (no 8-bit rounding): the arithmetic of a reference implementation
/// that dequantizes the same file, at four to eight times the memory.
pub(crate) fn dequantize_all() -> bool {
    std::env::var_os("POLYTUNE_DEQUANTIZE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// How a quantized model's products are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Arithmetic {
    /// Weights kept in their blocks, activations rounded to 8-bit blocks (llama.cpp's arithmetic):
    /// the least memory and the fastest decoding.
    #[default]
    Quantized,
    /// Weights expanded to f32 when loaded, every product in f32 (the arithmetic of a reference
    /// implementation that dequantizes the same file): what evaluation's log-likelihoods use.
    Exact,
}

impl Arithmetic {
    /// `POLYTUNE_DEQUANTIZE=1` makes every load exact.
    pub fn or_forced(self) -> Arithmetic {
        if dequantize_all() { Arithmetic::Exact } else { self }
    }
}

fn candle_only() -> bool {
    std::env::var_os("POLYTUNE_CANDLE_QMATMUL").is_some_and(|v| !v.is_empty() && v != "0")
}

impl Weight {
    pub fn dense(t: &Tensor) -> Result<Self> {
        let t = t.to_dtype(DType::F32)?.contiguous()?;
        let bytes = t.elem_count() * 4;
        Ok(Weight { mat: Mat::Candle(QMatMul::Tensor(t)), bytes, kind: "F32".into() })
    }

    pub fn quantized(q: Arc<QTensor>, arithmetic: Arithmetic) -> Result<Self> {
        let kind = format!("{:?}", q.dtype());
        if arithmetic == Arithmetic::Exact {
            let w = Weight::dense(&q.dequantize(&q.device())?)?;
            return Ok(Weight { kind: format!("{kind}→F32"), ..w });
        }
        if let Some(b) = blocks(&q)? {
            return Ok(Weight { bytes: b.bytes(), mat: Mat::Blocks(b), kind });
        }
        let mm = QMatMul::from_arc(q)?;
        let bytes = match &mm {
            QMatMul::QTensor(q) => q.storage_size_in_bytes(),
            QMatMul::Tensor(t) => t.elem_count() * 4,
            QMatMul::TensorF16(t) => t.elem_count() * 2,
        };
        Ok(Weight { mat: Mat::Candle(mm), bytes, kind })
    }

    fn from_blocks(b: Arc<kernels::BlockMatrix>, kind: String) -> Self {
        Weight { bytes: 0, mat: Mat::Blocks(b), kind }
    }

    /// `x` `[n, in]` (contiguous f32) → `[n, out]`.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match &self.mat {
            Mat::Candle(mm) => mm.forward(x),
            Mat::Blocks(b) => {
                let (rows, k) = x.dims2()?;
                if k != b.k {
                    candle_core::bail!("a product of [{rows}, {k}] with a weight of [{}, {}]", b.n, b.k);
                }
                let xs: Vec<f32> = x.flatten_all()?.to_vec1()?;
                Tensor::from_vec(b.matmul(&xs, rows), (rows, b.n), x.device())
            }
        }
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The storage type as GGUF names it (`Q4_1`, `Q6K`, `F32`, …).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    fn qtensor(&self) -> Option<&QTensor> {
        match &self.mat {
            Mat::Candle(QMatMul::QTensor(q)) => Some(q),
            _ => None,
        }
    }
}

/// Q4_1 and Q8_0 blocks laid out for our kernels (None for other types, or off the CPU).
fn blocks(q: &QTensor) -> Result<Option<Arc<kernels::BlockMatrix>>> {
    use candle_core::quantized::GgmlDType;
    let kind = match q.dtype() {
        GgmlDType::Q4_1 => kernels::Kind::Q4_1,
        GgmlDType::Q8_0 => kernels::Kind::Q8_0,
        _ => return Ok(None),
    };
    if candle_only() || !q.device().is_cpu() {
        return Ok(None);
    }
    let (n, k) = q.shape().dims2()?;
    Ok(kernels::BlockMatrix::from_gguf(kind, n, k, &q.data()?).map(Arc::new))
}

#[derive(Clone, Debug)]
pub struct Linear {
    pub weight: Weight,
    pub bias: Option<Tensor>,
}

impl Linear {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = self.weight.forward(x)?;
        match &self.bias {
            Some(b) => y.broadcast_add(b),
            None => Ok(y),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Block {
    pub attn_norm: Tensor,
    pub ffn_norm: Tensor,
    /// q, k, v, o, gate, up, down — the order of [`crate::LORA_TARGETS`].
    pub linears: [Linear; 7],
}

const Q: usize = 0;
const K: usize = 1;
const V: usize = 2;
const O: usize = 3;
const GATE: usize = 4;
const UP: usize = 5;
const DOWN: usize = 6;

#[derive(Clone, Debug)]
enum Embedding {
    Quantized(Arc<QTensor>),
    /// Shared with a tied output head.
    Blocks(Arc<kernels::BlockMatrix>),
    Dense(Tensor),
}

/// A loaded base model, shared (behind an `Arc`) by every sequence and adapter that uses it.
#[derive(Debug)]
pub struct Engine {
    pub cfg: ModelConfig,
    pub device: Device,
    embed: Embedding,
    pub layers: Vec<Block>,
    norm: Tensor,
    head: Weight,
    /// `[positions, head_dim / 2]`.
    cos: Tensor,
    sin: Tensor,
    /// What the weights are stored as, for people ("Q4_1 GGUF", "F32").
    pub format: String,
}

/// A LoRA adapter kept beside the base: per layer, per target, `(Aᵀ [in, r], Bᵀ [r, out], scale)`.
#[derive(Debug, Clone)]
pub struct Adapter {
    pub layers: Vec<[Option<(Tensor, Tensor, f64)>; 7]>,
}

impl Adapter {
    /// From a checkpoint's LoRA tensors, named as [`crate::model::Llama::add_lora`] names them.
    pub fn from_tensors(
        cfg: &ModelConfig,
        tensors: &std::collections::HashMap<String, Tensor>,
        rank: usize,
        alpha: f64,
    ) -> Result<Self> {
        let scale = alpha / rank.max(1) as f64;
        let mut layers = Vec::with_capacity(cfg.num_hidden_layers);
        for l in 0..cfg.num_hidden_layers {
            let mut parts: [Option<(Tensor, Tensor, f64)>; 7] = Default::default();
            for (i, n) in crate::LORA_TARGETS.iter().enumerate() {
                let p = format!("model.layers.{l}.{}", crate::model::linear_path(n));
                let (Some(a), Some(b)) =
                    (tensors.get(&format!("{p}.lora_A.weight")), tensors.get(&format!("{p}.lora_B.weight")))
                else {
                    continue;
                };
                let a = a.to_dtype(DType::F32)?.t()?.contiguous()?;
                let b = b.to_dtype(DType::F32)?.t()?.contiguous()?;
                parts[i] = Some((a, b, scale));
            }
            layers.push(parts);
        }
        Ok(Adapter { layers })
    }

    pub fn bytes(&self) -> usize {
        self.layers.iter().flatten().flatten().map(|(a, b, _)| (a.elem_count() + b.elem_count()) * 4).sum()
    }
}

/// Keys and values of one sequence, every layer: `[kv_heads, capacity, head_dim]` f32 buffers
/// filled up to `len`.
#[derive(Debug)]
pub struct SeqCache {
    k: Vec<Tensor>,
    v: Vec<Tensor>,
    len: usize,
    cap: usize,
}

impl SeqCache {
    pub fn new() -> Self {
        SeqCache { k: Vec::new(), v: Vec::new(), len: 0, cap: 0 }
    }

    /// Tokens held.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes reserved for this sequence's keys and values.
    pub fn bytes(&self) -> usize {
        self.k.iter().chain(&self.v).map(|t| t.elem_count() * 4).sum()
    }

    /// An independent copy (the context of several continuations, run once).
    pub fn fork(&self) -> Result<Self> {
        let copy = |ts: &[Tensor]| ts.iter().map(|t| t.copy()).collect::<Result<Vec<_>>>();
        Ok(SeqCache { k: copy(&self.k)?, v: copy(&self.v)?, len: self.len, cap: self.cap })
    }

    fn reserve(&mut self, engine: &Engine, needed: usize) -> Result<()> {
        if needed <= self.cap && !self.k.is_empty() {
            return Ok(());
        }
        let cfg = &engine.cfg;
        let cap = needed.next_power_of_two().max(64).min(cfg.max_position_embeddings.max(needed));
        let shape = (cfg.kv_heads(), cap, cfg.head_dim());
        let grow = |old: &mut Vec<Tensor>| -> Result<()> {
            let mut new = Vec::with_capacity(cfg.num_hidden_layers);
            for l in 0..cfg.num_hidden_layers {
                let t = Tensor::zeros(shape, DType::F32, &engine.device)?;
                if let Some(o) = old.get(l) {
                    if self.len > 0 {
                        t.slice_set(&o.narrow(1, 0, self.len)?.contiguous()?, 1, 0)?;
                    }
                }
                new.push(t);
            }
            *old = new;
            Ok(())
        };
        grow(&mut self.k)?;
        grow(&mut self.v)?;
        self.cap = cap;
        Ok(())
    }
}

impl Default for SeqCache {
    fn default() -> Self {
        Self::new()
    }
}

/// Which logits a row of a step wants back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// None (a prompt chunk that is not the last).
    Nothing,
    /// The last position's (the next token).
    Last,
    /// Every new position's (log-likelihood).
    All,
}

/// One sequence's part of a step: new tokens appended to its cache.
pub struct Row<'a> {
    pub cache: &'a mut SeqCache,
    pub tokens: &'a [u32],
    pub want: Want,
    pub adapter: Option<&'a Adapter>,
}

impl Engine {
    pub fn max_context(&self) -> usize {
        self.cfg.max_position_embeddings.min(self.cos.dim(0).unwrap_or(0))
    }

    /// Bytes of weights held (quantized blocks counted as stored).
    pub fn weight_bytes(&self) -> usize {
        let embed = match &self.embed {
            Embedding::Quantized(q) => q.storage_size_in_bytes(),
            Embedding::Blocks(b) => b.bytes(),
            Embedding::Dense(t) => t.elem_count() * 4,
        };
        let tied_head = !matches!(&self.embed, Embedding::Dense(_)) && self.cfg.tie_word_embeddings;
        let layers: usize = self
            .layers
            .iter()
            .map(|b| b.linears.iter().map(|l| l.weight.bytes()).sum::<usize>() + (b.attn_norm.elem_count() * 8))
            .sum();
        embed + layers + if tied_head { 0 } else { self.head.bytes() }
    }

    fn embed(&self, ids: &Tensor) -> Result<Tensor> {
        match &self.embed {
            Embedding::Quantized(q) => q.embedding(ids),
            Embedding::Blocks(b) => {
                let ids: Vec<u32> = ids.to_vec1()?;
                let mut out = Vec::with_capacity(ids.len() * b.k);
                for &i in &ids {
                    b.row_into(i as usize, &mut out);
                }
                Tensor::from_vec(out, (ids.len(), b.k), &self.device)
            }
            Embedding::Dense(t) => t.index_select(ids, 0),
        }
    }

    /// Runs one step: every row's new tokens through the model, appended to its cache. Returns,
    /// per row, the logits it wants (`[n, vocab]` f32) or None.
    pub fn step(&self, rows: &mut [Row]) -> Result<Vec<Option<Tensor>>> {
        let cfg = &self.cfg;
        let (hd, nh, nkv) = (cfg.head_dim(), cfg.num_attention_heads, cfg.kv_heads());
        let group = nh / nkv;
        let eps = cfg.rms_norm_eps as f32;
        let max = self.max_context();
        let mut ids = Vec::new();
        let mut positions = Vec::new();
        for r in rows.iter() {
            if r.tokens.is_empty() {
                candle_core::bail!("a step row has no tokens");
            }
            let end = r.cache.len + r.tokens.len();
            if end > max {
                candle_core::bail!("{end} tokens do not fit the model's context of {max}");
            }
            if let Some(&bad) = r.tokens.iter().find(|&&t| t as usize >= cfg.vocab_size) {
                candle_core::bail!("token id {bad} is outside the vocabulary of {}", cfg.vocab_size);
            }
            ids.extend_from_slice(r.tokens);
            positions.extend((r.cache.len..end).map(|p| p as u32));
        }
        for r in rows.iter_mut() {
            let needed = r.cache.len + r.tokens.len();
            r.cache.reserve(self, needed)?;
        }
        let total = ids.len();
        let ids = Tensor::from_vec(ids, total, &self.device)?;
        let positions = Tensor::from_vec(positions, total, &self.device)?;
        let cos = self.cos.index_select(&positions, 0)?.contiguous()?;
        let sin = self.sin.index_select(&positions, 0)?.contiguous()?;
        let mut x = self.embed(&ids)?;
        let scale = 1.0 / (hd as f64).sqrt();
        let adapters: Vec<Option<&Adapter>> = rows.iter().map(|r| r.adapter).collect();
        let spans: Vec<(usize, usize)> = {
            let mut o = 0;
            rows.iter()
                .map(|r| {
                    let s = (o, r.tokens.len());
                    o += r.tokens.len();
                    s
                })
                .collect()
        };
        for (li, layer) in self.layers.iter().enumerate() {
            let h = candle_nn::ops::rms_norm(&x, &layer.attn_norm, eps)?;
            let qkv = self.project(li, &layer.linears, &[Q, K, V], &h, &adapters, &spans)?;
            let q = candle_nn::rotary_emb::rope_thd(&qkv[0].reshape((1, total, nh, hd))?, &cos, &sin)?;
            let k = candle_nn::rotary_emb::rope_thd(&qkv[1].reshape((1, total, nkv, hd))?, &cos, &sin)?;
            let v = qkv[2].reshape((total, nkv, hd))?;
            let q = q.reshape((total, nh, hd))?;
            let k = k.reshape((total, nkv, hd))?;
            let mut outs = Vec::with_capacity(rows.len());
            for (r, &(o, t)) in rows.iter_mut().zip(&spans) {
                let past = r.cache.len;
                let qr = q.narrow(0, o, t)?.transpose(0, 1)?.contiguous()?; // [nh, t, hd]
                let kr = k.narrow(0, o, t)?.transpose(0, 1)?.contiguous()?; // [nkv, t, hd]
                let vr = v.narrow(0, o, t)?.transpose(0, 1)?.contiguous()?;
                r.cache.k[li].slice_set(&kr, 1, past)?;
                r.cache.v[li].slice_set(&vr, 1, past)?;
                let all = past + t;
                let ka = r.cache.k[li].narrow(1, 0, all)?;
                let va = r.cache.v[li].narrow(1, 0, all)?;
                // Query heads of one key/value head side by side: [nkv, group·t, hd].
                let qg = qr.reshape((nkv, group * t, hd))?;
                let mut scores = (qg.matmul(&ka.t()?)? * scale)?;
                if t > 1 {
                    let mask: Vec<f32> = (0..t)
                        .flat_map(|i| (0..all).map(move |j| if j <= past + i { 0.0 } else { f32::NEG_INFINITY }))
                        .collect();
                    let mask = Tensor::from_vec(mask, (t, all), &self.device)?;
                    scores =
                        scores.reshape((nkv, group, t, all))?.broadcast_add(&mask)?.reshape((nkv, group * t, all))?;
                }
                let probs = candle_nn::ops::softmax_last_dim(&scores)?;
                let a = probs.matmul(&va.contiguous()?)?; // [nkv, group·t, hd]
                outs.push(a.reshape((nh, t, hd))?.transpose(0, 1)?.reshape((t, nh * hd))?);
            }
            let attn =
                if outs.len() == 1 { outs.pop().unwrap_or_else(|| unreachable!()) } else { Tensor::cat(&outs, 0)? };
            let o = self.project(li, &layer.linears, &[O], &attn.contiguous()?, &adapters, &spans)?;
            x = (x + &o[0])?;
            let h = candle_nn::ops::rms_norm(&x, &layer.ffn_norm, eps)?;
            let gu = self.project(li, &layer.linears, &[GATE, UP], &h, &adapters, &spans)?;
            let m = (candle_nn::ops::silu(&gu[0])? * &gu[1])?;
            let d = self.project(li, &layer.linears, &[DOWN], &m, &adapters, &spans)?;
            x = (x + &d[0])?;
        }
        for r in rows.iter_mut() {
            r.cache.len += r.tokens.len();
        }
        // The vocabulary projection only for the positions someone wants.
        let mut pick = Vec::new();
        let mut counts = Vec::with_capacity(rows.len());
        for (r, &(o, t)) in rows.iter().zip(&spans) {
            let n = match r.want {
                Want::Nothing => 0,
                Want::Last => {
                    pick.push((o + t - 1) as u32);
                    1
                }
                Want::All => {
                    pick.extend((o..o + t).map(|i| i as u32));
                    t
                }
            };
            counts.push(n);
        }
        let mut out = Vec::with_capacity(rows.len());
        if pick.is_empty() {
            out.resize(rows.len(), None);
            return Ok(out);
        }
        let n = pick.len();
        let rows_x = x.index_select(&Tensor::from_vec(pick, n, &self.device)?, 0)?;
        let h = candle_nn::ops::rms_norm(&rows_x, &self.norm, eps)?;
        let logits = self.head.forward(&h.contiguous()?)?;
        let mut at = 0;
        for c in counts {
            if c == 0 {
                out.push(None);
            } else {
                out.push(Some(logits.narrow(0, at, c)?));
                at += c;
            }
        }
        Ok(out)
    }

    /// The products of `h` with the named linears of layer `li`, fused where candle can share one
    /// quantized copy of `h`, with each row's adapter added to its own tokens.
    fn project(
        &self,
        li: usize,
        linears: &[Linear; 7],
        which: &[usize],
        h: &Tensor,
        adapters: &[Option<&Adapter>],
        spans: &[(usize, usize)],
    ) -> Result<Vec<Tensor>> {
        let mut ys: Option<Vec<Tensor>> = None;
        if which.len() > 1 {
            let qs: Option<Vec<&QTensor>> = which.iter().map(|&i| linears[i].weight.qtensor()).collect();
            if let Some(qs) = qs {
                if qs.iter().all(|q| q.dtype() == qs[0].dtype()) {
                    ys = QTensor::gemv_fused_shared_lhs(&qs, h)?;
                }
            }
        }
        let mut ys = match ys {
            Some(ys) => which
                .iter()
                .zip(ys)
                .map(|(&i, y)| match &linears[i].bias {
                    Some(b) => y.broadcast_add(b),
                    None => Ok(y),
                })
                .collect::<Result<Vec<_>>>()?,
            None => which.iter().map(|&i| linears[i].forward(h)).collect::<Result<Vec<_>>>()?,
        };
        if adapters.iter().all(|a| a.is_none()) {
            return Ok(ys);
        }
        for (y, &i) in ys.iter_mut().zip(which) {
            let mut pieces = Vec::with_capacity(spans.len());
            let mut any = false;
            for (a, &(o, t)) in adapters.iter().zip(spans) {
                let yr = y.narrow(0, o, t)?;
                match a.and_then(|a| a.layers.get(li)).and_then(|l| l[i].as_ref()) {
                    Some((at, bt, s)) => {
                        let delta = h.narrow(0, o, t)?.matmul(at)?.matmul(bt)?;
                        pieces.push((yr + (delta * *s)?)?);
                        any = true;
                    }
                    None => pieces.push(yr),
                }
            }
            if any {
                *y = Tensor::cat(&pieces, 0)?;
            }
        }
        Ok(ys)
    }
}

/// RoPE tables `[positions, head_dim / 2]` for the model's frequencies.
fn rope_tables(cfg: &ModelConfig, device: &Device) -> Result<(Tensor, Tensor)> {
    let inv = crate::model::inv_freq(cfg);
    let half = inv.len();
    let max = cfg.max_position_embeddings.clamp(1, crate::model::MAX_ROPE_POSITIONS);
    let mut cos = Vec::with_capacity(max * half);
    let mut sin = Vec::with_capacity(max * half);
    for p in 0..max {
        for f in &inv {
            cos.push((p as f64 * f).cos() as f32);
            sin.push((p as f64 * f).sin() as f32);
        }
    }
    Ok((Tensor::from_vec(cos, (max, half), device)?, Tensor::from_vec(sin, (max, half), device)?))
}
