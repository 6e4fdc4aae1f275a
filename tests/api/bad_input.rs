//! Every kind of bad input gets a clear problem+json and changes nothing; nothing is a 5xx
//! (the client helper fails the test on any 5xx or any error that is not problem+json).

use reqwest::Method;
use serde_json::json;

use crate::db_test;
use crate::util::{Client, TestApp, assert_problem};

db_test!(malformed_bodies_are_refused_and_change_nothing, |app: TestApp| async move {
    let admin = app.admin().await;
    let before = admin.get("/workspaces").await.1;
    let post = |body: &'static str, ctype: &'static str| {
        let admin = &admin;
        async move {
            admin.raw(admin.request(Method::POST, "/workspaces").header("content-type", ctype).body(body), body).await
        }
    };
    let r = post("{\"name\": ", "application/json").await;
    assert_problem(&r, 400, "malformed_body");
    assert!(r.1["detail"].as_str().unwrap().contains("not valid JSON"), "{}", r.1);
    let r = post("{\"name\": 42}", "application/json").await;
    assert_problem(&r, 400, "malformed_body");
    assert_eq!(r.1["errors"][0]["path"], "name");
    let r = post("{\"name\": \"ok\", \"owner\": \"me\"}", "application/json").await;
    assert_problem(&r, 400, "malformed_body");
    assert!(r.1["detail"].as_str().unwrap().contains("unknown field `owner`"), "{}", r.1);
    let r = post("[1,2,3]", "application/json").await;
    assert_problem(&r, 400, "malformed_body");
    let r = post("name=x", "application/x-www-form-urlencoded").await;
    assert_problem(&r, 400, "malformed_body");
    let r = post("\"\u{0}\"", "application/json").await;
    assert_problem(&r, 400, "malformed_body");
    // Over the 1 MiB body limit (by a little, so the client finishes sending before the answer).
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat((1 << 20) + 1000));
    let r = admin
        .raw(admin.request(Method::POST, "/workspaces").header("content-type", "application/json").body(huge), "huge")
        .await;
    assert_problem(&r, 413, "payload_too_large");
    // A value that parses but is not acceptable names the field, in words and as a code.
    let r = post("{\"name\": \"   \"}", "application/json").await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.1["errors"][0]["path"], "name", "{}", r.1);
    assert_eq!(r.1["errors"][0]["code"], "empty", "{}", r.1);
    let long: &'static str = Box::leak(format!("{{\"name\": \"{}\"}}", "n".repeat(121)).into_boxed_str());
    let r = post(long, "application/json").await;
    assert_eq!(r.1["errors"][0]["code"], "too_long", "{}", r.1);
    assert_eq!(r.1["errors"][0]["args"]["max"], "120", "{}", r.1);
    assert_eq!(admin.get("/workspaces").await.1, before, "nothing was created");

    // Unknown routes and methods under /api are problems too.
    assert_problem(&admin.get("/no/such/route").await, 404, "not_found");
    assert_problem(&admin.call(Method::PUT, "/setup", None).await, 405, "method_not_allowed");
    // Unknown query parameters are refused, not ignored.
    assert_problem(&admin.get("/workspaces?archived=maybe").await, 400, "malformed_body");
});

db_test!(missing_session_and_cross_workspace_ids, |app: TestApp| async move {
    let admin = app.admin().await;
    let ws = admin.workspace("Mine").await;
    let anon = app.client();
    assert_problem(&anon.get("/workspaces").await, 401, "unauthenticated");
    assert_problem(&anon.get(&format!("/workspaces/{ws}")).await, 401, "unauthenticated");
    assert_problem(&anon.call(Method::POST, "/workspaces", Some(json!({"name": "x"}))).await, 401, "unauthenticated");

    // Someone else's workspace is indistinguishable from one that does not exist.
    let other = app.invite(&admin, "other@example.org", None).await;
    let theirs = other.workspace("Theirs").await;
    assert_problem(&admin.get(&format!("/workspaces/{theirs}")).await, 404, "not_found");
    assert_problem(&admin.get("/workspaces/00000000-0000-0000-0000-000000000000").await, 404, "not_found");
    assert_problem(
        &admin.call(Method::PATCH, &format!("/workspaces/{theirs}"), Some(json!({"name": "pwned"}))).await,
        404,
        "not_found",
    );
    // Member ids from another workspace do not reach across.
    let other_id = other.get("/session").await.1["id"].as_str().unwrap().to_owned();
    assert_problem(
        &admin
            .call(Method::PATCH, &format!("/workspaces/{ws}/members/{other_id}"), Some(json!({"role": "owner"})))
            .await,
        404,
        "not_found",
    );
    assert_eq!(other.get(&format!("/workspaces/{theirs}")).await.1["name"], "Theirs");
});

db_test!(sql_and_html_in_text_fields_are_just_text, |app: TestApp| async move {
    let admin = app.admin().await;
    for name in [
        "'); DROP TABLE users; --",
        "Robert\"); DELETE FROM workspaces WHERE (\"1\"=\"1",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "$1 $2 ?1 %s {{name}}",
        "עברית ← right-to-left",
    ] {
        let ws = admin.expect(Method::POST, "/workspaces", Some(json!({"name": name})), 201).await;
        assert_eq!(ws["name"], name);
        let id = ws["id"].as_str().unwrap();
        admin
            .expect(Method::PUT, &format!("/workspaces/{id}/description"), Some(json!({"description": name})), 200)
            .await;
        assert_eq!(admin.get(&format!("/workspaces/{id}")).await.1["description"], name);
        // Also through sign-in and invitation email fields.
        let r = app.client().call(Method::POST, "/session", Some(json!({"email": name, "password": name}))).await;
        assert_eq!(r.0.as_u16(), 401, "{}", r.1);
        let r = admin.call(Method::POST, "/invitations", Some(json!({"email": name}))).await;
        assert_problem(&r, 422, "validation_failed");
    }
    assert_eq!(admin.get("/workspaces").await.1.as_array().unwrap().len(), 6);
    assert_eq!(admin.get("/session").await.0.as_u16(), 200, "the users table is still there");
    // Path segments are data too.
    let r = admin.get("/workspaces/'%20OR%201=1%20--").await;
    assert_problem(&r, 404, "not_found");
    let bogus = Client::new(app.base(), true);
    let r = bogus
        .raw(bogus.request(Method::GET, "/session").header("cookie", "polytune_session=' OR 1=1 --"), "cookie")
        .await;
    assert_problem(&r, 401, "unauthenticated");
});
