//! `/workspaces/:id/runs/:run_id`: one run, live while it trains — loading, following its job,
//! stopping and resuming.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use polytune_api::{Job, JobEvent, Role, RunDetail, Workspace};

use super::view::RunView;
use crate::client::{self, ApiFailure};
use crate::components::jobs::subscribe;
use crate::components::{Loading, NotFound, RequireSignIn, form};

/// `/workspaces/:id/runs/:run_id`: one run, live while it trains.
#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let ws = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let run_id = StoredValue::new(params.read_untracked().get("run_id").unwrap_or_default());
    let detail = RwSignal::new(None::<Result<RunDetail, ApiFailure>>);
    let job = RwSignal::new(None::<Job>);
    let role = RwSignal::new(Role::Viewer);
    let action_error = RwSignal::new(None::<ApiFailure>);
    let logs = RwSignal::new(Vec::<JobEvent>::new());
    let connected = RwSignal::new(false);

    let load = move || {
        let (Some(ws), Some(id)) = (ws.try_get_value(), run_id.try_get_value()) else { return };
        leptos::task::spawn_local(async move {
            let d = client::get::<RunDetail>(&format!("/workspaces/{ws}/runs/{id}")).await;
            if let Ok(d) = &d
                && let Ok(j) = client::get::<Job>(&format!("/workspaces/{ws}/jobs/{}", d.run.job_id)).await
            {
                job.set(Some(j));
            }
            // A failed reload keeps what is shown; only a first failure replaces the page.
            match d {
                Ok(d) => detail.set(Some(Ok(d))),
                Err(e) => {
                    if !detail.try_with_untracked(|d| matches!(d, Some(Ok(_)))).unwrap_or(true) {
                        detail.set(Some(Err(e)));
                    }
                }
            }
        });
    };
    load();
    {
        let ws = ws.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(w) = client::get::<Workspace>(&format!("/workspaces/{ws}")).await {
                role.set(if w.archived { Role::Viewer } else { w.role });
            }
        });
    }
    // At most one reload a second, however many events arrive.
    let last = StoredValue::new(0.0f64);
    let pending = StoredValue::new(false);
    let refresh = move || {
        if pending.try_get_value() != Some(false) {
            return;
        }
        let wait = 1000.0 - (js_sys::Date::now() - last.get_value());
        if wait <= 0.0 {
            last.set_value(js_sys::Date::now());
            load();
        } else {
            pending.set_value(true);
            leptos::task::spawn_local(async move {
                client::gloo_timers_sleep(wait.ceil() as u32).await;
                pending.try_set_value(false);
                last.try_set_value(js_sys::Date::now());
                load();
            });
        }
    };
    let live = move || job.with(|j| j.as_ref().is_some_and(|j| !j.state.is_finished()));
    // Polling as a fallback for a dropped event stream.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if live() {
                refresh()
            }
        },
        Duration::from_secs(3),
    ) {
        on_cleanup(move || handle.clear());
    }
    let job_id =
        Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.run.job_id.clone())));
    Effect::new(move |_| {
        let Some(j) = job_id.get() else { return };
        subscribe(
            format!("/api/v1/workspaces/{}/jobs/{j}/events", ws.get_value()),
            move |e| match e.kind() {
                "progress" => refresh(),
                _ => {
                    let state = e.kind() == "state";
                    logs.update(|l| {
                        l.push(e);
                        let extra = l.len().saturating_sub(50);
                        l.drain(..extra);
                    });
                    if state {
                        refresh();
                    }
                }
            },
            connected,
        );
    });

    let act = move |action: &'static str| {
        let Some(j) = job.get_untracked() else { return };
        let path = format!("/workspaces/{}/jobs/{}/{action}", ws.get_value(), j.id);
        let request = async move { client::post::<_, Job>(&path, &serde_json::json!({})).await };
        form::send(None, action_error, request, move |j| {
            job.set(Some(j));
            load();
        });
    };

    let run = Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.run.clone())));
    let points = Memo::new(move |_| {
        detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.points.clone()).unwrap_or_default())
    });
    let checkpoints = Memo::new(move |_| {
        detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.checkpoints.clone()).unwrap_or_default())
    });

    // What the page shows changes only between loading, failed and loaded: the run's view is
    // built once and updates in place (open tables and the log's scroll stay as they are).
    let status = Memo::new(move |_| detail.with(|d| d.as_ref().map(|r| r.as_ref().err().cloned())));
    view! {
        <RequireSignIn/>
        {move || match status.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Some(ApiFailure::Problem(p))) if p.status == 404 => view! { <NotFound/> }.into_any(),
            Some(Some(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(None) => view! {
                <RunView run=run points=points checkpoints=checkpoints job=job role=role logs=logs connected=connected
                    action_error=action_error on_stop=Callback::new(move |_| act("cancel")) on_resume=Callback::new(move |_| act("retry"))/>
            }.into_any(),
        }}
    }
}
