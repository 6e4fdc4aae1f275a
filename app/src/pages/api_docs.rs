//! `/api`: a readable view of the OpenAPI document the server generates from its handlers.

use leptos::prelude::*;
use serde_json::Value;

use crate::client;
use crate::components::Loading;
use crate::i18n::{Msg, t};

#[component]
pub fn ApiDocs() -> impl IntoView {
    let doc = LocalResource::new(|| async { client::get::<Value>("/openapi.json").await });
    view! {
        <section>
            <h1>{t(Msg::ApiTitle)}</h1>
            <p class="muted">{t(Msg::ApiIntro)}</p>
            <p><a href="/api/v1/openapi.json">"openapi.json"</a></p>
            {move || match doc.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(doc)) => view! { <Operations doc=doc/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Operations(doc: Value) -> impl IntoView {
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let rows: Vec<(String, String, String, String)> = paths
        .into_iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |(method, op)| {
                    let summary = op["summary"].as_str().or(op["description"].as_str()).unwrap_or("").to_owned();
                    let tag = op["tags"][0].as_str().unwrap_or("").to_owned();
                    (tag, method.to_uppercase(), path.clone(), summary)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    view! {
        <table class="data api">
            <thead><tr><th scope="col">{t(Msg::ApiMethod)}</th><th scope="col">{t(Msg::ApiPath)}</th><th scope="col">{t(Msg::ApiWhat)}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(_, method, path, summary)| view! {
                    <tr>
                        <td><code class=format!("method {}", method.to_lowercase())>{method.clone()}</code></td>
                        <td><code>{path}</code></td>
                        <td>{summary}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
