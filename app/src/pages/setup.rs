//! First run: create the first administrator.

use leptos::prelude::*;
use polytune_api::SetupRequest;

use crate::components::form::{EntryForm, Field};
use crate::i18n::{Msg, t};
use crate::session::{self, use_session};

#[component]
pub fn Setup() -> impl IntoView {
    let session = use_session();
    let (email, name, password) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let submit = session::enter(
        || "/setup".into(),
        move || SetupRequest { email: email.get(), name: name.get(), password: password.get() },
        error,
        busy,
    );
    view! {
        <section class="narrow card">
            <h1>{t(Msg::SetupTitle)}</h1>
            <Show when=move || session.setup_needed.get() != Some(false) fallback=|| view! {
                <p>{t(Msg::SetupDone)}" "<a href="/signin">{t(Msg::SignInButton)}</a></p>
            }>
                <p>{t(Msg::SetupIntro)}</p>
                <EntryForm on_submit=submit.clone() error=error busy=busy button=t(Msg::CreateAdmin)>
                    <Field id="setup-email" label=t(Msg::FieldEmail) value=email kind="email" autocomplete="email" error=error path="email"/>
                    <Field id="setup-name" label=t(Msg::FieldName) value=name autocomplete="name" error=error path="name"/>
                    <Field id="setup-password" label=t(Msg::FieldPassword) value=password kind="password"
                        autocomplete="new-password" hint=t(Msg::PasswordHint) error=error path="password"/>
                </EntryForm>
            </Show>
        </section>
    }
}
