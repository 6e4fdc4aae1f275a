//! Materializing a mixture, live: progress, phase, and cancelling.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::{Job, JobState};

use crate::client::{self, ApiFailure};
use crate::components::jobs::{JobProgress, StateBadge, follow_job, phase_label};
use crate::components::{ErrorBox, form};
use crate::i18n::{Msg, t};

/// The materializing job, live; `on_finish` when it ends.
#[component]
pub(super) fn MaterializeProgress(
    ws: String,
    job_id: String,
    can_edit: Signal<bool>,
    on_finish: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let path = format!("/workspaces/{ws}/jobs/{job_id}");
    let job = RwSignal::new(None::<Result<Job, ApiFailure>>);
    let alive = Arc::new(AtomicBool::new(true));
    let done = Arc::new(AtomicBool::new(false));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    let finish = {
        let done = done.clone();
        let alive = alive.clone();
        move || {
            if alive.load(Ordering::Relaxed) && !done.swap(true, Ordering::Relaxed) {
                on_finish();
            }
        }
    };
    // Polling as well as the event stream: a missed event never leaves the page waiting.
    {
        let path = path.clone();
        let alive = alive.clone();
        let finish = finish.clone();
        leptos::task::spawn_local(async move {
            while alive.load(Ordering::Relaxed) {
                if let Ok(j) = client::get::<Job>(&path).await {
                    if !alive.load(Ordering::Relaxed) {
                        break;
                    }
                    let ended = j.state.is_finished();
                    job.try_set(Some(Ok(j)));
                    if ended {
                        finish();
                        break;
                    }
                }
                client::gloo_timers_sleep(2000).await;
            }
        });
    }
    let connected = RwSignal::new(false);
    follow_job(&ws, &job_id, job, connected, move |_, announced| {
        if announced.is_some_and(JobState::is_finished) {
            finish();
        }
    });
    let error = RwSignal::new(None::<ApiFailure>);
    let cancel_path = StoredValue::new(format!("{path}/cancel"));
    let cancel = move |_| {
        let path = cancel_path.get_value();
        let request = async move { client::post::<_, Job>(&path, &serde_json::json!({})).await };
        form::send(None, error, request, move |j| {
            job.try_set(Some(Ok(j)));
        });
    };
    let href = format!("/workspaces/{ws}/jobs/{job_id}");
    view! {
        <section class="card materializing" role="status" aria-labelledby="materializing-title">
            <h2 id="materializing-title">{t(Msg::MixturesMaterializingTitle)}</h2>
            <p class="muted">{t(Msg::MixturesMaterializingIntro)}</p>
            {move || job.get().and_then(Result::ok).map(|j| view! {
                <StateBadge state=j.state/>
                <JobProgress job=j.clone()/>
                {j.phase.is_some().then(|| view! { <p class="muted">{crate::tr!(Msg::MixturesJobPhase, phase = phase_label(j.phase))}</p> })}
                {j.cancel_requested.then(|| view! { <p class="muted">{t(Msg::MixturesCancelling)}</p> })}
            })}
            <div class="actions">
                {move || (can_edit.get() && !job.with(|j| matches!(j, Some(Ok(j)) if j.cancel_requested))).then(|| view! {
                    <button type="button" class="danger mixture-cancel" on:click=cancel>{t(Msg::JobCancel)}</button>
                })}
                <A href=href>{t(Msg::MixturesJobDetails)}</A>
            </div>
            <ErrorBox error=error.read_only()/>
        </section>
    }
}
