//! `/workspaces`: the workspaces a person belongs to, and creating one.

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::{CreateWorkspace, Validate, Workspace};

use crate::client;
use crate::components::{ErrorBox, Loading, RequireSignIn, form, role_label};
use crate::i18n::{Msg, t};

#[component]
pub fn WorkspaceList() -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let show_archived = RwSignal::new(false);
    let list = LocalResource::new(move || {
        let archived = show_archived.get();
        async move { client::get::<Vec<Workspace>>(&format!("/workspaces?archived={archived}")).await }
    });
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateWorkspace { name: name.get() };
        if !form::check(req.validate(), error) {
            return;
        }
        let navigate = navigate.clone();
        form::send(
            Some(busy),
            error,
            async move { client::post::<_, Workspace>("/workspaces", &req).await },
            move |ws| {
                name.set(String::new());
                navigate(&format!("/workspaces/{}", ws.id), Default::default());
            },
        );
    };
    view! {
        <RequireSignIn/>
        <section>
            <h1>{t(Msg::WorkspacesTitle)}</h1>
            <p class="muted">{t(Msg::WorkspacesIntro)}</p>
            <form class="inline" on:submit=create novalidate>
                <label for="new-workspace" class="sr-only">{t(Msg::NewWorkspaceName)}</label>
                <input id="new-workspace" placeholder=t(Msg::NewWorkspaceName) bind:value=name/>
                <button type="submit" class="primary" disabled=busy>{t(Msg::CreateWorkspace)}</button>
            </form>
            <ErrorBox error=error.read_only()/>
            <label class="check"><input type="checkbox" bind:checked=show_archived/>" "{t(Msg::ShowArchived)}</label>
            {move || match list.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t(Msg::WorkspacesEmpty)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="cards" aria-label=t(Msg::WorkspacesTitle)>
                        {list.into_iter().map(|ws| view! {
                            <li class="card">
                                <A href=format!("/workspaces/{}", ws.id)><strong>{ws.name.clone()}</strong></A>
                                {ws.archived.then(|| view! { <span class="badge">{t(Msg::Archived)}</span> })}
                                <p class="muted">{crate::tr!(Msg::EvalSWorkspaceCard, role = role_label(ws.role), count = ws.member_count)}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
