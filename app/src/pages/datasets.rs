//! Datasets: drop files in, correct how they are read, import, and see each language in them —
//! the profile (charts and a per-language table), the examples as conversations, derived
//! versions and exports.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use polytune_api::lang::{LangTag, parse as parse_lang};
use polytune_api::{
    CreateDataset, CreateProfile, Dataset, DatasetState, DatasetVersion, Dedup, DeriveSpec, Example, ExampleItem,
    ExamplePage, FileFormat, Flag, ImportSpec, InspectRequest, Inspection, Job, JobState, Mapping, OnError, Profile,
    ProfileState, Role, TurnRole, Validate, Workspace,
};

use crate::client::{self, ApiFailure};
use crate::components::format::{pct, thousands};
use crate::components::jobs::{JobProgress, StateBadge, format_bytes, subscribe};
use crate::components::{ErrorBox, Loading, RequireSignIn, format_time};

fn lang_name(code: &str) -> String {
    if code == "und" {
        return "Unknown".into();
    }
    LangTag(code.to_string()).display()
}

fn state_text(s: DatasetState) -> &'static str {
    match s {
        DatasetState::Importing => "importing",
        DatasetState::NeedsDecision => "needs your decision",
        DatasetState::Ready => "ready",
        DatasetState::Failed => "failed",
    }
}

// ---- the section: upload zone, import cards, list ----------------------------------------------

/// One file on its way in: uploading, then read with a spec the person can correct.
#[derive(Clone)]
struct Incoming {
    key: u32,
    name: String,
    sent: RwSignal<f64>,
    total: f64,
    blob: RwSignal<Option<String>>,
    error: RwSignal<Option<ApiFailure>>,
}

#[component]
pub fn DatasetsSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    let tick = RwSignal::new(0u32);
    let datasets = LocalResource::new(move || {
        tick.track();
        async move { client::get::<Vec<Dataset>>(&format!("/workspaces/{}/datasets", ws_id.get_value())).await }
    });
    let connected = RwSignal::new(false);
    subscribe(
        format!("/api/v1/workspaces/{}/events?after=-1", ws.id),
        move |e| {
            if e.kind == "state" {
                tick.update(|t| *t += 1)
            }
        },
        connected,
    );
    let incoming = RwSignal::new(Vec::<Incoming>::new());
    let next_key = StoredValue::new(0u32);
    let start_upload = move |file: web_sys::File| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let item = Incoming {
            key,
            name: file.name(),
            sent: RwSignal::new(0.0),
            total: file.size(),
            blob: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        incoming.update(|l| l.push(item.clone()));
        leptos::task::spawn_local(async move {
            let ws = ws_id.get_value();
            match client::upload_resumable(&ws, &file, |sent, _| item.sent.set(sent)).await {
                Ok(up) => item.blob.set(up.blob),
                Err(e) => item.error.set(Some(e)),
            }
        });
    };
    let input = NodeRef::<leptos::html::Input>::new();
    let take_files = move |files: Option<web_sys::FileList>| {
        if let Some(files) = files {
            for i in 0..files.length() {
                if let Some(f) = files.get(i) {
                    start_upload(f);
                }
            }
        }
    };
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        take_files(ev.data_transfer().and_then(|d| d.files()));
    };
    let imported = move |_id: String| {
        tick.update(|t| *t += 1);
    };
    view! {
        {can_edit.then(|| view! {
            <div class="dropzone" class:dragging=dragging
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <p><strong>"Drop instruction data here"</strong>" — JSON lines, JSON, CSV, TSV, Parquet or text, gzip allowed, several files at once. Large files are sent in pieces and resume after a dropped connection."</p>
                <label for="dataset-files" class="button">"Choose files…"</label>
                <input id="dataset-files" class="sr-only" type="file" multiple node_ref=input
                    on:change=move |_| take_files(input.get().and_then(|i| i.files()))/>
            </div>
        })}
        <For each=move || incoming.get() key=|i| i.key let:item>
            <IncomingCard item=item ws_id=ws_id.get_value() on_imported=imported/>
        </For>
        {move || match datasets.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <div class="empty"><p>"No datasets yet. Upload instruction data in any language and Polytune shows what is in it, language by language."</p></div>
            }.into_any(),
            Some(Ok(list)) => view! {
                <h2>"Datasets"</h2>
                <table class="data datasets">
                    <thead><tr>
                        <th scope="col">"Name"</th><th scope="col">"State"</th><th scope="col">"Examples"</th>
                        <th scope="col">"Versions"</th><th scope="col">"File"</th><th scope="col">"Added"</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|d| {
                            let needs = d.state == DatasetState::NeedsDecision;
                            let whole = d.clone();
                            let href = format!("/workspaces/{}/datasets/{}", d.workspace_id, d.id);
                            let latest = d.versions.last().map(|v| thousands(v.examples as u64)).unwrap_or_else(|| "—".into());
                            view! {
                                <tr>
                                    <td><A href=href>{d.name.clone()}</A></td>
                                    <td><span class=format!("badge state-{:?}", d.state).to_lowercase()>{state_text(d.state)}</span></td>
                                    <td>{latest}</td>
                                    <td>{d.versions.len()}</td>
                                    <td class="muted">{d.file_name.clone()}</td>
                                    <td>{format_time(d.created_at)}</td>
                                </tr>
                                {needs.then(|| view! {
                                    <tr><td colspan="6"><Decision dataset=whole can_edit=can_edit on_done=move || tick.update(|t| *t += 1)/></td></tr>
                                })}
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}

/// Bad records were found: list them, and let the person skip them or cancel.
#[component]
fn Decision(dataset: Dataset, can_edit: bool, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let report = dataset.report.clone().unwrap_or_default();
    let error = RwSignal::new(None);
    let base = format!("/workspaces/{}/datasets/{}", dataset.workspace_id, dataset.id);
    let skip = {
        let base = base.clone();
        move |_| {
            let base = base.clone();
            leptos::task::spawn_local(async move {
                match client::post::<_, Dataset>(&format!("{base}/skip-bad-records"), &serde_json::json!({})).await {
                    Ok(_) => on_done(),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let cancel = move |_| {
        let base = base.clone();
        leptos::task::spawn_local(async move {
            match client::delete(&base).await {
                Ok(()) => on_done(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let listed = report.issues.len();
    view! {
        <div class="decision" role="group" aria-label="Records that cannot be read">
            <p><strong>{format!("{} of {} records cannot be read.", thousands(report.bad), thousands(report.records))}</strong>
               " Nothing has been imported yet."</p>
            {report.fatal.clone().map(|f| view! { <p class="error">{f}</p> })}
            <ul class="issues">
                {report.issues.iter().map(|i| view! { <li><code>{i.location.clone()}</code>": "{i.message.clone()}</li> }).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <button class="primary" on:click=skip>{format!("Skip bad rows ({} listed)", listed)}</button>" "
                <button on:click=cancel>"Cancel the import"</button>
            })}
            <ErrorBox error=error.read_only()/>
        </div>
    }
}

fn mapping_kind(m: &Mapping) -> &'static str {
    match m {
        Mapping::Fields { .. } => "fields",
        Mapping::Messages { .. } => "messages",
        Mapping::Turns { .. } => "turns",
    }
}

/// Editable copy of a mapping: every path as a signal.
#[derive(Clone, Copy)]
struct MappingForm {
    kind: RwSignal<String>,
    a: RwSignal<String>,
    b: RwSignal<String>,
    c: RwSignal<String>,
    d: RwSignal<String>,
    id: RwSignal<String>,
    language: RwSignal<String>,
}

impl MappingForm {
    fn new() -> Self {
        let s = || RwSignal::new(String::new());
        MappingForm { kind: RwSignal::new("fields".into()), a: s(), b: s(), c: s(), d: s(), id: s(), language: s() }
    }

    fn load(&self, m: &Mapping) {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        self.kind.set(mapping_kind(m).into());
        match m {
            Mapping::Fields { system, instruction, input, output, id, language } => {
                self.a.set(instruction.clone());
                self.b.set(o(input));
                self.c.set(o(output));
                self.d.set(o(system));
                self.id.set(o(id));
                self.language.set(o(language));
            }
            Mapping::Messages { messages, role_key, text_key, id, language } => {
                self.a.set(messages.clone());
                self.b.set(role_key.clone());
                self.c.set(text_key.clone());
                self.id.set(o(id));
                self.language.set(o(language));
            }
            Mapping::Turns { turns, answers, id, language } => {
                self.a.set(turns.clone());
                self.b.set(o(answers));
                self.id.set(o(id));
                self.language.set(o(language));
            }
        }
    }

    fn get(&self) -> Mapping {
        let opt = |s: RwSignal<String>| Some(s.get()).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        match self.kind.get().as_str() {
            "messages" => Mapping::Messages {
                messages: self.a.get(),
                role_key: self.b.get(),
                text_key: self.c.get(),
                id: opt(self.id),
                language: opt(self.language),
            },
            "turns" => Mapping::Turns {
                turns: self.a.get(),
                answers: opt(self.b),
                id: opt(self.id),
                language: opt(self.language),
            },
            _ => Mapping::Fields {
                system: opt(self.d),
                instruction: self.a.get(),
                input: opt(self.b),
                output: opt(self.c),
                id: opt(self.id),
                language: opt(self.language),
            },
        }
    }
}

fn format_key(f: FileFormat) -> &'static str {
    match f {
        FileFormat::Jsonl => "jsonl",
        FileFormat::JsonArray => "json_array",
        FileFormat::Csv => "csv",
        FileFormat::Tsv => "tsv",
        FileFormat::Parquet => "parquet",
        FileFormat::Lines => "lines",
    }
}

fn parse_format(s: &str) -> FileFormat {
    match s {
        "json_array" => FileFormat::JsonArray,
        "csv" => FileFormat::Csv,
        "tsv" => FileFormat::Tsv,
        "parquet" => FileFormat::Parquet,
        "lines" => FileFormat::Lines,
        _ => FileFormat::Jsonl,
    }
}

#[component]
fn IncomingCard(
    item: Incoming,
    ws_id: String,
    on_imported: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ws_id = StoredValue::new(ws_id);
    let inspection = RwSignal::new(None::<Inspection>);
    let error = RwSignal::new(None::<ApiFailure>);
    let format = RwSignal::new("jsonl".to_string());
    let header = RwSignal::new(false);
    let language = RwSignal::new(String::new());
    let form = MappingForm::new();
    let name = RwSignal::new(item.name.clone());
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let blob = item.blob;
    let inspect = move |spec: Option<ImportSpec>| {
        let Some(b) = blob.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let req = InspectRequest { blob: b, spec };
            let res =
                client::post::<_, Inspection>(&format!("/workspaces/{}/datasets/inspect", ws_id.get_value()), &req)
                    .await;
            busy.set(false);
            match res {
                Ok(i) => {
                    format.set(format_key(i.spec.format).into());
                    header.set(i.spec.has_header);
                    language.set(i.spec.language.clone().unwrap_or_default());
                    form.load(&i.spec.mapping);
                    error.set(None);
                    inspection.set(Some(i));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        if blob.get().is_some() && inspection.get_untracked().is_none() {
            inspect(None);
        }
    });
    let spec = move || ImportSpec {
        format: parse_format(&format.get()),
        has_header: header.get(),
        mapping: form.get(),
        language: Some(language.get().trim().to_string()).filter(|l| !l.is_empty()),
    };
    let retry = move |_| {
        let s = spec();
        let errors = s.validate();
        if !errors.is_empty() {
            error.set(Some(client::invalid(errors)));
            return;
        }
        inspect(Some(s));
    };
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(b) = blob.get_untracked() else { return };
        let req = CreateDataset {
            name: name.get(),
            description: String::new(),
            blob: b,
            spec: spec(),
            on_error: OnError::Ask,
        };
        let errors = req.validate();
        if !errors.is_empty() {
            error.set(Some(client::invalid(errors)));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let res = client::post::<_, Dataset>(&format!("/workspaces/{}/datasets", ws_id.get_value()), &req).await;
            busy.set(false);
            match res {
                Ok(d) => {
                    done.set(true);
                    on_imported(d.id);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let total = item.total;
    let sent = item.sent;
    let upload_error = item.error;
    let key = item.key;
    let fields_id = StoredValue::new(format!("fields-{}", key));
    let title = StoredValue::new(item.name.clone());
    view! {
        <Show when=move || !done.get()>
        <form class="card incoming" on:submit=import>
            <h2>{title.get_value()}</h2>
            {move || match blob.get() {
                None => view! {
                    <div class="progress-line">
                        <progress max="100" value=move || sent.get() / total.max(1.0) * 100.0 aria-label="Upload progress"></progress>
                        <span class="pct">{move || format!("{:.0}%", sent.get() / total.max(1.0) * 100.0)}</span>
                        <span class="muted">{move || format!("{} of {}", format_bytes(sent.get()), format_bytes(total))}</span>
                    </div>
                }.into_any(),
                Some(_) => view! { <p class="muted">"Uploaded "{format_bytes(total)}"."</p> }.into_any(),
            }}
            <ErrorBox error=upload_error.read_only()/>
            {move || inspection.get().map(|i| {
                let fields = i.fields.clone();
                view! {
                    <p><strong>"Detected: "</strong>{i.detected.clone()}". Correct anything that is read wrongly, then try again."</p>
                    <datalist id=fields_id.get_value()>{fields.into_iter().map(|f| view! { <option value=f/> }).collect_view()}</datalist>
                    <div class="mapping">
                        <div class="field"><label for=format!("fmt-{}", key)>"Format"</label>
                            <select id=format!("fmt-{}", key) prop:value=move || format.get() on:change=move |ev| format.set(event_target_value(&ev))>
                                <option value="jsonl">"JSON lines"</option><option value="json_array">"JSON array"</option>
                                <option value="csv">"CSV"</option><option value="tsv">"TSV"</option>
                                <option value="parquet">"Parquet"</option><option value="lines">"Text lines"</option>
                            </select></div>
                        <label class="check"><input type="checkbox" prop:checked=move || header.get()
                            on:change=move |ev| header.set(event_target_checked(&ev))/>"First row names the columns"</label>
                        <div class="field"><label for=format!("kind-{}", key)>"Records are"</label>
                            <select id=format!("kind-{}", key) prop:value=move || form.kind.get() on:change=move |ev| form.kind.set(event_target_value(&ev))>
                                <option value="fields">"One exchange in separate fields"</option>
                                <option value="messages">"A list of messages"</option>
                                <option value="turns">"A list of user turns"</option>
                            </select></div>
                        {move || {
                            let kind = form.kind.get();
                            let labels: [&str; 4] = match kind.as_str() {
                                "messages" => ["Messages field", "Role key", "Text key", ""],
                                "turns" => ["Turns field", "Answers field (optional)", "", ""],
                                _ => ["Instruction field", "Input field (optional)", "Output field", "System field (optional)"],
                            };
                            let sigs = [form.a, form.b, form.c, form.d];
                            labels.into_iter().zip(sigs).enumerate().filter(|(_, (l, _))| !l.is_empty()).map(|(n, (l, sig))| {
                                let id = format!("map-{}-{n}", key);
                                view! {
                                    <div class="field"><label for=id.clone()>{l}</label>
                                        <input id=id list=fields_id.get_value() prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></div>
                                }
                            }).collect_view()
                        }}
                        <div class="field"><label for=format!("id-{}", key)>"Id field (optional)"</label>
                            <input id=format!("id-{}", key) list=fields_id.get_value() prop:value=move || form.id.get() on:input=move |ev| form.id.set(event_target_value(&ev))/></div>
                        <div class="field"><label for=format!("lang-{}", key)>"Language of the file (optional)"</label>
                            <input id=format!("lang-{}", key) placeholder="de, deu, deu_Latn or German — empty: detect per example"
                                prop:value=move || language.get() on:input=move |ev| language.set(event_target_value(&ev))/>
                            <p class="hint">{move || {
                                let l = language.get();
                                if l.trim().is_empty() { "Detected per example.".to_string() }
                                else { parse_lang(&l).map(|t| t.display()).unwrap_or_else(|| "Not a language the studio knows.".into()) }
                            }}</p></div>
                    </div>
                    <button type="button" on:click=retry disabled=busy>"Try this reading"</button>
                    <h3>"First records"</h3>
                    <table class="data preview">
                        <thead><tr><th scope="col">"Where"</th><th scope="col">"As an example"</th></tr></thead>
                        <tbody>{i.rows.iter().take(8).map(|r| view! {
                            <tr>
                                <td><code>{r.location.clone()}</code></td>
                                <td>{match (&r.example, &r.error) {
                                    (Some(e), _) => view! { <Conversation example=e.clone() compact=true/> }.into_any(),
                                    (None, Some(err)) => view! { <span class="error">{err.clone()}</span> }.into_any(),
                                    _ => ().into_any(),
                                }}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                    <div class="field"><label for=format!("name-{}", key)>"Dataset name"</label>
                        <input id=format!("name-{}", key) prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></div>
                    <button type="submit" class="primary" disabled=busy>"Import"</button>
                }
            })}
            <ErrorBox error=error.read_only()/>
        </form>
        </Show>
    }
}

/// A conversation as it reads: one bubble per turn, each in its own direction (Arabic and
/// Hebrew right to left) via `dir="auto"`.
#[component]
pub fn Conversation(example: Example, #[prop(optional)] compact: bool) -> impl IntoView {
    let lang = example.language.clone();
    view! {
        <div class="conversation" class:compact=compact>
            {example.turns.into_iter().map(|t| {
                let (class, who) = match t.role {
                    TurnRole::System => ("turn system", "System"),
                    TurnRole::User => ("turn user", "User"),
                    TurnRole::Assistant => ("turn assistant", "Assistant"),
                };
                let text = if compact && t.text.chars().count() > 240 {
                    format!("{}…", t.text.chars().take(240).collect::<String>())
                } else { t.text };
                view! {
                    <div class=class>
                        <span class="who">{who}</span>
                        <div class="text" dir="auto" lang=lang.clone()>{text}</div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

// ---- one dataset ----------------------------------------------------------------------------------

/// `/workspaces/:id/datasets/:dataset_id`: versions, and for the chosen one its profile,
/// examples and derived versions.
#[component]
pub fn DatasetPage() -> impl IntoView {
    let params = use_params_map();
    let ws_id = params.read_untracked().get("id").unwrap_or_default();
    let ds_id = params.read_untracked().get("dataset_id").unwrap_or_default();
    let ws_id = StoredValue::new(ws_id);
    let tick = RwSignal::new(0u32);
    let dataset = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/datasets/{ds_id}", ws_id.get_value());
        async move { client::get::<Dataset>(&path).await }
    });
    let role = RwSignal::new(Role::Viewer);
    leptos::task::spawn_local(async move {
        if let Ok(w) = client::get::<Workspace>(&format!("/workspaces/{}", ws_id.get_value())).await {
            role.set(if w.archived { Role::Viewer } else { w.role });
        }
    });
    let connected = RwSignal::new(false);
    subscribe(
        format!("/api/v1/workspaces/{}/events?after=-1", ws_id.get_value()),
        move |e| {
            if e.kind == "state" {
                tick.update(|t| *t += 1)
            }
        },
        connected,
    );
    let chosen = RwSignal::new(None::<i64>);
    let tab = RwSignal::new("profile");
    view! {
        <RequireSignIn/>
        {move || match dataset.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <super::NotFound/> }.into_any(),
            Some(Ok(d)) => {
                let number = chosen.get().or_else(|| d.versions.last().map(|v| v.number));
                let version = d.versions.iter().find(|v| Some(v.number) == number).cloned();
                let back = format!("/workspaces/{}/datasets", d.workspace_id);
                view! {
                    <p><A href=back>"← Datasets"</A></p>
                    <h1>{d.name.clone()}" "<span class="badge">{state_text(d.state)}</span></h1>
                    <p class="muted">{format!("From {} · {}", d.file_name, d.spec.format.label())}</p>
                    {(d.state == DatasetState::NeedsDecision).then(|| view! {
                        <Decision dataset=d.clone() can_edit={role.get_untracked() >= Role::Editor} on_done=move || tick.update(|t| *t += 1)/>
                    })}
                    {(d.state == DatasetState::Importing).then(|| view! { <p role="status">"Importing… the first version appears when every record is read."</p> })}
                    <Versions dataset=d.clone() chosen=chosen current=number/>
                    {version.map(|v| {
                        let v = StoredValue::new(v);
                        view! {
                            <nav class="tabs" aria-label="Version views">
                                {[("profile", "Profile"), ("examples", "Examples"), ("derive", "New version by filters")].into_iter().map(|(k, label)| view! {
                                    <button class="tab" aria-pressed=move || (tab.get() == k).to_string() on:click=move |_| tab.set(k)>{label}</button>
                                }).collect_view()}
                            </nav>
                            {move || match tab.get() {
                                "examples" => view! { <Examples ws=ws_id.get_value() version=v.get_value()/> }.into_any(),
                                "derive" => view! { <Derive ws=ws_id.get_value() version=v.get_value() can_edit={role.get() >= Role::Editor} on_done=move || tick.update(|t| *t += 1)/> }.into_any(),
                                _ => view! { <ProfileView ws=ws_id.get_value() version=v.get_value() can_edit={role.get() >= Role::Editor} on_change=move || tick.update(|t| *t += 1)/> }.into_any(),
                            }}
                        }
                    })}
                }.into_any()
            }
        }}
    }
}

fn operation_text(v: &DatasetVersion, all: &[DatasetVersion]) -> String {
    if let Some(imp) = v.operation.get("import") {
        let skipped = imp["skipped"].as_u64().unwrap_or(0);
        return if skipped > 0 { format!("imported, {skipped} bad records left out") } else { "imported".into() };
    }
    if let Some(d) = v.operation.get("derive") {
        let parent = v.parent_id.as_ref().and_then(|p| all.iter().find(|x| &x.id == p)).map(|p| p.number);
        let spec: DeriveSpec = serde_json::from_value(d["spec"].clone()).unwrap_or_default();
        let mut parts = Vec::new();
        if !spec.languages.is_empty() {
            parts.push(format!("languages {}", spec.languages.join(", ")));
        }
        if let Some(m) = spec.min_chars {
            parts.push(format!("≥ {m} chars"));
        }
        if let Some(m) = spec.max_chars {
            parts.push(format!("≤ {m} chars"));
        }
        if !spec.exclude_flags.is_empty() {
            parts.push(format!(
                "without {}",
                spec.exclude_flags.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")
            ));
        }
        match spec.dedup {
            Dedup::KeepFirst => parts.push("duplicates: keep first".into()),
            Dedup::KeepLongest => parts.push("duplicates: keep longest".into()),
            Dedup::None => {}
        }
        return format!("from v{}: {}", parent.unwrap_or(0), parts.join("; "));
    }
    String::new()
}

#[component]
fn Versions(dataset: Dataset, chosen: RwSignal<Option<i64>>, current: Option<i64>) -> impl IntoView {
    let all = dataset.versions.clone();
    view! {
        {(!all.is_empty()).then(|| view! {
            <h2>"Versions"</h2>
            <table class="data versions">
                <thead><tr><th scope="col">"Version"</th><th scope="col">"Examples"</th><th scope="col">"Size"</th>
                    <th scope="col">"Made by"</th><th scope="col">"Profile"</th><th scope="col">"Export"</th></tr></thead>
                <tbody>
                    {all.iter().map(|v| {
                        let n = v.number;
                        let base = format!("/api/v1/workspaces/{}/versions/{}/export", dataset.workspace_id, v.id);
                        view! {
                            <tr class:current=current == Some(n)>
                                <td><button class="link" aria-pressed=(current == Some(n)).to_string() on:click=move |_| chosen.set(Some(n))>{format!("v{n}")}</button></td>
                                <td>{thousands(v.examples as u64)}</td>
                                <td>{format_bytes(v.bytes as f64)}</td>
                                <td>{operation_text(v, &all)}</td>
                                <td>{match v.profile.as_ref().map(|p| p.state) {
                                    Some(ProfileState::Ready) => "ready",
                                    Some(ProfileState::Running) => "running",
                                    Some(ProfileState::Failed) => "failed",
                                    None => "—",
                                }}</td>
                                <td><a href=format!("{base}?format=jsonl") download>"JSONL"</a>" · "<a href=format!("{base}?format=parquet") download>"Parquet"</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

/// The running profile job, live; `on_finish` when it ends.
#[component]
fn ProfileProgress(ws: String, job_id: String, on_finish: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let path = format!("/workspaces/{ws}/jobs/{job_id}");
    let job = RwSignal::new(None::<Job>);
    {
        let path = path.clone();
        leptos::task::spawn_local(async move {
            if let Ok(j) = client::get::<Job>(&path).await {
                job.set(Some(j));
            }
        });
    }
    let connected = RwSignal::new(false);
    subscribe(
        format!("/api/v1{path}/events"),
        move |e| match e.kind.as_str() {
            "progress" => job.update(|j| {
                if let Some(j) = j {
                    j.progress = e.data["fraction"].as_f64().unwrap_or(j.progress);
                    j.counters = e.data["counters"].clone();
                    j.state = JobState::Running;
                }
            }),
            "state" => {
                let s = e.data["state"].as_str().unwrap_or("");
                if matches!(s, "succeeded" | "failed" | "cancelled") {
                    on_finish();
                }
            }
            _ => {}
        },
        connected,
    );
    let href = format!("/workspaces/{ws}/jobs/{job_id}");
    view! {
        <div class="card profiling" role="status">
            <p><strong>"Profiling…"</strong>" "<A href=href>"job details"</A></p>
            {move || job.get().map(|j| {
                let ex = j.counters["examples"].as_u64().unwrap_or(0);
                let total = j.counters["total_examples"].as_u64().unwrap_or(0);
                view! {
                    <StateBadge state=j.state/>
                    <JobProgress job=j.clone()/>
                    <p class="muted">{format!("{} of {} examples", thousands(ex), thousands(total))}</p>
                }
            })}
        </div>
    }
}

#[component]
fn ProfileView(
    ws: String,
    version: DatasetVersion,
    can_edit: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ws = StoredValue::new(ws);
    let vid = StoredValue::new(version.id.clone());
    let tick = RwSignal::new(0u32);
    let profile = LocalResource::new(move || {
        tick.track();
        async move {
            client::get::<Profile>(&format!("/workspaces/{}/versions/{}/profile", ws.get_value(), vid.get_value()))
                .await
        }
    });
    let running = version.profile.as_ref().filter(|p| p.state == ProfileState::Running).map(|p| p.job_id.clone());
    let finished = move || {
        tick.update(|t| *t += 1);
        on_change();
    };
    let chosen_lang = RwSignal::new(None::<String>);
    view! {
        {running.map(|job| view! { <ProfileProgress ws=ws.get_value() job_id=job on_finish=finished/> })}
        {move || match profile.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <p class="empty">"No finished profile yet."</p> }.into_any(),
            Some(Ok(p)) => {
                let p = StoredValue::new(p);
                view! {
                    <ProfileSummary p=p.get_value()/>
                    <h2 id="per-language">"Per language"</h2>
                    <LanguageBars p=p.get_value() chosen=chosen_lang/>
                    <LanguageTable p=p.get_value() chosen=chosen_lang/>
                    {move || {
                        let p = p.get_value();
                        let lang = chosen_lang.get().or_else(|| p.languages.first().map(|l| l.language.clone()));
                        lang.and_then(|l| p.languages.iter().find(|s| s.language == l).cloned()).map(|s| view! {
                            <LengthHistogram bins=p.length_bins.clone() stats=s/>
                        })
                    }}
                    <Duplicates ws=ws.get_value() version=vid.get_value() p=p.get_value()/>
                }.into_any()
            }
        }}
        {can_edit.then(|| view! { <TokenizerProfile ws=ws.get_value() version=vid.get_value() on_started=on_change/> })}
    }
}

#[component]
fn ProfileSummary(p: Profile) -> impl IntoView {
    let flags: Vec<(String, u64)> = p.flags.iter().map(|(k, v)| (k.clone(), *v)).collect();
    view! {
        <div class="stats">
            <div><span class="big">{thousands(p.examples)}</span>" examples"</div>
            <div><span class="big">{thousands(p.turns)}</span>" turns"</div>
            <div><span class="big">{p.languages.len()}</span>" languages"</div>
            {(p.tokens > 0).then(|| view! { <div><span class="big">{thousands(p.tokens)}</span>" tokens"</div> })}
            <div><span class="big">{thousands(p.exact_duplicates)}</span>" exact duplicates"</div>
            <div><span class="big">{thousands(p.near_duplicates)}</span>" near duplicates"</div>
        </div>
        <p class="muted">{format!("Profiled in {:.1} s{}.", p.seconds, p.tokenizer.as_ref().map(|t| format!(" with {t}")).unwrap_or_else(|| " without a tokenizer (upload a tokenizer.json below for token counts and fertility)".into()))}</p>
        {(!flags.is_empty()).then(|| view! {
            <h2>"Quality flags"</h2>
            <ul class="flags">{flags.into_iter().map(|(k, n)| {
                let label = Flag::parse(&k).map(|f| f.label()).unwrap_or("?");
                view! { <li><span class="badge warn">{label}</span>" "{thousands(n)}</li> }
            }).collect_view()}</ul>
        })}
    }
}

/// Horizontal bars: examples per language (click one to see its lengths).
#[component]
fn LanguageBars(p: Profile, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let max = p.languages.iter().map(|l| l.examples).max().unwrap_or(1).max(1) as f64;
    let rows = p.languages.len().min(40);
    let h = 22.0;
    let height = (rows as f64 * h + 4.0).to_string();
    view! {
        <svg class="chart bars" role="img" aria-label="Examples per language" viewBox=format!("0 0 640 {height}") width="100%" height=height.clone()>
            {p.languages.iter().take(40).enumerate().map(|(i, l)| {
                let y = i as f64 * h;
                let w = (l.examples as f64 / max * 380.0).max(1.0);
                let code = l.language.clone();
                let pick = code.clone();
                view! {
                    <g class="bar" on:click=move |_| chosen.set(Some(pick.clone())) tabindex="0">
                        <title>{format!("{}: {} examples", lang_name(&code), l.examples)}</title>
                        <text x="0" y=y + 15.0 class="label">{lang_name(&l.language).chars().take(26).collect::<String>()}</text>
                        <rect x="200" y=y + 3.0 width=w height=h - 6.0 rx="3"></rect>
                        <text x=205.0 + w y=y + 15.0 class="value">{thousands(l.examples)}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
fn LanguageTable(p: Profile, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let total = p.examples.max(1) as f64;
    view! {
        <table class="data languages">
            <thead><tr>
                <th scope="col">"Language"</th><th scope="col">"Examples"</th><th scope="col">"Share"</th><th scope="col">"Turns"</th>
                <th scope="col">"Tokens"</th><th scope="col">"Tokens / word"</th><th scope="col">"Tokens / char"</th><th scope="col">"Byte fallback"</th>
                <th scope="col">"Answered in"</th><th scope="col">"Script"</th><th scope="col">"Flags"</th>
            </tr></thead>
            <tbody>
                {p.languages.iter().map(|l| {
                    let code = l.language.clone();
                    let answered: Vec<String> = {
                        let mut v: Vec<(&String, &u64)> = l.response_languages.iter().collect();
                        v.sort_by(|a, b| b.1.cmp(a.1));
                        v.into_iter().take(3).map(|(k, n)| format!("{} {}", lang_name(k), thousands(*n))).collect()
                    };
                    let mismatch = l.response_languages.iter().filter(|(k, _)| **k != l.language).map(|(_, n)| *n).sum::<u64>();
                    let scripts: Vec<String> = l.scripts.iter().map(|(k, n)| format!("{k} {}", thousands(*n))).collect();
                    let flags: u64 = l.flags.values().sum();
                    view! {
                        <tr class:current=move || chosen.get().as_deref() == Some(code.as_str())>
                            <th scope="row"><button class="link" on:click={let c = l.language.clone(); move |_| chosen.set(Some(c.clone()))}>{lang_name(&l.language)}</button>
                                " "<code>{l.language.clone()}</code></th>
                            <td>{thousands(l.examples)}</td>
                            <td>{pct(l.examples as f64 / total)}</td>
                            <td>{thousands(l.turns)}</td>
                            <td>{if l.tokens > 0 { thousands(l.tokens) } else { "—".into() }}</td>
                            <td>{l.tokens_per_word.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into())}</td>
                            <td>{l.tokens_per_char.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into())}</td>
                            <td>{l.byte_fallback_rate.map(pct).unwrap_or_else(|| "—".into())}</td>
                            <td class:warn={mismatch > 0}>{answered.join(", ")}</td>
                            <td>{scripts.join(", ")}</td>
                            <td>{thousands(flags)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Lengths of instructions and responses of one language, as two bar series over log bins.
#[component]
fn LengthHistogram(bins: Vec<u64>, stats: polytune_api::LanguageStats) -> impl IntoView {
    let n = bins.len().max(1);
    let last = stats
        .instruction_lengths
        .iter()
        .zip(&stats.response_lengths)
        .rposition(|(a, b)| *a + *b > 0)
        .map(|i| i + 1)
        .unwrap_or(1)
        .max(8)
        .min(n);
    let max = stats.instruction_lengths.iter().chain(&stats.response_lengths).copied().max().unwrap_or(1).max(1) as f64;
    let bw = 600.0 / last as f64;
    let label =
        |i: usize| if i == 0 { "0".to_string() } else { bins.get(i).map(|b| b.to_string()).unwrap_or_default() };
    view! {
        <h2>{format!("Lengths in {} (characters)", lang_name(&stats.language))}</h2>
        <p class="legend"><span class="swatch instr"></span>" instruction "<span class="swatch resp"></span>" response"</p>
        <svg class="chart histogram" role="img" aria-label="Length histogram" viewBox="0 0 640 200" width="100%" height="200">
            {(0..last).map(|i| {
                let a = stats.instruction_lengths.get(i).copied().unwrap_or(0) as f64;
                let b = stats.response_lengths.get(i).copied().unwrap_or(0) as f64;
                let ha = a / max * 160.0;
                let hb = b / max * 160.0;
                let x = 20.0 + i as f64 * bw;
                view! {
                    <g>
                        <title>{format!("from {} chars: {} instructions, {} responses", label(i), a, b)}</title>
                        <rect class="instr" x=x y=170.0 - ha width=bw / 2.0 - 1.0 height=ha></rect>
                        <rect class="resp" x=x + bw / 2.0 y=170.0 - hb width=bw / 2.0 - 1.0 height=hb></rect>
                        {(i % 2 == 0).then(|| view! { <text class="tick" x=x y="190">{label(i)}</text> })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
fn Duplicates(ws: String, version: String, p: Profile) -> impl IntoView {
    let groups: Vec<(&'static str, Vec<u64>)> = p
        .exact_groups
        .iter()
        .take(10)
        .map(|g| ("exact", g.clone()))
        .chain(p.near_groups.iter().take(10).map(|g| ("near", g.clone())))
        .collect();
    let shown = RwSignal::new(None::<Vec<ExampleItem>>);
    let ws = StoredValue::new(ws);
    let version = StoredValue::new(version);
    view! {
        {(!groups.is_empty()).then(|| view! {
            <h2>"Duplicates"</h2>
            <ul class="groups">
                {groups.into_iter().map(|(kind, g)| {
                    let members = g.clone();
                    let open = move |_| {
                        let members = members.clone();
                        leptos::task::spawn_local(async move {
                            let mut items = Vec::new();
                            for i in members.iter().take(3) {
                                if let Ok(it) = client::get::<ExampleItem>(&format!("/workspaces/{}/versions/{}/examples/{i}", ws.get_value(), version.get_value())).await {
                                    items.push(it);
                                }
                            }
                            shown.set(Some(items));
                        });
                    };
                    view! { <li><button class="link" on:click=open>{format!("{kind}: examples {}", g.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", "))}</button></li> }
                }).collect_view()}
            </ul>
            {move || shown.get().map(|items| view! {
                <div class="side-by-side">
                    {items.into_iter().map(|it| view! {
                        <div class="card"><p class="muted">{format!("#{} · {}", it.index, it.example.source)}</p><Conversation example=it.example/></div>
                    }).collect_view()}
                </div>
            })}
        })}
    }
}

/// Profile again with a tokenizer.json (uploaded here) for token counts and fertility.
#[component]
fn TokenizerProfile(
    ws: String,
    version: String,
    on_started: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let ws = StoredValue::new(ws);
    let version = StoredValue::new(version);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let res = match client::upload_resumable(&ws.get_value(), &file, |_, _| {}).await {
                Ok(up) => {
                    let req = CreateProfile { tokenizer: up.blob };
                    client::post::<_, serde_json::Value>(
                        &format!("/workspaces/{}/versions/{}/profiles", ws.get_value(), version.get_value()),
                        &req,
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            busy.set(false);
            match res {
                Ok(_) => on_started(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card inline-form" on:submit=submit>
            <h2>"Tokenizer fertility"</h2>
            <p class="muted">"Profile this version with a model's tokenizer.json to see tokens per word and per character, and how often it falls back to raw bytes, for each language."</p>
            <label for="tokenizer-file">"tokenizer.json"</label>" "
            <input id="tokenizer-file" type="file" accept=".json" node_ref=input/>" "
            <button type="submit" disabled=busy>"Profile with this tokenizer"</button>
            <ErrorBox error=error.read_only()/>
        </form>
    }
}

#[component]
fn Examples(ws: String, version: DatasetVersion) -> impl IntoView {
    let q = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let flag = RwSignal::new(String::new());
    let dups = RwSignal::new(String::new());
    let min_chars = RwSignal::new(String::new());
    let max_chars = RwSignal::new(String::new());
    let offset = RwSignal::new(0u64);
    let applied = RwSignal::new(String::new());
    let ws = StoredValue::new(ws);
    let vid = StoredValue::new(version.id.clone());
    let has_profile = version.profile.as_ref().is_some_and(|p| p.state == ProfileState::Ready);
    let page = LocalResource::new(move || {
        let query = applied.get();
        let off = offset.get();
        async move {
            client::get::<ExamplePage>(&format!(
                "/workspaces/{}/versions/{}/examples?offset={off}&limit=20{query}",
                ws.get_value(),
                vid.get_value()
            ))
            .await
        }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let enc = |s: String| js_sys::encode_uri_component(s.trim()).as_string().unwrap_or_default();
        let mut query = String::new();
        for (k, v) in [
            ("q", q.get()),
            ("language", language.get()),
            ("flag", flag.get()),
            ("duplicates", dups.get()),
            ("min_chars", min_chars.get()),
            ("max_chars", max_chars.get()),
        ] {
            if !v.trim().is_empty() {
                query.push_str(&format!("&{k}={}", enc(v)));
            }
        }
        offset.set(0);
        applied.set(query);
    };
    let open = RwSignal::new(None::<u64>);
    view! {
        <form class="inline filters" on:submit=search role="search">
            <label for="ex-q" class="sr-only">"Search"</label>
            <input id="ex-q" type="search" placeholder="Search text…" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/>
            {has_profile.then(|| view! {
                <label for="ex-lang" class="sr-only">"Language"</label>
                <input id="ex-lang" placeholder="Language (de, ara…)" prop:value=move || language.get() on:input=move |ev| language.set(event_target_value(&ev))/>
                <label for="ex-flag" class="sr-only">"Flag"</label>
                <select id="ex-flag" on:change=move |ev| flag.set(event_target_value(&ev))>
                    <option value="">"Any quality"</option>
                    {Flag::ALL.into_iter().map(|f| view! { <option value=f.key()>{f.label()}</option> }).collect_view()}
                </select>
                <label for="ex-dup" class="sr-only">"Duplicates"</label>
                <select id="ex-dup" on:change=move |ev| dups.set(event_target_value(&ev))>
                    <option value="">"With or without duplicates"</option>
                    <option value="any">"Only duplicates"</option>
                    <option value="exact">"Only exact duplicates"</option>
                    <option value="near">"Only near duplicates"</option>
                </select>
                <label for="ex-min" class="sr-only">"At least (characters)"</label>
                <input id="ex-min" class="num" type="number" min="0" placeholder="min chars" on:input=move |ev| min_chars.set(event_target_value(&ev))/>
                <label for="ex-max" class="sr-only">"At most (characters)"</label>
                <input id="ex-max" class="num" type="number" min="0" placeholder="max chars" on:input=move |ev| max_chars.set(event_target_value(&ev))/>
            })}
            <button type="submit" class="primary">"Search"</button>
        </form>
        {move || match page.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(Ok(p)) => {
                let more = p.offset + (p.items.len() as u64) < p.matched;
                view! {
                    <p class="muted" role="status">{format!("{} of {} examples match", thousands(p.matched), thousands(p.total))}</p>
                    <ol class="examples">
                        {p.items.into_iter().map(|it| {
                            let idx = it.index;
                            let ann = it.annotation.clone();
                            view! {
                                <li class="card example">
                                    <p class="meta">
                                        <button class="link" aria-expanded=move || (open.get() == Some(idx)).to_string()
                                            on:click=move |_| open.update(|o| *o = if *o == Some(idx) { None } else { Some(idx) })>{format!("#{idx} · {}", it.example.id)}</button>
                                        {ann.map(|a| view! {
                                            <span class="badge">{a.li.as_deref().map(lang_name).unwrap_or_else(|| "?".into())}</span>
                                            {a.lr.clone().filter(|r| Some(r) != a.li.as_ref()).map(|r| view! { <span class="badge warn">{format!("answered in {}", lang_name(&r))}</span> })}
                                            {a.f.iter().map(|f| view! { <span class="badge warn">{f.label()}</span> }).collect_view()}
                                        })}
                                        {(!it.duplicates.is_empty()).then(|| view! { <span class="badge">{format!("duplicates: {}", it.duplicates.iter().map(|d| format!("#{d}")).collect::<Vec<_>>().join(", "))}</span> })}
                                    </p>
                                    {move || { let e = it.example.clone(); let full = open.get() == Some(idx); view! { <Conversation example=e compact=!full/> } }}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <div class="pager">
                        <button disabled=move || offset.get() == 0 on:click=move |_| offset.update(|o| *o = o.saturating_sub(20))>"← Previous"</button>
                        <button disabled=!more on:click=move |_| offset.update(|o| *o += 20)>"Next →"</button>
                    </div>
                }.into_any()
            }
        }}
    }
}

#[component]
fn Derive(
    ws: String,
    version: DatasetVersion,
    can_edit: bool,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let languages = RwSignal::new(String::new());
    let min_chars = RwSignal::new(String::new());
    let max_chars = RwSignal::new(String::new());
    let flags = RwSignal::new(Vec::<Flag>::new());
    let dedup = RwSignal::new("none".to_string());
    let error = RwSignal::new(None);
    let job = RwSignal::new(None::<Job>);
    let ws = StoredValue::new(ws);
    let vid = version.id.clone();
    let ready = version.profile.as_ref().is_some_and(|p| p.state == ProfileState::Ready);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let num = |s: String| s.trim().parse::<u32>().ok();
        let spec = DeriveSpec {
            languages: languages
                .get()
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            min_chars: num(min_chars.get()),
            max_chars: num(max_chars.get()),
            exclude_flags: flags.get(),
            dedup: match dedup.get().as_str() {
                "keep_first" => Dedup::KeepFirst,
                "keep_longest" => Dedup::KeepLongest,
                _ => Dedup::None,
            },
        };
        let errors = spec.validate();
        if !errors.is_empty() {
            error.set(Some(client::invalid(errors)));
            return;
        }
        let vid = vid.clone();
        leptos::task::spawn_local(async move {
            match client::post::<_, Job>(&format!("/workspaces/{}/versions/{vid}/derive", ws.get_value()), &spec).await
            {
                Ok(j) => {
                    error.set(None);
                    job.set(Some(j));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        {(!ready).then(|| view! { <p class="notice">"Filters need a finished profile of this version."</p> })}
        {(can_edit && ready).then(|| view! {
            <form class="card derive" on:submit=submit>
                <p class="muted">{format!("A new version is made from v{} and keeps a record of exactly these filters. This version stays as it is.", version.number)}</p>
                <div class="field"><label for="d-langs">"Keep only these languages (empty: all)"</label>
                    <input id="d-langs" placeholder="deu, ara, tha" prop:value=move || languages.get() on:input=move |ev| languages.set(event_target_value(&ev))/></div>
                <div class="field"><label for="d-min">"At least this many characters"</label>
                    <input id="d-min" type="number" min="0" on:input=move |ev| min_chars.set(event_target_value(&ev))/></div>
                <div class="field"><label for="d-max">"At most this many characters"</label>
                    <input id="d-max" type="number" min="0" on:input=move |ev| max_chars.set(event_target_value(&ev))/></div>
                <fieldset><legend>"Leave out examples that are flagged"</legend>
                    {Flag::ALL.into_iter().map(|f| view! {
                        <label class="check"><input type="checkbox" on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            flags.update(|l| { l.retain(|x| *x != f); if on { l.push(f) } });
                        }/>{f.label()}</label>
                    }).collect_view()}
                </fieldset>
                <div class="field"><label for="d-dedup">"Duplicates (exact and near)"</label>
                    <select id="d-dedup" on:change=move |ev| dedup.set(event_target_value(&ev))>
                        <option value="none">"Keep all"</option>
                        <option value="keep_first">"Keep the first of each group"</option>
                        <option value="keep_longest">"Keep the longest of each group"</option>
                    </select></div>
                <button type="submit" class="primary">"Create the new version"</button>
                <ErrorBox error=error.read_only()/>
            </form>
        })}
        {move || job.get().map(|j| view! { <ProfileProgress ws=ws.get_value() job_id=j.id on_finish=on_done/> })}
    }
}
