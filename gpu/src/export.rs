//! Loading a model with a checkpoint applied, exporting it as a Hugging Face directory (merged
//! weights) or as a PEFT adapter, and generating text with a KV cache.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use polytune_api::TuneMethod;
use serde_json::json;

use crate::files::{ModelDir, ModelFileError, copy_tokenizer_files, save_safetensors, write_durably};
use crate::model::{KvCache, Llama, Pass};
use crate::sampler::{Sampler, SamplingParams, SplitMix64, find_stop};
use crate::template::Message;
use crate::train::{TrainError, load_checkpoint_state, load_checkpoint_tensors};

/// The base model with a training checkpoint applied (adapter attached, or full weights set).
pub fn load_with_checkpoint(dir: &ModelDir, checkpoint: Option<&Path>, device: &Device) -> Result<Llama, TrainError> {
    let mut model = dir.load_model(device, DType::F32)?;
    let Some(ck) = checkpoint else { return Ok(model) };
    let state = load_checkpoint_state(ck)?;
    let tensors = load_checkpoint_tensors(ck, device)?;
    let vars = match state.spec.method {
        TuneMethod::Full => model.make_trainable()?,
        TuneMethod::Lora => {
            let l = &state.spec.lora;
            model.add_lora(l.rank, l.alpha, 0.0, &l.targets, &mut SplitMix64(0))?
        }
    };
    for (name, var) in &vars {
        let t = tensors.get(name).ok_or_else(|| TrainError::Input(format!("{} has no tensor {name}", ck.display())))?;
        var.set(t)?;
    }
    Ok(model)
}

/// Writes `model` (LoRA merged in) as a Hugging Face directory: config.json from the base,
/// model.safetensors in f32, and the base's tokenizer files.
pub fn export_merged(base: &ModelDir, model: &Llama, out: &Path) -> Result<(), TrainError> {
    std::fs::create_dir_all(out).map_err(|e| TrainError::Input(format!("{}: {e}", out.display())))?;
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    for (name, t) in model.named_weights() {
        tensors.push((name, t.to_dtype(DType::F32)?.detach()));
    }
    // Fold adapters in.
    for (l, block) in model.layers.iter().enumerate() {
        for n in crate::LORA_TARGETS {
            let lin = block.linear(n).expect("a known layer");
            if lin.lora.is_some() {
                let name = format!("model.layers.{l}.{}.weight", crate::model::linear_path(n));
                let merged = lin.merged_weight()?.detach();
                if let Some(slot) = tensors.iter_mut().find(|(k, _)| *k == name) {
                    slot.1 = merged;
                }
            }
        }
    }
    save_safetensors(&out.join("model.safetensors"), &tensors)?;
    let mut config: serde_json::Value = serde_json::from_str(&base.config_json).unwrap_or(json!({}));
    config["torch_dtype"] = json!("float32");
    write_durably(&out.join("config.json"), serde_json::to_string_pretty(&config).unwrap_or_default().as_bytes())?;
    copy_tokenizer_files(&base.path, out)?;
    Ok(())
}

/// Writes a LoRA checkpoint as a PEFT adapter: adapter_config.json and adapter_model.safetensors
/// (`base_model.model.` prefixed names, as `peft` saves them), plus the tokenizer files.
pub fn export_adapter(base: &ModelDir, checkpoint: &Path, base_name: &str, out: &Path) -> Result<(), TrainError> {
    let state = load_checkpoint_state(checkpoint)?;
    if state.spec.method != TuneMethod::Lora {
        return Err(TrainError::Input(
            "this run tuned every weight: export merged weights instead of an adapter".into(),
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| TrainError::Input(format!("{}: {e}", out.display())))?;
    let tensors = load_checkpoint_tensors(checkpoint, &Device::Cpu)?;
    let mut named: Vec<(String, Tensor)> =
        tensors.into_iter().map(|(k, v)| (format!("base_model.model.{k}"), v)).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    save_safetensors(&out.join("adapter_model.safetensors"), &named)?;
    let l = &state.spec.lora;
    let config = json!({
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": base_name,
        "r": l.rank,
        "lora_alpha": l.alpha,
        "lora_dropout": l.dropout,
        "target_modules": l.targets,
        "bias": "none",
        "fan_in_fan_out": false,
        "inference_mode": true,
        "init_lora_weights": true,
        "use_rslora": false,
        "use_dora": false,
        "modules_to_save": null,
        "layers_to_transform": null,
        "layers_pattern": null,
        "rank_pattern": {},
        "alpha_pattern": {},
        "revision": null,
    });
    write_durably(
        &out.join("adapter_config.json"),
        serde_json::to_string_pretty(&config).unwrap_or_default().as_bytes(),
    )?;
    copy_tokenizer_files(&base.path, out)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Generated {
    pub text: String,
    pub tokens: usize,
    /// "stop" (end of turn or a stop sequence) or "length".
    pub finish_reason: String,
}

/// Continues `prompt` token by token with the KV cache; `on_text` receives each new piece.
pub fn generate(
    model: &Llama,
    tok: &crate::tokenizer::ChatTokenizer,
    prompt: &[u32],
    params: &SamplingParams,
    on_text: &mut dyn FnMut(&str),
) -> Result<Generated, TrainError> {
    if let Some(e) = polytune_api::Validate::validate(params).into_iter().next() {
        return Err(TrainError::Input(format!("{}: {}", e.path, e.message)));
    }
    if prompt.is_empty() {
        return Err(TrainError::Input("the prompt is empty".into()));
    }
    let max_ctx = model.cfg.max_position_embeddings;
    if prompt.len() >= max_ctx {
        return Err(TrainError::Input(format!(
            "the prompt has {} tokens; the model's context is {max_ctx}",
            prompt.len()
        )));
    }
    let device = &model.device;
    let mut cache = KvCache::default();
    let mut sampler = Sampler::new(params.clone());
    let mut all: Vec<u32> = prompt.to_vec();
    let mut new: Vec<u32> = Vec::new();
    let mut input: Vec<u32> = prompt.to_vec();
    let mut text = String::new();
    let mut finish = "length";
    while new.len() < params.max_new_tokens && all.len() < max_ctx {
        let n = input.len();
        let ids = Tensor::from_vec(input.clone(), (1, n), device)?;
        let positions = Tensor::arange(cache.len as u32, (cache.len + n) as u32, device)?;
        let mut pass = Pass { dtype: DType::F32, dropout_rng: None };
        let logits = model.forward(&ids, &positions, None, Some(&mut cache), &mut pass)?;
        let mut last: Vec<f32> = logits.narrow(1, n - 1, 1)?.flatten_all()?.to_vec1()?;
        let next = sampler.sample(&mut last, &all);
        if tok.stop_ids.contains(&next) {
            finish = "stop";
            break;
        }
        all.push(next);
        new.push(next);
        let decoded = tok.decode(&new).map_err(|e| TrainError::Input(e.to_string()))?;
        if let Some(cut) = find_stop(&decoded, &params.stop) {
            let piece = &decoded[text.len().min(cut)..cut];
            on_text(piece);
            text = decoded[..cut].to_string();
            finish = "stop";
            break;
        }
        // Hold back text that may still become a longer character (a partial UTF-8 sequence).
        if !decoded.ends_with('\u{FFFD}') && decoded.len() > text.len() && decoded.starts_with(&text) {
            on_text(&decoded[text.len()..]);
            text = decoded;
        }
        input = vec![next];
    }
    if finish == "length" {
        let decoded = tok.decode(&new).map_err(|e| TrainError::Input(e.to_string()))?;
        if decoded.len() > text.len() && decoded.starts_with(&text) {
            on_text(&decoded[text.len()..]);
        }
        text = decoded;
    }
    Ok(Generated { text, tokens: new.len(), finish_reason: finish.to_string() })
}

/// Renders `messages` with the model's template and generates the assistant's answer.
pub fn chat(
    model: &Llama,
    tok: &crate::tokenizer::ChatTokenizer,
    messages: &[Message],
    params: &SamplingParams,
    on_text: &mut dyn FnMut(&str),
) -> Result<Generated, TrainError> {
    let prompt = tok.encode_prompt(messages).map_err(|e| TrainError::Input(e.to_string()))?;
    generate(model, tok, &prompt, params, on_text)
}

/// Loads a model directory and applies an optional checkpoint (for generation).
pub fn open_for_generation(model_dir: &Path, checkpoint: Option<&Path>) -> Result<(ModelDir, Llama), TrainError> {
    let dir = ModelDir::open(model_dir).map_err(|e: ModelFileError| TrainError::Files(e))?;
    let model = load_with_checkpoint(&dir, checkpoint, &Device::Cpu)?;
    Ok((dir, model))
}
