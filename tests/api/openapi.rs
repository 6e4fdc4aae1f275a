//! The OpenAPI document is generated from the handlers and lists the contract paths; the whole
//! document is a reviewed snapshot, `snapshots/openapi.snap`, so every change to the contract
//! shows up in review.
//!
//! After a deliberate change (a route, a schema, a description), regenerate the snapshot and
//! review its diff with the code:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test -p polytune-tests --test api openapi::openapi_lists_the_contract::sqlite
//! ```
//!
//! (or, with cargo-insta installed, `cargo insta test --accept -p polytune-tests --test api openapi`).
//! Without `INSTA_UPDATE`, a changed document fails with a diff and leaves the new version in
//! `snapshots/openapi.snap.new`; CI never writes snapshots. `info.version` (the crate version) is
//! left out.

use serde_json::json;

use crate::db_test;
use crate::util::TestApp;

db_test!(openapi_lists_the_contract, |app: TestApp| async move {
    let doc = app.client().get("/openapi.json").await.1;
    assert_eq!(doc["info"]["title"], "Polytune API");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/v1/setup", "post"),
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
        ("/api/v1/workspaces", "get"),
        ("/api/v1/workspaces", "post"),
        ("/api/v1/workspaces/{workspace_id}/members", "get"),
        ("/api/v1/workspaces/{workspace_id}/members", "post"),
        ("/api/v1/invitations", "post"),
        ("/api/v1/workspaces/{workspace_id}/uploads", "post"),
        ("/api/v1/workspaces/{workspace_id}/uploads/{upload_id}", "patch"),
        ("/api/v1/workspaces/{workspace_id}/datasets/inspect", "post"),
        ("/api/v1/workspaces/{workspace_id}/datasets", "post"),
        ("/api/v1/workspaces/{workspace_id}/versions/{version_id}/examples", "get"),
        ("/api/v1/workspaces/{workspace_id}/versions/{version_id}/derive", "post"),
        ("/api/v1/workspaces/{workspace_id}/versions/{version_id}/export", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from {:?}",
            paths.keys()
        );
    }
    let mut normalized = doc.clone();
    normalized["info"]["version"] = json!("[version]");
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, sort_maps => true}, {
        insta::assert_json_snapshot!("openapi", normalized);
    });
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["schemas"]["Example"].is_object());
    let health = reqwest::get(format!("{}/healthz", app.base())).await.unwrap();
    assert_eq!(health.status(), 200);
});
