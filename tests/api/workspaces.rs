//! Workspaces: create, rename, archive and restore; what each caller sees.

use reqwest::Method;
use serde_json::json;

use crate::db_test;
use crate::util::{TestApp, assert_problem};

db_test!(create_rename_archive_restore, |app: TestApp| async move {
    let admin = app.admin().await;
    let ws = admin.expect(Method::POST, "/workspaces", Some(json!({"name": "  Kazakh tuning  "})), 201).await;
    assert_eq!(ws["name"], "Kazakh tuning", "names are trimmed");
    assert_eq!(ws["role"], "owner");
    let id = ws["id"].as_str().unwrap().to_owned();

    let renamed =
        admin.expect(Method::PATCH, &format!("/workspaces/{id}"), Some(json!({"name": "Қазақ тілі"})), 200).await;
    assert_eq!(renamed["name"], "Қазақ тілі");

    let archived =
        admin.expect(Method::PATCH, &format!("/workspaces/{id}"), Some(json!({"archived": true})), 200).await;
    assert_eq!(archived["archived"], true);
    assert_eq!(admin.get("/workspaces").await.1.as_array().unwrap().len(), 0, "archived ones are hidden by default");
    let all = admin.get("/workspaces?archived=true").await.1;
    assert_eq!(all[0]["id"], id.as_str());
    // Editing inside an archived workspace is refused until it is restored.
    let write =
        admin.call(Method::PUT, &format!("/workspaces/{id}/description"), Some(json!({"description": "x"}))).await;
    assert_problem(&write, 409, "conflict");
    admin.expect(Method::PATCH, &format!("/workspaces/{id}"), Some(json!({"archived": false})), 200).await;
    let described = admin
        .expect(
            Method::PUT,
            &format!("/workspaces/{id}/description"),
            Some(json!({"description": "Instruction data in Kazakh."})),
            200,
        )
        .await;
    assert_eq!(described["description"], "Instruction data in Kazakh.");
    assert_eq!(admin.get(&format!("/workspaces/{id}")).await.1["description"], "Instruction data in Kazakh.");

    let empty = admin.call(Method::PATCH, &format!("/workspaces/{id}"), Some(json!({}))).await;
    assert_problem(&empty, 422, "validation_failed");

    let log = admin.get(&format!("/workspaces/{id}/audit")).await.1;
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["workspace_restored", "workspace_archived", "workspace_renamed", "workspace_created"]);
});
