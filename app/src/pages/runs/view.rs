//! What a run's page shows: its facts, progress, charts, each language against the base model,
//! tokens per language, checkpoints and the log.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::{Checkpoint, Dataset, Job, JobEvent, JobState, Mixture, Model, Role, Run, RunPoint, TuneMethod};

use super::points::{NOISE, base_eval, lang_map, latest_eval, latest_step, step_series};
use super::version_labels;
use crate::client::{self, ApiFailure};
use crate::components::charts::{LineChart, PALETTE, Series, lang_color};
use crate::components::format::{count_in_words, duration, gib, signed, significant};
use crate::components::jobs::{DownloadButton, StateBadge, phase_label};
use crate::components::lang::lang_label;
use crate::components::{ErrorBox, Loading, format_time};
use crate::i18n::{Msg, t};

/// Validation loss per language over the steps: one series per language, in its colour.
fn per_language_series(points: &[RunPoint]) -> Vec<Series> {
    let mut by: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for p in points.iter().filter(|p| p.kind == "eval") {
        for (l, v) in lang_map(&p.data["loss_by_language"]) {
            by.entry(l).or_default().push((p.step as f64, v));
        }
    }
    by.into_iter().map(|(l, pts)| (lang_label(&l), lang_color(&l), pts)).collect()
}

#[component]
pub(super) fn RunView(
    run: Memo<Option<Run>>,
    points: Memo<Vec<RunPoint>>,
    checkpoints: Memo<Vec<Checkpoint>>,
    job: RwSignal<Option<Job>>,
    role: RwSignal<Role>,
    logs: RwSignal<Vec<JobEvent>>,
    connected: RwSignal<bool>,
    action_error: RwSignal<Option<ApiFailure>>,
    on_stop: Callback<()>,
    on_resume: Callback<()>,
) -> impl IntoView {
    let Some(r) = run.get_untracked() else { return view! { <Loading/> }.into_any() };
    let ws = StoredValue::new(r.workspace_id.clone());
    let r = StoredValue::new(r);
    let models = LocalResource::new(move || {
        let path = format!("/workspaces/{}/models", ws.get_value());
        async move { client::get::<Vec<Model>>(&path).await }
    });
    let mixtures = LocalResource::new(move || {
        let path = format!("/workspaces/{}/mixtures", ws.get_value());
        let wanted = r.with_value(|r| r.mixture_id.is_some());
        async move { if wanted { client::get::<Vec<Mixture>>(&path).await } else { Ok(Vec::new()) } }
    });
    let datasets = LocalResource::new(move || {
        let path = format!("/workspaces/{}/datasets", ws.get_value());
        let wanted = r.with_value(|r| r.mixture_id.is_none());
        async move { if wanted { client::get::<Vec<Dataset>>(&path).await } else { Ok(Vec::new()) } }
    });
    let link = move |rest: String| format!("/workspaces/{}/{rest}", ws.get_value());
    let run_of = move || r.get_value();

    let model_view = move || {
        let run = run_of();
        let name = models
            .get()
            .and_then(|m| m.ok())
            .and_then(|l| l.into_iter().find(|m| m.id == run.model_id))
            .map_or(run.model_id.to_string(), |m| m.name);
        view! { <A href=link(format!("models/{}", run.model_id))>{name}</A> }
    };
    let data_view = move || {
        let run = run_of();
        match &run.mixture_id {
            Some(mid) => {
                let name = mixtures
                    .get()
                    .and_then(|m| m.ok())
                    .and_then(|l| l.into_iter().find(|m| &m.id == mid))
                    .map_or_else(|| "its mixture".to_string(), |m| format!("mixture “{}”", m.name));
                view! { <A href=link(format!("mixtures/{mid}"))>{name}</A> }.into_any()
            }
            None => {
                let labels = version_labels(&datasets.get().and_then(|d| d.ok()).unwrap_or_default());
                let label = labels
                    .get(run.dataset_version_id.as_str())
                    .map_or_else(|| format!("dataset version {}", run.dataset_version_id), |(l, _)| l.clone());
                view! { <span>{label}</span> }.into_any()
            }
        }
    };
    let continued = r.with_value(|r| r.continue_from.clone()).map(|c| {
        let href = link(format!("runs/{}", c.run_id));
        view! { <p class="muted">"Continues from "<A href=href>"an earlier run"</A>{format!(" with {:.0}% replay of its data.", c.replay * 100.0)}</p> }
    });

    let state = move || job.with(|j| j.as_ref().map(|j| j.state));
    let can_edit = move || role.get() >= Role::Editor;
    let latest = Memo::new(move |_| points.with(|p| latest_step(p).map(|p| p.data.clone())));

    let loss_series = Memo::new(move |_| {
        points.with(|p| {
            vec![
                ("Training loss".to_string(), PALETTE[0].to_string(), step_series(p, "step", "loss")),
                ("Validation loss".to_string(), PALETTE[1].to_string(), step_series(p, "eval", "loss")),
            ]
        })
    });
    let lr_series = Memo::new(move |_| {
        points.with(|p| {
            vec![("Learning rate".to_string(), PALETTE[2].to_string(), step_series(p, "step", "learning_rate"))]
        })
    });
    let grad_series = Memo::new(move |_| {
        points
            .with(|p| vec![("Gradient norm".to_string(), PALETTE[3].to_string(), step_series(p, "step", "grad_norm"))])
    });
    let val_series = Memo::new(move |_| points.with(|p| per_language_series(p)));

    let dup_href = link(format!("runs/new?duplicate={}", r.with_value(|r| r.id.clone())));
    let cont_href = link(format!("runs/new?continue={}", r.with_value(|r| r.id.clone())));
    let compare_href = link(format!("runs?select={}", r.with_value(|r| r.id.clone())));
    let evaluate_href = link(format!("evaluations?run={}", r.with_value(|r| r.id.clone())));

    view! {
        <p><A href=link("runs".into())>"← Runs"</A></p>
        <h1>{r.with_value(|r| r.name.clone())}" "{move || state().map(|s| view! { <StateBadge state=s/> })}</h1>
        <dl class="facts run-facts">
            <dt>"Base model"</dt><dd>{model_view}</dd>
            <dt>"Data"</dt><dd>{data_view}</dd>
            <dt>"Settings"</dt><dd>{r.with_value(|r| {
                let s = &r.spec;
                let method = if s.method == TuneMethod::Lora { format!("LoRA rank {}", s.lora.rank) } else { "full tuning".into() };
                format!("{method} · {} epoch(s){} · batch {}×{} · learning rate {} · sequences of {} tokens",
                    s.epochs, s.max_steps.map_or(String::new(), |m| format!(", at most {m} steps")), s.batch_size, s.grad_accum, s.learning_rate, s.seq_len)
            })}</dd>
            <dt>"Started"</dt><dd>{format_time(r.with_value(|r| r.created_at))}</dd>
        </dl>
        {continued}

        <section class="run-progress card" aria-labelledby="progress-title">
            <h2 id="progress-title" class="sr-only">"Progress"</h2>
            {move || {
                let s = latest.get();
                let j = job.get();
                let num = |k: &str| s.as_ref().and_then(|s| s[k].as_f64());
                let step = num("step").unwrap_or(0.0);
                let total = num("total_steps").unwrap_or(0.0);
                let pct = if total > 0.0 { (step / total * 100.0).clamp(0.0, 100.0) } else { j.as_ref().map_or(0.0, |j| j.progress * 100.0) };
                let running = j.as_ref().is_some_and(|j| j.state == JobState::Running);
                let status = match j.as_ref().map(|j| j.state) {
                    Some(JobState::Queued) => "Waiting for a worker to pick it up.".to_string(),
                    Some(JobState::Running) if s.is_none() => j.as_ref().map(|j| phase_label(j.phase)).filter(|p| !p.is_empty()).unwrap_or("Preparing…").to_string(),
                    Some(JobState::Cancelled) => format!("Stopped at step {step:.0}. Resume continues from the newest checkpoint."),
                    Some(JobState::Failed) => "It failed; Resume continues from the newest checkpoint.".to_string(),
                    Some(JobState::Succeeded) => "Finished.".to_string(),
                    _ => String::new(),
                };
                view! {
                    <div class="progress-line">
                        <progress max="100" value=pct aria-label="Training progress">{format!("{pct:.0}%")}</progress>
                        <span class="pct">{format!("{pct:.0}%")}</span>
                        <span class="steps">{if total > 0.0 { format!("step {step:.0} of {total:.0}") } else { String::new() }}</span>
                    </div>
                    <p class="run-status">{status}</p>
                    <dl class="facts progress-facts">
                        <dt>"Throughput"</dt><dd>{num("tokens_per_second").map_or("—".into(), |v| format!("{} tokens/s", significant(v)))}</dd>
                        <dt>"Time left"</dt><dd>{num("eta_seconds").filter(|_| running).map_or("—".into(), duration)}</dd>
                        <dt>"Elapsed"</dt><dd>{num("elapsed_seconds").map_or("—".into(), duration)}</dd>
                        <dt>"Tokens seen"</dt><dd>{s.as_ref().map(|s| lang_map(&s["tokens_by_language"]).values().sum::<f64>()).filter(|n| *n > 0.0).map_or("—".into(), count_in_words)}</dd>
                        <dt>"Epoch"</dt><dd>{num("epoch").map_or("—".into(), |e| format!("{e:.2}"))}</dd>
                        <dt>"Memory"</dt><dd>{num("memory_bytes").map_or("—".into(), gib)}</dd>
                    </dl>
                    {j.as_ref().filter(|j| j.state == JobState::Failed).and_then(|j| j.error.clone()).map(|e| view! {
                        <div class="error" role="alert"><p><strong>"What went wrong: "</strong>{e}</p></div>
                    })}
                }
            }}
            <div class="actions">
                {move || (can_edit() && state().is_some_and(|s| !s.is_finished())).then(|| view! {
                    <button id="run-stop" class="danger" type="button" on:click=move |_| on_stop.run(())>"Stop"</button>
                })}
                {move || (can_edit() && matches!(state(), Some(JobState::Failed | JobState::Cancelled))).then(|| view! {
                    <button id="run-resume" class="primary" type="button" on:click=move |_| on_resume.run(())>"Resume"</button>
                })}
                <A href=dup_href attr:id="run-duplicate" attr:class="button">"Duplicate with changes"</A>
                <A href=cont_href attr:id="run-continue" attr:class="button">"Continue from this run"</A>
                <A href=compare_href attr:id="run-compare" attr:class="button">"Compare with…"</A>
                <A href=evaluate_href attr:id="run-evaluate" attr:class="button">"Evaluate against its base"</A>
            </div>
            <p class="hint">"Stop saves a checkpoint at the current step; Resume goes on from the newest checkpoint."</p>
            <ErrorBox error=action_error.read_only()/>
        </section>

        <section class="run-charts" aria-label="Charts">
            <div class="card">
                <h2>"Loss"</h2>
                <LineChart series=loss_series label="Training and validation loss" x_label="step" y_label="loss" class="chart-loss"
                    empty="The loss appears after the first steps."/>
            </div>
            <div class="card">
                <h2>"Validation loss per language"</h2>
                <LineChart series=val_series label="Validation loss per language" x_label="step" y_label="validation loss" class="chart-val-by-language"
                    empty="Each language's validation loss appears at the first evaluation."/>
            </div>
            <div class="card">
                <h2>"Learning rate"</h2>
                <LineChart series=lr_series label="Learning rate" x_label="step" y_label="learning rate" class="chart-lr"/>
            </div>
            <div class="card">
                <h2>"Gradient norm"</h2>
                <LineChart series=grad_series label="Gradient norm" x_label="step" y_label="gradient norm" class="chart-grad-norm"/>
            </div>
        </section>

        <section class="card" aria-labelledby="val-title">
            <h2 id="val-title">"Each language against the base model"</h2>
            <p class="muted">"Validation loss (lower is better) of the base model before training, and now."</p>
            {move || points.with(|p| val_table(p))}
        </section>

        <section class="card tokens-by-language" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"Tokens seen per language"</h2>
            {move || {
                let by = latest.with(|s| s.as_ref().map(|s| lang_map(&s["tokens_by_language"])).unwrap_or_default());
                if by.is_empty() {
                    return view! { <p class="muted">"Appears with the first steps."</p> }.into_any();
                }
                let mut rows: Vec<(String, f64)> = by.into_iter().collect();
                rows.sort_by(|a, b| b.1.total_cmp(&a.1));
                let max = rows.iter().map(|r| r.1).fold(1.0, f64::max);
                let sum: f64 = rows.iter().map(|r| r.1).sum();
                view! {
                    <table class="data bars">
                        <thead><tr><th scope="col">"Language"</th><th scope="col" class="num">"Tokens"</th><th scope="col" class="num">"Share"</th><th scope="col"><span class="sr-only">"Bar"</span></th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(l, n)| view! {
                                <tr>
                                    <th scope="row">{lang_label(&l)}</th>
                                    <td class="num">{count_in_words(n)}</td>
                                    <td class="num">{format!("{:.1}%", 100.0 * n / sum.max(1.0))}</td>
                                    <td class="bar-cell"><span class="hbar" style=format!("width:{:.1}%;background:{}", 100.0 * n / max, lang_color(&l))></span></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>

        <section class="card checkpoints" aria-labelledby="ckpt-title">
            <h2 id="ckpt-title">"Checkpoints"</h2>
            {move || {
                let list = checkpoints.get();
                if list.is_empty() {
                    return view! { <p class="muted">"None saved yet."</p> }.into_any();
                }
                let run = run_of();
                let base = format!("/workspaces/{}/runs/{}/export", run.workspace_id, run.id);
                let lora = run.spec.method == TuneMethod::Lora;
                let best = list.iter().filter_map(|c| c.validation_loss).fold(f64::INFINITY, f64::min);
                view! {
                    <table class="data">
                        <thead><tr><th scope="col" class="num">"Step"</th><th scope="col" class="num">"Validation loss"</th><th scope="col">"Saved"</th><th scope="col">"Download (Hugging Face folder, .tar)"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|c| {
                                let is_best = c.validation_loss == Some(best);
                                let base = base.clone();
                                view! {
                                    <tr>
                                        <td class="num">{c.step}</td>
                                        <td class="num">{c.validation_loss.map_or("—".into(), |v| format!("{v:.3}"))}{is_best.then(|| view! { " "<span class="badge best">"best"</span> })}</td>
                                        <td>{format_time(c.created_at)}</td>
                                        <td>
                                            <DownloadButton path=format!("{base}?kind=merged&step={}", c.step) label="merged weights"/>
                                            {lora.then(|| view! { " · "<DownloadButton path=format!("{base}?kind=adapter&step={}", c.step) label="LoRA adapter (PEFT)"/> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>

        <section class="run-logs" aria-labelledby="log-title">
            <h2 id="log-title">"Log "<span class="muted live" role="status">{move || if connected.get() { t(Msg::JobLive) } else { t(Msg::JobReconnecting) }}</span></h2>
            <p class="hint">"The last 50 lines."</p>
            <ol class="log">
                {move || logs.get().into_iter().map(|e| view! {
                    <li><time>{format_time(e.at)}</time>" "<span class=format!("kind-{}", e.kind())>{e.message.clone()}</span></li>
                }).collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

/// Language, base model, latest, change: the per-language report of one run.
fn val_table(points: &[RunPoint]) -> AnyView {
    let base = base_eval(points);
    let latest = latest_eval(points);
    if base.is_none() && latest.is_none() {
        return view! { <p class="muted val-table-empty">"Appears at the first evaluation."</p> }.into_any();
    }
    let base_by = base.map(|p| lang_map(&p.data["loss_by_language"])).unwrap_or_default();
    let latest_by = latest.map(|p| lang_map(&p.data["loss_by_language"])).unwrap_or_default();
    let langs: BTreeSet<String> = base_by.keys().chain(latest_by.keys()).cloned().collect();
    let mut rows: Vec<(String, Option<f64>, Option<f64>)> =
        langs.into_iter().map(|l| (lang_label(&l), base_by.get(&l).copied(), latest_by.get(&l).copied())).collect();
    rows.push((
        "All languages".into(),
        base.and_then(|p| p.data["loss"].as_f64()),
        latest.and_then(|p| p.data["loss"].as_f64()),
    ));
    let latest_step = latest.map(|p| p.step);
    view! {
        <table class="data val-table">
            <thead><tr>
                <th scope="col">"Language"</th>
                <th scope="col" class="num">"Base model"</th>
                <th scope="col" class="num">{latest_step.map_or("Latest".to_string(), |s| format!("Latest (step {s})"))}</th>
                <th scope="col" class="num">"Change"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|(label, b, l)| {
                    let change = b.zip(l).map(|(b, l)| l - b);
                    let class = match change {
                        Some(c) if c.abs() < NOISE => "num change same",
                        Some(c) if c < 0.0 => "num change better",
                        Some(_) => "num change worse",
                        None => "num",
                    };
                    let total = label == "All languages";
                    view! {
                        <tr class:total=total>
                            <th scope="row">{label}</th>
                            <td class="num">{b.map_or("—".into(), |v| format!("{v:.3}"))}</td>
                            <td class="num">{l.map_or("—".into(), |v| format!("{v:.3}"))}</td>
                            <td class=class>{change.map_or("—".into(), |c| if c.abs() < NOISE { format!("{} (within noise)", signed(c)) } else { signed(c) })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
