//! The Datasets tab: the drop zone, a card per file on its way in, and the list.

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::{Dataset, DatasetState, Role, Workspace};

use super::decision::Decision;
use super::import::{Incoming, IncomingCard};
use super::state_text;
use crate::client;
use crate::components::format::thousands;
use crate::components::jobs::tick_on_state_changes;
use crate::components::{Loading, format_time};
use crate::i18n::{Msg, t};

#[component]
pub fn DatasetsSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    let tick = RwSignal::new(0u32);
    let datasets = LocalResource::new(move || {
        tick.track();
        async move { client::get::<Vec<Dataset>>(&format!("/workspaces/{}/datasets", ws_id.get_value())).await }
    });
    tick_on_state_changes(&ws.id, tick);
    let incoming = RwSignal::new(Vec::<Incoming>::new());
    let next_key = StoredValue::new(0u32);
    let start_upload = move |file: web_sys::File| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let item = Incoming {
            key,
            name: file.name(),
            sent: RwSignal::new(0.0),
            total: file.size(),
            blob: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        incoming.update(|l| l.push(item.clone()));
        leptos::task::spawn_local(async move {
            let ws = ws_id.get_value();
            match client::upload_resumable(&ws, &file, |sent, _| item.sent.set(sent)).await {
                Ok(up) => item.blob.set(up.blob),
                Err(e) => item.error.set(Some(e)),
            }
        });
    };
    let input = NodeRef::<leptos::html::Input>::new();
    let take_files = move |files: Option<web_sys::FileList>| {
        if let Some(files) = files {
            for i in 0..files.length() {
                if let Some(f) = files.get(i) {
                    start_upload(f);
                }
            }
        }
    };
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        take_files(ev.data_transfer().and_then(|d| d.files()));
    };
    let imported = move |_id: String| {
        tick.update(|t| *t += 1);
    };
    view! {
        {can_edit.then(|| view! {
            <div class="dropzone" class:dragging=dragging
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <p><strong>{t(Msg::DatasetsDropTitle)}</strong>{t(Msg::DatasetsDropHint)}</p>
                <label for="dataset-files" class="button">{t(Msg::DatasetsChooseFiles)}</label>
                <input id="dataset-files" class="sr-only" type="file" multiple node_ref=input
                    on:change=move |_| take_files(input.get().and_then(|i| i.files()))/>
            </div>
        })}
        <For each=move || incoming.get() key=|i| i.key let:item>
            <IncomingCard item=item ws_id=ws_id.get_value().to_string() on_imported=imported/>
        </For>
        {move || match datasets.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <div class="empty"><p>{t(Msg::DatasetsEmpty)}</p></div>
            }.into_any(),
            Some(Ok(list)) => view! {
                <h2>{t(Msg::SectionDatasets)}</h2>
                <table class="data datasets">
                    <thead><tr>
                        <th scope="col">{t(Msg::ColName)}</th><th scope="col">{t(Msg::JobState)}</th><th scope="col">{t(Msg::DatasetsColExamples)}</th>
                        <th scope="col">{t(Msg::DatasetsColVersions)}</th><th scope="col">{t(Msg::DatasetsColFile)}</th><th scope="col">{t(Msg::ColAdded)}</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|d| {
                            let needs = d.state == DatasetState::NeedsDecision;
                            let whole = d.clone();
                            let href = format!("/workspaces/{}/datasets/{}", d.workspace_id, d.id);
                            let latest = d.versions.last().map(|v| thousands(v.examples as u64)).unwrap_or_else(|| "—".into());
                            view! {
                                <tr>
                                    <td><A href=href>{d.name.clone()}</A></td>
                                    <td><span class=format!("badge state-{:?}", d.state).to_lowercase()>{state_text(d.state)}</span></td>
                                    <td>{latest}</td>
                                    <td>{d.versions.len()}</td>
                                    <td class="muted">{d.file_name.clone()}</td>
                                    <td>{format_time(d.created_at)}</td>
                                </tr>
                                {needs.then(|| view! {
                                    <tr><td colspan="6"><Decision dataset=whole can_edit=can_edit on_done=move || tick.update(|t| *t += 1)/></td></tr>
                                })}
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
