//! The frame shared by the pages' data tables: an optional caption, one header row, then the body
//! rows each page renders.

use leptos::prelude::*;

/// A `<table class=…>` whose header row holds the `head` cells and whose body holds the rows given
/// as children; `caption` says what it shows where the page names it.
#[component]
pub fn DataTable<H: IntoView + 'static>(
    class: &'static str,
    #[prop(optional, into)] caption: Option<String>,
    head: H,
    children: Children,
) -> impl IntoView {
    view! {
        <table class=class>
            {caption.map(|c| view! { <caption>{c}</caption> })}
            <thead><tr>{head}</tr></thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
