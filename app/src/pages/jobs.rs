//! The Jobs section, one job's page, the Workers page, and "check a file" (upload + job).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use polytune_api::{Blob, CreateJob, Job, JobEvent, JobState, Role, Worker, Workspace};

use crate::client::{self, ApiFailure};
use crate::components::format::bytes;
use crate::components::jobs::{JobProgress, StateBadge, follow_job, phase_label, subscribe};
use crate::components::{ErrorBox, Loading, NotFound, RequireSignIn, form, format_time};
use crate::i18n::{Msg, t};

/// The list of a workspace's jobs, refreshed live from the workspace event stream.
#[component]
pub fn JobsSection(ws: Workspace) -> impl IntoView {
    let id = StoredValue::new(ws.id.clone());
    let tick = RwSignal::new(0u32);
    let jobs = LocalResource::new(move || {
        tick.track();
        async move { client::get::<Vec<Job>>(&format!("/workspaces/{}/jobs", id.get_value())).await }
    });
    let connected = RwSignal::new(false);
    // Refetch when anything happens (state or progress of any job), at most twice a second.
    subscribe(
        format!("/api/v1/workspaces/{}/events?after=-1", ws.id),
        move |e| {
            if e.kind() != "log" {
                tick.update(|t| *t += 1)
            }
        },
        connected,
    );
    view! {
        <p class="muted">{t(Msg::JobsIntro)}</p>
        {move || match jobs.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t(Msg::JobsEmpty)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="data jobs">
                    <thead><tr>
                        <th scope="col">{t(Msg::JobKind)}</th>
                        <th scope="col">{t(Msg::JobState)}</th>
                        <th scope="col">{t(Msg::JobProgress)}</th>
                        <th scope="col">{t(Msg::JobPhase)}</th>
                        <th scope="col">{t(Msg::JobBy)}</th>
                        <th scope="col">{t(Msg::JobStarted)}</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|j| {
                            let href = format!("/workspaces/{}/jobs/{}", j.workspace_id, j.id);
                            let kind = j.kind().as_str();
                            view! {
                            <tr>
                                <td><A href=href>{kind}</A></td>
                                <td><StateBadge state=j.state/></td>
                                <td><JobProgress job=j.clone()/></td>
                                <td>{phase_label(j.phase)}</td>
                                <td>{j.created_by.clone()}</td>
                                <td>{j.started_at.map(format_time).unwrap_or_default()}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}

/// `/workspaces/:id/jobs/:job_id`: one job, live.
#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let ws_id = params.read_untracked().get("id").unwrap_or_default();
    let job_id = params.read_untracked().get("job_id").unwrap_or_default();
    let path = format!("/workspaces/{ws_id}/jobs/{job_id}");
    let job = RwSignal::new(None::<Result<Job, ApiFailure>>);
    let role = RwSignal::new(Role::Viewer);
    let log = RwSignal::new(Vec::<JobEvent>::new());
    let connected = RwSignal::new(false);
    let error = RwSignal::new(None);
    let reload = {
        let path = path.clone();
        move || {
            let path = path.clone();
            leptos::task::spawn_local(async move { job.set(Some(client::get::<Job>(&path).await)) });
        }
    };
    {
        let ws_id = ws_id.clone();
        leptos::task::spawn_local(async move {
            if let Ok(w) = client::get::<Workspace>(&format!("/workspaces/{ws_id}")).await {
                role.set(w.role);
            }
        });
    }
    // The first read, and progress, come with following the job; a state change reads it again.
    let reload_on_state = reload.clone();
    follow_job(&ws_id, &job_id, job, connected, move |e, _| match e.kind() {
        "progress" => {}
        "state" => {
            log.update(|l| l.push(e));
            reload_on_state();
        }
        _ => log.update(|l| l.push(e)),
    });
    let act = move |action: &'static str| {
        let path = format!("{path}/{action}");
        let reload = reload.clone();
        form::send(
            None,
            error,
            async move { client::post::<_, Job>(&path, &serde_json::json!({})).await },
            move |_| reload(),
        );
    };
    let act2 = act.clone();
    view! {
        <RequireSignIn/>
        {move || match job.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <NotFound/> }.into_any(),
            Some(Ok(j)) => {
                let can_edit = role.get() >= Role::Editor;
                let speed = j.counters.bytes_per_sec.map(|b| format!("{}/s", bytes(b)));
                let act = act.clone();
                let act2 = act2.clone();
                view! {
                    <section class="job">
                        <p><A href=format!("/workspaces/{}/jobs", j.workspace_id)>{t(Msg::CommonBackToJobs)}</A></p>
                        <h1>{j.kind().as_str()}" "<StateBadge state=j.state/></h1>
                        <JobProgress job=j.clone()/>
                        <dl class="facts">
                            <dt>{t(Msg::JobPhase)}</dt><dd>{phase_label(j.phase)}</dd>
                            <dt>{t(Msg::JobThroughput)}</dt><dd>{speed.unwrap_or_else(|| "—".into())}</dd>
                            <dt>{t(Msg::JobBy)}</dt><dd>{j.created_by.clone()}</dd>
                            <dt>{t(Msg::JobStarted)}</dt><dd>{j.started_at.map(format_time).unwrap_or_else(|| "—".into())}</dd>
                            <dt>{t(Msg::JobFinished)}</dt><dd>{j.finished_at.map(format_time).unwrap_or_else(|| "—".into())}</dd>
                            <dt>{t(Msg::JobWorker)}</dt><dd>{j.worker_id.clone().map(String::from).unwrap_or_else(|| "—".into())}</dd>
                            <dt>{t(Msg::JobAttempt)}</dt><dd>{format!("{} / {}", j.attempt, j.max_attempts)}</dd>
                        </dl>
                        {j.error.clone().filter(|_| j.state == JobState::Failed).map(|e| view! {
                            <div class="error" role="alert"><p><strong>{t(Msg::CommonJobErrorLabel)}" "</strong>{e}</p></div>
                        })}
                        {(j.state == JobState::Succeeded).then(|| view! {
                            <h2>{t(Msg::JobResult)}</h2>
                            <pre class="result">{serde_json::to_string_pretty(&j.result).unwrap_or_default()}</pre>
                        })}
                        <div class="actions">
                            {(can_edit && !j.state.is_finished()).then(|| view! {
                                <button class="danger" on:click=move |_| act("cancel")>{t(Msg::JobCancel)}</button>
                            })}
                            {(can_edit && matches!(j.state, JobState::Failed | JobState::Cancelled)).then(|| view! {
                                <button class="primary" on:click=move |_| act2("retry")>{t(Msg::JobRetry)}</button>
                            })}
                        </div>
                        <ErrorBox error=error.read_only()/>
                    </section>
                }.into_any()
            }
        }}
        <h2>{t(Msg::JobLog)}" "<span class="muted live" role="status">{move || if connected.get() { t(Msg::JobLive) } else { t(Msg::JobReconnecting) }}</span></h2>
        <ol class="log" aria-live="polite">
            {move || log.get().into_iter().map(|e| view! {
                <li><time>{format_time(e.at)}</time>" "<span class=format!("kind-{}", e.kind())>{e.message.clone()}</span></li>
            }).collect_view()}
        </ol>
    }
}

/// "Check a file": upload it, start `blob_stats`, go to the job.
#[component]
pub fn CheckFile(ws: Workspace) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None);
    let navigate = leptos_router::hooks::use_navigate();
    let input = NodeRef::<leptos::html::Input>::new();
    let ws_id = StoredValue::new(ws.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        let navigate = navigate.clone();
        let ws = ws_id.get_value();
        let to_job = {
            let ws = ws.clone();
            move |job: Job| navigate(&format!("/workspaces/{ws}/jobs/{}", job.id), Default::default())
        };
        let request = async move {
            let name = js_sys::encode_uri_component(&file.name());
            let blob = client::upload::<Blob>(&format!("/workspaces/{ws}/blobs?name={name}"), &file).await?;
            let req =
                CreateJob { kind: "blob_stats".into(), payload: serde_json::json!({"blob": blob.sha256}), priority: 0 };
            client::post::<_, Job>(&format!("/workspaces/{ws}/jobs"), &req).await
        };
        form::send(Some(busy), error, request, to_job);
    };
    view! {
        <form class="card check-file" on:submit=submit>
            <h2>{t(Msg::CheckFileTitle)}</h2>
            <p class="muted">{t(Msg::CheckFileIntro)}</p>
            <label for="check-file" class="sr-only">{t(Msg::CheckFileTitle)}</label>
            <input id="check-file" type="file" node_ref=input/>
            <button type="submit" class="primary" disabled=busy>
                {move || if busy.get() { t(Msg::Uploading) } else { t(Msg::CheckFileButton) }}
            </button>
            <ErrorBox error=error.read_only()/>
        </form>
    }
}

/// `/workers`: who serves the queue.
#[component]
pub fn Workers() -> impl IntoView {
    let workers = LocalResource::new(|| async { client::get::<Vec<Worker>>("/workers").await });
    view! {
        <RequireSignIn/>
        <section>
            <h1>{t(Msg::NavWorkers)}</h1>
            <p class="muted">{t(Msg::WorkersIntro)}</p>
            {move || match workers.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t(Msg::WorkersEmpty)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="data workers">
                        <thead><tr>
                            <th scope="col">{t(Msg::JobWorker)}</th>
                            <th scope="col">{t(Msg::WorkerDevice)}</th>
                            <th scope="col">{t(Msg::WorkerSlots)}</th>
                            <th scope="col">{t(Msg::WorkerHeartbeat)}</th>
                            <th scope="col">{t(Msg::WorkerJobs)}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|w| {
                                let caps = &w.capabilities;
                                let gpus: Vec<String> = caps.gpus.iter().map(|g| format!("{} ({} MB)", g.name, g.memory_mb)).collect();
                                let name = if caps.device.is_empty() { "cpu" } else { caps.device.as_str() };
                                let device = if gpus.is_empty() {
                                    crate::tr!(Msg::CommonWorkerDevice, device = name, cpus = caps.cpus.to_string(), memory = caps.memory_mb.to_string())
                                } else {
                                    crate::tr!(Msg::CommonWorkerDeviceGpus, device = name, cpus = caps.cpus.to_string(), memory = caps.memory_mb.to_string(), gpus = gpus.join(", "))
                                };
                                view! {
                                    <tr>
                                        <td>{w.id.to_string()}</td>
                                        <td>{device}</td>
                                        <td>{w.slots}</td>
                                        <td>{crate::tr!(Msg::CommonSecondsAgo, seconds = format!("{:.0}", w.heartbeat_age_ms as f64 / 1000.0))}</td>
                                        <td>{w.current_jobs.len()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
