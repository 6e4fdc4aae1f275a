//! The builder's preview: what the model will see, and what is left to fix in words a person
//! recognises.

use leptos::prelude::*;
use polytune_api::{FieldError, MixturePlan, MixtureSpec, SourceFacts};

use super::state::{Catalog, Errors, with_sources};
use crate::components::lang::lang_full;
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
    }
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
