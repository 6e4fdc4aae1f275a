//! Step 2 of the builder: how much of each language — as found, percent, budgets or temperature
//! — and the "one language in full, a pinch of the others" preset.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use polytune_api::{BudgetUnit, FieldError, MixtureSpec, Shares, pinch, plan};

use super::state::{Catalog, Errors, Form, err_line, invalid_attr, lang_number_input};
use crate::components::format::{as_typed, thousands};
use crate::components::lang::{english, lang_full, swatch};
use crate::components::numbers::{read_decimal, read_whole};

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

    view! {
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
                if (s - 100.0).abs() <= 0.5 { format!("Together: {}% ✓", as_typed(s)) } else { format!("Together: {}% (must be 100%)", as_typed(s)) }
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
