//! `/workspaces/:id/datasets/:dataset_id`: one dataset.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use polytune_api::{Dataset, DatasetState, Role, Workspace};

use super::decision::Decision;
use super::derive::Derive;
use super::examples::Examples;
use super::profile::ProfileView;
use super::state_text;
use super::versions::Versions;
use crate::client;
use crate::components::jobs::tick_on_state_changes;
use crate::components::{Loading, NotFound, RequireSignIn};
use crate::i18n::{Msg, t};

/// `/workspaces/:id/datasets/:dataset_id`: versions, and for the chosen one its profile,
/// examples and derived versions.
#[component]
pub fn DatasetPage() -> impl IntoView {
    let params = use_params_map();
    let ws_id = params.read_untracked().get("id").unwrap_or_default();
    let ds_id = params.read_untracked().get("dataset_id").unwrap_or_default();
    let ws_id = StoredValue::new(ws_id);
    let tick = RwSignal::new(0u32);
    let dataset = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/datasets/{ds_id}", ws_id.get_value());
        async move { client::get::<Dataset>(&path).await }
    });
    let role = RwSignal::new(Role::Viewer);
    leptos::task::spawn_local(async move {
        if let Ok(w) = client::get::<Workspace>(&format!("/workspaces/{}", ws_id.get_value())).await {
            role.set(if w.archived { Role::Viewer } else { w.role });
        }
    });
    tick_on_state_changes(&ws_id.get_value(), tick);
    let chosen = RwSignal::new(None::<i64>);
    let tab = RwSignal::new("profile");
    view! {
        <RequireSignIn/>
        {move || match dataset.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <NotFound/> }.into_any(),
            Some(Ok(d)) => {
                let number = chosen.get().or_else(|| d.versions.last().map(|v| v.number));
                let version = d.versions.iter().find(|v| Some(v.number) == number).cloned();
                let back = format!("/workspaces/{}/datasets", d.workspace_id);
                view! {
                    <p><A href=back>{t(Msg::DatasetsBack)}</A></p>
                    <h1>{d.name.clone()}" "<span class="badge">{state_text(d.state)}</span></h1>
                    <p class="muted">{crate::tr!(Msg::DatasetsFromFile, file = d.file_name.as_str(), format = crate::components::labels::format_label(d.spec.format))}</p>
                    {(d.state == DatasetState::NeedsDecision).then(|| view! {
                        <Decision dataset=d.clone() can_edit={role.get_untracked() >= Role::Editor} on_done=move || tick.update(|t| *t += 1)/>
                    })}
                    {(d.state == DatasetState::Importing).then(|| view! { <p role="status">{t(Msg::DatasetsImportingNotice)}</p> })}
                    <Versions dataset=d.clone() chosen=chosen current=number/>
                    {version.map(|v| {
                        let v = StoredValue::new(v);
                        view! {
                            <nav class="tabs" aria-label=t(Msg::DatasetsVersionViews)>
                                {[("profile", t(Msg::DatasetsTabProfile)), ("examples", t(Msg::DatasetsTabExamples)), ("derive", t(Msg::DatasetsTabDerive))].into_iter().map(|(k, label)| view! {
                                    <button class="tab" aria-pressed=move || (tab.get() == k).to_string() on:click=move |_| tab.set(k)>{label}</button>
                                }).collect_view()}
                            </nav>
                            {move || match tab.get() {
                                "examples" => view! { <Examples ws=ws_id.get_value() version=v.get_value()/> }.into_any(),
                                "derive" => view! { <Derive ws=ws_id.get_value() version=v.get_value() can_edit={role.get() >= Role::Editor} on_done=move || tick.update(|t| *t += 1)/> }.into_any(),
                                _ => view! { <ProfileView ws=ws_id.get_value() version=v.get_value() can_edit={role.get() >= Role::Editor} on_change=move || tick.update(|t| *t += 1)/> }.into_any(),
                            }}
                        }
                    })}
                }.into_any()
            }
        }}
    }
}
