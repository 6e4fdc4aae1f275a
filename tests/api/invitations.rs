//! Invitations: one-time links, no replay, expiry, only administrators invite.

use reqwest::Method;
use serde_json::json;

use crate::db_test;
use crate::util::{PASSWORD, TestApp, assert_problem};

db_test!(invited_person_joins_with_role_and_link_cannot_be_replayed, |app: TestApp| async move {
    let admin = app.admin().await;
    let ws = admin.expect(Method::POST, "/workspaces", Some(json!({"name": "Yorùbá instructions"})), 201).await;
    let ws_id = ws["id"].as_str().unwrap();
    let inv = admin
        .expect(
            Method::POST,
            "/invitations",
            Some(json!({"email": "Bola@Example.org", "workspace_id": ws_id, "role": "editor"})),
            201,
        )
        .await;
    let token = inv["token"].as_str().unwrap();
    assert_eq!(inv["link"], format!("/invite/{token}"));

    // Anyone with the link sees what it is for.
    let guest = app.client();
    let shown = guest.expect(Method::GET, &format!("/invitations/{token}"), None, 200).await;
    assert_eq!(shown["email"], "bola@example.org");
    assert_eq!(shown["workspace_name"], "Yorùbá instructions");
    assert!(shown.get("token").is_none(), "the secret is not echoed back");

    // A bad password is refused and does not use up the link.
    let weak = guest
        .call(Method::POST, &format!("/invitations/{token}/accept"), Some(json!({"name": "Bola", "password": "123"})))
        .await;
    assert_problem(&weak, 422, "validation_failed");
    let me = guest
        .expect(
            Method::POST,
            &format!("/invitations/{token}/accept"),
            Some(json!({"name": "Bọ́lá", "password": PASSWORD})),
            201,
        )
        .await;
    assert_eq!(me["name"], "Bọ́lá");
    assert_eq!(me["is_admin"], false);
    let list = guest.get("/workspaces").await.1;
    assert_eq!(list[0]["id"], ws_id);
    assert_eq!(list[0]["role"], "editor");

    // Replaying the link fails and changes nothing.
    let replay = app
        .client()
        .call(
            Method::POST,
            &format!("/invitations/{token}/accept"),
            Some(json!({"name": "Mallory", "password": PASSWORD})),
        )
        .await;
    assert_problem(&replay, 410, "invitation_invalid");
    assert_problem(&app.client().get(&format!("/invitations/{token}")).await, 410, "invitation_invalid");
    assert_problem(&app.client().get("/invitations/not-a-real-token").await, 410, "invitation_invalid");

    // The invited person signs in with the chosen password.
    let again = app.client();
    again.expect(Method::POST, "/session", Some(json!({"email": "bola@example.org", "password": PASSWORD})), 200).await;

    // Only administrators invite; an existing account cannot be invited twice.
    let no = guest.call(Method::POST, "/invitations", Some(json!({"email": "x@example.org"}))).await;
    assert_problem(&no, 403, "forbidden");
    let dup = admin.call(Method::POST, "/invitations", Some(json!({"email": "bola@example.org"}))).await;
    assert_problem(&dup, 409, "conflict");

    let log = admin.get(&format!("/workspaces/{ws_id}/audit")).await.1;
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"invitation_created") && actions.contains(&"invitation_accepted"), "{actions:?}");
});

/// Expiry is configured in hours; with 0 an invitation is expired the moment it is made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_invitation_is_gone() {
    let app = TestApp::builder(crate::util::Db::Sqlite).env("POLYTUNE_INVITATION_HOURS", "0").start().await;
    let admin = app.admin().await;
    let inv = admin.expect(Method::POST, "/invitations", Some(json!({"email": "late@example.org"})), 201).await;
    let token = inv["token"].as_str().unwrap();
    let r = app
        .client()
        .call(
            Method::POST,
            &format!("/invitations/{token}/accept"),
            Some(json!({"name": "Late", "password": PASSWORD})),
        )
        .await;
    assert_problem(&r, 410, "invitation_invalid");
    app.stop().await;
}
