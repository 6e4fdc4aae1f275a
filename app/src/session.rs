//! Who is signed in, shared by every page through context.

use leptos::prelude::*;
use polytune_api::{SetupStatus, User};

use crate::client;

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
