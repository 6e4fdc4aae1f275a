//! The server's model cache and batcher over HTTP: two clients stream answers at once while a
//! third scores log-likelihoods, and the model is loaded once; a stream the client closes frees
//! its place at once; mistakes are named.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::util::{Client, Db, TestApp, assert_problem};

/// Reads a streamed generation to its end: (text pieces joined, the `done` body).
async fn stream(c: &Client, path: &str, body: Value) -> (String, Value) {
    let mut res = c.request(Method::POST, path).json(&body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut raw = String::new();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(120), res.chunk()).await.unwrap().unwrap() {
        raw.push_str(&String::from_utf8_lossy(&chunk));
    }
    let mut text = String::new();
    let mut done = Value::Null;
    let mut event = "";
    for line in raw.lines() {
        if let Some(e) = line.strip_prefix("event: ") {
            event = e;
        } else if let Some(d) = line.strip_prefix("data: ") {
            let v: Value = serde_json::from_str(d).unwrap();
            match event {
                "text" => text.push_str(v["text"].as_str().unwrap()),
                "done" => done = v,
                other => panic!("unexpected event {other}: {v}"),
            }
        }
    }
    (text, done)
}

/// A new workspace with a micro tiny model made from the models test's data: (workspace, model).
async fn workspace_with_tiny_model(c: &Client, name: &str) -> (String, String) {
    let ws = c.workspace(name).await;
    let version = crate::models::ready_version(c, &ws).await;
    let model = crate::models::tiny_model(c, &ws, &version, 2).await;
    (ws, model["id"].as_str().unwrap().to_owned())
}

async fn status(c: &Client, ws: &str) -> Value {
    c.expect(Method::GET, &format!("/workspaces/{ws}/inference"), None, 200).await
}

#[tokio::test]
async fn concurrent_generation_and_loglikelihoods_share_one_loaded_model() {
    let app = TestApp::builder(Db::Sqlite).start().await;
    let c = app.admin().await;
    let (ws, mid) = workspace_with_tiny_model(&c, "Serve").await;
    assert_eq!(status(&c, &ws).await["models"], json!([]), "nothing is loaded before it is used");

    let gen_path = format!("/workspaces/{ws}/models/{mid}/generate/stream");
    let ask =
        |q: &str, n: u32| json!({"messages": [{"role": "user", "content": q}], "sampling": {"max_new_tokens": n}});
    let ll_body = json!({"requests": [
        {"context": "Zähle bis 3", "continuations": [" eins, zwei, drei", " un, deux"]},
        {"context": "Cuenta hasta 2", "continuations": [" uno, dos"]},
    ]});
    let ll_path = format!("/workspaces/{ws}/models/{mid}/loglikelihood");
    // Two more people, viewers of the workspace, each with their own session.
    let c2 = app.invite(&c, "ana@example.org", Some((&ws, "viewer"))).await;
    let c3 = app.invite(&c, "ben@example.org", Some((&ws, "viewer"))).await;
    let (a, b, ll) = tokio::join!(
        stream(&c, &gen_path, ask("Zähle bis 3", 40)),
        stream(&c2, &gen_path, ask("Compte jusqu'à 2", 40)),
        c3.expect(Method::POST, &ll_path, Some(ll_body.clone()), 200),
    );
    for (text, done) in [&a, &b] {
        assert_eq!(done["text"].as_str().unwrap(), text, "the streamed pieces add up to the answer");
        assert!(done["tokens"].as_u64().unwrap() > 0, "{done}");
        assert!(["stop", "length"].contains(&done["finish_reason"].as_str().unwrap()), "{done}");
    }
    let results = ll["results"].as_array().unwrap();
    assert_eq!(results.iter().map(|r| r.as_array().unwrap().len()).collect::<Vec<_>>(), [2, 1], "{ll}");
    for r in results.iter().flat_map(|r| r.as_array().unwrap()) {
        assert!(r["logprob"].as_f64().unwrap() < 0.0 && r["tokens"].as_u64().unwrap() > 0, "{r}");
    }
    // The same answer without streaming, and the same scores again: still one load.
    let plain = c
        .expect(Method::POST, &format!("/workspaces/{ws}/models/{mid}/generate"), Some(ask("Zähle bis 3", 40)), 200)
        .await;
    assert_eq!(plain["text"], a.1["text"], "greedy answers are repeatable, batched or not");
    let again = c.expect(Method::POST, &ll_path, Some(ll_body), 200).await;
    for (x, y) in again["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .zip(results.iter().flat_map(|r| r.as_array().unwrap()))
    {
        assert!((x["logprob"].as_f64().unwrap() - y["logprob"].as_f64().unwrap()).abs() < 1e-4);
    }
    let s = status(&c, &ws).await;
    let models = s["models"].as_array().unwrap();
    assert_eq!(models.len(), 1, "{s}");
    assert_eq!(s["loads"], 1, "the model was loaded once for five requests: {s}");
    assert_eq!(models[0]["model_id"], mid.as_str());
    assert!(models[0]["finished_requests"].as_u64().unwrap() >= 3, "{s}");
    assert!(models[0]["weight_bytes"].as_u64().unwrap() > 0 && models[0]["format"] == "F32", "{s}");

    // A stream the client closes leaves the batch at once.
    let mut res = c.request(Method::POST, &gen_path).json(&ask("Hallo", 2000)).send().await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(60), res.chunk()).await.unwrap().unwrap();
    assert!(first.is_some(), "the stream started");
    drop(res);
    let started = Instant::now();
    loop {
        let s = status(&c, &ws).await;
        let m = &s["models"][0];
        if m["active_sequences"] == 0 && m["cancelled_requests"].as_u64().unwrap() >= 1 {
            assert_eq!(m["cache_bytes"], 0, "{s}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the closed stream still runs: {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Mistakes are named.
    let bad = c.call(Method::POST, &ll_path, Some(json!({"requests": [{"context": "", "continuations": []}]}))).await;
    assert_problem(&bad, 422, "validation_failed");
    assert!(
        bad.1.to_string().contains("requests[0].context") && bad.1.to_string().contains("requests[0].continuations"),
        "{}",
        bad.1
    );
    let long = "word ".repeat(5000);
    let bad = c.call(Method::POST, &format!("/workspaces/{ws}/models/{mid}/generate"), Some(ask(&long, 4))).await;
    assert_problem(&bad, 422, "validation_failed");
    assert!(bad.1.to_string().contains("context"), "{}", bad.1);
}

#[tokio::test]
async fn a_model_larger_than_the_cache_is_refused_and_nothing_stays_loaded() {
    let app = TestApp::builder(Db::Sqlite).env("POLYTUNE_MODEL_CACHE_BYTES", "1000").start().await;
    let c = app.admin().await;
    let (ws, mid) = workspace_with_tiny_model(&c, "Small").await;
    let body = json!({"messages": [{"role": "user", "content": "Hallo"}], "sampling": {"max_new_tokens": 4}});
    for _ in 0..2 {
        let bad = c.call(Method::POST, &format!("/workspaces/{ws}/models/{mid}/generate"), Some(body.clone())).await;
        assert_problem(&bad, 422, "validation_failed");
        assert!(bad.1.to_string().contains("POLYTUNE_MODEL_CACHE_BYTES"), "{}", bad.1);
    }
    let s = status(&c, &ws).await;
    assert_eq!((s["models"].clone(), s["loads"].clone()), (json!([]), json!(0)), "{s}");
}
