//! The Runs tab: every run with its state and latest loss, picked to compare.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use polytune_api::{Job, Model, Role, Run, RunDetail, Workspace};

use super::points::{latest_eval, latest_step};
use crate::client;
use crate::components::jobs::{StateBadge, subscribe};
use crate::components::{Loading, format_time};
use crate::i18n::{Msg, t};

#[component]
pub fn RunsSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    // The newest state change: (a counter, its job), so each row reloads only for its own job.
    let last_state = RwSignal::new((0u32, String::new()));
    let runs = LocalResource::new(move || {
        let path = format!("/workspaces/{}/runs", ws_id.get_value());
        async move { client::get::<Vec<Run>>(&path).await }
    });
    let models = LocalResource::new(move || {
        let path = format!("/workspaces/{}/models", ws_id.get_value());
        async move { client::get::<Vec<Model>>(&path).await }
    });
    let connected = RwSignal::new(false);
    subscribe(
        format!("/api/v1/workspaces/{}/events?after=-1", ws.id),
        move |e| {
            if e.kind() == "state" {
                last_state.update(|(n, j)| {
                    *n += 1;
                    *j = e.job_id.to_string();
                })
            }
        },
        connected,
    );
    let query = use_query_map();
    let selected = RwSignal::new(query.read_untracked().get("select").into_iter().collect::<Vec<String>>());
    let navigate = use_navigate();
    let compare = move |_| {
        let ids = selected.get().join(",");
        navigate(&format!("/workspaces/{}/runs/compare?ids={ids}", ws_id.get_value()), Default::default());
    };
    let new_href = format!("/workspaces/{}/runs/new", ws.id);
    let mixtures_href = format!("/workspaces/{}/mixtures", ws.id);
    view! {
        <p class="muted">{t(Msg::RunsIntro)}</p>
        <div class="actions runs-toolbar">
            {can_edit.then(|| view! { <A href=new_href attr:id="new-run" attr:class="button primary">{t(Msg::RunsNew)}</A> })}
            <button id="compare-runs" type="button" disabled=move || !(2..=4).contains(&selected.with(Vec::len)) on:click=compare>
                {move || match selected.with(Vec::len) { 0 | 1 => t(Msg::RunsComparePick).to_string(), n => crate::tr!(Msg::RunsCompareCount, count = n) }}
            </button>
        </div>
        {move || match (runs.get(), models.get()) {
            (None, _) | (_, None) => view! { <Loading/> }.into_any(),
            (Some(Err(e)), _) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            (Some(Ok(list)), _) if list.is_empty() => view! {
                <div class="empty">
                    <p>{t(Msg::EmptyRuns)}</p>
                    <A href=mixtures_href.clone() attr:class="button primary">{t(Msg::EmptyRunsAction)}</A>
                </div>
            }.into_any(),
            (Some(Ok(mut list)), Some(models)) => {
                let models = models.unwrap_or_default();
                list.sort_by_key(|r| std::cmp::Reverse(r.created_at));
                view! {
                    <table class="data runs">
                        <thead><tr>
                            <th scope="col"><span class="sr-only">{t(Msg::RunsPickColumn)}</span></th>
                            <th scope="col">{t(Msg::ColName)}</th>
                            <th scope="col">{t(Msg::RunsBaseModel)}</th>
                            <th scope="col">{t(Msg::JobState)}</th>
                            <th scope="col" class="num">{t(Msg::RunsLatestLoss)}</th>
                            <th scope="col">{t(Msg::JobStarted)}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|r| {
                                let model = models.iter().find(|m| m.id == r.model_id).map_or_else(|| r.model_id.clone(), |m| m.name.clone().into());
                                view! { <RunRow run=r model=model.to_string() selected=selected last_state=last_state/> }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        }}
    }
}

#[component]
fn RunRow(
    run: Run,
    model: String,
    selected: RwSignal<Vec<String>>,
    last_state: RwSignal<(u32, String)>,
) -> impl IntoView {
    let path = format!("/workspaces/{}/runs/{}", run.workspace_id, run.id);
    let job_path = format!("/workspaces/{}/jobs/{}", run.workspace_id, run.job_id);
    let href = path.clone();
    let job_id = run.job_id.clone();
    let mine = Memo::new(move |prev: Option<&u32>| {
        last_state.with(|(n, j)| if *j == job_id { *n } else { prev.copied().unwrap_or(0) })
    });
    let detail = LocalResource::new(move || {
        mine.track();
        let (path, job_path) = (path.clone(), job_path.clone());
        async move { (client::get::<RunDetail>(&path).await, client::get::<Job>(&job_path).await.ok()) }
    });
    let state = move || detail.get().and_then(|(_, j)| j).map(|j| j.state);
    let id = StoredValue::new(run.id.clone());
    let checked = move || selected.with(|s| s.iter().any(|x| *x == id.get_value()));
    let loss = move || {
        detail.get().and_then(|(d, _)| d.ok()).map_or_else(String::new, |d| {
            let train = latest_step(&d.points).and_then(|p| p.data["loss"].as_f64());
            let val = latest_eval(&d.points).and_then(|p| p.data["loss"].as_f64());
            match (train, val) {
                (Some(tl), Some(v)) => {
                    crate::tr!(Msg::RunsLossWithValidation, train = format!("{tl:.3}"), validation = format!("{v:.3}"))
                }
                (Some(tl), None) => format!("{tl:.3}"),
                (None, Some(v)) => crate::tr!(Msg::RunsLossValidationOnly, validation = format!("{v:.3}")),
                (None, None) => "—".into(),
            }
        })
    };
    view! {
        <tr class="run-row" class:current=checked>
            <td>
                <input type="checkbox" aria-label=crate::tr!(Msg::RunsPickLabel, name = run.name.as_str())
                    prop:checked=checked
                    disabled=move || !checked() && selected.with(|s| s.len() >= 4)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let id = id.get_value();
                        selected.update(|s| if on { if !s.iter().any(|x| *x == id) { s.push(id.to_string()) } } else { s.retain(|x| *x != id) });
                    }/>
            </td>
            <td><A href=href>{run.name.clone()}</A>{run.continue_from.is_some().then(|| view! { " "<span class="badge">{t(Msg::RunsContinued)}</span> })}</td>
            <td>{model}</td>
            <td>{move || state().map(|s| view! { <StateBadge state=s/> })}</td>
            <td class="num">{loss}</td>
            <td>{format_time(run.created_at)}</td>
        </tr>
    }
}
