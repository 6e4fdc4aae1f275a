//! Who is asking: a browser session (cookie) or a script (API token).
//!
//! Sessions are stored server-side; the cookie holds a random id, the database its SHA-256. A
//! session ends after `session_idle_secs` without use or `session_max_secs` after sign-in,
//! whichever comes first.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderValue;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use polytune_api::{Role, User};

use super::secret;
use crate::error::ApiError;
use crate::state::AppState;

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Session {
    /// A browser session; `id_hash` names its row.
    Cookie { id_hash: String },
    /// An API token, limited to one workspace and role.
    Token { workspace_id: String, role: Role },
}

/// A signed-in caller. Extracting it fails with 401 when there is no valid session or token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
}

fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<SignedIn>() {
            return Ok(cached.clone());
        }
        let signed_in = if let Some(auth) = parts.headers.get(AUTHORIZATION) {
            let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or(ApiError::Unauthenticated)?;
            let grant = state.db.token_grant(&secret::digest(token.trim())).await?.ok_or(ApiError::Unauthenticated)?;
            SignedIn {
                user: grant.user,
                session: Session::Token { workspace_id: grant.workspace_id, role: grant.role },
            }
        } else {
            let id = cookie_value(parts, state.session_cookie_name()).ok_or(ApiError::Unauthenticated)?;
            let id_hash = secret::digest(id);
            let idle_ms = (state.settings.session_idle_secs * 1000) as i64;
            // Refresh the idle clock at most every 30 s (or a quarter of the idle time if shorter).
            let touch_after = (idle_ms / 4).min(30_000);
            let user = state.db.session_user(&id_hash, idle_ms, touch_after).await?.ok_or(ApiError::Unauthenticated)?;
            SignedIn { user, session: Session::Cookie { id_hash } }
        };
        parts.extensions.insert(signed_in.clone());
        Ok(signed_in)
    }
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop when configured to trust
/// a proxy.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.settings.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            if let Some(ip) = forwarded {
                return Ok(ClientIp(ip));
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientIp(peer.unwrap_or_else(|| "unknown".into())))
    }
}

/// `Set-Cookie` for a new session (or, with `value = None`, one that clears it).
pub fn session_cookie(state: &AppState, value: Option<&str>) -> HeaderValue {
    let name = state.session_cookie_name();
    let secure = if state.settings.secure_cookies() { "; Secure" } else { "" };
    let cookie = match value {
        Some(v) => {
            format!("{name}={v}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", state.settings.session_max_secs)
        }
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    // Built from a fixed name and URL-safe base64: always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}
