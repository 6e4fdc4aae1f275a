//! What a run will take before it costs anything: memory against the machine's, time, and the
//! chosen mixture's shares.

use leptos::prelude::*;
use polytune_api::{
    ComputeDtype, ComputeInfo, MixturePlan, Model, TrainSpec, TuneMethod, estimate_memory, estimate_time,
};

use crate::components::charts::lang_color;
use crate::components::format::{about, count_in_words, flop_rate, gib, param_count};
use crate::components::lang::lang_label;
use crate::i18n::{Msg, t};

use crate::i18n::{SLOT, around_slot};

/// Per-language shares of a mixture as one stacked bar with a legend.
#[component]
pub(super) fn ShareBar(plan: MixturePlan) -> impl IntoView {
    let langs: Vec<(String, f64)> = plan.languages.iter().map(|l| (l.language.clone(), l.share)).collect();
    let aria = langs.iter().map(|(l, s)| format!("{} {:.0}%", lang_label(l), s * 100.0)).collect::<Vec<_>>().join(", ");
    let segments = langs.clone();
    view! {
        <div class="share-bar" role="img" aria-label={crate::tr!(Msg::WizardShareAria, shares = aria.as_str())}>
            {segments.into_iter().map(|(l, s)| view! {
                <span style=format!("width:{:.2}%;background:{}", s * 100.0, lang_color(&l)) title=format!("{} {:.1}%", lang_label(&l), s * 100.0)></span>
            }).collect_view()}
        </div>
        <ul class="legend share-legend">
            {langs.into_iter().map(|(l, s)| view! {
                <li><span class="swatch" style=format!("background:{}", lang_color(&l))></span>" "{lang_label(&l)}" "<strong>{format!("{:.0}%", s * 100.0)}</strong></li>
            }).collect_view()}
        </ul>
        <p class="hint">{crate::tr!(Msg::WizardShareSummary, examples = plan.examples, tokens = count_in_words(plan.tokens as f64), validation = plan.validation)}</p>
    }
}

/// What the chosen data holds, for the estimate.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DataFacts {
    pub(super) version_id: String,
    pub(super) examples: u64,
    pub(super) tokens: u64,
    pub(super) tokens_guessed: bool,
}

/// Memory and time before the run costs anything.
pub(super) fn estimate_view(
    model: Option<Model>,
    spec: TrainSpec,
    spec_ok: bool,
    compute: Option<ComputeInfo>,
    data: Option<DataFacts>,
    replay: Option<f64>,
) -> AnyView {
    let Some(model) = model else {
        return view! { <div class="estimate"><p class="muted">{t(Msg::WizardEstimateNoModel)}</p></div> }.into_any();
    };
    if !spec_ok {
        return view! { <div class="estimate"><p class="muted">{t(Msg::WizardEstimateFixSettings)}</p></div> }
            .into_any();
    }
    let info = &model.info;
    let cpu = compute.as_ref().is_none_or(|c| c.device == "cpu");
    let bytes = if cpu || spec.dtype == ComputeDtype::F32 { 4 } else { 2 };
    let lora = if spec.method == TuneMethod::Lora { polytune_api::lora_parameters(info, &spec) } else { 0 };
    // Far beyond any machine (and beyond u64 arithmetic): say so instead of computing.
    // (`len`, not `t`: `t` is the catalog lookup.)
    let (b, len) = (spec.batch_size as f64, spec.seq_len as f64);
    let rough =
        info.layers as f64 * b * len * (info.attention_heads as f64 * len * 8.0 + 20.0 * info.hidden_size as f64 * 4.0)
            + b * len * info.vocab_size as f64 * 12.0
            + info.parameters as f64 * 16.0;
    let machine = compute.as_ref().map(|c| c.memory_bytes as f64);
    let memory = if rough > 1e18 {
        view! {
            <div class="estimate-memory">
                <h3>{t(Msg::WizardMemory)}</h3>
                <p class="estimate-warning warning" role="alert">{crate::tr!(Msg::WizardMemoryFarTooMuch, amount = gib(1e18))}</p>
            </div>
        }
        .into_any()
    } else {
        let m = estimate_memory(info, spec.batch_size, spec.seq_len, Some((spec.method, lora)), bytes);
        let total = m.total as f64;
        let fraction = machine.map(|mb| total / mb.max(1.0));
        let over = fraction.is_some_and(|f| f > 0.9);
        let width = fraction.map_or(0.0, |f| (f * 100.0).min(100.0));
        // "3.2 GiB of 16.0 GiB on …": one message, with the first amount outside the muted part.
        let (of_before, of_after) = match machine {
            Some(mb) => around_slot(&crate::tr!(
                Msg::WizardMemoryOfMachine,
                needed = SLOT,
                available = gib(mb),
                machine = compute.as_ref().map(|c| c.name.clone()).unwrap_or_default()
            )),
            None => (String::new(), String::new()),
        };
        let parts = if lora > 0 {
            crate::tr!(
                Msg::WizardMemoryPartsAdapters,
                weights = gib(m.weights as f64),
                activations = gib(m.activations as f64),
                optimizer = gib(m.optimizer as f64),
                adapters = param_count(lora)
            )
        } else {
            crate::tr!(
                Msg::WizardMemoryParts,
                weights = gib(m.weights as f64),
                activations = gib(m.activations as f64),
                optimizer = gib(m.optimizer as f64)
            )
        };
        let over_msg =
            if spec.method == TuneMethod::Full { Msg::WizardMemoryOverFull } else { Msg::WizardMemoryOverLora };
        view! {
            <div class="estimate-memory">
                <h3>{t(Msg::WizardMemory)}</h3>
                <p class="big-number">{of_before}{gib(total)}
                    {machine.map(|_| view! { <span class="muted">{of_after}</span> })}
                </p>
                {fraction.map(|f| view! {
                    <div class=if over { "meter over" } else { "meter" } role="img" aria-label={crate::tr!(Msg::WizardMemoryShareAria, share = format!("{:.0}%", f * 100.0))}>
                        <span style=format!("width:{width:.1}%")></span>
                    </div>
                })}
                <p class="hint">{parts}</p>
                {over.then(|| view! {
                    <p class="estimate-warning warning" role="alert">
                        {crate::tr!(over_msg, needed = gib(total), available = gib(machine.unwrap_or_default()))}
                    </p>
                })}
            </div>
        }
        .into_any()
    };
    let time = match (data, compute.as_ref()) {
        (None, _) => view! { <div class="estimate-time"><h3>{t(Msg::WizardTime)}</h3><p class="muted">{t(Msg::WizardTimeNoData)}</p></div> }.into_any(),
        (Some(d), compute) => {
            let factor = 1.0 + replay.unwrap_or(0.0).clamp(0.0, 1.0);
            let examples = (d.examples as f64 * factor).round() as u64;
            let tokens = (d.tokens as f64 * factor).round() as u64;
            let flops = compute.map_or(0.0, |c| c.flops_per_second);
            let e = estimate_time(info, &spec, examples, tokens, flops.max(1.0));
            let work = if replay.unwrap_or(0.0) > 0.0 { Msg::WizardTimeWorkReplay } else { Msg::WizardTimeWork };
            let work = crate::tr!(work, steps = e.steps, tokens = count_in_words(e.tokens as f64), examples = examples);
            view! {
                <div class="estimate-time">
                    <h3>{t(Msg::WizardTime)}</h3>
                    {match compute {
                        Some(_) => view! { <p class="big-number">{about(e.seconds)}</p> }.into_any(),
                        None => view! { <p class="muted">{t(Msg::WizardTimeNoSpeed)}</p> }.into_any(),
                    }}
                    <p>{work}</p>
                    {d.tokens_guessed.then(|| view! { <p class="hint">{t(Msg::WizardTokensGuessed)}</p> })}
                    {compute.map(|c| view! { <p class="hint">{crate::tr!(Msg::WizardSpeed, rate = flop_rate(c.flops_per_second), machine = c.name.as_str(), calibration = c.calibration.as_str())}</p> })}
                </div>
            }
            .into_any()
        }
    };
    view! { <div class="estimate" aria-live="polite">{memory}{time}</div> }.into_any()
}
