//! Sign in.

use leptos::prelude::*;
use polytune_api::SignInRequest;

use crate::components::ErrorBox;
use crate::components::form::Field;
use crate::i18n::{Msg, t};
use crate::session::{self, use_session};

#[component]
pub fn SignIn() -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let session = use_session();
    let (email, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        session::enter(
            session,
            "/session".into(),
            SignInRequest { email: email.get(), password: password.get() },
            error,
            busy,
            navigate.clone(),
        );
    };
    view! {
        <section class="narrow card">
            <h1>{t(Msg::SignInTitle)}</h1>
            <form on:submit=submit novalidate>
                <Field id="signin-email" label=t(Msg::FieldEmail) value=email kind="email" autocomplete="username" error=error path="email"/>
                <Field id="signin-password" label=t(Msg::FieldPassword) value=password kind="password"
                    autocomplete="current-password" error=error path="password"/>
                <ErrorBox error=error.read_only()/>
                <button type="submit" class="primary" disabled=busy>{t(Msg::SignInButton)}</button>
            </form>
            <p class="muted">{t(Msg::SignInNoAccount)}</p>
        </section>
    }
}
