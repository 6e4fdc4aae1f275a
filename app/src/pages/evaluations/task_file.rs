//! A task from the person's own file: upload it, see what each text field is written in and how
//! the records become items, correct the mapping, and add the task to the launch form.

use leptos::prelude::*;
use polytune_api::{CreateEvalTask, EvalTaskKind, EvalTaskPreview, FileTaskInfo, TaskMapping, Validate};

use crate::client::{self, ApiFailure};
use crate::components::lang::{lang_label, lang_name};
use crate::components::{ErrorBox, form};
use crate::i18n::{Msg, t};

fn kind_key(k: EvalTaskKind) -> &'static str {
    match k {
        EvalTaskKind::MultipleChoice => "multiple_choice",
        EvalTaskKind::Generation => "generation",
        EvalTaskKind::Fidelity => "fidelity",
    }
}

fn parse_kind(s: &str) -> EvalTaskKind {
    match s {
        "generation" => EvalTaskKind::Generation,
        "fidelity" => EvalTaskKind::Fidelity,
        _ => EvalTaskKind::MultipleChoice,
    }
}

fn optional(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn rtl(code: &str) -> bool {
    polytune_api::lang::parse(code).is_some_and(|t| t.rtl())
}

/// The mapping's fields as the form edits them.
#[derive(Clone, Copy)]
struct MappingFields {
    prompt: RwSignal<String>,
    /// Comma-separated: one list field, or one field per choice.
    choices: RwSignal<String>,
    answer: RwSignal<String>,
    from_one: RwSignal<bool>,
    language: RwSignal<String>,
    id: RwSignal<String>,
}

impl MappingFields {
    fn new() -> Self {
        Self {
            prompt: RwSignal::new(String::new()),
            choices: RwSignal::new(String::new()),
            answer: RwSignal::new(String::new()),
            from_one: RwSignal::new(false),
            language: RwSignal::new(String::new()),
            id: RwSignal::new(String::new()),
        }
    }

    fn load(&self, m: &TaskMapping) {
        self.prompt.set(m.prompt.clone());
        self.choices.set(m.choices.join(", "));
        self.answer.set(m.answer.clone().unwrap_or_default());
        self.from_one.set(m.answer_counts_from_one);
        self.language.set(m.language.clone().unwrap_or_default());
        self.id.set(m.id.clone().unwrap_or_default());
    }

    fn mapping(&self) -> TaskMapping {
        TaskMapping {
            prompt: self.prompt.get_untracked(),
            choices: self
                .choices
                .get_untracked()
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
            answer: optional(self.answer.get_untracked()),
            answer_counts_from_one: self.from_one.get_untracked(),
            language: optional(self.language.get_untracked()),
            id: optional(self.id.get_untracked()),
        }
    }
}

/// A select of the file's fields; `none` adds an empty choice for optional parts.
#[component]
fn FieldSelect(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    fields: Signal<Vec<String>>,
    none: bool,
) -> impl IntoView {
    view! {
        <div class="pair">
            <label for=id>{t(label)}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {none.then(|| view! { <option value="">{t(Msg::EvalFileNone)}</option> })}
                {move || fields.get().into_iter().map(|f| {
                    let g = f.clone();
                    view! { <option value=f.clone() selected=move || value.with(|v| *v == g)>{f.clone()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn TaskFromFile(ws_id: String, on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let ws = StoredValue::new(ws_id);
    let blob = RwSignal::new(None::<String>);
    let file_name = RwSignal::new(String::new());
    let sent = RwSignal::new(0.0f64);
    let total = RwSignal::new(0.0f64);
    let kind = RwSignal::new(EvalTaskKind::MultipleChoice);
    let declared = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let fields = MappingFields::new();
    let preview = RwSignal::new(None::<EvalTaskPreview>);
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<FileTaskInfo>);

    let request = move |with_mapping: bool| -> Option<CreateEvalTask> {
        Some(CreateEvalTask {
            blob: blob.get_untracked()?,
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            format: None,
            has_header: false,
            mapping: with_mapping.then(|| fields.mapping()),
            language: optional(declared.get_untracked()),
        })
    };
    // `with_mapping` false: the server guesses the mapping (a new file, another kind of task).
    let show = move |with_mapping: bool| {
        let Some(req) = request(with_mapping) else { return };
        let path = format!("/workspaces/{}/eval-tasks/preview", ws.get_value());
        form::send(Some(busy), error, async move { client::post::<_, EvalTaskPreview>(&path, &req).await }, move |p| {
            fields.load(&p.mapping);
            preview.set(Some(p));
        });
    };
    let input = NodeRef::<leptos::html::Input>::new();
    let take_file = move |_| {
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        file_name.set(file.name());
        if name.get_untracked().is_empty() {
            name.set(file.name().split('.').next().unwrap_or_default().to_string());
        }
        total.set(file.size());
        blob.set(None);
        preview.set(None);
        created.set(None);
        leptos::task::spawn_local(async move {
            match client::upload_resumable(&ws.get_value(), &file, |s, _| sent.set(s)).await {
                Ok(up) => {
                    blob.set(up.blob);
                    show(false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(req) = request(true) else { return };
        if !form::check(req.validate(), error) {
            return;
        }
        let path = format!("/workspaces/{}/eval-tasks", ws.get_value());
        form::send(Some(busy), error, async move { client::post::<_, FileTaskInfo>(&path, &req).await }, move |info| {
            created.set(Some(info));
            preview.set(None);
            blob.set(None);
            on_created();
        });
    };
    let field_list = Signal::derive(move || preview.with(|p| p.as_ref().map(|p| p.fields.clone()).unwrap_or_default()));
    view! {
        <details class="card eval-task-file">
            <summary><h2>{t(Msg::EvalFileTitle)}</h2></summary>
            <p class="muted">{t(Msg::EvalFileIntro)}</p>
            <div class="row">
                <label for="eval-task-file" class="button">{t(Msg::EvalFileChoose)}</label>
                <input id="eval-task-file" class="sr-only" type="file" node_ref=input on:change=take_file/>
                <span class="muted">{move || file_name.get()}</span>
                {move || (total.get() > 0.0 && blob.get().is_none() && preview.with(Option::is_none)).then(|| view! {
                    <progress max=move || total.get() value=move || sent.get()></progress>
                })}
            </div>
            {move || created.get().map(|c| view! {
                <p class="success" role="status">{crate::tr!(Msg::EvalSFileCreated, name = c.task.name.as_str(), items = c.task.languages.values().sum::<usize>(), languages = c.task.languages.len())}</p>
            })}
            <form class:hidden=move || preview.with(Option::is_none) on:submit=create>
                <div class="row">
                    <label for="eval-file-kind">{t(Msg::EvalFileKind)}</label>
                    <select id="eval-file-kind" prop:value=move || kind_key(kind.get())
                        on:change=move |ev| { kind.set(parse_kind(&event_target_value(&ev))); show(false); }>
                        <option value="multiple_choice">{t(Msg::EvalFileKindChoice)}</option>
                        <option value="generation">{t(Msg::EvalFileKindGeneration)}</option>
                        <option value="fidelity">{t(Msg::EvalFileKindFidelity)}</option>
                    </select>
                </div>
                <div class="row mapping">
                    <FieldSelect id="eval-file-prompt" label=Msg::EvalFilePrompt value=fields.prompt fields=field_list none=false/>
                    <div class="pair" class:hidden=move || kind.get() != EvalTaskKind::MultipleChoice>
                        <label for="eval-file-choices">{t(Msg::EvalFileChoices)}</label>
                        <input id="eval-file-choices" type="text" bind:value=fields.choices/>
                    </div>
                    <span class:hidden=move || kind.get() == EvalTaskKind::Fidelity>
                        <FieldSelect id="eval-file-answer" label=Msg::EvalFileAnswer value=fields.answer fields=field_list none=true/>
                    </span>
                    <label class="inline" class:hidden=move || kind.get() != EvalTaskKind::MultipleChoice>
                        <input type="checkbox" id="eval-file-from-one" prop:checked=move || fields.from_one.get()
                            on:change=move |ev| fields.from_one.set(event_target_checked(&ev))/>
                        {t(Msg::EvalFileFromOne)}
                    </label>
                    <FieldSelect id="eval-file-language-field" label=Msg::EvalFileLanguageField value=fields.language fields=field_list none=true/>
                    <FieldSelect id="eval-file-id" label=Msg::EvalFileId value=fields.id fields=field_list none=true/>
                    <div class="pair">
                        <label for="eval-file-declared">{t(Msg::EvalFileDeclared)}</label>
                        <input id="eval-file-declared" type="text" placeholder="bn" bind:value=declared/>
                    </div>
                    <button type="button" id="eval-file-update" on:click=move |_| show(true) disabled=move || busy.get()>{t(Msg::EvalFileUpdate)}</button>
                </div>
                {move || preview.get().map(|p| view! { <PreviewView preview=p/> })}
                <div class="row">
                    <label for="eval-file-name">{t(Msg::EvalFileName)}</label>
                    <input id="eval-file-name" type="text" bind:value=name/>
                    <button type="submit" class="primary" id="eval-file-create"
                        disabled=move || busy.get() || preview.with(|p| p.as_ref().is_none_or(|p| !p.problems.is_empty()))>
                        {t(Msg::EvalFileCreate)}
                    </button>
                </div>
            </form>
            <ErrorBox error=error.read_only()/>
        </details>
    }
}

/// What the file becomes: the languages of its fields, contradicted declarations, problems, the
/// items per language and the first items.
#[component]
fn PreviewView(preview: EvalTaskPreview) -> impl IntoView {
    let p = preview;
    let per_language: Vec<String> = p
        .languages
        .iter()
        .map(|(l, n)| crate::tr!(Msg::EvalSFileLanguageItems, language = lang_name(l), count = *n))
        .collect();
    view! {
        <p class="muted" role="status">{crate::tr!(Msg::EvalSFileRecords, records = p.records, languages = per_language.join(", "))}</p>
        <table class="data field-languages">
            <caption>{t(Msg::EvalFileFieldLanguages)}</caption>
            <thead><tr><th scope="col">{t(Msg::EvalFileField)}</th><th scope="col">{t(Msg::EvalFileDetected)}</th></tr></thead>
            <tbody>
                {p.field_languages.iter().map(|f| {
                    let langs: Vec<String> = f.languages.iter().take(3)
                        .map(|c| crate::tr!(Msg::EvalSFileFieldLanguage, language = lang_name(&c.language), count = c.count, of = f.texts))
                        .collect();
                    view! { <tr><td><code>{f.path.clone()}</code></td><td>{langs.join(" · ")}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
        {(!p.contradictions.is_empty()).then(|| view! {
            <ul class="warning contradictions" role="status">
                {p.contradictions.iter().map(|c| view! { <li>{c.message.clone()}</li> }).collect_view()}
            </ul>
        })}
        {(!p.problems.is_empty()).then(|| view! {
            <ul class="error problems" role="alert">
                {p.problems.iter().map(|e| view! { <li><code>{e.path.clone()}</code>" "{e.message.clone()}</li> }).collect_view()}
            </ul>
        })}
        <table class="data task-items">
            <caption>{t(Msg::EvalFileFirstItems)}</caption>
            <thead><tr>
                <th scope="col">{t(Msg::EvalFileId)}</th><th scope="col">{t(Msg::EvalFileLanguage)}</th>
                <th scope="col">{t(Msg::EvalFilePrompt)}</th><th scope="col">{t(Msg::EvalFileChoices)}</th><th scope="col">{t(Msg::EvalFileAnswer)}</th>
            </tr></thead>
            <tbody>
                {p.items.iter().map(|it| {
                    let dir = if rtl(&it.language) { "rtl" } else { "auto" };
                    view! { <tr>
                        <td>{it.id.clone()}</td>
                        <td>{lang_label(&it.language)}</td>
                        <td dir=dir>{it.prompt.clone()}</td>
                        <td dir=dir>{it.choices.join(" · ")}</td>
                        <td dir=dir>{it.answer.clone().unwrap_or_default()}</td>
                    </tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}
