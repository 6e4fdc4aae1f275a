//! A mixture's plan as chart and table: per language, what is drawn, repeated and made by
//! augmentations, in examples or tokens.

use std::cell::Cell;

use leptos::prelude::*;
use polytune_api::MixturePlan;
use polytune_api::lang::LangTag;

use crate::components::charts::lang_color;
use crate::components::format::{pct, thousands};
use crate::components::lang::{english, lang_full, swatch};
use crate::i18n::{Msg, t};

thread_local! {
    static NEXT_CHART: Cell<u32> = const { Cell::new(0) };
}

/// A page-unique prefix for SVG ids (patterns).
pub(super) fn chart_id() -> String {
    NEXT_CHART.with(|c| {
        c.set(c.get() + 1);
        format!("plan-chart-{}", c.get())
    })
}

#[component]
pub(super) fn PlanStats(plan: MixturePlan) -> impl IntoView {
    view! {
        <div class="stats plan-stats">
            <div><span class="big">{thousands(plan.examples)}</span>{t(Msg::MixturesStatTrainingExamples)}</div>
            <div><span class="big">{thousands(plan.validation)}</span>{t(Msg::MixturesStatHeldOut)}</div>
            <div><span class="big">{plan.languages.len()}</span>{t(Msg::MixturesStatLanguages)}</div>
            {(plan.tokens > 0).then(|| view! { <div><span class="big">{thousands(plan.tokens)}</span>{t(Msg::MixturesStatTokens)}</div> })}
        </div>
    }
}

pub(super) fn measure_toggle(tokens: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="measure" role="group" aria-label=t(Msg::MixturesMeasureLabel)>
            <button type="button" class="tab" data-measure="examples" aria-pressed=move || (!tokens.get()).to_string() on:click=move |_| tokens.set(false)>{t(Msg::MixturesMeasureExamples)}</button>
            <button type="button" class="tab" data-measure="tokens" aria-pressed=move || tokens.get().to_string() on:click=move |_| tokens.set(true)>{t(Msg::MixturesMeasureTokens)}</button>
        </div>
    }
}

pub(super) fn legend() -> impl IntoView {
    view! {
        <p class="legend plan-legend">
            <span class="swatch drawn"></span>{t(Msg::MixturesLegendDrawn)}
            <span class="swatch repeats"></span>{t(Msg::MixturesLegendRepeats)}
            <span class="swatch augmented"></span>{t(Msg::MixturesLegendAugmented)}
        </p>
    }
}

/// One row per language: drawn examples (solid), repeats (hatched), augmented (outlined), and
/// the share at the end; or the estimated tokens.
pub(super) fn plan_chart(p: &MixturePlan, tokens: bool, pid: &str) -> AnyView {
    if p.languages.is_empty() {
        return view! { <p class="muted">{t(Msg::MixturesPlanEmpty)}</p> }.into_any();
    }
    if tokens && p.tokens == 0 {
        return view! { <p class="muted plan-chart-note">{t(Msg::MixturesPlanNoTokens)}</p> }.into_any();
    }
    let (label_w, bar_w, row_h, width) = (150.0, 300.0, 26.0, 520.0);
    let height = p.languages.len() as f64 * row_h + 4.0;
    let max =
        p.languages.iter().map(|l| if tokens { l.tokens } else { l.examples + l.augmented }).max().unwrap_or(1).max(1)
            as f64;
    let scale = bar_w / max;
    let aria = crate::tr!(
        Msg::MixturesChartLabel,
        // Selects the wording; not shown as such.
        unit = if tokens { "tokens" } else { "examples" },
        list = p
            .languages
            .iter()
            .map(|l| {
                crate::tr!(
                    Msg::MixturesChartLabelItem,
                    language = english(&l.language),
                    share = pct(if tokens { l.token_share } else { l.share })
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let hatch = format!("{pid}-hatch");
    let hatch_url = format!("url(#{hatch})");
    let rows = p
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let y = i as f64 * row_h + 2.0;
            let color = lang_color(&l.language);
            let label: String = format!("{} {}", l.language, english(&l.language)).chars().take(22).collect();
            let (bh, by) = (row_h - 8.0, y + 4.0);
            let segments = if tokens {
                let w = (l.tokens as f64 * scale).max(1.0);
                view! {
                    <rect class="seg tokens" x=label_w y=by width=w height=bh fill=color.clone()>
                        <title>{crate::tr!(Msg::MixturesChartTokens, language = lang_full(&l.language), count = thousands(l.tokens))}</title>
                    </rect>
                }
                .into_any()
            } else {
                let drawn = l.examples - l.repeats;
                let (w1, w2, w3) = (drawn as f64 * scale, l.repeats as f64 * scale, l.augmented as f64 * scale);
                let name = lang_full(&l.language);
                view! {
                    <rect class="seg drawn" x=label_w y=by width=w1 height=bh fill=color.clone()>
                        <title>{crate::tr!(Msg::MixturesChartDrawn, language = name.as_str(), count = thousands(drawn))}</title>
                    </rect>
                    {(l.repeats > 0).then(|| view! {
                        <g class="seg repeats">
                            <rect x=label_w + w1 y=by width=w2 height=bh fill=color.clone() fill-opacity="0.55"></rect>
                            <rect x=label_w + w1 y=by width=w2 height=bh fill=hatch_url.clone()>
                                <title>{crate::tr!(Msg::MixturesChartRepeats, language = name.as_str(), count = thousands(l.repeats))}</title>
                            </rect>
                        </g>
                    })}
                    {(l.augmented > 0).then(|| view! {
                        <rect class="seg augmented" x=label_w + w1 + w2 + 0.75 y=by + 0.75 width=(w3 - 1.5).max(0.5) height=bh - 1.5
                            fill=color.clone() fill-opacity="0.18" stroke=color.clone() stroke-width="1.5">
                            <title>{crate::tr!(Msg::MixturesChartAugmented, language = name.as_str(), count = thousands(l.augmented))}</title>
                        </rect>
                    })}
                }
                .into_any()
            };
            let end = label_w + if tokens { l.tokens as f64 } else { (l.examples + l.augmented) as f64 } * scale;
            let share = pct(if tokens { l.token_share } else { l.share });
            view! {
                <g class="plan-row" data-lang=l.language.clone()>
                    <text x="0" y=y + 17.0 class="label">{label}</text>
                    {segments}
                    <text x=end + 6.0 y=y + 17.0 class="value">{share}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart plan-chart" role="img" aria-label=aria viewBox=format!("0 0 {width} {height}") width="100%">
            <defs>
                <pattern id=hatch width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="2.5" height="6" fill="#ffffff" fill-opacity="0.7"></rect>
                </pattern>
            </defs>
            {rows}
        </svg>
    }
    .into_any()
}

pub(super) fn plan_table(p: &MixturePlan) -> impl IntoView + use<> {
    let sum = |f: fn(&polytune_api::LanguagePlan) -> u64| p.languages.iter().map(f).sum::<u64>();
    let totals = (
        sum(|l| l.available),
        sum(|l| l.validation),
        sum(|l| l.examples),
        sum(|l| l.repeats),
        sum(|l| l.augmented),
        sum(|l| l.tokens),
    );
    view! {
        <table class="data plan-table">
            <caption class="sr-only">{t(Msg::MixturesPlanCaption)}</caption>
            <thead><tr>
                <th scope="col">{t(Msg::EvalLanguage)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColAvailable)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColValidation)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColExamples)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColRepeats)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColAugmented)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColTokens)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColShare)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColTokenShare)}</th>
            </tr></thead>
            <tbody>
                {p.languages.iter().map(|l| view! {
                    <tr data-lang=l.language.clone()>
                        <th scope="row">{swatch(&l.language)}<code>{l.language.clone()}</code>" "<bdi>{LangTag(l.language.clone()).display()}</bdi></th>
                        <td class="num">{thousands(l.available)}</td>
                        <td class="num">{thousands(l.validation)}</td>
                        <td class="num">{thousands(l.examples)}</td>
                        <td class="num">{thousands(l.repeats)}</td>
                        <td class="num">{thousands(l.augmented)}</td>
                        <td class="num">{thousands(l.tokens)}</td>
                        <td class="num">{pct(l.share)}</td>
                        <td class="num">{pct(l.token_share)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr>
                <th scope="row">{t(Msg::MixturesAll)}</th>
                <td class="num">{thousands(totals.0)}</td>
                <td class="num">{thousands(totals.1)}</td>
                <td class="num">{thousands(totals.2)}</td>
                <td class="num">{thousands(totals.3)}</td>
                <td class="num">{thousands(totals.4)}</td>
                <td class="num">{thousands(totals.5)}</td>
                <td class="num">"100%"</td>
                <td class="num">{if p.tokens > 0 { "100%" } else { "—" }}</td>
            </tr></tfoot>
        </table>
    }
}

/// A stored plan with its own Examples/Tokens toggle.
#[component]
pub(super) fn PlanView(plan: MixturePlan) -> impl IntoView {
    let tokens = RwSignal::new(false);
    let pid = chart_id();
    let p = StoredValue::new(plan);
    view! {
        <PlanStats plan=p.get_value()/>
        {measure_toggle(tokens)}
        {move || p.with_value(|p| plan_chart(p, tokens.get(), &pid))}
        {legend()}
        {p.with_value(|p| (!p.notes.is_empty()).then(|| view! {
            <ul class="plan-notes">{p.notes.iter().map(|n| view! { <li>{crate::components::labels::plan_note(n)}</li> }).collect_view()}</ul>
        }))}
        <details class="plan-table-box">
            <summary>{t(Msg::MixturesShowTable)}</summary>
            {p.with_value(plan_table)}
        </details>
    }
}
