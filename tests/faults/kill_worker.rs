//! `kill -9` a worker in the middle of a multi-step job: after its lease expires another worker
//! resumes from the last checkpoint; the result equals an uninterrupted run; no chunk before the
//! checkpoint runs again and none is skipped.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use reqwest::Method;

use crate::util::{Db, TestApp, reference_result, resumed_at, sse_events, start_slow_job, wait_for};

async fn killed_worker_resumes(db: Db) {
    let _serial = crate::SERIAL.lock().await;
    let app = TestApp::builder(db).env("POLYTUNE_WORKERS", "0").start().await;
    let admin = app.admin().await;
    let (ws, sha, id) = start_slow_job(&admin, 60).await;

    let worker_env = [("POLYTUNE_LEASE_SECS", "2"), ("POLYTUNE_WORKERS", "1")];
    let mut first = app.spawn_worker(None, &worker_env);
    // Let it get a third of the way.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let j = admin.expect(Method::GET, &format!("/workspaces/{ws}/jobs/{id}"), None, 200).await;
        if j["counters"]["chunks"].as_u64().unwrap_or(0) >= 16 {
            break;
        }
        assert!(Instant::now() < deadline, "the first worker made no progress: {j}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.start_kill().expect("SIGKILL");
    first.wait().await.unwrap();
    let killed_at = Instant::now();

    let mut second = app.spawn_worker(None, &worker_env);
    let done = wait_for(&admin, &ws, &id, &["succeeded", "failed"], 60).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["attempt"], 2, "exactly one retry: {done}");
    assert!(killed_at.elapsed() >= Duration::from_secs(2), "not before the lease expired");

    // The same file, uninterrupted, by the second worker.
    let clean = reference_result(&admin, &ws, &sha, 60).await;
    assert_eq!(done["result"], clean);

    let events = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{id}/events"), None).await;
    let resumed_chunk: u64 =
        resumed_at(&events).first().copied().expect("the second attempt resumed from a checkpoint");
    // Progress for chunk 16 was seen; its checkpoint may not have been written before the kill.
    assert!(resumed_chunk >= 15, "resumed at chunk {resumed_chunk}");
    let mut runs: HashMap<u64, Vec<i64>> = HashMap::new();
    for e in &events {
        if let Some(n) =
            e["message"].as_str().and_then(|m| m.strip_prefix("chunk ")?.strip_suffix(" done")?.parse().ok())
        {
            runs.entry(n).or_default().push(e["data"]["attempt"].as_i64().unwrap());
        }
    }
    let total = done["result"]["chunks"].as_u64().unwrap();
    for chunk in 1..=total {
        let attempts = runs.get(&chunk).unwrap_or_else(|| panic!("chunk {chunk} was never processed"));
        if chunk <= resumed_chunk {
            assert_eq!(attempts, &vec![1], "chunk {chunk} (before the checkpoint) ran once, by the first attempt");
        } else if chunk == resumed_chunk + 1 {
            // The chunk in flight when the worker died may have been done once before the kill.
            assert!(attempts.last() == Some(&2) && attempts.len() <= 2, "chunk {chunk}: {attempts:?}");
        } else {
            assert_eq!(attempts, &vec![2], "chunk {chunk} (after the checkpoint) ran once, by the second attempt");
        }
    }
    second.start_kill().ok();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_worker_resumes_sqlite() {
    killed_worker_resumes(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_worker_resumes_postgres() {
    killed_worker_resumes(Db::Postgres).await;
}
