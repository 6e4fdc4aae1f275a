//! Light and dark theme: follows the system until the person chooses, then remembers the choice.

use leptos::prelude::*;

use crate::i18n::{Msg, t};

const KEY: &str = "polytune-theme";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn set_theme(theme: &str) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-theme", theme);
    }
}

fn current() -> String {
    if let Some(saved) = storage().and_then(|s| s.get_item(KEY).ok().flatten()) {
        return saved;
    }
    let dark = window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches());
    if dark { "dark".into() } else { "light".into() }
}

pub fn apply_saved() {
    set_theme(&current());
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(current());
    let toggle = move |_| {
        let next = if theme.get() == "dark" { "light" } else { "dark" };
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, next);
        }
        set_theme(next);
        theme.set(next.into());
    };
    view! {
        <button class="icon" on:click=toggle aria-label=t(Msg::ThemeToggle) title=t(Msg::ThemeToggle)>
            {move || if theme.get() == "dark" { "☀" } else { "☾" }}
        </button>
    }
}
