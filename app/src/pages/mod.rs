//! One module per page of the journey.

mod admin;
mod api_docs;
mod audit;
mod datasets;
mod invite;
mod jobs;
mod members;
mod mixtures;
mod models;
mod runs;
mod setup;
mod signin;
mod workspace;
mod workspaces;

pub use admin::Admin;
pub use api_docs::ApiDocs;
pub use datasets::DatasetPage;
pub use invite::AcceptInvite;
pub use jobs::{JobPage, Workers};
pub use mixtures::MixturePage;
pub use models::ModelPage;
pub use runs::{RunCompare, RunPage, RunWizard};
pub use setup::Setup;
pub use signin::SignIn;
pub use workspace::WorkspacePage;
pub use workspaces::WorkspaceList;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::Loading;
use crate::i18n::{Msg, t};
use crate::session::use_session;

/// `/`: where a person lands — setup on a fresh studio, sign-in when signed out, else workspaces.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let target = match (session.user.get(), session.setup_needed.get()) {
            (Some(Some(_)), _) => "/workspaces",
            (Some(None), Some(true)) => "/setup",
            (Some(None), Some(false)) => "/signin",
            _ => return,
        };
        navigate(target, Default::default());
    });
    view! { <Loading/> }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="narrow">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <p>{t(Msg::NotFoundBody)}</p>
            <A href="/workspaces" attr:class="button">{t(Msg::BackHome)}</A>
        </section>
    }
}

/// A form field: label, input bound to `value`, hint, and the server's message for this field.
#[component]
pub fn Field(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] autocomplete: Option<String>,
    error: RwSignal<Option<crate::client::ApiFailure>>,
    /// The JSON path the server uses for this field.
    path: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let field_error = move || error.get().and_then(|e| e.field(path));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=path
                type=kind
                autocomplete=autocomplete
                aria-describedby=format!("{hint_id} {err_id}")
                aria-invalid=move || if field_error().is_some() { "true" } else { "false" }
                bind:value=value
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=err_id aria-live="polite">{field_error}</p>
        </div>
    }
}
