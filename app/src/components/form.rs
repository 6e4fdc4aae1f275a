//! Form pieces shared by pages: a labelled field, the form of the pages that end signed in, and
//! the submit step every form repeats — check with the shared rules, send while busy, then show
//! the failure or go on.
//!
//! ```ignore
//! if form::check(req.validate(), error) {
//!     form::send(Some(busy), error, async move { client::post::<_, Model>(&path, &req).await }, |_| on_done());
//! }
//! ```

use std::future::Future;

use leptos::prelude::*;
use polytune_api::FieldError;

use crate::client::{ApiFailure, ApiResult, invalid};
use crate::components::ErrorBox;

/// A form field: label, input bound to `value`, hint, and the server's message for this field.
#[component]
pub fn Field(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] autocomplete: Option<String>,
    error: RwSignal<Option<ApiFailure>>,
    /// The JSON path the server uses for this field.
    path: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let field_error = move || error.get().and_then(|e| e.field(path));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=path
                type=kind
                autocomplete=autocomplete
                aria-describedby=format!("{hint_id} {err_id}")
                aria-invalid=move || if field_error().is_some() { "true" } else { "false" }
                bind:value=value
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=err_id aria-live="polite">{field_error}</p>
        </div>
    }
}

/// The form of the pages that end signed in (setup, sign-in, accepting an invitation): the fields
/// given as children, then the failure and the primary `button`, disabled while `busy`.
#[component]
pub fn EntryForm(
    on_submit: impl FnMut(leptos::ev::SubmitEvent) + 'static,
    error: RwSignal<Option<ApiFailure>>,
    busy: RwSignal<bool>,
    button: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <form on:submit=on_submit novalidate>
            {children()}
            <ErrorBox error=error.read_only()/>
            <button type="submit" class="primary" disabled=busy>{button}</button>
        </form>
    }
}

/// What the shared validation rules found wrong, shown in `error` as the server would say it.
/// True when there is nothing to fix and the request may go.
pub fn check(problems: Vec<FieldError>, error: RwSignal<Option<ApiFailure>>) -> bool {
    if problems.is_empty() {
        return true;
    }
    error.set(Some(invalid(problems)));
    false
}

/// Sends a request in the background: `busy` (when the form has one) is true while it is on its
/// way; a failure shows in `error`; success clears `error` and hands the answer to `done`.
pub fn send<T: 'static>(
    busy: Option<RwSignal<bool>>,
    error: RwSignal<Option<ApiFailure>>,
    request: impl Future<Output = ApiResult<T>> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    if let Some(b) = busy {
        b.set(true);
    }
    leptos::task::spawn_local(async move {
        let answer = request.await;
        if let Some(b) = busy {
            b.try_set(false);
        }
        match answer {
            Ok(v) => {
                error.try_set(None);
                done(v);
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
}
