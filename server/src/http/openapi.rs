//! Who may call what, as the OpenAPI document says it. Two security schemes: `session` (the
//! browser's cookie) and `api_token` (a workspace token sent as `Authorization: Bearer`). Each
//! operation lists the schemes it accepts, and as scopes the least it needs: a workspace role
//! (`viewer` < `editor` < `owner`) and/or `admin`. An operation without `security` is public.
//!
//! The scopes are written in each handler's `#[utoipa::path(security(...))]`, next to the
//! extractor that enforces them (`WorkspaceViewer`, `WorkspaceEditor`, `WorkspaceOwner`, `Admin`,
//! `BrowserSession`, `SignedIn`); the test below reads the handlers' source and fails when the two
//! disagree. The API tests (`tests/api/authz.rs`) then call every workspace operation as every
//! kind of caller and check the statuses the document promises.

use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

/// Adds the `session` and `api_token` security schemes the operations refer to.
pub struct AuthSchemes;

const ROLES: &str = "Scopes name the least an operation needs: a workspace role (viewer < editor < owner) \
    and/or `admin` (a studio administrator). A signed-in caller who is not a member of the workspace gets 404, \
    one whose role is too low 403. Operations that need `editor` change the workspace and are refused with \
    409 while it is archived; `viewer` and `owner` operations are not (owners restore archived workspaces).";

impl Modify for AuthSchemes {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "polytune_session",
                &format!(
                    "The browser session set by `POST /api/v1/session` (named `__Host-polytune_session` when \
                     served over HTTPS). Changes also need the studio's own `Origin`. {ROLES}"
                ),
            ))),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("pt_…")
                    .description(Some(format!(
                        "A workspace API token from `POST /api/v1/workspaces/{{workspace_id}}/tokens`: it acts only \
                         in that workspace, with at most its own role and its creator's, never as an administrator. \
                         {ROLES}"
                    )))
                    .build(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};

    use crate::auth::capability::{EditorLevel, MinRole, OwnerLevel, ViewerLevel};

    const ROUTES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/routes");

    /// One `#[utoipa::path]` and the extractor types of the handler it annotates.
    struct Annotated {
        file: String,
        method: String,
        path: String,
        handler: String,
        extractors: Vec<String>,
    }

    /// The index just past the bracket that closes the one at `open`, skipping string literals.
    fn close(src: &str, open: usize) -> usize {
        let bytes = src.as_bytes();
        let (mut depth, mut i, mut in_str) = (0i32, open, false);
        while i < bytes.len() {
            let c = bytes[i];
            if in_str {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_str = false;
                }
            } else {
                match c {
                    b'"' => in_str = true,
                    b'(' | b'[' | b'{' | b'<' => depth += 1,
                    b')' | b']' | b'}' | b'>' if !(c == b'>' && bytes[i - 1] == b'-') => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        panic!("unbalanced brackets after byte {open}");
    }

    /// Splits at commas outside brackets and string literals.
    fn top_level_items(s: &str) -> Vec<&str> {
        let (mut depth, mut start, mut items, mut in_str, mut escaped) = (0i32, 0, Vec::new(), false, false);
        for (i, c) in s.char_indices() {
            if in_str {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_str = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_str = true,
                '(' | '[' | '<' | '{' => depth += 1,
                ')' | ']' | '>' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&s[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.push(&s[start..]);
        items.into_iter().map(str::trim).filter(|x| !x.is_empty()).collect()
    }

    /// `crate::auth::WorkspaceCap<EditorLevel>` → `EditorLevel`; `WorkspaceEditor` → itself.
    fn type_name(ty: &str) -> String {
        let ty = ty.trim();
        let (outer, generic) = match ty.find('<') {
            Some(i) => (&ty[..i], Some(ty[i + 1..ty.len() - 1].trim())),
            None => (ty, None),
        };
        let last = |t: &str| t.rsplit("::").next().unwrap_or(t).trim().to_owned();
        match (last(outer).as_str(), generic) {
            ("WorkspaceCap", Some(level)) => last(level),
            (name, _) => name.to_owned(),
        }
    }

    fn annotated_handlers() -> Vec<Annotated> {
        let mut found = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(ROUTES_DIR)
            .expect("routes folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        for file in files {
            let src = std::fs::read_to_string(&file).expect("route source");
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let mut at = 0;
            while let Some(i) = src[at..].find("#[utoipa::path(") {
                let open = at + i + "#[utoipa::path".len();
                let end = close(&src, open);
                let items = top_level_items(&src[open + 1..end - 1]);
                let method = items[0].to_owned();
                let path = items
                    .iter()
                    .find_map(|it| it.strip_prefix("path").map(|r| r.trim_start_matches([' ', '=']).trim_matches('"')))
                    .unwrap_or_else(|| panic!("{name}: no path in {:?}", items))
                    .to_owned();
                let fn_at = end + src[end..].find("fn ").expect("handler after the attribute") + 3;
                let args_open = fn_at + src[fn_at..].find('(').expect("arguments");
                let handler = src[fn_at..args_open].trim().to_owned();
                let args_end = close(&src, args_open);
                let extractors = top_level_items(&src[args_open + 1..args_end - 1])
                    .into_iter()
                    .filter_map(|arg| arg.split_once(':').map(|(_, ty)| type_name(ty)))
                    .collect();
                found.push(Annotated { file: name.clone(), method, path, handler, extractors });
                at = args_end;
            }
        }
        found
    }

    /// What the extractors enforce, as OpenAPI security requirements (`Null`: public).
    fn expected_security(extractors: &[String]) -> Value {
        let has = |n: &str| extractors.iter().any(|e| e == n);
        let role = extractors.iter().find_map(|e| match e.as_str() {
            "WorkspaceViewer" | "ViewerLevel" => Some(ViewerLevel::ROLE),
            "WorkspaceEditor" | "EditorLevel" => Some(EditorLevel::ROLE),
            "WorkspaceOwner" | "OwnerLevel" => Some(OwnerLevel::ROLE),
            _ => None,
        });
        let admin = has("Admin");
        let browser_only = admin || has("BrowserSession");
        if role.is_none() && !browser_only && !has("SignedIn") {
            return Value::Null;
        }
        let mut scopes: Vec<&str> = role.iter().map(|r| r.as_str()).collect();
        if admin {
            scopes.push("admin");
        }
        let mut requirements = vec![json!({"session": scopes})];
        if !browser_only {
            requirements.push(json!({"api_token": scopes}));
        }
        Value::Array(requirements)
    }

    /// Every operation's `security` is what its handler's extractors enforce, and every operation
    /// of the document was checked.
    #[test]
    fn security_matches_the_extractors() {
        let (_, doc) = super::super::api(Duration::from_secs(1));
        let doc = serde_json::to_value(&doc).expect("document as JSON");
        let handlers = annotated_handlers();
        let mut wrong = Vec::new();
        for h in &handlers {
            let full = format!("{}{}", polytune_api::API_PREFIX, h.path);
            let op = &doc["paths"][&full][&h.method];
            assert!(op.is_object(), "{} {full} ({}::{}) is not in the document", h.method, h.file, h.handler);
            let want = expected_security(&h.extractors);
            if op["security"] != want {
                wrong.push(format!(
                    "{}::{} ({} {full}) takes {:?}: security should be {want}, is {}",
                    h.file, h.handler, h.method, h.extractors, op["security"]
                ));
            }
        }
        assert!(wrong.is_empty(), "security(...) disagrees with the extractors:\n{}", wrong.join("\n"));
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
        let operations: usize = doc["paths"]
            .as_object()
            .expect("paths")
            .values()
            .map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count())
            .sum();
        assert_eq!(operations, handlers.len(), "operations in the document vs #[utoipa::path] found in {ROUTES_DIR}");
        assert!(handlers.len() > 60, "only {} handlers found", handlers.len());
        for scheme in ["session", "api_token"] {
            assert!(doc["components"]["securitySchemes"][scheme].is_object(), "scheme {scheme} is not defined");
        }
    }

    /// Authorization comes first: no handler reads its path, query or body before its capability
    /// extractors have run, so a caller without the right learns nothing from a 400 or 422, and
    /// the statuses the document promises do not depend on what is sent.
    #[test]
    fn capabilities_come_before_other_extractors() {
        const AUTH: [&str; 9] = [
            "WorkspaceViewer",
            "WorkspaceEditor",
            "WorkspaceOwner",
            "ViewerLevel",
            "EditorLevel",
            "OwnerLevel",
            "Admin",
            "BrowserSession",
            "SignedIn",
        ];
        // Extractors that cannot refuse a request.
        const INFALLIBLE: [&str; 3] = ["State", "ClientIp", "HeaderMap"];
        let mut late = Vec::new();
        for h in annotated_handlers() {
            let Some(last_auth) = h.extractors.iter().rposition(|e| AUTH.contains(&e.as_str())) else { continue };
            let first_other =
                h.extractors.iter().position(|e| !AUTH.contains(&e.as_str()) && !INFALLIBLE.contains(&e.as_str()));
            if first_other.is_some_and(|i| i < last_auth) {
                late.push(format!("{}::{} takes {:?}", h.file, h.handler, h.extractors));
            }
        }
        assert!(late.is_empty(), "capability extractors must come first:\n{}", late.join("\n"));
    }

    /// The document says `editor` operations are the ones an archived workspace refuses.
    #[test]
    fn only_the_editor_level_writes() {
        assert_eq!([ViewerLevel::WRITES, EditorLevel::WRITES, OwnerLevel::WRITES], [false, true, false]);
    }

    #[test]
    fn reads_extractor_types() {
        assert_eq!(type_name("crate::auth::WorkspaceCap<EditorLevel>"), "EditorLevel");
        assert_eq!(type_name("WorkspaceOwner"), "WorkspaceOwner");
        assert_eq!(type_name("ApiJson<CreateJob>"), "ApiJson");
        assert_eq!(
            top_level_items("State(state): State<AppState>, Path(ids): Path<(String, u64)>, cap: WorkspaceViewer,"),
            ["State(state): State<AppState>", "Path(ids): Path<(String, u64)>", "cap: WorkspaceViewer"]
        );
    }
}
