//! Model directories on disk: reading a Hugging Face directory, importing a GGUF file into one,
//! creating a tiny random model with its own BPE tokenizer, and writing files durably.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use serde_json::json;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::{BPE, BpeTrainerBuilder};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::{AddedToken, PreTokenizerWrapper, Tokenizer};

use crate::config::ModelConfig;
use crate::model::Llama;
use crate::sampler::SplitMix64;
use crate::template::CHATML;
use crate::tokenizer::ChatTokenizer;

#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Tokenizer(#[from] crate::tokenizer::TokenizerError),
    #[error("{0}")]
    Model(String),
}

impl From<candle_core::Error> for ModelFileError {
    fn from(e: candle_core::Error) -> Self {
        ModelFileError::Model(e.to_string())
    }
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> ModelFileError {
    ModelFileError::File { path: path.to_path_buf(), message: e.to_string() }
}

fn read(path: &Path) -> Result<Vec<u8>, ModelFileError> {
    std::fs::read(path).map_err(|e| file_err(path, e))
}

/// A model directory read into memory: config, weights (as stored), tokenizer and template.
pub struct ModelDir {
    pub path: PathBuf,
    pub config: ModelConfig,
    pub config_json: String,
    pub tokenizer: ChatTokenizer,
}

impl ModelDir {
    /// Reads config.json and the tokenizer; weights are read by [`ModelDir::load_weights`].
    pub fn open(path: &Path) -> Result<Self, ModelFileError> {
        let config_path = path.join("config.json");
        let config_json = String::from_utf8(read(&config_path)?).map_err(|e| file_err(&config_path, e))?;
        let config = ModelConfig::from_json(&config_json)?;
        let tok = read(&path.join("tokenizer.json"))?;
        let tok_config = match std::fs::read(path.join("tokenizer_config.json")) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(file_err(&path.join("tokenizer_config.json"), e)),
        };
        let tokenizer = ChatTokenizer::from_bytes(&tok, tok_config.as_deref())?;
        Ok(ModelDir { path: path.to_path_buf(), config, config_json, tokenizer })
    }

    /// The GGUF file the weights live in, when the model was imported from one (kept quantized).
    pub fn gguf_path(&self) -> Option<PathBuf> {
        let p = self.path.join(GGUF_NAME);
        p.is_file().then_some(p)
    }

    /// Every `*.safetensors` file of the directory (sharded checkpoints included), in name order;
    /// for a GGUF model, its `model.gguf`.
    pub fn weight_files(&self) -> Result<Vec<PathBuf>, ModelFileError> {
        if let Some(g) = self.gguf_path() {
            return Ok(vec![g]);
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.path)
            .map_err(|e| file_err(&self.path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(file_err(&self.path, "no *.safetensors file in the model directory"));
        }
        Ok(files)
    }

    /// Every weight as a dense tensor (a GGUF model's blocks are dequantized here, on demand).
    pub fn load_weights(&self, device: &Device) -> Result<HashMap<String, Tensor>, ModelFileError> {
        if let Some(g) = self.gguf_path() {
            return gguf_dense_weights(&g, &self.config, device);
        }
        let mut all = HashMap::new();
        for f in self.weight_files()? {
            let bytes = read(&f)?;
            let tensors = candle_core::safetensors::load_buffer(&bytes, device).map_err(|e| file_err(&f, e))?;
            all.extend(tensors);
        }
        if self.config.tie_word_embeddings {
            all.remove("lm_head.weight");
        }
        Ok(all)
    }

    /// The model with its weights in `dtype`.
    pub fn load_model(&self, device: &Device, dtype: DType) -> Result<Llama, ModelFileError> {
        let weights = self
            .load_weights(device)?
            .into_iter()
            .map(|(k, v)| Ok((k, v.to_dtype(dtype)?)))
            .collect::<candle_core::Result<HashMap<_, _>>>()?;
        Ok(Llama::new(&self.config, weights, device)?)
    }
}

/// Writes `bytes` to `path` and flushes them to disk.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), ModelFileError> {
    let mut f = File::create(path).map_err(|e| file_err(path, e))?;
    f.write_all(bytes).map_err(|e| file_err(path, e))?;
    f.sync_all().map_err(|e| file_err(path, e))
}

/// Saves tensors as safetensors (with `format: pt`, which `transformers` expects) and fsyncs.
pub fn save_safetensors(path: &Path, tensors: &[(String, Tensor)]) -> Result<(), ModelFileError> {
    let mut owned: Vec<(String, Tensor)> = Vec::with_capacity(tensors.len());
    for (n, t) in tensors {
        owned.push((n.clone(), t.contiguous()?));
    }
    let metadata = Some(HashMap::from([("format".to_string(), "pt".to_string())]));
    let bytes =
        safetensors::serialize(owned.iter().map(|(n, t)| (n.as_str(), t)), metadata).map_err(|e| file_err(path, e))?;
    write_durably(path, &bytes)
}

/// Flushes a directory entry (after a rename into it).
pub fn sync_dir(path: &Path) -> Result<(), ModelFileError> {
    File::open(path).and_then(|f| f.sync_all()).map_err(|e| file_err(path, e))
}

// ---------------------------------------------------------------------------------------------
// GGUF

fn gguf_value<'a>(
    c: &'a candle_core::quantized::gguf_file::Content,
    key: &str,
) -> Option<&'a candle_core::quantized::gguf_file::Value> {
    c.metadata.get(key)
}

/// Imports a GGUF file (llama or qwen2 architecture) as a model directory at `out`: the GGUF
/// itself as `model.gguf` (weights stay quantized; dequantized only when training or exporting
/// needs them), config.json from its metadata, a tokenizer.json built from the GGUF vocabulary
/// and merges, and the chat template it carries.
pub fn import_gguf(gguf: &Path, out: &Path) -> Result<ModelConfig, ModelFileError> {
    use candle_core::quantized::gguf_file::Content;
    let mut reader = std::io::BufReader::new(File::open(gguf).map_err(|e| file_err(gguf, e))?);
    let content = Content::read(&mut reader).map_err(|e| file_err(gguf, format!("not a readable GGUF file: {e}")))?;
    let s = |k: &str| gguf_value(&content, k).and_then(|v| v.to_string().ok()).cloned();
    let arch = s("general.architecture").ok_or_else(|| file_err(gguf, "general.architecture is missing"))?;
    if arch != "llama" && arch != "qwen2" {
        return Err(file_err(gguf, format!("architecture {arch:?} is not supported (llama, qwen2)")));
    }
    let u = |k: &str| -> Result<usize, ModelFileError> {
        let key = format!("{arch}.{k}");
        let v = gguf_value(&content, &key).ok_or_else(|| file_err(gguf, format!("{key} is missing")))?;
        v.to_u32().map(|x| x as usize).or_else(|_| v.to_u64().map(|x| x as usize)).map_err(|e| file_err(gguf, e))
    };
    let f = |k: &str, default: f64| -> f64 {
        gguf_value(&content, &format!("{arch}.{k}")).and_then(|v| v.to_f32().ok()).map_or(default, |x| x as f64)
    };
    let tokens: Vec<String> = match gguf_value(&content, "tokenizer.ggml.tokens").map(|v| v.to_vec()) {
        Some(Ok(list)) => list.iter().filter_map(|v| v.to_string().ok().cloned()).collect(),
        _ => return Err(file_err(gguf, "tokenizer.ggml.tokens is missing")),
    };
    let n_head = u("attention.head_count")?;
    let n_kv = u("attention.head_count_kv").unwrap_or(n_head);
    let hidden = u("embedding_length")?;
    let has_output = content.tensor_infos.contains_key("output.weight");
    let token_id = |k: &str| gguf_value(&content, k).and_then(|v| v.to_u32().ok());
    let bos_id = token_id("tokenizer.ggml.bos_token_id");
    let eos_id = token_id("tokenizer.ggml.eos_token_id");
    let config = ModelConfig::from_json(
        &json!({
            "architectures": [if arch == "llama" { "LlamaForCausalLM" } else { "Qwen2ForCausalLM" }],
            "model_type": arch,
            "vocab_size": tokens.len(),
            "hidden_size": hidden,
            "intermediate_size": u("feed_forward_length")?,
            "num_hidden_layers": u("block_count")?,
            "num_attention_heads": n_head,
            "num_key_value_heads": n_kv,
            "rms_norm_eps": f("attention.layer_norm_rms_epsilon", 1e-5),
            "rope_theta": f("rope.freq_base", 10000.0),
            "max_position_embeddings": u("context_length").unwrap_or(2048),
            "tie_word_embeddings": !has_output,
            "bos_token_id": bos_id,
            "eos_token_id": eos_id,
            "torch_dtype": "float32",
        })
        .to_string(),
    )?;

    std::fs::create_dir_all(out).map_err(|e| file_err(out, e))?;
    // Check the tensors against the config before writing anything the studio would use.
    let shapes: HashMap<String, Vec<usize>> = config.weight_shapes().into_iter().collect();
    let mut present = std::collections::HashSet::new();
    for (gname, info) in &content.tensor_infos {
        let Some(name) = hf_name(gname) else { continue };
        let dims = info.shape.dims();
        if let Some(want) = shapes.get(&name) {
            if dims != want.as_slice() {
                return Err(file_err(gguf, format!("{gname} has shape {dims:?}, but the metadata implies {want:?}")));
            }
        }
        if dims.last().is_some_and(|d| d % info.ggml_dtype.block_size() != 0) {
            return Err(file_err(gguf, format!("{gname}: rows do not divide into {:?} blocks", info.ggml_dtype)));
        }
        present.insert(name);
    }
    if let Some(missing) = shapes
        .keys()
        .filter(|n| !(config.tie_word_embeddings && *n == "lm_head.weight"))
        .find(|n| !present.contains(*n))
    {
        return Err(file_err(gguf, format!("the file has no tensor for {missing}")));
    }
    // The weights stay as they are: the file itself is the model's weights.
    let target = out.join(GGUF_NAME);
    let tmp = out.join(".model.gguf.tmp");
    std::fs::copy(gguf, &tmp).map_err(|e| file_err(&tmp, e))?;
    File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| file_err(&tmp, e))?;
    std::fs::rename(&tmp, &target).map_err(|e| file_err(&target, e))?;

    let merges: Vec<(String, String)> = match gguf_value(&content, "tokenizer.ggml.merges").map(|v| v.to_vec()) {
        Some(Ok(list)) => list
            .iter()
            .filter_map(|v| v.to_string().ok())
            .filter_map(|m| m.split_once(' ').map(|(a, b)| (a.to_string(), b.to_string())))
            .collect(),
        _ => return Err(file_err(gguf, "tokenizer.ggml.merges is missing (only BPE vocabularies are supported)")),
    };
    let types: Vec<i32> = match gguf_value(&content, "tokenizer.ggml.token_type").map(|v| v.to_vec()) {
        Some(Ok(list)) => list.iter().map(|v| v.to_i32().unwrap_or(1)).collect(),
        _ => vec![1; tokens.len()],
    };
    let vocab: tokenizers::models::bpe::Vocab = tokens.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
    let bpe = BPE::builder().vocab_and_merges(vocab, merges).build().map_err(|e| file_err(gguf, e))?;
    let mut tokenizer = Tokenizer::new(bpe);
    let byte_level = ByteLevel::new(false, true, true);
    let pre: PreTokenizerWrapper = if s("tokenizer.ggml.pre").as_deref() == Some("smollm") {
        Sequence::new(vec![Digits::new(true).into(), byte_level.into()]).into()
    } else {
        byte_level.into()
    };
    tokenizer.with_pre_tokenizer(Some(pre));
    tokenizer.with_decoder(Some(ByteLevelDecoder::default()));
    let specials: Vec<AddedToken> = tokens
        .iter()
        .zip(&types)
        .filter(|(_, t)| **t == 3 || **t == 4)
        .map(|(tok, _)| AddedToken::from(tok.clone(), true))
        .collect();
    let _added = tokenizer.add_special_tokens(specials);
    tokenizer.save(out.join("tokenizer.json"), false).map_err(|e| file_err(out, e))?;
    let name = |id: Option<u32>| id.and_then(|i| tokens.get(i as usize)).cloned();
    let tok_config = json!({
        "bos_token": name(bos_id),
        "eos_token": name(eos_id),
        "chat_template": s("tokenizer.chat_template"),
        "model_max_length": config.max_position_embeddings,
    });
    write_durably(
        &out.join("tokenizer_config.json"),
        serde_json::to_string_pretty(&tok_config).unwrap_or_default().as_bytes(),
    )?;
    write_durably(&out.join("config.json"), serde_json::to_string_pretty(&config).unwrap_or_default().as_bytes())?;
    Ok(config)
}

/// The file name a GGUF model's weights keep inside a model directory.
pub const GGUF_NAME: &str = "model.gguf";

/// Every tensor of a GGUF file dequantized to f32, named as in Hugging Face checkpoints, with
/// llama's Q/K rows put back in Hugging Face order (training and export need dense weights).
pub fn gguf_dense_weights(
    gguf: &Path,
    config: &ModelConfig,
    device: &Device,
) -> Result<HashMap<String, Tensor>, ModelFileError> {
    use candle_core::quantized::gguf_file::Content;
    let mut reader = std::io::BufReader::new(File::open(gguf).map_err(|e| file_err(gguf, e))?);
    let content = Content::read(&mut reader).map_err(|e| file_err(gguf, format!("not a readable GGUF file: {e}")))?;
    let arch = gguf_value(&content, "general.architecture").and_then(|v| v.to_string().ok()).cloned();
    let hd = config.head_dim();
    let mut tensors = HashMap::new();
    for gname in content.tensor_infos.keys() {
        let Some(name) = hf_name(gname) else { continue };
        let qt = content.tensor(&mut reader, gname, device).map_err(|e| file_err(gguf, format!("{gname}: {e}")))?;
        let mut t = qt.dequantize(device)?.to_dtype(DType::F32)?;
        // llama.cpp stores Q and K of llama models with rows interleaved for its RoPE.
        if arch.as_deref() == Some("llama") && (gname.ends_with("attn_q.weight") || gname.ends_with("attn_k.weight")) {
            let heads = if gname.ends_with("attn_q.weight") { config.num_attention_heads } else { config.kv_heads() };
            let (rows, cols) = t.dims2()?;
            t = t.reshape((heads, hd / 2, 2, cols))?.transpose(1, 2)?.reshape((rows, cols))?;
        }
        tensors.insert(name, t);
    }
    if config.tie_word_embeddings {
        tensors.remove("lm_head.weight");
    }
    Ok(tensors)
}

/// The Hugging Face name of a GGUF tensor (None for tensors the model does not use).
pub(crate) fn hf_name(gguf: &str) -> Option<String> {
    let top = match gguf {
        "token_embd.weight" => Some("model.embed_tokens.weight"),
        "output_norm.weight" => Some("model.norm.weight"),
        "output.weight" => Some("lm_head.weight"),
        _ => None,
    };
    if let Some(t) = top {
        return Some(t.to_string());
    }
    let rest = gguf.strip_prefix("blk.")?;
    let (layer, part) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    let hf = match part {
        "attn_norm.weight" => "input_layernorm.weight",
        "ffn_norm.weight" => "post_attention_layernorm.weight",
        "attn_q.weight" => "self_attn.q_proj.weight",
        "attn_k.weight" => "self_attn.k_proj.weight",
        "attn_v.weight" => "self_attn.v_proj.weight",
        "attn_q.bias" => "self_attn.q_proj.bias",
        "attn_k.bias" => "self_attn.k_proj.bias",
        "attn_v.bias" => "self_attn.v_proj.bias",
        "attn_output.weight" => "self_attn.o_proj.weight",
        "ffn_gate.weight" => "mlp.gate_proj.weight",
        "ffn_up.weight" => "mlp.up_proj.weight",
        "ffn_down.weight" => "mlp.down_proj.weight",
        _ => return None,
    };
    Some(format!("model.layers.{layer}.{hf}"))
}

// ---------------------------------------------------------------------------------------------
// Tiny models

/// The shape of a tiny model made for experiments and tests.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct InitSpec {
    #[serde(default = "d_arch")]
    pub model_type: String,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub num_key_value_heads: usize,
    /// Size of the BPE vocabulary to train (special tokens included).
    pub vocab_size: usize,
    #[serde(default = "d_ctx")]
    pub max_position_embeddings: usize,
    #[serde(default = "yes")]
    pub tie_word_embeddings: bool,
    #[serde(default)]
    pub seed: u64,
}

fn d_arch() -> String {
    "llama".into()
}
fn d_ctx() -> usize {
    2048
}
fn yes() -> bool {
    true
}

impl Default for InitSpec {
    fn default() -> Self {
        InitSpec {
            model_type: d_arch(),
            hidden_size: 64,
            intermediate_size: 176,
            num_hidden_layers: 2,
            num_attention_heads: 4,
            num_key_value_heads: 2,
            vocab_size: 1024,
            max_position_embeddings: 2048,
            tie_word_embeddings: true,
            seed: 0,
        }
    }
}

const SPECIALS: [&str; 3] = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

/// Trains a byte-level BPE tokenizer on `texts` and writes a random model of the given shape
/// (normal(0, 0.02) weights, unit norms) as a Hugging Face directory with a ChatML template.
pub fn init_tiny(out: &Path, spec: &InitSpec, texts: &[String]) -> Result<ModelConfig, ModelFileError> {
    std::fs::create_dir_all(out).map_err(|e| file_err(out, e))?;
    let mut tokenizer = Tokenizer::new(BPE::default());
    tokenizer.with_pre_tokenizer(Some(ByteLevel::new(false, true, true)));
    tokenizer.with_decoder(Some(ByteLevelDecoder::default()));
    let mut trainer: tokenizers::models::TrainerWrapper = BpeTrainerBuilder::new()
        .vocab_size(spec.vocab_size)
        .min_frequency(2)
        .show_progress(false)
        .special_tokens(SPECIALS.iter().map(|s| AddedToken::from(s.to_string(), true)).collect())
        .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
        .build()
        .into();
    tokenizer
        .train(&mut trainer, texts.iter())
        .map_err(|e| ModelFileError::Model(format!("training the tokenizer: {e}")))?;
    tokenizer.save(out.join("tokenizer.json"), false).map_err(|e| file_err(out, e))?;
    let vocab = tokenizer.get_vocab_size(true);
    let tok_config = json!({
        "bos_token": null,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "chat_template": CHATML,
        "model_max_length": spec.max_position_embeddings,
    });
    write_durably(
        &out.join("tokenizer_config.json"),
        serde_json::to_string_pretty(&tok_config).unwrap_or_default().as_bytes(),
    )?;
    let config = ModelConfig::from_json(
        &json!({
            "architectures": [if spec.model_type == "qwen2" { "Qwen2ForCausalLM" } else { "LlamaForCausalLM" }],
            "model_type": spec.model_type,
            "vocab_size": vocab,
            "hidden_size": spec.hidden_size,
            "intermediate_size": spec.intermediate_size,
            "num_hidden_layers": spec.num_hidden_layers,
            "num_attention_heads": spec.num_attention_heads,
            "num_key_value_heads": spec.num_key_value_heads,
            "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0,
            "max_position_embeddings": spec.max_position_embeddings,
            "tie_word_embeddings": spec.tie_word_embeddings,
            "bos_token_id": null,
            "eos_token_id": tokenizer.token_to_id("<|im_end|>"),
            "torch_dtype": "float32",
        })
        .to_string(),
    )?;
    let tensors = random_weights(&config, spec.seed)?;
    save_safetensors(&out.join("model.safetensors"), &tensors)?;
    write_durably(&out.join("config.json"), serde_json::to_string_pretty(&config).unwrap_or_default().as_bytes())?;
    Ok(config)
}

/// Random weights for `config`: normal(0, 0.02) matrices and biases, ones for the norms.
pub fn random_weights(config: &ModelConfig, seed: u64) -> Result<Vec<(String, Tensor)>, ModelFileError> {
    let mut rng = SplitMix64(seed);
    let mut out = Vec::new();
    for (name, shape) in config.weight_shapes() {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = if name.ends_with("norm.weight") {
            vec![1.0; n]
        } else {
            (0..n).map(|_| (rng.next_normal() * 0.02) as f32).collect()
        };
        out.push((name, Tensor::from_vec(data, shape, &Device::Cpu)?));
    }
    Ok(out)
}

/// Copies the tokenizer files (and nothing else) from one model directory to another.
pub fn copy_tokenizer_files(from: &Path, to: &Path) -> Result<(), ModelFileError> {
    for name in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"] {
        let src = from.join(name);
        if src.exists() {
            let bytes = read(&src)?;
            write_durably(&to.join(name), &bytes)?;
        }
    }
    Ok(())
}

/// GGUF's name for a Hugging Face tensor name (the inverse of `hf_name`).
fn gguf_name(hf: &str) -> Option<String> {
    let top = match hf {
        "model.embed_tokens.weight" => Some("token_embd.weight"),
        "model.norm.weight" => Some("output_norm.weight"),
        "lm_head.weight" => Some("output.weight"),
        _ => None,
    };
    if let Some(t) = top {
        return Some(t.to_string());
    }
    let rest = hf.strip_prefix("model.layers.")?;
    let (layer, part) = rest.split_once('.')?;
    let g = match part {
        "input_layernorm.weight" => "attn_norm.weight",
        "post_attention_layernorm.weight" => "ffn_norm.weight",
        "self_attn.q_proj.weight" => "attn_q.weight",
        "self_attn.k_proj.weight" => "attn_k.weight",
        "self_attn.v_proj.weight" => "attn_v.weight",
        "self_attn.q_proj.bias" => "attn_q.bias",
        "self_attn.k_proj.bias" => "attn_k.bias",
        "self_attn.v_proj.bias" => "attn_v.bias",
        "self_attn.o_proj.weight" => "attn_output.weight",
        "mlp.gate_proj.weight" => "ffn_gate.weight",
        "mlp.up_proj.weight" => "ffn_up.weight",
        "mlp.down_proj.weight" => "ffn_down.weight",
        _ => return None,
    };
    Some(format!("blk.{layer}.{g}"))
}

/// Writes `src`'s model quantized as a model directory at `out` (config and tokenizer copied,
/// weights in `model.gguf`, laid out as llama.cpp lays them out: llama's Q/K rows interleaved).
/// Matrices take `dtype`, or Q8_0 where their rows do not divide into `dtype`'s blocks (as
/// llama.cpp falls back), or f32 where they do not divide into Q8_0's either; norms and biases
/// stay f32.
pub fn quantize_dir(
    src: &ModelDir,
    out: &Path,
    dtype: candle_core::quantized::GgmlDType,
) -> Result<(), ModelFileError> {
    use candle_core::quantized::{GgmlDType, QTensor, gguf_file};
    let cfg = &src.config;
    let weights = src.load_weights(&Device::Cpu)?;
    let llama = cfg.model_type == "llama";
    let hd = cfg.head_dim();
    let mut names: Vec<&String> = weights.keys().collect();
    names.sort();
    let mut tensors: Vec<(String, QTensor)> = Vec::new();
    for name in names {
        let Some(g) = gguf_name(name) else { continue };
        let mut t = weights[name].to_dtype(DType::F32)?;
        if t.rank() == 1 {
            tensors.push((g, QTensor::quantize(&t, GgmlDType::F32)?));
            continue;
        }
        if llama && (g.ends_with("attn_q.weight") || g.ends_with("attn_k.weight")) {
            let heads = if g.ends_with("attn_q.weight") { cfg.num_attention_heads } else { cfg.kv_heads() };
            let (rows, cols) = t.dims2()?;
            t = t.reshape((heads, 2, hd / 2, cols))?.transpose(1, 2)?.reshape((rows, cols))?;
        }
        let cols = t.dim(1)?;
        let q = if cols % dtype.block_size() == 0 {
            dtype
        } else if cols % GgmlDType::Q8_0.block_size() == 0 {
            GgmlDType::Q8_0
        } else {
            GgmlDType::F32
        };
        tensors.push((g, QTensor::quantize(&t, q)?));
    }
    std::fs::create_dir_all(out).map_err(|e| file_err(out, e))?;
    let arch = gguf_file::Value::String(cfg.model_type.clone());
    let tmp = out.join(".model.gguf.tmp");
    let mut f = File::create(&tmp).map_err(|e| file_err(&tmp, e))?;
    let refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    gguf_file::write(&mut f, &[("general.architecture", &arch)], &refs).map_err(|e| file_err(&tmp, e))?;
    f.sync_all().map_err(|e| file_err(&tmp, e))?;
    std::fs::rename(&tmp, out.join(GGUF_NAME)).map_err(|e| file_err(out, e))?;
    write_durably(&out.join("config.json"), src.config_json.as_bytes())?;
    copy_tokenizer_files(&src.path, out)?;
    Ok(())
}
