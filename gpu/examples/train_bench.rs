//! Trainer throughput on random tokens, the same work as gpu/bench/hf_peft_cpu.py (the peer):
//! a random-init model of a named shape, LoRA r=16 α=32 on q,k,v,o,gate,up,down (or full
//! tuning), AdamW, loss on every token. Prints one JSON line.
//!
//!     cargo run --release -p polytune-gpu --example train_bench -- <shape> <lora|full> <batch> <seq> [steps] [warmup]
//!
//! Shapes: `tiny` (4 layers of 256, vocabulary 8192) and `smollm2-135m`.

use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use polytune_api::TrainSpec;
use polytune_gpu::ModelConfig;
use polytune_gpu::files::random_weights;
use polytune_gpu::model::{Llama, Pass, weighted_nll};
use polytune_gpu::sampler::SplitMix64;
use polytune_gpu::train::AdamW;

fn shape(name: &str) -> ModelConfig {
    let json = match name {
        "tiny" => {
            r#"{"model_type":"llama","vocab_size":8192,"hidden_size":256,"intermediate_size":704,"num_hidden_layers":4,
            "num_attention_heads":4,"num_key_value_heads":2,"max_position_embeddings":2048,"tie_word_embeddings":true,"rms_norm_eps":1e-5}"#
        }
        "smollm2-135m" => {
            r#"{"model_type":"llama","vocab_size":49152,"hidden_size":576,"intermediate_size":1536,"num_hidden_layers":30,
            "num_attention_heads":9,"num_key_value_heads":3,"max_position_embeddings":2048,"tie_word_embeddings":true,"rms_norm_eps":1e-5}"#
        }
        other => panic!("unknown shape {other}"),
    };
    ModelConfig::from_json(json).expect("a valid shape")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map(String::as_str).unwrap_or("tiny");
    let mode = args.get(1).map(String::as_str).unwrap_or("lora");
    let batch: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4);
    let seq: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(256);
    let steps: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(5);
    let warm: usize = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(1);
    let cfg = shape(name);
    let device = Device::Cpu;
    let mut model = Llama::new(&cfg, random_weights(&cfg, 0)?.into_iter().collect(), &device)?;
    let targets: Vec<String> = polytune_gpu::LORA_TARGETS.iter().map(|s| s.to_string()).collect();
    let vars = if mode == "full" {
        model.make_trainable()?
    } else {
        model.add_lora(16, 32.0, 0.0, &targets, &mut SplitMix64(1))?
    };
    let mut opt = AdamW::new(&vars)?;
    let spec = TrainSpec { learning_rate: 1e-4, ..TrainSpec::default() };
    let mut rng = SplitMix64(7);
    let ids: Vec<u32> = (0..batch * seq).map(|_| (rng.next_u64() % cfg.vocab_size as u64) as u32).collect();
    let input = Tensor::from_vec(ids.clone(), (batch, seq), &device)?;
    let positions = Tensor::from_vec((0..batch).flat_map(|_| 0..seq as u32).collect::<Vec<_>>(), batch * seq, &device)?;
    let mut tgt = ids.clone();
    tgt.rotate_left(1);
    let weights: Vec<f32> = (0..batch * seq).map(|i| if (i + 1) % seq == 0 { 0.0 } else { 1.0 }).collect();
    let n = weights.iter().filter(|w| **w > 0.0).count();
    let targets_t = Tensor::from_vec(tgt, batch * seq, &device)?;
    let weights_t = Tensor::from_vec(weights, batch * seq, &device)?;
    let mut started = Instant::now();
    for i in 0..warm + steps {
        if i == warm {
            started = Instant::now();
        }
        let logits =
            model.forward(&input, &positions, None, None, &mut Pass { dtype: DType::F32, dropout_rng: None })?;
        let loss = (weighted_nll(&logits.reshape(((), cfg.vocab_size))?, &targets_t, &weights_t)? / n as f64)?;
        let grads = loss.backward()?;
        let mut g = Vec::with_capacity(vars.len());
        for (_, v) in &vars {
            g.push(match grads.get(v.as_tensor()) {
                Some(t) => t.clone(),
                None => v.zeros_like()?,
            });
        }
        opt.step(&vars, &g, 1e-4, i + 1, &spec)?;
    }
    let dt = started.elapsed().as_secs_f64();
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0);
    println!(
        "{}",
        serde_json::json!({"impl": "polytune", "case": name, "mode": mode, "batch": batch, "seq": seq,
            "tokens_per_s": (batch * seq * steps) as f64 / dt, "step_ms": 1000.0 * dt / steps as f64, "peak_rss_mib": rss / 1024,
            "params_m": cfg.parameter_count() as f64 / 1e6})
    );
    Ok(())
}
