//! Sign in.

use leptos::prelude::*;
use polytune_api::SignInRequest;

use crate::components::form::{EntryForm, Field};
use crate::i18n::{Msg, t};
use crate::session;

#[component]
pub fn SignIn() -> impl IntoView {
    let (email, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let submit = session::enter(
        || "/session".into(),
        move || SignInRequest { email: email.get(), password: password.get() },
        error,
        busy,
    );
    view! {
        <section class="narrow card">
            <h1>{t(Msg::SignInTitle)}</h1>
            <EntryForm on_submit=submit error=error busy=busy button=t(Msg::SignInButton)>
                <Field id="signin-email" label=t(Msg::FieldEmail) value=email kind="email" autocomplete="username" error=error path="email"/>
                <Field id="signin-password" label=t(Msg::FieldPassword) value=password kind="password"
                    autocomplete="current-password" error=error path="password"/>
            </EntryForm>
            <p class="muted">{t(Msg::SignInNoAccount)}</p>
        </section>
    }
}
