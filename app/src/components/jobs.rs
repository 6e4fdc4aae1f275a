//! Reusable pieces for anything that runs as a job: state badge, progress bar with percentage
//! and ETA, a live subscription to a server-sent event stream, and following one job through it.

use std::rc::Rc;

use leptos::prelude::*;
use polytune_api::{EventBody, Job, JobEvent, JobState, Phase};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::client::{self, ApiFailure};
use crate::components::format::duration;
use crate::i18n::{Msg, t};

pub fn state_label(s: JobState) -> &'static str {
    match s {
        JobState::Queued => t(Msg::StateQueued),
        JobState::Running => t(Msg::StateRunning),
        JobState::Succeeded => t(Msg::StateSucceeded),
        JobState::Failed => t(Msg::StateFailed),
        JobState::Cancelled => t(Msg::StateCancelled),
    }
}

#[component]
pub fn StateBadge(state: JobState) -> impl IntoView {
    view! { <span class=format!("badge state-{}", state.as_str())>{state_label(state)}</span> }
}

/// Seconds left, extrapolated from the progress so far.
pub fn eta_secs(job: &Job, now_ms: f64) -> Option<f64> {
    let started = job.started_at? as f64;
    let f = job.progress;
    if job.state != JobState::Running || f <= 0.0 || f >= 1.0 {
        return None;
    }
    let elapsed = (now_ms - started) / 1000.0;
    Some(elapsed * (1.0 - f) / f)
}

/// A labelled progress bar: percentage, and the ETA when known.
#[component]
pub fn JobProgress(job: Job) -> impl IntoView {
    let pct = (job.progress * 100.0).clamp(0.0, 100.0);
    let eta = eta_secs(&job, js_sys::Date::now()).map(duration);
    let label = format!("{pct:.0}%");
    view! {
        <div class="progress-line">
            <progress max="100" value=pct aria-label=t(Msg::JobProgress)>{label.clone()}</progress>
            <span class="pct">{label}</span>
            {eta.map(|e| view! { <span class="muted">{crate::tr!(Msg::CommonJobEta, eta = e)}</span> })}
        </div>
    }
}

/// Follows a server-sent event stream until the component is cleaned up. The browser
/// reconnects by itself and sends `Last-Event-ID`, so no event is missed.
pub fn subscribe(url: String, on_event: impl Fn(JobEvent) + 'static, connected: RwSignal<bool>) {
    let Ok(source) = web_sys::EventSource::new(&url) else { return };
    let on_event = Rc::new(on_event);
    for kind in ["state", "progress", "log"] {
        let f = on_event.clone();
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(text) = e.data().as_string() {
                if let Ok(ev) = serde_json::from_str::<JobEvent>(&text) {
                    f(ev);
                }
            }
        });
        let _ = source.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        // Lives as long as the page (the EventSource is closed on cleanup).
        listener.forget();
    }
    let open = Closure::<dyn FnMut()>::new(move || connected.set(true));
    source.set_onopen(Some(open.as_ref().unchecked_ref()));
    open.forget();
    let error = Closure::<dyn FnMut()>::new(move || connected.set(false));
    source.set_onerror(Some(error.as_ref().unchecked_ref()));
    error.forget();
    let stored = StoredValue::new_local(source);
    on_cleanup(move || stored.with_value(|s| s.close()));
}

/// Counts the workspace's job state changes from now on into `tick`: a list that tracks it
/// reloads whenever a job starts or ends.
pub fn tick_on_state_changes(ws: &str, tick: RwSignal<u32>) {
    subscribe(
        format!("/api/v1/workspaces/{ws}/events?after=-1"),
        move |e| {
            if e.kind() == "state" {
                tick.update(|t| *t += 1)
            }
        },
        RwSignal::new(false),
    );
}

/// Applies one event of a job's stream to the job as last read, and returns the state a state
/// change announces. Progress moves the fraction, phase and counters, and means the job runs
/// (unless it has finished: a stream starts with the job's history). A state change only says
/// where the job is now; a fresh read tells more (its error, result and times).
///
pub fn apply_event(job: &mut Job, e: &JobEvent) -> Option<JobState> {
    match &e.body {
        EventBody::Progress(p) => {
            job.progress = p.fraction;
            job.counters = p.counters.clone();
            if p.phase.is_some() {
                job.phase = p.phase;
            }
            if !job.state.is_finished() {
                job.state = JobState::Running;
            }
            None
        }
        EventBody::State(s) => Some(s.state),
        EventBody::Log(_) => None,
    }
}

/// What a job is doing, in words (empty before its first report).
pub fn phase_label(phase: Option<Phase>) -> &'static str {
    match phase {
        None => "",
        Some(Phase::Starting) => t(Msg::PhaseStarting),
        Some(Phase::WaitingForWorker) => t(Msg::PhaseWaitingForWorker),
        Some(Phase::Reading) => t(Msg::PhaseReading),
        Some(Phase::Profiling) => t(Msg::PhaseProfiling),
        Some(Phase::Filtering) => t(Msg::PhaseFiltering),
        Some(Phase::DrawingExamples) => t(Msg::PhaseDrawingExamples),
        Some(Phase::Training) => t(Msg::PhaseTraining),
        Some(Phase::Evaluating) => t(Msg::PhaseEvaluating),
        Some(Phase::Done) => t(Msg::PhaseDone),
        Some(Phase::Other) => t(Msg::PhaseOther),
    }
}

/// Reads a job and keeps `job` current from its event stream until the component is cleaned up:
/// `None` until the first read, then the job (or why it could not be read). Each event is applied
/// with [`apply_event`] and then handed to `on_event` with the state it announced; events that
/// arrive before the first read wait for it, so none is lost.
pub fn follow_job(
    ws: &str,
    job_id: &str,
    job: RwSignal<Option<Result<Job, ApiFailure>>>,
    connected: RwSignal<bool>,
    on_event: impl Fn(JobEvent, Option<JobState>) + 'static,
) {
    let path = format!("/workspaces/{ws}/jobs/{job_id}");
    let apply = Rc::new(move |e: JobEvent| {
        // Only a change of the job redraws what shows it (log lines and state changes do not).
        let announced = job
            .try_maybe_update(|j| match j {
                Some(Ok(j)) => {
                    let before = j.clone();
                    let announced = apply_event(j, &e);
                    (*j != before, announced)
                }
                _ => (false, None),
            })
            .flatten();
        on_event(e, announced);
    });
    // `Some` while the first read is on its way.
    let early = StoredValue::new(Some(Vec::<JobEvent>::new()));
    {
        let apply = apply.clone();
        let path = path.clone();
        leptos::task::spawn_local(async move {
            let read = client::get::<Job>(&path).await;
            // A failed read never hides a job the page read meanwhile.
            let alive = job.try_update(|j| {
                if read.is_ok() || j.is_none() {
                    *j = Some(read);
                }
            });
            if alive.is_none() {
                return;
            }
            for e in early.try_update_value(Option::take).flatten().unwrap_or_default() {
                apply(e);
            }
        });
    }
    subscribe(
        format!("/api/v1{path}/events"),
        move |e| {
            let now = early.try_update_value(|waiting| match waiting {
                Some(list) => {
                    list.push(e);
                    None
                }
                None => Some(e),
            });
            if let Some(Some(e)) = now {
                apply(e);
            }
        },
        connected,
    );
}

/// A button that starts a job making a file (a run export: `path` answers 202 with the job),
/// shows its progress, then downloads the file; a failure says why beside it.
#[component]
pub fn DownloadButton(path: String, label: &'static str) -> impl IntoView {
    let working = RwSignal::new(false);
    let progress = RwSignal::new(None::<Job>);
    let error = RwSignal::new(None::<ApiFailure>);
    let path = StoredValue::new(path);
    let start = move |_| {
        if working.get_untracked() {
            return;
        }
        working.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let body = serde_json::Map::new();
            let Some(path) = path.try_get_value() else { return };
            let done = client::run_job(&path, &body, |j| progress.try_set(Some(j.clone())).is_none()).await;
            // The page was left meanwhile: nothing to show, nothing to download.
            if working.try_get_untracked().is_none() {
                return;
            }
            let _ = working.try_set(false);
            let _ = progress.try_set(None);
            match done {
                Ok(job) => {
                    let file =
                        format!("{}/workspaces/{}/jobs/{}/file", polytune_api::API_PREFIX, job.workspace_id, job.id);
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&file);
                    }
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <span class="download-job">
            <button type="button" class="link" on:click=start disabled=move || working.get()>{label}</button>
            {move || working.get().then(|| view! { " "<span class="muted" role="status">{t(Msg::ExportPreparing)}</span> })}
            {move || progress.get().map(|j| view! { <JobProgress job=j/> })}
            {move || error.get().map(|e| view! { " "<span class="field-error" role="alert">{e.message()}</span> })}
        </span>
    }
}
