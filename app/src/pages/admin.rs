//! `/admin` (administrators): invite people by one-time link; sign-ins and administration log.

use leptos::prelude::*;
use polytune_api::{CreateInvitation, Invitation, Role, Validate, Workspace};

use crate::client;
use crate::components::audit::AuditTable;
use crate::components::form::{self, Field};
use crate::components::{ErrorBox, RequireSignIn, RoleSelect};
use crate::i18n::{Msg, t};
use crate::session::use_session;

#[component]
pub fn Admin() -> impl IntoView {
    let session = use_session();
    let is_admin = move || session.user.get().flatten().is_some_and(|u| u.is_admin);
    let owned = LocalResource::new(|| async {
        client::get::<Vec<Workspace>>("/workspaces")
            .await
            .map(|l| l.into_iter().filter(|w| w.role == Role::Owner).collect::<Vec<_>>())
    });
    let email = RwSignal::new(String::new());
    let workspace = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Editor);
    let make_admin = RwSignal::new(false);
    let error = RwSignal::new(None);
    let link = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ws = workspace.get();
        let req = CreateInvitation {
            email: email.get(),
            workspace_id: (!ws.is_empty()).then_some(ws.clone().into()),
            role: (!ws.is_empty()).then(|| role.get()),
            admin: make_admin.get(),
        };
        if !form::check(req.validate(), error) {
            return;
        }
        form::send(None, error, async move { client::post::<_, Invitation>("/invitations", &req).await }, move |inv| {
            email.set(String::new());
            copied.set(false);
            let origin = window().location().origin().unwrap_or_default();
            link.set(inv.link.map(|l| format!("{origin}{l}")));
        });
    };
    let copy = move |_| {
        if let Some(l) = link.get() {
            let _ = window().navigator().clipboard().write_text(&l);
            copied.set(true);
        }
    };
    view! {
        <RequireSignIn/>
        <section>
            <h1>{t(Msg::AdminTitle)}</h1>
            <Show when=is_admin fallback=|| view! { <p>{t(Msg::AdminOnly)}</p> }>
                <p class="muted">{t(Msg::AdminIntro)}</p>
                <form on:submit=submit novalidate class="card">
                    <Field id="invite-email" label=t(Msg::InviteEmail) value=email kind="email" error=error path="email"/>
                    <div class="field">
                        <label for="invite-workspace">{t(Msg::InviteWorkspace)}</label>
                        <select id="invite-workspace" on:change=move |ev| workspace.set(event_target_value(&ev))>
                            <option value="">{t(Msg::NoWorkspace)}</option>
                            {move || owned.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|w| view! {
                                <option value=w.id.to_string()>{w.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <Show when=move || !workspace.get().is_empty()>
                        <div class="field">
                            <label for="invite-role">{t(Msg::Role)}</label>
                            <RoleSelect value=role id="invite-role"/>
                        </div>
                    </Show>
                    <label class="check"><input type="checkbox" bind:checked=make_admin/>" "{t(Msg::InviteMakeAdmin)}</label>
                    <ErrorBox error=error.read_only()/>
                    <button type="submit" class="primary">{t(Msg::CreateInvite)}</button>
                </form>
                {move || link.get().map(|l| view! {
                    <div class="card" role="status">
                        <p>{t(Msg::InviteLinkReady)}</p>
                        <code class="secret" data-testid="invite-link">{l}</code>
                        " "<button on:click=copy>{move || if copied.get() { t(Msg::Copied) } else { t(Msg::Copy) }}</button>
                    </div>
                })}
                <h2>{t(Msg::GlobalAudit)}</h2>
                <AuditTable path="/audit".to_owned()/>
            </Show>
        </section>
    }
}
