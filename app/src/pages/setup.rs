//! First run: create the first administrator.

use leptos::prelude::*;
use polytune_api::SetupRequest;

use crate::components::ErrorBox;
use crate::components::form::Field;
use crate::i18n::{Msg, t};
use crate::session::{self, use_session};

#[component]
pub fn Setup() -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let session = use_session();
    let (email, name, password) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        session::enter(
            session,
            "/setup".into(),
            SetupRequest { email: email.get(), name: name.get(), password: password.get() },
            error,
            busy,
            navigate.clone(),
        );
    };
    view! {
        <section class="narrow card">
            <h1>{t(Msg::SetupTitle)}</h1>
            <Show when=move || session.setup_needed.get() != Some(false) fallback=|| view! {
                <p>{t(Msg::SetupDone)}" "<a href="/signin">{t(Msg::SignInButton)}</a></p>
            }>
                <p>{t(Msg::SetupIntro)}</p>
                <form on:submit=submit.clone() novalidate>
                    <Field id="setup-email" label=t(Msg::FieldEmail) value=email kind="email" autocomplete="email" error=error path="email"/>
                    <Field id="setup-name" label=t(Msg::FieldName) value=name autocomplete="name" error=error path="name"/>
                    <Field id="setup-password" label=t(Msg::FieldPassword) value=password kind="password"
                        autocomplete="new-password" hint=t(Msg::PasswordHint) error=error path="password"/>
                    <ErrorBox error=error.read_only()/>
                    <button type="submit" class="primary" disabled=busy>{t(Msg::CreateAdmin)}</button>
                </form>
            </Show>
        </section>
    }
}
