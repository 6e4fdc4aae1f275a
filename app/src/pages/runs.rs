//! Runs: the list, the wizard that launches one, a run's live page, and comparing runs.

use leptos::prelude::*;
use polytune_api::Workspace;

#[component]
pub fn RunsSection(ws: Workspace) -> impl IntoView {
    let _ = ws;
    view! { <p class="muted">"Runs are coming."</p> }
}

#[component]
pub fn RunWizard() -> impl IntoView {
    view! { <p class="muted">"New run"</p> }
}

#[component]
pub fn RunPage() -> impl IntoView {
    view! { <p class="muted">"Run"</p> }
}

#[component]
pub fn RunCompare() -> impl IntoView {
    view! { <p class="muted">"Compare"</p> }
}
