//! The builder's state: the form as typed (numbers kept as text), its augmentations, and the
//! messages for its fields, with the small inputs built from them.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use polytune_api::{
    AugmentTemplate, Augmentation, BudgetUnit, FieldError, MixtureCatalog, MixtureSpec, Shares, SourceFacts,
};

use crate::client::{self, ApiFailure};
use crate::components::format::as_typed;
use crate::components::lang::{english, swatch};
use crate::components::numbers::{read_decimal, read_whole};
use crate::i18n::{Msg, t};

/// One augmentation as the builder edits it.
#[derive(Clone, Copy)]
pub(super) struct AugRow {
    pub(super) key: u32,
    pub(super) template: RwSignal<AugmentTemplate>,
    pub(super) inputs: RwSignal<BTreeMap<String, String>>,
    pub(super) shots: RwSignal<usize>,
    pub(super) limit: RwSignal<String>,
}

impl AugRow {
    pub(super) fn new(key: u32, a: &Augmentation) -> Self {
        AugRow {
            key,
            template: RwSignal::new(a.template.clone()),
            inputs: RwSignal::new(a.inputs.clone()),
            shots: RwSignal::new(a.shots),
            limit: RwSignal::new(a.limit.map(|l| l.to_string()).unwrap_or_default()),
        }
    }

    pub(super) fn build(&self, i: usize, errors: &mut Vec<FieldError>) -> Augmentation {
        let limit = match read_whole(&self.limit.get()) {
            Ok(l) => l,
            Err(()) => {
                errors.push(FieldError::new(format!("augmentations[{i}].limit"), t(Msg::BuilderErrorWholeOrEmpty)));
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
pub(super) struct Form {
    pub(super) sources: RwSignal<Vec<String>>,
    pub(super) kind: RwSignal<&'static str>,
    pub(super) percent: RwSignal<BTreeMap<String, String>>,
    pub(super) percent_total: RwSignal<String>,
    pub(super) unit: RwSignal<BudgetUnit>,
    pub(super) amounts: RwSignal<BTreeMap<String, String>>,
    pub(super) alpha: RwSignal<String>,
    pub(super) temp_total: RwSignal<String>,
    pub(super) caps: RwSignal<BTreeMap<String, String>>,
    pub(super) oversample: RwSignal<bool>,
    pub(super) seed: RwSignal<String>,
    pub(super) val_fraction: RwSignal<String>,
    pub(super) val_max: RwSignal<String>,
    pub(super) drop_contaminated: RwSignal<bool>,
    pub(super) augs: RwSignal<Vec<AugRow>>,
    next_key: StoredValue<u32>,
}

impl Form {
    pub(super) fn new() -> Self {
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

    pub(super) fn key(&self) -> u32 {
        self.next_key.update_value(|k| *k += 1);
        self.next_key.get_value()
    }

    pub(super) fn load(&self, spec: &MixtureSpec) {
        self.sources.set(spec.sources.clone());
        match &spec.shares {
            Shares::Natural => self.kind.set("natural"),
            Shares::Percent { percent, total } => {
                self.kind.set("percent");
                self.percent.set(percent.iter().map(|(l, p)| (l.clone(), as_typed(*p))).collect());
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
    pub(super) fn build(&self, present: &BTreeSet<String>) -> (MixtureSpec, Vec<FieldError>) {
        let mut errors = Vec::new();
        let whole = t(Msg::BuilderErrorWhole);
        let number_map = |map: &BTreeMap<String, String>, prefix: &str, errors: &mut Vec<FieldError>| {
            let mut out = BTreeMap::new();
            for (l, v) in map.iter().filter(|(l, _)| present.contains(*l)) {
                match read_whole(v) {
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
                    match read_decimal(v) {
                        Ok(Some(p)) => {
                            percent.insert(l.clone(), p);
                        }
                        Ok(None) => {}
                        Err(()) => {
                            errors.push(FieldError::new(format!("shares.percent.{l}"), t(Msg::BuilderErrorNumber)))
                        }
                    }
                }
                let total = match read_whole(&self.percent_total.get()) {
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
                let alpha = read_decimal(&self.alpha.get()).ok().flatten().unwrap_or(f64::NAN);
                let total = match read_whole(&self.temp_total.get()) {
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
        let seed = read_whole(&self.seed.get()).unwrap_or_else(|()| {
            errors.push(FieldError::new("seed", whole));
            None
        });
        let validation_fraction = match read_decimal(&self.val_fraction.get()) {
            Ok(Some(f)) => f,
            Ok(None) => 0.0,
            Err(()) => {
                errors.push(FieldError::new("validation_fraction", t(Msg::BuilderErrorFraction)));
                0.0
            }
        };
        let validation_max = read_whole(&self.val_max.get()).unwrap_or_else(|()| {
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
pub(super) struct Errors {
    pub(super) local: Memo<Vec<FieldError>>,
    pub(super) server: RwSignal<Vec<FieldError>>,
}

impl Errors {
    pub(super) fn at(&self, path: &str) -> Option<String> {
        let mut msgs: Vec<String> =
            self.local.with(|e| e.iter().filter(|e| e.path == path).map(|e| e.message.clone()).collect());
        self.server.with(|e| msgs.extend(e.iter().filter(|e| e.path == path).map(|e| e.message.clone())));
        msgs.dedup();
        (!msgs.is_empty()).then(|| msgs.join(" · "))
    }

    pub(super) fn all(&self) -> Vec<FieldError> {
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
pub(super) fn err_line(errors: Errors, id: String, path: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    view! { <p class="field-error" id=id aria-live="polite">{move || errors.at(&path())}</p> }
}

pub(super) fn invalid_attr(errors: Errors, path: String) -> impl Fn() -> &'static str + Send + Sync + 'static {
    move || if errors.at(&path).is_some() { "true" } else { "false" }
}

pub(super) type Catalog = RwSignal<Option<Result<MixtureCatalog, ApiFailure>>>;

/// The workspace the builder works in and its catalog (sources and templates), which the steps
/// read and reload after they change it (an evaluation set marked, tokens counted, a template saved).
#[derive(Clone, Copy)]
pub(super) struct WorkspaceCatalog {
    pub(super) ws: StoredValue<String>,
    pub(super) catalog: Catalog,
    tick: RwSignal<u32>,
}

impl WorkspaceCatalog {
    /// Loads the catalog of workspace `ws` now, and again after each `reload`.
    pub(super) fn load(ws: String) -> Self {
        let ws = StoredValue::new(ws);
        let catalog: Catalog = RwSignal::new(None);
        let tick = RwSignal::new(0u32);
        Effect::new(move |_| {
            tick.track();
            let path = format!("/workspaces/{}/mixtures/catalog", ws.get_value());
            leptos::task::spawn_local(async move {
                let r = client::get::<MixtureCatalog>(&path).await;
                catalog.try_set(Some(r));
            });
        });
        Self { ws, catalog, tick }
    }

    /// Fetches the catalog again.
    pub(super) fn reload(self) {
        self.tick.try_update(|t| *t += 1);
    }
}

pub(super) fn with_sources<R>(catalog: Catalog, f: impl FnOnce(&[SourceFacts]) -> R) -> Option<R> {
    catalog.with(|c| match c {
        Some(Ok(c)) => Some(f(&c.sources)),
        _ => None,
    })
}

/// A number input for one language (a share, a budget or a cap).
#[allow(clippy::too_many_arguments)]
pub(super) fn lang_number_input(
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
