//! The builder's limits (over-sampling, caps per language) and its advanced settings
//! (validation, seed, evaluation sets).

use leptos::prelude::*;

use super::state::{Errors, Form, err_line, lang_number_input};
use crate::components::format::thousands;

#[component]
pub(super) fn Limits(form: Form, langs: Memo<Vec<(String, u64, u64)>>, errors: Errors) -> impl IntoView {
    view! {
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
    }
}

#[component]
pub(super) fn Advanced(form: Form, errors: Errors) -> impl IntoView {
    view! {
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
    }
}
