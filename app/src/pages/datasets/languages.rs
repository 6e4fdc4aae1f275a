//! Each language of a profile: examples per language as bars, the per-language table, and the
//! lengths of one language.

use leptos::prelude::*;
use polytune_api::Profile;

use crate::components::format::{pct, thousands};
use crate::components::lang::lang_name;
use crate::i18n::{Msg, t};

/// Horizontal bars: examples per language (click one to see its lengths).
#[component]
pub(super) fn LanguageBars(p: Profile, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let max = p.languages.iter().map(|l| l.examples).max().unwrap_or(1).max(1) as f64;
    let rows = p.languages.len().min(40);
    let h = 22.0;
    let height = (rows as f64 * h + 4.0).to_string();
    view! {
        <svg class="chart bars" role="img" aria-label=t(Msg::DatasetsChartExamplesPerLanguage) viewBox=format!("0 0 640 {height}") width="100%" height=height.clone()>
            {p.languages.iter().take(40).enumerate().map(|(i, l)| {
                let y = i as f64 * h;
                let w = (l.examples as f64 / max * 380.0).max(1.0);
                let code = l.language.clone();
                let pick = code.clone();
                view! {
                    <g class="bar" on:click=move |_| chosen.set(Some(pick.clone())) tabindex="0">
                        <title>{crate::tr!(Msg::DatasetsBarTitle, language = lang_name(&code), count = l.examples)}</title>
                        <text x="0" y=y + 15.0 class="label">{lang_name(&l.language).chars().take(26).collect::<String>()}</text>
                        <rect x="200" y=y + 3.0 width=w height=h - 6.0 rx="3"></rect>
                        <text x=205.0 + w y=y + 15.0 class="value">{thousands(l.examples)}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// Declared languages the text contradicts, in words: "declared Bengali; the instructions are
/// English in 1,000 of 1,000 examples" (when one other language is most of them).
#[component]
pub(super) fn Contradictions(p: Profile) -> impl IntoView {
    let lines: Vec<String> = p
        .languages
        .iter()
        .filter_map(|l| {
            let (found, n) = l.instruction_detected.iter().max_by_key(|(_, n)| **n)?;
            (*n * 2 > l.examples).then(|| {
                crate::tr!(
                    Msg::DatasetsSDeclaredContradicted,
                    declared = lang_name(&l.language),
                    detected = lang_name(found),
                    count = thousands(*n),
                    of = thousands(l.examples)
                )
            })
        })
        .collect();
    (!lines.is_empty()).then(|| {
        view! {
            <ul class="warning contradictions" role="status">
                {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        }
    })
}

#[component]
pub(super) fn LanguageTable(p: Profile, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let total = p.examples.max(1) as f64;
    view! {
        <table class="data languages">
            <thead><tr>
                <th scope="col">{t(Msg::EvalLanguage)}</th><th scope="col">{t(Msg::DatasetsColExamples)}</th><th scope="col">{t(Msg::DatasetsColShare)}</th><th scope="col">{t(Msg::DatasetsColTurns)}</th>
                <th scope="col">{t(Msg::DatasetsColTokens)}</th><th scope="col">{t(Msg::DatasetsColTokensPerWord)}</th><th scope="col">{t(Msg::DatasetsColTokensPerChar)}</th><th scope="col">{t(Msg::DatasetsColByteFallback)}</th>
                <th scope="col">{t(Msg::DatasetsColAnsweredIn)}</th><th scope="col">{t(Msg::DatasetsColScript)}</th><th scope="col">{t(Msg::DatasetsColFlags)}</th>
            </tr></thead>
            <tbody>
                {p.languages.iter().map(|l| {
                    let code = l.language.clone();
                    let answered: Vec<String> = {
                        let mut v: Vec<(&String, &u64)> = l.response_languages.iter().collect();
                        v.sort_by(|a, b| b.1.cmp(a.1));
                        v.into_iter()
                            .take(3)
                            .map(|(k, n)| crate::tr!(Msg::DatasetsAnsweredInItem, language = lang_name(k), count = thousands(*n)))
                            .collect()
                    };
                    let mismatch = l.response_languages.iter().filter(|(k, _)| **k != l.language).map(|(_, n)| *n).sum::<u64>();
                    let scripts: Vec<String> =
                        l.scripts.iter().map(|(k, n)| crate::tr!(Msg::DatasetsScriptItem, script = k.as_str(), count = thousands(*n))).collect();
                    let flags: u64 = l.flags.values().sum();
                    view! {
                        <tr class:current=move || chosen.get().as_deref() == Some(code.as_str())>
                            <th scope="row"><button class="link" on:click={let c = l.language.clone(); move |_| chosen.set(Some(c.clone()))}>{lang_name(&l.language)}</button>
                                " "<code>{l.language.clone()}</code></th>
                            <td>{thousands(l.examples)}</td>
                            <td>{pct(l.examples as f64 / total)}</td>
                            <td>{thousands(l.turns)}</td>
                            <td>{if l.tokens > 0 { thousands(l.tokens) } else { "—".into() }}</td>
                            <td>{l.tokens_per_word.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into())}</td>
                            <td>{l.tokens_per_char.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into())}</td>
                            <td>{l.byte_fallback_rate.map(pct).unwrap_or_else(|| "—".into())}</td>
                            <td class:warn={mismatch > 0}>{answered.join(", ")}</td>
                            <td>{scripts.join(", ")}</td>
                            <td>{thousands(flags)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Lengths of instructions and responses of one language, as two bar series over log bins.
#[component]
pub(super) fn LengthHistogram(bins: Vec<u64>, stats: polytune_api::LanguageStats) -> impl IntoView {
    let n = bins.len().max(1);
    let last = stats
        .instruction_lengths
        .iter()
        .zip(&stats.response_lengths)
        .rposition(|(a, b)| *a + *b > 0)
        .map(|i| i + 1)
        .unwrap_or(1)
        .max(8)
        .min(n);
    let max = stats.instruction_lengths.iter().chain(&stats.response_lengths).copied().max().unwrap_or(1).max(1) as f64;
    let bw = 600.0 / last as f64;
    let label =
        |i: usize| if i == 0 { "0".to_string() } else { bins.get(i).map(|b| b.to_string()).unwrap_or_default() };
    view! {
        <h2>{crate::tr!(Msg::DatasetsLengthsTitle, language = lang_name(&stats.language))}</h2>
        <p class="legend"><span class="swatch instr"></span>{t(Msg::DatasetsLegendInstruction)}<span class="swatch resp"></span>{t(Msg::DatasetsLegendResponse)}</p>
        <svg class="chart histogram" role="img" aria-label=t(Msg::DatasetsHistogramLabel) viewBox="0 0 640 200" width="100%" height="200">
            {(0..last).map(|i| {
                let a = stats.instruction_lengths.get(i).copied().unwrap_or(0) as f64;
                let b = stats.response_lengths.get(i).copied().unwrap_or(0) as f64;
                let ha = a / max * 160.0;
                let hb = b / max * 160.0;
                let x = 20.0 + i as f64 * bw;
                view! {
                    <g>
                        <title>{crate::tr!(Msg::DatasetsHistogramBar, from = label(i), instructions = a, responses = b)}</title>
                        <rect class="instr" x=x y=170.0 - ha width=bw / 2.0 - 1.0 height=ha></rect>
                        <rect class="resp" x=x + bw / 2.0 y=170.0 - hb width=bw / 2.0 - 1.0 height=hb></rect>
                        {(i % 2 == 0).then(|| view! { <text class="tick" x=x y="190">{label(i)}</text> })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}
