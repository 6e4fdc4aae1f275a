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
use crate::components::table::DataTable;
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
                let name =
                    mixtures.get().and_then(|m| m.ok()).and_then(|l| l.into_iter().find(|m| &m.id == mid)).map_or_else(
                        || t(Msg::RunsDataItsMixture).to_string(),
                        |m| crate::tr!(Msg::RunsDataMixture, name = m.name.as_str()),
                    );
                view! { <A href=link(format!("mixtures/{mid}"))>{name}</A> }.into_any()
            }
            None => {
                let labels = version_labels(&datasets.get().and_then(|d| d.ok()).unwrap_or_default());
                let label = labels.get(run.dataset_version_id.as_str()).map_or_else(
                    || crate::tr!(Msg::RunsDataDatasetVersion, id = run.dataset_version_id.as_str()),
                    |(l, _)| l.clone(),
                );
                view! { <span>{label}</span> }.into_any()
            }
        }
    };
    let continued = r.with_value(|r| r.continue_from.clone()).map(|c| {
        let href = link(format!("runs/{}", c.run_id));
        // One sentence around its link: the link's place is marked, then the text is cut there.
        let sentence =
            crate::tr!(Msg::RunsContinuesFrom, link = crate::i18n::SLOT, replay = format!("{:.0}", c.replay * 100.0));
        let (before, after) = crate::i18n::around_slot(&sentence);
        view! { <p class="muted">{before}<A href=href>{t(Msg::RunsContinuesFromLink)}</A>{after}</p> }
    });

    let state = move || job.with(|j| j.as_ref().map(|j| j.state));
    let can_edit = move || role.get() >= Role::Editor;
    let latest = Memo::new(move |_| points.with(|p| latest_step(p).map(|p| p.data.clone())));

    let loss_series = Memo::new(move |_| {
        points.with(|p| {
            vec![
                (t(Msg::RunsTrainingLoss).to_string(), PALETTE[0].to_string(), step_series(p, "step", "loss")),
                (t(Msg::RunsValidationLoss).to_string(), PALETTE[1].to_string(), step_series(p, "eval", "loss")),
            ]
        })
    });
    let lr_series = Memo::new(move |_| {
        points.with(|p| {
            vec![(
                t(Msg::RunsLearningRate).to_string(),
                PALETTE[2].to_string(),
                step_series(p, "step", "learning_rate"),
            )]
        })
    });
    let grad_series = Memo::new(move |_| {
        points.with(|p| {
            vec![(t(Msg::RunsGradientNorm).to_string(), PALETTE[3].to_string(), step_series(p, "step", "grad_norm"))]
        })
    });
    let val_series = Memo::new(move |_| points.with(|p| per_language_series(p)));

    let dup_href = link(format!("runs/new?duplicate={}", r.with_value(|r| r.id.clone())));
    let cont_href = link(format!("runs/new?continue={}", r.with_value(|r| r.id.clone())));
    let compare_href = link(format!("runs?select={}", r.with_value(|r| r.id.clone())));
    let evaluate_href = link(format!("evaluations?run={}", r.with_value(|r| r.id.clone())));

    view! {
        <p><A href=link("runs".into())>{t(Msg::RunsBack)}</A></p>
        <h1>{r.with_value(|r| r.name.clone())}" "{move || state().map(|s| view! { <StateBadge state=s/> })}</h1>
        <dl class="facts run-facts">
            <dt>{t(Msg::RunsBaseModel)}</dt><dd>{model_view}</dd>
            <dt>{t(Msg::RunsData)}</dt><dd>{data_view}</dd>
            <dt>{t(Msg::RunsSettings)}</dt><dd>{r.with_value(|r| {
                let s = &r.spec;
                let method = if s.method == TuneMethod::Lora {
                    crate::tr!(Msg::RunsMethodLora, rank = s.lora.rank)
                } else {
                    t(Msg::RunsMethodFull).to_string()
                };
                let rate = s.learning_rate.to_string();
                match s.max_steps {
                    Some(m) => crate::tr!(Msg::RunsSettingsSummaryMaxSteps, method = method, epochs = s.epochs, max_steps = m,
                        batch = s.batch_size, accum = s.grad_accum, rate = rate, tokens = s.seq_len),
                    None => crate::tr!(Msg::RunsSettingsSummary, method = method, epochs = s.epochs,
                        batch = s.batch_size, accum = s.grad_accum, rate = rate, tokens = s.seq_len),
                }
            })}</dd>
            <dt>{t(Msg::JobStarted)}</dt><dd>{format_time(r.with_value(|r| r.created_at))}</dd>
        </dl>
        {continued}

        <section class="run-progress card" aria-labelledby="progress-title">
            <h2 id="progress-title" class="sr-only">{t(Msg::RunsProgress)}</h2>
            {move || {
                let s = latest.get();
                let j = job.get();
                let num = |k: &str| s.as_ref().and_then(|s| s[k].as_f64());
                let step = num("step").unwrap_or(0.0);
                let total = num("total_steps").unwrap_or(0.0);
                let pct = if total > 0.0 { (step / total * 100.0).clamp(0.0, 100.0) } else { j.as_ref().map_or(0.0, |j| j.progress * 100.0) };
                let running = j.as_ref().is_some_and(|j| j.state == JobState::Running);
                let status = match j.as_ref().map(|j| j.state) {
                    Some(JobState::Queued) => t(Msg::RunsStatusQueued).to_string(),
                    Some(JobState::Running) if s.is_none() => j.as_ref().map(|j| phase_label(j.phase)).filter(|p| !p.is_empty()).unwrap_or(t(Msg::RunsStatusPreparing)).to_string(),
                    Some(JobState::Cancelled) => crate::tr!(Msg::RunsStatusStopped, step = format!("{step:.0}")),
                    Some(JobState::Failed) => t(Msg::RunsStatusFailed).to_string(),
                    Some(JobState::Succeeded) => t(Msg::RunsStatusFinished).to_string(),
                    _ => String::new(),
                };
                view! {
                    <div class="progress-line">
                        <progress max="100" value=pct aria-label=t(Msg::RunsProgressLabel)>{crate::tr!(Msg::RunsPercent, value = format!("{pct:.0}"))}</progress>
                        <span class="pct">{crate::tr!(Msg::RunsPercent, value = format!("{pct:.0}"))}</span>
                        <span class="steps">{if total > 0.0 { crate::tr!(Msg::RunsStepOf, step = format!("{step:.0}"), total = format!("{total:.0}")) } else { String::new() }}</span>
                    </div>
                    <p class="run-status">{status}</p>
                    <dl class="facts progress-facts">
                        <dt>{t(Msg::RunsThroughput)}</dt><dd>{num("tokens_per_second").map_or("—".into(), |v| crate::tr!(Msg::RunsTokensPerSecond, value = significant(v)))}</dd>
                        <dt>{t(Msg::JobEta)}</dt><dd>{num("eta_seconds").filter(|_| running).map_or("—".into(), duration)}</dd>
                        <dt>{t(Msg::RunsElapsed)}</dt><dd>{num("elapsed_seconds").map_or("—".into(), duration)}</dd>
                        <dt>{t(Msg::RunsTokensSeen)}</dt><dd>{s.as_ref().map(|s| lang_map(&s["tokens_by_language"]).values().sum::<f64>()).filter(|n| *n > 0.0).map_or("—".into(), count_in_words)}</dd>
                        <dt>{t(Msg::RunsEpoch)}</dt><dd>{num("epoch").map_or("—".into(), |e| format!("{e:.2}"))}</dd>
                        <dt>{t(Msg::RunsMemory)}</dt><dd>{num("memory_bytes").map_or("—".into(), gib)}</dd>
                    </dl>
                    {j.as_ref().filter(|j| j.state == JobState::Failed).and_then(|j| j.error.clone()).map(|e| view! {
                        <div class="error" role="alert"><p><strong>{t(Msg::RunsFailureLabel)}" "</strong>{e}</p></div>
                    })}
                }
            }}
            <div class="actions">
                {move || (can_edit() && state().is_some_and(|s| !s.is_finished())).then(|| view! {
                    <button id="run-stop" class="danger" type="button" on:click=move |_| on_stop.run(())>{t(Msg::RunsStop)}</button>
                })}
                {move || (can_edit() && matches!(state(), Some(JobState::Failed | JobState::Cancelled))).then(|| view! {
                    <button id="run-resume" class="primary" type="button" on:click=move |_| on_resume.run(())>{t(Msg::RunsResume)}</button>
                })}
                <A href=dup_href attr:id="run-duplicate" attr:class="button">{t(Msg::RunsDuplicate)}</A>
                <A href=cont_href attr:id="run-continue" attr:class="button">{t(Msg::RunsContinue)}</A>
                <A href=compare_href attr:id="run-compare" attr:class="button">{t(Msg::RunsCompareWith)}</A>
                <A href=evaluate_href attr:id="run-evaluate" attr:class="button">{t(Msg::RunsEvaluate)}</A>
            </div>
            <p class="hint">{t(Msg::RunsStopHint)}</p>
            <ErrorBox error=action_error.read_only()/>
        </section>

        <section class="run-charts" aria-label=t(Msg::RunsCharts)>
            <div class="card">
                <h2>{t(Msg::RunsLoss)}</h2>
                <LineChart series=loss_series label=t(Msg::RunsLossChart) x_label=t(Msg::RunsAxisStep) y_label=t(Msg::RunsAxisLoss) class="chart-loss"
                    empty=t(Msg::RunsLossEmpty)/>
            </div>
            <div class="card">
                <h2>{t(Msg::RunsValidationPerLanguage)}</h2>
                <LineChart series=val_series label=t(Msg::RunsValidationPerLanguage) x_label=t(Msg::RunsAxisStep) y_label=t(Msg::RunsAxisValidationLoss) class="chart-val-by-language"
                    empty=t(Msg::RunsValidationPerLanguageEmpty)/>
            </div>
            <div class="card">
                <h2>{t(Msg::RunsLearningRate)}</h2>
                <LineChart series=lr_series label=t(Msg::RunsLearningRate) x_label=t(Msg::RunsAxisStep) y_label=t(Msg::RunsAxisLearningRate) class="chart-lr"/>
            </div>
            <div class="card">
                <h2>{t(Msg::RunsGradientNorm)}</h2>
                <LineChart series=grad_series label=t(Msg::RunsGradientNorm) x_label=t(Msg::RunsAxisStep) y_label=t(Msg::RunsAxisGradientNorm) class="chart-grad-norm"/>
            </div>
        </section>

        <section class="card" aria-labelledby="val-title">
            <h2 id="val-title">{t(Msg::RunsAgainstBase)}</h2>
            <p class="muted">{t(Msg::RunsAgainstBaseHint)}</p>
            {move || points.with(|p| val_table(p))}
        </section>

        <section class="card tokens-by-language" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{t(Msg::RunsTokensTitle)}</h2>
            {move || {
                let by = latest.with(|s| s.as_ref().map(|s| lang_map(&s["tokens_by_language"])).unwrap_or_default());
                if by.is_empty() {
                    return view! { <p class="muted">{t(Msg::RunsTokensEmpty)}</p> }.into_any();
                }
                let mut rows: Vec<(String, f64)> = by.into_iter().collect();
                rows.sort_by(|a, b| b.1.total_cmp(&a.1));
                let max = rows.iter().map(|r| r.1).fold(1.0, f64::max);
                let sum: f64 = rows.iter().map(|r| r.1).sum();
                view! {
                    <DataTable class="data bars"
                        head=view! { <th scope="col">{t(Msg::EvalLanguage)}</th><th scope="col" class="num">{t(Msg::RunsTokens)}</th><th scope="col" class="num">{t(Msg::RunsShare)}</th><th scope="col"><span class="sr-only">{t(Msg::RunsBar)}</span></th> }>
                        {rows.into_iter().map(|(l, n)| view! {
                            <tr>
                                <th scope="row">{lang_label(&l)}</th>
                                <td class="num">{count_in_words(n)}</td>
                                <td class="num">{crate::tr!(Msg::RunsPercent, value = format!("{:.1}", 100.0 * n / sum.max(1.0)))}</td>
                                <td class="bar-cell"><span class="hbar" style=format!("width:{:.1}%;background:{}", 100.0 * n / max, lang_color(&l))></span></td>
                            </tr>
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>

        <section class="card checkpoints" aria-labelledby="ckpt-title">
            <h2 id="ckpt-title">{t(Msg::RunsCheckpoints)}</h2>
            {move || {
                let list = checkpoints.get();
                if list.is_empty() {
                    return view! { <p class="muted">{t(Msg::RunsCheckpointsEmpty)}</p> }.into_any();
                }
                let run = run_of();
                let base = format!("/workspaces/{}/runs/{}/export", run.workspace_id, run.id);
                let lora = run.spec.method == TuneMethod::Lora;
                let best = list.iter().filter_map(|c| c.validation_loss).fold(f64::INFINITY, f64::min);
                view! {
                    <DataTable class="data"
                        head=view! { <th scope="col" class="num">{t(Msg::RunsStep)}</th><th scope="col" class="num">{t(Msg::RunsValidationLoss)}</th><th scope="col">{t(Msg::RunsSaved)}</th><th scope="col">{t(Msg::RunsDownloadHeader)}</th> }>
                        {list.into_iter().map(|c| {
                            let is_best = c.validation_loss == Some(best);
                            let base = base.clone();
                            view! {
                                <tr>
                                    <td class="num">{c.step}</td>
                                    <td class="num">{c.validation_loss.map_or("—".into(), |v| format!("{v:.3}"))}{is_best.then(|| view! { " "<span class="badge best">{t(Msg::RunsBest)}</span> })}</td>
                                    <td>{format_time(c.created_at)}</td>
                                    <td>
                                        <DownloadButton path=format!("{base}?kind=merged&step={}", c.step) label=t(Msg::RunsDownloadMerged)/>
                                        {lora.then(|| view! { " · "<DownloadButton path=format!("{base}?kind=adapter&step={}", c.step) label=t(Msg::RunsDownloadAdapter)/> })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>

        <section class="run-logs" aria-labelledby="log-title">
            <h2 id="log-title">{t(Msg::RunsLog)}" "<span class="muted live" role="status">{move || if connected.get() { t(Msg::JobLive) } else { t(Msg::JobReconnecting) }}</span></h2>
            <p class="hint">{t(Msg::RunsLogHint)}</p>
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
        return view! { <p class="muted val-table-empty">{t(Msg::RunsAgainstBaseEmpty)}</p> }.into_any();
    }
    let base_by = base.map(|p| lang_map(&p.data["loss_by_language"])).unwrap_or_default();
    let latest_by = latest.map(|p| lang_map(&p.data["loss_by_language"])).unwrap_or_default();
    let langs: BTreeSet<String> = base_by.keys().chain(latest_by.keys()).cloned().collect();
    let mut rows: Vec<(String, Option<f64>, Option<f64>)> =
        langs.into_iter().map(|l| (lang_label(&l), base_by.get(&l).copied(), latest_by.get(&l).copied())).collect();
    rows.push((
        t(Msg::RunsAllLanguages).to_string(),
        base.and_then(|p| p.data["loss"].as_f64()),
        latest.and_then(|p| p.data["loss"].as_f64()),
    ));
    let latest_step = latest.map(|p| p.step);
    view! {
        <table class="data val-table">
            <thead><tr>
                <th scope="col">{t(Msg::EvalLanguage)}</th>
                <th scope="col" class="num">{t(Msg::RunsBaseModel)}</th>
                <th scope="col" class="num">{latest_step.map_or(t(Msg::RunsLatest).to_string(), |s| crate::tr!(Msg::RunsLatestAtStep, step = s))}</th>
                <th scope="col" class="num">{t(Msg::RunsChange)}</th>
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
                    let total = label == t(Msg::RunsAllLanguages);
                    view! {
                        <tr class:total=total>
                            <th scope="row">{label}</th>
                            <td class="num">{b.map_or("—".into(), |v| format!("{v:.3}"))}</td>
                            <td class="num">{l.map_or("—".into(), |v| format!("{v:.3}"))}</td>
                            <td class=class>{change.map_or("—".into(), |c| if c.abs() < NOISE { crate::tr!(Msg::RunsChangeWithinNoise, change = signed(c)) } else { signed(c) })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
