//! The builder's preview: what the model will see, and what is left to fix in words a person
//! recognises.

use leptos::prelude::*;
use polytune_api::{FieldError, MixturePlan, MixtureSpec, SourceFacts};

use super::state::{Catalog, Errors, with_sources};
use crate::components::lang::lang_full;
use crate::i18n::{Msg, t};
use crate::pages::mixtures::plan::{PlanStats, chart_id, legend, measure_toggle, plan_chart, plan_table};
use crate::pages::mixtures::source_label;

#[component]
pub(super) fn Preview(
    catalog: Catalog,
    built: Memo<(MixtureSpec, Vec<FieldError>)>,
    plan_res: Memo<Result<MixturePlan, Vec<FieldError>>>,
    errors: Errors,
) -> impl IntoView {
    let tokens = RwSignal::new(false);
    let pid = chart_id();
    view! {
        <aside class="builder-preview" aria-labelledby="preview-title">
            <h3 id="preview-title">{t(Msg::BuilderPreviewTitle)}</h3>
            {move || {
                let all = errors.all();
                (!all.is_empty()).then(|| {
                    let spec = built.with(|b| b.0.clone());
                    let items = with_sources(catalog, |s| {
                        all.iter().map(|e| (describe(&e.path, &spec, s), e.message.clone())).collect::<Vec<_>>()
                    }).unwrap_or_default();
                    view! {
                        <div class="error plan-problems" aria-live="polite">
                            <p>{crate::tr!(Msg::BuilderToFix, count = items.len())}</p>
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
                let notes: Vec<String> = p.notes.iter().map(crate::components::labels::plan_note).collect();
                view! {
                    {stats}
                    {measure_toggle(tokens)}
                    {move || plan_chart(&p, tokens.get(), &pid)}
                    {legend()}
                    {(!notes.is_empty()).then(|| view! {
                        <ul class="plan-notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    })}
                    <details class="plan-table-box">
                        <summary>{t(Msg::BuilderShowTable)}</summary>
                        {table}
                    </details>
                }
            })}
        </aside>
    }
}

/// The path of a spec message in words a person recognises.
fn describe(path: &str, spec: &MixtureSpec, sources: &[SourceFacts]) -> String {
    if path == "name" {
        return t(Msg::ColName).into();
    }
    if path == "sources" {
        return t(Msg::SectionDatasets).into();
    }
    if let Some(i) =
        path.strip_prefix("sources[").and_then(|r| r.strip_suffix(']')).and_then(|i| i.parse::<usize>().ok())
    {
        return match spec.sources.get(i).and_then(|id| sources.iter().find(|s| &s.version_id == id)) {
            Some(s) => crate::tr!(Msg::BuilderWhereDataset, name = source_label(s)),
            None => crate::tr!(Msg::BuilderWhereDatasetNumber, number = i + 1),
        };
    }
    if let Some(l) = path.strip_prefix("shares.percent.").or_else(|| path.strip_prefix("shares.amounts.")) {
        return crate::tr!(Msg::BuilderWhereShare, language = lang_full(l));
    }
    if path == "shares.total" {
        return t(Msg::BuilderMixtureSize).into();
    }
    if path == "shares.alpha" {
        return t(Msg::BuilderWhereTemperature).into();
    }
    if path.starts_with("shares") {
        return t(Msg::BuilderWhereShares).into();
    }
    if let Some(l) = path.strip_prefix("caps.") {
        return crate::tr!(Msg::BuilderWhereCap, language = lang_full(l));
    }
    if path == "validation_fraction" {
        return t(Msg::BuilderWhereValidationShare).into();
    }
    if path == "validation_max_per_language" {
        return t(Msg::BuilderWhereValidationMax).into();
    }
    if path == "seed" {
        return t(Msg::BuilderSeed).into();
    }
    if let Some((i, tail)) = path.strip_prefix("augmentations[").and_then(|r| r.split_once(']')) {
        let n = i.parse::<usize>().map(|i| i + 1).unwrap_or(0);
        let tail = tail.trim_start_matches('.');
        return if let Some(role) = tail.strip_prefix("inputs.") {
            crate::tr!(Msg::BuilderWhereAugmentationInput, number = n, role = role)
        } else if let Some(f) = tail.strip_prefix("template.") {
            match f {
                "user" => crate::tr!(Msg::BuilderWhereAugmentationUser, number = n),
                "assistant" => crate::tr!(Msg::BuilderWhereAugmentationAssistant, number = n),
                "name" => crate::tr!(Msg::BuilderWhereAugmentationName, number = n),
                "language" => crate::tr!(Msg::BuilderWhereAugmentationLanguage, number = n),
                other => crate::tr!(Msg::BuilderWhereAugmentationField, number = n, field = other),
            }
        } else if tail == "limit" {
            crate::tr!(Msg::BuilderWhereAugmentationLimit, number = n)
        } else if tail == "shots" {
            crate::tr!(Msg::BuilderWhereAugmentationShots, number = n)
        } else {
            crate::tr!(Msg::BuilderAugmentation, number = n)
        };
    }
    path.to_string()
}
