//! Pieces used across pages.

pub mod audit;
pub mod charts;
pub mod conversation;
pub mod form;
pub mod format;
pub mod jobs;
pub mod labels;
pub mod lang;
pub mod numbers;
pub mod table;
pub mod theme;

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::Role;

use crate::client::{self, ApiFailure};
use crate::i18n::{Msg, t};
use crate::session::use_session;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let signed_in = move || session.user.get().flatten();
    let sign_out = move |everywhere: bool| {
        leptos::task::spawn_local(async move {
            let _ = client::delete(if everywhere { "/sessions" } else { "/session" }).await;
            // One navigation, a full page load that starts signed out. (Refreshing the session
            // first made `RequireSignIn` navigate too, and the two raced.)
            let _ = window().location().set_href("/signin");
        });
    };
    view! {
        <header class="top">
            <A href="/" attr:class="brand">{t(Msg::AppName)}</A>
            <nav aria-label=t(Msg::CommonNavMain)>
                <Show when=move || signed_in().is_some()>
                    <A href="/workspaces">{t(Msg::NavWorkspaces)}</A>
                    <Show when=move || signed_in().is_some_and(|u| u.is_admin)>
                        <A href="/admin">{t(Msg::NavAdmin)}</A>
                    </Show>
                    <A href="/workers">{t(Msg::NavWorkers)}</A>
                    <A href="/api">{t(Msg::NavApi)}</A>
                </Show>
            </nav>
            <div class="who">
                <theme::ThemeToggle/>
                {move || signed_in().map(|u| view! {
                    <span class="user" title=u.email.clone()>{u.name.clone()}</span>
                    <button class="link" on:click=move |_| sign_out(false)>{t(Msg::SignOut)}</button>
                    <button class="link subtle" on:click=move |_| sign_out(true)>{t(Msg::SignOutEverywhere)}</button>
                })}
            </div>
        </header>
    }
}

/// A failure from the API in plain words, announced to screen readers.
#[component]
pub fn ErrorBox(error: ReadSignal<Option<ApiFailure>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let fields = match &e {
                ApiFailure::Problem(p) => p.errors.clone(),
                _ => vec![],
            };
            view! {
                <div class="error" role="alert">
                    <p>{e.message()}</p>
                    <ul>
                        {fields.into_iter().map(|f| view! { <li><code>{f.path}</code>": "{f.message}</li> }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// What a missing page (or a thing that is not there) shows: where to go instead.
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

/// Shown while something loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted" aria-busy="true">{t(Msg::Loading)}</p> }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Viewer => t(Msg::RoleViewer),
        Role::Editor => t(Msg::RoleEditor),
        Role::Owner => t(Msg::RoleOwner),
    }
}

/// A `<select>` of roles bound to a signal.
#[component]
pub fn RoleSelect(value: RwSignal<Role>, #[prop(into)] id: String) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| {
            if let Some(r) = Role::parse(&event_target_value(&ev)) { value.set(r) }
        }>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.as_str() selected=move || value.get() == r>{role_label(r)}</option>
            }).collect_view()}
        </select>
    }
}

/// Unix milliseconds as local date and time.
pub fn format_time(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// Sends signed-out people to sign-in (or to setup on a fresh studio). Renders nothing.
#[component]
pub fn RequireSignIn() -> impl IntoView {
    let session = use_session();
    Effect::new(move |_| {
        if let Some(None) = session.user.get() {
            let target = if session.setup_needed.get() == Some(true) { "/setup" } else { "/signin" };
            let _ = window().location().set_href(target);
        }
    });
}
