//! Evaluation tasks made from a person's file, in the shapes their authors publish: a JSON object
//! keyed by item id with nested lists of accepted answers and an English field beside a
//! translated one (the preview identifies each field's language and says when the declared
//! language is contradicted), a Belebele-style multiple-choice file counting answers from 1 in two
//! languages; bad files refused with the field and record named and nothing stored; a task
//! evaluated like a built-in one; and every task set left out of training data.

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::util::{Client, TestApp, assert_problem, job_result, sse_events, upload, wait_for};

/// MGSM's shape as some releases publish it: one object keyed by id, an English `query` beside
/// the translated `query_bn`, and nested lists of accepted answers.
fn keyed_math() -> Vec<u8> {
    let rows = [
        (
            "q1",
            "Janet has 3 apples and buys 2 more. How many apples does she have?",
            "জ্যানেটের ৩টি আপেল আছে এবং সে আরও ২টি কেনে। তার কতগুলো আপেল আছে?",
            json!([["5"], ["5.0"]]),
        ),
        (
            "q2",
            "A book costs 4 dollars. How much do 3 books cost?",
            "একটি বইয়ের দাম ৪ ডলার। ৩টি বইয়ের দাম কত?",
            json!(["12"]),
        ),
        (
            "q3",
            "Tom walks 2 kilometres each day for 7 days. How far does he walk?",
            "টম ৭ দিন ধরে প্রতিদিন ২ কিলোমিটার হাঁটে। সে মোট কত দূর হাঁটে?",
            json!([[14]]),
        ),
    ];
    let doc: serde_json::Map<String, Value> = rows
        .iter()
        .map(|(id, en, bn, answers)| (id.to_string(), json!({"query": en, "query_bn": bn, "answers": answers})))
        .collect();
    serde_json::to_vec_pretty(&Value::Object(doc)).unwrap()
}

/// Belebele's shape: four numbered choices, the right one counted from 1, two languages in one
/// file (parallel by `id`).
fn belebele(lines: &[(&str, &str, &str, [&str; 4], &str)]) -> Vec<u8> {
    let mut out = String::new();
    for (id, lang, q, c, a) in lines {
        let rec = json!({"id": id, "lang": lang, "question": q, "mc_answer1": c[0], "mc_answer2": c[1],
                         "mc_answer3": c[2], "mc_answer4": c[3], "correct_answer_num": a});
        out.push_str(&format!("{rec}\n"));
    }
    out.into_bytes()
}

fn good_belebele() -> Vec<u8> {
    belebele(&[
        ("1", "eng", "Which colour is the sky on a clear day?", ["green", "blue", "red", "black"], "2"),
        ("2", "eng", "How many legs does a spider have?", ["six", "four", "eight", "ten"], "3"),
        ("1", "deu", "Welche Farbe hat der Himmel an einem klaren Tag?", ["grün", "blau", "rot", "schwarz"], "2"),
        ("2", "deu", "Wie viele Beine hat eine Spinne?", ["sechs", "vier", "acht", "zehn"], "3"),
    ])
}

async fn file_tasks(c: &Client, ws: &str) -> Vec<Value> {
    let all = c.expect(Method::GET, &format!("/workspaces/{ws}/eval-tasks"), None, 200).await;
    all.as_array().unwrap().iter().filter(|t| t["from_file"] == true).cloned().collect()
}

db_test!(tasks_from_files_in_published_shapes, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Task files").await;
    let tasks = format!("/workspaces/{ws}/eval-tasks");

    // A JSON object keyed by id, named as Bengali: read as records, the mapping guessed, each
    // field's language identified, and the English `query` said to contradict the name.
    let blob = upload(&c, &ws, "mgsm_bn.json", keyed_math()).await["sha256"].as_str().unwrap().to_owned();
    let p = c
        .expect(Method::POST, &format!("{tasks}/preview"), Some(json!({"blob": blob, "kind": "generation"})), 200)
        .await;
    assert_eq!(p["format"], "json_object", "{p}");
    assert_eq!(p["records"], 3);
    assert_eq!(p["language"], "ben", "declared by the file's name: {p}");
    assert_eq!(p["mapping"]["prompt"], "query");
    assert_eq!(p["mapping"]["answer"], "answers");
    assert_eq!(p["mapping"]["id"], "_key");
    let field =
        |path: &str| p["field_languages"].as_array().unwrap().iter().find(|f| f["path"] == path).cloned().unwrap();
    assert_eq!(field("query")["languages"][0], json!({"language": "eng", "count": 3}), "{p}");
    assert_eq!(field("query_bn")["languages"][0], json!({"language": "ben", "count": 3}), "{p}");
    assert_eq!(
        p["contradictions"][0]["message"], "declared Bengali; the mapped field 'query' is English in 3 of 3 items",
        "{p}"
    );
    assert_eq!(p["items"][2]["answer"], "14", "nested answer lists read flat: {p}");
    assert_eq!(p["problems"], json!([]));
    // A dataset import reads the same file as records too (it used to be read as JSON lines).
    let ins =
        c.expect(Method::POST, &format!("/workspaces/{ws}/datasets/inspect"), Some(json!({"blob": blob})), 200).await;
    assert_eq!(ins["spec"]["format"], "json_object", "{ins}");
    assert_eq!(ins["rows"][0]["raw"]["_key"], "q1", "{ins}");
    // A dataset named as Bengali whose instructions are English: the import preview says so.
    let mut lines = String::new();
    for q in ["How many apples does Janet have after buying two more?", "Write a short note to a neighbour about the noise.", "Explain why the sky looks blue on a clear day."] {
        lines.push_str(&format!("{}\n", json!({"instruction": q, "output": "Here is a careful answer in English."})));
    }
    let named = upload(&c, &ws, "quiz_bn.jsonl", lines.into_bytes()).await;
    let ins = c
        .expect(Method::POST, &format!("/workspaces/{ws}/datasets/inspect"), Some(json!({"blob": named["sha256"]})), 200)
        .await;
    assert_eq!(
        ins["contradictions"][0]["message"],
        "declared Bengali; the instruction is English in 3 of 3 previewed examples",
        "{ins}"
    );

    // The person maps the Bengali field instead: no contradiction, and the task is made.
    let mut mapping = p["mapping"].clone();
    mapping["prompt"] = json!("query_bn");
    let ask = json!({"blob": blob, "kind": "generation", "mapping": mapping, "name": "MGSM Bengali"});
    let p2 = c.expect(Method::POST, &format!("{tasks}/preview"), Some(ask.clone()), 200).await;
    assert_eq!(p2["contradictions"], json!([]), "{p2}");
    let made = c.expect(Method::POST, &tasks, Some(ask), 201).await;
    let math_id = made["task"]["id"].as_str().unwrap().to_owned();
    assert_eq!(made["task"]["languages"], json!({"ben": 3}));
    let metrics: Vec<&str> =
        made["task"]["metrics"].as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap()).collect();
    assert_eq!(metrics, ["exact_flexible", "exact_strict", "in_language"], "numeric answers score as MGSM does");

    // Belebele-style multiple choice in two languages, answers counted from 1.
    let mc = upload(&c, &ws, "belebele.jsonl", good_belebele()).await["sha256"].as_str().unwrap().to_owned();
    let p = c.expect(Method::POST, &format!("{tasks}/preview"), Some(json!({"blob": mc})), 200).await;
    assert_eq!(p["mapping"]["choices"], json!(["mc_answer1", "mc_answer2", "mc_answer3", "mc_answer4"]), "{p}");
    assert_eq!(p["mapping"]["answer_counts_from_one"], true, "{p}");
    assert_eq!(p["mapping"]["language"], "lang");
    assert_eq!(p["items"][0]["answer"], "blue", "{p}");
    let made = c
        .expect(Method::POST, &tasks, Some(json!({"blob": mc, "name": "Mini Belebele", "mapping": p["mapping"]})), 201)
        .await;
    let mc_id = made["task"]["id"].as_str().unwrap().to_owned();
    assert_eq!(made["task"]["languages"], json!({"deu": 2, "eng": 2}));
    assert_eq!(file_tasks(&c, &ws).await.len(), 2);

    // Bad files and mappings: refused with the field (and record) named; nothing is stored.
    let bad = |body: Vec<u8>, name: &'static str| {
        let c = &c;
        let ws = &ws;
        async move { upload(c, ws, name, body).await["sha256"].as_str().unwrap().to_owned() }
    };
    let outside = bad(
        belebele(&[
            ("1", "eng", "Which one?", ["a", "b", "c", "d"], "5"),
            ("2", "eng", "And?", ["a", "b", "c", "d"], "1"),
        ]),
        "outside.jsonl",
    )
    .await;
    let empty = bad(
        belebele(&[("1", "eng", " ", ["a", "b", "c", "d"], "1"), ("2", "eng", "Q?", ["a", "b", "c", "d"], "1")]),
        "empty.jsonl",
    )
    .await;
    let gap = bad(
        belebele(&[
            ("1", "eng", "One?", ["a", "b", "c", "d"], "1"),
            ("2", "eng", "Two?", ["a", "b", "c", "d"], "1"),
            ("1", "deu", "Eins?", ["a", "b", "c", "d"], "1"),
        ]),
        "gap.jsonl",
    )
    .await;
    let from_one = json!({"prompt": "question", "choices": ["mc_answer1", "mc_answer2", "mc_answer3", "mc_answer4"],
                          "answer": "correct_answer_num", "answer_counts_from_one": true, "language": "lang", "id": "id"});
    for (body, field, words) in [
        (
            json!({"blob": outside, "name": "x", "mapping": from_one}),
            "mapping.answer",
            "line 1: the answer '5' is not among the 4 choices",
        ),
        (json!({"blob": empty, "name": "x", "mapping": from_one}), "mapping.prompt", "line 1: the prompt"),
        (json!({"blob": gap, "name": "x", "mapping": from_one}), "mapping.language", "German lacks 1 of the 2 items"),
        (
            json!({"blob": mc, "name": "x", "mapping": {"prompt": "qustion", "choices": ["mc_answer1", "mc_answer2"], "answer": "correct_answer_num"}}),
            "mapping.prompt",
            "no record has a field 'qustion'",
        ),
        (
            json!({"blob": blob, "name": "x", "kind": "generation", "mapping": {"prompt": "query"}}),
            "mapping.answer",
            "right answer",
        ),
        (
            json!({"blob": mc, "name": "x", "mapping": {"prompt": "question", "choices": ["mc_answer1"]}}),
            "mapping.answer",
            "right answer",
        ),
    ] {
        let got = c.call(Method::POST, &tasks, Some(body.clone())).await;
        assert_problem(&got, 422, "validation_failed");
        let text = got.1.to_string();
        assert!(text.contains(field) && text.contains(words), "{body} → {text}");
    }
    assert_eq!(file_tasks(&c, &ws).await.len(), 2, "refused files store nothing");

    // Evaluated like a built-in task.
    let version = crate::models::ready_version(&c, &ws).await;
    let model = crate::models::tiny_model(&c, &ws, &version, 7).await;
    let path = format!("/workspaces/{ws}/evaluations");
    let ask = json!({"model_id": model["id"], "tasks": [mc_id, math_id], "preset": "full"});
    let spec = c.expect(Method::POST, &format!("{path}/estimate"), Some(ask.clone()), 200).await;
    assert_eq!(spec["items"], 4 + 3, "{spec}");
    let started = c.expect(Method::POST, &path, Some(ask), 202).await;
    let out = job_result(&c, &ws, &json!({"id": started["evaluation"]["job_id"]}), 300).await;
    assert_eq!(out["items"], 7, "{out}");
    let id = started["evaluation"]["id"].as_str().unwrap();
    let r = c.expect(Method::GET, &format!("{path}/{id}"), None, 200).await;
    let find = |task: &str, lang: &str, metric: &str| {
        r["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["task"] == task && s["language"] == lang && s["metric"] == metric)
            .cloned()
    };
    assert_eq!(find(&mc_id, "deu", "acc").unwrap()["n"], 2, "{r}");
    assert_eq!(find(&math_id, "ben", "exact_flexible").unwrap()["n"], 3, "{r}");
    let items = c.expect(Method::GET, &format!("{path}/{id}/items?task={mc_id}&language=eng"), None, 200).await;
    assert_eq!(items["items"][0]["gold"], "blue", "{items}");

    // Deleting a task leaves the evaluation's scores.
    let gone = c.call(Method::DELETE, &format!("{tasks}/{mc_id}"), None).await;
    assert_eq!(gone.0.as_u16(), 204, "{}", gone.1);
    assert_eq!(file_tasks(&c, &ws).await.len(), 1);
    assert!(c.expect(Method::GET, &format!("{path}/{id}"), None, 200).await["scores"].as_array().unwrap().len() > 3);
});

db_test!(task_sets_are_never_trained_on, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Held out").await;
    // A task made from a file, and training data holding its prompt, a built-in MGSM question and
    // an XCOPA premise beside ordinary examples.
    let mc = upload(&c, &ws, "belebele.jsonl", good_belebele()).await["sha256"].as_str().unwrap().to_owned();
    c.expect(
        Method::POST,
        &format!("/workspaces/{ws}/eval-tasks"),
        Some(json!({"blob": mc, "name": "Mini Belebele"})),
        201,
    )
    .await;
    let mgsm = include_str!("../../eval/data/mgsm/de.tsv").lines().next().unwrap().rsplit_once('\t').unwrap().0;
    let mut data = String::new();
    for i in 0..40 {
        data.push_str(&format!(
            "{}\n",
            json!({"instruction": format!("Zähle bis {} ({i})", i % 5 + 1), "output": "eins, zwei", "language": "deu"})
        ));
    }
    for leaked in ["How many legs does a spider have?", mgsm, "Mwanaume alifungua bomba la maji."] {
        data.push_str(&format!(
            "{}\n",
            json!({"instruction": leaked, "output": "Some answer here.", "language": "deu"})
        ));
    }
    let version = crate::mixtures::import(&c, &ws, "leaky.jsonl", data.into_bytes(), None).await;
    let model = crate::models::tiny_model(&c, &ws, &version, 9).await;
    let spec = json!({"method": "lora", "seq_len": 64, "batch_size": 4, "max_steps": 1, "eval_every": 1, "save_every": 1,
                      "learning_rate": 0.05, "validation_fraction": 0.1, "seed": 3});
    let run = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/runs"),
            Some(json!({"name": "leaky", "model_id": model["id"], "dataset_version_id": version, "spec": spec})),
            202,
        )
        .await;
    let job = run["job_id"].as_str().unwrap();
    let done = wait_for(&c, &ws, job, &["succeeded", "failed"], 180).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let events = sse_events(&c, &format!("/workspaces/{ws}/jobs/{job}/events"), None).await;
    let log = serde_json::to_string(&events).unwrap();
    assert!(log.contains("left out 3 training examples whose text is in an evaluation task"), "{log}");
});
