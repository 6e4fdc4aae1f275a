//! Jobs end to end: upload a file, start `blob_stats`, watch it finish, cancel, retry; bad input
//! is refused with nothing queued. The server's in-process worker runs the jobs.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::util::{
    TestApp, assert_problem, reference_result, resumed_at, sample_file, sse_events, start_job, start_slow_job, upload,
    wait_for,
};

db_test!(blob_stats_runs_with_progress_and_events, |app: TestApp| async move {
    let admin = app.admin().await;
    let ws = admin.workspace("Jobs").await;
    let data = sample_file();
    let rows = data.iter().filter(|b| **b == b'\n').count() as u64;
    let blob = upload(&admin, &ws, "lines.txt", data.clone()).await;
    let sha = blob["sha256"].as_str().unwrap().to_owned();
    assert_eq!(blob["bytes"], data.len() as u64);

    let job = start_job(&admin, &ws, "blob_stats", json!({"blob": sha})).await;
    assert_eq!(job["state"], "queued");
    let id = job["id"].as_str().unwrap().to_owned();
    let done = wait_for(&admin, &ws, &id, &["succeeded", "failed"], 30).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["result"]["bytes"], data.len() as u64);
    assert_eq!(done["result"]["rows"], rows);
    assert_eq!(done["result"]["chunks"], 4);
    assert_eq!(done["progress"], 1.0);
    assert_eq!(done["created_by"], "admin@example.org");
    assert!(done["worker_id"].is_string() && done["started_at"].is_i64() && done["finished_at"].is_i64(), "{done}");

    // The event stream replays everything in order (ids increase), from any point.
    let events = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{id}/events"), None).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"state"));
    assert_eq!(events.last().unwrap()["data"]["state"], "succeeded", "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "progress").count(), 4);
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let from_middle = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{id}/events"), Some(ids[2])).await;
    assert_eq!(from_middle.first().unwrap()["id"].as_i64(), Some(ids[3]), "resumes right after Last-Event-ID");

    // Workers are listed with their capabilities.
    let workers = admin.expect(Method::GET, "/workers", None, 200).await;
    assert!(workers.as_array().unwrap().iter().any(|w| w["capabilities"]["cpus"].as_i64() >= Some(1)), "{workers}");
});

db_test!(bad_job_requests_queue_nothing, |app: TestApp| async move {
    let admin = app.admin().await;
    let ws = admin.workspace("A").await;
    let other = admin.workspace("B").await;
    let sha = upload(&admin, &other, "b.txt", b"only in B\n".to_vec()).await["sha256"].as_str().unwrap().to_owned();
    let post = |body: Value| {
        let admin = &admin;
        let ws = ws.clone();
        async move { admin.call(Method::POST, &format!("/workspaces/{ws}/jobs"), Some(body)).await }
    };
    let r = post(json!({"kind": "launch_missiles", "payload": {}})).await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.1["errors"][0]["path"], "kind");
    let r = post(json!({"kind": "blob_stats", "payload": {"blob": 7}})).await;
    assert_problem(&r, 422, "validation_failed");
    let r = post(json!({"kind": "blob_stats", "payload": {"blob": sha, "extra": 1}})).await;
    assert_problem(&r, 422, "validation_failed");
    // A blob of another workspace is not this workspace's.
    let r = post(json!({"kind": "blob_stats", "payload": {"blob": sha}})).await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.1["errors"][0]["path"], "payload.blob");
    let r = post(json!({"kind": "blob_stats", "payload": {"blob": sha}, "urgent": true})).await;
    assert_problem(&r, 400, "malformed_body");
    assert_eq!(admin.get(&format!("/workspaces/{ws}/jobs")).await.1.as_array().unwrap().len(), 0, "nothing queued");
    // Viewers cannot start jobs; cancelling a finished or unknown job is refused.
    let viewer = app.invite(&admin, "v@example.org", Some((&ws, "viewer"))).await;
    assert_problem(
        &viewer.call(Method::POST, &format!("/workspaces/{ws}/jobs"), Some(json!({"kind": "blob_stats"}))).await,
        403,
        "forbidden",
    );
    assert_problem(
        &admin.call(Method::POST, &format!("/workspaces/{ws}/jobs/nope/cancel"), None).await,
        404,
        "not_found",
    );
});

db_test!(cancel_running_and_retry, |app: TestApp| async move {
    let admin = app.admin().await;
    let (ws, sha, id) = start_slow_job(&admin, 100).await;
    let running = wait_for(&admin, &ws, &id, &["running"], 10).await;
    assert_eq!(running["state"], "running");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let asked = Instant::now();
    admin.expect(Method::POST, &format!("/workspaces/{ws}/jobs/{id}/cancel"), None, 200).await;
    let cancelled = wait_for(&admin, &ws, &id, &["cancelled", "succeeded", "failed"], 10).await;
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    assert!(asked.elapsed() < Duration::from_secs(5), "stopped within seconds");
    let progress_at_cancel = cancelled["progress"].as_f64().unwrap();
    assert!(progress_at_cancel < 1.0);
    assert_problem(
        &admin.call(Method::POST, &format!("/workspaces/{ws}/jobs/{id}/cancel"), None).await,
        409,
        "conflict",
    );

    // Retry resumes from the checkpoint and finishes with the same result as a fresh run.
    admin.expect(Method::POST, &format!("/workspaces/{ws}/jobs/{id}/retry"), None, 200).await;
    let done = wait_for(&admin, &ws, &id, &["succeeded", "failed"], 60).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let fresh = reference_result(&admin, &ws, &sha, 60).await;
    assert_eq!(done["result"], fresh);
    let events = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{id}/events"), None).await;
    assert!(!resumed_at(&events).is_empty(), "the retry resumed");
});
