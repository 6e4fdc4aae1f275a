//! Reusable pieces for anything that runs as a job: state badge, progress bar with percentage
//! and ETA, and a live subscription to a server-sent event stream.

use leptos::prelude::*;
use polytune_api::{Job, JobEvent, JobState};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

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

pub fn format_duration(secs: f64) -> String {
    let s = secs.round() as i64;
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}

pub fn format_bytes(b: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

/// A labelled progress bar: percentage, and the ETA when known.
#[component]
pub fn JobProgress(job: Job) -> impl IntoView {
    let pct = (job.progress * 100.0).clamp(0.0, 100.0);
    let eta = eta_secs(&job, js_sys::Date::now()).map(format_duration);
    let label = format!("{pct:.0}%");
    view! {
        <div class="progress-line">
            <progress max="100" value=pct aria-label=t(Msg::JobProgress)>{label.clone()}</progress>
            <span class="pct">{label}</span>
            {eta.map(|e| view! { <span class="muted">{t(Msg::JobEta)}": "{e}</span> })}
        </div>
    }
}

/// Follows a server-sent event stream until the component is cleaned up. The browser
/// reconnects by itself and sends `Last-Event-ID`, so no event is missed.
pub fn subscribe(url: String, on_event: impl Fn(JobEvent) + 'static, connected: RwSignal<bool>) {
    let Ok(source) = web_sys::EventSource::new(&url) else { return };
    let on_event = std::rc::Rc::new(on_event);
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
