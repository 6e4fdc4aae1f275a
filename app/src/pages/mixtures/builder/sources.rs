//! Step 1 of the builder: the dataset versions to draw from (evaluation sets are marked here),
//! and counting their tokens with a model's tokenizer.

use leptos::prelude::*;
use polytune_api::{RegisterEvaluationSet, SourceFacts};

use super::state::{Errors, Form, WorkspaceCatalog, err_line, with_sources};
use crate::client::{self, ApiFailure};
use crate::components::ErrorBox;
use crate::components::format::thousands;
use crate::i18n::{Msg, t};
use crate::pages::mixtures::source_label;

fn source_languages(s: &SourceFacts) -> String {
    let mut parts: Vec<String> =
        s.languages.iter().take(6).map(|l| format!("{} {}", l.language, thousands(l.examples))).collect();
    if s.languages.len() > 6 {
        parts.push(crate::tr!(Msg::BuilderLanguagesMore, count = s.languages.len() - 6));
    }
    parts.join(" · ")
}

/// Step 1: the dataset versions, with their languages; evaluation sets are marked here.
#[component]
pub(super) fn SourcesPicker(workspace: WorkspaceCatalog, form: Form, errors: Errors) -> impl IntoView {
    let WorkspaceCatalog { ws, catalog, .. } = workspace;
    let eval_error = RwSignal::new(None::<ApiFailure>);
    let toggle_eval = move |version_id: String, on: bool| {
        let ws_id = ws.get_value();
        let request = {
            let version_id = version_id.clone();
            async move {
                if on {
                    client::post::<_, serde_json::Value>(
                        &format!("/workspaces/{ws_id}/evaluation-sets"),
                        &RegisterEvaluationSet { version_id: version_id.into() },
                    )
                    .await
                    .map(|_| ())
                } else {
                    client::delete(&format!("/workspaces/{ws_id}/evaluation-sets/{version_id}")).await
                }
            }
        };
        crate::components::form::send(None, eval_error, request, move |()| {
            if on {
                form.sources.try_update(|s| s.retain(|v| *v != version_id));
            }
            workspace.reload();
        });
    };
    view! {
        <fieldset class="mixture-sources" id="sources">
            <legend>{t(Msg::BuilderSourcesLegend)}</legend>
            <p class="hint">{t(Msg::BuilderSourcesHint)}</p>
            {err_line(errors, "sources-error".into(), || "sources".to_string())}
            <ul class="source-list">
                {move || with_sources(catalog, |sources| {
                    if sources.is_empty() {
                        return view! { <li class="muted">{t(Msg::BuilderSourcesEmpty)}</li> }.into_any();
                    }
                    sources.iter().map(|s| {
                        let vid = s.version_id.clone();
                        let (v1, v2, v3, v4) = (vid.clone(), vid.clone(), vid.clone(), vid.clone());
                        let selectable = s.profiled && !s.evaluation;
                        let id = format!("source-{vid}");
                        let eval = s.evaluation;
                        view! {
                            <li class="mixture-source" class:evaluation=eval class:unprofiled={!s.profiled}>
                                <label class="check" for=id.clone()>
                                    <input type="checkbox" id=id.clone() data-version-id=vid.to_string()
                                        disabled={!selectable}
                                        prop:checked=move || form.sources.with(|v| v.iter().any(|x| *x == v1))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            form.sources.update(|v| {
                                                v.retain(|x| *x != v2);
                                                if on { v.push(v2.to_string()); }
                                            });
                                        }/>
                                    <span>
                                        <strong>{source_label(s)}</strong>
                                        " — "{crate::tr!(Msg::BuilderSourceExamples, count = thousands(s.examples))}
                                        {if !s.profiled {
                                            view! { " — "<em class="muted">{t(Msg::BuilderProfiling)}</em> }.into_any()
                                        } else {
                                            view! { " — "<span class="muted">{source_languages(s)}</span> }.into_any()
                                        }}
                                        {eval.then(|| view! { " "<span class="badge evaluation">{t(Msg::BuilderBadgeEvaluation)}</span> })}
                                        {(s.profiled && s.tokenizer.is_none()).then(|| view! { " "<span class="badge" title=t(Msg::BuilderBadgeNoTokensTitle)>{t(Msg::BuilderBadgeNoTokens)}</span> })}
                                    </span>
                                </label>
                                <button type="button" class="link subtle eval-toggle" data-version-id=vid.to_string()
                                    aria-pressed={if eval { "true" } else { "false" }}
                                    title={if eval { t(Msg::BuilderEvalToggleOnTitle) } else { t(Msg::BuilderEvalToggleOffTitle) }}
                                    on:click=move |_| toggle_eval(v3.to_string(), !eval)>
                                    {if eval { t(Msg::BuilderEvalToggleOn) } else { t(Msg::BuilderEvalToggleOff) }}
                                </button>
                                <p class="field-error" aria-live="polite">{move || {
                                    let i = form.sources.with(|v| v.iter().position(|x| *x == v4));
                                    i.and_then(|i| errors.at(&format!("sources[{i}]")))
                                }}</p>
                            </li>
                        }
                    }).collect_view().into_any()
                })}
            </ul>
            <ErrorBox error=eval_error.read_only()/>
            <CountTokens workspace=workspace form=form/>
        </fieldset>
    }
}

/// Counts the chosen versions' tokens with a model's own tokenizer (they are profiled again with
/// it), so the token shares are the ones that model will see.
#[component]
fn CountTokens(workspace: WorkspaceCatalog, form: Form) -> impl IntoView {
    let ws = workspace.ws;
    let models = LocalResource::new(move || {
        let path = format!("/workspaces/{}/models", ws.get_value());
        async move { client::get::<Vec<polytune_api::Model>>(&path).await }
    });
    let chosen = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let count = move |_| {
        let model = chosen.get_untracked();
        // The chosen versions and every augmentation input.
        let mut versions = form.sources.get_untracked();
        for a in form.augs.get_untracked() {
            for v in a.inputs.get_untracked().into_values() {
                if !v.is_empty() && !versions.contains(&v) {
                    versions.push(v);
                }
            }
        }
        if model.is_empty() || versions.is_empty() {
            status.set(t(Msg::BuilderCountTokensNeedChoice).into());
            return;
        }
        let ws_id = ws.get_value();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = polytune_api::CountTokens { version_ids: versions.into_iter().map(Into::into).collect() };
            match client::post::<_, polytune_api::TokenCounting>(
                &format!("/workspaces/{ws_id}/models/{model}/count-tokens"),
                &body,
            )
            .await
            {
                Err(e) => {
                    error.try_set(Some(e));
                }
                Ok(t) if t.jobs.is_empty() => {
                    error.try_set(None);
                    status.try_set(crate::i18n::t(Msg::BuilderCountTokensAlready).into());
                }
                Ok(t) => {
                    error.try_set(None);
                    let total = t.jobs.len();
                    for _ in 0..300 {
                        let mut done = 0;
                        for j in &t.jobs {
                            if let Ok(job) =
                                client::get::<polytune_api::Job>(&format!("/workspaces/{ws_id}/jobs/{j}")).await
                                && job.state.is_finished()
                            {
                                done += 1;
                            }
                        }
                        status.try_set(crate::tr!(Msg::BuilderCountTokensProgress, done = done, total = total));
                        if done == total {
                            break;
                        }
                        client::gloo_timers_sleep(1000).await;
                    }
                    status.try_set(crate::i18n::t(Msg::BuilderCountTokensDone).into());
                    workspace.reload();
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <div class="count-tokens">
            <label for="count-tokens-model">{t(Msg::BuilderCountTokensLabel)}</label>
            <select id="count-tokens-model" on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=move || chosen.get()>
                <option value="">{t(Msg::BuilderCountTokensChooseModel)}</option>
                {move || models.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|m| view! {
                    <option value=m.id.to_string()>{m.name.clone()}</option>
                }).collect_view()}
            </select>
            " "
            <button type="button" id="count-tokens" on:click=count disabled=move || busy.get()>{t(Msg::BuilderCountTokens)}</button>
            <p class="hint" aria-live="polite">{move || status.get()}</p>
            <ErrorBox error=error.read_only()/>
        </div>
    }
}
