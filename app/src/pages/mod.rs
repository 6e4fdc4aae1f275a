//! One module per page of the journey.

mod admin;
mod api_docs;
mod datasets;
mod evaluations;
mod identifiers;
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

/// The router's fallback (pages also show it for a thing that is not there).
pub use crate::components::NotFound;
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

use crate::components::Loading;
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
