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

/// The submit handler of the forms that end signed in (setup, sign-in, accepting an invitation):
/// build the request with `body`, check it with the shared rules, post it to `path()`, then refresh
/// the session and open the workspaces. Call it while the form's component is being built.
pub fn enter<R: Validate + Serialize + 'static>(
    path: impl Fn() -> String + Clone + 'static,
    body: impl Fn() -> R + Clone + 'static,
    error: RwSignal<Option<ApiFailure>>,
    busy: RwSignal<bool>,
) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static {
    let state = use_session();
    let navigate = leptos_router::hooks::use_navigate();
    move |ev| {
        ev.prevent_default();
        let req = body();
        if !form::check(req.validate(), error) {
            return;
        }
        busy.set(true);
        let (path, navigate) = (path(), navigate.clone());
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
}
