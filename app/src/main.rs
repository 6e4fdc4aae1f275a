//! The Polytune studio in the browser: a Leptos client-side app. Pages follow the journey of
//! UX.md; all text comes from [`i18n`]; every call goes through [`client`].

mod client;
mod components;
mod i18n;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::Header;
use crate::i18n::{Msg, t};

fn main() {
    console_error_panic_hook::set_once();
    components::theme::apply_saved();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    session::provide();
    view! {
        <Router>
            <a class="skip" href="#main">{t(Msg::SkipToContent)}</a>
            <Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <pages::NotFound/> }>
                    <Route path=path!("/") view=pages::Home/>
                    <Route path=path!("/setup") view=pages::Setup/>
                    <Route path=path!("/signin") view=pages::SignIn/>
                    <Route path=path!("/invite/:token") view=pages::AcceptInvite/>
                    <Route path=path!("/workspaces") view=pages::WorkspaceList/>
                    <Route path=path!("/workspaces/:id") view=pages::WorkspacePage/>
                    <Route path=path!("/workspaces/:id/:section") view=pages::WorkspacePage/>
                    <Route path=path!("/workspaces/:id/jobs/:job_id") view=pages::JobPage/>
                    <Route path=path!("/workspaces/:id/datasets/:dataset_id") view=pages::DatasetPage/>
                    <Route path=path!("/workspaces/:id/models/:model_id") view=pages::ModelPage/>
                    <Route path=path!("/workspaces/:id/mixtures/:mixture_id") view=pages::MixturePage/>
                    <Route path=path!("/workspaces/:id/runs/new") view=pages::RunWizard/>
                    <Route path=path!("/workspaces/:id/runs/compare") view=pages::RunCompare/>
                    <Route path=path!("/workspaces/:id/runs/:run_id") view=pages::RunPage/>
                    <Route path=path!("/workers") view=pages::Workers/>
                    <Route path=path!("/admin") view=pages::Admin/>
                    <Route path=path!("/api") view=pages::ApiDocs/>
                </Routes>
            </main>
        </Router>
    }
}
