//! Loading a model with a checkpoint applied, exporting it as a Hugging Face directory (merged
//! weights) or as a PEFT adapter, and generating text with a KV cache.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use polytune_api::TuneMethod;
use serde_json::json;

use crate::files::{ModelDir, copy_tokenizer_files, save_safetensors, write_durably};
use crate::model::Llama;
use crate::sampler::{SamplingParams, SplitMix64};
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

/// Renders `messages` with the model's template and generates the assistant's answer with the
/// inference engine (the model's weights copied into it, a LoRA adapter merged).
pub fn chat(
    model: &Llama,
    tok: &crate::tokenizer::ChatTokenizer,
    messages: &[Message],
    params: &SamplingParams,
    on_text: &mut dyn FnMut(&str),
) -> Result<Generated, TrainError> {
    let engine = crate::infer::from_llama(model)?;
    crate::infer::chat(&engine, None, tok, messages, params, on_text, &|| false).map_err(|e| match e {
        crate::infer::EngineError::Input(m) => TrainError::Input(m),
        e => TrainError::Input(e.to_string()),
    })
}
