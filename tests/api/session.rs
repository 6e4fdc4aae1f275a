//! Signing in and out, session expiry, rate limits, the Origin check.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::db_test;
use crate::util::{Client, Db, PASSWORD, TestApp, assert_problem};

db_test!(sign_in_out_and_everywhere, |app: TestApp| async move {
    let admin = app.admin().await;
    let second = app.client();
    let signed = second
        .call(Method::POST, "/session", Some(json!({"email": " ADMIN@example.org ", "password": PASSWORD})))
        .await;
    assert_eq!(signed.0.as_u16(), 200, "emails are case- and space-insensitive: {}", signed.1);
    assert_eq!(second.get("/session").await.0.as_u16(), 200);

    // Sign out of one browser: the other stays signed in.
    second.expect(Method::DELETE, "/session", None, 204).await;
    assert_problem(&second.get("/session").await, 401, "unauthenticated");
    assert_eq!(admin.get("/session").await.0.as_u16(), 200);

    // Sign out everywhere ends every session.
    let third = app.client();
    third
        .expect(Method::POST, "/session", Some(json!({"email": "admin@example.org", "password": PASSWORD})), 200)
        .await;
    admin.expect(Method::DELETE, "/sessions", None, 204).await;
    assert_problem(&admin.get("/session").await, 401, "unauthenticated");
    assert_problem(&third.get("/session").await, 401, "unauthenticated");
});

db_test!(each_sign_in_gets_a_new_session_id, |app: TestApp| async move {
    let admin = app.admin().await;
    let sign_in = || async {
        let res = admin
            .request(Method::POST, "/session")
            .json(&json!({"email": "admin@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        cookie.split(';').next().unwrap().to_owned()
    };
    let a = sign_in().await;
    let b = sign_in().await;
    assert_ne!(a, b);
    // A forged cookie is just not signed in.
    let forged = Client::new(app.base(), true);
    let res =
        forged.raw(forged.request(Method::GET, "/session").header("cookie", "polytune_session=forged"), "forged").await;
    assert_problem(&res, 401, "unauthenticated");
});

async fn start_with(db: Db, env: &[(&str, &str)]) -> TestApp {
    let mut b = TestApp::builder(db);
    for (k, v) in env {
        b = b.env(k, v);
    }
    b.start().await
}

async fn idle_and_absolute_expiry(db: Db) {
    let app = start_with(db, &[("POLYTUNE_SESSION_IDLE_SECS", "2"), ("POLYTUNE_SESSION_MAX_SECS", "4")]).await;
    let admin = app.admin().await;
    // Idle: no request for longer than 2 s ends the session.
    tokio::time::sleep(Duration::from_millis(2600)).await;
    assert_problem(&admin.get("/session").await, 401, "unauthenticated");

    // Absolute: a session used every 0.5 s still ends 4 s after sign-in.
    let c = app.client();
    c.expect(Method::POST, "/session", Some(json!({"email": "admin@example.org", "password": PASSWORD})), 200).await;
    let start = std::time::Instant::now();
    let mut ended_after = None;
    while start.elapsed() < Duration::from_secs(7) {
        if c.get("/session").await.0.as_u16() == 401 {
            ended_after = Some(start.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let ended = ended_after.expect("session outlived its absolute expiry");
    assert!(ended >= Duration::from_millis(3400), "ended too early: {ended:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_expiry_sqlite() {
    idle_and_absolute_expiry(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_expiry_postgres() {
    idle_and_absolute_expiry(Db::Postgres).await;
}

async fn rate_limits(db: Db) {
    let app =
        start_with(db, &[("POLYTUNE_SIGNIN_MAX_PER_ACCOUNT", "3"), ("POLYTUNE_SIGNIN_MAX_PER_ADDRESS", "6")]).await;
    let admin = app.admin().await;
    let c = app.client();
    let attempt = |email: &'static str, password: &'static str| {
        let c = &c;
        async move { c.call(Method::POST, "/session", Some(json!({"email": email, "password": password}))).await }
    };
    for _ in 0..3 {
        assert_problem(&attempt("admin@example.org", "wrong password!").await, 401, "invalid_credentials");
    }
    // Locked now, even with the right password.
    let locked = attempt("admin@example.org", PASSWORD).await;
    assert_problem(&locked, 429, "rate_limited");
    // Per address: failures on made-up accounts from the same address add up.
    for email in ["x1@example.org", "x2@example.org", "x3@example.org"] {
        assert_problem(&attempt(email, "whatever whatever").await, 401, "invalid_credentials");
    }
    assert_problem(&attempt("x4@example.org", "whatever whatever").await, 429, "rate_limited");
    // Failed sign-ins are audited.
    let log = admin.get("/audit").await.1;
    let failed = log.as_array().unwrap().iter().filter(|e| e["action"] == "sign_in_failed").count();
    assert_eq!(failed, 6, "{log}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_rate_limit_sqlite() {
    rate_limits(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_rate_limit_postgres() {
    rate_limits(Db::Postgres).await;
}

db_test!(origin_check_on_state_changing_requests, |app: TestApp| async move {
    let admin = app.admin().await;
    // No Origin (and no Referer): refused, like a form posted from another site.
    let sneaky = app.client().without_origin();
    let r =
        sneaky.call(Method::POST, "/session", Some(json!({"email": "admin@example.org", "password": PASSWORD}))).await;
    assert_problem(&r, 403, "origin_rejected");
    let foreign = admin
        .raw(
            reqwest::Client::new()
                .post(format!("{}/api/v1/workspaces", app.base()))
                .header("Origin", "https://evil.example")
                .json(&json!({"name": "evil"})),
            "foreign origin",
        )
        .await;
    assert_problem(&foreign, 403, "origin_rejected");
    let list = admin.get("/workspaces").await.1;
    assert!(list.as_array().unwrap().iter().all(|w| w["name"] != "evil"), "{list}");
    // A Referer from the studio itself is accepted when Origin is missing.
    let referer = Client::new(app.base(), false);
    let r = referer
        .raw(
            referer
                .request(Method::POST, "/session")
                .header("Referer", format!("{}/signin", app.base()))
                .json(&json!({"email": "admin@example.org", "password": PASSWORD})),
            "referer",
        )
        .await;
    assert_eq!(r.0.as_u16(), 200, "{}", r.1);
    // Reads need no Origin.
    assert_eq!(Client::new(app.base(), false).get("/setup").await.0.as_u16(), 200);
});
