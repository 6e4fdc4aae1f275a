//! Every trainer setting as a field bound to the spec being edited: text fields that keep what
//! was typed until it parses, choices and switches, each explained in a sentence.

use std::collections::BTreeSet;

use leptos::prelude::*;
use polytune_api::{FieldError, LORA_TARGETS, TrainSpec, TuneMethod};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::ApiFailure;
use crate::components::numbers::{parse_f64, parse_opt_usize, parse_pair, parse_u64, parse_usize};
use crate::i18n::{Msg, t};

/// The serde name of an enum value (`quick_look`, `lora`, …).
pub(super) fn enum_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn enum_parse<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_string())).ok()
}

/// The trainer settings being edited, their live validation, the server's answer, and the
/// fields whose text is not a number yet.
#[derive(Clone, Copy)]
pub(super) struct Form {
    pub(super) spec: RwSignal<TrainSpec>,
    pub(super) spec_errors: Memo<Vec<FieldError>>,
    pub(super) server: RwSignal<Option<ApiFailure>>,
    pub(super) unparsed: RwSignal<BTreeSet<&'static str>>,
}

impl Form {
    /// What is wrong with the setting at `path` (a TrainSpec path such as `lora.rank`).
    fn error(&self, path: &str) -> Option<String> {
        if self.unparsed.with(|b| b.contains(path)) {
            return Some(
                if path == "adam_betas" { t(Msg::WizardErrorTwoNumbers) } else { t(Msg::WizardErrorNotANumber) }.into(),
            );
        }
        let nested = format!("{path}[");
        let mine = |e: &&FieldError| e.path == path || e.path.starts_with(&nested);
        if let Some(m) = self.spec_errors.with(|es| es.iter().find(mine).map(|e| e.message.clone())) {
            return Some(m);
        }
        let full = format!("spec.{path}");
        self.server.with(|s| {
            s.as_ref().and_then(|f| match f {
                ApiFailure::Problem(p) => p
                    .errors
                    .iter()
                    .find(|e| e.path == full || e.path.starts_with(&format!("{full}[")))
                    .map(|e| e.message.clone()),
                _ => None,
            })
        })
    }
}

/// Forgets the errors of fields under `prefix` once the person changes them.
pub(super) fn drop_errors(server: RwSignal<Option<ApiFailure>>, prefix: &str) {
    let stale = server.with_untracked(
        |s| matches!(s, Some(ApiFailure::Problem(p)) if p.errors.iter().any(|e| e.path.starts_with(prefix))),
    );
    if stale {
        server.update(|s| {
            if let Some(ApiFailure::Problem(p)) = s {
                p.errors.retain(|e| !e.path.starts_with(prefix));
                if p.errors.is_empty() {
                    *s = None;
                }
            }
        });
    }
}

fn field_id(path: &str) -> String {
    format!("spec-{}", path.replace('.', "-"))
}

/// A text field bound to one setting: it keeps what the person typed until it parses.
#[allow(clippy::too_many_arguments)]
fn text_setting<T>(
    form: Form,
    path: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&TrainSpec) -> T,
    set: fn(&mut TrainSpec, T),
    parse: fn(&str) -> Option<T>,
    show: fn(&T) -> String,
) -> impl IntoView + use<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let value = Memo::new(move |_| form.spec.with(get));
    let raw = RwSignal::new(show(&value.get_untracked()));
    // Another change of the setting (a preset, a duplicate) replaces the text.
    Effect::new(move |_| {
        let v = value.get();
        if parse(&raw.get_untracked()).as_ref() != Some(&v) {
            raw.set(show(&v));
            form.unparsed.update(|b| {
                b.remove(path);
            });
        }
    });
    let id = field_id(path);
    let err_id = format!("{id}-error");
    let error = move || form.error(path);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=format!("spec.{path}") class="setting" autocomplete="off" spellcheck="false"
                prop:value=move || raw.get()
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=err_id.clone()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let parsed = parse(&text);
                    raw.set(text);
                    match parsed {
                        Some(v) => {
                            form.unparsed.update(|b| { b.remove(path); });
                            form.spec.update(|s| set(s, v));
                        }
                        None => form.unparsed.update(|b| { b.insert(path); }),
                    }
                }/>
            <p class="hint">{help}</p>
            <p class="field-error" id=err_id>{move || error().unwrap_or_default()}</p>
        </div>
    }
}

fn usize_setting(
    form: Form,
    path: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&TrainSpec) -> usize,
    set: fn(&mut TrainSpec, usize),
) -> impl IntoView {
    text_setting(form, path, label, help, get, set, parse_usize, |v| v.to_string())
}

fn f64_setting(
    form: Form,
    path: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&TrainSpec) -> f64,
    set: fn(&mut TrainSpec, f64),
) -> impl IntoView {
    text_setting(form, path, label, help, get, set, parse_f64, |v| v.to_string())
}

/// A `<select>` bound to one enum setting, by its serde names.
fn choice_setting(
    form: Form,
    path: &'static str,
    label: &'static str,
    help: &'static str,
    options: &'static [(&'static str, Msg)],
    get: fn(&TrainSpec) -> String,
    set: fn(&mut TrainSpec, &str),
) -> impl IntoView {
    let value = Memo::new(move |_| form.spec.with(get));
    let id = field_id(path);
    let err_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=format!("spec.{path}") aria-describedby=err_id.clone() prop:value=move || value.get()
                on:change=move |ev| { let v = event_target_value(&ev); form.spec.update(|s| set(s, &v)); }>
                {options.iter().map(|(v, text)| view! { <option value=*v selected=move || value.get() == *v>{t(*text)}</option> }).collect_view()}
            </select>
            <p class="hint">{help}</p>
            <p class="field-error" id=err_id>{move || form.error(path).unwrap_or_default()}</p>
        </div>
    }
}

fn bool_setting(
    form: Form,
    path: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&TrainSpec) -> bool,
    set: fn(&mut TrainSpec, bool),
) -> impl IntoView {
    let value = Memo::new(move |_| form.spec.with(get));
    view! {
        <div class="field">
            <label class="check">
                <input type="checkbox" name=format!("spec.{path}") prop:checked=move || value.get()
                    on:change=move |ev| { let on = event_target_checked(&ev); form.spec.update(|s| set(s, on)); }/>
                {label}
            </label>
            <p class="hint">{help}</p>
        </div>
    }
}

/// Every trainer setting, grouped, each explained in a sentence.
pub(super) fn advanced_settings(form: Form) -> impl IntoView {
    let is_full = Memo::new(move |_| form.spec.with(|s| s.method == TuneMethod::Full));
    view! {
        <fieldset class="settings-group">
            <legend>{t(Msg::WizardGroupTrained)}</legend>
            {choice_setting(form, "method", t(Msg::WizardMethod), t(Msg::WizardMethodHelp),
                &[("lora", Msg::WizardMethodLora), ("full", Msg::WizardMethodFull)],
                |s| enum_str(&s.method), |s, v| if let Some(m) = enum_parse(v) { s.method = m })}
            <fieldset class="lora-settings" disabled=move || is_full.get()>
                <legend>{move || if is_full.get() { t(Msg::WizardLoraLegendUnused) } else { t(Msg::WizardLoraLegend) }}</legend>
                {usize_setting(form, "lora.rank", t(Msg::WizardLoraRank), t(Msg::WizardLoraRankHelp), |s| s.lora.rank, |s, v| s.lora.rank = v)}
                {f64_setting(form, "lora.alpha", t(Msg::WizardLoraAlpha), t(Msg::WizardLoraAlphaHelp), |s| s.lora.alpha, |s, v| s.lora.alpha = v)}
                {f64_setting(form, "lora.dropout", t(Msg::WizardLoraDropout), t(Msg::WizardLoraDropoutHelp), |s| s.lora.dropout, |s, v| s.lora.dropout = v)}
                <div class="field targets-field">
                    <span class="label" id="spec-lora-targets-label">{t(Msg::WizardLoraTargets)}</span>
                    <div class="targets" role="group" aria-labelledby="spec-lora-targets-label">
                        {LORA_TARGETS.into_iter().map(|target| view! {
                            <label class="check">
                                <input type="checkbox" name="spec.lora.targets" value=target
                                    prop:checked=move || form.spec.with(|s| s.lora.targets.iter().any(|t| t == target))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.spec.update(|s| {
                                            let mut set: BTreeSet<String> = s.lora.targets.iter().cloned().collect();
                                            if on { set.insert(target.to_string()); } else { set.remove(target); }
                                            s.lora.targets = LORA_TARGETS.iter().filter(|t| set.contains(**t)).map(|t| t.to_string()).collect();
                                        });
                                    }/>
                                <code>{target}</code>
                            </label>
                        }).collect_view()}
                    </div>
                    <p class="hint">{t(Msg::WizardLoraTargetsHelp)}</p>
                    <p class="field-error">{move || form.error("lora.targets").unwrap_or_default()}</p>
                </div>
            </fieldset>
        </fieldset>
        <fieldset class="settings-group">
            <legend>{t(Msg::WizardGroupData)}</legend>
            {choice_setting(form, "loss_on", t(Msg::WizardLossOn), t(Msg::WizardLossOnHelp),
                &[("responses", Msg::WizardLossOnResponses), ("all", Msg::WizardLossOnAll)],
                |s| enum_str(&s.loss_on), |s, v| if let Some(m) = enum_parse(v) { s.loss_on = m })}
            {bool_setting(form, "packing", t(Msg::WizardPacking), t(Msg::WizardPackingHelp), |s| s.packing, |s, v| s.packing = v)}
            {usize_setting(form, "seq_len", t(Msg::WizardSeqLen), t(Msg::WizardSeqLenHelp), |s| s.seq_len, |s, v| s.seq_len = v)}
            {f64_setting(form, "validation_fraction", t(Msg::WizardValidationFraction), t(Msg::WizardValidationFractionHelp), |s| s.validation_fraction, |s, v| s.validation_fraction = v)}
        </fieldset>
        <fieldset class="settings-group">
            <legend>{t(Msg::WizardGroupOptimization)}</legend>
            {usize_setting(form, "batch_size", t(Msg::WizardBatchSize), t(Msg::WizardBatchSizeHelp), |s| s.batch_size, |s, v| s.batch_size = v)}
            {usize_setting(form, "grad_accum", t(Msg::WizardGradAccum), t(Msg::WizardGradAccumHelp), |s| s.grad_accum, |s, v| s.grad_accum = v)}
            {f64_setting(form, "learning_rate", t(Msg::WizardLearningRate), t(Msg::WizardLearningRateHelp), |s| s.learning_rate, |s, v| s.learning_rate = v)}
            {choice_setting(form, "schedule", t(Msg::WizardSchedule), t(Msg::WizardScheduleHelp),
                &[("cosine", Msg::WizardScheduleCosine), ("linear", Msg::WizardScheduleLinear), ("constant", Msg::WizardScheduleConstant)],
                |s| enum_str(&s.schedule), |s, v| if let Some(m) = enum_parse(v) { s.schedule = m })}
            {usize_setting(form, "warmup_steps", t(Msg::WizardWarmupSteps), t(Msg::WizardWarmupStepsHelp), |s| s.warmup_steps, |s, v| s.warmup_steps = v)}
            {usize_setting(form, "epochs", t(Msg::WizardEpochs), t(Msg::WizardEpochsHelp), |s| s.epochs, |s, v| s.epochs = v)}
            {text_setting(form, "max_steps", t(Msg::WizardMaxSteps), t(Msg::WizardMaxStepsHelp), |s| s.max_steps, |s, v| s.max_steps = v, parse_opt_usize, |v| v.map_or_else(String::new, |n| n.to_string()))}
            {f64_setting(form, "weight_decay", t(Msg::WizardWeightDecay), t(Msg::WizardWeightDecayHelp), |s| s.weight_decay, |s, v| s.weight_decay = v)}
            {text_setting(form, "adam_betas", t(Msg::WizardAdamBetas), t(Msg::WizardAdamBetasHelp), |s| s.adam_betas, |s, v| s.adam_betas = v, parse_pair, |(a, b)| format!("{a}, {b}"))}
            {f64_setting(form, "adam_eps", t(Msg::WizardAdamEps), t(Msg::WizardAdamEpsHelp), |s| s.adam_eps, |s, v| s.adam_eps = v)}
            {f64_setting(form, "grad_clip", t(Msg::WizardGradClip), t(Msg::WizardGradClipHelp), |s| s.grad_clip, |s, v| s.grad_clip = v)}
            {text_setting(form, "seed", t(Msg::WizardSeed), t(Msg::WizardSeedHelp), |s| s.seed, |s, v| s.seed = v, parse_u64, |v| v.to_string())}
        </fieldset>
        <fieldset class="settings-group">
            <legend>{t(Msg::WizardGroupCheckpoints)}</legend>
            {usize_setting(form, "eval_every", t(Msg::WizardEvalEvery), t(Msg::WizardEvalEveryHelp), |s| s.eval_every, |s, v| s.eval_every = v)}
            {usize_setting(form, "save_every", t(Msg::WizardSaveEvery), t(Msg::WizardSaveEveryHelp), |s| s.save_every, |s, v| s.save_every = v)}
            {usize_setting(form, "keep_last", t(Msg::WizardKeepLast), t(Msg::WizardKeepLastHelp), |s| s.keep_last, |s, v| s.keep_last = v)}
            {bool_setting(form, "keep_best", t(Msg::WizardKeepBest), t(Msg::WizardKeepBestHelp), |s| s.keep_best, |s, v| s.keep_best = v)}
            {choice_setting(form, "dtype", t(Msg::WizardDtype), t(Msg::WizardDtypeHelp),
                &[("auto", Msg::WizardDtypeAuto), ("f32", Msg::WizardDtypeF32), ("bf16", Msg::WizardDtypeBf16)],
                |s| enum_str(&s.dtype), |s, v| if let Some(m) = enum_parse(v) { s.dtype = m })}
        </fieldset>
    }
}
