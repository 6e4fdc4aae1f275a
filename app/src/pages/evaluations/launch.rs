//! The form that starts an evaluation: what to evaluate, how much, and the time it will take,
//! shown before anything runs.

use leptos::prelude::*;
use polytune_api::{CreateEvaluation, EvalPreset, EvalSpec, EvalTask, EvaluationStarted, Model, Run, Validate};

use crate::client::{self, ApiFailure, ApiResult};
use crate::components::format::about;
use crate::components::lang::lang_label;
use crate::components::{ErrorBox, form};
use crate::i18n::{Msg, t};

#[component]
pub fn Launcher(
    ws_id: String,
    tasks: LocalResource<ApiResult<Vec<EvalTask>>>,
    on_started: impl Fn(String, Option<String>) + Copy + 'static,
) -> impl IntoView {
    let ws = StoredValue::new(ws_id);
    let models = LocalResource::new(move || {
        let path = format!("/workspaces/{}/models", ws.get_value());
        async move { client::get::<Vec<Model>>(&path).await }
    });
    let runs = LocalResource::new(move || {
        let path = format!("/workspaces/{}/runs", ws.get_value());
        async move { client::get::<Vec<Run>>(&path).await }
    });
    let model_id = RwSignal::new(String::new());
    let run_id = RwSignal::new(String::new());
    let with_base = RwSignal::new(true);
    let full = RwSignal::new(false);
    // Task ids left out (all are in by default).
    let unticked = RwSignal::new(Vec::<String>::new());
    let languages = RwSignal::new(String::new());
    let estimate = RwSignal::new(None::<Result<EvalSpec, ApiFailure>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);

    // A run named in the address (`?run=…`, from a run's page) is chosen with its model, the
    // base compared; otherwise the first model.
    let wanted_run = leptos_router::hooks::use_query_map().read_untracked().get("run");
    Effect::new(move |_| {
        if let (Some(want), Some(Ok(list))) = (wanted_run.clone(), runs.get())
            && let Some(r) = list.into_iter().find(|r| r.id == want)
            && run_id.with_untracked(String::is_empty)
        {
            model_id.set(r.model_id.to_string());
            run_id.set(r.id.to_string());
            with_base.set(true);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(list)) = models.get()
            && model_id.with_untracked(String::is_empty)
            && let Some(m) = list.first()
        {
            model_id.set(m.id.to_string());
        }
    });
    let request = move || -> Option<CreateEvaluation> {
        let all: Vec<String> = match tasks.get() {
            Some(Ok(list)) => list.into_iter().map(|t| t.id).collect(),
            _ => return None,
        };
        let chosen: Vec<String> = all.into_iter().filter(|id| !unticked.with(|u| u.contains(id))).collect();
        let run = run_id.get();
        Some(CreateEvaluation {
            model_id: model_id.get().into(),
            run_id: (!run.is_empty()).then_some(run.clone().into()),
            checkpoint_step: None,
            preset: if full.get() { EvalPreset::Full } else { EvalPreset::Quick },
            tasks: chosen,
            languages: crate::components::lang::typed_list(&languages.get()),
            limit: None,
            with_base: !run.is_empty() && with_base.get(),
        })
    };
    // The estimate follows every change of the form; an answer to an older request is dropped.
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Some(req) = request() else { return };
        if req.model_id.is_empty() || req.tasks.is_empty() || !req.validate().is_empty() {
            asked.update_value(|n| *n += 1);
            estimate.set(None);
            return;
        }
        let path = format!("/workspaces/{}/evaluations/estimate", ws.get_value());
        let n = asked.get_value() + 1;
        asked.set_value(n);
        leptos::task::spawn_local(async move {
            let answer = client::post::<_, EvalSpec>(&path, &req).await;
            if asked.try_get_value() == Some(n) {
                let _ = estimate.try_set(Some(answer));
            }
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(req) = request() else { return };
        if !form::check(req.validate(), error) {
            return;
        }
        let path = format!("/workspaces/{}/evaluations", ws.get_value());
        form::send(
            Some(busy),
            error,
            async move { client::post::<_, EvaluationStarted>(&path, &req).await },
            move |s| {
                on_started(s.evaluation.id.to_string(), s.base.map(|b| b.id.to_string()));
            },
        );
    };
    view! {
        <form class="card eval-launch" on:submit=submit>
            <h2>{t(Msg::EvalLaunchTitle)}</h2>
            <div class="row">
                <label for="eval-model">{t(Msg::EvalModel)}</label>
                <select id="eval-model" prop:value=move || model_id.get()
                    on:change=move |ev| { model_id.set(event_target_value(&ev)); run_id.set(String::new()); }>
                    {move || models.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| {
                        let id = m.id.clone();
                        view! { <option value=m.id.to_string() selected=move || model_id.with(|x| *x == id)>{m.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="row">
                <label for="eval-run">{t(Msg::EvalWhat)}</label>
                <select id="eval-run" prop:value=move || run_id.get() on:change=move |ev| run_id.set(event_target_value(&ev))>
                    <option value="">{t(Msg::EvalBaseModel)}</option>
                    {move || {
                        let mid = model_id.get();
                        runs.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|r| r.model_id == mid).map(|r| {
                            let id = r.id.clone();
                            view! { <option value=r.id.to_string() selected=move || run_id.with(|x| *x == id)>{crate::tr!(Msg::EvalSRunOption, name = r.name.as_str())}</option> }
                        }).collect_view()
                    }}
                </select>
                <label class="inline" class:hidden=move || run_id.with(String::is_empty)>
                    <input type="checkbox" id="eval-with-base" prop:checked=move || with_base.get() on:change=move |ev| with_base.set(event_target_checked(&ev))/>
                    {t(Msg::EvalWithBase)}
                </label>
            </div>
            <fieldset class="row">
                <legend>{t(Msg::EvalHowMuch)}</legend>
                <label class="inline"><input type="radio" name="eval-preset" id="eval-quick" prop:checked=move || !full.get() on:change=move |_| full.set(false)/>{t(Msg::EvalQuick)}</label>
                <label class="inline"><input type="radio" name="eval-preset" id="eval-full" prop:checked=move || full.get() on:change=move |_| full.set(true)/>{t(Msg::EvalFull)}</label>
            </fieldset>
            <fieldset class="row eval-tasks">
                <legend>{t(Msg::EvalTasks)}</legend>
                {move || tasks.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|task| {
                    let id = StoredValue::new(task.id.clone());
                    let langs: Vec<String> = task.languages.keys().map(|l| lang_label(l)).collect();
                    view! {
                        <label class="task-choice">
                            <input type="checkbox" value=task.id.clone() prop:checked=move || !unticked.with(|u| u.contains(&id.get_value()))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    unticked.update(|u| { u.retain(|x| *x != id.get_value()); if !on { u.push(id.get_value()); } });
                                }/>
                            <strong>{task.name.clone()}</strong>
                            <span class="muted">" — "{task.about.clone()}</span>
                            <span class="hint">{crate::tr!(Msg::EvalSTaskLanguages, count = task.languages.len(), list = langs.join(", "))}</span>
                            {task.from_file.then(|| {
                                let path = format!("/workspaces/{}/eval-tasks/{}", ws.get_value(), task.id);
                                let name = task.name.clone();
                                view! {
                                    <button type="button" class="link remove-task" aria-label=crate::tr!(Msg::EvalSRemoveTask, name = name.as_str())
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            let path = path.clone();
                                            form::send(None, error, async move { client::delete(&path).await }, move |_| tasks.refetch());
                                        }>{t(Msg::EvalRemoveTask)}</button>
                                }
                            })}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="row">
                <label for="eval-languages">{t(Msg::EvalOnlyLanguages)}</label>
                <input id="eval-languages" type="text" placeholder="sw, yo, th" bind:value=languages/>
                <span class="hint">{t(Msg::EvalOnlyLanguagesHint)}</span>
            </div>
            <p class="estimate" role="status">
                {move || match estimate.get() {
                    Some(Ok(s)) => crate::tr!(Msg::EvalSEstimate, items = s.items, time = about(s.estimated_seconds)),
                    Some(Err(e)) => e.message(),
                    None => String::new(),
                }}
            </p>
            <ErrorBox error=error.read_only()/>
            <button type="submit" class="primary" id="start-evaluation" disabled=move || busy.get() || model_id.with(String::is_empty)>{t(Msg::EvalStart)}</button>
        </form>
    }
}
