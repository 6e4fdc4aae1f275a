//! Datasets end to end: a resumable upload, format detection and preview, import (with bad
//! records waiting for a decision), the profile job, browsing, a derived version, export; and
//! every file of ../shared/data imported through a server import, with golden counts.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::util::{Client, Db, TestApp, assert_problem, job_result, upload, wait_for};

/// Sends `data` through the resumable protocol in `chunks` pieces; returns the final upload.
async fn resumable(c: &Client, ws: &str, name: &str, data: &[u8], chunks: usize) -> Value {
    let up = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/uploads"),
            Some(json!({"name": name, "size": data.len()})),
            201,
        )
        .await;
    let id = up["id"].as_str().unwrap().to_owned();
    let step = data.len().div_ceil(chunks);
    let mut last = up;
    for part in data.chunks(step) {
        let offset = last["offset"].as_u64().unwrap();
        let req = c
            .request(Method::PATCH, &format!("/workspaces/{ws}/uploads/{id}"))
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(part.to_vec());
        let (s, v) = c.raw(req, "chunk").await;
        assert_eq!(s.as_u16(), 200, "{v}");
        last = v;
    }
    last
}

async fn wait_dataset(c: &Client, ws: &str, id: &str, states: &[&str]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let d = c.expect(Method::GET, &format!("/workspaces/{ws}/datasets/{id}"), None, 200).await;
        if states.contains(&d["state"].as_str().unwrap_or("")) {
            return d;
        }
        assert!(Instant::now() < deadline, "dataset never reached {states:?}: {d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the newest profile of the dataset's `number`th version and returns (version id, profile).
async fn wait_profile(c: &Client, ws: &str, dataset: &str, number: usize) -> (String, Value) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let d = c.expect(Method::GET, &format!("/workspaces/{ws}/datasets/{dataset}"), None, 200).await;
        if let Some(v) = d["versions"].as_array().and_then(|v| v.get(number - 1)) {
            let vid = v["id"].as_str().unwrap().to_owned();
            match v["profile"]["state"].as_str() {
                Some("ready") => {
                    let p = c.expect(Method::GET, &format!("/workspaces/{ws}/versions/{vid}/profile"), None, 200).await;
                    return (vid, p);
                }
                Some("failed") => panic!("profile failed: {d}"),
                _ => {}
            }
        }
        assert!(Instant::now() < deadline, "no profile: {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn alpaca(instruction: &str, output: &str) -> String {
    json!({"instruction": instruction, "output": output}).to_string() + "\n"
}

/// 12 examples: German, English, Arabic; one exact duplicate, one near duplicate, one empty answer.
fn mixed_file() -> Vec<u8> {
    let rows = [
        alpaca(
            "Was ist die Hauptstadt von Deutschland und warum ist sie wichtig?",
            "Die Hauptstadt ist Berlin, ein politisches Zentrum.",
        ),
        alpaca("Nenne drei Farben, die man oft im Herbst in den Wäldern sieht.", "Rot, Gelb und Braun."),
        alpaca(
            "Erkläre kurz, was ein Regenbogen ist und wie er entsteht.",
            "Ein Regenbogen entsteht durch Lichtbrechung in Regentropfen.",
        ),
        alpaca(
            "What is the capital of France and what is it known for?",
            "Paris, known for the Eiffel Tower and museums.",
        ),
        alpaca(
            "What is the capital of France and what is it known for?",
            "Paris, known for the Eiffel Tower and museums.",
        ),
        alpaca(
            "Write one sentence about the importance of sleep for children.",
            "Sleep helps children grow, learn and stay healthy every day.",
        ),
        alpaca(
            "Write one sentence about the importance of sleep for the children.",
            "Sleep helps children grow, learn and stay healthy every day.",
        ),
        alpaca("Give me a short tip for learning a new language quickly.", ""),
        alpaca(
            "Describe the water cycle in two short sentences for students.",
            "Water evaporates, forms clouds and falls as rain. Then it flows back to the sea.",
        ),
        alpaca("ما هي عاصمة مصر وما أهم معالمها السياحية؟", "القاهرة، ومن أهم معالمها الأهرامات والمتحف المصري."),
        alpaca("اكتب جملة قصيرة عن أهمية القراءة في حياة الإنسان.", "القراءة تفتح العقل وتوسع المعرفة وتنمي الخيال."),
        alpaca(
            "Nenne einen Grund, warum Bewegung für die Gesundheit gut ist.",
            "Bewegung stärkt das Herz und verbessert die Laune.",
        ),
    ];
    rows.concat().into_bytes()
}

db_test!(upload_import_profile_browse_derive_export, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Data").await;
    let data = mixed_file();

    // A resumable upload: a chunk sent from the wrong offset is refused with the right one.
    let up = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/uploads"),
            Some(json!({"name": "mixed.jsonl", "size": data.len()})),
            201,
        )
        .await;
    let id = up["id"].as_str().unwrap();
    let half = data.len() / 2;
    let send = |offset: usize, bytes: &[u8]| {
        c.request(Method::PATCH, &format!("/workspaces/{ws}/uploads/{id}"))
            .header("upload-offset", offset.to_string())
            .body(bytes.to_vec())
    };
    let (s, v) = c.raw(send(0, &data[..half]), "chunk 1").await;
    assert_eq!((s.as_u16(), v["offset"].as_u64()), (200, Some(half as u64)), "{v}");
    let got = c.raw(send(0, &data[..10]), "stale chunk").await;
    assert_problem(&got, 409, "conflict");
    assert!(got.1["detail"].as_str().unwrap().contains(&format!("has {half} bytes")), "{}", got.1);
    let status = c.expect(Method::GET, &format!("/workspaces/{ws}/uploads/{id}"), None, 200).await;
    assert_eq!(status["offset"], half as u64);
    let (s, done) = c.raw(send(half, &data[half..]), "chunk 2").await;
    assert_eq!(s.as_u16(), 200);
    let blob = done["blob"].as_str().expect("the last chunk stores the file").to_owned();

    // Detection and preview.
    let ins =
        c.expect(Method::POST, &format!("/workspaces/{ws}/datasets/inspect"), Some(json!({"blob": blob})), 200).await;
    assert!(ins["detected"].as_str().unwrap().contains("Alpaca"), "{ins}");
    assert_eq!(ins["spec"]["format"], "jsonl");
    assert_eq!(ins["rows"].as_array().unwrap().len(), 12);
    assert_eq!(ins["rows"][0]["example"]["turns"][1]["role"], "assistant");

    // Import → version 1 → profile (queued by the import).
    let ds = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/datasets"),
            Some(json!({"name": "Mixed", "blob": blob, "spec": ins["spec"]})),
            202,
        )
        .await;
    let ds_id = ds["id"].as_str().unwrap().to_owned();
    let d = wait_dataset(&c, &ws, &ds_id, &["ready", "failed", "needs_decision"]).await;
    assert_eq!(d["state"], "ready", "{d}");
    assert_eq!(d["versions"][0]["examples"], 12);
    let (v1, profile) = wait_profile(&c, &ws, &ds_id, 1).await;
    let by_lang: BTreeMap<String, u64> = profile["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["language"].as_str().unwrap().to_owned(), l["examples"].as_u64().unwrap()))
        .collect();
    // Detection on short texts: Arabic and German exactly; English at least 5 of its 6.
    assert_eq!((by_lang.get("ara"), by_lang.get("deu")), (Some(&2), Some(&4)), "{by_lang:?}");
    assert!(by_lang.get("eng").copied().unwrap_or(0) >= 5, "{by_lang:?}");
    assert_eq!(by_lang.values().sum::<u64>(), 12);
    assert_eq!(profile["exact_duplicates"], 2, "{profile}");
    assert_eq!(profile["exact_groups"], json!([[3, 4]]));
    assert_eq!(profile["near_groups"], json!([[5, 6]]), "{profile}");
    assert_eq!(profile["flags"]["empty_answer"], 1);

    // Browse: by language, by text, by duplicates, by flag; one example with its duplicate.
    let ex = |q: &str| {
        let path = format!("/workspaces/{ws}/versions/{v1}/examples?{q}");
        let c = &c;
        async move { c.expect(Method::GET, &path, None, 200).await }
    };
    assert_eq!(ex("language=ar").await["matched"], 2);
    assert_eq!(ex("q=eiffel").await["matched"], 2);
    assert_eq!(ex("duplicates=any").await["matched"], 4);
    let flagged = ex("flag=empty_answer").await;
    assert_eq!(flagged["items"][0]["index"], 7);
    let page = ex("limit=5&offset=10").await;
    assert_eq!((page["total"].as_u64(), page["items"].as_array().unwrap().len()), (Some(12), 2));
    let one = c.expect(Method::GET, &format!("/workspaces/{ws}/versions/{v1}/examples/3"), None, 200).await;
    assert_eq!(one["duplicates"], json!([4]));
    assert_eq!(one["annotation"]["li"], "eng");
    assert_problem(&ex_bad(&c, &ws, &v1, "flag=shiny").await, 422, "validation_failed");
    assert_problem(&ex_bad(&c, &ws, &v1, "language=klingon").await, 422, "validation_failed");

    // Derive: drop empty answers and duplicates (keep the first) → version 2 with its lineage.
    let job = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/versions/{v1}/derive"),
            Some(json!({"exclude_flags": ["empty_answer"], "dedup": "keep_first"})),
            202,
        )
        .await;
    let done = wait_for(&c, &ws, job["id"].as_str().unwrap(), &["succeeded", "failed"], 60).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["result"]["kept"], 9);
    let (v2, p2) = wait_profile(&c, &ws, &ds_id, 2).await;
    assert_eq!(p2["examples"], 9);
    assert_eq!(p2["exact_duplicates"], 0);
    let d = c.expect(Method::GET, &format!("/workspaces/{ws}/datasets/{ds_id}"), None, 200).await;
    assert_eq!(d["versions"][1]["parent_id"], v1.as_str());
    assert_eq!(d["versions"][1]["operation"]["derive"]["spec"]["dedup"], "keep_first");
    // Nothing to filter is refused before anything is queued.
    let got = c.call(Method::POST, &format!("/workspaces/{ws}/versions/{v1}/derive"), Some(json!({}))).await;
    assert_problem(&got, 422, "validation_failed");

    // Export: JSON lines and Parquet; the Parquet file imports back to the same examples.
    let jsonl = download(&c, &ws, &v2, "jsonl").await;
    assert_eq!(jsonl.iter().filter(|b| **b == b'\n').count(), 9);
    let parquet = download(&c, &ws, &v2, "parquet").await;
    assert_eq!(&parquet[..4], b"PAR1");
    let back = upload(&c, &ws, "back.parquet", parquet).await;
    let ins = c
        .expect(Method::POST, &format!("/workspaces/{ws}/datasets/inspect"), Some(json!({"blob": back["sha256"]})), 200)
        .await;
    assert_eq!(ins["spec"]["format"], "parquet");
    let again = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/datasets"),
            Some(json!({"name": "Back", "blob": back["sha256"], "spec": ins["spec"]})),
            202,
        )
        .await;
    let again = wait_dataset(&c, &ws, again["id"].as_str().unwrap(), &["ready", "failed"]).await;
    let v3 = again["versions"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(download(&c, &ws, &v3, "jsonl").await, jsonl, "Parquet round trip changed the examples");
});

async fn ex_bad(c: &Client, ws: &str, v: &str, q: &str) -> (reqwest::StatusCode, Value) {
    c.get(&format!("/workspaces/{ws}/versions/{v}/examples?{q}")).await
}

async fn download(c: &Client, ws: &str, v: &str, format: &str) -> Vec<u8> {
    let res =
        c.request(Method::GET, &format!("/workspaces/{ws}/versions/{v}/export?format={format}")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(&format!(".{format}")));
    res.bytes().await.unwrap().to_vec()
}

db_test!(bad_records_wait_for_a_decision, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Bad").await;
    let mut text = String::new();
    for i in 1..=50 {
        if i == 17 {
            text.push_str("{\"instruction\": \"broken\", \"output\": }\n");
        } else if i == 31 {
            text.push_str("{\"instruction\": [\"a list\"], \"output\": \"x\"}\n");
        } else {
            text.push_str(&alpaca(&format!("question {i}"), &format!("answer {i}")));
        }
    }
    let up = resumable(&c, &ws, "bad.jsonl", text.as_bytes(), 3).await;
    let blob = up["blob"].as_str().unwrap();
    let ins =
        c.expect(Method::POST, &format!("/workspaces/{ws}/datasets/inspect"), Some(json!({"blob": blob})), 200).await;
    let create = |name: &str| {
        let path = format!("/workspaces/{ws}/datasets");
        let body = json!({"name": name, "blob": blob, "spec": ins["spec"]});
        let c = &c;
        async move { c.expect(Method::POST, &path, Some(body), 202).await }
    };
    let ds = create("Bad one").await;
    let id = ds["id"].as_str().unwrap().to_owned();
    let d = wait_dataset(&c, &ws, &id, &["needs_decision", "ready", "failed"]).await;
    assert_eq!(d["state"], "needs_decision", "{d}");
    assert_eq!(d["versions"], json!([]), "nothing half-imported is visible");
    let issues = d["report"]["issues"].as_array().unwrap();
    assert_eq!(d["report"]["bad"], 2);
    assert_eq!(issues[0]["location"], "line 17");
    assert!(issues[0]["message"].as_str().unwrap().contains("invalid JSON"));
    assert_eq!(issues[1]["location"], "line 31");
    assert!(issues[1]["message"].as_str().unwrap().contains("is a list, expected text"));
    // The same problems as stable codes with named arguments, for a client that words them.
    assert_eq!(issues[0]["code"], "invalid_json", "{}", issues[0]);
    assert_eq!(issues[0]["args"]["line"], "17", "{}", issues[0]);
    assert_eq!(issues[1]["code"], "wrong_type", "{}", issues[1]);
    assert_eq!(issues[1]["args"]["line"], "31", "{}", issues[1]);
    // Skip the bad records → 48 examples.
    c.expect(Method::POST, &format!("/workspaces/{ws}/datasets/{id}/skip-bad-records"), None, 202).await;
    let d = wait_dataset(&c, &ws, &id, &["ready", "failed"]).await;
    assert_eq!(d["versions"][0]["examples"], 48, "{d}");
    assert_eq!(d["versions"][0]["operation"]["import"]["skipped"], 2);
    // A file where no record can be read fails its import, with the cause as a code.
    let none = resumable(&c, &ws, "none.jsonl", b"not json\n{\"also\": \n", 1).await;
    let spec = &ins["spec"];
    let body = json!({"name": "Nothing", "blob": none["blob"], "spec": spec, "on_error": "skip"});
    let nd = c.expect(Method::POST, &format!("/workspaces/{ws}/datasets"), Some(body), 202).await;
    let nd = wait_dataset(&c, &ws, nd["id"].as_str().unwrap(), &["failed", "ready", "needs_decision"]).await;
    assert_eq!(nd["state"], "failed", "{nd}");
    // The dataset is marked failed just before its job records the failure: wait for the job.
    let job = wait_for(&c, &ws, nd["import_job_id"].as_str().unwrap(), &["failed"], 60).await;
    assert!(job["error"].as_str().unwrap().starts_with("nothing could be imported: line 1: invalid JSON"), "{job}");
    assert_eq!(job["error_detail"]["code"], "nothing_imported", "{job}");
    assert_eq!(job["error_detail"]["args"]["cause"], "invalid_json", "{job}");
    assert_eq!(job["error_detail"]["args"]["line"], "1", "{job}");
    // Or cancel: the dataset is gone.
    let other = create("Cancel me").await;
    let oid = other["id"].as_str().unwrap().to_owned();
    wait_dataset(&c, &ws, &oid, &["needs_decision"]).await;
    c.expect(Method::DELETE, &format!("/workspaces/{ws}/datasets/{oid}"), None, 204).await;
    assert_problem(&c.get(&format!("/workspaces/{ws}/datasets/{oid}")).await, 404, "not_found");

    // Dataset jobs are started by their own routes only: a payload naming any dataset is refused.
    let got = c
        .call(
            Method::POST,
            &format!("/workspaces/{ws}/jobs"),
            Some(json!({"kind": "import_dataset", "payload": {"dataset_id": id}})),
        )
        .await;
    assert_problem(&got, 422, "validation_failed");

    // Files that are not data are refused at inspection, with the reason: in words, and as a
    // stable code for a client that words it itself.
    for (name, bytes, want, code) in [
        ("empty.jsonl", b"   \n".to_vec(), "empty", "file_blank"),
        ("a.zip", b"PK\x03\x04rest".to_vec(), "zip archive", "zip_archive"),
        ("u16.jsonl", vec![0xff, 0xfe, b'{', 0], "UTF-16", "utf16_text"),
    ] {
        let b = upload(&c, &ws, name, bytes).await;
        let got = c
            .call(Method::POST, &format!("/workspaces/{ws}/datasets/inspect"), Some(json!({"blob": b["sha256"]})))
            .await;
        assert_problem(&got, 422, "validation_failed");
        assert!(got.1.to_string().contains(want), "{name}: {}", got.1);
        assert_eq!(got.1["errors"][0]["path"], "blob", "{name}: {}", got.1);
        assert_eq!(got.1["errors"][0]["code"], code, "{name}: {}", got.1);
    }
    // Over-limit and empty uploads are refused before any byte is sent.
    let got = c
        .call(Method::POST, &format!("/workspaces/{ws}/uploads"), Some(json!({"name": "huge", "size": 1u64 << 50})))
        .await;
    assert_problem(&got, 422, "validation_failed");
    let got =
        c.call(Method::POST, &format!("/workspaces/{ws}/uploads"), Some(json!({"name": "none", "size": 0}))).await;
    assert_problem(&got, 422, "validation_failed");
});

fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    dir.is_dir().then(|| dir.canonicalize().unwrap())
}

/// Every file of ../shared/data through a server import and the API; golden per-language counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_data_imports_with_golden_counts() {
    let Some(dir) = shared_data() else {
        eprintln!("SKIPPED shared_data_imports_with_golden_counts: ../shared/data is absent");
        return;
    };
    let app = TestApp::builder(Db::Sqlite).env("POLYTUNE_IMPORT_DIRS", dir.to_str().unwrap()).start().await;
    let c = app.admin().await;
    let ws = c.workspace("Shared").await;
    let job =
        c.expect(Method::POST, &format!("/workspaces/{ws}/server-imports"), Some(json!({"path": dir})), 202).await;
    let res = job_result(&c, &ws, &job, 300).await;
    let files = res["files"].as_array().unwrap().clone();
    assert!(files.len() >= 100, "{} files", files.len());
    // A folder outside the allowed ones is refused.
    let got = c.call(Method::POST, &format!("/workspaces/{ws}/server-imports"), Some(json!({"path": "/etc"}))).await;
    assert_problem(&got, 422, "validation_failed");

    let mut ids = BTreeMap::new();
    for f in &files {
        let name = f["name"].as_str().unwrap().to_owned();
        if name.ends_with("README.md") {
            continue;
        }
        let ins = c
            .expect(
                Method::POST,
                &format!("/workspaces/{ws}/datasets/inspect"),
                Some(json!({"blob": f["sha256"]})),
                200,
            )
            .await;
        let ds = c
            .expect(
                Method::POST,
                &format!("/workspaces/{ws}/datasets"),
                Some(json!({"name": name, "blob": f["sha256"], "spec": ins["spec"]})),
                202,
            )
            .await;
        ids.insert(name, ds["id"].as_str().unwrap().to_owned());
    }
    for (name, id) in &ids {
        let d = wait_dataset(&c, &ws, id, &["ready", "failed", "needs_decision"]).await;
        assert_eq!(d["state"], "ready", "{name}: {}", d["report"]);
    }
    let golden: &[(&str, u64, &str, u64)] = &[
        ("data/eval/mgsm/mgsm_de.tsv", 250, "deu", 250),
        ("data/eval/mgsm/mgsm_th.tsv", 250, "tha", 250),
        ("data/eval/xcopa/val.sw.jsonl", 100, "swa", 100),
        ("data/labeled/sib200/deu_Latn/dev.tsv", 99, "deu", 99),
        ("data/labeled/sib200/arb_Arab/dev.tsv", 99, "ara", 99),
        ("data/chat/mt_bench_multilingual/bengali/question.jsonl", 80, "ben", 80),
        ("data/instruct/laerebogen_seed_tasks_da.jsonl", 176, "dan", 176),
        ("data/parallel/ntrex128/fra.txt", 1997, "fra", 1997),
    ];
    for (name, examples, lang, in_lang) in golden {
        let id = ids
            .get(*name)
            .unwrap_or_else(|| panic!("{name} was not imported: {:?}", ids.keys().take(5).collect::<Vec<_>>()));
        let (_, p) = wait_profile(&c, &ws, id, 1).await;
        assert_eq!(p["examples"], *examples, "{name}");
        let got = p["languages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["language"] == *lang)
            .map(|l| l["examples"].as_u64().unwrap());
        assert_eq!(got, Some(*in_lang), "{name}: {}", p["languages"]);
    }
    app.stop().await;
}
