//! The Evaluations tab: launch an evaluation of a base model or a run checkpoint (with the time
//! it will take shown first), follow it, and read its results per language — against the base
//! model, as a heatmap over many runs, down to each item.

mod launch;
mod results;
mod task_file;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use polytune_api::{EvalTask, Evaluation, JobState, Role, Workspace};

use crate::client;
use crate::components::jobs::{StateBadge, tick_on_state_changes};
use crate::components::{Loading, format_time};
use crate::i18n::{Msg, t};

pub use launch::Launcher;
use results::{Comparison, Heatmap, Results};
use task_file::TaskFromFile;

#[component]
pub fn EvaluationsSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    let tick = RwSignal::new(0u32);
    tick_on_state_changes(&ws.id, tick);
    let list = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/evaluations", ws_id.get_value());
        async move { client::get::<Vec<Evaluation>>(&path).await }
    });
    let tasks = LocalResource::new(move || {
        let path = format!("/workspaces/{}/eval-tasks", ws_id.get_value());
        async move { client::get::<Vec<EvalTask>>(&path).await }
    });
    let query = use_query_map();
    // The evaluation whose results are open, and the one it is compared with (its base).
    let shown = RwSignal::new(query.read_untracked().get("show"));
    let base = RwSignal::new(query.read_untracked().get("base"));
    let selected = RwSignal::new(Vec::<String>::new());
    let started = move |tuned: String, base_id: Option<String>| {
        shown.set(Some(tuned));
        base.set(base_id);
        list.refetch();
    };
    view! {
        <p class="muted">{t(Msg::EvalIntro)}</p>
        {can_edit.then(|| view! {
            <Launcher ws_id=ws.id.to_string() tasks=tasks on_started=started/>
            <TaskFromFile ws_id=ws.id.to_string() on_created=move || tasks.refetch()/>
        })}
        <h2>{t(Msg::EvalListTitle)}</h2>
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(Ok(items)) if items.is_empty() => view! { <p class="empty">{t(Msg::EmptyEvaluations)}</p> }.into_any(),
            Some(Ok(items)) => view! { <EvalList items=items shown=shown base=base selected=selected/> }.into_any(),
        }}
        {move || {
            let chosen = selected.get();
            (chosen.len() >= 2).then(|| view! { <Heatmap ws_id=ws_id.get_value().to_string() ids=chosen tasks=tasks/> })
        }}
        {move || match (shown.get(), base.get()) {
            (Some(tuned), Some(b)) if tuned != b => view! {
                <Comparison ws_id=ws_id.get_value().to_string() tuned=tuned.clone() base=b tick=tick/>
                <Results ws_id=ws_id.get_value().to_string() id=tuned tick=tick/>
            }.into_any(),
            (Some(id), _) => view! { <Results ws_id=ws_id.get_value().to_string() id=id tick=tick/> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// Every evaluation: open one, compare one with another (its base), pick several for the heatmap.
#[component]
fn EvalList(
    items: Vec<Evaluation>,
    shown: RwSignal<Option<String>>,
    base: RwSignal<Option<String>>,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    let all = StoredValue::new(items.clone());
    view! {
        <table class="eval-list">
            <thead><tr>
                <th scope="col">{t(Msg::EvalPickHeatmap)}</th>
                <th scope="col">{t(Msg::EvalModel)}</th>
                <th scope="col">{t(Msg::EvalTasks)}</th>
                <th scope="col">{t(Msg::EvalState)}</th>
                <th scope="col">{t(Msg::EvalCreated)}</th>
                <th scope="col">{t(Msg::EvalActions)}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|e| {
                    let id = StoredValue::new(e.id.clone());
                    let checked = move || selected.with(|s| s.iter().any(|x| *x == id.get_value()));
                    let toggle = move |_| selected.update(|s| {
                        let id = id.get_value();
                        match s.iter().position(|x| *x == id) { Some(i) => { s.remove(i); } None => s.push(id.to_string()) }
                    });
                    let tasks: Vec<String> = e.spec.tasks.iter().map(|r| r.task.clone()).collect();
                    let finished = e.state == JobState::Succeeded;
                    // A base to compare with: the newest finished base evaluation of the same model.
                    let base_of = (e.run_id.is_some()).then(|| all.with_value(|a| a.iter()
                        .find(|b| b.run_id.is_none() && b.model_id == e.model_id && b.state == JobState::Succeeded)
                        .map(|b| b.id.clone()))).flatten();
                    let label = e.label.clone();
                    view! {
                        <tr class:current=move || shown.get().as_deref() == Some(id.get_value().as_str())>
                            <td><input type="checkbox" aria-label=crate::tr!(Msg::EvalSPickLabel, label = label.as_str()) prop:checked=checked on:change=toggle disabled=!finished/></td>
                            <td>{e.label.clone()}</td>
                            <td>{crate::tr!(Msg::EvalSListTasks, tasks = tasks.join(", "), items = e.spec.items)}</td>
                            <td><StateBadge state=e.state/>{(e.state == JobState::Running).then(|| crate::tr!(Msg::EvalSProgress, percent = format!("{:.0}", e.progress * 100.0)))}</td>
                            <td>{format_time(e.created_at)}</td>
                            <td class="actions">
                                <button type="button" class="open-eval" on:click=move |_| { shown.set(Some(id.get_value().to_string())); base.set(None); }>{t(Msg::EvalOpen)}</button>
                                {base_of.filter(|_| finished).map(|b| view! {
                                    <button type="button" class="compare-base" on:click=move |_| { shown.set(Some(id.get_value().to_string())); base.set(Some(b.to_string())); }>{t(Msg::EvalAgainstBase)}</button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
