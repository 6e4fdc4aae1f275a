//! Inference benchmark (release build, run on purpose by gpu/bench/infer_cpu.sh):
//!
//! `infer_bench MODEL_DIR|FILE.gguf` prints one JSON line per measurement (a GGUF file is
//! imported into a temporary model directory first, weights kept as they are):
//! - decode: batch-1 greedy tokens/s for 128 new tokens after a short prompt (stop tokens ignored);
//! - prompt: tokens/s for one 512-token prompt (in the engine's chunks);
//! - loglik: XCOPA-style requests/s (two continuations per context), batched with shared contexts;
//! - batch: aggregate tokens/s with 4 and 16 concurrent requests through the batcher, time to
//!   first token p50/p99, and key/value memory per active sequence;
//! - memory: resident set after loading and at the peak.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, mpsc};
use std::time::Instant;

use polytune_gpu::candle::Device;
use polytune_gpu::files::ModelDir;
use polytune_gpu::infer::batch::{Batcher, Event, Request};
use polytune_gpu::infer::{LoglikRequest, Row, SeqCache, Want, load_engine, loglikelihood};
use polytune_gpu::sampler::{SamplingParams, argmax};

fn rss_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The measured texts, shared with the llama.cpp peer (gpu/bench/llama_cpp_peer.py).
#[derive(serde::Deserialize)]
struct Workload {
    text: String,
    premises: Vec<String>,
    alternatives: Vec<(String, String)>,
}

fn main() {
    let workload: Workload = serde_json::from_str(include_str!("../bench/workload.json")).expect("workload.json");
    let arg = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: infer_bench MODEL_DIR|FILE.gguf"));
    let tmp = std::env::temp_dir().join(format!("polytune-infer-bench-{}", std::process::id()));
    let path = if arg.extension().is_some_and(|e| e == "gguf") {
        polytune_gpu::files::import_gguf(&arg, &tmp).expect("importing the GGUF");
        tmp.clone()
    } else {
        arg
    };
    let dir = ModelDir::open(&path).expect("model directory");
    let t = Instant::now();
    let engine = Arc::new(load_engine(&dir, &Device::Cpu).expect("engine"));
    println!(
        "{}",
        serde_json::json!({"what": "load", "seconds": t.elapsed().as_secs_f64(), "format": engine.format,
            "weight_bytes": engine.weight_bytes(), "rss_mb": rss_kb("VmRSS:") / 1024})
    );
    let tok = &dir.tokenizer;
    let long: Vec<u32> = tok.encode_text(&workload.text.repeat(12)).expect("tokens");

    // Batch-1 decode: 128 greedy tokens after a 16-token prompt, stop tokens ignored.
    for _ in 0..2 {
        let mut cache = SeqCache::new();
        let prompt = &long[..16];
        let mut rows = [Row { cache: &mut cache, tokens: prompt, want: Want::Last, adapter: None }];
        let mut l = engine.step(&mut rows).expect("step").pop().flatten().expect("logits");
        let t = Instant::now();
        for _ in 0..128 {
            let next = [argmax(&l.flatten_all().and_then(|x| x.to_vec1::<f32>()).expect("row"))];
            let mut rows = [Row { cache: &mut cache, tokens: &next, want: Want::Last, adapter: None }];
            l = engine.step(&mut rows).expect("step").pop().flatten().expect("logits");
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{}",
            serde_json::json!({"what": "decode", "tokens": 128, "seconds": s, "tokens_per_second": 128.0 / s,
                "rss_mb": rss_kb("VmRSS:") / 1024})
        );
    }

    // Prompt processing: 512 tokens in the engine's chunks.
    for _ in 0..2 {
        let mut cache = SeqCache::new();
        let t = Instant::now();
        for chunk in long[..512].chunks(polytune_gpu::infer::PROMPT_CHUNK) {
            let mut rows = [Row { cache: &mut cache, tokens: chunk, want: Want::Last, adapter: None }];
            engine.step(&mut rows).expect("step");
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{}",
            serde_json::json!({"what": "prompt", "tokens": 512, "seconds": s, "tokens_per_second": 512.0 / s})
        );
    }

    // XCOPA-style log-likelihoods: a premise with a connective, two alternatives.
    let (premises, alts) = (&workload.premises, &workload.alternatives);
    let requests: Vec<LoglikRequest> = (0..64)
        .map(|i| LoglikRequest {
            context: tok.encode_text(&premises[i % 8]).expect("tokens"),
            continuations: vec![
                tok.encode_text(&alts[i % 8].0).expect("tokens"),
                tok.encode_text(&alts[i % 8].1).expect("tokens"),
            ],
        })
        .collect();
    for _ in 0..2 {
        let t = Instant::now();
        let out = loglikelihood(&engine, None, &requests, 512, &|| false).expect("loglik");
        let s = t.elapsed().as_secs_f64();
        let picked_first = out
            .iter()
            .filter(|r| r[0].iter().map(|t| t.logprob).sum::<f32>() > r[1].iter().map(|t| t.logprob).sum::<f32>())
            .count();
        println!(
            "{}",
            serde_json::json!({"what": "loglik", "requests": requests.len(), "seconds": s,
                "requests_per_second": requests.len() as f64 / s, "first_alternative_preferred": picked_first})
        );
    }

    // Continuous batching: n requests at once, up to 64 new tokens each (a request may stop
    // earlier at an end-of-turn token; the tokens counted are those generated).
    let tok = Arc::new(ModelDir::open(&dir.path).expect("dir").tokenizer);
    let batcher = Batcher::start(engine.clone(), tok.clone(), 16, 256);
    for n in [1usize, 4, 16] {
        let (tx, rx) = mpsc::channel();
        let t = Instant::now();
        for i in 0..n {
            let tx = tx.clone();
            let prompt = long[i * 7..i * 7 + 24].to_vec();
            let r = Request {
                prompt,
                params: SamplingParams { max_new_tokens: 64, ..Default::default() },
                adapter: None,
                cancel: Arc::new(AtomicBool::new(false)),
                listener: Box::new(move |e| tx.send((i, Instant::now(), e)).is_ok()),
            };
            assert!(batcher.submit(r).is_ok());
        }
        drop(tx);
        let mut first = vec![None; n];
        let mut tokens = 0;
        let mut peak_cache = 0usize;
        for (i, at, e) in rx {
            peak_cache = peak_cache.max(batcher.stats.cache_bytes.load(std::sync::atomic::Ordering::Relaxed));
            if first[i].is_none() {
                first[i] = Some(at.duration_since(t).as_secs_f64());
            }
            if let Event::Done(g) = e {
                tokens += g.tokens;
            }
        }
        let s = t.elapsed().as_secs_f64();
        let mut ttft: Vec<f64> = first.into_iter().flatten().collect();
        ttft.sort_by(f64::total_cmp);
        let pct = |p: f64| ttft[((ttft.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "{}",
            serde_json::json!({"what": "batch", "concurrent": n, "tokens": tokens, "seconds": s,
                "tokens_per_second": tokens as f64 / s, "ttft_p50": pct(0.5), "ttft_p99": pct(0.99),
                "cache_bytes_per_sequence": peak_cache / n})
        );
    }
    println!(
        "{}",
        serde_json::json!({"what": "memory", "rss_mb": rss_kb("VmRSS:") / 1024, "peak_rss_mb": rss_kb("VmHWM:") / 1024})
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
