//! Reading an evaluation: scores per language with their intervals, the forgetting matrix of a
//! tuned model against its base, a heatmap over many evaluations, and every item behind a score.

use std::collections::BTreeMap;

use leptos::prelude::*;
use polytune_api::{EvalComparison, EvalItem, EvalItemPage, EvalResults, EvalScore, EvalTask, JobState, Verdict};

use crate::client::{self, ApiResult};
use crate::components::Loading;
use crate::components::charts::{LineChart, Series, lang_color};
use crate::components::format::pct;
use crate::components::jobs::{JobProgress, StateBadge, follow_job};
use crate::components::lang::{lang_label, swatch};
use crate::components::table::DataTable;
use crate::i18n::{Msg, t};

/// "62.0% [48.1–74.2]".
fn score_text(s: &EvalScore) -> String {
    format!("{} [{:.1}–{:.1}]", pct(s.value), s.lo * 100.0, s.hi * 100.0)
}

/// A cell's background: red (0) through yellow to green (1), readable with dark text.
fn heat(v: f64) -> String {
    let hue = (v.clamp(0.0, 1.0) * 120.0).round();
    format!("background: hsl({hue} 70% 80%); color: #111")
}

#[component]
pub fn Results(ws_id: String, id: String, tick: RwSignal<u32>) -> impl IntoView {
    let ws = StoredValue::new(ws_id);
    let id = StoredValue::new(id);
    let results = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/evaluations/{}", ws.get_value(), id.get_value());
        async move { client::get::<EvalResults>(&path).await }
    });
    view! {
        <section class="eval-results" aria-labelledby="eval-results-title">
            {move || match results.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(r)) => view! { <ResultsBody ws=ws.get_value() r=r/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ResultsBody(ws: String, r: EvalResults) -> impl IntoView {
    let e = r.evaluation.clone();
    let export = |format: &str| {
        format!("{}/workspaces/{ws}/evaluations/{}/export?format={format}", polytune_api::API_PREFIX, e.id)
    };
    let running = !e.state.is_finished();
    let job = RwSignal::new(None);
    if running {
        follow_job(&ws, &e.job_id, job, RwSignal::new(false), |_, _| {});
    }
    let mut by_task: BTreeMap<String, Vec<EvalScore>> = BTreeMap::new();
    for s in &r.scores {
        by_task.entry(s.task.clone()).or_default().push(s.clone());
    }
    let macros = r.macro_scores.clone();
    let confusion = r.confusion.clone();
    let ws_s = StoredValue::new(ws.clone());
    let eid = StoredValue::new(e.id.clone());
    // The task and language whose items are open below the tables.
    let drill = RwSignal::new(None::<(String, String)>);
    view! {
        <h2 id="eval-results-title">{e.label.clone()}" "<StateBadge state=e.state/></h2>
        {running.then(|| view! {
            <div class="eval-progress">
                {move || match job.get() { Some(Ok(j)) => view! { <JobProgress job=j/> }.into_any(), _ => view! { <Loading/> }.into_any() }}
                <p class="muted">{t(Msg::EvalRunningHint)}</p>
            </div>
        })}
        <EvalJobActions ws=ws.clone() job_id=e.job_id.to_string() state=e.state/>
        {(e.state == JobState::Succeeded).then(|| view! {
            <p class="actions">
                <a class="button" id="eval-csv" href=export("csv") download>{t(Msg::EvalDownloadCsv)}</a>
                <a class="button" href=export("json") download>{t(Msg::EvalDownloadJson)}</a>
            </p>
        })}
        {by_task.into_iter().map(|(task, scores)| {
            let mut metrics: Vec<String> = scores.iter().map(|s| s.metric.clone()).collect();
            metrics.sort();
            metrics.dedup();
            let mut langs: Vec<String> = scores.iter().map(|s| s.language.clone()).collect();
            langs.sort();
            langs.dedup();
            let task_macros: Vec<_> = macros.iter().filter(|m| m.task == task).cloned().collect();
            let cell = |lang: &str, metric: &str| scores.iter().find(|s| s.language == lang && s.metric == metric).cloned();
            let task_c = task.clone();
            view! {
                <h3>{task.clone()}</h3>
                <table class="eval-scores" data-task=task.clone()>
                    <caption class="sr-only">{crate::tr!(Msg::EvalSScoresCaption, task = task.as_str())}</caption>
                    <thead><tr>
                        <th scope="col">{t(Msg::EvalLanguage)}</th>
                        {metrics.iter().map(|m| view! { <th scope="col">{m.clone()}</th> }).collect_view()}
                        <th scope="col">{t(Msg::EvalSColN)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        {langs.iter().map(|l| {
                            let n = scores.iter().find(|s| s.language == *l).map(|s| s.n).unwrap_or(0);
                            let lang = l.clone();
                            let task = task_c.clone();
                            view! {
                                <tr>
                                    <th scope="row">{swatch(l)}{lang_label(l)}</th>
                                    {metrics.iter().map(|m| match cell(l, m) {
                                        Some(s) => view! { <td style=heat(s.value)>{score_text(&s)}</td> }.into_any(),
                                        None => view! { <td>"—"</td> }.into_any(),
                                    }).collect_view()}
                                    <td>{n}</td>
                                    <td><button type="button" class="show-items"
                                        aria-label=crate::tr!(Msg::EvalSShowItemsLabel, task = task.as_str(), language = lang_label(&lang))
                                        on:click=move |_| drill.set(Some((task.clone(), lang.clone())))>{t(Msg::EvalItemsButton)}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                        {task_macros.first().map(|m| {
                            let english = if m.includes_english { t(Msg::EvalMacroWithEnglish) } else { t(Msg::EvalMacroNoEnglish) };
                            view! {
                                <tr class="macro">
                                    <th scope="row">{crate::tr!(Msg::EvalSMacroRow, count = m.languages)}</th>
                                    {metrics.iter().map(|metric| {
                                        let v = task_macros.iter().find(|x| x.metric == *metric);
                                        view! { <td>{v.map(|v| match v.without_english {
                                            Some(w) => crate::tr!(Msg::EvalSMacroWithoutEnglish, value = pct(v.value), without = pct(w)),
                                            None => pct(v.value),
                                        })}</td> }
                                    }).collect_view()}
                                    <td colspan="2" class="muted">{english}</td>
                                </tr>
                            }
                        })}
                    </tbody>
                </table>
            }
        }).collect_view()}
        {move || drill.get().map(|(task, language)| {
            let title = crate::tr!(Msg::EvalSItemsTitle, task = task.as_str(), language = lang_label(&language));
            view! {
                <h3 id="eval-items-title">{title}</h3>
                <ItemList ws=ws_s.get_value() ids=vec![eid.get_value().to_string()] task=task language=language/>
            }
        })}
        {(!confusion.is_empty()).then(|| view! {
            <h3>{t(Msg::EvalConfusionTitle)}</h3>
            <table class="eval-confusion">
                <thead><tr><th scope="col">{t(Msg::EvalAskedIn)}</th><th scope="col">{t(Msg::EvalAnsweredIn)}</th></tr></thead>
                <tbody>
                    {confusion.into_iter().map(|c| view! {
                        <tr>
                            <th scope="row">{c.task.clone()}" · "{lang_label(&c.language)}</th>
                            <td>{c.answered_in.iter().map(|(l, n)| crate::tr!(Msg::EvalSAnsweredCount, language = if l == "und" { t(Msg::EvalUnsure).to_string() } else { lang_label(l) }, count = *n)).collect::<Vec<_>>().join(" · ")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

async fn fetch_items(ws: &str, id: &str, task: &str, language: &str) -> ApiResult<Vec<EvalItem>> {
    let path = format!("/workspaces/{ws}/evaluations/{id}/items?task={task}&language={language}&limit=200");
    client::get::<EvalItemPage>(&path).await.map(|p| p.items)
}

/// Items of one task and language, from one evaluation or side by side from several (matched by
/// item id): prompt, answers, expected answer, scores, the answer's language. Right-to-left
/// languages render right to left.
#[component]
pub fn ItemList(ws: String, ids: Vec<String>, task: String, language: String) -> impl IntoView {
    let ws = StoredValue::new(ws);
    let (task, language) = (StoredValue::new(task), StoredValue::new(language));
    let columns = ids.len();
    let ids = StoredValue::new(ids);
    let items = LocalResource::new(move || async move {
        let mut all = Vec::new();
        for id in ids.get_value() {
            all.push(fetch_items(&ws.get_value(), &id, &task.get_value(), &language.get_value()).await?);
        }
        Ok::<_, client::ApiFailure>(all)
    });
    view! {
        <div class="eval-items" role="region" aria-label=t(Msg::EvalItemsButton)>
            {move || match items.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(all)) => {
                    let first = all.first().cloned().unwrap_or_default();
                    view! {
                        <ol class="items">
                            {first.into_iter().map(|it| {
                                let dir = if it.rtl { "rtl" } else { "auto" };
                                let others: Vec<Option<EvalItem>> = all.iter().skip(1)
                                    .map(|list| list.iter().find(|o| o.item_id == it.item_id).cloned()).collect();
                                view! {
                                    <li class="eval-item" class:side-by-side={columns > 1}>
                                        <p class="prompt" dir=dir lang=it.language.clone()>{it.prompt.clone()}</p>
                                        <div class="answers">
                                            <Answer item=it.clone()/>
                                            {others.into_iter().map(|o| match o {
                                                Some(o) => view! { <Answer item=o/> }.into_any(),
                                                None => view! { <p class="muted">"—"</p> }.into_any(),
                                            }).collect_view()}
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn Answer(item: EvalItem) -> impl IntoView {
    let dir = if item.rtl { "rtl" } else { "auto" };
    let right = item.metrics.values().next().copied().unwrap_or(0.0) >= 1.0;
    view! {
        <div class="answer" class:right=right>
            <p class="output" dir=dir>{item.output.clone()}</p>
            {item.gold.clone().map(|g| view! { <p class="gold"><span class="muted">{t(Msg::EvalSGoldLabel)}</span><span dir=dir>{g}</span></p> })}
            <p class="metrics muted">
                {item.metrics.iter().map(|(k, v)| format!("{k} {}", if *v >= 1.0 { "✓" } else { "✗" })).collect::<Vec<_>>().join(" · ")}
                {item.answered_in.clone().map(|l| format!(" · {}", crate::tr!(Msg::EvalSItemAnsweredIn, language = if l == "und" { t(Msg::EvalUnsure).to_string() } else { lang_label(&l) })))}
            </p>
            {(!item.choices.is_empty()).then(|| view! {
                <ul class="choices">
                    {item.choices.iter().map(|c| view! { <li dir=dir>{c.text.clone()}<span class="muted">{format!(" {:.2}", c.logprob)}</span></li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Gain => t(Msg::EvalGain),
        Verdict::Regression => t(Msg::EvalRegression),
        Verdict::WithinNoise => t(Msg::EvalWithinNoise),
    }
}

/// The forgetting matrix: tuned minus base per task and language.
#[component]
pub fn Comparison(ws_id: String, tuned: String, base: String, tick: RwSignal<u32>) -> impl IntoView {
    let ws = StoredValue::new(ws_id);
    let (tuned, base) = (StoredValue::new(tuned), StoredValue::new(base));
    let cmp = LocalResource::new(move || {
        tick.track();
        let path =
            format!("/workspaces/{}/evaluations/{}/compare/{}", ws.get_value(), tuned.get_value(), base.get_value());
        async move { client::get::<EvalComparison>(&path).await }
    });
    let side = RwSignal::new(None::<(String, String)>);
    view! {
        <section class="eval-compare" aria-labelledby="forgetting-title">
            <h2 id="forgetting-title">{t(Msg::EvalForgettingTitle)}</h2>
            {move || match cmp.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(c)) => {
                    let mut cells = c.cells.clone();
                    // The headline metric of each task only: acc, exact_flexible, in_language.
                    cells.retain(|x| matches!(x.metric.as_str(), "acc" | "exact_flexible") || (x.task == "fidelity" && x.metric == "in_language"));
                    view! {
                        <p class="muted">{crate::tr!(Msg::EvalSForgettingHint, tuned = c.tuned.label.as_str(), base = c.base.label.as_str(), alpha = c.alpha.to_string())}</p>
                        <table class="forgetting">
                            <thead><tr>
                                <th scope="col">{t(Msg::EvalTasks)}</th><th scope="col">{t(Msg::EvalLanguage)}</th>
                                <th scope="col">{t(Msg::EvalBase)}</th><th scope="col">{t(Msg::EvalTuned)}</th>
                                <th scope="col">{t(Msg::EvalSColDelta)}</th><th scope="col">{t(Msg::EvalSColGainedLost)}</th><th scope="col">{t(Msg::EvalSColPHolm)}</th>
                                <th scope="col">{t(Msg::EvalVerdict)}</th><th scope="col"></th>
                            </tr></thead>
                            <tbody>
                                {cells.into_iter().map(|x| {
                                    let key = (x.task.clone(), x.language.clone());
                                    view! {
                                        <tr class=format!("verdict-{}", match x.verdict { Verdict::Gain => "gain", Verdict::Regression => "regression", Verdict::WithinNoise => "noise" })>
                                            <td>{x.task.clone()}" · "{x.metric.clone()}</td>
                                            <th scope="row">{swatch(&x.language)}{lang_label(&x.language)}</th>
                                            <td>{pct(x.base)}</td><td>{pct(x.tuned)}</td>
                                            <td>{crate::tr!(Msg::EvalSDeltaPp, delta = format!("{:+.1}", x.delta * 100.0))}</td>
                                            <td>{format!("{} / {}", x.gained, x.lost)}</td>
                                            <td>{format!("{:.3}", x.p_adjusted)}</td>
                                            <td>{verdict_label(x.verdict)}</td>
                                            <td><button type="button" class="side-by-side" on:click=move |_| side.set(Some(key.clone()))>{t(Msg::EvalSideBySide)}</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
            {move || side.get().map(|(task, language)| {
                let title = crate::tr!(Msg::EvalSSideBySideTitle, task = task.as_str(), language = lang_label(&language));
                view! {
                    <h3>{title}</h3>
                    <p class="muted">{t(Msg::EvalSideBySideHint)}</p>
                    <ItemList ws=ws.get_value() ids=vec![base.get_value(), tuned.get_value()] task=task language=language/>
                }
            })}
        </section>
    }
}

/// Languages × evaluations for one task's headline metric, coloured by score; the cells are a
/// table, so it reads without colour too.
#[component]
pub fn Heatmap(ws_id: String, ids: Vec<String>, tasks: LocalResource<ApiResult<Vec<EvalTask>>>) -> impl IntoView {
    let ws = StoredValue::new(ws_id);
    let ids = StoredValue::new(ids);
    let all = LocalResource::new(move || async move {
        let mut out = Vec::new();
        for id in ids.get_value() {
            out.push(client::get::<EvalResults>(&format!("/workspaces/{}/evaluations/{id}", ws.get_value())).await?);
        }
        Ok::<_, client::ApiFailure>(out)
    });
    let task = RwSignal::new(String::new());
    view! {
        <section class="eval-heatmap" aria-labelledby="heatmap-title">
            <h2 id="heatmap-title">{t(Msg::EvalHeatmapTitle)}</h2>
            <label for="heatmap-task">{t(Msg::EvalTasks)}</label>
            <select id="heatmap-task" on:change=move |ev| task.set(event_target_value(&ev))>
                {move || tasks.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|x| view! { <option value=x.id.clone()>{x.name.clone()}</option> }).collect_view()}
            </select>
            {move || match all.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(list)) => {
                    let chosen = task.get();
                    let metric_of = |tk: &str| tasks.get().and_then(Result::ok).and_then(|ts| ts.into_iter().find(|x| x.id == tk))
                        .and_then(|x| x.metrics.first().map(|m| m.code.clone())).unwrap_or_default();
                    let tk = if chosen.is_empty() { tasks.get().and_then(Result::ok).and_then(|ts| ts.first().map(|x| x.id.clone())).unwrap_or_default() } else { chosen };
                    let metric = metric_of(&tk);
                    let mut langs: Vec<String> = list.iter().flat_map(|r| r.scores.iter().filter(|s| s.task == tk).map(|s| s.language.clone())).collect();
                    langs.sort();
                    langs.dedup();
                    // One line per language over the evaluations in the order picked (a sweep reads
                    // left to right), the average over languages in bold colour first.
                    let value = |r: &EvalResults, l: &str| r.scores.iter().find(|s| s.task == tk && s.language == l && s.metric == metric).map(|s| s.value * 100.0);
                    let mut series: Vec<Series> = vec![(
                        t(Msg::EvalSweepAverage).to_string(),
                        "currentColor".to_string(),
                        list.iter().enumerate().filter_map(|(i, r)| {
                            r.macro_scores.iter().find(|m| m.task == tk && m.metric == metric).map(|m| ((i + 1) as f64, m.value * 100.0))
                        }).collect(),
                    )];
                    series.extend(langs.iter().map(|l| (
                        lang_label(l),
                        lang_color(l),
                        list.iter().enumerate().filter_map(|(i, r)| value(r, l).map(|v| ((i + 1) as f64, v))).collect(),
                    )));
                    let sweep = Signal::derive(move || series.clone());
                    let sweep_label = crate::tr!(Msg::EvalSSweepLabel, task = tk.as_str(), metric = metric.as_str());
                    let sweep_y = crate::tr!(Msg::EvalSSweepY, metric = metric.as_str());
                    view! {
                        <DataTable class="heatmap" caption=format!("{tk} · {metric}")
                            head=view! { <th scope="col">{t(Msg::EvalLanguage)}</th>
                                {list.iter().enumerate().map(|(i, r)| view! { <th scope="col">{format!("{} · {}", i + 1, r.evaluation.label)}</th> }).collect_view()} }>
                            {langs.into_iter().map(|l| view! {
                                <tr>
                                    <th scope="row">{swatch(&l)}{lang_label(&l)}</th>
                                    {list.iter().map(|r| match r.scores.iter().find(|s| s.task == tk && s.language == l && s.metric == metric) {
                                        Some(s) => view! { <td style=heat(s.value) title=score_text(s)>{pct(s.value)}</td> }.into_any(),
                                        None => view! { <td>"—"</td> }.into_any(),
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </DataTable>
                        <LineChart series=sweep class="eval-sweep" label=sweep_label x_label=t(Msg::EvalSweepX) y_label=sweep_y/>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Cancel a running evaluation; resume a cancelled or failed one (it skips every item already
/// scored); open its job for the log and the error.
#[component]
fn EvalJobActions(ws: String, job_id: String, state: JobState) -> impl IntoView {
    let error = RwSignal::new(None::<client::ApiFailure>);
    let busy = RwSignal::new(false);
    let base = format!("/workspaces/{ws}/jobs/{job_id}");
    let (cancel_path, retry_path) = (format!("{base}/cancel"), format!("{base}/retry"));
    let act = move |path: String| {
        let body = serde_json::Map::new();
        crate::components::form::send(
            Some(busy),
            error,
            async move { client::post::<_, polytune_api::Job>(&path, &body).await },
            |_| {},
        );
    };
    let act2 = act;
    view! {
        <p class="actions">
            {(!state.is_finished()).then(|| view! {
                <button type="button" class="danger" id="eval-cancel" disabled=move || busy.get()
                    on:click=move |_| act(cancel_path.clone())>{t(Msg::JobCancel)}</button>
            })}
            {matches!(state, JobState::Failed | JobState::Cancelled).then(|| view! {
                <button type="button" class="primary" id="eval-resume" disabled=move || busy.get()
                    on:click=move |_| act2(retry_path.clone())>{t(Msg::JobRetry)}</button>
            })}
            {(state != JobState::Succeeded).then(|| view! {
                <a href=base.clone()>{t(Msg::EvalJobLink)}</a>
            })}
        </p>
        <crate::components::ErrorBox error=error.read_only()/>
    }
}
