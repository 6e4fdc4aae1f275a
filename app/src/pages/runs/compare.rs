//! `/workspaces/:id/runs/compare`: two to four runs side by side — settings, shares per language,
//! curves and each language's validation loss.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use polytune_api::{Dataset, Mixture, Model, RunDetail};
use serde_json::Value;

use super::points::{NOISE, base_eval, lang_map, latest_eval, step_series};
use super::version_labels;
use crate::client::{self, ApiFailure};
use crate::components::charts::{LineChart, PALETTE, Series, lang_color};
use crate::components::format::signed;
use crate::components::lang::lang_label;
use crate::components::table::DataTable;
use crate::components::{Loading, RequireSignIn};
use crate::i18n::{Msg, t};

#[derive(Clone)]
struct Compared {
    details: Vec<RunDetail>,
    mixtures: Vec<Mixture>,
    models: Vec<Model>,
    versions: BTreeMap<String, (String, u64)>,
}

/// Every leaf of a JSON value as `path → text` (arrays joined).
fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                flatten(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out);
            }
        }
        Value::Array(a) => {
            let items: Vec<String> =
                a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string)).collect();
            out.insert(prefix.to_string(), items.join(", "));
        }
        Value::Null => {
            out.insert(prefix.to_string(), "—".into());
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// `/workspaces/:id/runs/compare?ids=a,b[,c,d]`
#[component]
pub fn RunCompare() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ws = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let ids: Vec<String> = query
        .read_untracked()
        .get("ids")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .take(4)
        .collect();
    let ids = StoredValue::new(ids);
    let data = LocalResource::new(move || {
        let ws = ws.get_value();
        let ids = ids.get_value();
        async move {
            let mut details = Vec::new();
            for id in &ids {
                details.push(client::get::<RunDetail>(&format!("/workspaces/{ws}/runs/{id}")).await?);
            }
            let mixtures = if details.iter().any(|d| d.run.mixture_id.is_some()) {
                client::get::<Vec<Mixture>>(&format!("/workspaces/{ws}/mixtures")).await.unwrap_or_default()
            } else {
                Vec::new()
            };
            let models = client::get::<Vec<Model>>(&format!("/workspaces/{ws}/models")).await.unwrap_or_default();
            let datasets = client::get::<Vec<Dataset>>(&format!("/workspaces/{ws}/datasets")).await.unwrap_or_default();
            Ok::<_, ApiFailure>(Compared { details, mixtures, models, versions: version_labels(&datasets) })
        }
    });
    let back = format!("/workspaces/{}/runs", ws.get_value());
    view! {
        <RequireSignIn/>
        <p><A href=back.clone()>{t(Msg::RunsBack)}</A></p>
        <h1>{t(Msg::RunsCompareTitle)}</h1>
        {move || if ids.with_value(Vec::len) < 2 {
            view! { <div class="empty"><p>{t(Msg::RunsCompareTooFew)}</p><A href=back.clone() attr:class="button primary">{t(Msg::EmptyChatAction)}</A></div> }.into_any()
        } else {
            match data.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(c)) => compare_view(c).into_any(),
            }
        }}
    }
}

fn compare_view(c: Compared) -> impl IntoView {
    let ws = c.details.first().map(|d| d.run.workspace_id.clone()).unwrap_or_default();
    let runs: Vec<(String, String, String)> = c
        .details
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (d.run.name.clone(), PALETTE[i % PALETTE.len()].to_string(), format!("/workspaces/{ws}/runs/{}", d.run.id))
        })
        .collect();
    let mixture_of = |d: &RunDetail| d.run.mixture_id.as_ref().and_then(|id| c.mixtures.iter().find(|m| &m.id == id));

    // Settings, with model and data first.
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    rows.push((
        "model".into(),
        c.details
            .iter()
            .map(|d| {
                c.models
                    .iter()
                    .find(|m| m.id == d.run.model_id)
                    .map_or_else(|| d.run.model_id.to_string(), |m| m.name.clone())
            })
            .collect(),
    ));
    rows.push((
        "data".into(),
        c.details
            .iter()
            .map(|d| match mixture_of(d) {
                Some(m) => crate::tr!(Msg::RunsDataMixture, name = m.name.as_str()),
                None => c
                    .versions
                    .get(d.run.dataset_version_id.as_str())
                    .map_or_else(|| d.run.dataset_version_id.to_string(), |v| v.0.clone()),
            })
            .collect(),
    ));
    rows.push((
        "continue_from".into(),
        c.details
            .iter()
            .map(|d| {
                d.run.continue_from.as_ref().map_or("—".into(), |cf| {
                    let name = c
                        .details
                        .iter()
                        .find(|x| x.run.id == cf.run_id)
                        .map_or_else(|| cf.run_id.clone(), |x| x.run.name.clone().into());
                    crate::tr!(
                        Msg::RunsContinueFromReplay,
                        name = name.as_str(),
                        replay = format!("{:.0}", cf.replay * 100.0)
                    )
                })
            })
            .collect(),
    ));
    let flat: Vec<BTreeMap<String, String>> = c
        .details
        .iter()
        .map(|d| {
            let mut out = BTreeMap::new();
            flatten("spec", &serde_json::to_value(&d.run.spec).unwrap_or(Value::Null), &mut out);
            out
        })
        .collect();
    let keys: BTreeSet<String> = flat.iter().flat_map(|f| f.keys().cloned()).collect();
    for k in keys {
        rows.push((k.clone(), flat.iter().map(|f| f.get(&k).cloned().unwrap_or_else(|| "—".into())).collect()));
    }
    let rows: Vec<(String, Vec<String>, bool)> = rows
        .into_iter()
        .map(|(k, v)| {
            let differs = v.iter().any(|x| *x != v[0]);
            (k, v, differs)
        })
        .collect();
    let n_differ = rows.iter().filter(|r| r.2).count();
    let rows = StoredValue::new(rows);
    let only_diff = RwSignal::new(false);

    // Mixtures: share per language per run.
    let mix_langs: BTreeSet<String> = c
        .details
        .iter()
        .filter_map(mixture_of)
        .flat_map(|m| m.plan.languages.iter().map(|l| l.language.clone()))
        .collect();
    let mix_rows: Vec<(String, Vec<String>)> = mix_langs
        .iter()
        .map(|l| {
            (
                l.clone(),
                c.details
                    .iter()
                    .map(|d| match mixture_of(d) {
                        Some(m) => m.plan.language(l).map_or_else(
                            || crate::tr!(Msg::RunsPercent, value = "0"),
                            |p| crate::tr!(Msg::RunsPercent, value = format!("{:.1}", p.share * 100.0)),
                        ),
                        None => "—".into(),
                    })
                    .collect(),
            )
        })
        .collect();

    // Curves.
    // One loss series a run, from its training steps (`step`) or its evaluations (`eval`).
    let loss_curves = |kind: &str| -> Vec<Series> {
        c.details
            .iter()
            .zip(&runs)
            .map(|(d, (name, color, _))| (name.clone(), color.clone(), step_series(&d.points, kind, "loss")))
            .collect()
    };
    let (loss, val) = (loss_curves("step"), loss_curves("eval"));

    // Per-language validation: base (the first run's step-0 evaluation), then each run's latest.
    let base = c.details.first().and_then(|d| base_eval(&d.points));
    let base_by = base.map(|p| lang_map(&p.data["loss_by_language"])).unwrap_or_default();
    let latest_by: Vec<BTreeMap<String, f64>> = c
        .details
        .iter()
        .map(|d| latest_eval(&d.points).map(|p| lang_map(&p.data["loss_by_language"])).unwrap_or_default())
        .collect();
    let mut val_langs: BTreeSet<String> = base_by.keys().cloned().collect();
    for m in &latest_by {
        val_langs.extend(m.keys().cloned());
    }
    let mut val_rows: Vec<(String, Option<f64>, Vec<Option<f64>>)> = val_langs
        .iter()
        .map(|l| (lang_label(l), base_by.get(l).copied(), latest_by.iter().map(|m| m.get(l).copied()).collect()))
        .collect();
    val_rows.push((
        t(Msg::RunsAllLanguages).to_string(),
        base.and_then(|p| p.data["loss"].as_f64()),
        c.details.iter().map(|d| latest_eval(&d.points).and_then(|p| p.data["loss"].as_f64())).collect(),
    ));
    let same_model = c.details.iter().all(|d| d.run.model_id == c.details[0].run.model_id);
    let languages_hint = if same_model { Msg::RunsCompareLanguagesHint } else { Msg::RunsCompareLanguagesHintModels };
    let heads = runs.clone();

    view! {
        <ul class="legend compared-runs">
            {runs.into_iter().map(|(name, color, href)| view! {
                <li><span class="swatch" style=format!("background:{color}")></span>" "<A href=href>{name}</A></li>
            }).collect_view()}
        </ul>

        <section class="card" aria-labelledby="cmp-settings">
            <h2 id="cmp-settings">{t(Msg::RunsSettings)}</h2>
            <label class="check"><input id="only-differences" type="checkbox" prop:checked=move || only_diff.get() on:change=move |ev| only_diff.set(event_target_checked(&ev))/>
                {crate::tr!(Msg::RunsOnlyDifferences, count = n_differ)}</label>
            <div class="table-scroll">
                <DataTable class="data settings-diff"
                    head=view! { <th scope="col">{t(Msg::RunsSetting)}</th>{heads.iter().map(|(n, _, _)| view! { <th scope="col">{n.clone()}</th> }).collect_view()} }>
                    {move || rows.get_value().into_iter().filter(|r| r.2 || !only_diff.get()).map(|(k, vals, differs)| view! {
                        <tr class:differs=differs>
                            <th scope="row"><code>{k}</code>{differs.then(|| view! { " "<span class="badge diff">{t(Msg::RunsDiffers)}</span> })}</th>
                            {vals.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </DataTable>
            </div>
        </section>

        <section class="card" aria-labelledby="cmp-mixture">
            <h2 id="cmp-mixture">{t(Msg::RunsCompareMixture)}</h2>
            {if mix_rows.is_empty() {
                view! { <p class="muted mixture-diff">{t(Msg::RunsCompareNoMixture)}</p> }.into_any()
            } else {
                view! {
                    <DataTable class="data mixture-diff"
                        head=view! { <th scope="col">{t(Msg::EvalLanguage)}</th>{heads.iter().map(|(n, _, _)| view! { <th scope="col" class="num">{n.clone()}</th> }).collect_view()} }>
                        {mix_rows.into_iter().map(|(l, vals)| {
                            let differs = vals.iter().any(|v| *v != vals[0]);
                            view! {
                                <tr class:differs=differs>
                                    <th scope="row"><span class="swatch" style=format!("background:{}", lang_color(&l))></span>" "{lang_label(&l)}</th>
                                    {vals.into_iter().map(|v| view! { <td class="num">{v}</td> }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>

        <section class="run-charts">
            <div class="card">
                <h2>{t(Msg::RunsTrainingLoss)}</h2>
                <LineChart series=loss label=t(Msg::RunsCompareTrainingLossChart) x_label=t(Msg::RunsAxisStep) y_label=t(Msg::RunsAxisTrainingLoss) class="chart-compare-loss"/>
            </div>
            <div class="card">
                <h2>{t(Msg::RunsValidationLoss)}</h2>
                <LineChart series=val label=t(Msg::RunsCompareValidationLossChart) x_label=t(Msg::RunsAxisStep) y_label=t(Msg::RunsAxisValidationLoss) class="chart-compare-val"
                    empty=t(Msg::RunsCompareValidationEmpty)/>
            </div>
        </section>

        <section class="card" aria-labelledby="cmp-val">
            <h2 id="cmp-val">{t(Msg::RunsCompareLanguages)}</h2>
            <p class="muted">{crate::tr!(languages_hint, noise = NOISE.to_string())}</p>
            <div class="table-scroll">
                <DataTable class="data compare-val-table" head=view! {
                    <th scope="col">{t(Msg::EvalLanguage)}</th>
                    <th scope="col" class="num">{t(Msg::RunsBaseModel)}</th>
                    {heads.iter().map(|(n, _, _)| view! { <th scope="col" class="num">{n.clone()}</th> }).collect_view()}
                    <th scope="col">{t(Msg::RunsNote)}</th>
                }>
                    {val_rows.into_iter().map(|(label, b, vals)| {
                        let present: Vec<f64> = vals.iter().flatten().copied().collect();
                        let best = present.iter().copied().fold(f64::INFINITY, f64::min);
                        let worst = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        let noise = present.len() >= 2 && worst - best < NOISE;
                        let total = label == t(Msg::RunsAllLanguages);
                        view! {
                            <tr class:total=total>
                                <th scope="row">{label}</th>
                                <td class="num">{b.map_or("—".into(), |v| format!("{v:.3}"))}</td>
                                {vals.into_iter().map(|v| {
                                    let is_best = present.len() >= 2 && v == Some(best);
                                    view! {
                                        <td class="num" class:best=is_best>
                                            {v.map_or("—".into(), |v| format!("{v:.3}"))}
                                            {is_best.then(|| view! { " "<span aria-label=t(Msg::RunsBest)>"★"</span> })}
                                            {v.zip(b).map(|(v, b)| view! { <span class="hint delta">{format!(" ({})", signed(v - b))}</span> })}
                                        </td>
                                    }
                                }).collect_view()}
                                <td>{noise.then(|| view! { <span class="badge noise">{t(Msg::EvalWithinNoise)}</span> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
            </div>
        </section>
    }
}
