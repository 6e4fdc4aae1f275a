//! The Llama-family decoder (llama, mistral, qwen2) in candle: one definition for training
//! (autograd through every op), evaluation and generation with a KV cache.
//!
//! Weights keep their Hugging Face names and layouts (`model.layers.3.self_attn.q_proj.weight`
//! is `[out, in]`), so a checkpoint, an export and the browser preview all read the same tensors.

use std::collections::HashMap;

use candle_core::{D, DType, Device, Result, Tensor, Var};

use crate::config::ModelConfig;
use crate::sampler::SplitMix64;

/// A low-rank adapter on one linear layer: `y += scale · B(A(dropout(x)))`.
#[derive(Debug, Clone)]
pub struct LoraAdapter {
    /// `[rank, in]`, initialised like PEFT (Kaiming-uniform).
    pub a: Var,
    /// `[out, rank]`, zeros at the start.
    pub b: Var,
    pub scale: f64,
    pub dropout: f32,
}

#[derive(Debug, Clone)]
pub struct Linear {
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    pub lora: Option<LoraAdapter>,
}

/// What one forward pass needs besides the input: the compute dtype, and an RNG when dropout
/// is active (training).
pub struct Pass<'a> {
    pub dtype: DType,
    pub dropout_rng: Option<&'a mut SplitMix64>,
}

fn cast(t: &Tensor, dtype: DType) -> Result<Tensor> {
    if t.dtype() == dtype { Ok(t.clone()) } else { t.to_dtype(dtype) }
}

impl Linear {
    /// `x` is `[n, in]`.
    fn forward(&self, x: &Tensor, pass: &mut Pass) -> Result<Tensor> {
        let mut y = x.matmul(&cast(&self.weight, pass.dtype)?.t()?)?;
        if let Some(b) = &self.bias {
            y = y.broadcast_add(&cast(b, pass.dtype)?)?;
        }
        if let Some(l) = &self.lora {
            let x = match pass.dropout_rng.as_deref_mut() {
                Some(rng) if l.dropout > 0.0 => dropout(x, l.dropout, rng)?,
                _ => x.clone(),
            };
            let a = cast(l.a.as_tensor(), pass.dtype)?;
            let b = cast(l.b.as_tensor(), pass.dtype)?;
            let delta = x.matmul(&a.t()?)?.matmul(&b.t()?)?;
            y = (y + delta.affine(l.scale, 0.0)?)?;
        }
        Ok(y)
    }

    /// The weight with the adapter folded in: `W + scale · B A`.
    pub fn merged_weight(&self) -> Result<Tensor> {
        let w = self.weight.to_dtype(DType::F32)?;
        match &self.lora {
            None => Ok(w),
            Some(l) => w + l.b.as_tensor().matmul(l.a.as_tensor())?.affine(l.scale, 0.0)?,
        }
    }
}

/// Inverted dropout with a mask drawn from our own seeded generator, so that a run and its
/// resumption draw the same masks.
fn dropout(x: &Tensor, p: f32, rng: &mut SplitMix64) -> Result<Tensor> {
    let keep = 1.0 - p;
    let mask: Vec<f32> = (0..x.elem_count()).map(|_| if rng.next_f32() < keep { 1.0 / keep } else { 0.0 }).collect();
    let mask = Tensor::from_vec(mask, x.shape(), x.device())?.to_dtype(x.dtype())?;
    x.mul(&mask)
}

#[derive(Debug, Clone)]
pub struct Block {
    pub input_layernorm: Tensor,
    pub post_attention_layernorm: Tensor,
    pub q_proj: Linear,
    pub k_proj: Linear,
    pub v_proj: Linear,
    pub o_proj: Linear,
    pub gate_proj: Linear,
    pub up_proj: Linear,
    pub down_proj: Linear,
}

impl Block {
    pub fn linear(&self, name: &str) -> Option<&Linear> {
        Some(match name {
            "q_proj" => &self.q_proj,
            "k_proj" => &self.k_proj,
            "v_proj" => &self.v_proj,
            "o_proj" => &self.o_proj,
            "gate_proj" => &self.gate_proj,
            "up_proj" => &self.up_proj,
            "down_proj" => &self.down_proj,
            _ => return None,
        })
    }

    fn linear_mut(&mut self, name: &str) -> Option<&mut Linear> {
        Some(match name {
            "q_proj" => &mut self.q_proj,
            "k_proj" => &mut self.k_proj,
            "v_proj" => &mut self.v_proj,
            "o_proj" => &mut self.o_proj,
            "gate_proj" => &mut self.gate_proj,
            "up_proj" => &mut self.up_proj,
            "down_proj" => &mut self.down_proj,
            _ => return None,
        })
    }
}

/// Keys and values of every layer for the tokens seen so far.
#[derive(Debug, Clone, Default)]
pub struct KvCache {
    layers: Vec<Option<(Tensor, Tensor)>>,
    pub len: usize,
}

#[derive(Debug, Clone)]
pub struct Llama {
    pub cfg: ModelConfig,
    pub device: Device,
    pub embed_tokens: Tensor,
    pub layers: Vec<Block>,
    pub norm: Tensor,
    /// None when tied to the embeddings.
    pub lm_head: Option<Tensor>,
    cos: Tensor,
    sin: Tensor,
}

/// The longest context the RoPE tables are built for.
pub const MAX_ROPE_POSITIONS: usize = 131_072;

/// The sublayer names under `model.layers.N.` for each adaptable linear layer.
pub fn linear_path(name: &str) -> &'static str {
    match name {
        "q_proj" => "self_attn.q_proj",
        "k_proj" => "self_attn.k_proj",
        "v_proj" => "self_attn.v_proj",
        "o_proj" => "self_attn.o_proj",
        "gate_proj" => "mlp.gate_proj",
        "up_proj" => "mlp.up_proj",
        _ => "mlp.down_proj",
    }
}

/// The inverse frequencies of RoPE, with `rope_scaling` applied as `transformers` does.
pub fn inv_freq(cfg: &ModelConfig) -> Vec<f64> {
    let hd = cfg.head_dim();
    let mut inv: Vec<f64> = (0..hd / 2).map(|i| 1.0 / cfg.rope_theta.powf(2.0 * i as f64 / hd as f64)).collect();
    if let Some(s) = &cfg.rope_scaling {
        match s.rope_type.as_str() {
            "linear" => inv.iter_mut().for_each(|f| *f /= s.factor),
            "llama3" => {
                let old = s.original_max_position_embeddings.unwrap_or(8192) as f64;
                let low_wavelen = old / s.low_freq_factor;
                let high_wavelen = old / s.high_freq_factor;
                for f in inv.iter_mut() {
                    let wavelen = 2.0 * std::f64::consts::PI / *f;
                    if wavelen > low_wavelen {
                        *f /= s.factor;
                    } else if wavelen >= high_wavelen {
                        let smooth = (old / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
                        *f = (1.0 - smooth) * *f / s.factor + smooth * *f;
                    }
                }
            }
            _ => {}
        }
    }
    inv
}

fn take(weights: &mut HashMap<String, Tensor>, name: &str, shape: &[usize]) -> Result<Tensor> {
    let t =
        weights.remove(name).ok_or_else(|| candle_core::Error::Msg(format!("the weights have no tensor {name}")))?;
    if t.dims() != shape {
        candle_core::bail!("tensor {name} has shape {:?}, but config.json implies {:?}", t.dims(), shape);
    }
    Ok(t)
}

impl Llama {
    /// Builds the model from weights named as in Hugging Face checkpoints; every tensor is checked
    /// against the shape config.json implies. Tensors keep their dtype (cast per pass).
    pub fn new(cfg: &ModelConfig, mut weights: HashMap<String, Tensor>, device: &Device) -> Result<Self> {
        let shapes: HashMap<String, Vec<usize>> = cfg.weight_shapes().into_iter().collect();
        let mut get = |name: &str| take(&mut weights, name, &shapes[name]);
        let linear = |get: &mut dyn FnMut(&str) -> Result<Tensor>, p: &str, bias: bool| -> Result<Linear> {
            Ok(Linear {
                weight: get(&format!("{p}.weight"))?,
                bias: if bias { Some(get(&format!("{p}.bias"))?) } else { None },
                lora: None,
            })
        };
        let embed_tokens = get("model.embed_tokens.weight")?;
        let mut layers = Vec::with_capacity(cfg.num_hidden_layers);
        for l in 0..cfg.num_hidden_layers {
            let p = format!("model.layers.{l}");
            layers.push(Block {
                input_layernorm: get(&format!("{p}.input_layernorm.weight"))?,
                post_attention_layernorm: get(&format!("{p}.post_attention_layernorm.weight"))?,
                q_proj: linear(&mut get, &format!("{p}.self_attn.q_proj"), cfg.qkv_bias())?,
                k_proj: linear(&mut get, &format!("{p}.self_attn.k_proj"), cfg.qkv_bias())?,
                v_proj: linear(&mut get, &format!("{p}.self_attn.v_proj"), cfg.qkv_bias())?,
                o_proj: linear(&mut get, &format!("{p}.self_attn.o_proj"), cfg.o_bias())?,
                gate_proj: linear(&mut get, &format!("{p}.mlp.gate_proj"), false)?,
                up_proj: linear(&mut get, &format!("{p}.mlp.up_proj"), false)?,
                down_proj: linear(&mut get, &format!("{p}.mlp.down_proj"), false)?,
            });
        }
        let norm = get("model.norm.weight")?;
        let lm_head = if cfg.tie_word_embeddings { None } else { Some(get("lm_head.weight")?) };
        let inv = inv_freq(cfg);
        let hd = cfg.head_dim();
        // Positions beyond the table are refused by index_select (an error, not a crash); the cap keeps a
        // config with an absurd context length from allocating gigabytes.
        let max = cfg.max_position_embeddings.clamp(1, MAX_ROPE_POSITIONS);
        let mut cos = Vec::with_capacity(max * hd);
        let mut sin = Vec::with_capacity(max * hd);
        for p in 0..max {
            for _ in 0..2 {
                for f in &inv {
                    cos.push((p as f64 * f).cos() as f32);
                    sin.push((p as f64 * f).sin() as f32);
                }
            }
        }
        let cos = Tensor::from_vec(cos, (max, hd), device)?;
        let sin = Tensor::from_vec(sin, (max, hd), device)?;
        Ok(Llama { cfg: cfg.clone(), device: device.clone(), embed_tokens, layers, norm, lm_head, cos, sin })
    }

    /// Every weight by its Hugging Face name (LoRA not merged).
    pub fn named_weights(&self) -> Vec<(String, Tensor)> {
        let mut out = vec![("model.embed_tokens.weight".to_string(), self.embed_tokens.clone())];
        for (l, b) in self.layers.iter().enumerate() {
            let p = format!("model.layers.{l}");
            out.push((format!("{p}.input_layernorm.weight"), b.input_layernorm.clone()));
            out.push((format!("{p}.post_attention_layernorm.weight"), b.post_attention_layernorm.clone()));
            for n in crate::LORA_TARGETS {
                let lin = b.linear(n).expect("a known layer");
                out.push((format!("{p}.{}.weight", linear_path(n)), lin.weight.clone()));
                if let Some(bias) = &lin.bias {
                    out.push((format!("{p}.{}.bias", linear_path(n)), bias.clone()));
                }
            }
        }
        out.push(("model.norm.weight".to_string(), self.norm.clone()));
        if let Some(h) = &self.lm_head {
            out.push(("lm_head.weight".to_string(), h.clone()));
        }
        out
    }

    /// Replaces every weight by an f32 variable (full fine-tuning) and returns them by name.
    pub fn make_trainable(&mut self) -> Result<Vec<(String, Var)>> {
        let mut vars = Vec::new();
        let mut var = |t: &mut Tensor, name: String| -> Result<()> {
            let v = Var::from_tensor(&t.to_dtype(DType::F32)?)?;
            *t = v.as_tensor().clone();
            vars.push((name, v));
            Ok(())
        };
        var(&mut self.embed_tokens, "model.embed_tokens.weight".into())?;
        for (l, b) in self.layers.iter_mut().enumerate() {
            let p = format!("model.layers.{l}");
            var(&mut b.input_layernorm, format!("{p}.input_layernorm.weight"))?;
            var(&mut b.post_attention_layernorm, format!("{p}.post_attention_layernorm.weight"))?;
            for n in crate::LORA_TARGETS {
                let lin = b.linear_mut(n).expect("a known layer");
                var(&mut lin.weight, format!("{p}.{}.weight", linear_path(n)))?;
                if let Some(bias) = lin.bias.as_mut() {
                    var(bias, format!("{p}.{}.bias", linear_path(n)))?;
                }
            }
        }
        var(&mut self.norm, "model.norm.weight".into())?;
        if let Some(h) = self.lm_head.as_mut() {
            var(h, "lm_head.weight".into())?;
        }
        Ok(vars)
    }

    /// Adds LoRA adapters to the named layers of every block and returns their variables, named as
    /// PEFT names them inside `adapter_model.safetensors` (without the `base_model.model.` prefix).
    pub fn add_lora(
        &mut self,
        rank: usize,
        alpha: f64,
        dropout: f64,
        targets: &[String],
        rng: &mut SplitMix64,
    ) -> Result<Vec<(String, Var)>> {
        let mut vars = Vec::new();
        let scale = alpha / rank as f64;
        let device = self.device.clone();
        for (l, b) in self.layers.iter_mut().enumerate() {
            for n in crate::LORA_TARGETS {
                if !targets.iter().any(|t| t == n) {
                    continue;
                }
                let lin = b.linear_mut(n).expect("a known layer");
                let (out_dim, in_dim) = lin.weight.dims2()?;
                // PEFT: kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in)).
                let bound = 1.0 / (in_dim as f64).sqrt();
                let a: Vec<f32> = (0..rank * in_dim).map(|_| ((rng.next_f64() * 2.0 - 1.0) * bound) as f32).collect();
                let a = Var::from_vec(a, (rank, in_dim), &device)?;
                let bz = Var::zeros((out_dim, rank), DType::F32, &device)?;
                let p = format!("model.layers.{l}.{}", linear_path(n));
                vars.push((format!("{p}.lora_A.weight"), a.clone()));
                vars.push((format!("{p}.lora_B.weight"), bz.clone()));
                lin.lora = Some(LoraAdapter { a, b: bz, scale, dropout: dropout as f32 });
            }
        }
        Ok(vars)
    }

    /// Logits `[batch, seq, vocab]` (f32) for token ids `[batch, seq]`.
    ///
    /// `positions` are the RoPE positions of each token (`[batch·seq]`); `mask` is an additive
    /// attention mask `[batch, 1, seq, seq+cached]` (None: plain causal, or none for one token).
    pub fn forward(
        &self,
        ids: &Tensor,
        positions: &Tensor,
        mask: Option<&Tensor>,
        mut cache: Option<&mut KvCache>,
        pass: &mut Pass,
    ) -> Result<Tensor> {
        let h = self.hidden(ids, positions, mask, cache.as_deref_mut(), pass)?;
        let (b, t, d) = h.dims3()?;
        let head = self.lm_head.as_ref().unwrap_or(&self.embed_tokens);
        let logits = h.reshape((b * t, d))?.matmul(&cast(head, pass.dtype)?.t()?)?;
        // f32 logits (f64 kept for gradient checks).
        let out = if pass.dtype == DType::F64 { DType::F64 } else { DType::F32 };
        logits.to_dtype(out)?.reshape((b, t, self.cfg.vocab_size))
    }

    /// The final hidden states `[batch, seq, hidden]`, before the vocabulary projection.
    pub fn hidden(
        &self,
        ids: &Tensor,
        positions: &Tensor,
        mask: Option<&Tensor>,
        mut cache: Option<&mut KvCache>,
        pass: &mut Pass,
    ) -> Result<Tensor> {
        let (b, t) = ids.dims2()?;
        let cfg = &self.cfg;
        let (hd, nh, nkv) = (cfg.head_dim(), cfg.num_attention_heads, cfg.kv_heads());
        let dt = pass.dtype;
        let eps = cfg.rms_norm_eps as f32;
        let offset = cache.as_ref().map_or(0, |c| c.len);
        if let Some(c) = cache.as_deref_mut() {
            if c.layers.len() != self.layers.len() {
                c.layers = vec![None; self.layers.len()];
            }
        }
        let mut x =
            cast(&self.embed_tokens, dt)?.index_select(&ids.flatten_all()?, 0)?.reshape((b, t, cfg.hidden_size))?;
        let cos = self.cos.index_select(positions, 0)?.reshape((b, 1, t, hd))?.to_dtype(dt)?;
        let sin = self.sin.index_select(positions, 0)?.reshape((b, 1, t, hd))?.to_dtype(dt)?;
        let causal;
        let mask = match mask {
            Some(m) => Some(m.to_dtype(dt)?),
            None if t > 1 => {
                causal = causal_mask(t, offset, &self.device)?.to_dtype(dt)?;
                Some(causal)
            }
            None => None,
        };
        let scale = 1.0 / (hd as f64).sqrt();
        for (li, layer) in self.layers.iter().enumerate() {
            let h = candle_nn::ops::rms_norm_slow(&x, &cast(&layer.input_layernorm, dt)?, eps)?;
            let h2 = h.reshape((b * t, cfg.hidden_size))?;
            let q = layer.q_proj.forward(&h2, pass)?.reshape((b, t, nh, hd))?.transpose(1, 2)?.contiguous()?;
            let k = layer.k_proj.forward(&h2, pass)?.reshape((b, t, nkv, hd))?.transpose(1, 2)?.contiguous()?;
            let v = layer.v_proj.forward(&h2, pass)?.reshape((b, t, nkv, hd))?.transpose(1, 2)?.contiguous()?;
            let q = rope(&q, &cos, &sin)?;
            let mut k = rope(&k, &cos, &sin)?;
            let mut v = v;
            if let Some(c) = cache.as_deref_mut() {
                if let Some((pk, pv)) = &c.layers[li] {
                    k = Tensor::cat(&[pk, &k], 2)?;
                    v = Tensor::cat(&[pv, &v], 2)?;
                }
                c.layers[li] = Some((k.clone(), v.clone()));
            }
            let k = repeat_kv(&k, nh / nkv)?;
            let v = repeat_kv(&v, nh / nkv)?;
            let mut scores = q.matmul(&k.t()?)?.affine(scale, 0.0)?;
            if let Some(m) = &mask {
                scores = scores.broadcast_add(m)?;
            }
            let probs = softmax_last(&scores.to_dtype(DType::F32)?)?.to_dtype(dt)?;
            let attn = probs.matmul(&v)?.transpose(1, 2)?.reshape((b * t, nh * hd))?;
            let o = layer.o_proj.forward(&attn, pass)?.reshape((b, t, cfg.hidden_size))?;
            x = (x + o)?;
            let h = candle_nn::ops::rms_norm_slow(&x, &cast(&layer.post_attention_layernorm, dt)?, eps)?;
            let h2 = h.reshape((b * t, cfg.hidden_size))?;
            let gate = layer.gate_proj.forward(&h2, pass)?.silu()?;
            let up = layer.up_proj.forward(&h2, pass)?;
            let mlp = layer.down_proj.forward(&(gate * up)?, pass)?.reshape((b, t, cfg.hidden_size))?;
            x = (x + mlp)?;
        }
        if let Some(c) = cache {
            c.len += t;
        }
        candle_nn::ops::rms_norm_slow(&x, &cast(&self.norm, dt)?, eps)
    }
}

fn rope(x: &Tensor, cos: &Tensor, sin: &Tensor) -> Result<Tensor> {
    let hd = x.dim(D::Minus1)?;
    let x1 = x.narrow(D::Minus1, 0, hd / 2)?;
    let x2 = x.narrow(D::Minus1, hd / 2, hd / 2)?;
    let rotated = Tensor::cat(&[&x2.neg()?, &x1], D::Minus1)?;
    x.broadcast_mul(cos)? + rotated.broadcast_mul(sin)?
}

fn repeat_kv(x: &Tensor, n: usize) -> Result<Tensor> {
    if n == 1 {
        return Ok(x.clone());
    }
    let (b, kv, t, hd) = x.dims4()?;
    x.unsqueeze(2)?.expand((b, kv, n, t, hd))?.reshape((b, kv * n, t, hd))
}

/// Softmax over the last dimension from differentiable ops (candle's fused one has no backward).
fn softmax_last(x: &Tensor) -> Result<Tensor> {
    let max = x.max_keepdim(D::Minus1)?.detach();
    let e = x.broadcast_sub(&max)?.exp()?;
    e.broadcast_div(&e.sum_keepdim(D::Minus1)?)
}

/// `[1, 1, t, offset + t]`: token i sees every cached token and itself and those before it.
pub fn causal_mask(t: usize, offset: usize, device: &Device) -> Result<Tensor> {
    let s = offset + t;
    let m: Vec<f32> =
        (0..t).flat_map(|i| (0..s).map(move |j| if j <= offset + i { 0.0 } else { f32::NEG_INFINITY })).collect();
    Tensor::from_vec(m, (1, 1, t, s), device)
}

/// `[b, 1, t, t]` for packed rows: token i sees token j when j ≤ i and both belong to the same
/// example (`segments` gives each token's example, row by row).
pub fn segment_mask(segments: &[u32], b: usize, t: usize, device: &Device) -> Result<Tensor> {
    let mut m = Vec::with_capacity(b * t * t);
    for r in 0..b {
        let seg = &segments[r * t..(r + 1) * t];
        for i in 0..t {
            for j in 0..t {
                m.push(if j <= i && seg[i] == seg[j] { 0.0 } else { f32::NEG_INFINITY });
            }
        }
    }
    Tensor::from_vec(m, (b, 1, t, t), device)
}

/// Sum over positions of `-log p(target)` weighted by `weights` (0 for positions that do not
/// count). `logits` `[n, vocab]` f32, `targets` `[n]` u32, `weights` `[n]` f32.
pub fn weighted_nll(logits: &Tensor, targets: &Tensor, weights: &Tensor) -> Result<Tensor> {
    let logp = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let picked = logp.gather(&targets.unsqueeze(1)?, 1)?.squeeze(1)?;
    (picked * weights.to_dtype(logp.dtype())?)?.sum_all()?.neg()
}
