//! Runs: the list, the wizard that launches one, a run's live page, and comparing runs.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use polytune_api::lang::LangTag;
use polytune_api::{
    Checkpoint, ComputeDtype, ComputeInfo, ContinueFrom, CreateRun, Dataset, FieldError, Job, JobEvent, JobState,
    LORA_TARGETS, Mixture, MixturePlan, MixtureState, Model, Preset, Role, Run, RunDetail, RunPoint, TrainSpec,
    TuneMethod, Validate, Workspace, estimate_memory, estimate_time,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::{self, ApiFailure, invalid};
use crate::components::charts::{LineChart, PALETTE, Series, fmt_num, lang_color};
use crate::components::format::{gib, param_count};
use crate::components::jobs::{StateBadge, format_duration, subscribe};
use crate::components::{ErrorBox, Loading, RequireSignIn, format_time};
use crate::i18n::{Msg, t};

// ---------------------------------------------------------------------------------------------
// Small helpers

fn fmt_count(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{:.1} billion", n / 1e9),
        n if n >= 1e6 => format!("{:.1} million", n / 1e6),
        n if n >= 1e4 => format!("{:.0} thousand", n / 1e3),
        n => format!("{n:.0}"),
    }
}

fn fmt_flops(f: f64) -> String {
    match f {
        f if f >= 1e12 => format!("{:.1} TFLOP/s", f / 1e12),
        f if f >= 1e9 => format!("{:.1} GFLOP/s", f / 1e9),
        f => format!("{:.1} MFLOP/s", f / 1e6),
    }
}

/// A duration as a person says it before it starts: "about 12 min".
fn about(secs: f64) -> String {
    if !secs.is_finite() {
        "—".into()
    } else if secs < 60.0 {
        "under a minute".into()
    } else if secs < 90.0 * 60.0 {
        format!("about {:.0} min", secs / 60.0)
    } else if secs < 48.0 * 3600.0 {
        format!("about {:.1} h", secs / 3600.0)
    } else {
        format!("about {:.0} days", secs / 86400.0)
    }
}

/// "kaz · Kazakh"; an unknown code shows as itself.
fn lang_label(code: &str) -> String {
    match LangTag(code.to_string()).language() {
        Some(l) => format!("{code} · {}", l.english),
        None => code.to_string(),
    }
}

/// The serde name of an enum value (`quick_look`, `lora`, …).
fn enum_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn enum_parse<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_string())).ok()
}

fn step_series(points: &[RunPoint], kind: &str, key: &str) -> Vec<(f64, f64)> {
    points.iter().filter(|p| p.kind == kind).filter_map(|p| Some((p.step as f64, p.data[key].as_f64()?))).collect()
}

fn lang_map(v: &Value) -> BTreeMap<String, f64> {
    v.as_object().map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect()).unwrap_or_default()
}

/// The evaluation before any training: the base model's reference.
fn base_eval(points: &[RunPoint]) -> Option<&RunPoint> {
    points.iter().find(|p| p.kind == "eval" && p.step == 0)
}

fn latest_eval(points: &[RunPoint]) -> Option<&RunPoint> {
    points.iter().rev().find(|p| p.kind == "eval" && p.step > 0)
}

fn latest_step(points: &[RunPoint]) -> Option<&RunPoint> {
    points.iter().rev().find(|p| p.kind == "step")
}

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

fn version_labels(datasets: &[Dataset]) -> BTreeMap<String, (String, u64)> {
    datasets
        .iter()
        .flat_map(|d| {
            d.versions
                .iter()
                .map(move |v| (v.id.clone(), (format!("{} v{}", d.name, v.number), v.examples.max(0) as u64)))
        })
        .collect()
}

fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{v:.3}")
    } else if v < 0.0 {
        format!("−{:.3}", -v)
    } else {
        "0.000".into()
    }
}

/// Differences smaller than this between two losses are within run-to-run noise.
const NOISE: f64 = 0.01;

// ---------------------------------------------------------------------------------------------
// The Runs tab

#[component]
pub fn RunsSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    // The newest state change: (a counter, its job), so each row reloads only for its own job.
    let last_state = RwSignal::new((0u32, String::new()));
    let runs = LocalResource::new(move || {
        let path = format!("/workspaces/{}/runs", ws_id.get_value());
        async move { client::get::<Vec<Run>>(&path).await }
    });
    let models = LocalResource::new(move || {
        let path = format!("/workspaces/{}/models", ws_id.get_value());
        async move { client::get::<Vec<Model>>(&path).await }
    });
    let connected = RwSignal::new(false);
    subscribe(
        format!("/api/v1/workspaces/{}/events?after=-1", ws.id),
        move |e| {
            if e.kind == "state" {
                last_state.update(|(n, j)| {
                    *n += 1;
                    *j = e.job_id;
                })
            }
        },
        connected,
    );
    let query = use_query_map();
    let selected = RwSignal::new(query.read_untracked().get("select").into_iter().collect::<Vec<String>>());
    let navigate = use_navigate();
    let compare = move |_| {
        let ids = selected.get().join(",");
        navigate(&format!("/workspaces/{}/runs/compare?ids={ids}", ws_id.get_value()), Default::default());
    };
    let new_href = format!("/workspaces/{}/runs/new", ws.id);
    let mixtures_href = format!("/workspaces/{}/mixtures", ws.id);
    view! {
        <p class="muted">"A run tunes a base model on a mixture of languages. Each run's page shows its loss live and how every language improves against the base model."</p>
        <div class="actions runs-toolbar">
            {can_edit.then(|| view! { <A href=new_href attr:id="new-run" attr:class="button primary">"New run"</A> })}
            <button id="compare-runs" type="button" disabled=move || !(2..=4).contains(&selected.with(Vec::len)) on:click=compare>
                {move || match selected.with(Vec::len) { 0 | 1 => "Compare (pick 2 to 4 runs)".to_string(), n => format!("Compare {n} runs") }}
            </button>
        </div>
        {move || match (runs.get(), models.get()) {
            (None, _) | (_, None) => view! { <Loading/> }.into_any(),
            (Some(Err(e)), _) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            (Some(Ok(list)), _) if list.is_empty() => view! {
                <div class="empty">
                    <p>{t(Msg::EmptyRuns)}</p>
                    <A href=mixtures_href.clone() attr:class="button primary">{t(Msg::EmptyRunsAction)}</A>
                </div>
            }.into_any(),
            (Some(Ok(mut list)), Some(models)) => {
                let models = models.unwrap_or_default();
                list.sort_by_key(|r| std::cmp::Reverse(r.created_at));
                view! {
                    <table class="data runs">
                        <thead><tr>
                            <th scope="col"><span class="sr-only">"Pick to compare"</span></th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Base model"</th>
                            <th scope="col">"State"</th>
                            <th scope="col" class="num">"Latest loss"</th>
                            <th scope="col">"Started"</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|r| {
                                let model = models.iter().find(|m| m.id == r.model_id).map_or_else(|| r.model_id.clone(), |m| m.name.clone());
                                view! { <RunRow run=r model=model selected=selected last_state=last_state/> }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        }}
    }
}

#[component]
fn RunRow(
    run: Run,
    model: String,
    selected: RwSignal<Vec<String>>,
    last_state: RwSignal<(u32, String)>,
) -> impl IntoView {
    let path = format!("/workspaces/{}/runs/{}", run.workspace_id, run.id);
    let job_path = format!("/workspaces/{}/jobs/{}", run.workspace_id, run.job_id);
    let href = path.clone();
    let job_id = run.job_id.clone();
    let mine = Memo::new(move |prev: Option<&u32>| {
        last_state.with(|(n, j)| if *j == job_id { *n } else { prev.copied().unwrap_or(0) })
    });
    let detail = LocalResource::new(move || {
        mine.track();
        let (path, job_path) = (path.clone(), job_path.clone());
        async move { (client::get::<RunDetail>(&path).await, client::get::<Job>(&job_path).await.ok()) }
    });
    let state = move || detail.get().and_then(|(_, j)| j).map(|j| j.state);
    let id = StoredValue::new(run.id.clone());
    let checked = move || selected.with(|s| s.contains(&id.get_value()));
    let loss = move || {
        detail.get().and_then(|(d, _)| d.ok()).map_or_else(String::new, |d| {
            let train = latest_step(&d.points).and_then(|p| p.data["loss"].as_f64());
            let val = latest_eval(&d.points).and_then(|p| p.data["loss"].as_f64());
            match (train, val) {
                (Some(t), Some(v)) => format!("{t:.3} (validation {v:.3})"),
                (Some(t), None) => format!("{t:.3}"),
                (None, Some(v)) => format!("validation {v:.3}"),
                (None, None) => "—".into(),
            }
        })
    };
    view! {
        <tr class="run-row" class:current=checked>
            <td>
                <input type="checkbox" aria-label=format!("Compare “{}”", run.name)
                    prop:checked=checked
                    disabled=move || !checked() && selected.with(|s| s.len() >= 4)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let id = id.get_value();
                        selected.update(|s| if on { if !s.contains(&id) { s.push(id) } } else { s.retain(|x| *x != id) });
                    }/>
            </td>
            <td><A href=href>{run.name.clone()}</A>{run.continue_from.is_some().then(|| view! { " "<span class="badge">"continued"</span> })}</td>
            <td>{model}</td>
            <td>{move || state().map(|s| view! { <StateBadge state=s/> })}</td>
            <td class="num">{loss}</td>
            <td>{format_time(run.created_at)}</td>
        </tr>
    }
}

// ---------------------------------------------------------------------------------------------
// The wizard

/// The trainer settings being edited, their live validation, the server's answer, and the
/// fields whose text is not a number yet.
#[derive(Clone, Copy)]
struct Form {
    spec: RwSignal<TrainSpec>,
    spec_errors: Memo<Vec<FieldError>>,
    server: RwSignal<Option<ApiFailure>>,
    unparsed: RwSignal<BTreeSet<&'static str>>,
}

impl Form {
    /// What is wrong with the setting at `path` (a TrainSpec path such as `lora.rank`).
    fn error(&self, path: &str) -> Option<String> {
        if self.unparsed.with(|b| b.contains(path)) {
            return Some(
                if path == "adam_betas" { "give two numbers, e.g. 0.9, 0.999" } else { "is not a number" }.into(),
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
                ApiFailure::Network(_) => None,
            })
        })
    }
}

/// Forgets the errors of fields under `prefix` once the person changes them.
fn drop_errors(server: RwSignal<Option<ApiFailure>>, prefix: &str) {
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

fn parse_usize(s: &str) -> Option<usize> {
    s.trim().parse().ok()
}
fn parse_u64(s: &str) -> Option<u64> {
    s.trim().parse().ok()
}
fn parse_f64(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}
fn parse_opt_usize(s: &str) -> Option<Option<usize>> {
    let s = s.trim();
    if s.is_empty() { Some(None) } else { s.parse().ok().map(Some) }
}
fn parse_pair(s: &str) -> Option<(f64, f64)> {
    let mut it = s.split([',', ' ', ';']).filter(|p| !p.trim().is_empty());
    let a = parse_f64(it.next()?)?;
    let b = parse_f64(it.next()?)?;
    it.next().is_none().then_some((a, b))
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
    options: &'static [(&'static str, &'static str)],
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
                {options.iter().map(|(v, text)| view! { <option value=*v selected=move || value.get() == *v>{*text}</option> }).collect_view()}
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
fn advanced_settings(form: Form) -> impl IntoView {
    let is_full = Memo::new(move |_| form.spec.with(|s| s.method == TuneMethod::Full));
    view! {
        <fieldset class="settings-group">
            <legend>"What is trained"</legend>
            {choice_setting(form, "method", "Method", "LoRA trains small adapters beside frozen weights: far less memory, easy to share. Full tuning changes every weight.",
                &[("lora", "LoRA adapters"), ("full", "Every weight (full tuning)")],
                |s| enum_str(&s.method), |s, v| if let Some(m) = enum_parse(v) { s.method = m })}
            <fieldset class="lora-settings" disabled=move || is_full.get()>
                <legend>"LoRA adapters"{move || is_full.get().then_some(" (not used by full tuning)")}</legend>
                {usize_setting(form, "lora.rank", "Rank", "Size of each adapter: larger learns more and needs more memory (8–64 is usual).", |s| s.lora.rank, |s, v| s.lora.rank = v)}
                {f64_setting(form, "lora.alpha", "Alpha", "Scales the adapters' effect; usually twice the rank.", |s| s.lora.alpha, |s, v| s.lora.alpha = v)}
                {f64_setting(form, "lora.dropout", "Dropout", "Share of the adapters' inputs dropped while training (0 to below 1); a little helps against overfitting small data.", |s| s.lora.dropout, |s, v| s.lora.dropout = v)}
                <div class="field targets-field">
                    <span class="label" id="spec-lora-targets-label">"Layers adapted"</span>
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
                    <p class="hint">"Attention (q, k, v, o) and MLP (gate, up, down) projections of every layer. All of them is the usual choice."</p>
                    <p class="field-error">{move || form.error("lora.targets").unwrap_or_default()}</p>
                </div>
            </fieldset>
        </fieldset>
        <fieldset class="settings-group">
            <legend>"Data"</legend>
            {choice_setting(form, "loss_on", "Learn to predict", "Usually only the answers: the model learns to answer, not to write questions.",
                &[("responses", "Only the answers"), ("all", "The instructions and the answers")],
                |s| enum_str(&s.loss_on), |s, v| if let Some(m) = enum_parse(v) { s.loss_on = m })}
            {bool_setting(form, "packing", "Pack short examples together", "Several examples share one sequence (they never see each other): much less padding, faster.", |s| s.packing, |s, v| s.packing = v)}
            {usize_setting(form, "seq_len", "Sequence length (tokens)", "Longer examples are cut at this length. Memory grows with it.", |s| s.seq_len, |s, v| s.seq_len = v)}
            {f64_setting(form, "validation_fraction", "Held out for validation", "Share of examples kept aside (per language) to measure progress, when the data brings no validation set. Below 0.5.", |s| s.validation_fraction, |s, v| s.validation_fraction = v)}
        </fieldset>
        <fieldset class="settings-group">
            <legend>"Optimization"</legend>
            {usize_setting(form, "batch_size", "Batch size", "Sequences computed together on the device; more needs more memory.", |s| s.batch_size, |s, v| s.batch_size = v)}
            {usize_setting(form, "grad_accum", "Gradient accumulation", "Batches added up before each update: a larger effective batch without more memory.", |s| s.grad_accum, |s, v| s.grad_accum = v)}
            {f64_setting(form, "learning_rate", "Learning rate", "How big each update is: too high and the loss jumps around, too low and it barely moves.", |s| s.learning_rate, |s, v| s.learning_rate = v)}
            {choice_setting(form, "schedule", "Learning-rate schedule", "How the learning rate falls after the warm-up.",
                &[("cosine", "Cosine (smooth decay)"), ("linear", "Linear decay"), ("constant", "Constant")],
                |s| enum_str(&s.schedule), |s, v| if let Some(m) = enum_parse(v) { s.schedule = m })}
            {usize_setting(form, "warmup_steps", "Warm-up steps", "The learning rate rises from 0 over these first steps.", |s| s.warmup_steps, |s, v| s.warmup_steps = v)}
            {usize_setting(form, "epochs", "Passes over the data (epochs)", "How many times the model sees every training example.", |s| s.epochs, |s, v| s.epochs = v)}
            {text_setting(form, "max_steps", "Stop after (steps)", "Empty: as many steps as the passes need.", |s| s.max_steps, |s, v| s.max_steps = v, parse_opt_usize, |v| v.map_or_else(String::new, |n| n.to_string()))}
            {f64_setting(form, "weight_decay", "Weight decay", "Pulls weights towards 0 a little at every step (0 turns it off).", |s| s.weight_decay, |s, v| s.weight_decay = v)}
            {text_setting(form, "adam_betas", "AdamW betas", "Two numbers, e.g. 0.9, 0.999: how long the optimizer remembers past gradients.", |s| s.adam_betas, |s, v| s.adam_betas = v, parse_pair, |(a, b)| format!("{a}, {b}"))}
            {f64_setting(form, "adam_eps", "AdamW epsilon", "A tiny number that keeps updates finite.", |s| s.adam_eps, |s, v| s.adam_eps = v)}
            {f64_setting(form, "grad_clip", "Gradient clipping", "Gradients longer than this are shortened to it, against sudden jumps; 0 turns it off.", |s| s.grad_clip, |s, v| s.grad_clip = v)}
            {text_setting(form, "seed", "Random seed", "The same seed gives the same data order and the same start: a run can be repeated exactly.", |s| s.seed, |s, v| s.seed = v, parse_u64, |v| v.to_string())}
        </fieldset>
        <fieldset class="settings-group">
            <legend>"Checking and saving"</legend>
            {usize_setting(form, "eval_every", "Validate every (steps)", "Validation loss per language every so many steps, and at the end; 0: only at the end.", |s| s.eval_every, |s, v| s.eval_every = v)}
            {usize_setting(form, "save_every", "Save a checkpoint every (steps)", "A stopped run resumes from its newest checkpoint.", |s| s.save_every, |s, v| s.save_every = v)}
            {usize_setting(form, "keep_last", "Checkpoints kept", "The newest ones, besides the best.", |s| s.keep_last, |s, v| s.keep_last = v)}
            {bool_setting(form, "keep_best", "Also keep the best checkpoint", "The one with the lowest validation loss, even when it is not among the newest.", |s| s.keep_best, |s, v| s.keep_best = v)}
            {choice_setting(form, "dtype", "Number precision", "Automatic uses f32 on a CPU and bf16 on a GPU; bf16 halves the memory of the weights.",
                &[("auto", "Automatic"), ("f32", "f32 (exact, twice the memory)"), ("bf16", "bf16 (GPU)")],
                |s| enum_str(&s.dtype), |s, v| if let Some(m) = enum_parse(v) { s.dtype = m })}
        </fieldset>
    }
}

/// Per-language shares of a mixture as one stacked bar with a legend.
#[component]
fn ShareBar(plan: MixturePlan) -> impl IntoView {
    let langs: Vec<(String, f64)> = plan.languages.iter().map(|l| (l.language.clone(), l.share)).collect();
    let aria = langs.iter().map(|(l, s)| format!("{} {:.0}%", lang_label(l), s * 100.0)).collect::<Vec<_>>().join(", ");
    let segments = langs.clone();
    view! {
        <div class="share-bar" role="img" aria-label=format!("Share of each language: {aria}")>
            {segments.into_iter().map(|(l, s)| view! {
                <span style=format!("width:{:.2}%;background:{}", s * 100.0, lang_color(&l)) title=format!("{} {:.1}%", lang_label(&l), s * 100.0)></span>
            }).collect_view()}
        </div>
        <ul class="legend share-legend">
            {langs.into_iter().map(|(l, s)| view! {
                <li><span class="swatch" style=format!("background:{}", lang_color(&l))></span>" "{lang_label(&l)}" "<strong>{format!("{:.0}%", s * 100.0)}</strong></li>
            }).collect_view()}
        </ul>
        <p class="hint">{format!("{} training examples · about {} tokens · {} held out for validation", plan.examples, fmt_count(plan.tokens as f64), plan.validation)}</p>
    }
}

/// What the chosen data holds, for the estimate.
#[derive(Debug, Clone, PartialEq)]
struct DataFacts {
    version_id: String,
    examples: u64,
    tokens: u64,
    tokens_guessed: bool,
}

/// Memory and time before the run costs anything.
fn estimate_view(
    model: Option<Model>,
    spec: TrainSpec,
    spec_ok: bool,
    compute: Option<ComputeInfo>,
    data: Option<DataFacts>,
    replay: Option<f64>,
) -> AnyView {
    let Some(model) = model else {
        return view! { <div class="estimate"><p class="muted">"Choose a base model to see the memory and time this run needs."</p></div> }.into_any();
    };
    if !spec_ok {
        return view! { <div class="estimate"><p class="muted">"Fix the settings marked in Advanced to see the estimate."</p></div> }.into_any();
    }
    let info = &model.info;
    let cpu = compute.as_ref().is_none_or(|c| c.device == "cpu");
    let bytes = if cpu || spec.dtype == ComputeDtype::F32 { 4 } else { 2 };
    let lora = if spec.method == TuneMethod::Lora { polytune_api::lora_parameters(info, &spec) } else { 0 };
    // Far beyond any machine (and beyond u64 arithmetic): say so instead of computing.
    let (b, t) = (spec.batch_size as f64, spec.seq_len as f64);
    let rough =
        info.layers as f64 * b * t * (info.attention_heads as f64 * t * 8.0 + 20.0 * info.hidden_size as f64 * 4.0)
            + b * t * info.vocab_size as f64 * 12.0
            + info.parameters as f64 * 16.0;
    let machine = compute.as_ref().map(|c| c.memory_bytes as f64);
    let memory = if rough > 1e18 {
        view! {
            <div class="estimate-memory">
                <h3>"Memory"</h3>
                <p class="estimate-warning warning" role="alert">{format!("Will not fit: needs far more than {} of memory. Use a smaller batch size or a shorter sequence length.", gib(1e18))}</p>
            </div>
        }
        .into_any()
    } else {
        let m = estimate_memory(info, spec.batch_size, spec.seq_len, Some((spec.method, lora)), bytes);
        let total = m.total as f64;
        let fraction = machine.map(|mb| total / mb.max(1.0));
        let over = fraction.is_some_and(|f| f > 0.9);
        let width = fraction.map_or(0.0, |f| (f * 100.0).min(100.0));
        view! {
            <div class="estimate-memory">
                <h3>"Memory"</h3>
                <p class="big-number">{gib(total)}
                    {machine.map(|mb| view! { <span class="muted">{format!(" of {} on {}", gib(mb), compute.as_ref().map(|c| c.name.clone()).unwrap_or_default())}</span> })}
                </p>
                {fraction.map(|f| view! {
                    <div class=if over { "meter over" } else { "meter" } role="img" aria-label=format!("{:.0}% of the machine's memory", f * 100.0)>
                        <span style=format!("width:{width:.1}%")></span>
                    </div>
                })}
                <p class="hint">{format!(
                    "Weights {} · activations {} · gradients and optimizer {}{}",
                    gib(m.weights as f64), gib(m.activations as f64), gib(m.optimizer as f64),
                    if lora > 0 { format!(" · {} adapter parameters", param_count(lora)) } else { String::new() },
                )}</p>
                {over.then(|| view! {
                    <p class="estimate-warning warning" role="alert">
                        {format!("Will not fit: needs {}, the machine has {}. ", gib(total), gib(machine.unwrap_or_default()))}
                        {if spec.method == TuneMethod::Full { "Try LoRA, a smaller batch size or a shorter sequence length." } else { "Try a smaller batch size (with more gradient accumulation) or a shorter sequence length." }}
                    </p>
                })}
            </div>
        }
        .into_any()
    };
    let time = match (data, compute.as_ref()) {
        (None, _) => view! { <div class="estimate-time"><h3>"Time"</h3><p class="muted">"Choose the data to see how long it takes."</p></div> }.into_any(),
        (Some(d), compute) => {
            let factor = 1.0 + replay.unwrap_or(0.0).clamp(0.0, 1.0);
            let examples = (d.examples as f64 * factor).round() as u64;
            let tokens = (d.tokens as f64 * factor).round() as u64;
            let flops = compute.map_or(0.0, |c| c.flops_per_second);
            let e = estimate_time(info, &spec, examples, tokens, flops.max(1.0));
            view! {
                <div class="estimate-time">
                    <h3>"Time"</h3>
                    {match compute {
                        Some(_) => view! { <p class="big-number">{about(e.seconds)}</p> }.into_any(),
                        None => view! { <p class="muted">"The server did not say how fast it trains."</p> }.into_any(),
                    }}
                    <p>{format!("{} steps · {} tokens computed · {} examples", e.steps, fmt_count(e.tokens as f64), examples)}
                        {(replay.unwrap_or(0.0) > 0.0).then_some(" (with replay)")}</p>
                    {d.tokens_guessed.then(|| view! { <p class="hint">"Token counts are guessed at 256 per example: profile the data with the model's tokenizer for a closer estimate."</p> })}
                    {compute.map(|c| view! { <p class="hint">{format!("Speed {} on {}: {}", fmt_flops(c.flops_per_second), c.name, c.calibration)}</p> })}
                </div>
            }
            .into_any()
        }
    };
    view! { <div class="estimate" aria-live="polite">{memory}{time}</div> }.into_any()
}

/// `/workspaces/:id/runs/new[?mixture=…|?duplicate=…|?continue=…]`
#[component]
pub fn RunWizard() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ws = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let want_mixture = query.read_untracked().get("mixture");
    let want_duplicate = query.read_untracked().get("duplicate");
    let want_continue = query.read_untracked().get("continue");

    fn load<T: DeserializeOwned + 'static>(
        ws: StoredValue<String>,
        what: &'static str,
    ) -> LocalResource<Result<T, ApiFailure>> {
        LocalResource::new(move || {
            let path = format!("/workspaces/{}/{what}", ws.get_value());
            async move { client::get::<T>(&path).await }
        })
    }
    let models: LocalResource<Result<Vec<Model>, ApiFailure>> = load(ws, "models");
    let mixtures: LocalResource<Result<Vec<Mixture>, ApiFailure>> = load(ws, "mixtures");
    let datasets: LocalResource<Result<Vec<Dataset>, ApiFailure>> = load(ws, "datasets");
    let runs: LocalResource<Result<Vec<Run>, ApiFailure>> = load(ws, "runs");
    let compute: LocalResource<Result<ComputeInfo, ApiFailure>> = load(ws, "compute");
    // Per-version token counts from the profiles (the builder's catalog).
    let catalog: LocalResource<Result<polytune_api::MixtureCatalog, ApiFailure>> = load(ws, "mixtures/catalog");

    let model_list = Memo::new(move |_| models.get().and_then(|r| r.ok()).unwrap_or_default());
    let mixture_list = Memo::new(move |_| {
        mixtures
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.state == MixtureState::Ready && m.version_id.is_some())
            .collect::<Vec<_>>()
    });
    let versions = Memo::new(move |_| {
        let list = datasets.get().and_then(|r| r.ok()).unwrap_or_default();
        version_labels(&list).into_iter().collect::<Vec<_>>()
    });
    let run_list = Memo::new(move |_| runs.get().and_then(|r| r.ok()).unwrap_or_default());
    let compute_info = Memo::new(move |_| compute.get().and_then(|r| r.ok()));

    let model_id = RwSignal::new(String::new());
    let data = RwSignal::new(String::new());
    let spec = RwSignal::new(Preset::Balanced.spec(2048));
    let continue_run = RwSignal::new(String::new());
    let replay = RwSignal::new(0.2f64);
    let name = RwSignal::new(String::new());
    let server = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let advanced_open = RwSignal::new(false);
    let spec_errors = Memo::new(move |_| spec.with(|s| s.validate()));
    let form = Form { spec, spec_errors, server, unparsed: RwSignal::new(BTreeSet::new()) };
    Effect::new(move |prev: Option<()>| {
        spec.track();
        if prev.is_some() {
            drop_errors(server, "spec.");
        }
    });

    let model = Memo::new(move |_| model_list.with(|l| model_id.with(|id| l.iter().find(|m| &m.id == id).cloned())));
    let context = move || model.with(|m| m.as_ref().map_or(2048, |m| m.info.context_length));
    // The preset whose settings are exactly the current ones, if any.
    let active_preset = Memo::new(move |_| {
        let ctx = context();
        spec.with(|s| Preset::ALL.into_iter().find(|p| p.spec(ctx) == *s))
    });
    let chosen_mixture = Memo::new(move |_| {
        data.with(|d| {
            d.strip_prefix("mix:").and_then(|id| mixture_list.with(|l| l.iter().find(|m| m.id == id).cloned()))
        })
    });
    let facts = Memo::new(move |_| {
        let d = data.get();
        if let Some(m) = chosen_mixture.get() {
            let version_id = m.version_id.clone().unwrap_or_default();
            let guessed = m.plan.tokens == 0;
            let tokens = if guessed { m.plan.examples * 256 } else { m.plan.tokens };
            return Some(DataFacts { version_id, examples: m.plan.examples, tokens, tokens_guessed: guessed });
        }
        let id = d.strip_prefix("ver:").or_else(|| d.strip_prefix("mix:").map(|_| ""))?;
        if id.is_empty() {
            return None;
        }
        let examples = versions.with(|v| v.iter().find(|(vid, _)| vid == id).map_or(0, |(_, (_, n))| *n));
        let counted: u64 = catalog
            .get()
            .and_then(|r| r.ok())
            .and_then(|c| c.sources.into_iter().find(|s| s.version_id == id))
            .map_or(0, |s| s.languages.iter().map(|l| l.tokens).sum());
        if counted > 0 {
            return Some(DataFacts { version_id: id.to_string(), examples, tokens: counted, tokens_guessed: false });
        }
        Some(DataFacts { version_id: id.to_string(), examples, tokens: examples * 256, tokens_guessed: true })
    });

    // Fill the form once everything it may start from has loaded.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let loaded =
            models.get().is_some() && runs.get().is_some() && mixtures.get().is_some() && datasets.get().is_some();
        if !loaded || started.get_value() {
            return;
        }
        started.set_value(true);
        let runs = run_list.get_untracked();
        let models = model_list.get_untracked();
        let ctx_of = |id: &str| models.iter().find(|m| m.id == id).map_or(2048, |m| m.info.context_length);
        if let Some(r) = want_duplicate.as_deref().and_then(|id| runs.iter().find(|r| r.id == id)) {
            model_id.set(r.model_id.clone());
            let mixture_ready =
                r.mixture_id.as_ref().is_some_and(|m| mixture_list.with_untracked(|l| l.iter().any(|x| &x.id == m)));
            data.set(match &r.mixture_id {
                Some(m) if mixture_ready => format!("mix:{m}"),
                _ => format!("ver:{}", r.dataset_version_id),
            });
            spec.set(r.spec.clone());
            name.set(format!("{} (copy)", r.name));
            if let Some(c) = &r.continue_from {
                continue_run.set(c.run_id.clone());
                replay.set(c.replay);
            }
            if active_preset.get_untracked().is_none() {
                advanced_open.set(true);
            }
            return;
        }
        let from = want_continue.as_deref().and_then(|id| runs.iter().find(|r| r.id == id));
        let model =
            from.map(|r| r.model_id.clone()).or_else(|| models.first().map(|m| m.id.clone())).unwrap_or_default();
        spec.set(Preset::Balanced.spec(ctx_of(&model)));
        model_id.set(model);
        if let Some(r) = from {
            continue_run.set(r.id.clone());
            name.set(format!("{} (continued)", r.name));
        } else {
            name.set(format!("Run {}", runs.len() + 1));
        }
        let mixture = want_mixture.clone().filter(|id| mixture_list.with_untracked(|l| l.iter().any(|m| &m.id == id)));
        if let Some(m) = mixture {
            data.set(format!("mix:{m}"));
        } else if from.is_none() {
            // The most recent ready mixture is the usual next step of the journey.
            if let Some(m) =
                mixture_list.with_untracked(|l| l.iter().max_by_key(|m| m.created_at).map(|m| m.id.clone()))
            {
                data.set(format!("mix:{m}"));
            }
        }
    });

    let field_error = move |path: &'static str| server.with(|s| s.as_ref().and_then(|f| f.field(path)));
    let choose_preset = move |p: Preset| spec.set(p.spec(context()));

    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateRun {
            name: name.get().trim().to_string(),
            model_id: model_id.get(),
            dataset_version_id: facts.get().map(|f| f.version_id).unwrap_or_default(),
            spec: spec.get(),
            continue_from: continue_run
                .with(|c| (!c.is_empty()).then(|| ContinueFrom { run_id: c.clone(), replay: replay.get() })),
        };
        let mut problems = Vec::new();
        if req.model_id.is_empty() {
            problems.push(FieldError::new("model_id", "choose the base model to tune"));
        }
        if req.dataset_version_id.is_empty() {
            problems.push(FieldError::new("dataset_version_id", "choose a mixture or a dataset version to train on"));
        }
        for p in form.unparsed.get() {
            problems.push(FieldError::new(format!("spec.{p}"), "is not a number"));
        }
        problems.extend(req.validate());
        if !problems.is_empty() {
            if problems.iter().any(|p| p.path.starts_with("spec.")) {
                advanced_open.set(true);
            }
            server.set(Some(invalid(problems)));
            return;
        }
        busy.set(true);
        server.set(None);
        let navigate = navigate.clone();
        let ws = ws.get_value();
        leptos::task::spawn_local(async move {
            match client::post::<_, Run>(&format!("/workspaces/{ws}/runs"), &req).await {
                Ok(run) => navigate(&format!("/workspaces/{ws}/runs/{}", run.id), Default::default()),
                Err(e) => {
                    busy.set(false);
                    if let ApiFailure::Problem(p) = &e
                        && p.errors.iter().any(|e| e.path.starts_with("spec."))
                    {
                        advanced_open.set(true);
                    }
                    server.set(Some(e));
                }
            }
        });
    };

    let ws_href = move |rest: &str| format!("/workspaces/{}/{rest}", ws.get_value());
    view! {
        <RequireSignIn/>
        <p><A href=ws_href("runs")>"← Runs"</A></p>
        <h1>"New run"</h1>
        <p class="muted">"Four choices, each with what it costs before it costs anything. Every expert setting is under Advanced."</p>
        <form class="run-wizard" on:submit=submit novalidate>
            <section class="card wizard-step" aria-labelledby="step-model">
                <h2 id="step-model">"1. The base model"</h2>
                {move || match models.get() {
                    None => view! { <Loading/> }.into_any(),
                    Some(Ok(l)) if l.is_empty() => view! {
                        <p class="empty">"No base model yet. Add one on the Models tab (a tiny one trains in seconds)." " "<A href=ws_href("models")>"Go to models"</A></p>
                    }.into_any(),
                    _ => view! {
                        <label for="run-model">"Model to tune"</label>
                        <select id="run-model" name="model_id" prop:value=move || model_id.get()
                            aria-invalid=move || if field_error("model_id").is_some() { "true" } else { "false" }
                            on:change=move |ev| {
                                let id = event_target_value(&ev);
                                let preset = active_preset.get_untracked();
                                model_id.set(id.clone());
                                drop_errors(server, "model_id");
                                if let Some(p) = preset { spec.set(p.spec(context())); }
                                let keep = run_list.with_untracked(|l| l.iter().any(|r| r.id == continue_run.get_untracked() && r.model_id == id));
                                if !keep { continue_run.set(String::new()); }
                            }>
                            <option value="" selected=move || model_id.with(String::is_empty)>"Choose a base model"</option>
                            {move || model_list.get().into_iter().map(|m| {
                                let id = m.id.clone();
                                view! {
                                    <option value=m.id.clone() selected=move || model_id.with(|s| *s == id)>
                                        {format!("{} — {} parameters, {} tokens of context", m.name, param_count(m.info.parameters), m.info.context_length)}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                        <p class="field-error">{move || field_error("model_id").unwrap_or_default()}</p>
                    }.into_any(),
                }}
            </section>

            <section class="card wizard-step" aria-labelledby="step-data">
                <h2 id="step-data">"2. The data"</h2>
                <p class="muted">"A mixture says how much of each language the model sees. You can also train on one dataset version as it is."</p>
                <label for="run-data">"Train on"</label>
                <select id="run-data" name="dataset_version_id" prop:value=move || data.get()
                    aria-invalid=move || if field_error("dataset_version_id").is_some() { "true" } else { "false" }
                    on:change=move |ev| { data.set(event_target_value(&ev)); drop_errors(server, "dataset_version_id"); }>
                    <option value="" selected=move || data.with(String::is_empty)>"Choose a mixture or a dataset version"</option>
                    {move || {
                        let mixes = mixture_list.get();
                        (!mixes.is_empty()).then(|| view! {
                            <optgroup label="Mixtures (ready)">
                                {mixes.into_iter().map(|m| {
                                    let value = format!("mix:{}", m.id);
                                    let v2 = value.clone();
                                    let langs = m.plan.languages.iter().map(|l| l.language.clone()).collect::<Vec<_>>().join(", ");
                                    view! { <option value=value selected=move || data.with(|d| *d == v2)>{format!("{} — {} examples ({langs})", m.name, m.plan.examples)}</option> }
                                }).collect_view()}
                            </optgroup>
                        })
                    }}
                    <optgroup label="Dataset versions">
                        {move || versions.get().into_iter().map(|(id, (label, n))| {
                            let value = format!("ver:{id}");
                            let v2 = value.clone();
                            view! { <option value=value selected=move || data.with(|d| *d == v2)>{format!("{label} — {n} examples")}</option> }
                        }).collect_view()}
                    </optgroup>
                    {move || {
                        // The duplicated run's data when it is in neither list (a mixture no longer ready).
                        let d = data.get();
                        let listed = d.is_empty()
                            || chosen_mixture.with(Option::is_some)
                            || d.strip_prefix("ver:").is_some_and(|id| versions.with(|v| v.iter().any(|(vid, _)| vid == id)));
                        (!listed).then(|| view! { <option value=d.clone() selected>"The same data as the run it copies"</option> })
                    }}
                </select>
                <p class="field-error">{move || field_error("dataset_version_id").unwrap_or_default()}</p>
                {move || chosen_mixture.get().map(|m| {
                    let href = ws_href(&format!("mixtures/{}", m.id));
                    view! {
                        <div class="mixture-shares">
                            <p>"How much of each language the model sees in "<A href=href>{m.name.clone()}</A>":"</p>
                            <ShareBar plan=m.plan.clone()/>
                        </div>
                    }
                })}
                {move || (mixture_list.with(Vec::is_empty) && mixtures.get().is_some()).then(|| view! {
                    <p class="hint">"No mixture is ready yet. "<A href=ws_href("mixtures")>"Compose one"</A>" to choose how much of each language goes in."</p>
                })}
            </section>

            <section class="card wizard-step" aria-labelledby="step-preset">
                <h2 id="step-preset">"3. How much training"</h2>
                <div class="preset-cards" role="group" aria-labelledby="step-preset">
                    {Preset::ALL.into_iter().map(|p| view! {
                        <button type="button" class="preset-card" data-preset=enum_str(&p)
                            aria-pressed=move || if active_preset.get() == Some(p) { "true" } else { "false" }
                            on:click=move |_| choose_preset(p)>
                            <strong>{p.label()}</strong>
                            <span>{p.explain()}</span>
                        </button>
                    }).collect_view()}
                </div>
                {move || active_preset.get().is_none().then(|| view! { <p class="hint">"Your own settings (changed under Advanced). Pick a card to start again from a preset."</p> })}
            </section>

            <section class="card wizard-step" aria-labelledby="step-estimate">
                <h2 id="step-estimate">"4. What it will take"</h2>
                {move || {
                    let cont = continue_run.get();
                    estimate_view(
                        model.get(),
                        spec.get(),
                        spec_errors.with(Vec::is_empty) && form.unparsed.with(BTreeSet::is_empty),
                        compute_info.get(),
                        facts.get(),
                        (!cont.is_empty()).then(|| replay.get()),
                    )
                }}
            </section>

            <details class="advanced card" prop:open=move || advanced_open.get() on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    advanced_open.set(d.has_attribute("open"));
                }
            }>
                <summary>"Advanced: every setting"</summary>
                <p class="muted">"What the preset chose, to change anything. Each setting is checked as you type."</p>
                {advanced_settings(form)}
            </details>

            <section class="card wizard-step" aria-labelledby="step-continue">
                <h2 id="step-continue">"Continue from an earlier run (optional)"</h2>
                <p class="muted">"Start from another run's newest checkpoint instead of the base model, e.g. to add a language to a model already tuned."</p>
                <label for="run-continue">"Start from"</label>
                <select id="run-continue" name="continue_from.run_id" prop:value=move || continue_run.get() on:change=move |ev| { continue_run.set(event_target_value(&ev)); drop_errors(server, "continue_from"); }>
                    <option value="" selected=move || continue_run.with(String::is_empty)>"The base model"</option>
                    {move || {
                        let mid = model_id.get();
                        run_list.get().into_iter().filter(|r| r.model_id == mid).map(|r| {
                            let id = r.id.clone();
                            view! { <option value=r.id.clone() selected=move || continue_run.with(|c| *c == id)>{format!("Run “{}”", r.name)}</option> }
                        }).collect_view()
                    }}
                </select>
                <p class="field-error">{move || field_error("continue_from.run_id").unwrap_or_default()}</p>
                {move || (!continue_run.with(String::is_empty)).then(|| view! {
                    <div class="field replay">
                        <label for="run-replay">"Replay: "<output>{move || format!("{:.0}%", replay.get() * 100.0)}</output></label>
                        <input id="run-replay" type="range" name="continue_from.replay" min="0" max="1" step="0.05"
                            prop:value=move || replay.get().to_string()
                            on:input=move |ev| replay.set(event_target_value(&ev).parse().unwrap_or(0.0))/>
                        <p class="hint">"Share of the earlier run's data mixed back in: for every new example, this many earlier ones. Some replay keeps the model from forgetting what it learned before; 0 trains on the new data only."</p>
                        <p class="field-error">{move || field_error("continue_from.replay").unwrap_or_default()}</p>
                    </div>
                })}
            </section>

            <section class="card wizard-step start" aria-labelledby="step-start">
                <h2 id="step-start">"Start"</h2>
                <label for="run-name">"Name"</label>
                <input id="run-name" name="name" autocomplete="off" prop:value=move || name.get() on:input=move |ev| { name.set(event_target_value(&ev)); drop_errors(server, "name"); }
                    aria-invalid=move || if field_error("name").is_some() { "true" } else { "false" }/>
                <p class="field-error">{move || field_error("name").unwrap_or_default()}</p>
                <div class="actions">
                    <button id="run-start" class="primary" type="submit" disabled=move || busy.get()>
                        {move || if busy.get() { "Starting…" } else { "Start run" }}
                    </button>
                </div>
                <p class="hint">"The run goes on when you close this tab; its page shows it live."</p>
                <ErrorBox error=server.read_only()/>
            </section>
        </form>
    }
}

// ---------------------------------------------------------------------------------------------
// A run's page

/// `/workspaces/:id/runs/:run_id`: one run, live while it trains.
#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let ws = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let run_id = StoredValue::new(params.read_untracked().get("run_id").unwrap_or_default());
    let detail = RwSignal::new(None::<Result<RunDetail, ApiFailure>>);
    let job = RwSignal::new(None::<Job>);
    let role = RwSignal::new(Role::Viewer);
    let action_error = RwSignal::new(None::<ApiFailure>);
    let logs = RwSignal::new(Vec::<JobEvent>::new());
    let connected = RwSignal::new(false);

    let load = move || {
        let (Some(ws), Some(id)) = (ws.try_get_value(), run_id.try_get_value()) else { return };
        leptos::task::spawn_local(async move {
            let d = client::get::<RunDetail>(&format!("/workspaces/{ws}/runs/{id}")).await;
            if let Ok(d) = &d
                && let Ok(j) = client::get::<Job>(&format!("/workspaces/{ws}/jobs/{}", d.run.job_id)).await
            {
                job.set(Some(j));
            }
            // A failed reload keeps what is shown; only a first failure replaces the page.
            match d {
                Ok(d) => detail.set(Some(Ok(d))),
                Err(e) => {
                    if !detail.try_with_untracked(|d| matches!(d, Some(Ok(_)))).unwrap_or(true) {
                        detail.set(Some(Err(e)));
                    }
                }
            }
        });
    };
    load();
    {
        let ws = ws.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(w) = client::get::<Workspace>(&format!("/workspaces/{ws}")).await {
                role.set(if w.archived { Role::Viewer } else { w.role });
            }
        });
    }
    // At most one reload a second, however many events arrive.
    let last = StoredValue::new(0.0f64);
    let pending = StoredValue::new(false);
    let refresh = move || {
        if pending.try_get_value() != Some(false) {
            return;
        }
        let wait = 1000.0 - (js_sys::Date::now() - last.get_value());
        if wait <= 0.0 {
            last.set_value(js_sys::Date::now());
            load();
        } else {
            pending.set_value(true);
            leptos::task::spawn_local(async move {
                client::gloo_timers_sleep(wait.ceil() as u32).await;
                pending.try_set_value(false);
                last.try_set_value(js_sys::Date::now());
                load();
            });
        }
    };
    let live = move || job.with(|j| j.as_ref().is_some_and(|j| !j.state.is_finished()));
    // Polling as a fallback for a dropped event stream.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if live() {
                refresh()
            }
        },
        Duration::from_secs(3),
    ) {
        on_cleanup(move || handle.clear());
    }
    let job_id =
        Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.run.job_id.clone())));
    Effect::new(move |_| {
        let Some(j) = job_id.get() else { return };
        subscribe(
            format!("/api/v1/workspaces/{}/jobs/{j}/events", ws.get_value()),
            move |e| match e.kind.as_str() {
                "progress" => refresh(),
                _ => {
                    let state = e.kind == "state";
                    logs.update(|l| {
                        l.push(e);
                        let extra = l.len().saturating_sub(50);
                        l.drain(..extra);
                    });
                    if state {
                        refresh();
                    }
                }
            },
            connected,
        );
    });

    let act = move |action: &'static str| {
        let Some(j) = job.get_untracked() else { return };
        let ws = ws.get_value();
        leptos::task::spawn_local(async move {
            match client::post::<_, Job>(&format!("/workspaces/{ws}/jobs/{}/{action}", j.id), &serde_json::json!({}))
                .await
            {
                Ok(j) => {
                    action_error.set(None);
                    job.set(Some(j));
                    load();
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    };

    let run = Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.run.clone())));
    let points = Memo::new(move |_| {
        detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.points.clone()).unwrap_or_default())
    });
    let checkpoints = Memo::new(move |_| {
        detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.checkpoints.clone()).unwrap_or_default())
    });

    // What the page shows changes only between loading, failed and loaded: the run's view is
    // built once and updates in place (open tables and the log's scroll stay as they are).
    let status = Memo::new(move |_| detail.with(|d| d.as_ref().map(|r| r.as_ref().err().cloned())));
    view! {
        <RequireSignIn/>
        {move || match status.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Some(ApiFailure::Problem(p))) if p.status == 404 => view! { <super::NotFound/> }.into_any(),
            Some(Some(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(None) => view! {
                <RunView run=run points=points checkpoints=checkpoints job=job role=role logs=logs connected=connected
                    action_error=action_error on_stop=Callback::new(move |_| act("cancel")) on_resume=Callback::new(move |_| act("retry"))/>
            }.into_any(),
        }}
    }
}

#[component]
fn RunView(
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
            .map_or(run.model_id.clone(), |m| m.name);
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
                    .get(&run.dataset_version_id)
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
                    Some(JobState::Running) if s.is_none() => j.as_ref().map(|j| j.phase.clone()).filter(|p| !p.is_empty()).unwrap_or_else(|| "Preparing…".into()),
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
                        <dt>"Throughput"</dt><dd>{num("tokens_per_second").map_or("—".into(), |v| format!("{} tokens/s", fmt_num(v)))}</dd>
                        <dt>"Time left"</dt><dd>{num("eta_seconds").filter(|_| running).map_or("—".into(), format_duration)}</dd>
                        <dt>"Elapsed"</dt><dd>{num("elapsed_seconds").map_or("—".into(), format_duration)}</dd>
                        <dt>"Tokens seen"</dt><dd>{s.as_ref().map(|s| lang_map(&s["tokens_by_language"]).values().sum::<f64>()).filter(|n| *n > 0.0).map_or("—".into(), fmt_count)}</dd>
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
                                    <td class="num">{fmt_count(n)}</td>
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
                let base = format!("/api/v1/workspaces/{}/runs/{}/export", run.workspace_id, run.id);
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
                                            <a href=format!("{base}?kind=merged&step={}", c.step) download="">"merged weights"</a>
                                            {lora.then(|| view! { " · "<a href=format!("{base}?kind=adapter&step={}", c.step) download="">"LoRA adapter (PEFT)"</a> })}
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
                    <li><time>{format_time(e.at)}</time>" "<span class=format!("kind-{}", e.kind)>{e.message}</span></li>
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

// ---------------------------------------------------------------------------------------------
// Comparing runs

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
        <p><A href=back.clone()>"← Runs"</A></p>
        <h1>"Compare runs"</h1>
        {move || if ids.with_value(Vec::len) < 2 {
            view! { <div class="empty"><p>"Pick two to four runs on the Runs tab to compare them."</p><A href=back.clone() attr:class="button primary">"Go to runs"</A></div> }.into_any()
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
                    .map_or_else(|| d.run.model_id.clone(), |m| m.name.clone())
            })
            .collect(),
    ));
    rows.push((
        "data".into(),
        c.details
            .iter()
            .map(|d| match mixture_of(d) {
                Some(m) => format!("mixture “{}”", m.name),
                None => c
                    .versions
                    .get(&d.run.dataset_version_id)
                    .map_or_else(|| d.run.dataset_version_id.clone(), |v| v.0.clone()),
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
                        .map_or_else(|| cf.run_id.clone(), |x| x.run.name.clone());
                    format!("{name} (replay {:.0}%)", cf.replay * 100.0)
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
                        Some(m) => m.plan.language(l).map_or("0%".into(), |p| format!("{:.1}%", p.share * 100.0)),
                        None => "—".into(),
                    })
                    .collect(),
            )
        })
        .collect();

    // Curves.
    let loss: Vec<Series> = c
        .details
        .iter()
        .zip(&runs)
        .map(|(d, (name, color, _))| (name.clone(), color.clone(), step_series(&d.points, "step", "loss")))
        .collect();
    let val: Vec<Series> = c
        .details
        .iter()
        .zip(&runs)
        .map(|(d, (name, color, _))| (name.clone(), color.clone(), step_series(&d.points, "eval", "loss")))
        .collect();

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
        "All languages".into(),
        base.and_then(|p| p.data["loss"].as_f64()),
        c.details.iter().map(|d| latest_eval(&d.points).and_then(|p| p.data["loss"].as_f64())).collect(),
    ));
    let same_model = c.details.iter().all(|d| d.run.model_id == c.details[0].run.model_id);
    let heads = runs.clone();

    view! {
        <ul class="legend compared-runs">
            {runs.into_iter().map(|(name, color, href)| view! {
                <li><span class="swatch" style=format!("background:{color}")></span>" "<A href=href>{name}</A></li>
            }).collect_view()}
        </ul>

        <section class="card" aria-labelledby="cmp-settings">
            <h2 id="cmp-settings">"Settings"</h2>
            <label class="check"><input id="only-differences" type="checkbox" prop:checked=move || only_diff.get() on:change=move |ev| only_diff.set(event_target_checked(&ev))/>
                {format!(" Only the differences ({n_differ})")}</label>
            <div class="table-scroll">
                <table class="data settings-diff">
                    <thead><tr><th scope="col">"Setting"</th>{heads.iter().map(|(n, _, _)| view! { <th scope="col">{n.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {move || rows.get_value().into_iter().filter(|r| r.2 || !only_diff.get()).map(|(k, vals, differs)| view! {
                            <tr class:differs=differs>
                                <th scope="row"><code>{k}</code>{differs.then(|| view! { " "<span class="badge diff">"differs"</span> })}</th>
                                {vals.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>

        <section class="card" aria-labelledby="cmp-mixture">
            <h2 id="cmp-mixture">"How much of each language"</h2>
            {if mix_rows.is_empty() {
                view! { <p class="muted mixture-diff">"None of these runs trained on a mixture, so no shares are known."</p> }.into_any()
            } else {
                view! {
                    <table class="data mixture-diff">
                        <thead><tr><th scope="col">"Language"</th>{heads.iter().map(|(n, _, _)| view! { <th scope="col" class="num">{n.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {mix_rows.into_iter().map(|(l, vals)| {
                                let differs = vals.iter().any(|v| *v != vals[0]);
                                view! {
                                    <tr class:differs=differs>
                                        <th scope="row"><span class="swatch" style=format!("background:{}", lang_color(&l))></span>" "{lang_label(&l)}</th>
                                        {vals.into_iter().map(|v| view! { <td class="num">{v}</td> }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>

        <section class="run-charts">
            <div class="card">
                <h2>"Training loss"</h2>
                <LineChart series=loss label="Training loss of each run" x_label="step" y_label="training loss" class="chart-compare-loss"/>
            </div>
            <div class="card">
                <h2>"Validation loss"</h2>
                <LineChart series=val label="Validation loss of each run" x_label="step" y_label="validation loss" class="chart-compare-val"
                    empty="No run has been evaluated yet."/>
            </div>
        </section>

        <section class="card" aria-labelledby="cmp-val">
            <h2 id="cmp-val">"Each language, run by run"</h2>
            <p class="muted">{format!(
                "Validation loss at each run's latest evaluation (lower is better); “base model” is the first run's evaluation before training{}. ★ marks the best run per language; differences below {NOISE} are within noise.",
                if same_model { "" } else { " (the runs tune different models)" }
            )}</p>
            <div class="table-scroll">
                <table class="data compare-val-table">
                    <thead><tr>
                        <th scope="col">"Language"</th>
                        <th scope="col" class="num">"Base model"</th>
                        {heads.iter().map(|(n, _, _)| view! { <th scope="col" class="num">{n.clone()}</th> }).collect_view()}
                        <th scope="col">"Note"</th>
                    </tr></thead>
                    <tbody>
                        {val_rows.into_iter().map(|(label, b, vals)| {
                            let present: Vec<f64> = vals.iter().flatten().copied().collect();
                            let best = present.iter().copied().fold(f64::INFINITY, f64::min);
                            let worst = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                            let noise = present.len() >= 2 && worst - best < NOISE;
                            let total = label == "All languages";
                            view! {
                                <tr class:total=total>
                                    <th scope="row">{label}</th>
                                    <td class="num">{b.map_or("—".into(), |v| format!("{v:.3}"))}</td>
                                    {vals.into_iter().map(|v| {
                                        let is_best = present.len() >= 2 && v == Some(best);
                                        view! {
                                            <td class="num" class:best=is_best>
                                                {v.map_or("—".into(), |v| format!("{v:.3}"))}
                                                {is_best.then(|| view! { " "<span aria-label="best">"★"</span> })}
                                                {v.zip(b).map(|(v, b)| view! { <span class="hint delta">{format!(" ({})", signed(v - b))}</span> })}
                                            </td>
                                        }
                                    }).collect_view()}
                                    <td>{noise.then(|| view! { <span class="badge noise">"within noise"</span> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
