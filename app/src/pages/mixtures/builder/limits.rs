//! The builder's limits (over-sampling, caps per language) and its advanced settings
//! (validation, seed, evaluation sets).

use leptos::prelude::*;

use super::state::{Errors, Form, err_line, lang_number_input};
use crate::components::format::thousands;
use crate::i18n::{Msg, t};

#[component]
pub(super) fn Limits(form: Form, langs: Memo<Vec<(String, u64, u64)>>, errors: Errors) -> impl IntoView {
    view! {
        <fieldset class="limits">
            <legend>{t(Msg::BuilderLimitsLegend)}</legend>
            <label class="check">
                <input id="oversample" type="checkbox" prop:checked=move || form.oversample.get() on:change=move |ev| form.oversample.set(event_target_checked(&ev))/>
                {t(Msg::BuilderOversample)}
            </label>
            <p class="hint">{t(Msg::BuilderOversampleHint)}</p>
            <div id="caps">
                <p class="hint">{t(Msg::BuilderCapsHint)}</p>
                {move || langs.get().into_iter().map(|(l, n, _)| {
                    let path = format!("caps.{l}");
                    lang_number_input(form.caps, l, true, "cap", "", crate::tr!(Msg::BuilderCapOf, count = thousands(n)), t(Msg::BuilderNoCap), errors, path)
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
pub(super) fn Advanced(form: Form, errors: Errors) -> impl IntoView {
    view! {
        <details class="advanced">
            <summary>{t(Msg::BuilderAdvanced)}</summary>
            <div class="form-grid">
                <label for="validation-fraction">{t(Msg::BuilderValidationFraction)}</label>
                <div>
                    <input id="validation-fraction" class="num short" inputmode="decimal" prop:value=move || form.val_fraction.get() on:input=move |ev| form.val_fraction.set(event_target_value(&ev))/>
                    <span class="hint">{t(Msg::BuilderValidationFractionHint)}</span>
                    {err_line(errors, "validation-fraction-error".into(), || "validation_fraction".to_string())}
                </div>
                <label for="validation-max">{t(Msg::BuilderValidationMax)}</label>
                <div>
                    <input id="validation-max" class="num short" inputmode="numeric" prop:value=move || form.val_max.get() on:input=move |ev| form.val_max.set(event_target_value(&ev))/>
                    <span class="hint">{t(Msg::BuilderValidationMaxHint)}</span>
                    {err_line(errors, "validation-max-error".into(), || "validation_max_per_language".to_string())}
                </div>
                <label for="seed">{t(Msg::BuilderSeed)}</label>
                <div>
                    <input id="seed" class="num short" inputmode="numeric" prop:value=move || form.seed.get() on:input=move |ev| form.seed.set(event_target_value(&ev))/>
                    <span class="hint">{t(Msg::BuilderSeedHint)}</span>
                    {err_line(errors, "seed-error".into(), || "seed".to_string())}
                </div>
            </div>
            <label class="check">
                <input id="drop-contaminated" type="checkbox" prop:checked=move || form.drop_contaminated.get() on:change=move |ev| form.drop_contaminated.set(event_target_checked(&ev))/>
                {t(Msg::BuilderDropContaminated)}
            </label>
            <p class="hint">{t(Msg::BuilderDropContaminatedHint)}</p>
        </details>
    }
}
