//! A mixture's plan as chart and table: per language, what is drawn, repeated and made by
//! augmentations, in examples or tokens.

use std::cell::Cell;

use leptos::prelude::*;
use polytune_api::MixturePlan;
use polytune_api::lang::LangTag;

use crate::components::charts::lang_color;
use crate::components::format::{pct, thousands};
use crate::components::lang::{english, lang_full, swatch};

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
            <div><span class="big">{thousands(plan.examples)}</span>" training examples"</div>
            <div><span class="big">{thousands(plan.validation)}</span>" held out"</div>
            <div><span class="big">{plan.languages.len()}</span>" languages"</div>
            {(plan.tokens > 0).then(|| view! { <div><span class="big">{thousands(plan.tokens)}</span>" tokens (est.)"</div> })}
        </div>
    }
}

pub(super) fn measure_toggle(tokens: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="measure" role="group" aria-label="Measure shares in">
            <button type="button" class="tab" data-measure="examples" aria-pressed=move || (!tokens.get()).to_string() on:click=move |_| tokens.set(false)>"Examples"</button>
            <button type="button" class="tab" data-measure="tokens" aria-pressed=move || tokens.get().to_string() on:click=move |_| tokens.set(true)>"Tokens"</button>
        </div>
    }
}

pub(super) fn legend() -> impl IntoView {
    view! {
        <p class="legend plan-legend">
            <span class="swatch drawn"></span>" drawn from your data  "
            <span class="swatch repeats"></span>" repeats  "
            <span class="swatch augmented"></span>" made by augmentations"
        </p>
    }
}

/// One row per language: drawn examples (solid), repeats (hatched), augmented (outlined), and
/// the share at the end; or the estimated tokens.
pub(super) fn plan_chart(p: &MixturePlan, tokens: bool, pid: &str) -> AnyView {
    if p.languages.is_empty() {
        return view! { <p class="muted">"Nothing planned yet."</p> }.into_any();
    }
    if tokens && p.tokens == 0 {
        return view! { <p class="muted plan-chart-note">"No token counts: the chosen versions were profiled without a tokenizer."</p> }.into_any();
    }
    let (label_w, bar_w, row_h, width) = (150.0, 300.0, 26.0, 520.0);
    let height = p.languages.len() as f64 * row_h + 4.0;
    let max =
        p.languages.iter().map(|l| if tokens { l.tokens } else { l.examples + l.augmented }).max().unwrap_or(1).max(1)
            as f64;
    let scale = bar_w / max;
    let aria = format!(
        "Planned {} per language: {}",
        if tokens { "training tokens" } else { "training examples" },
        p.languages
            .iter()
            .map(|l| format!("{} {}", english(&l.language), pct(if tokens { l.token_share } else { l.share })))
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
                        <title>{format!("{}: {} tokens (estimated)", lang_full(&l.language), thousands(l.tokens))}</title>
                    </rect>
                }
                .into_any()
            } else {
                let drawn = l.examples - l.repeats;
                let (w1, w2, w3) = (drawn as f64 * scale, l.repeats as f64 * scale, l.augmented as f64 * scale);
                let name = lang_full(&l.language);
                view! {
                    <rect class="seg drawn" x=label_w y=by width=w1 height=bh fill=color.clone()>
                        <title>{format!("{name}: {} examples drawn from the data", thousands(drawn))}</title>
                    </rect>
                    {(l.repeats > 0).then(|| view! {
                        <g class="seg repeats">
                            <rect x=label_w + w1 y=by width=w2 height=bh fill=color.clone() fill-opacity="0.55"></rect>
                            <rect x=label_w + w1 y=by width=w2 height=bh fill=hatch_url.clone()>
                                <title>{format!("{name}: {} repeats (over-sampling)", thousands(l.repeats))}</title>
                            </rect>
                        </g>
                    })}
                    {(l.augmented > 0).then(|| view! {
                        <rect class="seg augmented" x=label_w + w1 + w2 + 0.75 y=by + 0.75 width=(w3 - 1.5).max(0.5) height=bh - 1.5
                            fill=color.clone() fill-opacity="0.18" stroke=color.clone() stroke-width="1.5">
                            <title>{format!("{name}: {} made by augmentations", thousands(l.augmented))}</title>
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
            <caption class="sr-only">"Planned examples per language"</caption>
            <thead><tr>
                <th scope="col">"Language"</th>
                <th scope="col" class="num">"Available"</th>
                <th scope="col" class="num">"Validation"</th>
                <th scope="col" class="num">"Examples"</th>
                <th scope="col" class="num">"of which repeats"</th>
                <th scope="col" class="num">"Augmented"</th>
                <th scope="col" class="num">"Tokens (est.)"</th>
                <th scope="col" class="num">"Share"</th>
                <th scope="col" class="num">"Token share"</th>
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
                <th scope="row">"All"</th>
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
            <ul class="plan-notes">{p.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
        }))}
        <details class="plan-table-box">
            <summary>"Show as table"</summary>
            {p.with_value(plan_table)}
        </details>
    }
}
