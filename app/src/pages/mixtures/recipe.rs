//! A mixture's recipe: the versions it was made from (linked), its shares, caps, validation,
//! seed and augmentations.

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::{BudgetUnit, MixtureSpec, Shares, SourceFacts};

use super::source_label;
use crate::components::format::{as_typed, thousands};
use crate::components::lang::typed_lang_name;

fn shares_text(s: &Shares) -> String {
    let list = |m: Vec<String>| if m.is_empty() { "none".to_string() } else { m.join(", ") };
    match s {
        Shares::Natural => "As found: everything in the chosen versions".into(),
        Shares::Percent { percent, total } => format!(
            "Percent of {} examples: {}",
            thousands(*total),
            list(percent.iter().map(|(l, p)| format!("{l} {}%", as_typed(*p))).collect())
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
pub(super) fn Recipe(spec: MixtureSpec, ws: String, sources: Signal<Vec<SourceFacts>>) -> impl IntoView {
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
                <dt>"Validation"</dt><dd>{format!("{}% of each language, at most {} per language", as_typed(s.validation_fraction * 100.0), thousands(s.validation_max_per_language))}</dd>
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
                                    let lang_name = typed_lang_name(&a.template.language);
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
