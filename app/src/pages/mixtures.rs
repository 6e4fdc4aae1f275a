//! Mixtures: the builder (how much of each language, augmentations, validation, contamination)
//! and a mixture's page (materializing, report, export, train on it).

use leptos::prelude::*;
use polytune_api::Workspace;

#[component]
pub fn MixturesSection(ws: Workspace) -> impl IntoView {
    let _ = ws;
    view! { <p class="muted">"Mixtures are coming."</p> }
}

#[component]
pub fn MixturePage() -> impl IntoView {
    view! { <p class="muted">"Mixture"</p> }
}
