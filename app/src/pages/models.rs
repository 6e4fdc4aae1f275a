//! Models: the base models of a workspace (registered from the server, or tiny ones made here),
//! and a page per model with its facts, memory needs, chat template, a place to try it, and the
//! training runs that tuned it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use polytune_api::{
    CatalogModel, ChatMessage, CreateTinyModel, Dataset, DatasetState, GenerateRequest, GenerateResponse, Job, Model,
    ModelInfo, RegisterModel, Role, Run, RunDetail, SamplingParams, TinySize, TuneMethod, Validate, Workspace,
    estimate_memory,
};

use crate::client::{self, ApiFailure};
use crate::components::charts::{LineChart, PALETTE};
use crate::components::format::{gib, param_count};
use crate::components::jobs::{DownloadButton, JobProgress};
use crate::components::{ErrorBox, Loading, NotFound, RequireSignIn, form, format_time};
use crate::i18n::{Msg, t};

/// The Models tab: the list, and the two ways to add one.
#[component]
pub fn ModelsSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let tick = RwSignal::new(0u32);
    let models = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/models", ws_id.get_value());
        async move { client::get::<Vec<Model>>(&path).await }
    });
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    let session = crate::session::use_session();
    let is_admin = move || session.user.get().flatten().is_some_and(|u| u.is_admin);
    view! {
        <p class="muted">{t(Msg::ModelsIntro)}</p>
        {move || match models.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t(Msg::ModelsEmpty)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="table" aria-label=t(Msg::SectionModels)>
                    <thead><tr><th>{t(Msg::ColName)}</th><th>{t(Msg::ModelsColArchitecture)}</th><th class="num">{t(Msg::ModelsColParameters)}</th><th class="num">{t(Msg::ModelsColContext)}</th><th class="num">{t(Msg::ModelsColVocabulary)}</th><th>{t(Msg::ModelsColSource)}</th><th>{t(Msg::ColAdded)}</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|m| {
                            let href = format!("/workspaces/{}/models/{}", m.workspace_id, m.id);
                            view! {
                                <tr>
                                    <td><A href=href>{m.name.clone()}</A></td>
                                    <td>{m.info.architecture.clone()}</td>
                                    <td class="num">{param_count(m.info.parameters)}</td>
                                    <td class="num">{m.info.context_length}</td>
                                    <td class="num">{m.info.vocab_size}</td>
                                    <td>{m.source.clone()}</td>
                                    <td>{format_time(m.created_at)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
        {can_edit.then(|| view! { <Catalog ws_id=ws_id.get_value().to_string() on_done=move || tick.update(|t| *t += 1)/> })}
        {can_edit.then(|| view! { <TinyModelForm ws_id=ws_id.get_value().to_string() on_done=move || tick.update(|t| *t += 1)/> })}
        {move || (can_edit && is_admin()).then(|| view! { <RegisterForm ws_id=ws_id.get_value().to_string() on_done=move || tick.update(|t| *t += 1)/> })}
    }
}

#[component]
fn TinyModelForm(ws_id: String, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ws_id = StoredValue::new(ws_id);
    let datasets = RwSignal::new(Vec::<Dataset>::new());
    let path = format!("/workspaces/{}/datasets", ws_id.get_value());
    leptos::task::spawn_local(async move {
        // A dataset still importing gets its first version soon: ask again (for up to two
        // minutes) so the list offers it without a reload.
        for _ in 0..120 {
            let Ok(list) = client::get::<Vec<Dataset>>(&path).await else { break };
            let importing = list.iter().any(|d| d.state == DatasetState::Importing);
            if datasets.try_set(list).is_some() || !importing {
                break;
            }
            client::gloo_timers_sleep(1000).await;
        }
    });
    let name = RwSignal::new("tiny".to_string());
    let version = RwSignal::new(String::new());
    let size = RwSignal::new("micro".to_string());
    let vocab = RwSignal::new("1024".to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateTinyModel {
            name: name.get(),
            dataset_version_id: version.get().into(),
            size: if size.get() == "small" { TinySize::Small } else { TinySize::Micro },
            vocab_size: vocab.get().trim().parse().unwrap_or(0),
            seed: 0,
        };
        if !form::check(req.validate(), error) {
            return;
        }
        error.set(None);
        let path = format!("/workspaces/{}/models/tiny", ws_id.get_value());
        form::send(Some(busy), error, async move { client::post::<_, Model>(&path, &req).await }, move |_| on_done());
    };
    view! {
        <section class="card" aria-labelledby="tiny-title">
            <h2 id="tiny-title">{t(Msg::ModelsTinyTitle)}</h2>
            <p class="muted">{t(Msg::ModelsTinyIntro)}</p>
            <form on:submit=submit class="form-grid">
                <label for="tiny-name">{t(Msg::ColName)}</label>
                <input id="tiny-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="tiny-data">{t(Msg::ModelsTinyData)}</label>
                <select id="tiny-data" prop:value=move || version.get() on:change=move |ev| version.set(event_target_value(&ev))>
                    <option value="">{t(Msg::ModelsTinyChooseVersion)}</option>
                    {move || datasets.get().into_iter().flat_map(|d| {
                        let name = d.name.clone();
                        d.versions.into_iter().map(move |v| view! { <option value=v.id.to_string()>{crate::tr!(Msg::ModelsTinyVersionOption, dataset = name.as_str(), number = v.number.to_string())}</option> })
                    }).collect_view()}
                </select>
                <label for="tiny-size">{t(Msg::ModelsTinySize)}</label>
                <select id="tiny-size" prop:value=move || size.get() on:change=move |ev| size.set(event_target_value(&ev))>
                    <option value="micro">{t(Msg::ModelsTinyMicro)}</option>
                    <option value="small">{t(Msg::ModelsTinySmall)}</option>
                </select>
                <label for="tiny-vocab">{t(Msg::ModelsTinyVocab)}</label>
                <input id="tiny-vocab" inputmode="numeric" prop:value=move || vocab.get() on:input=move |ev| vocab.set(event_target_value(&ev))/>
                <div></div>
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { t(Msg::ModelsTinyMaking) } else { t(Msg::ModelsTinyMake) }}</button>
            </form>
            <ErrorBox error=error.read_only()/>
        </section>
    }
}

/// Real models in one click: the file comes from the studio's cache or its package registry, with
/// the job's progress shown under the button.
#[component]
fn Catalog(ws_id: String, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ws_id = StoredValue::new(ws_id);
    let entries = LocalResource::new(move || {
        let path = format!("/workspaces/{}/model-catalog", ws_id.get_value());
        async move { client::get::<Vec<CatalogModel>>(&path).await }
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let progress = RwSignal::new(None::<Job>);
    let add = move |id: String| {
        error.set(None);
        let path = format!("/workspaces/{}/model-catalog/{id}", ws_id.get_value());
        let fetching = async move {
            let body = serde_json::Map::new();
            let done = client::run_job(&path, &body, |j| progress.try_set(Some(j.clone())).is_none()).await;
            let _ = progress.try_set(None);
            done
        };
        form::send(Some(busy), error, fetching, move |_| on_done());
    };
    view! {
        <section class="card" aria-labelledby="catalog-title">
            <h2 id="catalog-title">{t(Msg::CatalogTitle)}</h2>
            {move || entries.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|e| {
                let id = e.id.clone();
                let size = if e.cached { t(Msg::CatalogCached).to_string() } else { crate::tr!(Msg::ModelsCatalogDownloadSize, size = gib(e.bytes as f64)) };
                view! {
                    <div class="catalog-entry">
                        <p><strong>{e.name.clone()}</strong>" — "{e.about.clone()}</p>
                        <p class="muted">{format!("{} · {} · {size}", e.source, e.license)}</p>
                        <button class="primary add-catalog-model" type="button" data-model=e.id.clone() disabled=move || busy.get()
                            on:click=move |_| add(id.clone())>
                            {move || if busy.get() { t(Msg::CatalogAdding) } else { t(Msg::CatalogAdd) }}
                        </button>
                    </div>
                }
            }).collect_view()}
            {move || progress.get().map(|j| view! { <JobProgress job=j/> })}
            <ErrorBox error=error.read_only()/>
        </section>
    }
}

#[component]
fn RegisterForm(ws_id: String, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ws_id = StoredValue::new(ws_id);
    let name = RwSignal::new(String::new());
    let path = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    // Registering is a job (a GGUF file is dequantized): its progress shows under the form.
    let progress = RwSignal::new(None::<Job>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = RegisterModel { name: name.get(), path: path.get() };
        if !form::check(req.validate(), error) {
            return;
        }
        error.set(None);
        let path = format!("/workspaces/{}/models", ws_id.get_value());
        let registering = async move {
            let done = client::run_job(&path, &req, |j| progress.try_set(Some(j.clone())).is_none()).await;
            let _ = progress.try_set(None);
            done
        };
        form::send(Some(busy), error, registering, move |_| on_done());
    };
    view! {
        <section class="card" aria-labelledby="register-title">
            <h2 id="register-title">{t(Msg::ModelsRegisterTitle)}</h2>
            <p class="muted">{t(Msg::ModelsRegisterIntro)}</p>
            <form on:submit=submit class="form-grid">
                <label for="reg-name">{t(Msg::ColName)}</label>
                <input id="reg-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="reg-path">{t(Msg::ModelsRegisterPath)}</label>
                <input id="reg-path" placeholder="/models/SmolLM2-135M-Instruct" prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev))/>
                <div></div>
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { t(Msg::ModelsRegisterReading) } else { t(Msg::ModelsRegisterButton) }}</button>
            </form>
            {move || progress.get().map(|j| view! { <JobProgress job=j/> })}
            <ErrorBox error=error.read_only()/>
        </section>
    }
}

/// `/workspaces/:id/models/:model_id`
#[component]
pub fn ModelPage() -> impl IntoView {
    let params = use_params_map();
    let ws_id = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let model_id = StoredValue::new(params.read_untracked().get("model_id").unwrap_or_default());
    let model = LocalResource::new(move || {
        let path = format!("/workspaces/{}/models/{}", ws_id.get_value(), model_id.get_value());
        async move { client::get::<Model>(&path).await }
    });
    let runs = LocalResource::new(move || {
        let path = format!("/workspaces/{}/runs", ws_id.get_value());
        async move { client::get::<Vec<Run>>(&path).await }
    });
    view! {
        <RequireSignIn/>
        {move || match model.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <NotFound/> }.into_any(),
            Some(Ok(m)) => {
                let back = format!("/workspaces/{}/models", m.workspace_id);
                let mine: Vec<Run> = runs.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().filter(|r| r.model_id == m.id).collect();
                view! {
                    <p><A href=back>{t(Msg::ModelsBack)}</A></p>
                    <h1>{m.name.clone()}" "<span class="badge">{m.info.architecture.clone()}</span></h1>
                    <Facts info=m.info.clone()/>
                    <Memory info=m.info.clone()/>
                    <section class="card" aria-labelledby="tpl-title">
                        <h2 id="tpl-title">{t(Msg::ModelsTemplateTitle)}</h2>
                        {m.info.template_is_fallback.then(|| view! { <p class="warning">{t(Msg::ModelsTemplateFallback)}</p> })}
                        <p class="muted">{t(Msg::ModelsTemplatePreview)}</p>
                        <pre class="template-preview" data-testid="template-preview">{m.info.template_preview.clone()}</pre>
                        <details><summary>{t(Msg::ModelsTemplateSource)}</summary><pre>{m.info.chat_template.clone()}</pre></details>
                    </section>
                    <TryIt ws_id=m.workspace_id.to_string() model_id=m.id.to_string() runs=mine.clone()/>
                    <Runs ws_id=m.workspace_id.to_string() runs=mine/>
                }.into_any()
            }
        }}
    }
}

#[component]
fn Facts(info: ModelInfo) -> impl IntoView {
    let rows = [
        (t(Msg::ModelsFactParameters), param_count(info.parameters)),
        (t(Msg::ModelsFactLayers), info.layers.to_string()),
        (t(Msg::ModelsFactHiddenSize), info.hidden_size.to_string()),
        (t(Msg::ModelsFactMlpSize), info.intermediate_size.to_string()),
        (
            t(Msg::ModelsFactAttentionHeads),
            crate::tr!(
                Msg::ModelsFactAttentionHeadsValue,
                heads = info.attention_heads.to_string(),
                kv = info.kv_heads.to_string(),
                dim = info.head_dim.to_string()
            ),
        ),
        (t(Msg::ModelsFactContextLength), crate::tr!(Msg::ModelsFactTokens, count = info.context_length.to_string())),
        (t(Msg::ModelsFactVocabulary), crate::tr!(Msg::ModelsFactTokens, count = info.vocab_size.to_string())),
        (
            t(Msg::ModelsFactOutputLayer),
            if info.tied_embeddings {
                t(Msg::ModelsFactTied).to_string()
            } else {
                t(Msg::ModelsFactUntied).to_string()
            },
        ),
        (t(Msg::ModelsFactRopeBase), format!("{}", info.rope_theta)),
    ];
    view! {
        <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title">{t(Msg::ModelsFactsTitle)}</h2>
            <dl class="facts">{rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}</dl>
        </section>
    }
}

/// Memory for inference, LoRA and full tuning at a batch and length the person picks.
#[component]
fn Memory(info: ModelInfo) -> impl IntoView {
    let info = StoredValue::new(info);
    let batch = RwSignal::new("8".to_string());
    let len = RwSignal::new("1024".to_string());
    let rank = RwSignal::new("16".to_string());
    let gpu = RwSignal::new(true);
    let rows = move || {
        let info = info.get_value();
        let b: usize = batch.get().trim().parse().unwrap_or(1).max(1);
        let tokens: usize = len.get().trim().parse().unwrap_or(1).clamp(1, info.context_length.max(1));
        let r: u64 = rank.get().trim().parse().unwrap_or(16);
        let bytes = if gpu.get() { 2 } else { 4 };
        let (d, i, l, kv) = (
            info.hidden_size as u64,
            info.intermediate_size as u64,
            info.layers as u64,
            (info.kv_heads * info.head_dim) as u64,
        );
        let q = (info.attention_heads * info.head_dim) as u64;
        let lora_params = l * r * ((d + q) + 2 * (d + kv) + (q + d) + 2 * (d + i) + (i + d));
        vec![
            (t(Msg::ModelsMemoryChat), estimate_memory(&info, 1, tokens, None, bytes)),
            (t(Msg::ModelsMemoryLora), estimate_memory(&info, b, tokens, Some((TuneMethod::Lora, lora_params)), bytes)),
            (t(Msg::ModelsMemoryFull), estimate_memory(&info, b, tokens, Some((TuneMethod::Full, 0)), bytes)),
        ]
    };
    view! {
        <section class="card" aria-labelledby="mem-title">
            <h2 id="mem-title">{t(Msg::ModelsMemoryTitle)}</h2>
            <div class="form-row">
                <label>{t(Msg::ModelsMemoryBatch)}" "<input class="short" inputmode="numeric" prop:value=move || batch.get() on:input=move |ev| batch.set(event_target_value(&ev))/></label>
                <label>{t(Msg::ModelsMemorySequenceLength)}" "<input class="short" inputmode="numeric" prop:value=move || len.get() on:input=move |ev| len.set(event_target_value(&ev))/></label>
                <label>{t(Msg::ModelsMemoryLoraRank)}" "<input class="short" inputmode="numeric" prop:value=move || rank.get() on:input=move |ev| rank.set(event_target_value(&ev))/></label>
                <label><input type="checkbox" prop:checked=move || gpu.get() on:change=move |ev| gpu.set(event_target_checked(&ev))/>" "{t(Msg::ModelsMemoryGpu)}</label>
            </div>
            <table class="table" aria-label=t(Msg::ModelsMemoryTitle)>
                <thead><tr><th>{t(Msg::ModelsMemoryUse)}</th><th class="num">{t(Msg::ModelsMemoryWeights)}</th><th class="num">{t(Msg::ModelsMemoryActivations)}</th><th class="num">{t(Msg::ModelsMemoryOptimizer)}</th><th class="num">{t(Msg::ModelsMemoryTotal)}</th><th></th></tr></thead>
                <tbody>
                    {move || {
                        let rows = rows();
                        let max = rows.iter().map(|r| r.1.total).max().unwrap_or(1).max(1);
                        rows.into_iter().map(|(label, m)| {
                            let w = format!("width: {:.1}%", 100.0 * m.total as f64 / max as f64);
                            view! {
                                <tr>
                                    <td>{label}</td>
                                    <td class="num">{gib(m.weights as f64)}</td>
                                    <td class="num">{gib(m.activations as f64)}</td>
                                    <td class="num">{gib(m.optimizer as f64)}</td>
                                    <td class="num"><strong>{gib(m.total as f64)}</strong></td>
                                    <td class="bar-cell"><span class="bar" style=w></span></td>
                                </tr>
                            }
                        }).collect_view()
                    }}
                </tbody>
            </table>
            <p class="muted">{t(Msg::ModelsMemoryNote)}</p>
        </section>
    }
}

#[component]
fn TryIt(ws_id: String, model_id: String, runs: Vec<Run>) -> impl IntoView {
    let path = StoredValue::new(format!("/workspaces/{ws_id}/models/{model_id}/generate"));
    let prompt = RwSignal::new(t(Msg::ModelsTryDefaultPrompt).to_string());
    let run = RwSignal::new(String::new());
    let temperature = RwSignal::new("0".to_string());
    let answer = RwSignal::new(None::<GenerateResponse>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = GenerateRequest {
            messages: vec![ChatMessage { role: "user".into(), content: prompt.get() }],
            run_id: Some(run.get()).filter(|r| !r.is_empty()).map(Into::into),
            checkpoint_step: None,
            sampling: SamplingParams {
                temperature: temperature.get().trim().parse().unwrap_or(f32::NAN),
                max_new_tokens: 64,
                ..SamplingParams::default()
            },
        };
        if !form::check(req.validate(), error) {
            return;
        }
        error.set(None);
        let path = path.get_value();
        form::send(
            Some(busy),
            error,
            async move { client::post::<_, GenerateResponse>(&path, &req).await },
            move |a| answer.set(Some(a)),
        );
    };
    view! {
        <section class="card" aria-labelledby="try-title">
            <h2 id="try-title">{t(Msg::ModelsTryTitle)}</h2>
            <form on:submit=submit class="form-grid">
                <label for="try-prompt">{t(Msg::ModelsTryMessage)}</label>
                <textarea id="try-prompt" rows="2" dir="auto" prop:value=move || prompt.get() on:input=move |ev| prompt.set(event_target_value(&ev))></textarea>
                <label for="try-run">{t(Msg::ModelsTryWeights)}</label>
                <select id="try-run" prop:value=move || run.get() on:change=move |ev| run.set(event_target_value(&ev))>
                    <option value="">{t(Msg::ModelsTryBase)}</option>
                    {runs.into_iter().map(|r| view! { <option value=r.id.to_string()>{crate::tr!(Msg::ModelsTryTunedBy, run = r.name.as_str())}</option> }).collect_view()}
                </select>
                <label for="try-temp">{t(Msg::ModelsTryTemperature)}</label>
                <input id="try-temp" class="short" inputmode="decimal" prop:value=move || temperature.get() on:input=move |ev| temperature.set(event_target_value(&ev))/>
                <div></div>
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { t(Msg::ModelsTryWriting) } else { t(Msg::ModelsTryAnswer) }}</button>
            </form>
            <ErrorBox error=error.read_only()/>
            {move || answer.get().map(|a| view! {
                <div class="conversation">
                    <div class="turn assistant" dir="auto" data-testid="answer">{a.text.clone()}</div>
                    <p class="muted">{crate::tr!(Msg::ModelsTryStats, tokens = a.tokens.to_string(), seconds = format!("{:.1}", a.seconds), reason = if a.finish_reason == "stop" { "stop" } else { "length" })}</p>
                </div>
            })}
        </section>
    }
}

/// The runs that tuned this model: their loss curves and latest validation per language.
#[component]
fn Runs(ws_id: String, runs: Vec<Run>) -> impl IntoView {
    if runs.is_empty() {
        let new_run = format!("/workspaces/{ws_id}/runs/new");
        return view! { <section class="card"><h2>{t(Msg::SectionRuns)}</h2><p class="muted">{t(Msg::ModelsRunsEmpty)}" "<A href=new_run>{t(Msg::ModelsRunsStart)}</A></p></section> }.into_any();
    }
    let ws_id = StoredValue::new(ws_id);
    view! {
        <section class="card" aria-labelledby="runs-title">
            <h2 id="runs-title">{t(Msg::SectionRuns)}</h2>
            {runs.into_iter().map(|r| view! { <RunSummary ws_id=ws_id.get_value() run=r/> }).collect_view()}
        </section>
    }
    .into_any()
}

#[component]
fn RunSummary(ws_id: String, run: Run) -> impl IntoView {
    let path = format!("/workspaces/{ws_id}/runs/{}", run.id);
    let detail = LocalResource::new(move || {
        let path = path.clone();
        async move { client::get::<RunDetail>(&path).await }
    });
    let page = format!("/workspaces/{ws_id}/runs/{}", run.id);
    let method = format!("{:?}", run.spec.method);
    let rate = run.spec.learning_rate.to_string();
    let started = format_time(run.created_at);
    let summary = match run.spec.max_steps {
        Some(steps) => crate::tr!(
            Msg::ModelsRunSummary,
            method = method,
            steps = steps.to_string(),
            rate = rate,
            started = started
        ),
        None => crate::tr!(Msg::ModelsRunSummaryAllSteps, method = method, rate = rate, started = started),
    };
    view! {
        <article class="run-summary">
            <h3><A href=page>{run.name.clone()}</A></h3>
            <p class="muted">{summary}</p>
            {move || detail.get().and_then(|d| d.ok()).map(|d| {
                let losses: Vec<(f64, f64)> = d.points.iter().filter(|p| p.kind == "step").filter_map(|p| Some((p.step as f64, p.data["loss"].as_f64()?))).collect();
                let last_eval = d.points.iter().rev().find(|p| p.kind == "eval").cloned();
                view! {
                    <LineChart series=vec![(t(Msg::ModelsTrainingLoss).to_string(), PALETTE[0].to_string(), losses)] label=t(Msg::ModelsTrainingLoss) x_label=t(Msg::ModelsAxisStep) y_label=t(Msg::ModelsAxisLoss)
                        empty=t(Msg::ModelsLossEmpty)/>
                    {last_eval.map(|e| {
                        let per: Vec<(String, f64)> = e.data["loss_by_language"].as_object().map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect()).unwrap_or_default();
                        view! {
                            <table class="table" aria-label=t(Msg::ModelsValidationPerLanguage)>
                                <thead><tr><th>{t(Msg::EvalLanguage)}</th><th class="num">{crate::tr!(Msg::ModelsValidationAtStep, step = e.step.to_string())}</th></tr></thead>
                                <tbody>{per.into_iter().map(|(l, v)| view! { <tr><td>{polytune_api::lang::LangTag(l).display()}</td><td class="num">{format!("{v:.3}")}</td></tr> }).collect_view()}</tbody>
                            </table>
                        }
                    })}
                    <p class="muted">{crate::tr!(Msg::ModelsCheckpointsKept, count = d.checkpoints.len())}
                        {(!d.checkpoints.is_empty()).then(|| {
                            let base = format!("/workspaces/{}/runs/{}/export", d.run.workspace_id, d.run.id);
                            let lora = d.run.spec.method == TuneMethod::Lora;
                            view! {
                                " · "{t(Msg::ModelsDownloadNewest)}" "
                                <DownloadButton path=format!("{base}?kind=merged") label=t(Msg::ModelsDownloadMerged)/>
                                {lora.then(|| view! { " · " <DownloadButton path=format!("{base}?kind=adapter") label=t(Msg::ModelsDownloadAdapter)/> })}
                            }
                        })}
                    </p>
                }
            })}
        </article>
    }
}
