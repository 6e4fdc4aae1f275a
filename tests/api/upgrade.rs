//! Jobs, events and rows stored by the version before the typed job contract (commit 0818f2b)
//! still load after the upgrade. The fixtures are SQLite files that version's own API tests left
//! behind (tests/fixtures/upgrade/README.md says how they were made): the new server opens each,
//! and every job, every job's result and every event must read, typed, as the API serves them.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Connection;

use crate::util::{Db, PASSWORD, TestApp, sse_events};

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/upgrade");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .collect();
    files.sort();
    files
}

/// What the fixture holds, counted with SQL on a copy (opening a database can check-point it).
async fn counts(file: &std::path::Path) -> (i64, i64, i64) {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("count.db");
    std::fs::copy(file, &copy).unwrap();
    let wal = file.with_extension("db-wal");
    if wal.exists() {
        std::fs::copy(&wal, tmp.path().join("count.db-wal")).unwrap();
    }
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", copy.display())).await.unwrap();
    let one = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let jobs = one("SELECT COUNT(*) FROM jobs").fetch_one(&mut conn).await.unwrap();
    let events = one("SELECT COUNT(*) FROM job_events").fetch_one(&mut conn).await.unwrap();
    let succeeded = one("SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'").fetch_one(&mut conn).await.unwrap();
    (jobs, events, succeeded)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn databases_of_the_previous_version_load() {
    let files = fixtures();
    assert!(files.len() >= 3, "fixtures missing: {files:?}");
    let mut kinds = std::collections::BTreeSet::new();
    let mut operations = std::collections::BTreeSet::new();
    for file in files {
        let (jobs_stored, events_stored, succeeded_stored) = counts(&file).await;
        // No worker: the stored jobs are read as they are, not run again.
        let app = TestApp::builder(Db::Sqlite).sqlite_from(&file).env("POLYTUNE_WORKERS", "0").start().await;
        let c = app.client();
        c.expect(Method::POST, "/session", Some(json!({"email": "admin@example.org", "password": PASSWORD})), 200)
            .await;
        let workspaces = c.expect(Method::GET, "/workspaces?archived=true", None, 200).await;
        let (mut jobs_read, mut events_read, mut succeeded_read) = (0, 0, 0);
        for ws in workspaces.as_array().unwrap() {
            let ws = ws["id"].as_str().unwrap();
            let jobs = c.expect(Method::GET, &format!("/workspaces/{ws}/jobs"), None, 200).await;
            for j in jobs.as_array().unwrap() {
                let one = c
                    .expect(Method::GET, &format!("/workspaces/{ws}/jobs/{}", j["id"].as_str().unwrap()), None, 200)
                    .await;
                kinds.insert(one["kind"].as_str().unwrap().to_owned());
                if one["state"] == "succeeded" {
                    assert!(one["result"].is_object(), "{}: {one}", file.display());
                    succeeded_read += 1;
                }
                jobs_read += 1;
            }
            // Dataset versions record how they were made (import, derive, mixture): each reads.
            let datasets = c.expect(Method::GET, &format!("/workspaces/{ws}/datasets"), None, 200).await;
            for d in datasets.as_array().unwrap() {
                let one = c
                    .expect(Method::GET, &format!("/workspaces/{ws}/datasets/{}", d["id"].as_str().unwrap()), None, 200)
                    .await;
                for v in one["versions"].as_array().into_iter().flatten() {
                    let op = v["operation"].as_object().unwrap_or_else(|| panic!("{v}"));
                    operations.extend(op.keys().cloned());
                }
            }
            let events: Vec<Value> = sse_events(&c, &format!("/workspaces/{ws}/events"), None).await;
            for e in &events {
                assert!(["state", "progress", "log"].contains(&e["kind"].as_str().unwrap()), "{e}");
            }
            events_read += events.len() as i64;
        }
        assert_eq!(
            (jobs_read, succeeded_read, events_read),
            (jobs_stored, succeeded_stored, events_stored),
            "{}: jobs, succeeded jobs and events read back",
            file.display()
        );
        assert!(!app.log().contains("damaged"), "{}", app.log());
        app.stop().await;
    }
    for op in ["import", "derive", "mixture"] {
        assert!(operations.contains(op), "no version made by {op} among the fixtures: {operations:?}");
    }
    for kind in ["blob_stats", "import_dataset", "profile_dataset", "derive_dataset", "materialize_mixture", "train"] {
        assert!(kinds.contains(kind), "no {kind} job among the fixtures: {kinds:?}");
    }
}
