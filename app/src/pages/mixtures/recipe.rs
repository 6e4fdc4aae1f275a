//! A mixture's recipe: the versions it was made from (linked), its shares, caps, validation,
//! seed and augmentations.

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::{BudgetUnit, MixtureSpec, Shares, SourceFacts};

use super::source_label;
use crate::components::format::{as_typed, thousands};
use crate::components::lang::typed_lang_name;
use crate::i18n::{Msg, t};

fn shares_text(s: &Shares) -> String {
    let list = |m: Vec<String>| if m.is_empty() { t(Msg::MixturesNone).to_string() } else { m.join(", ") };
    match s {
        Shares::Natural => t(Msg::MixturesSharesNatural).into(),
        Shares::Percent { percent, total } => crate::tr!(
            Msg::MixturesSharesPercent,
            total = thousands(*total),
            list = list(
                percent
                    .iter()
                    .map(|(l, p)| crate::tr!(
                        Msg::MixturesSharesPercentItem,
                        language = l.as_str(),
                        percent = as_typed(*p)
                    ))
                    .collect()
            )
        ),
        Shares::Budgets { unit, amounts } => crate::tr!(
            Msg::MixturesSharesBudgets,
            // Selects the wording; not shown as such.
            unit = if *unit == BudgetUnit::Tokens { "tokens" } else { "examples" },
            list = list(
                amounts
                    .iter()
                    .map(|(l, a)| crate::tr!(
                        Msg::MixturesSharesBudgetsItem,
                        language = l.as_str(),
                        amount = thousands(*a)
                    ))
                    .collect()
            )
        ),
        Shares::Temperature { alpha, total: None } => {
            crate::tr!(Msg::MixturesSharesTemperature, alpha = alpha.to_string())
        }
        Shares::Temperature { alpha, total: Some(total) } => {
            crate::tr!(Msg::MixturesSharesTemperatureTotal, alpha = alpha.to_string(), total = thousands(*total))
        }
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
        t(Msg::MixturesNone).to_string()
    } else {
        s.caps
            .iter()
            .map(|(l, c)| crate::tr!(Msg::MixturesCapItem, language = l.as_str(), count = thousands(*c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <section class="card recipe" aria-labelledby="recipe-title">
            <h2 id="recipe-title">{t(Msg::MixturesRecipeTitle)}</h2>
            <dl class="facts">
                <dt>{t(Msg::MixturesMadeFrom)}</dt>
                <dd>
                    <ul class="lineage-list">
                        {move || spec.with_value(|s| s.sources.clone()).into_iter().map(|id| view! { <li>{version_link(&id)}</li> }).collect_view()}
                    </ul>
                </dd>
                <dt>{t(Msg::MixturesShares)}</dt><dd>{shares_text(&s.shares)}</dd>
                <dt>{t(Msg::MixturesCaps)}</dt><dd>{caps}</dd>
                <dt>{t(Msg::MixturesOversampling)}</dt><dd>{if s.oversample { t(Msg::MixturesOversamplingAllowed) } else { t(Msg::MixturesOversamplingNotAllowed) }}</dd>
                <dt>{t(Msg::MixturesValidation)}</dt><dd>{crate::tr!(Msg::MixturesValidationValue, percent = as_typed(s.validation_fraction * 100.0), count = thousands(s.validation_max_per_language))}</dd>
                <dt>{t(Msg::MixturesEvaluationSets)}</dt><dd>{if s.drop_contaminated { t(Msg::MixturesContaminatedDropped) } else { t(Msg::MixturesContaminatedKept) }}</dd>
                <dt>{t(Msg::MixturesSeed)}</dt><dd>{s.seed}</dd>
                <dt>{t(Msg::MixturesAugmentations)}</dt>
                <dd>
                    {if s.augmentations.is_empty() {
                        view! { {t(Msg::MixturesNone)} }.into_any()
                    } else {
                        view! {
                            <ul class="augmentation-list">
                                {s.augmentations.iter().enumerate().map(|(i, a)| {
                                    let inputs: Vec<(String, String)> = a.inputs.iter().map(|(r, v)| (r.clone(), v.clone())).collect();
                                    let lang_name = typed_lang_name(&a.template.language);
                                    view! {
                                        <li>
                                            <strong>{a.template.name.clone()}</strong>
                                            {crate::tr!(Msg::MixturesAugmentationKind, kind = crate::components::labels::kind_label(a.template.kind), language = lang_name.as_str())}
                                            {inputs.into_iter().map(|(r, v)| {
                                                view! { <span class="input">{crate::tr!(Msg::MixturesAugmentationInput, role = r.as_str())}{move || version_link(&v)}" "</span> }
                                            }).collect_view()}
                                            {match a.limit {
                                                None => crate::tr!(Msg::MixturesAugmentationShots, shots = a.shots),
                                                Some(l) => crate::tr!(Msg::MixturesAugmentationShotsLimit, shots = a.shots, limit = thousands(l)),
                                            }}
                                            <details class="template-source">
                                                <summary>{crate::tr!(Msg::MixturesTemplateNumber, number = i + 1)}</summary>
                                                <pre>{format!("{}\n{}\n\n{}\n{}", t(Msg::MixturesTemplateUser), a.template.user, t(Msg::MixturesTemplateAssistant), a.template.assistant)}</pre>
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
