//! The authorization matrix, generated from the OpenAPI document: every operation under
//! `/api/v1/workspaces/{workspace_id}` is called by every kind of caller, and each answer must be
//! what the operation's `security` promises (scopes: the least workspace role, and `admin`; no
//! `api_token` requirement: browser sessions only — see `server/src/http/openapi.rs`).
//!
//! - anonymous → 401;
//! - signed in but not a member → 404;
//! - an API token of another workspace, held by an owner of this one → 404;
//! - a member's session or token that the requirement does not admit (role too low, a token where
//!   only sessions are accepted, not an administrator where `admin` is needed) → 403;
//! - a caller it admits → neither 401, 403 nor 409 (nor 404 where the path names nothing but the
//!   workspace);
//! - an owner it admits, in an archived workspace → 409 for `editor` operations (the writes),
//!   otherwise as any admitted caller.
//!
//! Other path parameters get a well-formed id that names nothing, and bodies are `{}` (empty bytes
//! for raw uploads): the capability extractors run before every other fallible extractor (checked
//! by the server's `http::openapi` unit test), so the statuses above do not depend on them. Event
//! streams are read for their status only.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::util::{Client, TestApp};

/// Operations under `/workspaces/{workspace_id}` today (59) and the cases generated from them;
/// raise these with the API, never lower them to make the test pass.
const MIN_OPERATIONS: usize = 69;
const MIN_CASES: usize = 700;

/// A well-formed id (UUID v7, as the server makes them) that names nothing.
const NO_SUCH_ID: &str = "01890000-0000-7000-8000-000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Viewer,
    Editor,
    Owner,
}

impl Role {
    fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "editor" => Some(Role::Editor),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }
}

/// What an operation's `security` asks of its caller.
#[derive(Debug)]
struct Requirement {
    role: Role,
    admin: bool,
    tokens: bool,
}

#[derive(Debug)]
enum Body {
    None,
    Json,
    Bytes(String),
}

#[derive(Debug)]
struct Operation {
    method: Method,
    /// Relative to `/api/v1`, with `{workspace_id}` still in it and other parameters filled.
    path: String,
    body: Body,
    stream: bool,
    /// Whether the path names nothing but the workspace (so a 404 can only be a denial).
    workspace_only: bool,
    needs: Requirement,
}

impl Operation {
    fn url(&self, ws: &str) -> String {
        self.path.replace("{workspace_id}", ws)
    }
}

fn requirement(label: &str, op: &Value) -> Requirement {
    let mut by_scheme: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for req in op["security"].as_array().unwrap_or_else(|| panic!("{label}: no security in the document")) {
        for (scheme, scopes) in req.as_object().expect("security requirement") {
            let scopes = scopes.as_array().expect("scopes").iter().map(|s| s.as_str().unwrap().to_owned()).collect();
            by_scheme.insert(scheme.clone(), scopes);
        }
    }
    let session = by_scheme.get("session").unwrap_or_else(|| panic!("{label}: no session requirement"));
    if let Some(token) = by_scheme.get("api_token") {
        assert_eq!(token, session, "{label}: session and api_token scopes differ");
    }
    let roles: Vec<Role> = session.iter().filter_map(|s| Role::parse(s)).collect();
    assert_eq!(roles.len(), 1, "{label}: a workspace operation names one least role, got {session:?}");
    Requirement {
        role: roles[0],
        admin: session.iter().any(|s| s == "admin"),
        tokens: by_scheme.contains_key("api_token"),
    }
}

/// Every operation on one workspace, from the served document.
fn workspace_operations(doc: &Value) -> Vec<Operation> {
    const PREFIX: &str = "/api/v1";
    const WORKSPACE: &str = "/api/v1/workspaces/{workspace_id}";
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if path != WORKSPACE && !path.starts_with(&format!("{WORKSPACE}/")) {
            continue;
        }
        for (method, op) in item.as_object().expect("path item") {
            let Ok(m) = method.to_uppercase().parse::<Method>() else { continue };
            if !op.is_object() || !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&m.as_str()) {
                continue;
            }
            let label = format!("{m} {path}");
            let mut filled = path.strip_prefix(PREFIX).unwrap().to_owned();
            let mut workspace_only = true;
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                if p["in"] != "path" || name == "workspace_id" {
                    continue;
                }
                workspace_only = false;
                let value = if p["schema"]["type"] == "integer" { "0" } else { NO_SUCH_ID };
                filled = filled.replace(&format!("{{{name}}}"), value);
            }
            assert!(!filled.replace("{workspace_id}", "").contains('{'), "{label}: a path parameter is not declared");
            let body = match op["requestBody"]["content"].as_object() {
                None => Body::None,
                Some(c) if c.contains_key("application/json") => Body::Json,
                Some(c) => Body::Bytes(c.keys().next().unwrap().clone()),
            };
            let ok = &op["responses"]["200"];
            let stream = ok["content"].get("text/event-stream").is_some()
                || ok["description"].as_str().is_some_and(|d| d.contains("text/event-stream"));
            ops.push(Operation {
                method: m,
                path: filled,
                body,
                stream,
                workspace_only,
                needs: requirement(&label, op),
            });
        }
    }
    ops
}

#[derive(Debug, Clone, Copy)]
enum Who {
    Anonymous,
    Outsider,
    ForeignToken,
    Member { role: Role, admin: bool, token: bool },
}

struct Caller<'a> {
    name: &'static str,
    client: &'a Client,
    who: Who,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Status(u16),
    Admitted,
}

fn admits(needs: &Requirement, who: Who) -> bool {
    match who {
        Who::Member { role, admin, token } => role >= needs.role && (!needs.admin || admin) && (!token || needs.tokens),
        _ => false,
    }
}

fn expect(needs: &Requirement, who: Who) -> Expect {
    match who {
        Who::Anonymous => Expect::Status(401),
        Who::Outsider | Who::ForeignToken => Expect::Status(404),
        _ if admits(needs, who) => Expect::Admitted,
        _ => Expect::Status(403),
    }
}

/// The status of one call; event streams are dropped once their headers are in.
async fn status_of(c: &Client, op: &Operation, ws: &str) -> u16 {
    let path = op.url(ws);
    let call = async {
        if op.stream {
            let mut req = c.request(op.method.clone(), &path);
            if let Some(t) = &c.bearer {
                req = req.bearer_auth(t);
            }
            return req.send().await.expect("request").status().as_u16();
        }
        match &op.body {
            Body::None => c.call(op.method.clone(), &path, None).await.0.as_u16(),
            Body::Json => c.call(op.method.clone(), &path, Some(json!({}))).await.0.as_u16(),
            Body::Bytes(content_type) => {
                let mut req = c.request(op.method.clone(), &path).header("content-type", content_type).body(Vec::new());
                if let Some(t) = &c.bearer {
                    req = req.bearer_auth(t);
                }
                c.raw(req, &path).await.0.as_u16()
            }
        }
    };
    let limit = Duration::from_secs(if op.stream { 10 } else { 60 });
    tokio::time::timeout(limit, call).await.unwrap_or_else(|_| panic!("{} {path}: no answer in {limit:?}", op.method))
}

async fn token(app: &TestApp, owner: &Client, ws: &str, role: &str) -> Client {
    let t = owner
        .expect(Method::POST, &format!("/workspaces/{ws}/tokens"), Some(json!({"name": role, "role": role})), 201)
        .await;
    Client::with_bearer(app.base(), t["token"].as_str().unwrap())
}

db_test!(authz_matrix, |app: TestApp| async move {
    let doc = app.client().get("/openapi.json").await.1;
    let ops = workspace_operations(&doc);

    // Workspace `ws` is where the matrix runs; `elsewhere` only lends a token; `archived` is
    // archived once its owners and their token exist.
    let admin = app.admin().await;
    let ws = admin.workspace("Matrix").await;
    let elsewhere = admin.workspace("Elsewhere").await;
    let archived = admin.workspace("Archived").await;
    let owner = app.invite(&admin, "owner@example.org", Some((&ws, "owner"))).await;
    admin
        .expect(
            Method::POST,
            &format!("/workspaces/{archived}/members"),
            Some(json!({"email": "owner@example.org", "role": "owner"})),
            201,
        )
        .await;
    let anonymous = app.client();
    let outsider = app.invite(&admin, "out@example.org", None).await;
    let foreign_token = token(&app, &admin, &elsewhere, "owner").await;
    let viewer = app.invite(&admin, "vi@example.org", Some((&ws, "viewer"))).await;
    let editor = app.invite(&admin, "ed@example.org", Some((&ws, "editor"))).await;
    let viewer_token = token(&app, &admin, &ws, "viewer").await;
    let editor_token = token(&app, &admin, &ws, "editor").await;
    let owner_token = token(&app, &admin, &ws, "owner").await;
    let archived_token = token(&app, &admin, &archived, "owner").await;

    let member = |role, admin| Who::Member { role, admin, token: false };
    let token_of = |role| Who::Member { role, admin: false, token: true };
    let caller = |name, client, who| Caller { name, client, who };
    let callers = [
        caller("anonymous", &anonymous, Who::Anonymous),
        caller("non-member", &outsider, Who::Outsider),
        caller("owner token of another workspace", &foreign_token, Who::ForeignToken),
        caller("viewer", &viewer, member(Role::Viewer, false)),
        caller("editor", &editor, member(Role::Editor, false)),
        caller("owner", &owner, member(Role::Owner, false)),
        caller("owner, administrator", &admin, member(Role::Owner, true)),
        caller("viewer token", &viewer_token, token_of(Role::Viewer)),
        caller("editor token", &editor_token, token_of(Role::Editor)),
        caller("owner token", &owner_token, token_of(Role::Owner)),
    ];
    let archived_owners = [
        caller("owner", &owner, member(Role::Owner, false)),
        caller("owner, administrator", &admin, member(Role::Owner, true)),
        caller("owner token", &archived_token, token_of(Role::Owner)),
    ];
    admin.expect(Method::PATCH, &format!("/workspaces/{archived}"), Some(json!({"archived": true})), 200).await;

    let mut cases = 0;
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut check = |op: &Operation, ws: &str, caller: &Caller, want: Expect, got: u16| {
        cases += 1;
        let ok = match want {
            Expect::Status(s) => got == s,
            // A 404 names a missing resource, which only paths with more than the workspace have.
            Expect::Admitted => !([401, 403, 409].contains(&got) || (op.workspace_only && got == 404)),
        };
        *tally.entry(format!("{want:?}")).or_default() += 1;
        if !ok {
            wrong.push(format!("{} {} as {}: expected {want:?}, got {got}", op.method, op.url(ws), caller.name));
        }
    };
    for op in &ops {
        for caller in &callers {
            let got = status_of(caller.client, op, &ws).await;
            check(op, &ws, caller, expect(&op.needs, caller.who), got);
        }
        for caller in archived_owners.iter().filter(|c| admits(&op.needs, c.who)) {
            let got = status_of(caller.client, op, &archived).await;
            let want = if op.needs.role == Role::Editor { Expect::Status(409) } else { Expect::Admitted };
            check(op, &archived, caller, want, got);
        }
    }
    // Outside the matrix: a token cannot create a workspace either, whatever it sends.
    for body in [json!({}), json!({"name": "By script"})] {
        assert_eq!(owner_token.call(Method::POST, "/workspaces", Some(body)).await.0, 403);
    }
    println!("authz matrix: {} operations, {cases} cases {tally:?}", ops.len());
    assert!(wrong.is_empty(), "{} of {cases} cases differ from the document:\n{}", wrong.len(), wrong.join("\n"));
    assert!(ops.len() >= MIN_OPERATIONS, "only {} workspace operations in the document", ops.len());
    assert!(cases >= MIN_CASES, "only {cases} cases generated");
    assert!(ops.iter().any(|o| o.stream), "no event stream found among the operations");
    assert!(ops.iter().any(|o| o.needs.admin) && ops.iter().any(|o| !o.needs.tokens && !o.needs.admin));
});
