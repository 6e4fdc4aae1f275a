//! `TestApp`: a real server process plus a client with a cookie jar.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Runs the body once against SQLite and once against PostgreSQL.
#[macro_export]
macro_rules! db_test {
    ($name:ident, env: [$(($k:expr, $v:expr)),* $(,)?], $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::util::TestApp::builder($crate::util::Db::Sqlite)$(.env($k, $v))*.start().await;
                ($body)(app.clone()).await;
                app.stop().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::util::TestApp::builder($crate::util::Db::Postgres)$(.env($k, $v))*.start().await;
                ($body)(app.clone()).await;
                app.stop().await;
            }
        }
    };
    ($name:ident, $body:expr) => {
        $crate::db_test!($name, env: [], $body);
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub const PASSWORD: &str = "correct horse battery";

pub struct Builder {
    db: Db,
    env: Vec<(String, String)>,
    /// A SQLite file (and its `-wal` beside it, if any) to start from instead of an empty one.
    seed: Option<std::path::PathBuf>,
}

impl Builder {
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    /// Starts from a copy of an existing SQLite database (SQLite only).
    pub fn sqlite_from(mut self, file: &std::path::Path) -> Self {
        assert_eq!(self.db, Db::Sqlite, "only a SQLite file can be copied in");
        self.seed = Some(file.to_owned());
        self
    }

    pub async fn start(self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        if let Some(seed) = &self.seed {
            std::fs::copy(seed, dir.path().join("polytune.db")).expect("copy the seed database");
            let wal = seed.with_extension("db-wal");
            if wal.exists() {
                std::fs::copy(&wal, dir.path().join("polytune.db-wal")).expect("copy the seed WAL");
            }
        }
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let (database_url, pg_db) = match self.db {
            Db::Sqlite => (format!("sqlite:{}", dir.path().join("polytune.db").display()), None),
            Db::Postgres => {
                let name = format!("polytune_t_{:016x}", rand::random::<u64>());
                let admin = pg_admin_url();
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL at {admin} is needed for this test (scripts/test.sh starts it): {e}")
                });
                sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("create test database");
                (pg_url_for(&admin, &name), Some(name))
            }
        };
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let mut cmd = tokio::process::Command::new(server_binary());
        cmd.current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("POLYTUNE_LISTEN", format!("127.0.0.1:{port}"))
            .env("POLYTUNE_DATA_DIR", dir.path().join("data"))
            .env("POLYTUNE_DATABASE_URL", &database_url)
            .env("POLYTUNE_DIST_DIR", dir.path().join("no-dist"))
            .env("POLYTUNE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start polytune");
        let base = format!("http://127.0.0.1:{port}");
        let app = TestApp {
            inner: std::sync::Arc::new(Inner {
                base: base.clone(),
                child: tokio::sync::Mutex::new(Some(child)),
                _dir: dir,
                pg_db,
                database_url,
            }),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let probe = reqwest::Client::new();
        loop {
            if let Ok(r) = probe.get(format!("{base}/readyz")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "polytune did not become ready: {}", app.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        app
    }
}

fn pg_admin_url() -> String {
    std::env::var("POLYTUNE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn pg_url_for(admin: &str, db: &str) -> String {
    match admin.rfind('/') {
        Some(i) if i > "postgres://".len() => format!("{}/{db}", &admin[..i]),
        _ => format!("{admin}/{db}"),
    }
}

pub fn server_binary() -> PathBuf {
    if let Ok(p) = std::env::var("POLYTUNE_BIN") {
        return p.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("debug/polytune");
    assert!(bin.exists(), "{} is missing: build it first (cargo build -p polytune-server)", bin.display());
    bin
}

struct Inner {
    base: String,
    child: tokio::sync::Mutex<Option<tokio::process::Child>>,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
    database_url: String,
}

#[derive(Clone)]
pub struct TestApp {
    inner: std::sync::Arc<Inner>,
}

impl TestApp {
    pub fn builder(db: Db) -> Builder {
        Builder { db, env: Vec::new(), seed: None }
    }

    pub fn base(&self) -> &str {
        &self.inner.base
    }

    /// The server's data folder (its blob store is `storage/` inside).
    pub fn data_dir(&self) -> PathBuf {
        self.inner._dir.path().join("data")
    }

    pub fn database_url(&self) -> &str {
        &self.inner.database_url
    }

    /// Starts a `polytune worker` process on this app's database (or `database_url`, e.g. through
    /// a proxy) and storage.
    pub fn spawn_worker(&self, database_url: Option<&str>, env: &[(&str, &str)]) -> tokio::process::Child {
        let n = rand::random::<u32>();
        let log = std::fs::File::create(self.inner._dir.path().join(format!("worker-{n}.log"))).expect("worker log");
        let mut cmd = tokio::process::Command::new(server_binary());
        cmd.arg("worker")
            .current_dir(self.inner._dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("POLYTUNE_DATA_DIR", self.inner._dir.path().join("data"))
            .env("POLYTUNE_DATABASE_URL", database_url.unwrap_or(&self.inner.database_url))
            .env("POLYTUNE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.spawn().expect("start worker")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.inner._dir.path().join("server.log")).unwrap_or_default()
    }

    /// A client with its own cookie jar, sending the studio's Origin like a browser would.
    pub fn client(&self) -> Client {
        Client::new(self.base(), true)
    }

    pub async fn stop(&self) {
        if let Some(mut child) = self.inner.child.lock().await.take() {
            let _ = child.kill().await;
        }
        assert!(!self.log().contains("panicked"), "the server panicked:\n{}", self.log());
        if let Some(name) = &self.inner.pg_db {
            if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&pg_admin_url()).await {
                let _ = sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
                )
                .await;
            }
        }
    }

    /// Runs first-run setup and returns the administrator's signed-in client.
    pub async fn admin(&self) -> Client {
        let c = self.client();
        c.expect(
            Method::POST,
            "/setup",
            Some(json!({"email": "admin@example.org", "name": "Admin", "password": PASSWORD})),
            201,
        )
        .await;
        c
    }

    /// Invites `email` (by `admin`), optionally into a workspace with a role, and accepts the
    /// invitation in a fresh client, which is returned signed in.
    pub async fn invite(&self, admin: &Client, email: &str, ws_role: Option<(&str, &str)>) -> Client {
        let mut body = json!({"email": email});
        if let Some((ws, role)) = ws_role {
            body["workspace_id"] = json!(ws);
            body["role"] = json!(role);
        }
        let inv = admin.expect(Method::POST, "/invitations", Some(body), 201).await;
        let token = inv["token"].as_str().expect("token").to_owned();
        let c = self.client();
        c.expect(
            Method::POST,
            &format!("/invitations/{token}/accept"),
            Some(json!({"name": email.split('@').next().unwrap(), "password": PASSWORD})),
            201,
        )
        .await;
        c
    }
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    origin: bool,
    pub bearer: Option<String>,
}

impl Client {
    pub fn new(base: &str, origin: bool) -> Self {
        Client {
            http: reqwest::Client::builder().cookie_store(true).build().expect("client"),
            base: base.into(),
            origin,
            bearer: None,
        }
    }

    pub fn with_bearer(base: &str, token: &str) -> Self {
        Client { bearer: Some(token.into()), ..Client::new(base, false) }
    }

    pub fn without_origin(mut self) -> Self {
        self.origin = false;
        self
    }

    /// Sends a request under `/api/v1`; returns status and JSON body (Null when empty). Every
    /// error must be problem+json with a code, and nothing may be a 5xx.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.http.request(method.clone(), format!("{}/api/v1{path}", self.base));
        if self.origin {
            req = req.header("Origin", &self.base);
        }
        if let Some(t) = &self.bearer {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        self.check(method, path, res).await
    }

    pub async fn raw(&self, req: reqwest::RequestBuilder, what: &str) -> (StatusCode, Value) {
        let res = req.send().await.expect("request");
        self.check(Method::POST, what, res).await
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}/api/v1{path}", self.base));
        if self.origin {
            req = req.header("Origin", &self.base);
        }
        req
    }

    async fn check(&self, method: Method, path: &str, res: reqwest::Response) -> (StatusCode, Value) {
        let status = res.status();
        let ctype = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let text = res.text().await.unwrap_or_default();
        assert!(status.as_u16() < 500, "{method} {path} gave {status}: {text}");
        let json =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        if status.is_client_error() {
            assert!(ctype.starts_with("application/problem+json"), "{method} {path} {status}: content-type {ctype:?}");
            assert!(json["code"].is_string(), "{method} {path} {status}: problem without code: {json}");
        }
        (status, json)
    }

    /// Like `call`, asserting the status.
    pub async fn expect(&self, method: Method, path: &str, body: Option<Value>, status: u16) -> Value {
        let (s, v) = self.call(method.clone(), path, body).await;
        assert_eq!(s.as_u16(), status, "{method} {path}: {v}");
        v
    }

    /// Makes a workspace named `name`; its id.
    pub async fn workspace(&self, name: &str) -> String {
        self.expect(Method::POST, "/workspaces", Some(json!({"name": name})), 201).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }
}

/// Asserts a problem response with this status and code.
#[track_caller]
pub fn assert_problem(got: &(StatusCode, Value), status: u16, code: &str) {
    assert_eq!(got.0.as_u16(), status, "{}", got.1);
    assert_eq!(got.1["code"], code, "{}", got.1);
}

// ---- jobs helpers ----------------------------------------------------------------------

pub async fn upload(c: &Client, ws: &str, name: &str, body: Vec<u8>) -> Value {
    let req = c
        .request(Method::POST, &format!("/workspaces/{ws}/blobs?name={name}"))
        .header("content-type", "application/octet-stream")
        .body(body);
    let (status, v) = c.raw(req, "upload").await;
    assert_eq!(status.as_u16(), 201, "{v}");
    v
}

pub async fn wait_for(c: &Client, ws: &str, job: &str, states: &[&str], secs: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let j = c.expect(Method::GET, &format!("/workspaces/{ws}/jobs/{job}"), None, 200).await;
        if states.contains(&j["state"].as_str().unwrap_or("")) {
            return j;
        }
        assert!(Instant::now() < deadline, "job never reached {states:?}: {j}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for a job a route answered with (202) to succeed; returns its result.
pub async fn job_result(c: &Client, ws: &str, job: &Value, secs: u64) -> Value {
    let done = wait_for(c, ws, job["id"].as_str().expect("a job"), &["succeeded", "failed", "cancelled"], secs).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    done["result"].clone()
}

/// 3 MiB + 17 bytes of lines: 4 chunks of 1 MiB.
pub fn sample_file() -> Vec<u8> {
    let mut v = Vec::new();
    let mut i = 0u64;
    while v.len() < (3 << 20) + 17 {
        v.extend_from_slice(format!("line {i} — ሰላም สวัสดี\n").as_bytes());
        i += 1;
    }
    v.truncate((3 << 20) + 17);
    v
}

/// Reads an SSE stream until it has been quiet for a moment; returns the JSON of each event.
pub async fn sse_events(c: &Client, path: &str, last_event_id: Option<i64>) -> Vec<Value> {
    let mut req = c.request(Method::GET, path);
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id.to_string());
    }
    let mut res = req.send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut text = String::new();
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout(Duration::from_millis(700), res.chunk()).await {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    text.lines().filter_map(|l| l.strip_prefix("data: ")).map(|d| serde_json::from_str(d).unwrap()).collect()
}

/// Starts a job of `kind` in `ws` through the generic jobs route; the queued job.
pub async fn start_job(c: &Client, ws: &str, kind: &str, payload: Value) -> Value {
    c.expect(Method::POST, &format!("/workspaces/{ws}/jobs"), Some(json!({"kind": kind, "payload": payload})), 201)
        .await
}

/// The same multi-step job the job and fault tests watch: a new workspace, the 3 MiB sample file,
/// and a `blob_stats` job over it in 64 KiB chunks (49 steps), `throttle_ms` apart.
/// Returns (workspace id, blob sha256, job id).
pub async fn start_slow_job(admin: &Client, throttle_ms: u64) -> (String, String, String) {
    let ws = admin.workspace("Slow job").await;
    let sha = upload(admin, &ws, "sample.txt", sample_file()).await["sha256"].as_str().unwrap().to_owned();
    let payload = json!({"blob": sha, "chunk_bytes": 65536, "throttle_ms": throttle_ms});
    let job = start_job(admin, &ws, "blob_stats", payload).await;
    (ws, sha, job["id"].as_str().unwrap().to_owned())
}

/// The result of an uninterrupted `blob_stats` run over `sha` in 64 KiB chunks: what an
/// interrupted, resumed run must equal.
pub async fn reference_result(admin: &Client, ws: &str, sha: &str, secs: u64) -> Value {
    let job = start_job(admin, &ws, "blob_stats", json!({"blob": sha, "chunk_bytes": 65536})).await;
    let done = wait_for(admin, ws, job["id"].as_str().unwrap(), &["succeeded", "failed"], secs).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    done["result"].clone()
}

/// The chunk numbers from which attempts resumed ("resuming at chunk N …" log lines).
pub fn resumed_at(events: &[Value]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| e["message"].as_str()?.strip_prefix("resuming at chunk ")?.split(' ').next()?.parse().ok())
        .collect()
}
