//! Who is signed in, shared by every page through context.

use leptos::prelude::*;
use polytune_api::{SetupStatus, User, Validate};
use serde::Serialize;

use crate::client::{self, ApiFailure};
use crate::components::form;

#[derive(Debug, Clone, Copy)]
pub struct SessionState {
    /// `None` while loading; `Some(None)` when signed out.
    pub user: RwSignal<Option<Option<User>>>,
    pub setup_needed: RwSignal<Option<bool>>,
}

pub fn provide() {
    let state = SessionState { user: RwSignal::new(None), setup_needed: RwSignal::new(None) };
    provide_context(state);
    leptos::task::spawn_local(async move {
        refresh(state).await;
    });
}

pub async fn refresh(state: SessionState) {
    let me = client::get::<User>("/session").await.ok();
    if me.is_none() {
        let setup = client::get::<SetupStatus>("/setup").await.map(|s| s.needed).unwrap_or(false);
        state.setup_needed.set(Some(setup));
    } else {
        state.setup_needed.set(Some(false));
    }
    state.user.set(Some(me));
}

pub fn use_session() -> SessionState {
    expect_context::<SessionState>()
}

/// The submit action of the forms that end signed in (setup, sign-in, accepting an invitation):
/// check `req` with the shared rules, post it, then refresh the session and open the workspaces.
pub fn enter<R: Validate + Serialize + 'static>(
    state: SessionState,
    path: String,
    req: R,
    error: RwSignal<Option<ApiFailure>>,
    busy: RwSignal<bool>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
) {
    if !form::check(req.validate(), error) {
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        match client::post::<_, User>(&path, &req).await {
            Ok(_) => {
                refresh(state).await;
                navigate("/workspaces", Default::default());
            }
            Err(e) => error.set(Some(e)),
        }
        busy.set(false);
    });
}
