//! A worker stopped gracefully hands its job back after a checkpoint (the attempt does not
//! count); a job that keeps failing is retried with backoff and then fails with its last error.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::util::{Db, TestApp, resumed_at, sse_events, start_job, start_slow_job, upload, wait_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_worker_shutdown_releases_after_a_checkpoint() {
    let _serial = crate::SERIAL.lock().await;
    let app = TestApp::builder(Db::Sqlite).env("POLYTUNE_WORKERS", "0").start().await;
    let admin = app.admin().await;
    let (ws, _, id) = start_slow_job(&admin, 60).await;
    let mut worker = app.spawn_worker(None, &[("POLYTUNE_WORKERS", "1")]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while admin.expect(Method::GET, &format!("/workspaces/{ws}/jobs/{id}"), None, 200).await["counters"]["chunks"]
        .as_u64()
        .unwrap_or(0)
        < 5
    {
        assert!(Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = worker.id().expect("pid").to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::time::timeout(Duration::from_secs(10), worker.wait())
        .await
        .expect("worker stops within seconds")
        .unwrap();
    assert!(status.success(), "{status:?}");
    let released = admin.expect(Method::GET, &format!("/workspaces/{ws}/jobs/{id}"), None, 200).await;
    assert_eq!(released["state"], "queued", "{released}");
    assert_eq!(released["attempt"], 0, "a released attempt does not count");
    assert!(released["has_checkpoint"].as_bool().unwrap());

    let mut next = app.spawn_worker(None, &[("POLYTUNE_WORKERS", "1")]);
    let done = wait_for(&admin, &ws, &id, &["succeeded", "failed"], 60).await;
    assert_eq!(done["state"], "succeeded");
    assert_eq!(done["attempt"], 1);
    let events = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{id}/events"), None).await;
    let resumed: u64 = resumed_at(&events).first().copied().expect("resumed");
    assert!(resumed >= 5, "resumed at {resumed}");
    next.start_kill().ok();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_job_is_retried_with_backoff_then_fails_with_its_error() {
    let _serial = crate::SERIAL.lock().await;
    let app = TestApp::builder(Db::Postgres).env("POLYTUNE_WORKERS", "0").start().await;
    let admin = app.admin().await;
    let ws = admin.workspace("F").await;
    let sha = upload(&admin, &ws, "gone.txt", b"soon gone\n".to_vec()).await["sha256"].as_str().unwrap().to_owned();
    let id = start_job(&admin, &ws, "blob_stats", json!({"blob": sha})).await["id"].as_str().unwrap().to_owned();
    // The stored file disappears (disk trouble): every attempt fails.
    std::fs::remove_file(app.data_dir().join("storage/blobs").join(&sha[..2]).join(&sha)).unwrap();
    let mut worker = app.spawn_worker(None, &[("POLYTUNE_WORKERS", "1")]);
    let start = Instant::now();
    let failed = wait_for(&admin, &ws, &id, &["failed", "succeeded"], 60).await;
    assert_eq!(failed["state"], "failed");
    assert_eq!(failed["attempt"], 3);
    assert!(failed["error"].as_str().unwrap().contains("opening the file"), "{failed}");
    assert_eq!(failed["error_detail"]["code"], "file_read", "{failed}");
    assert_eq!(failed["error_detail"]["args"]["step"], "opening", "{failed}");
    // Backoff between attempts: 1 s after the first, 4 s after the second.
    assert!(start.elapsed() >= Duration::from_secs(5), "{:?}", start.elapsed());
    let events = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{id}/events"), None).await;
    assert_eq!(events.iter().filter(|e| e["data"]["retrying"] == true).count(), 2);
    worker.start_kill().ok();
    app.stop().await;
}
