//! Mixtures: the builder (how much of each language, augmentations, validation, contamination)
//! and a mixture's page (materializing, report, export, train on it).
//!
//! The builder never asks the server for its preview: every change runs [`plan`] on the
//! catalog's per-language aggregates, so the chart, the table and the messages are instant and
//! the same as the server's when the mixture is materialized.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use polytune_api::lang::{self, LangTag};
use polytune_api::{
    AugmentKind, AugmentPreview, AugmentTemplate, Augmentation, BudgetUnit, CreateMixture, FieldError, Job, JobState,
    Mixture, MixtureCatalog, MixturePlan, MixtureReport, MixtureSpec, MixtureState, RegisterEvaluationSet, Role,
    Shares, SourceFacts, Validate, Workspace, pinch, plan,
};

use crate::client::{self, ApiFailure, invalid};
use crate::components::charts::lang_color;
use crate::components::format::{pct, thousands};
use crate::components::jobs::{JobProgress, StateBadge, subscribe};
use crate::components::{ErrorBox, Loading, RequireSignIn, format_time};
use crate::i18n::{Msg, t};

// ---- small helpers ----------------------------------------------------------------------------------

/// A number as a person would type it: no trailing `.0`, one decimal at most.
fn fmt_f(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

/// "German"; an unknown code shows as itself.
fn english(code: &str) -> String {
    LangTag(code.to_string()).language().map(|l| l.english.to_string()).unwrap_or_else(|| code.to_string())
}

/// "deu — German (Deutsch)".
fn lang_full(code: &str) -> String {
    let tag = LangTag(code.to_string());
    if tag.language().is_some() { format!("{code} — {}", tag.display()) } else { code.to_string() }
}

fn swatch(code: &str) -> impl IntoView + use<> {
    view! { <span class="swatch lang" style=format!("background:{}", lang_color(code)) aria-hidden="true"></span> }
}

/// Digits only (spaces, commas and underscores as thousands separators are fine).
fn parse_u64(s: &str) -> Result<Option<u64>, ()> {
    let t = s.trim().replace([',', '_', ' '], "");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u64>().map(Some).map_err(|_| ())
}

fn parse_f64(s: &str) -> Result<Option<f64>, ()> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>().map(Some).map_err(|_| ())
}

fn source_label(s: &SourceFacts) -> String {
    format!("{} v{}", s.dataset_name, s.number)
}

fn source_languages(s: &SourceFacts) -> String {
    let mut parts: Vec<String> =
        s.languages.iter().take(6).map(|l| format!("{} {}", l.language, thousands(l.examples))).collect();
    if s.languages.len() > 6 {
        parts.push(format!("+{} more", s.languages.len() - 6));
    }
    parts.join(" · ")
}

fn state_word(s: MixtureState) -> (&'static str, &'static str) {
    match s {
        MixtureState::Materializing => ("materializing", "state-running"),
        MixtureState::Ready => ("ready", "state-succeeded"),
        MixtureState::Failed => ("failed", "state-failed"),
    }
}

fn mixture_badge(s: MixtureState) -> impl IntoView {
    let (word, class) = state_word(s);
    view! { <span class=format!("badge mixture-state {class}")>{word}</span> }
}

const KINDS: [AugmentKind; 5] = [
    AugmentKind::Translation,
    AugmentKind::CrossLingual,
    AugmentKind::Pivot,
    AugmentKind::TranslateThenAnswer,
    AugmentKind::Labeled,
];

thread_local! {
    static NEXT_CHART: Cell<u32> = const { Cell::new(0) };
}

/// A page-unique prefix for SVG ids (patterns).
fn chart_id() -> String {
    NEXT_CHART.with(|c| {
        c.set(c.get() + 1);
        format!("plan-chart-{}", c.get())
    })
}

/// The path of a spec message in words a person recognises.
fn describe(path: &str, spec: &MixtureSpec, sources: &[SourceFacts]) -> String {
    if path == "name" {
        return "Name".into();
    }
    if path == "sources" {
        return "Datasets".into();
    }
    if let Some(i) =
        path.strip_prefix("sources[").and_then(|r| r.strip_suffix(']')).and_then(|i| i.parse::<usize>().ok())
    {
        return match spec.sources.get(i).and_then(|id| sources.iter().find(|s| &s.version_id == id)) {
            Some(s) => format!("Dataset {}", source_label(s)),
            None => format!("Dataset {}", i + 1),
        };
    }
    if let Some(l) = path.strip_prefix("shares.percent.").or_else(|| path.strip_prefix("shares.amounts.")) {
        return format!("Share of {}", lang_full(l));
    }
    if path == "shares.total" {
        return "Size of the mixture".into();
    }
    if path == "shares.alpha" {
        return "Temperature".into();
    }
    if path.starts_with("shares") {
        return "Shares".into();
    }
    if let Some(l) = path.strip_prefix("caps.") {
        return format!("Cap for {}", lang_full(l));
    }
    if path == "validation_fraction" {
        return "Validation share".into();
    }
    if path == "validation_max_per_language" {
        return "Validation examples per language".into();
    }
    if path == "seed" {
        return "Seed".into();
    }
    if let Some((i, tail)) = path.strip_prefix("augmentations[").and_then(|r| r.split_once(']')) {
        let n = i.parse::<usize>().map(|i| i + 1).unwrap_or(0);
        let tail = tail.trim_start_matches('.');
        let what = if let Some(role) = tail.strip_prefix("inputs.") {
            format!(", input “{role}”")
        } else if let Some(f) = tail.strip_prefix("template.") {
            match f {
                "user" => ", instruction template".into(),
                "assistant" => ", answer template".into(),
                "name" => ", template name".into(),
                "language" => ", template language".into(),
                other => format!(", template {other}"),
            }
        } else if tail == "limit" {
            ", limit".into()
        } else if tail == "shots" {
            ", worked examples".into()
        } else {
            String::new()
        };
        return format!("Augmentation {n}{what}");
    }
    path.to_string()
}

// ---- the tab: list and builder ------------------------------------------------------------------------

/// What the builder starts from: empty, or a copy of a mixture's recipe.
#[derive(Debug, Clone, PartialEq)]
struct BuilderInit {
    title: String,
    name: String,
    spec: Option<MixtureSpec>,
}

/// The Mixtures tab: the list, and the builder ("New mixture", or `?from=` a mixture to change a copy).
#[component]
pub fn MixturesSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    let tick = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/mixtures", ws_id.get_value());
        async move { client::get::<Vec<Mixture>>(&path).await }
    });
    let connected = RwSignal::new(false);
    subscribe(
        format!("/api/v1/workspaces/{}/events?after=-1", ws.id),
        move |e| {
            if e.kind == "state" {
                tick.update(|t| *t += 1)
            }
        },
        connected,
    );
    let builder = RwSignal::new(None::<BuilderInit>);
    let query = use_query_map();
    Effect::new(move |_| {
        let Some(from) = query.read().get("from").filter(|f| !f.is_empty()) else { return };
        if !can_edit {
            return;
        }
        let path = format!("/workspaces/{}/mixtures/{from}", ws_id.get_value());
        leptos::task::spawn_local(async move {
            if let Ok(m) = client::get::<Mixture>(&path).await {
                builder.try_set(Some(BuilderInit {
                    title: format!("Change a copy of “{}”", m.name),
                    name: format!("{} (changed)", m.name),
                    spec: Some(m.spec),
                }));
            }
        });
    });
    let open_new = move |_| {
        builder.set(Some(BuilderInit {
            title: "New mixture".into(),
            name: format!("Mixture of {}", format_time(js_sys::Date::now() as i64)),
            spec: None,
        }))
    };
    let datasets = format!("/workspaces/{}/datasets", ws.id);
    view! {
        <p class="muted">"A mixture says how much of each language the model sees: which dataset versions, what share of each language, and the translations or other augmentations added. You see the result before anything runs."</p>
        {move || (can_edit && builder.with(|b| b.is_none())).then(|| view! {
            <p><button id="new-mixture" class="primary" type="button" on:click=open_new>"New mixture"</button></p>
        })}
        {move || builder.get().map(|init| view! {
            <Builder ws=ws_id.get_value() init=init on_close=move || builder.set(None)/>
        })}
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <div class="empty mixtures-empty">
                    <p>{t(Msg::EmptyMixtures)}</p>
                    <A href=datasets.clone() attr:class="button">{t(Msg::EmptyMixturesAction)}</A>
                </div>
            }.into_any(),
            Some(Ok(list)) => view! { <MixtureList list=list/> }.into_any(),
        }}
    }
}

#[component]
fn MixtureList(list: Vec<Mixture>) -> impl IntoView {
    view! {
        <table class="data mixtures" aria-label="Mixtures">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"State"</th>
                <th scope="col" class="num">"Training examples"</th><th scope="col">"Languages"</th><th scope="col">"Made"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|m| {
                    let href = format!("/workspaces/{}/mixtures/{}", m.workspace_id, m.id);
                    let examples = match &m.report {
                        Some(r) => thousands(r.train_examples),
                        None => format!("{} planned", thousands(m.plan.examples)),
                    };
                    let langs = m.plan.languages.clone();
                    let more = langs.len().saturating_sub(10);
                    view! {
                        <tr class="mixture-row" data-mixture-id=m.id.clone()>
                            <td><A href=href>{m.name.clone()}</A></td>
                            <td>{mixture_badge(m.state)}</td>
                            <td class="num">{examples}</td>
                            <td class="langs">
                                {langs.into_iter().take(10).map(|l| view! {
                                    <span class="lang-chip" title=format!("{}: {}", lang_full(&l.language), pct(l.share))>
                                        {swatch(&l.language)}{l.language.clone()}" "<span class="muted">{pct(l.share)}</span>
                                    </span>
                                }).collect_view()}
                                {(more > 0).then(|| view! { <span class="muted">{format!("+{more} more")}</span> })}
                            </td>
                            <td>{format_time(m.created_at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

// ---- builder state ------------------------------------------------------------------------------------

/// One augmentation as the builder edits it.
#[derive(Clone, Copy)]
struct AugRow {
    key: u32,
    template: RwSignal<AugmentTemplate>,
    inputs: RwSignal<BTreeMap<String, String>>,
    shots: RwSignal<usize>,
    limit: RwSignal<String>,
}

impl AugRow {
    fn new(key: u32, a: &Augmentation) -> Self {
        AugRow {
            key,
            template: RwSignal::new(a.template.clone()),
            inputs: RwSignal::new(a.inputs.clone()),
            shots: RwSignal::new(a.shots),
            limit: RwSignal::new(a.limit.map(|l| l.to_string()).unwrap_or_default()),
        }
    }

    fn build(&self, i: usize, errors: &mut Vec<FieldError>) -> Augmentation {
        let limit = match parse_u64(&self.limit.get()) {
            Ok(l) => l,
            Err(()) => {
                errors.push(FieldError::new(
                    format!("augmentations[{i}].limit"),
                    "enter a whole number, or leave it empty for all",
                ));
                None
            }
        };
        let template = self.template.get();
        let inputs =
            self.inputs.get().into_iter().filter(|(r, v)| template.roles.contains(r) && !v.is_empty()).collect();
        Augmentation { template, inputs, shots: self.shots.get(), limit }
    }
}

/// The builder's form: raw text where people type numbers, so a half-typed value is never lost.
#[derive(Clone, Copy)]
struct Form {
    sources: RwSignal<Vec<String>>,
    kind: RwSignal<&'static str>,
    percent: RwSignal<BTreeMap<String, String>>,
    percent_total: RwSignal<String>,
    unit: RwSignal<BudgetUnit>,
    amounts: RwSignal<BTreeMap<String, String>>,
    alpha: RwSignal<String>,
    temp_total: RwSignal<String>,
    caps: RwSignal<BTreeMap<String, String>>,
    oversample: RwSignal<bool>,
    seed: RwSignal<String>,
    val_fraction: RwSignal<String>,
    val_max: RwSignal<String>,
    drop_contaminated: RwSignal<bool>,
    augs: RwSignal<Vec<AugRow>>,
    next_key: StoredValue<u32>,
}

impl Form {
    fn new() -> Self {
        let d = MixtureSpec::default();
        Form {
            sources: RwSignal::new(Vec::new()),
            kind: RwSignal::new("natural"),
            percent: RwSignal::new(BTreeMap::new()),
            percent_total: RwSignal::new(String::new()),
            unit: RwSignal::new(BudgetUnit::Examples),
            amounts: RwSignal::new(BTreeMap::new()),
            alpha: RwSignal::new("0.3".into()),
            temp_total: RwSignal::new(String::new()),
            caps: RwSignal::new(BTreeMap::new()),
            oversample: RwSignal::new(d.oversample),
            seed: RwSignal::new(d.seed.to_string()),
            val_fraction: RwSignal::new(d.validation_fraction.to_string()),
            val_max: RwSignal::new(d.validation_max_per_language.to_string()),
            drop_contaminated: RwSignal::new(d.drop_contaminated),
            augs: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        }
    }

    fn key(&self) -> u32 {
        self.next_key.update_value(|k| *k += 1);
        self.next_key.get_value()
    }

    fn load(&self, spec: &MixtureSpec) {
        self.sources.set(spec.sources.clone());
        match &spec.shares {
            Shares::Natural => self.kind.set("natural"),
            Shares::Percent { percent, total } => {
                self.kind.set("percent");
                self.percent.set(percent.iter().map(|(l, p)| (l.clone(), fmt_f(*p))).collect());
                self.percent_total.set(total.to_string());
            }
            Shares::Budgets { unit, amounts } => {
                self.kind.set("budgets");
                self.unit.set(*unit);
                self.amounts.set(amounts.iter().map(|(l, a)| (l.clone(), a.to_string())).collect());
            }
            Shares::Temperature { alpha, total } => {
                self.kind.set("temperature");
                self.alpha.set(format!("{alpha}"));
                self.temp_total.set(total.map(|t| t.to_string()).unwrap_or_default());
            }
        }
        self.caps.set(spec.caps.iter().map(|(l, c)| (l.clone(), c.to_string())).collect());
        self.oversample.set(spec.oversample);
        self.seed.set(spec.seed.to_string());
        self.val_fraction.set(spec.validation_fraction.to_string());
        self.val_max.set(spec.validation_max_per_language.to_string());
        self.drop_contaminated.set(spec.drop_contaminated);
        let rows = spec.augmentations.iter().map(|a| AugRow::new(self.key(), a)).collect();
        self.augs.set(rows);
    }

    /// The spec as typed, and the numbers that could not be read (with their spec paths).
    fn build(&self, present: &BTreeSet<String>) -> (MixtureSpec, Vec<FieldError>) {
        let mut errors = Vec::new();
        let whole = "enter a whole number (like 1000)";
        let number_map = |map: &BTreeMap<String, String>, prefix: &str, errors: &mut Vec<FieldError>| {
            let mut out = BTreeMap::new();
            for (l, v) in map.iter().filter(|(l, _)| present.contains(*l)) {
                match parse_u64(v) {
                    Ok(Some(n)) => {
                        out.insert(l.clone(), n);
                    }
                    Ok(None) => {}
                    Err(()) => errors.push(FieldError::new(format!("{prefix}.{l}"), whole)),
                }
            }
            out
        };
        let shares = match self.kind.get() {
            "percent" => {
                let mut percent = BTreeMap::new();
                for (l, v) in self.percent.get().iter().filter(|(l, _)| present.contains(*l)) {
                    match parse_f64(v) {
                        Ok(Some(p)) => {
                            percent.insert(l.clone(), p);
                        }
                        Ok(None) => {}
                        Err(()) => {
                            errors.push(FieldError::new(format!("shares.percent.{l}"), "enter a number (like 25)"))
                        }
                    }
                }
                let total = match parse_u64(&self.percent_total.get()) {
                    Ok(t) => t.unwrap_or(0),
                    Err(()) => {
                        errors.push(FieldError::new("shares.total", whole));
                        0
                    }
                };
                Shares::Percent { percent, total }
            }
            "budgets" => Shares::Budgets {
                unit: self.unit.get(),
                amounts: number_map(&self.amounts.get(), "shares.amounts", &mut errors),
            },
            "temperature" => {
                let alpha = parse_f64(&self.alpha.get()).ok().flatten().unwrap_or(f64::NAN);
                let total = match parse_u64(&self.temp_total.get()) {
                    Ok(t) => t,
                    Err(()) => {
                        errors.push(FieldError::new("shares.total", whole));
                        None
                    }
                };
                Shares::Temperature { alpha, total }
            }
            _ => Shares::Natural,
        };
        let caps = number_map(&self.caps.get(), "caps", &mut errors);
        let seed = parse_u64(&self.seed.get()).unwrap_or_else(|()| {
            errors.push(FieldError::new("seed", whole));
            None
        });
        let validation_fraction = match parse_f64(&self.val_fraction.get()) {
            Ok(Some(f)) => f,
            Ok(None) => 0.0,
            Err(()) => {
                errors.push(FieldError::new("validation_fraction", "enter a number such as 0.05 (5%)"));
                0.0
            }
        };
        let validation_max = parse_u64(&self.val_max.get()).unwrap_or_else(|()| {
            errors.push(FieldError::new("validation_max_per_language", whole));
            None
        });
        let augmentations = self.augs.get().iter().enumerate().map(|(i, r)| r.build(i, &mut errors)).collect();
        let spec = MixtureSpec {
            sources: self.sources.get(),
            shares,
            caps,
            oversample: self.oversample.get(),
            seed: seed.unwrap_or(0),
            augmentations,
            validation_fraction,
            validation_max_per_language: validation_max.unwrap_or(0),
            drop_contaminated: self.drop_contaminated.get(),
        };
        (spec, errors)
    }
}

/// Messages for the builder's fields: the local plan's, and the server's after Materialize.
#[derive(Clone, Copy)]
struct Errors {
    local: Memo<Vec<FieldError>>,
    server: RwSignal<Vec<FieldError>>,
}

impl Errors {
    fn at(&self, path: &str) -> Option<String> {
        let mut msgs: Vec<String> =
            self.local.with(|e| e.iter().filter(|e| e.path == path).map(|e| e.message.clone()).collect());
        self.server.with(|e| msgs.extend(e.iter().filter(|e| e.path == path).map(|e| e.message.clone())));
        msgs.dedup();
        (!msgs.is_empty()).then(|| msgs.join(" · "))
    }

    fn all(&self) -> Vec<FieldError> {
        let mut all = self.local.get();
        for e in self.server.get() {
            if !all.contains(&e) {
                all.push(e);
            }
        }
        all
    }
}

/// The message line under a field, by its spec path.
fn err_line(errors: Errors, id: String, path: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    view! { <p class="field-error" id=id aria-live="polite">{move || errors.at(&path())}</p> }
}

fn invalid_attr(errors: Errors, path: String) -> impl Fn() -> &'static str + Send + Sync + 'static {
    move || if errors.at(&path).is_some() { "true" } else { "false" }
}

type Catalog = RwSignal<Option<Result<MixtureCatalog, ApiFailure>>>;

fn with_sources<R>(catalog: Catalog, f: impl FnOnce(&[SourceFacts]) -> R) -> Option<R> {
    catalog.with(|c| match c {
        Some(Ok(c)) => Some(f(&c.sources)),
        _ => None,
    })
}

/// A number input for one language (a share, a budget or a cap).
#[allow(clippy::too_many_arguments)]
fn lang_number_input(
    map: RwSignal<BTreeMap<String, String>>,
    code: String,
    cap: bool,
    id_prefix: &str,
    unit: &'static str,
    hint: String,
    placeholder: &'static str,
    errors: Errors,
    path: String,
) -> impl IntoView {
    let id = format!("{id_prefix}-{code}");
    let err_id = format!("{id}-error");
    let (c1, c2) = (code.clone(), code.clone());
    let p = path.clone();
    view! {
        <div class="lang-input">
            {swatch(&code)}
            <label for=id.clone()>{code.clone()}" "<span class="lang-name">{english(&code)}</span></label>
            <input
                id=id.clone()
                class="num"
                inputmode="decimal"
                placeholder=placeholder
                data-lang=(!cap).then(|| code.clone())
                data-cap-lang=cap.then(|| code.clone())
                aria-describedby=err_id.clone()
                aria-invalid=invalid_attr(errors, path)
                prop:value=move || map.with(|m| m.get(&c1).cloned().unwrap_or_default())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    map.update(|m| {
                        if v.trim().is_empty() {
                            m.remove(&c2);
                        } else {
                            m.insert(c2.clone(), v);
                        }
                    })
                }
            />
            <span class="unit">{unit}</span>
            <span class="hint">{hint}</span>
            {err_line(errors, err_id, move || p.clone())}
        </div>
    }
}

// ---- the builder ---------------------------------------------------------------------------------------

#[component]
fn Builder(ws: String, init: BuilderInit, on_close: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ws = StoredValue::new(ws);
    let catalog: Catalog = RwSignal::new(None);
    let cat_tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        cat_tick.track();
        let path = format!("/workspaces/{}/mixtures/catalog", ws.get_value());
        leptos::task::spawn_local(async move {
            let r = client::get::<MixtureCatalog>(&path).await;
            catalog.try_set(Some(r));
        });
    });
    let form = Form::new();
    if let Some(spec) = &init.spec {
        form.load(spec);
    }
    let name = RwSignal::new(init.name.clone());

    // Languages of the chosen versions: (code, examples, tokens), most examples first.
    let langs = Memo::new(move |_| {
        let chosen = form.sources.get();
        with_sources(catalog, |sources| {
            let mut m: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            for s in sources.iter().filter(|s| chosen.contains(&s.version_id) && s.profiled && !s.evaluation) {
                for l in &s.languages {
                    let e = m.entry(l.language.clone()).or_default();
                    e.0 += l.examples;
                    e.1 += l.tokens;
                }
            }
            let mut v: Vec<(String, u64, u64)> = m.into_iter().map(|(l, (n, t))| (l, n, t)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        })
        .unwrap_or_default()
    });
    let present = Memo::new(move |_| langs.with(|v| v.iter().map(|l| l.0.clone()).collect::<BTreeSet<_>>()));
    let built = Memo::new(move |_| form.build(&present.get()));
    let plan_res = Memo::new(move |_| {
        let (spec, mut parse_errors) = built.get();
        match with_sources(catalog, |s| plan(&spec, s)) {
            None => Err(Vec::new()),
            Some(Ok(p)) if parse_errors.is_empty() => Ok(p),
            Some(Ok(_)) => Err(parse_errors),
            Some(Err(mut e)) => {
                parse_errors.append(&mut e);
                Err(parse_errors)
            }
        }
    });
    let local = Memo::new(move |_| plan_res.with(|r| r.as_ref().err().cloned().unwrap_or_default()));
    let server = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let errors = Errors { local, server };
    // The server's messages are about the spec it was sent: any change makes them stale.
    Effect::new(move |first: Option<()>| {
        built.track();
        name.track();
        if first.is_some() {
            server.set(Vec::new());
            failure.set(None);
        }
    });

    // Every language's training pool with natural shares (the starting point of presets).
    let natural_pool = move || -> Vec<(String, u64)> {
        let (spec, _) = built.get_untracked();
        let spec = MixtureSpec {
            shares: Shares::Natural,
            caps: BTreeMap::new(),
            augmentations: Vec::new(),
            oversample: false,
            ..spec
        };
        catalog
            .with_untracked(|c| match c {
                Some(Ok(c)) => plan(&spec, &c.sources).ok(),
                _ => None,
            })
            .map(|p| p.languages.iter().map(|l| (l.language.clone(), l.examples)).collect())
            .unwrap_or_else(|| langs.get_untracked().into_iter().map(|(l, n, _)| (l, n)).collect())
    };
    let normalize = move || {
        let codes: Vec<String> = langs.get_untracked().into_iter().map(|l| l.0).collect();
        if codes.is_empty() {
            return;
        }
        let vals: Vec<f64> = codes
            .iter()
            .map(|l| {
                form.percent.with_untracked(|m| {
                    m.get(l)
                        .and_then(|s| parse_f64(s).ok().flatten())
                        .filter(|v| v.is_finite() && *v >= 0.0)
                        .unwrap_or(0.0)
                })
            })
            .collect();
        let sum: f64 = vals.iter().sum();
        let mut out: Vec<f64> = if sum > 0.0 {
            vals.iter().map(|v| (v * 1000.0 / sum).round() / 10.0).collect()
        } else {
            vec![(1000.0 / codes.len() as f64).round() / 10.0; codes.len()]
        };
        let diff = 100.0 - out.iter().sum::<f64>();
        if let Some((i, _)) = out.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
            out[i] = ((out[i] + diff) * 10.0).round() / 10.0;
        }
        form.percent.update(|m| {
            for (l, v) in codes.iter().zip(out) {
                m.insert(l.clone(), fmt_f(v));
            }
        });
    };
    let set_kind = move |k: &'static str| {
        form.kind.set(k);
        let empty = |m: RwSignal<BTreeMap<String, String>>| {
            present.with_untracked(|p| m.with_untracked(|m| !m.keys().any(|l| p.contains(l))))
        };
        match k {
            "percent" if empty(form.percent) => {
                let pool = natural_pool();
                let total: u64 = pool.iter().map(|p| p.1).sum();
                form.percent.set(
                    pool.iter().map(|(l, n)| (l.clone(), fmt_f(*n as f64 * 100.0 / total.max(1) as f64))).collect(),
                );
                if form.percent_total.with_untracked(|t| t.trim().is_empty()) {
                    form.percent_total.set(total.to_string());
                }
                normalize();
            }
            "budgets" if empty(form.amounts) => {
                form.amounts.set(natural_pool().into_iter().map(|(l, n)| (l, n.to_string())).collect());
            }
            _ => {}
        }
    };

    // "English + N in each of k languages".
    let pinch_base = RwSignal::new(String::new());
    let pinch_n = RwSignal::new("100".to_string());
    let pinch_skip = RwSignal::new(BTreeSet::<String>::new());
    let base = Memo::new(move |_| {
        let chosen = pinch_base.get();
        langs.with(|v| {
            if v.iter().any(|l| l.0 == chosen) {
                chosen
            } else if v.iter().any(|l| l.0 == "eng") {
                "eng".to_string()
            } else {
                v.first().map(|l| l.0.clone()).unwrap_or_default()
            }
        })
    });
    let pinch_others = Memo::new(move |_| {
        let b = base.get();
        let skip = pinch_skip.get();
        langs.with(|v| v.iter().map(|l| l.0.clone()).filter(|l| *l != b && !skip.contains(l)).collect::<Vec<_>>())
    });
    let pinch_error = RwSignal::new(None::<String>);
    let apply_pinch = move |_| {
        let Ok(Some(n)) = parse_u64(&pinch_n.get_untracked()) else {
            pinch_error.set(Some("enter a whole number of examples".into()));
            return;
        };
        pinch_error.set(None);
        let pool: BTreeMap<String, u64> = natural_pool().into_iter().collect();
        if let Shares::Budgets { unit, amounts } = pinch(&base.get_untracked(), &pinch_others.get_untracked(), n, &pool)
        {
            form.kind.set("budgets");
            form.unit.set(unit);
            form.amounts.set(amounts.into_iter().map(|(l, a)| (l, a.to_string())).collect());
        }
    };

    // Materialize.
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let materialize = move |_| {
        let (spec, _) = built.get_untracked();
        let req = CreateMixture { name: name.get_untracked().trim().to_string(), spec };
        let problems = req.validate();
        if !problems.is_empty() {
            server.set(problems.clone());
            failure.set(Some(invalid(problems)));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let ws_id = ws.get_value();
        leptos::task::spawn_local(async move {
            let r = client::post::<_, Mixture>(&format!("/workspaces/{ws_id}/mixtures"), &req).await;
            busy.try_set(false);
            match r {
                Ok(m) => navigate(&format!("/workspaces/{ws_id}/mixtures/{}", m.id), Default::default()),
                Err(e) => {
                    if let ApiFailure::Problem(p) = &e {
                        server.try_set(
                            p.errors
                                .iter()
                                .map(|f| {
                                    FieldError::new(f.path.strip_prefix("spec.").unwrap_or(&f.path), f.message.clone())
                                })
                                .collect(),
                        );
                    }
                    failure.try_set(Some(e));
                }
            }
        });
    };

    let tokens = RwSignal::new(false);
    let pid = chart_id();
    let title = init.title.clone();
    view! {
        <section class="card mixture-builder" aria-labelledby="builder-title">
            <div class="builder-head">
                <h2 id="builder-title">{title}</h2>
                <button type="button" class="link subtle" on:click=move |_| on_close()>"Close the builder"</button>
            </div>
            <p class="muted">"Choose the data, say how much of each language the model sees, and check the result on the right: it updates as you type. Nothing runs until you press Materialize."</p>
            {move || catalog.with(|c| match c {
                None => Some(view! { <Loading/> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message()}</p> }.into_any()),
                Some(Ok(_)) => None,
            })}
            <div class="builder-layout">
                <div class="builder-form">
                    <SourcesPicker ws=ws catalog=catalog cat_tick=cat_tick form=form errors=errors/>

                    <fieldset class="shares">
                        <legend>"2. How much of each language"</legend>
                        <fieldset id="shares-kind" class="radios">
                            <legend class="sr-only">"How shares are set"</legend>
                            {[
                                ("natural", "As found", "everything in the chosen versions"),
                                ("percent", "Percent", "a share of each language in a mixture of a given size"),
                                ("budgets", "Budgets", "a number of examples or tokens per language"),
                                ("temperature", "Temperature", "from every language equal to as found"),
                            ].into_iter().map(|(k, label, hint)| view! {
                                <label class="check radio">
                                    <input type="radio" name="shares-kind" value=k
                                        prop:checked=move || form.kind.get() == k
                                        on:change=move |_| set_kind(k)/>
                                    <span><strong>{label}</strong>" — "<span class="muted">{hint}</span></span>
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <p class="field-error" aria-live="polite">{move || {
                            let msgs: Vec<String> = ["shares", "shares.percent", "shares.amounts", "shares.alpha"]
                                .iter().filter_map(|p| errors.at(p)).collect();
                            (!msgs.is_empty()).then(|| msgs.join(" · "))
                        }}</p>
                        <div id="shares-inputs">
                            {move || match form.kind.get() {
                                "percent" => view! { <PercentInputs form=form langs=langs errors=errors normalize=normalize/> }.into_any(),
                                "budgets" => view! { <BudgetInputs form=form langs=langs errors=errors/> }.into_any(),
                                "temperature" => view! { <TemperatureInputs form=form errors=errors/> }.into_any(),
                                _ => view! { <p class="muted">"Every example of the chosen versions, except those held out for validation. Big languages stay big; small ones stay small."</p> }.into_any(),
                            }}
                        </div>
                        <div class="pinch" role="group" aria-labelledby="pinch-title">
                            <p id="pinch-title"><strong>"Preset: "</strong>{move || {
                                let b = base.get();
                                if b.is_empty() {
                                    "one language in full, a pinch of each of the others".to_string()
                                } else {
                                    format!("{} + {} in each of {} languages", english(&b), pinch_n.get().trim(), pinch_others.with(|o| o.len()))
                                }
                            }}</p>
                            <p class="hint">"All of one language, and a small number of examples of each other one: often enough to teach a model to answer in a language."</p>
                            <div class="form-row">
                                <label for="pinch-base">"In full"</label>
                                <select id="pinch-base" on:change=move |ev| pinch_base.set(event_target_value(&ev))>
                                    {move || langs.get().into_iter().map(|(l, _, _)| {
                                        let v = l.clone();
                                        view! { <option value=l.clone() selected=move || base.get() == v>{lang_full(&l)}</option> }
                                    }).collect_view()}
                                </select>
                                <label for="pinch-n">"Examples of each other language"</label>
                                <input id="pinch-n" class="num short" inputmode="numeric" prop:value=move || pinch_n.get() on:input=move |ev| pinch_n.set(event_target_value(&ev))/>
                                <button id="pinch-apply" type="button" on:click=apply_pinch disabled=move || langs.with(|l| l.len() < 2)>"Use this preset"</button>
                            </div>
                            <p class="field-error" aria-live="polite">{move || pinch_error.get()}</p>
                            <div class="pinch-langs">
                                {move || {
                                    let b = base.get();
                                    langs.get().into_iter().filter(|l| l.0 != b).map(|(l, _, _)| {
                                        let (l1, l2) = (l.clone(), l.clone());
                                        view! {
                                            <label class="check">
                                                <input type="checkbox" data-pinch-lang=l.clone()
                                                    prop:checked=move || pinch_skip.with(|s| !s.contains(&l1))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        pinch_skip.update(|s| { if on { s.remove(&l2); } else { s.insert(l2.clone()); } });
                                                    }/>
                                                {swatch(&l)}{l.clone()}
                                            </label>
                                        }
                                    }).collect_view()
                                }}
                            </div>
                        </div>
                    </fieldset>

                    <fieldset class="limits">
                        <legend>"Limits"</legend>
                        <label class="check">
                            <input id="oversample" type="checkbox" prop:checked=move || form.oversample.get() on:change=move |ev| form.oversample.set(event_target_checked(&ev))/>
                            "Allow over-sampling (repeat examples)"
                        </label>
                        <p class="hint">"When a language is asked for more examples than it has, each example is repeated; repeats teach less than new examples."</p>
                        <div id="caps">
                            <p class="hint">"At most this many training examples of a language (optional):"</p>
                            {move || langs.get().into_iter().map(|(l, n, _)| {
                                let path = format!("caps.{l}");
                                lang_number_input(form.caps, l, true, "cap", "", format!("of {}", thousands(n)), "no cap", errors, path)
                            }).collect_view()}
                        </div>
                    </fieldset>

                    <Augmentations ws=ws catalog=catalog cat_tick=cat_tick form=form errors=errors/>

                    <details class="advanced">
                        <summary>"Advanced: validation, seed, evaluation sets"</summary>
                        <div class="form-grid">
                            <label for="validation-fraction">"Held out for validation (per language)"</label>
                            <div>
                                <input id="validation-fraction" class="num short" inputmode="decimal" prop:value=move || form.val_fraction.get() on:input=move |ev| form.val_fraction.set(event_target_value(&ev))/>
                                <span class="hint">" as a fraction: 0.05 = 5%"</span>
                                {err_line(errors, "validation-fraction-error".into(), || "validation_fraction".to_string())}
                            </div>
                            <label for="validation-max">"At most, per language"</label>
                            <div>
                                <input id="validation-max" class="num short" inputmode="numeric" prop:value=move || form.val_max.get() on:input=move |ev| form.val_max.set(event_target_value(&ev))/>
                                <span class="hint">" validation examples"</span>
                                {err_line(errors, "validation-max-error".into(), || "validation_max_per_language".to_string())}
                            </div>
                            <label for="seed">"Seed"</label>
                            <div>
                                <input id="seed" class="num short" inputmode="numeric" prop:value=move || form.seed.get() on:input=move |ev| form.seed.set(event_target_value(&ev))/>
                                <span class="hint">" the same seed draws the same examples"</span>
                                {err_line(errors, "seed-error".into(), || "seed".to_string())}
                            </div>
                        </div>
                        <label class="check">
                            <input id="drop-contaminated" type="checkbox" prop:checked=move || form.drop_contaminated.get() on:change=move |ev| form.drop_contaminated.set(event_target_checked(&ev))/>
                            "Leave out examples found in evaluation sets"
                        </label>
                        <p class="hint">"Either way, the report counts the training examples whose text (or an aligned translation) is in an evaluation set."</p>
                    </details>
                </div>

                <aside class="builder-preview" aria-labelledby="preview-title">
                    <h3 id="preview-title">"What the model will see"</h3>
                    {move || {
                        let all = errors.all();
                        (!all.is_empty()).then(|| {
                            let spec = built.with(|b| b.0.clone());
                            let items = with_sources(catalog, |s| {
                                all.iter().map(|e| (describe(&e.path, &spec, s), e.message.clone())).collect::<Vec<_>>()
                            }).unwrap_or_default();
                            view! {
                                <div class="error plan-problems" aria-live="polite">
                                    <p>{if items.len() == 1 { "One thing to fix:".to_string() } else { format!("{} things to fix:", items.len()) }}</p>
                                    <ul class="plan-errors">
                                        {items.into_iter().map(|(w, m)| view! { <li><strong>{w}</strong>": "{m}</li> }).collect_view()}
                                    </ul>
                                </div>
                            }
                        })
                    }}
                    {move || plan_res.get().ok().map(|p| {
                        let pid = pid.clone();
                        let stats = view! { <PlanStats plan=p.clone()/> };
                        let table = plan_table(&p);
                        let notes = p.notes.clone();
                        view! {
                            {stats}
                            {measure_toggle(tokens)}
                            {move || plan_chart(&p, tokens.get(), &pid)}
                            {legend()}
                            {(!notes.is_empty()).then(|| view! {
                                <ul class="plan-notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                            })}
                            <details class="plan-table-box">
                                <summary>"Show as table"</summary>
                                {table}
                            </details>
                        }
                    })}
                </aside>
            </div>

            <div class="materialize-row">
                <div class="field">
                    <label for="mixture-name">"Name"</label>
                    <input id="mixture-name" dir="auto" aria-describedby="mixture-name-error"
                        aria-invalid=invalid_attr(errors, "name".into())
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    {err_line(errors, "mixture-name-error".into(), || "name".to_string())}
                </div>
                <button id="mixture-materialize" class="primary" type="button"
                    disabled=move || busy.get() || plan_res.with(|r| r.is_err())
                    on:click=materialize>
                    {move || if busy.get() { "Starting…" } else { "Materialize" }}
                </button>
                <p class="hint">"Materializing draws the examples, runs the augmentations and checks for evaluation-set contamination; it keeps running if you close the tab."</p>
            </div>
            {move || failure.get().map(|e| view! { <p class="error" role="alert">{e.message()}</p> })}
        </section>
    }
}

/// Step 1: the dataset versions, with their languages; evaluation sets are marked here.
#[component]
fn SourcesPicker(
    ws: StoredValue<String>,
    catalog: Catalog,
    cat_tick: RwSignal<u32>,
    form: Form,
    errors: Errors,
) -> impl IntoView {
    let eval_error = RwSignal::new(None::<ApiFailure>);
    let toggle_eval = move |version_id: String, on: bool| {
        let ws_id = ws.get_value();
        leptos::task::spawn_local(async move {
            let r = if on {
                client::post::<_, serde_json::Value>(
                    &format!("/workspaces/{ws_id}/evaluation-sets"),
                    &RegisterEvaluationSet { version_id: version_id.clone() },
                )
                .await
                .map(|_| ())
            } else {
                client::delete(&format!("/workspaces/{ws_id}/evaluation-sets/{version_id}")).await
            };
            match r {
                Ok(()) => {
                    eval_error.try_set(None);
                    if on {
                        form.sources.try_update(|s| s.retain(|v| *v != version_id));
                    }
                    cat_tick.try_update(|t| *t += 1);
                }
                Err(e) => {
                    eval_error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <fieldset class="mixture-sources" id="sources">
            <legend>"1. Data"</legend>
            <p class="hint">"The dataset versions to draw from. A version registered as an evaluation set is never trained on: it is what the tuned model is tested against, and the mixture is checked for copies of it."</p>
            {err_line(errors, "sources-error".into(), || "sources".to_string())}
            <ul class="source-list">
                {move || with_sources(catalog, |sources| {
                    if sources.is_empty() {
                        return view! { <li class="muted">"No dataset versions in this workspace yet: upload a dataset first."</li> }.into_any();
                    }
                    sources.iter().map(|s| {
                        let vid = s.version_id.clone();
                        let (v1, v2, v3, v4) = (vid.clone(), vid.clone(), vid.clone(), vid.clone());
                        let selectable = s.profiled && !s.evaluation;
                        let id = format!("source-{vid}");
                        let eval = s.evaluation;
                        view! {
                            <li class="mixture-source" class:evaluation=eval class:unprofiled={!s.profiled}>
                                <label class="check" for=id.clone()>
                                    <input type="checkbox" id=id.clone() data-version-id=vid.clone()
                                        disabled={!selectable}
                                        prop:checked=move || form.sources.with(|v| v.contains(&v1))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            form.sources.update(|v| {
                                                v.retain(|x| *x != v2);
                                                if on { v.push(v2.clone()); }
                                            });
                                        }/>
                                    <span>
                                        <strong>{source_label(s)}</strong>
                                        " — "{thousands(s.examples)}" examples"
                                        {if !s.profiled {
                                            view! { " — "<em class="muted">"profiling…"</em> }.into_any()
                                        } else {
                                            view! { " — "<span class="muted">{source_languages(s)}</span> }.into_any()
                                        }}
                                        {eval.then(|| view! { " "<span class="badge evaluation">"evaluation set — not trained on"</span> })}
                                        {(s.profiled && s.tokenizer.is_none()).then(|| view! { " "<span class="badge" title="Profiled without a tokenizer: token counts are unknown">"no token counts"</span> })}
                                    </span>
                                </label>
                                <button type="button" class="link subtle eval-toggle" data-version-id=vid.clone()
                                    aria-pressed={if eval { "true" } else { "false" }}
                                    title={if eval { "Registered as an evaluation set: press to use it for training again" } else { "Register as an evaluation set (never trained on)" }}
                                    on:click=move |_| toggle_eval(v3.clone(), !eval)>
                                    {if eval { "Evaluation set ✓" } else { "Evaluation set" }}
                                </button>
                                <p class="field-error" aria-live="polite">{move || {
                                    let i = form.sources.with(|v| v.iter().position(|x| *x == v4));
                                    i.and_then(|i| errors.at(&format!("sources[{i}]")))
                                }}</p>
                            </li>
                        }
                    }).collect_view().into_any()
                })}
            </ul>
            <ErrorBox error=eval_error.read_only()/>
            <CountTokens ws=ws form=form cat_tick=cat_tick/>
        </fieldset>
    }
}

/// Counts the chosen versions' tokens with a model's own tokenizer (they are profiled again with
/// it), so the token shares are the ones that model will see.
#[component]
fn CountTokens(ws: StoredValue<String>, form: Form, cat_tick: RwSignal<u32>) -> impl IntoView {
    let models = LocalResource::new(move || {
        let path = format!("/workspaces/{}/models", ws.get_value());
        async move { client::get::<Vec<polytune_api::Model>>(&path).await }
    });
    let chosen = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let count = move |_| {
        let model = chosen.get_untracked();
        // The chosen versions and every augmentation input.
        let mut versions = form.sources.get_untracked();
        for a in form.augs.get_untracked() {
            for v in a.inputs.get_untracked().into_values() {
                if !v.is_empty() && !versions.contains(&v) {
                    versions.push(v);
                }
            }
        }
        if model.is_empty() || versions.is_empty() {
            status.set("Choose a model and at least one dataset version first.".into());
            return;
        }
        let ws_id = ws.get_value();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = polytune_api::CountTokens { version_ids: versions };
            match client::post::<_, polytune_api::TokenCounting>(
                &format!("/workspaces/{ws_id}/models/{model}/count-tokens"),
                &body,
            )
            .await
            {
                Err(e) => {
                    error.try_set(Some(e));
                }
                Ok(t) if t.jobs.is_empty() => {
                    error.try_set(None);
                    status.try_set("Already counted with this model's tokenizer.".into());
                }
                Ok(t) => {
                    error.try_set(None);
                    let total = t.jobs.len();
                    for _ in 0..300 {
                        let mut done = 0;
                        for j in &t.jobs {
                            if let Ok(job) =
                                client::get::<polytune_api::Job>(&format!("/workspaces/{ws_id}/jobs/{j}")).await
                                && job.state.is_finished()
                            {
                                done += 1;
                            }
                        }
                        status.try_set(format!("Counting tokens: {done} of {total} versions done…"));
                        if done == total {
                            break;
                        }
                        client::gloo_timers_sleep(1000).await;
                    }
                    status.try_set("Tokens counted with this model's tokenizer.".into());
                    cat_tick.try_update(|t| *t += 1);
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <div class="count-tokens">
            <label for="count-tokens-model">"Count tokens as a model sees them"</label>
            <select id="count-tokens-model" on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=move || chosen.get()>
                <option value="">"Choose a model…"</option>
                {move || models.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|m| view! {
                    <option value=m.id.clone()>{m.name.clone()}</option>
                }).collect_view()}
            </select>
            " "
            <button type="button" id="count-tokens" on:click=count disabled=move || busy.get()>"Count tokens"</button>
            <p class="hint" aria-live="polite">{move || status.get()}</p>
            <ErrorBox error=error.read_only()/>
        </div>
    }
}

#[component]
fn PercentInputs(
    form: Form,
    langs: Memo<Vec<(String, u64, u64)>>,
    errors: Errors,
    normalize: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let sum = move || {
        let p = langs.with(|v| v.iter().map(|l| l.0.clone()).collect::<Vec<_>>());
        form.percent.with(|m| p.iter().filter_map(|l| m.get(l).and_then(|s| parse_f64(s).ok().flatten())).sum::<f64>())
    };
    view! {
        <div class="field inline-field">
            <label for="percent-total">"Size of the mixture"</label>
            <input id="percent-total" class="num" inputmode="numeric" aria-describedby="percent-total-error"
                aria-invalid=invalid_attr(errors, "shares.total".into())
                prop:value=move || form.percent_total.get() on:input=move |ev| form.percent_total.set(event_target_value(&ev))/>
            <span class="unit">"training examples"</span>
            {err_line(errors, "percent-total-error".into(), || "shares.total".to_string())}
        </div>
        {move || langs.get().into_iter().map(|(l, n, _)| {
            let path = format!("shares.percent.{l}");
            lang_number_input(form.percent, l, false, "pct", "%", format!("{} available", thousands(n)), "0", errors, path)
        }).collect_view()}
        <p class="percent-sum">
            <span aria-live="polite">{move || {
                let s = sum();
                if (s - 100.0).abs() <= 0.5 { format!("Together: {}% ✓", fmt_f(s)) } else { format!("Together: {}% (must be 100%)", fmt_f(s)) }
            }}</span>
            " "
            <button id="percent-normalize" type="button" on:click=move |_| normalize()>"Make them add up to 100"</button>
        </p>
    }
}

#[component]
fn BudgetInputs(form: Form, langs: Memo<Vec<(String, u64, u64)>>, errors: Errors) -> impl IntoView {
    view! {
        <div class="field inline-field">
            <label for="budget-unit">"Count in"</label>
            <select id="budget-unit" on:change=move |ev| form.unit.set(if event_target_value(&ev) == "tokens" { BudgetUnit::Tokens } else { BudgetUnit::Examples })>
                <option value="examples" selected=move || form.unit.get() == BudgetUnit::Examples>"examples"</option>
                <option value="tokens" selected=move || form.unit.get() == BudgetUnit::Tokens>"tokens"</option>
            </select>
        </div>
        {move || {
            let tokens = form.unit.get() == BudgetUnit::Tokens;
            langs.get().into_iter().map(|(l, n, tk)| {
                let path = format!("shares.amounts.{l}");
                let hint = if tokens {
                    if tk == 0 { "tokens not counted".to_string() } else { format!("{} tokens available", thousands(tk)) }
                } else {
                    format!("{} available", thousands(n))
                };
                lang_number_input(form.amounts, l, false, "budget", if tokens { "tokens" } else { "examples" }, hint, "none", errors, path)
            }).collect_view()
        }}
        <p class="hint">"A language left empty gets none."</p>
    }
}

#[component]
fn TemperatureInputs(form: Form, errors: Errors) -> impl IntoView {
    view! {
        <div class="field inline-field">
            <label for="alpha">"Temperature α"</label>
            <input id="alpha" type="range" min="0" max="1" step="0.05" aria-describedby="alpha-hint"
                prop:value=move || form.alpha.get() on:input=move |ev| form.alpha.set(event_target_value(&ev))/>
            <output class="alpha-value" aria-live="polite">{move || form.alpha.get()}</output>
        </div>
        <p class="hint" id="alpha-hint">"Each language's share follows its size to the power α: 0 gives every language the same number of examples, 1 keeps them as found. Values around 0.3 lift small languages without drowning the big ones."</p>
        <div class="field inline-field">
            <label for="temperature-total">"Size of the mixture (optional)"</label>
            <input id="temperature-total" class="num" inputmode="numeric" placeholder="all available"
                aria-describedby="temperature-total-error"
                aria-invalid=invalid_attr(errors, "shares.total".into())
                prop:value=move || form.temp_total.get() on:input=move |ev| form.temp_total.set(event_target_value(&ev))/>
            <span class="unit">"training examples"</span>
            {err_line(errors, "temperature-total-error".into(), || "shares.total".to_string())}
        </div>
    }
}

// ---- augmentations ---------------------------------------------------------------------------------

#[component]
fn Augmentations(
    ws: StoredValue<String>,
    catalog: Catalog,
    cat_tick: RwSignal<u32>,
    form: Form,
    errors: Errors,
) -> impl IntoView {
    let add = move |_| {
        let first = catalog.with_untracked(|c| match c {
            Some(Ok(c)) => c.templates.first().cloned(),
            _ => None,
        });
        if let Some(template) = first {
            let row =
                AugRow::new(form.key(), &Augmentation { template, inputs: BTreeMap::new(), shots: 0, limit: None });
            form.augs.update(|v| v.push(row));
        }
    };
    let no_templates = move || catalog.with(|c| !matches!(c, Some(Ok(c)) if !c.templates.is_empty()));
    view! {
        <fieldset class="augmentations" id="augmentations">
            <legend>"3. Augmentations (optional)"</legend>
            <p class="hint">"New examples made from aligned data with a template: translations, answers in another language, labeled data as instructions. Each input reads one dataset version; the versions must be aligned line by line."</p>
            <For each=move || form.augs.get() key=|r: &AugRow| r.key children=move |row: AugRow| view! {
                <AugmentationEditor ws=ws catalog=catalog cat_tick=cat_tick form=form errors=errors row=row/>
            }/>
            <button id="add-augmentation" type="button" on:click=add disabled=no_templates>"Add augmentation"</button>
        </fieldset>
    }
}

#[component]
fn AugmentationEditor(
    ws: StoredValue<String>,
    catalog: Catalog,
    cat_tick: RwSignal<u32>,
    form: Form,
    errors: Errors,
    row: AugRow,
) -> impl IntoView {
    let key = row.key;
    let index = Memo::new(move |_| form.augs.with(|v| v.iter().position(|r| r.key == key).unwrap_or(0)));
    let at = move |tail: &str| format!("augmentations[{}].{tail}", index.get());
    let roles = Memo::new(move |_| row.template.with(|t| (t.roles.clone(), t.answer_role.clone())));
    let template_id = Memo::new(move |_| row.template.with(|t| t.id.clone().unwrap_or_default()));
    let pick_template = move |id: String| {
        let found = catalog.with_untracked(|c| match c {
            Some(Ok(c)) => c.templates.iter().find(|t| t.id.as_deref() == Some(id.as_str())).cloned(),
            _ => None,
        });
        if let Some(t) = found {
            row.inputs.update(|m| m.retain(|r, _| t.roles.contains(r)));
            row.template.set(t);
        }
    };
    let preview = RwSignal::new(None::<Result<AugmentPreview, ApiFailure>>);
    let previewing = RwSignal::new(false);
    let run_preview = move |_| {
        let mut errs = Vec::new();
        let a = row.build(index.get_untracked(), &mut errs);
        if !errs.is_empty() {
            preview.set(Some(Err(invalid(errs))));
            return;
        }
        previewing.set(true);
        let path = format!("/workspaces/{}/mixtures/preview-augmentation", ws.get_value());
        leptos::task::spawn_local(async move {
            let r = client::post::<_, AugmentPreview>(&path, &a).await;
            previewing.try_set(false);
            preview.try_set(Some(r));
        });
    };
    let tpl_error = RwSignal::new(None::<ApiFailure>);
    let tpl_saved = RwSignal::new(None::<String>);
    let save_template = move |_| {
        let mut tpl = row.template.get_untracked();
        let problems = tpl.validate();
        if !problems.is_empty() {
            tpl_error.set(Some(invalid(problems)));
            return;
        }
        tpl_error.set(None);
        let ws_id = ws.get_value();
        let stored = tpl.id.clone().filter(|id| !id.starts_with("builtin:"));
        leptos::task::spawn_local(async move {
            let r = match &stored {
                Some(id) => {
                    client::put::<_, AugmentTemplate>(&format!("/workspaces/{ws_id}/augment-templates/{id}"), &tpl)
                        .await
                }
                None => {
                    tpl.id = None;
                    client::post::<_, AugmentTemplate>(&format!("/workspaces/{ws_id}/augment-templates"), &tpl).await
                }
            };
            match r {
                Ok(t) => {
                    tpl_saved.try_set(Some(if stored.is_some() {
                        format!("Saved “{}”.", t.name)
                    } else {
                        format!("Saved “{}” as a workspace template.", t.name)
                    }));
                    row.template.try_set(t);
                    cat_tick.try_update(|t| *t += 1);
                }
                Err(e) => {
                    tpl_saved.try_set(None);
                    tpl_error.try_set(Some(e));
                }
            }
        });
    };
    let remove = move |_| form.augs.update(|v| v.retain(|r| r.key != key));
    let tid = format!("aug-{key}-template");
    let shots_id = format!("aug-{key}-shots");
    let limit_id = format!("aug-{key}-limit");
    let edit = move |field: fn(&mut AugmentTemplate, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            tpl_saved.set(None);
            row.template.update(|t| field(t, v));
        }
    };
    view! {
        <div class="augmentation" data-key=key.to_string()>
            <div class="augmentation-head">
                <h4>{move || format!("Augmentation {}", index.get() + 1)}</h4>
                <button type="button" class="link danger augmentation-remove" on:click=remove>"Remove"</button>
            </div>
            <div class="form-grid">
                <label for=tid.clone()>"Template"</label>
                <select id=tid.clone() class="template-select" on:change=move |ev| pick_template(event_target_value(&ev))>
                    {move || {
                        let current = template_id.get();
                        let templates = catalog.with(|c| match c {
                            Some(Ok(c)) => c.templates.clone(),
                            _ => Vec::new(),
                        });
                        let known = templates.iter().any(|t| t.id.as_deref() == Some(current.as_str()));
                        let own = (!known).then(|| {
                            let n = row.template.with_untracked(|t| t.name.clone());
                            view! { <option value=current.clone() selected=true>{format!("{n} (this mixture's copy)")}</option> }
                        });
                        let groups = KINDS.into_iter().filter_map(|k| {
                            let ts: Vec<AugmentTemplate> = templates.iter().filter(|t| t.kind == k).cloned().collect();
                            (!ts.is_empty()).then(|| view! {
                                <optgroup label=k.label()>
                                    {ts.into_iter().map(|t| {
                                        let id = t.id.clone().unwrap_or_default();
                                        let sel = id == current;
                                        let lang_name = lang::parse(&t.language).map(|l| l.display()).unwrap_or_else(|| t.language.clone());
                                        let builtin = id.starts_with("builtin:");
                                        view! { <option value=id selected=sel>{format!("{} — in {}{}", t.name, lang_name, if builtin { "" } else { " (workspace)" })}</option> }
                                    }).collect_view()}
                                </optgroup>
                            })
                        }).collect_view();
                        view! { {own}{groups} }
                    }}
                </select>
                {move || roles.get().0.into_iter().map(|role| {
                    let answer = role == roles.with_untracked(|r| r.1.clone());
                    let sid = format!("aug-{key}-input-{role}");
                    let err_id = format!("{sid}-error");
                    let (r1, r2, r3, r4) = (role.clone(), role.clone(), role.clone(), role.clone());
                    view! {
                        <label for=sid.clone()>{format!("Input “{role}”")}{answer.then(|| view! { <span class="hint">" (the new examples are in its language)"</span> })}</label>
                        <div>
                            <select id=sid.clone() data-role=role.clone() aria-describedby=err_id.clone()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    row.inputs.update(|m| { if v.is_empty() { m.remove(&r1); } else { m.insert(r1.clone(), v); } });
                                }>
                                <option value="" selected=move || row.inputs.with(|m| !m.contains_key(&r2))>"Choose a dataset version"</option>
                                {move || with_sources(catalog, |sources| {
                                    sources.iter().filter(|s| !s.evaluation).map(|s| {
                                        let v = s.version_id.clone();
                                        let r = r3.clone();
                                        let label = format!("{} — {} examples{}", source_label(s), thousands(s.examples),
                                            s.main_language().map(|l| format!(" — {}", english(l))).unwrap_or_else(|| " — profiling…".into()));
                                        let v2 = v.clone();
                                        view! { <option value=v selected=move || row.inputs.with(|m| m.get(&r) == Some(&v2))>{label}</option> }
                                    }).collect_view()
                                })}
                            </select>
                            {err_line(errors, err_id, move || at(&format!("inputs.{r4}")))}
                        </div>
                    }
                }).collect_view()}
                <label for=shots_id.clone()>"Worked examples"</label>
                <select id=shots_id.clone() class="shots-select" on:change=move |ev| row.shots.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {[(0usize, "None (zero-shot)"), (1, "1 (few-shot)"), (3, "3 (few-shot)"), (5, "5 (few-shot)")].into_iter().map(|(n, label)| view! {
                        <option value=n.to_string() selected=move || row.shots.get() == n>{label}</option>
                    }).collect_view()}
                </select>
                <label for=limit_id.clone()>"At most"</label>
                <div>
                    <input id=limit_id.clone() class="num short limit-input" inputmode="numeric" placeholder="all"
                        prop:value=move || row.limit.get() on:input=move |ev| row.limit.set(event_target_value(&ev))/>
                    <span class="hint">" new examples (drawn evenly)"</span>
                    {err_line(errors, format!("aug-{key}-limit-error"), move || at("limit"))}
                </div>
            </div>
            <p class="field-error" aria-live="polite">{move || {
                let msgs: Vec<String> = ["shots", "template.roles", "template.answer_role"].iter().filter_map(|p| errors.at(&at(p))).collect();
                (!msgs.is_empty()).then(|| msgs.join(" · "))
            }}</p>
            <details class="template-editor">
                <summary>"Edit template"</summary>
                <div class="form-grid">
                    <label for=format!("aug-{key}-tname")>"Name"</label>
                    <div>
                        <input id=format!("aug-{key}-tname") class="template-name" dir="auto" prop:value=move || row.template.with(|t| t.name.clone()) on:input=edit(|t, v| t.name = v)/>
                        {err_line(errors, format!("aug-{key}-tname-error"), move || at("template.name"))}
                    </div>
                    <label for=format!("aug-{key}-tlang")>"Language of its words"</label>
                    <div>
                        <input id=format!("aug-{key}-tlang") class="template-language short" prop:value=move || row.template.with(|t| t.language.clone()) on:input=edit(|t, v| t.language = v)/>
                        <span class="hint">{move || row.template.with(|t| lang::parse(&t.language).map(|l| format!(" {}", l.display())).unwrap_or_default())}</span>
                        {err_line(errors, format!("aug-{key}-tlang-error"), move || at("template.language"))}
                    </div>
                    <label for=format!("aug-{key}-tuser")>"Instruction (Jinja)"</label>
                    <div>
                        <textarea id=format!("aug-{key}-tuser") class="template-user" rows="4" dir="auto" spellcheck="false"
                            prop:value=move || row.template.with(|t| t.user.clone()) on:input=edit(|t, v| t.user = v)></textarea>
                        {err_line(errors, format!("aug-{key}-tuser-error"), move || at("template.user"))}
                    </div>
                    <label for=format!("aug-{key}-tassistant")>"Answer (Jinja)"</label>
                    <div>
                        <textarea id=format!("aug-{key}-tassistant") class="template-assistant" rows="3" dir="auto" spellcheck="false"
                            prop:value=move || row.template.with(|t| t.assistant.clone()) on:input=edit(|t, v| t.assistant = v)></textarea>
                        {err_line(errors, format!("aug-{key}-tassistant-error"), move || at("template.assistant"))}
                    </div>
                </div>
                <p class="hint">{move || {
                    let (roles, _) = roles.get();
                    let first = roles.first().cloned().unwrap_or_else(|| "source".into());
                    format!(
                        "Inputs: {}. Each offers text, instruction, response, language, language_name, native_name, id and meta.* — for example {{{{ {first}.text }}}} or {{{{ {first}.language_name }}}}.",
                        roles.join(", ")
                    )
                }}</p>
                <div class="actions">
                    <button type="button" class="template-save" on:click=save_template>
                        {move || if row.template.with(|t| t.id.as_deref().is_some_and(|id| !id.starts_with("builtin:"))) { "Save the workspace template" } else { "Save as workspace template" }}
                    </button>
                    <span class="muted" role="status">{move || tpl_saved.get()}</span>
                </div>
                <ErrorBox error=tpl_error.read_only()/>
            </details>
            <div class="actions">
                <button type="button" class="augmentation-preview" on:click=run_preview disabled=move || previewing.get()>
                    {move || if previewing.get() { "Making examples…" } else { "Preview" }}
                </button>
            </div>
            {move || preview.get().map(|r| match r {
                Ok(p) => view! {
                    <div class="augmentation-examples" aria-live="polite">
                        <p class="muted">{format!("Makes {} examples in all. The first {}:", thousands(p.total), p.examples.len().min(3))}</p>
                        {p.examples.into_iter().take(3).map(|e| view! { <div class="card example"><super::datasets::Conversation example=e compact=true/></div> }).collect_view()}
                    </div>
                }.into_any(),
                Err(e) => {
                    let e = RwSignal::new(Some(e));
                    view! { <div class="augmentation-examples"><ErrorBox error=e.read_only()/></div> }.into_any()
                }
            })}
        </div>
    }
}

// ---- the plan, as chart and table ---------------------------------------------------------------------

#[component]
fn PlanStats(plan: MixturePlan) -> impl IntoView {
    view! {
        <div class="stats plan-stats">
            <div><span class="big">{thousands(plan.examples)}</span>" training examples"</div>
            <div><span class="big">{thousands(plan.validation)}</span>" held out"</div>
            <div><span class="big">{plan.languages.len()}</span>" languages"</div>
            {(plan.tokens > 0).then(|| view! { <div><span class="big">{thousands(plan.tokens)}</span>" tokens (est.)"</div> })}
        </div>
    }
}

fn measure_toggle(tokens: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="measure" role="group" aria-label="Measure shares in">
            <button type="button" class="tab" data-measure="examples" aria-pressed=move || (!tokens.get()).to_string() on:click=move |_| tokens.set(false)>"Examples"</button>
            <button type="button" class="tab" data-measure="tokens" aria-pressed=move || tokens.get().to_string() on:click=move |_| tokens.set(true)>"Tokens"</button>
        </div>
    }
}

fn legend() -> impl IntoView {
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
fn plan_chart(p: &MixturePlan, tokens: bool, pid: &str) -> AnyView {
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

fn plan_table(p: &MixturePlan) -> impl IntoView + use<> {
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
fn PlanView(plan: MixturePlan) -> impl IntoView {
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

// ---- one mixture ------------------------------------------------------------------------------------

/// `/workspaces/:id/mixtures/:mixture_id`
#[component]
pub fn MixturePage() -> impl IntoView {
    let params = use_params_map();
    let ws_id = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let mixture_id = StoredValue::new(params.read_untracked().get("mixture_id").unwrap_or_default());
    let tick = RwSignal::new(0u32);
    let mixture = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/mixtures/{}", ws_id.get_value(), mixture_id.get_value());
        async move { client::get::<Mixture>(&path).await }
    });
    let catalog = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/mixtures/catalog", ws_id.get_value());
        async move { client::get::<MixtureCatalog>(&path).await }
    });
    let role = RwSignal::new(Role::Viewer);
    leptos::task::spawn_local(async move {
        if let Ok(w) = client::get::<Workspace>(&format!("/workspaces/{}", ws_id.get_value())).await {
            role.try_set(if w.archived { Role::Viewer } else { w.role });
        }
    });
    let on_finish = move || tick.update(|t| *t += 1);
    view! {
        <RequireSignIn/>
        {move || match mixture.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <super::NotFound/> }.into_any(),
            Some(Ok(m)) => {
                let sources = Signal::derive(move || catalog.get().and_then(|r| r.ok()).map(|c| c.sources).unwrap_or_default());
                view! { <MixtureView m=m sources=sources role=role on_finish=on_finish/> }.into_any()
            }
        }}
    }
}

#[component]
fn MixtureView(
    m: Mixture,
    sources: Signal<Vec<SourceFacts>>,
    role: RwSignal<Role>,
    on_finish: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ws = m.workspace_id.clone();
    let back = format!("/workspaces/{ws}/mixtures");
    let duplicate = format!("/workspaces/{ws}/mixtures?from={}", m.id);
    let train = format!("/workspaces/{ws}/runs/new?mixture={}", m.id);
    let export = |v: &str, f: &str| format!("/api/v1/workspaces/{ws}/versions/{v}/export?format={f}");
    let can_edit = move || role.get() >= Role::Editor;
    view! {
        <p><A href=back>"← Mixtures"</A></p>
        <h1>{m.name.clone()}" "{mixture_badge(m.state)}</h1>
        <p class="muted">{format!("Made {}", format_time(m.created_at))}</p>
        {match m.state {
            MixtureState::Materializing => view! {
                <MaterializeProgress ws=ws.clone() job_id=m.job_id.clone() can_edit=Signal::derive(can_edit) on_finish=on_finish/>
            }.into_any(),
            MixtureState::Failed => view! {
                <FailedBox ws=ws.clone() job_id=m.job_id.clone()/>
                <div class="actions">
                    <A href=duplicate.clone() attr:class="button primary duplicate-mixture">"Duplicate and change"</A>
                </div>
            }.into_any(),
            MixtureState::Ready => view! {
                <div class="actions mixture-actions">
                    <A href=train attr:class="button primary train-on-mixture">"Train on this mixture"</A>
                    {move || can_edit().then(|| view! { <A href=duplicate.clone() attr:class="button duplicate-mixture">"Duplicate and change"</A> })}
                </div>
                {m.version_id.clone().map(|v| view! {
                    <p class="exports">
                        "Download the training examples: "
                        <a class="export-jsonl" href=export(&v, "jsonl") download="">"JSON lines"</a>
                        " · "
                        <a class="export-parquet" href=export(&v, "parquet") download="">"Parquet"</a>
                        {m.validation_version_id.clone().map(|vv| view! {
                            " — the validation examples: "
                            <a class="export-validation-jsonl" href=export(&vv, "jsonl") download="">"JSON lines"</a>
                            " · "
                            <a class="export-validation-parquet" href=export(&vv, "parquet") download="">"Parquet"</a>
                        })}
                    </p>
                })}
            }.into_any(),
        }}
        {m.report.clone().map(|r| view! { <ReportView report=r drop=m.spec.drop_contaminated/> })}
        <section class="card" aria-labelledby="plan-title">
            <h2 id="plan-title">{if m.state == MixtureState::Ready { "Shares per language" } else { "Planned shares per language" }}</h2>
            <PlanView plan=m.plan.clone()/>
        </section>
        <Recipe spec=m.spec.clone() ws=ws.clone() sources=sources/>
    }
}

/// The materializing job, live; `on_finish` when it ends.
#[component]
fn MaterializeProgress(
    ws: String,
    job_id: String,
    can_edit: Signal<bool>,
    on_finish: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let path = format!("/workspaces/{ws}/jobs/{job_id}");
    let job = RwSignal::new(None::<Job>);
    let alive = Arc::new(AtomicBool::new(true));
    let done = Arc::new(AtomicBool::new(false));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    let finish = {
        let done = done.clone();
        let alive = alive.clone();
        move || {
            if alive.load(Ordering::Relaxed) && !done.swap(true, Ordering::Relaxed) {
                on_finish();
            }
        }
    };
    // Polling as well as the event stream: a missed event never leaves the page waiting.
    {
        let path = path.clone();
        let alive = alive.clone();
        let finish = finish.clone();
        leptos::task::spawn_local(async move {
            while alive.load(Ordering::Relaxed) {
                if let Ok(j) = client::get::<Job>(&path).await {
                    if !alive.load(Ordering::Relaxed) {
                        break;
                    }
                    let ended = j.state.is_finished();
                    job.try_set(Some(j));
                    if ended {
                        finish();
                        break;
                    }
                }
                client::gloo_timers_sleep(2000).await;
            }
        });
    }
    let connected = RwSignal::new(false);
    subscribe(
        format!("/api/v1{path}/events"),
        move |e| match e.kind.as_str() {
            "progress" => {
                job.try_update(|j| {
                    if let Some(j) = j {
                        j.progress = e.data["fraction"].as_f64().unwrap_or(j.progress);
                        j.counters = e.data["counters"].clone();
                        if let Some(p) = e.data["phase"].as_str() {
                            j.phase = p.to_string();
                        }
                        j.state = JobState::Running;
                    }
                });
            }
            "state" => {
                let s = e.data["state"].as_str().unwrap_or("");
                if matches!(s, "succeeded" | "failed" | "cancelled") {
                    finish();
                }
            }
            _ => {}
        },
        connected,
    );
    let error = RwSignal::new(None::<ApiFailure>);
    let cancel_path = StoredValue::new(format!("{path}/cancel"));
    let cancel = move |_| {
        let p = cancel_path.get_value();
        leptos::task::spawn_local(async move {
            match client::post::<_, Job>(&p, &serde_json::json!({})).await {
                Ok(j) => {
                    job.try_set(Some(j));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let href = format!("/workspaces/{ws}/jobs/{job_id}");
    view! {
        <section class="card materializing" role="status" aria-labelledby="materializing-title">
            <h2 id="materializing-title">"Materializing…"</h2>
            <p class="muted">"Drawing the examples, running the augmentations and checking for copies of evaluation sets. It keeps going if you close the tab."</p>
            {move || job.get().map(|j| view! {
                <StateBadge state=j.state/>
                <JobProgress job=j.clone()/>
                {(!j.phase.is_empty()).then(|| view! { <p class="muted">{t(Msg::JobPhase)}": "{j.phase.clone()}</p> })}
                {j.cancel_requested.then(|| view! { <p class="muted">"Cancelling…"</p> })}
            })}
            <div class="actions">
                {move || (can_edit.get() && !job.with(|j| j.as_ref().is_some_and(|j| j.cancel_requested))).then(|| view! {
                    <button type="button" class="danger mixture-cancel" on:click=cancel>{t(Msg::JobCancel)}</button>
                })}
                <A href=href>"Job details"</A>
            </div>
            <ErrorBox error=error.read_only()/>
        </section>
    }
}

/// Why materializing stopped, in plain words.
#[component]
fn FailedBox(ws: String, job_id: String) -> impl IntoView {
    let path = format!("/workspaces/{ws}/jobs/{job_id}");
    let job = LocalResource::new(move || {
        let path = path.clone();
        async move { client::get::<Job>(&path).await }
    });
    let href = format!("/workspaces/{ws}/jobs/{job_id}");
    view! {
        <div class="error mixture-failed" role="alert">
            {move || match job.get() {
                None => view! { <p>"Materializing did not finish."</p> }.into_any(),
                Some(Err(_)) => view! { <p>"Materializing did not finish, and the job that ran it cannot be read."</p> }.into_any(),
                Some(Ok(j)) if j.state == JobState::Cancelled => view! { <p>"Materializing was cancelled before it finished. Duplicate the mixture to start it again."</p> }.into_any(),
                Some(Ok(j)) => view! {
                    <p><strong>"Materializing failed: "</strong>{j.error.clone().unwrap_or_else(|| "the job stopped without saying why.".into())}</p>
                }.into_any(),
            }}
            <p><A href=href>"Job details and log"</A></p>
        </div>
    }
}

#[component]
fn ReportView(report: MixtureReport, drop: bool) -> impl IntoView {
    let mut langs: Vec<(String, polytune_api::MixtureLanguageReport)> = report.languages.clone().into_iter().collect();
    langs.sort_by(|a, b| (b.1.examples + b.1.augmented).cmp(&(a.1.examples + a.1.augmented)).then(a.0.cmp(&b.0)));
    let n = report.contaminated;
    let sentence = match (n, drop) {
        (0, _) => "No training example was found in an evaluation set.".to_string(),
        (1, true) => "1 example was found in an evaluation set and left out.".to_string(),
        (n, true) => format!("{} examples were found in an evaluation set and left out.", thousands(n)),
        (1, false) => {
            "1 example was found in an evaluation set and kept (leaving such examples out was turned off).".to_string()
        }
        (n, false) => format!(
            "{} examples were found in an evaluation set and kept (leaving such examples out was turned off).",
            thousands(n)
        ),
    };
    let examples = report.contaminated_examples.clone();
    view! {
        <section class="card mixture-report" aria-labelledby="report-title">
            <h2 id="report-title">"What was made"</h2>
            <div class="stats">
                <div><span class="big">{thousands(report.train_examples)}</span>" training examples"</div>
                <div><span class="big">{thousands(report.validation_examples)}</span>" validation examples"</div>
                <div><span class="big">{langs.len()}</span>" languages"</div>
                <div><span class="big">{format!("{:.1} s", report.seconds)}</span>" to make"</div>
            </div>
            <p class="contamination" class:warning={n > 0}>{sentence}</p>
            {(!examples.is_empty()).then(|| view! {
                <details class="contaminated-examples">
                    <summary>{format!("Which ones ({} shown)", examples.len())}</summary>
                    <ul>{examples.into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}</ul>
                </details>
            })}
            <table class="data report-table">
                <caption class="sr-only">"Per language: what was written"</caption>
                <thead><tr>
                    <th scope="col">"Language"</th>
                    <th scope="col" class="num">"Training examples"</th>
                    <th scope="col" class="num">"of which repeats"</th>
                    <th scope="col" class="num">"Augmented"</th>
                    <th scope="col" class="num">"Validation"</th>
                    <th scope="col" class="num">"Found in evaluation sets"</th>
                </tr></thead>
                <tbody>
                    {langs.into_iter().map(|(l, r)| view! {
                        <tr data-lang=l.clone()>
                            <th scope="row">{swatch(&l)}<code>{l.clone()}</code>" "<bdi>{LangTag(l.clone()).display()}</bdi></th>
                            <td class="num">{thousands(r.examples)}</td>
                            <td class="num">{thousands(r.repeats)}</td>
                            <td class="num">{thousands(r.augmented)}</td>
                            <td class="num">{thousands(r.validation)}</td>
                            <td class="num" class:warn={r.contaminated > 0}>{thousands(r.contaminated)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

fn shares_text(s: &Shares) -> String {
    let list = |m: Vec<String>| if m.is_empty() { "none".to_string() } else { m.join(", ") };
    match s {
        Shares::Natural => "As found: everything in the chosen versions".into(),
        Shares::Percent { percent, total } => format!(
            "Percent of {} examples: {}",
            thousands(*total),
            list(percent.iter().map(|(l, p)| format!("{l} {}%", fmt_f(*p))).collect())
        ),
        Shares::Budgets { unit, amounts } => format!(
            "Budgets in {}: {}",
            if *unit == BudgetUnit::Tokens { "tokens" } else { "examples" },
            list(amounts.iter().map(|(l, a)| format!("{l} {}", thousands(*a))).collect())
        ),
        Shares::Temperature { alpha, total } => format!(
            "Temperature α = {alpha} (0 = every language equal, 1 = as found){}",
            total.map(|t| format!(", {} examples", thousands(t))).unwrap_or_default()
        ),
    }
}

/// The recipe, with links to the datasets it was made from.
#[component]
fn Recipe(spec: MixtureSpec, ws: String, sources: Signal<Vec<SourceFacts>>) -> impl IntoView {
    let spec = StoredValue::new(spec);
    let ws = StoredValue::new(ws);
    let version_link = move |id: &str| -> AnyView {
        let found = sources.with(|s| s.iter().find(|s| s.version_id == id).cloned());
        match found {
            Some(s) => {
                let href = format!("/workspaces/{}/datasets/{}", ws.get_value(), s.dataset_id);
                view! { <A href=href attr:class="lineage">{source_label(&s)}</A> }.into_any()
            }
            None => view! { <code>{id.to_string()}</code> }.into_any(),
        }
    };
    let s = spec.get_value();
    let caps = if s.caps.is_empty() {
        "none".to_string()
    } else {
        s.caps.iter().map(|(l, c)| format!("{l} at most {}", thousands(*c))).collect::<Vec<_>>().join(", ")
    };
    view! {
        <section class="card recipe" aria-labelledby="recipe-title">
            <h2 id="recipe-title">"Recipe"</h2>
            <dl class="facts">
                <dt>"Made from"</dt>
                <dd>
                    <ul class="lineage-list">
                        {move || spec.with_value(|s| s.sources.clone()).into_iter().map(|id| view! { <li>{version_link(&id)}</li> }).collect_view()}
                    </ul>
                </dd>
                <dt>"Shares"</dt><dd>{shares_text(&s.shares)}</dd>
                <dt>"Caps"</dt><dd>{caps}</dd>
                <dt>"Over-sampling"</dt><dd>{if s.oversample { "allowed (examples may repeat)" } else { "not allowed" }}</dd>
                <dt>"Validation"</dt><dd>{format!("{}% of each language, at most {} per language", fmt_f(s.validation_fraction * 100.0), thousands(s.validation_max_per_language))}</dd>
                <dt>"Evaluation sets"</dt><dd>{if s.drop_contaminated { "examples found in them are left out" } else { "examples found in them are kept (and reported)" }}</dd>
                <dt>"Seed"</dt><dd>{s.seed}</dd>
                <dt>"Augmentations"</dt>
                <dd>
                    {if s.augmentations.is_empty() {
                        view! { "none" }.into_any()
                    } else {
                        view! {
                            <ul class="augmentation-list">
                                {s.augmentations.iter().enumerate().map(|(i, a)| {
                                    let inputs: Vec<(String, String)> = a.inputs.iter().map(|(r, v)| (r.clone(), v.clone())).collect();
                                    let lang_name = lang::parse(&a.template.language).map(|l| l.display()).unwrap_or_else(|| a.template.language.clone());
                                    view! {
                                        <li>
                                            <strong>{a.template.name.clone()}</strong>
                                            {format!(" ({}, instructions in {lang_name}) — ", a.template.kind.label())}
                                            {inputs.into_iter().map(|(r, v)| {
                                                view! { <span class="input">{format!("{r}: ")}{move || version_link(&v)}" "</span> }
                                            }).collect_view()}
                                            {format!("— {}{}", if a.shots == 0 { "zero-shot".to_string() } else { format!("{}-shot", a.shots) }, a.limit.map(|l| format!(", at most {}", thousands(l))).unwrap_or_default())}
                                            <details class="template-source">
                                                <summary>{format!("Template {}", i + 1)}</summary>
                                                <pre>{format!("User:\n{}\n\nAssistant:\n{}", a.template.user, a.template.assistant)}</pre>
                                            </details>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </dd>
            </dl>
        </section>
    }
}
