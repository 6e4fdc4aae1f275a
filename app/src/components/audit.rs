//! An audit log table, for a workspace (owners) or the whole studio (administrators).

use leptos::prelude::*;
use polytune_api::AuditEvent;

use crate::client;
use crate::components::{Loading, format_time};
use crate::i18n::{Msg, t};

#[component]
pub fn AuditTable(path: String) -> impl IntoView {
    let events = LocalResource::new(move || {
        let path = path.clone();
        async move { client::get::<Vec<AuditEvent>>(&path).await }
    });
    move || match events.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t(Msg::AuditEmpty)}</p> }.into_any(),
        Some(Ok(list)) => view! {
            <table class="data audit">
                <thead><tr>
                    <th scope="col">{t(Msg::AuditWhen)}</th>
                    <th scope="col">{t(Msg::AuditWho)}</th>
                    <th scope="col">{t(Msg::AuditWhat)}</th>
                    <th scope="col">{t(Msg::AuditTarget)}</th>
                    <th scope="col">{t(Msg::AuditDetail)}</th>
                    <th scope="col">{t(Msg::AuditFrom)}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|e| view! {
                        <tr>
                            <td>{format_time(e.at)}</td>
                            <td>{e.actor_email.unwrap_or_default()}</td>
                            <td><code>{e.action}</code></td>
                            <td dir="auto">{e.target.unwrap_or_default()}</td>
                            <td dir="auto">{e.detail.unwrap_or_default()}</td>
                            <td>{e.client_ip.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
}
