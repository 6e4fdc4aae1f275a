//! Step 2 of the builder: how much of each language — as found, percent, budgets or temperature
//! — and the "one language in full, a pinch of the others" preset.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use polytune_api::{BudgetUnit, FieldError, MixtureSpec, Shares, pinch, plan};

use super::state::{Catalog, Errors, Form, err_line, invalid_attr, lang_number_input};
use crate::components::format::{as_typed, thousands};
use crate::components::lang::{english, lang_full, swatch};
use crate::components::numbers::{read_decimal, read_whole};
use crate::i18n::{Msg, t};

/// The shares fieldset, with the presets that fill it from the chosen data.
#[component]
pub(super) fn LanguageShares(
    form: Form,
    catalog: Catalog,
    langs: Memo<Vec<(String, u64, u64)>>,
    present: Memo<BTreeSet<String>>,
    built: Memo<(MixtureSpec, Vec<FieldError>)>,
    errors: Errors,
) -> impl IntoView {
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
                        .and_then(|s| read_decimal(s).ok().flatten())
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
                m.insert(l.clone(), as_typed(v));
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
                    pool.iter().map(|(l, n)| (l.clone(), as_typed(*n as f64 * 100.0 / total.max(1) as f64))).collect(),
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
        let Ok(Some(n)) = read_whole(&pinch_n.get_untracked()) else {
            pinch_error.set(Some(t(Msg::BuilderErrorWholeExamples).into()));
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

    view! {
        <fieldset class="shares">
            <legend>{t(Msg::BuilderSharesLegend)}</legend>
            <fieldset id="shares-kind" class="radios">
                <legend class="sr-only">{t(Msg::BuilderSharesKindLegend)}</legend>
                {[
                    ("natural", t(Msg::BuilderKindNatural), t(Msg::BuilderKindNaturalHint)),
                    ("percent", t(Msg::BuilderKindPercent), t(Msg::BuilderKindPercentHint)),
                    ("budgets", t(Msg::BuilderKindBudgets), t(Msg::BuilderKindBudgetsHint)),
                    ("temperature", t(Msg::BuilderKindTemperature), t(Msg::BuilderKindTemperatureHint)),
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
                    _ => view! { <p class="muted">{t(Msg::BuilderNaturalExplained)}</p> }.into_any(),
                }}
            </div>
            <div class="pinch" role="group" aria-labelledby="pinch-title">
                <p id="pinch-title"><strong>{t(Msg::BuilderPinchLabel)}</strong>{move || {
                    let b = base.get();
                    if b.is_empty() {
                        t(Msg::BuilderPinchGeneric).to_string()
                    } else {
                        crate::tr!(
                            Msg::BuilderPinchTitle,
                            base = english(&b),
                            examples = pinch_n.get().trim().to_string(),
                            count = pinch_others.with(|o| o.len())
                        )
                    }
                }}</p>
                <p class="hint">{t(Msg::BuilderPinchHint)}</p>
                <div class="form-row">
                    <label for="pinch-base">{t(Msg::BuilderPinchBase)}</label>
                    <select id="pinch-base" on:change=move |ev| pinch_base.set(event_target_value(&ev))>
                        {move || langs.get().into_iter().map(|(l, _, _)| {
                            let v = l.clone();
                            view! { <option value=l.clone() selected=move || base.get() == v>{lang_full(&l)}</option> }
                        }).collect_view()}
                    </select>
                    <label for="pinch-n">{t(Msg::BuilderPinchN)}</label>
                    <input id="pinch-n" class="num short" inputmode="numeric" prop:value=move || pinch_n.get() on:input=move |ev| pinch_n.set(event_target_value(&ev))/>
                    <button id="pinch-apply" type="button" on:click=apply_pinch disabled=move || langs.with(|l| l.len() < 2)>{t(Msg::BuilderPinchApply)}</button>
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
        form.percent
            .with(|m| p.iter().filter_map(|l| m.get(l).and_then(|s| read_decimal(s).ok().flatten())).sum::<f64>())
    };
    view! {
        <div class="field inline-field">
            <label for="percent-total">{t(Msg::BuilderMixtureSize)}</label>
            <input id="percent-total" class="num" inputmode="numeric" aria-describedby="percent-total-error"
                aria-invalid=invalid_attr(errors, "shares.total".into())
                prop:value=move || form.percent_total.get() on:input=move |ev| form.percent_total.set(event_target_value(&ev))/>
            <span class="unit">{t(Msg::BuilderTrainingExamples)}</span>
            {err_line(errors, "percent-total-error".into(), || "shares.total".to_string())}
        </div>
        {move || langs.get().into_iter().map(|(l, n, _)| {
            let path = format!("shares.percent.{l}");
            lang_number_input(form.percent, l, false, "pct", "%", crate::tr!(Msg::BuilderAvailable, count = thousands(n)), "0", errors, path)
        }).collect_view()}
        <p class="percent-sum">
            <span aria-live="polite">{move || {
                let s = sum();
                if (s - 100.0).abs() <= 0.5 { crate::tr!(Msg::BuilderPercentSumOk, percent = as_typed(s)) } else { crate::tr!(Msg::BuilderPercentSumWrong, percent = as_typed(s)) }
            }}</span>
            " "
            <button id="percent-normalize" type="button" on:click=move |_| normalize()>{t(Msg::BuilderPercentNormalize)}</button>
        </p>
    }
}

#[component]
fn BudgetInputs(form: Form, langs: Memo<Vec<(String, u64, u64)>>, errors: Errors) -> impl IntoView {
    view! {
        <div class="field inline-field">
            <label for="budget-unit">{t(Msg::BuilderCountIn)}</label>
            <select id="budget-unit" on:change=move |ev| form.unit.set(if event_target_value(&ev) == "tokens" { BudgetUnit::Tokens } else { BudgetUnit::Examples })>
                <option value="examples" selected=move || form.unit.get() == BudgetUnit::Examples>{t(Msg::BuilderUnitExamples)}</option>
                <option value="tokens" selected=move || form.unit.get() == BudgetUnit::Tokens>{t(Msg::BuilderUnitTokens)}</option>
            </select>
        </div>
        {move || {
            let tokens = form.unit.get() == BudgetUnit::Tokens;
            langs.get().into_iter().map(|(l, n, tk)| {
                let path = format!("shares.amounts.{l}");
                let hint = if tokens {
                    if tk == 0 { t(Msg::BuilderTokensNotCounted).to_string() } else { crate::tr!(Msg::BuilderTokensAvailable, count = thousands(tk)) }
                } else {
                    crate::tr!(Msg::BuilderAvailable, count = thousands(n))
                };
                lang_number_input(form.amounts, l, false, "budget", if tokens { t(Msg::BuilderUnitTokens) } else { t(Msg::BuilderUnitExamples) }, hint, t(Msg::BuilderBudgetNone), errors, path)
            }).collect_view()
        }}
        <p class="hint">{t(Msg::BuilderBudgetHint)}</p>
    }
}

#[component]
fn TemperatureInputs(form: Form, errors: Errors) -> impl IntoView {
    view! {
        <div class="field inline-field">
            <label for="alpha">{t(Msg::BuilderAlpha)}</label>
            <input id="alpha" type="range" min="0" max="1" step="0.05" aria-describedby="alpha-hint"
                prop:value=move || form.alpha.get() on:input=move |ev| form.alpha.set(event_target_value(&ev))/>
            <output class="alpha-value" aria-live="polite">{move || form.alpha.get()}</output>
        </div>
        <p class="hint" id="alpha-hint">{t(Msg::BuilderAlphaHint)}</p>
        <div class="field inline-field">
            <label for="temperature-total">{t(Msg::BuilderMixtureSizeOptional)}</label>
            <input id="temperature-total" class="num" inputmode="numeric" placeholder=t(Msg::BuilderAllAvailable)
                aria-describedby="temperature-total-error"
                aria-invalid=invalid_attr(errors, "shares.total".into())
                prop:value=move || form.temp_total.get() on:input=move |ev| form.temp_total.set(event_target_value(&ev))/>
            <span class="unit">{t(Msg::BuilderTrainingExamples)}</span>
            {err_line(errors, "temperature-total-error".into(), || "shares.total".to_string())}
        </div>
    }
}
