//! The database unreachable for a while (longer than a lease): workers pause and recover, jobs
//! finish with the right result, progress is not lost, no job is finished twice. PostgreSQL is
//! reached through a TCP proxy in this test that can cut and refuse connections, so the real
//! server keeps running for everything else on the machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};

use crate::util::{Db, TestApp, reference_result, resumed_at, sample_file, sse_events, start_job, upload, wait_for};

/// Forwards to PostgreSQL; while `blocked`, drops every connection and refuses new ones.
async fn proxy(blocked: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { continue };
            if blocked.load(Ordering::SeqCst) {
                drop(client);
                continue;
            }
            let blocked = blocked.clone();
            tokio::spawn(async move {
                let Ok(mut server) = TcpStream::connect("127.0.0.1:5432").await else { return };
                let copy = tokio::io::copy_bidirectional(&mut client, &mut server);
                tokio::pin!(copy);
                loop {
                    tokio::select! {
                        _ = &mut copy => return,
                        _ = tokio::time::sleep(Duration::from_millis(50)) => {
                            if blocked.load(Ordering::SeqCst) { return; }
                        }
                    }
                }
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_survive_a_database_outage() {
    let _serial = crate::SERIAL.lock().await;
    let app = TestApp::builder(Db::Postgres).env("POLYTUNE_WORKERS", "0").start().await;
    let admin = app.admin().await;
    let ws = admin.workspace("Outage").await;
    let sha = upload(&admin, &ws, "f.txt", sample_file()).await["sha256"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let payload = json!({"blob": sha, "chunk_bytes": 65536, "throttle_ms": 40});
        let j = start_job(&admin, &ws, "blob_stats", payload).await;
        ids.push(j["id"].as_str().unwrap().to_owned());
    }
    let blocked = Arc::new(AtomicBool::new(false));
    let port = proxy(blocked.clone()).await;
    let via_proxy = app.database_url().replace("127.0.0.1:5432", &format!("127.0.0.1:{port}"));
    assert_ne!(via_proxy, app.database_url());
    let env = [("POLYTUNE_LEASE_SECS", "3"), ("POLYTUNE_WORKERS", "2")];
    let mut workers = vec![app.spawn_worker(Some(&via_proxy), &env), app.spawn_worker(Some(&via_proxy), &env)];

    wait_for(&admin, &ws, &ids[0], &["running"], 20).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before = admin.expect(Method::GET, &format!("/workspaces/{ws}/jobs/{}", ids[0]), None, 200).await;
    blocked.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(5)).await; // longer than the 3 s lease
    blocked.store(false, Ordering::SeqCst);

    let clean = reference_result(&admin, &ws, &sha, 90).await;
    for id in &ids {
        let done = wait_for(&admin, &ws, id, &["succeeded", "failed"], 90).await;
        assert_eq!(done["state"], "succeeded", "{done}");
        assert_eq!(done["result"], clean, "same result as an uninterrupted run");
        let events = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{id}/events"), None).await;
        let finished = events.iter().filter(|e| e["data"]["state"] == "succeeded").count();
        assert_eq!(finished, 1, "finished exactly once");
    }
    // Progress made before the outage was kept: the first job resumed at or after where it was.
    let events = sse_events(&admin, &format!("/workspaces/{ws}/jobs/{}/events", ids[0]), None).await;
    let resumed: Vec<u64> = resumed_at(&events);
    let chunks_before = before["counters"]["chunks"].as_u64().unwrap_or(0);
    assert!(
        resumed.iter().all(|r| *r + 1 >= chunks_before),
        "resumed at {resumed:?}, had {chunks_before} chunks before the outage"
    );
    for w in &mut workers {
        w.start_kill().ok();
    }
    app.stop().await;
}
