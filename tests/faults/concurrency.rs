//! 4 worker processes, 1,000 short jobs: every job runs exactly once.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::util::{Db, TestApp, sse_events, start_job, upload};

async fn thousand_jobs_four_workers(db: Db) {
    let _serial = crate::SERIAL.lock().await;
    let app = TestApp::builder(db).env("POLYTUNE_WORKERS", "0").start().await;
    let admin = app.admin().await;
    let ws = admin.workspace("Many").await;
    let sha = upload(&admin, &ws, "tiny.txt", b"a\nb\nc\n".to_vec()).await["sha256"].as_str().unwrap().to_owned();
    for _ in 0..1000 {
        start_job(&admin, &ws, "blob_stats", json!({"blob": sha})).await;
    }
    let mut workers: Vec<_> = (0..4).map(|_| app.spawn_worker(None, &[("POLYTUNE_WORKERS", "2")])).collect();
    let deadline = Instant::now() + Duration::from_secs(240);
    let jobs = loop {
        let jobs = admin.expect(Method::GET, &format!("/workspaces/{ws}/jobs"), None, 200).await;
        let list = jobs.as_array().unwrap().clone();
        // The list shows the newest 200; count finished ones through the event stream below.
        let all = sse_events(&admin, &format!("/workspaces/{ws}/events"), None).await;
        let succeeded = all.iter().filter(|e| e["kind"] == "state" && e["data"]["state"] == "succeeded").count();
        if succeeded >= 1000 {
            break all;
        }
        assert!(Instant::now() < deadline, "only {succeeded} of 1000 jobs finished; newest: {}", list[0]);
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let mut started = std::collections::HashMap::<String, usize>::new();
    let mut succeeded = std::collections::HashMap::<String, usize>::new();
    let mut by_worker = std::collections::HashMap::<String, usize>::new();
    for e in &jobs {
        let job = e["job_id"].as_str().unwrap().to_owned();
        match e["data"]["state"].as_str() {
            Some("running") => {
                *started.entry(job).or_default() += 1;
                *by_worker.entry(e["data"]["worker_id"].as_str().unwrap().to_owned()).or_default() += 1;
            }
            Some("succeeded") => *succeeded.entry(job).or_default() += 1,
            _ => {}
        }
    }
    assert_eq!(started.len(), 1000);
    assert!(started.values().all(|n| *n == 1), "a job was claimed twice");
    assert!(succeeded.values().all(|n| *n == 1) && succeeded.len() == 1000);
    assert_eq!(by_worker.len(), 4, "all four workers took jobs: {by_worker:?}");
    for w in &mut workers {
        w.start_kill().ok();
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_jobs_four_workers_sqlite() {
    thousand_jobs_four_workers(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_jobs_four_workers_postgres() {
    thousand_jobs_four_workers(Db::Postgres).await;
}
