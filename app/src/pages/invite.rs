//! `/invite/:token`: the invited person chooses a name and password and joins.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use polytune_api::{AcceptInvitation, Invitation};

use crate::client;
use crate::components::form::{EntryForm, Field};
use crate::components::{Loading, role_label};
use crate::i18n::{Msg, t};
use crate::session;

#[component]
pub fn AcceptInvite() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invitation = LocalResource::new(move || {
        let token = token();
        async move { client::get::<Invitation>(&format!("/invitations/{token}")).await }
    });
    let (name, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let submit = session::enter(
        move || format!("/invitations/{}/accept", token()),
        move || AcceptInvitation { name: name.get(), password: password.get() },
        error,
        busy,
    );
    view! {
        <section class="narrow card">
            <h1>{t(Msg::InviteTitle)}</h1>
            {move || match invitation.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(_)) => view! { <p class="error" role="alert">{t(Msg::InviteInvalid)}</p> }.into_any(),
                Some(Ok(inv)) => view! {
                    <p>{t(Msg::InviteIntro)}</p>
                    <p class="muted">{inv.email.clone()}</p>
                    {inv.workspace_name.clone().map(|ws| view! {
                        <p>{t(Msg::InviteInto)}" "<strong>{ws}</strong>" "{t(Msg::InviteAs)}" "
                            <strong>{inv.role.map(role_label).unwrap_or_default()}</strong>"."</p>
                    })}
                    <EntryForm on_submit=submit.clone() error=error busy=busy button=t(Msg::InviteAccept)>
                        <Field id="invite-name" label=t(Msg::FieldName) value=name autocomplete="name" error=error path="name"/>
                        <Field id="invite-password" label=t(Msg::FieldPassword) value=password kind="password"
                            autocomplete="new-password" hint=t(Msg::PasswordHint) error=error path="password"/>
                    </EntryForm>
                }.into_any(),
            }}
        </section>
    }
}
