//! Mixtures end to end over HTTP: two datasets and an aligned pair uploaded, a mixture with
//! per-language shares and a translation augmentation checked (mistakes named), materialized
//! (deterministic, validation split per language, contamination against an evaluation set,
//! exportable), a tiny model trained on it a few dozen steps with per-language validation loss,
//! a second run continuing the first with replay, and what the run wizard's estimates read.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::util::{Client, TestApp, assert_problem, upload, wait_for};

/// Imports `body` as a dataset (the guessed mapping, with `language` when given) and returns its
/// first version id.
pub(crate) async fn import(c: &Client, ws: &str, name: &str, body: Vec<u8>, language: Option<&str>) -> String {
    let blob = upload(c, ws, name, body).await;
    let ins = c
        .expect(Method::POST, &format!("/workspaces/{ws}/datasets/inspect"), Some(json!({"blob": blob["sha256"]})), 200)
        .await;
    let mut spec = ins["spec"].clone();
    if let Some(l) = language {
        spec["language"] = json!(l);
    }
    let ds = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/datasets"),
            Some(json!({"name": name, "blob": blob["sha256"], "spec": spec})),
            202,
        )
        .await;
    let id = ds["id"].as_str().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let d = c.expect(Method::GET, &format!("/workspaces/{ws}/datasets/{id}"), None, 200).await;
        if d["state"] == "ready" {
            return d["versions"][0]["id"].as_str().unwrap().to_owned();
        }
        assert!(d["state"] == "importing" && Instant::now() < deadline, "{d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until every version in `ids` has a finished profile in the builder's catalog.
async fn catalog_when_profiled(c: &Client, ws: &str, ids: &[&str]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let cat = c.expect(Method::GET, &format!("/workspaces/{ws}/mixtures/catalog"), None, 200).await;
        let ready = ids.iter().all(|id| {
            cat["sources"].as_array().unwrap().iter().any(|s| s["version_id"] == *id && s["profiled"] == true)
        });
        if ready {
            return cat;
        }
        assert!(Instant::now() < deadline, "profiles never finished: {cat}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Instructions in three languages: 40 German, 30 French, 20 Spanish.
fn instructions() -> Vec<u8> {
    let mut out = String::new();
    for (lang, n, ask, answer) in [
        ("deu", 40, "Nenne die Zahl nach", "Die nächste Zahl ist"),
        ("fra", 30, "Donne le nombre après", "Le nombre suivant est"),
        ("spa", 20, "Di el número después de", "El número siguiente es"),
    ] {
        for i in 0..n {
            let rec = json!({"instruction": format!("{ask} {i}, bitte (Aufgabe {lang}-{i})."), "output": format!("{answer} {}.", i + 1), "language": lang});
            out.push_str(&format!("{rec}\n"));
        }
    }
    out.into_bytes()
}

fn sentences(lang: &str, n: usize) -> Vec<u8> {
    let words = match lang {
        "eng" => "The weather in the city number",
        _ => "Das Wetter in der Stadt Nummer",
    };
    (0..n).map(|i| format!("{words} {i} is fine today.\n")).collect::<String>().into_bytes()
}

fn percent_spec(version: &str, percent: Value, aug: Option<Value>) -> Value {
    json!({
        "sources": [version],
        "shares": {"kind": "percent", "percent": percent, "total": 60},
        "seed": 11,
        "validation_fraction": 0.1,
        "augmentations": aug.into_iter().collect::<Vec<_>>(),
    })
}

db_test!(mixture_materialize_train_and_compare, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Mixtures").await;
    let data = import(&c, &ws, "instructions.jsonl", instructions(), None).await;
    let eng = import(&c, &ws, "eng.txt", sentences("eng", 24), Some("eng")).await;
    let deu = import(&c, &ws, "deu.txt", sentences("deu", 24), Some("deu")).await;
    let short = import(&c, &ws, "deu-short.txt", sentences("deu", 23), Some("deu")).await;
    // An evaluation set holding two of the German instructions.
    let eval_lines: Vec<u8> = String::from_utf8(instructions())
        .unwrap()
        .lines()
        .skip(5)
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .into_bytes();
    let eval = import(&c, &ws, "held-out.jsonl", eval_lines, None).await;
    c.expect(Method::POST, &format!("/workspaces/{ws}/evaluation-sets"), Some(json!({"version_id": eval})), 204).await;
    let cat = catalog_when_profiled(&c, &ws, &[&data, &eng, &deu, &short, &eval]).await;
    let src = cat["sources"].as_array().unwrap().iter().find(|s| s["version_id"] == data).unwrap();
    let langs: Vec<(&str, u64)> = src["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["language"].as_str().unwrap(), l["examples"].as_u64().unwrap()))
        .collect();
    assert_eq!(langs, [("deu", 40), ("fra", 30), ("spa", 20)], "{src}");
    assert!(cat["templates"].as_array().unwrap().len() >= 9);
    let translation =
        cat["templates"].as_array().unwrap().iter().find(|t| t["id"] == "builtin:translation-eng").unwrap().clone();
    let aug = |target: &str| json!({"template": translation, "inputs": {"source": eng, "target": target}, "shots": 1});

    // The augmentation previews on the real rows.
    let preview =
        c.expect(Method::POST, &format!("/workspaces/{ws}/mixtures/preview-augmentation"), Some(aug(&deu)), 200).await;
    assert_eq!(preview["total"], 24);
    let first = &preview["examples"][0]["turns"];
    assert!(first[0]["text"].as_str().unwrap().contains("from English into German"), "{preview}");
    assert_eq!(first[1]["text"], "Das Wetter in der Stadt Nummer 0 is fine today.");

    // Mistakes are named, and nothing is queued.
    let create = |spec: Value| json!({"name": "pinch", "spec": spec});
    let post = |body: Value| {
        let c = &c;
        let ws = &ws;
        async move { c.call(Method::POST, &format!("/workspaces/{ws}/mixtures"), Some(body)).await }
    };
    let bad = post(create(percent_spec(&data, json!({"deu": 50, "fra": 40}), None))).await;
    assert_problem(&bad, 422, "validation_failed");
    assert!(bad.1.to_string().contains("spec.shares.percent") && bad.1.to_string().contains("90%"), "{}", bad.1);
    let bad = post(create(percent_spec(&data, json!({"deu": 50, "kaz": 50}), None))).await;
    assert!(bad.1.to_string().contains("spec.shares.percent.kaz"), "{}", bad.1);
    let bad = post(create(
        json!({"sources": [data], "shares": {"kind": "budgets", "unit": "examples", "amounts": {"spa": 500}}}),
    ))
    .await;
    assert!(
        bad.1.to_string().contains("spec.shares.amounts.spa") && bad.1.to_string().contains("over-sampling"),
        "{}",
        bad.1
    );
    let bad = post(create(percent_spec(&data, json!({"deu": 50, "fra": 30, "spa": 20}), Some(aug(&short))))).await;
    assert!(
        bad.1.to_string().contains("spec.augmentations[0].inputs.target") && bad.1.to_string().contains("not aligned"),
        "{}",
        bad.1
    );
    let mut missing = aug(&deu);
    missing["template"]["assistant"] = json!("{{ target.meta.category }}");
    let bad = post(create(percent_spec(&data, json!({"deu": 50, "fra": 30, "spa": 20}), Some(missing)))).await;
    assert!(
        bad.1.to_string().contains("spec.augmentations[0].template") && bad.1.to_string().contains("category"),
        "{}",
        bad.1
    );
    let bad = post(create(json!({"sources": [eval], "shares": {"kind": "natural"}}))).await;
    assert!(bad.1.to_string().contains("evaluation set"), "{}", bad.1);
    assert!(
        c.expect(Method::GET, &format!("/workspaces/{ws}/mixtures"), None, 200).await.as_array().unwrap().is_empty()
    );

    // A good one: 50/30/20 of 60 examples plus 24 translation pairs.
    let spec = percent_spec(&data, json!({"deu": 50, "fra": 30, "spa": 20}), Some(aug(&deu)));
    let m = c.expect(Method::POST, &format!("/workspaces/{ws}/mixtures"), Some(create(spec.clone())), 202).await;
    assert_eq!(m["state"], "materializing");
    assert_eq!(m["plan"]["examples"], 84, "{m}");
    let job = wait_for(&c, &ws, m["job_id"].as_str().unwrap(), &["succeeded", "failed"], 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let m = c.expect(Method::GET, &format!("/workspaces/{ws}/mixtures/{}", m["id"].as_str().unwrap()), None, 200).await;
    assert_eq!(m["state"], "ready", "{m}");
    let r = &m["report"];
    let per_language = |field: &str| ["deu", "fra", "spa"].map(|l| r["languages"][l][field].as_u64());
    assert_eq!(per_language("examples"), [Some(30), Some(18), Some(12)], "{r}");
    assert_eq!(r["languages"]["deu"]["augmented"], 24, "{r}");
    assert_eq!(r["train_examples"], 84);
    // Validation: 10% of each language's candidates (German lost its two evaluation examples).
    assert_eq!(per_language("validation"), [Some(4), Some(3), Some(2)], "{r}");
    assert_eq!(r["contaminated"], 2, "{r}");
    assert!(r["contaminated_examples"][0].as_str().unwrap().contains("held-out.jsonl"), "{r}");

    // Exported as JSON lines: the training examples, with their lineage.
    let train_version = m["version_id"].as_str().unwrap().to_owned();
    let res = c
        .request(Method::GET, &format!("/workspaces/{ws}/versions/{train_version}/export?format=jsonl"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 84);
    assert!(lines.iter().filter(|e| e["meta"]["from_version"] == data).count() == 60);
    let res = c
        .request(Method::GET, &format!("/workspaces/{ws}/versions/{train_version}/export?format=parquet"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(&res.bytes().await.unwrap()[..4], b"PAR1");
    // Deterministic: the same recipe and seed give the same bytes.
    let again = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/mixtures"),
            Some(json!({"name": "pinch again", "spec": spec})),
            202,
        )
        .await;
    wait_for(&c, &ws, again["job_id"].as_str().unwrap(), &["succeeded"], 60).await;
    let again =
        c.expect(Method::GET, &format!("/workspaces/{ws}/mixtures/{}", again["id"].as_str().unwrap()), None, 200).await;
    let text2 = c
        .request(
            Method::GET,
            &format!("/workspaces/{ws}/versions/{}/export?format=jsonl", again["version_id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, text2, "same recipe, same seed, same mixture");

    // A tiny model trained on the mixture: validation per language from the mixture's split.
    let model = crate::models::tiny_model(&c, &ws, &data, 1).await;
    let mid = model["id"].as_str().unwrap().to_owned();
    // Tokens counted with the model's own tokenizer (the builder's token shares use them).
    let count_path = format!("/workspaces/{ws}/models/{mid}/count-tokens");
    let count_tokens = || c.expect(Method::POST, &count_path, Some(json!({"version_ids": [data]})), 202);
    let counting = count_tokens().await;
    assert_eq!(counting["jobs"].as_array().unwrap().len(), 1);
    wait_for(&c, &ws, counting["jobs"][0].as_str().unwrap(), &["succeeded"], 60).await;
    let cat = c.expect(Method::GET, &format!("/workspaces/{ws}/mixtures/catalog"), None, 200).await;
    let counted = cat["sources"].as_array().unwrap().iter().find(|s| s["version_id"] == data).unwrap();
    assert_eq!(counted["tokenizer"], counting["tokenizer"]);
    assert!(
        counted["languages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["tokens"].as_u64().unwrap() > l["examples"].as_u64().unwrap()),
        "{counted}"
    );
    let again = count_tokens().await;
    assert!(again["jobs"].as_array().unwrap().is_empty(), "already counted: {again}");
    let compute = c.expect(Method::GET, &format!("/workspaces/{ws}/compute?model_id={mid}"), None, 200).await;
    assert_eq!(compute["device"], "cpu");
    assert!(compute["calibration"].as_str().unwrap().contains("default"), "{compute}");
    let spec = json!({"method": "lora", "seq_len": 128, "batch_size": 4, "max_steps": 24, "epochs": 10, "eval_every": 8, "save_every": 8,
                      "learning_rate": 0.01, "seed": 3});
    let run = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "first", "model_id": mid, "dataset_version_id": train_version, "spec": spec})),
            202,
        )
        .await;
    assert_eq!(run["mixture_id"], m["id"]);
    let job = wait_for(&c, &ws, run["job_id"].as_str().unwrap(), &["succeeded", "failed"], 180).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let rid = run["id"].as_str().unwrap().to_owned();
    let detail = c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{rid}"), None, 200).await;
    let evals: Vec<&Value> = detail["points"].as_array().unwrap().iter().filter(|p| p["kind"] == "eval").collect();
    assert_eq!(evals.iter().map(|e| e["step"].as_i64().unwrap()).collect::<Vec<_>>(), [0, 8, 16, 24]);
    let by_lang = evals[3]["data"]["loss_by_language"].as_object().unwrap();
    assert_eq!(by_lang.keys().collect::<Vec<_>>(), ["deu", "fra", "spa"], "{}", evals[3]);
    let steps: Vec<&Value> = detail["points"].as_array().unwrap().iter().filter(|p| p["kind"] == "step").collect();
    let seen = steps.last().unwrap()["data"]["tokens_by_language"].as_object().unwrap();
    assert!(seen.contains_key("deu") && seen.contains_key("spa"), "{seen:?}");

    // The speed is now measured on that run.
    let compute = c.expect(Method::GET, &format!("/workspaces/{ws}/compute?model_id={mid}"), None, 200).await;
    assert!(compute["calibration"].as_str().unwrap().contains("first"), "{compute}");
    assert!(compute["flops_per_second"].as_f64().unwrap() > 0.0);

    // A second run continues the first, replaying half as much of its data; mistakes are named.
    let bad = c
        .call(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "second", "model_id": mid, "dataset_version_id": data,
                        "spec": {"method": "full", "seq_len": 128}, "continue_from": {"run_id": rid, "replay": 0.5}})),
        )
        .await;
    assert!(
        bad.1.to_string().contains("continue_from.run_id") && bad.1.to_string().contains("same method"),
        "{}",
        bad.1
    );
    let bad = c
        .call(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "x", "model_id": mid, "dataset_version_id": eval, "spec": spec})),
        )
        .await;
    assert!(bad.1.to_string().contains("evaluation set"), "{}", bad.1);
    let second = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "second", "model_id": mid, "dataset_version_id": train_version,
                        "spec": {"method": "lora", "seq_len": 128, "batch_size": 4, "max_steps": 8, "epochs": 5, "eval_every": 8, "learning_rate": 0.005, "seed": 3},
                        "continue_from": {"run_id": rid, "replay": 0.5}})),
            202,
        )
        .await;
    assert_eq!(second["mixture_id"], m["id"]);
    let job = wait_for(&c, &ws, second["job_id"].as_str().unwrap(), &["succeeded", "failed"], 180).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let d2 =
        c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{}", second["id"].as_str().unwrap()), None, 200).await;
    assert_eq!(d2["run"]["continue_from"]["run_id"], rid.as_str());
    let e2: Vec<&Value> = d2["points"].as_array().unwrap().iter().filter(|p| p["kind"] == "eval").collect();
    // It starts from the first run's adapter: on the same validation split, its step-0 loss is
    // the first run's final loss, not the base model's.
    let base0 = evals[0]["data"]["loss"].as_f64().unwrap();
    let first_end = evals[3]["data"]["loss"].as_f64().unwrap();
    let second0 = e2[0]["data"]["loss"].as_f64().unwrap();
    assert!(first_end < base0, "the first run learned: {base0} → {first_end}");
    assert!((second0 - first_end).abs() < 1e-4, "second run starts at {second0}, the first ended at {first_end}");
    // Replay: 84 new examples and 42 of the earlier run's data.
    let steps2: Vec<&Value> = d2["points"].as_array().unwrap().iter().filter(|p| p["kind"] == "step").collect();
    assert_eq!(steps2.len(), 8);

    let listed = c.expect(Method::GET, &format!("/workspaces/{ws}/mixtures"), None, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    // The training datasets of mixtures show up in the catalog for later mixtures.
    let cat = catalog_when_profiled(&c, &ws, &[&train_version]).await;
    let mixed = cat["sources"].as_array().unwrap().iter().find(|s| s["version_id"] == train_version).unwrap();
    assert_eq!(mixed["examples"], 84);
});

db_test!(templates_are_stored_per_workspace_and_checked, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Templates").await;
    let t = json!({"name": "Traduire vers l'anglais", "kind": "translation", "language": "fra", "roles": ["source", "target"],
                   "answer_role": "target", "user": "Traduis en {{ target.native_name }} :\n{{ source.text }}", "assistant": "{{ target.text }}"});
    let made = c.expect(Method::POST, &format!("/workspaces/{ws}/augment-templates"), Some(t.clone()), 201).await;
    let id = made["id"].as_str().unwrap().to_owned();
    let mut bad = t.clone();
    bad["user"] = json!("{{ sourc.text }} {% if %}");
    let r = c.call(Method::POST, &format!("/workspaces/{ws}/augment-templates"), Some(bad)).await;
    assert_problem(&r, 422, "validation_failed");
    assert!(r.1.to_string().contains("\"user\""), "{}", r.1);
    let mut changed = t.clone();
    changed["name"] = json!("Traduire (v2)");
    let u = c.expect(Method::PUT, &format!("/workspaces/{ws}/augment-templates/{id}"), Some(changed), 200).await;
    assert_eq!(u["name"], "Traduire (v2)");
    let r = c.call(Method::PUT, &format!("/workspaces/{ws}/augment-templates/builtin:translation-eng"), Some(t)).await;
    assert_eq!(r.0.as_u16(), 422, "{}", r.1);
    let all = c.expect(Method::GET, &format!("/workspaces/{ws}/augment-templates"), None, 200).await;
    assert!(all.as_array().unwrap().iter().any(|x| x["id"] == id.as_str() && x["language"] == "fra"));
    c.expect(Method::DELETE, &format!("/workspaces/{ws}/augment-templates/{id}"), None, 204).await;
    let r = c.call(Method::DELETE, &format!("/workspaces/{ws}/augment-templates/{id}"), None).await;
    assert_eq!(r.0.as_u16(), 404);
});

/// The run wizard's estimates against real runs on this machine (a benchmark, run on purpose:
/// `cargo test -p polytune-tests --test api estimator_error -- --ignored --nocapture`). Each run's
/// time is predicted from the speed the studio measured on the runs before it, as the wizard shows
/// it, then compared with the time the run took; memory with the peak the trainer reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: prints the estimator's error for BENCHMARKS.md"]
async fn estimator_error() {
    use polytune_api::{ModelInfo, TrainSpec, estimate_memory, estimate_time, lora_parameters};
    let app = TestApp::builder(crate::util::Db::Sqlite).start().await;
    let c = app.admin().await;
    let ws = c.workspace("Estimates").await;
    // Longer examples than the other tests: ~40 tokens each.
    let mut text = String::new();
    for (lang, ask) in
        [("deu", "Beschreibe kurz das Wetter in der Stadt"), ("fra", "Décris brièvement le temps dans la ville")]
    {
        for i in 0..300 {
            let answer = format!(
                "In der Stadt {i} ist es heute sonnig, mit leichtem Wind aus Westen und angenehmen Temperaturen am Nachmittag."
            );
            text.push_str(&format!(
                "{}\n",
                json!({"instruction": format!("{ask} {i}."), "output": answer, "language": lang})
            ));
        }
    }
    let data = import(&c, &ws, "weather.jsonl", text.into_bytes(), None).await;
    let cat = catalog_when_profiled(&c, &ws, &[&data]).await;
    let src = cat["sources"].as_array().unwrap().iter().find(|s| s["version_id"] == data).unwrap().clone();
    let examples = src["examples"].as_u64().unwrap();
    let tokens: u64 = src["languages"].as_array().unwrap().iter().map(|l| l["tokens"].as_u64().unwrap()).sum();
    println!("data: {examples} examples, {tokens} tokens (profile tokenizer: {})", src["tokenizer"]);
    let mut models = Vec::new();
    for size in ["micro", "small"] {
        let m = c
            .expect(
                Method::POST,
                &format!("/workspaces/{ws}/models/tiny"),
                Some(json!({"name": size, "dataset_version_id": data, "size": size, "vocab_size": 1000, "seed": 1})),
                201,
            )
            .await;
        models.push((
            m["id"].as_str().unwrap().to_owned(),
            serde_json::from_value::<ModelInfo>(m["info"].clone()).unwrap(),
        ));
    }
    // Tokens counted with the models' own tokenizer, as the builder's "count tokens" does.
    let counting = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/models/{}/count-tokens", models[0].0),
            Some(json!({"version_ids": [data]})),
            202,
        )
        .await;
    for j in counting["jobs"].as_array().unwrap() {
        wait_for(&c, &ws, j.as_str().unwrap(), &["succeeded"], 120).await;
    }
    let cat = c.expect(Method::GET, &format!("/workspaces/{ws}/mixtures/catalog"), None, 200).await;
    let src = cat["sources"].as_array().unwrap().iter().find(|s| s["version_id"] == data).unwrap().clone();
    assert_eq!(src["tokenizer"], counting["tokenizer"]);
    let tokens: u64 = src["languages"].as_array().unwrap().iter().map(|l| l["tokens"].as_u64().unwrap()).sum();
    println!("tokens counted with the models' tokenizer: {tokens}");
    // The first run only calibrates; the others are predicted from what ran before them.
    let plans = [
        (0, json!({"method": "lora", "seq_len": 128, "batch_size": 4, "max_steps": 30, "eval_every": 0, "seed": 1})),
        (0, json!({"method": "lora", "seq_len": 256, "batch_size": 8, "max_steps": 20, "eval_every": 0, "seed": 1})),
        (0, json!({"method": "full", "seq_len": 256, "batch_size": 8, "max_steps": 20, "eval_every": 0, "seed": 1})),
        (1, json!({"method": "lora", "seq_len": 256, "batch_size": 8, "max_steps": 15, "eval_every": 0, "seed": 1})),
        (1, json!({"method": "full", "seq_len": 512, "batch_size": 4, "max_steps": 15, "eval_every": 0, "seed": 1})),
        (1, json!({"method": "lora", "seq_len": 512, "batch_size": 16, "max_steps": 10, "eval_every": 0, "seed": 1})),
    ];
    println!(
        "| model | method | seq × batch | steps | predicted s | actual s | time error | memory est. MiB | peak RSS MiB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (i, (mi, spec_json)) in plans.iter().enumerate() {
        let (mid, info) = &models[*mi];
        let spec: TrainSpec = serde_json::from_value(spec_json.clone()).unwrap();
        let compute = c.expect(Method::GET, &format!("/workspaces/{ws}/compute?model_id={mid}"), None, 200).await;
        let est = estimate_time(info, &spec, examples, tokens, compute["flops_per_second"].as_f64().unwrap());
        let lora = if spec.method == polytune_api::TuneMethod::Lora { lora_parameters(info, &spec) } else { 0 };
        let mem = estimate_memory(info, spec.batch_size, spec.seq_len, Some((spec.method, lora)), 4);
        let run = c
            .expect(
                Method::POST,
                &format!("/workspaces/{ws}/runs"),
                Some(json!({"name": format!("r{i}"), "model_id": mid, "dataset_version_id": data, "spec": spec_json})),
                202,
            )
            .await;
        let job = wait_for(&c, &ws, run["job_id"].as_str().unwrap(), &["succeeded", "failed"], 900).await;
        assert_eq!(job["state"], "succeeded", "{job}");
        let d =
            c.expect(Method::GET, &format!("/workspaces/{ws}/runs/{}", run["id"].as_str().unwrap()), None, 200).await;
        let steps: Vec<&Value> = d["points"].as_array().unwrap().iter().filter(|p| p["kind"] == "step").collect();
        let last = &steps.last().unwrap()["data"];
        let actual = last["elapsed_seconds"].as_f64().unwrap();
        let peak = steps.iter().filter_map(|p| p["data"]["memory_bytes"].as_f64()).fold(0.0, f64::max);
        let name = if *mi == 0 { "micro" } else { "small" };
        let error =
            if i == 0 { "(calibrates)".to_string() } else { format!("{:+.0}%", (est.seconds / actual - 1.0) * 100.0) };
        println!(
            "| {name} ({:.2} M) | {} | {} × {} | {} (est. {}) | {:.1} | {:.1} | {error} | {:.0} | {:.0} |",
            info.parameters as f64 / 1e6,
            spec_json["method"].as_str().unwrap(),
            spec.seq_len,
            spec.batch_size,
            steps.len(),
            est.steps,
            est.seconds,
            actual,
            mem.total as f64 / 1048576.0,
            peak / 1048576.0
        );
    }
    app.stop().await;
}
