//! `/workspaces/:id/runs/new`: the wizard — a base model, the data, a preset, what it will take,
//! every setting under Advanced, and continuing from an earlier run.

mod estimate;
mod settings;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use polytune_api::{
    ComputeInfo, ContinueFrom, CreateRun, Dataset, FieldError, Mixture, MixtureState, Model, Preset, Run, Validate,
};
use serde::de::DeserializeOwned;

use self::estimate::{DataFacts, ShareBar, estimate_view};
use self::settings::{Form, advanced_settings, drop_errors, enum_str};
use super::version_labels;
use crate::client::{self, ApiFailure, invalid};
use crate::components::format::param_count;
use crate::components::{ErrorBox, Loading, RequireSignIn};
use crate::i18n::{Msg, t};

use crate::i18n::{SLOT, around_slot};

/// `/workspaces/:id/runs/new[?mixture=…|?duplicate=…|?continue=…]`
#[component]
pub fn RunWizard() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ws = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let want_mixture = query.read_untracked().get("mixture");
    let want_duplicate = query.read_untracked().get("duplicate");
    let want_continue = query.read_untracked().get("continue");

    fn load<T: DeserializeOwned + 'static>(
        ws: StoredValue<String>,
        what: &'static str,
    ) -> LocalResource<Result<T, ApiFailure>> {
        LocalResource::new(move || {
            let path = format!("/workspaces/{}/{what}", ws.get_value());
            async move { client::get::<T>(&path).await }
        })
    }
    let models: LocalResource<Result<Vec<Model>, ApiFailure>> = load(ws, "models");
    let mixtures: LocalResource<Result<Vec<Mixture>, ApiFailure>> = load(ws, "mixtures");
    let datasets: LocalResource<Result<Vec<Dataset>, ApiFailure>> = load(ws, "datasets");
    let runs: LocalResource<Result<Vec<Run>, ApiFailure>> = load(ws, "runs");
    let compute: LocalResource<Result<ComputeInfo, ApiFailure>> = load(ws, "compute");
    // Per-version token counts from the profiles (the builder's catalog).
    let catalog: LocalResource<Result<polytune_api::MixtureCatalog, ApiFailure>> = load(ws, "mixtures/catalog");

    let model_list = Memo::new(move |_| models.get().and_then(|r| r.ok()).unwrap_or_default());
    let mixture_list = Memo::new(move |_| {
        mixtures
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.state == MixtureState::Ready && m.version_id.is_some())
            .collect::<Vec<_>>()
    });
    let versions = Memo::new(move |_| {
        let list = datasets.get().and_then(|r| r.ok()).unwrap_or_default();
        version_labels(&list).into_iter().collect::<Vec<_>>()
    });
    let run_list = Memo::new(move |_| runs.get().and_then(|r| r.ok()).unwrap_or_default());
    let compute_info = Memo::new(move |_| compute.get().and_then(|r| r.ok()));

    let model_id = RwSignal::new(String::new());
    let data = RwSignal::new(String::new());
    let spec = RwSignal::new(Preset::Balanced.spec(2048));
    let continue_run = RwSignal::new(String::new());
    let replay = RwSignal::new(0.2f64);
    let name = RwSignal::new(String::new());
    let server = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let advanced_open = RwSignal::new(false);
    let spec_errors = Memo::new(move |_| spec.with(|s| s.validate()));
    let form = Form { spec, spec_errors, server, unparsed: RwSignal::new(BTreeSet::new()) };
    Effect::new(move |prev: Option<()>| {
        spec.track();
        if prev.is_some() {
            drop_errors(server, "spec.");
        }
    });

    let model = Memo::new(move |_| model_list.with(|l| model_id.with(|id| l.iter().find(|m| &m.id == id).cloned())));
    let context = move || model.with(|m| m.as_ref().map_or(2048, |m| m.info.context_length));
    // The preset whose settings are exactly the current ones, if any.
    let active_preset = Memo::new(move |_| {
        let ctx = context();
        spec.with(|s| Preset::ALL.into_iter().find(|p| p.spec(ctx) == *s))
    });
    let chosen_mixture = Memo::new(move |_| {
        data.with(|d| {
            d.strip_prefix("mix:").and_then(|id| mixture_list.with(|l| l.iter().find(|m| m.id == id).cloned()))
        })
    });
    let facts = Memo::new(move |_| {
        let d = data.get();
        if let Some(m) = chosen_mixture.get() {
            let version_id = m.version_id.clone().unwrap_or_default();
            let guessed = m.plan.tokens == 0;
            let tokens = if guessed { m.plan.examples * 256 } else { m.plan.tokens };
            return Some(DataFacts {
                version_id: version_id.to_string(),
                examples: m.plan.examples,
                tokens,
                tokens_guessed: guessed,
            });
        }
        let id = d.strip_prefix("ver:").or_else(|| d.strip_prefix("mix:").map(|_| ""))?;
        if id.is_empty() {
            return None;
        }
        let examples = versions.with(|v| v.iter().find(|(vid, _)| vid == id).map_or(0, |(_, (_, n))| *n));
        let counted: u64 = catalog
            .get()
            .and_then(|r| r.ok())
            .and_then(|c| c.sources.into_iter().find(|s| s.version_id == id))
            .map_or(0, |s| s.languages.iter().map(|l| l.tokens).sum());
        if counted > 0 {
            return Some(DataFacts { version_id: id.to_string(), examples, tokens: counted, tokens_guessed: false });
        }
        Some(DataFacts { version_id: id.to_string(), examples, tokens: examples * 256, tokens_guessed: true })
    });

    // Fill the form once everything it may start from has loaded.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let loaded =
            models.get().is_some() && runs.get().is_some() && mixtures.get().is_some() && datasets.get().is_some();
        if !loaded || started.get_value() {
            return;
        }
        started.set_value(true);
        let runs = run_list.get_untracked();
        let models = model_list.get_untracked();
        let ctx_of = |id: &str| models.iter().find(|m| m.id == id).map_or(2048, |m| m.info.context_length);
        if let Some(r) = want_duplicate.as_deref().and_then(|id| runs.iter().find(|r| r.id == id)) {
            model_id.set(r.model_id.to_string());
            let mixture_ready =
                r.mixture_id.as_ref().is_some_and(|m| mixture_list.with_untracked(|l| l.iter().any(|x| &x.id == m)));
            data.set(match &r.mixture_id {
                Some(m) if mixture_ready => format!("mix:{m}"),
                _ => format!("ver:{}", r.dataset_version_id),
            });
            spec.set(r.spec.clone());
            name.set(crate::tr!(Msg::WizardNameCopy, name = r.name.as_str()));
            if let Some(c) = &r.continue_from {
                continue_run.set(c.run_id.to_string());
                replay.set(c.replay);
            }
            if active_preset.get_untracked().is_none() {
                advanced_open.set(true);
            }
            return;
        }
        let from = want_continue.as_deref().and_then(|id| runs.iter().find(|r| r.id == id));
        let model =
            from.map(|r| r.model_id.clone()).or_else(|| models.first().map(|m| m.id.clone())).unwrap_or_default();
        spec.set(Preset::Balanced.spec(ctx_of(&model)));
        model_id.set(model.to_string());
        if let Some(r) = from {
            continue_run.set(r.id.to_string());
            name.set(crate::tr!(Msg::WizardNameContinued, name = r.name.as_str()));
        } else {
            name.set(crate::tr!(Msg::WizardNameDefault, number = runs.len() + 1));
        }
        let mixture = want_mixture.clone().filter(|id| mixture_list.with_untracked(|l| l.iter().any(|m| &m.id == id)));
        if let Some(m) = mixture {
            data.set(format!("mix:{m}"));
        } else if from.is_none() {
            // The most recent ready mixture is the usual next step of the journey.
            if let Some(m) =
                mixture_list.with_untracked(|l| l.iter().max_by_key(|m| m.created_at).map(|m| m.id.clone()))
            {
                data.set(format!("mix:{m}"));
            }
        }
    });

    let field_error = move |path: &'static str| server.with(|s| s.as_ref().and_then(|f| f.field(path)));
    let choose_preset = move |p: Preset| spec.set(p.spec(context()));

    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateRun {
            name: name.get().trim().to_string(),
            model_id: model_id.get().into(),
            dataset_version_id: facts.get().map(|f| f.version_id).unwrap_or_default().into(),
            spec: spec.get(),
            continue_from: continue_run
                .with(|c| (!c.is_empty()).then(|| ContinueFrom { run_id: c.clone().into(), replay: replay.get() })),
        };
        let mut problems = Vec::new();
        if req.model_id.is_empty() {
            problems.push(FieldError::new("model_id", t(Msg::WizardErrorNoModel)));
        }
        if req.dataset_version_id.is_empty() {
            problems.push(FieldError::new("dataset_version_id", t(Msg::WizardErrorNoData)));
        }
        for p in form.unparsed.get() {
            problems.push(FieldError::new(format!("spec.{p}"), t(Msg::WizardErrorNotANumber)));
        }
        problems.extend(req.validate());
        if !problems.is_empty() {
            if problems.iter().any(|p| p.path.starts_with("spec.")) {
                advanced_open.set(true);
            }
            server.set(Some(invalid(problems)));
            return;
        }
        busy.set(true);
        server.set(None);
        let navigate = navigate.clone();
        let ws = ws.get_value();
        leptos::task::spawn_local(async move {
            match client::post::<_, Run>(&format!("/workspaces/{ws}/runs"), &req).await {
                Ok(run) => navigate(&format!("/workspaces/{ws}/runs/{}", run.id), Default::default()),
                Err(e) => {
                    busy.set(false);
                    if let ApiFailure::Problem(p) = &e
                        && p.errors.iter().any(|e| e.path.starts_with("spec."))
                    {
                        advanced_open.set(true);
                    }
                    server.set(Some(e));
                }
            }
        });
    };

    let ws_href = move |rest: &str| format!("/workspaces/{}/{rest}", ws.get_value());
    view! {
        <RequireSignIn/>
        <p><A href=ws_href("runs")>{t(Msg::WizardBackToRuns)}</A></p>
        <h1>{t(Msg::WizardTitle)}</h1>
        <p class="muted">{t(Msg::WizardIntro)}</p>
        <form class="run-wizard" on:submit=submit novalidate>
            <section class="card wizard-step" aria-labelledby="step-model">
                <h2 id="step-model">{t(Msg::WizardStepModel)}</h2>
                {move || match models.get() {
                    None => view! { <Loading/> }.into_any(),
                    Some(Ok(l)) if l.is_empty() => {
                        let (before, after) = around_slot(&crate::tr!(Msg::WizardNoModel, link = SLOT));
                        view! {
                            <p class="empty">{before}<A href=ws_href("models")>{t(Msg::WizardGoToModels)}</A>{after}</p>
                        }.into_any()
                    }
                    _ => view! {
                        <label for="run-model">{t(Msg::WizardModelLabel)}</label>
                        <select id="run-model" name="model_id" prop:value=move || model_id.get()
                            aria-invalid=move || if field_error("model_id").is_some() { "true" } else { "false" }
                            on:change=move |ev| {
                                let id = event_target_value(&ev);
                                let preset = active_preset.get_untracked();
                                model_id.set(id.clone());
                                drop_errors(server, "model_id");
                                if let Some(p) = preset { spec.set(p.spec(context())); }
                                let keep = run_list.with_untracked(|l| l.iter().any(|r| r.id == continue_run.get_untracked() && r.model_id == id));
                                if !keep { continue_run.set(String::new()); }
                            }>
                            <option value="" selected=move || model_id.with(String::is_empty)>{t(Msg::WizardModelChoose)}</option>
                            {move || model_list.get().into_iter().map(|m| {
                                let id = m.id.clone();
                                view! {
                                    <option value=m.id.to_string() selected=move || model_id.with(|s| *s == id)>
                                        {crate::tr!(Msg::WizardModelOption, name = m.name.as_str(), parameters = param_count(m.info.parameters), context = m.info.context_length)}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                        <p class="field-error">{move || field_error("model_id").unwrap_or_default()}</p>
                    }.into_any(),
                }}
            </section>

            <section class="card wizard-step" aria-labelledby="step-data">
                <h2 id="step-data">{t(Msg::WizardStepData)}</h2>
                <p class="muted">{t(Msg::WizardDataIntro)}</p>
                <label for="run-data">{t(Msg::WizardDataLabel)}</label>
                <select id="run-data" name="dataset_version_id" prop:value=move || data.get()
                    aria-invalid=move || if field_error("dataset_version_id").is_some() { "true" } else { "false" }
                    on:change=move |ev| { data.set(event_target_value(&ev)); drop_errors(server, "dataset_version_id"); }>
                    <option value="" selected=move || data.with(String::is_empty)>{t(Msg::WizardDataChoose)}</option>
                    {move || {
                        let mixes = mixture_list.get();
                        (!mixes.is_empty()).then(|| view! {
                            <optgroup label=t(Msg::WizardDataMixtures)>
                                {mixes.into_iter().map(|m| {
                                    let value = format!("mix:{}", m.id);
                                    let v2 = value.clone();
                                    let langs = m.plan.languages.iter().map(|l| l.language.clone()).collect::<Vec<_>>().join(", ");
                                    view! { <option value=value selected=move || data.with(|d| *d == v2)>{crate::tr!(Msg::WizardMixtureOption, name = m.name.as_str(), examples = m.plan.examples, languages = langs.as_str())}</option> }
                                }).collect_view()}
                            </optgroup>
                        })
                    }}
                    <optgroup label=t(Msg::WizardDataVersions)>
                        {move || versions.get().into_iter().map(|(id, (label, n))| {
                            let value = format!("ver:{id}");
                            let v2 = value.clone();
                            view! { <option value=value selected=move || data.with(|d| *d == v2)>{crate::tr!(Msg::WizardVersionOption, label = label.as_str(), examples = n)}</option> }
                        }).collect_view()}
                    </optgroup>
                    {move || {
                        // The duplicated run's data when it is in neither list (a mixture no longer ready).
                        let d = data.get();
                        let listed = d.is_empty()
                            || chosen_mixture.with(Option::is_some)
                            || d.strip_prefix("ver:").is_some_and(|id| versions.with(|v| v.iter().any(|(vid, _)| vid == id)));
                        (!listed).then(|| view! { <option value=d.clone() selected>{t(Msg::WizardDataSameAsCopied)}</option> })
                    }}
                </select>
                <p class="field-error">{move || field_error("dataset_version_id").unwrap_or_default()}</p>
                {move || chosen_mixture.get().map(|m| {
                    let href = ws_href(&format!("mixtures/{}", m.id));
                    let (before, after) = around_slot(&crate::tr!(Msg::WizardMixtureShares, mixture = SLOT));
                    view! {
                        <div class="mixture-shares">
                            <p>{before}<A href=href>{m.name.clone()}</A>{after}</p>
                            <ShareBar plan=m.plan.clone()/>
                        </div>
                    }
                })}
                {move || (mixture_list.with(Vec::is_empty) && mixtures.get().is_some()).then(|| {
                    let (before, after) = around_slot(&crate::tr!(Msg::WizardNoMixture, link = SLOT));
                    view! {
                        <p class="hint">{before}<A href=ws_href("mixtures")>{t(Msg::WizardNoMixtureLink)}</A>{after}</p>
                    }
                })}
            </section>

            <section class="card wizard-step" aria-labelledby="step-preset">
                <h2 id="step-preset">{t(Msg::WizardStepPreset)}</h2>
                <div class="preset-cards" role="group" aria-labelledby="step-preset">
                    {Preset::ALL.into_iter().map(|p| view! {
                        <button type="button" class="preset-card" data-preset=enum_str(&p)
                            aria-pressed=move || if active_preset.get() == Some(p) { "true" } else { "false" }
                            on:click=move |_| choose_preset(p)>
                            <strong>{crate::components::labels::preset_label(p)}</strong>
                            <span>{crate::components::labels::preset_explain(p)}</span>
                        </button>
                    }).collect_view()}
                </div>
                {move || active_preset.get().is_none().then(|| view! { <p class="hint">{t(Msg::WizardCustomSettings)}</p> })}
            </section>

            <section class="card wizard-step" aria-labelledby="step-estimate">
                <h2 id="step-estimate">{t(Msg::WizardStepEstimate)}</h2>
                {move || {
                    let cont = continue_run.get();
                    estimate_view(
                        model.get(),
                        spec.get(),
                        spec_errors.with(Vec::is_empty) && form.unparsed.with(BTreeSet::is_empty),
                        compute_info.get(),
                        facts.get(),
                        (!cont.is_empty()).then(|| replay.get()),
                    )
                }}
            </section>

            <details class="advanced card" prop:open=move || advanced_open.get() on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    advanced_open.set(d.has_attribute("open"));
                }
            }>
                <summary>{t(Msg::WizardAdvanced)}</summary>
                <p class="muted">{t(Msg::WizardAdvancedIntro)}</p>
                {advanced_settings(form)}
            </details>

            <section class="card wizard-step" aria-labelledby="step-continue">
                <h2 id="step-continue">{t(Msg::WizardStepContinue)}</h2>
                <p class="muted">{t(Msg::WizardContinueIntro)}</p>
                <label for="run-continue">{t(Msg::WizardContinueLabel)}</label>
                <select id="run-continue" name="continue_from.run_id" prop:value=move || continue_run.get() on:change=move |ev| { continue_run.set(event_target_value(&ev)); drop_errors(server, "continue_from"); }>
                    <option value="" selected=move || continue_run.with(String::is_empty)>{t(Msg::WizardContinueBase)}</option>
                    {move || {
                        let mid = model_id.get();
                        run_list.get().into_iter().filter(|r| r.model_id == mid).map(|r| {
                            let id = r.id.clone();
                            view! { <option value=r.id.to_string() selected=move || continue_run.with(|c| *c == id)>{crate::tr!(Msg::WizardContinueOption, name = r.name.as_str())}</option> }
                        }).collect_view()
                    }}
                </select>
                <p class="field-error">{move || field_error("continue_from.run_id").unwrap_or_default()}</p>
                {move || (!continue_run.with(String::is_empty)).then(|| {
                    let (before, after) = around_slot(&crate::tr!(Msg::WizardReplay, share = SLOT));
                    view! {
                    <div class="field replay">
                        <label for="run-replay">{before}<output>{move || format!("{:.0}%", replay.get() * 100.0)}</output>{after}</label>
                        <input id="run-replay" type="range" name="continue_from.replay" min="0" max="1" step="0.05"
                            prop:value=move || replay.get().to_string()
                            on:input=move |ev| replay.set(event_target_value(&ev).parse().unwrap_or(0.0))/>
                        <p class="hint">{t(Msg::WizardReplayHint)}</p>
                        <p class="field-error">{move || field_error("continue_from.replay").unwrap_or_default()}</p>
                    </div>
                    }
                })}
            </section>

            <section class="card wizard-step start" aria-labelledby="step-start">
                <h2 id="step-start">{t(Msg::WizardStepStart)}</h2>
                <label for="run-name">{t(Msg::ColName)}</label>
                <input id="run-name" name="name" autocomplete="off" prop:value=move || name.get() on:input=move |ev| { name.set(event_target_value(&ev)); drop_errors(server, "name"); }
                    aria-invalid=move || if field_error("name").is_some() { "true" } else { "false" }/>
                <p class="field-error">{move || field_error("name").unwrap_or_default()}</p>
                <div class="actions">
                    <button id="run-start" class="primary" type="submit" disabled=move || busy.get()>
                        {move || if busy.get() { t(Msg::WizardStarting) } else { t(Msg::WizardStartRun) }}
                    </button>
                </div>
                <p class="hint">{t(Msg::WizardStartHint)}</p>
                <ErrorBox error=server.read_only()/>
            </section>
        </form>
    }
}
