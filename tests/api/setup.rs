//! First-run setup: no default account; the first administrator is created once.

use reqwest::Method;
use serde_json::json;

use crate::db_test;
use crate::util::{PASSWORD, TestApp, assert_problem};

db_test!(first_run_creates_one_administrator, |app: TestApp| async move {
    let c = app.client();
    assert_eq!(c.get("/setup").await.1["needed"], true);
    // Nothing works before setup: there is no account to sign in with.
    let denied =
        c.call(Method::POST, "/session", Some(json!({"email": "admin@example.org", "password": PASSWORD}))).await;
    assert_problem(&denied, 401, "invalid_credentials");

    let weak =
        c.call(Method::POST, "/setup", Some(json!({"email": "a@example.org", "name": "A", "password": "short"}))).await;
    assert_problem(&weak, 422, "validation_failed");
    assert_eq!(weak.1["errors"][0]["path"], "password");
    assert_eq!(c.get("/setup").await.1["needed"], true, "a refused setup changes nothing");

    let admin = app.admin().await;
    let me = admin.get("/session").await.1;
    assert_eq!(me["email"], "admin@example.org");
    assert_eq!(me["is_admin"], true);
    assert_eq!(c.get("/setup").await.1["needed"], false);

    let again = app
        .client()
        .call(Method::POST, "/setup", Some(json!({"email": "evil@example.org", "name": "Eve", "password": PASSWORD})))
        .await;
    assert_problem(&again, 409, "already_set_up");
    let evil = app
        .client()
        .call(Method::POST, "/session", Some(json!({"email": "evil@example.org", "password": PASSWORD})))
        .await;
    assert_problem(&evil, 401, "invalid_credentials");
});
