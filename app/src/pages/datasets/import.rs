//! One file on its way in: uploading, then read with a spec the person can correct, previewed,
//! and imported.

use leptos::prelude::*;
use polytune_api::lang::parse as parse_lang;
use polytune_api::{CreateDataset, Dataset, ImportSpec, InspectRequest, Inspection, OnError, Validate};

use super::mapping::{MappingForm, format_key, parse_format};
use crate::client::{self, ApiFailure};
use crate::components::conversation::Conversation;
use crate::components::format::bytes;
use crate::components::{ErrorBox, form};
use crate::i18n::{Msg, t};

/// One file on its way in: uploading, then read with a spec the person can correct.
#[derive(Clone)]
pub(super) struct Incoming {
    pub(super) key: u32,
    pub(super) name: String,
    pub(super) sent: RwSignal<f64>,
    pub(super) total: f64,
    pub(super) blob: RwSignal<Option<String>>,
    pub(super) error: RwSignal<Option<ApiFailure>>,
}

#[component]
pub(super) fn IncomingCard(
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
    let mapping = MappingForm::new();
    let name = RwSignal::new(item.name.clone());
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let blob = item.blob;
    let inspect = move |spec: Option<ImportSpec>| {
        let Some(b) = blob.get_untracked() else { return };
        let path = format!("/workspaces/{}/datasets/inspect", ws_id.get_value());
        let request = async move { client::post::<_, Inspection>(&path, &InspectRequest { blob: b, spec }).await };
        form::send(Some(busy), error, request, move |i| {
            format.set(format_key(i.spec.format).into());
            header.set(i.spec.has_header);
            language.set(i.spec.language.clone().unwrap_or_default());
            mapping.load(&i.spec.mapping);
            inspection.set(Some(i));
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
        mapping: mapping.get(),
        language: Some(language.get().trim().to_string()).filter(|l| !l.is_empty()),
    };
    let retry = move |_| {
        let s = spec();
        if form::check(s.validate(), error) {
            inspect(Some(s));
        }
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
        if !form::check(req.validate(), error) {
            return;
        }
        let path = format!("/workspaces/{}/datasets", ws_id.get_value());
        form::send(Some(busy), error, async move { client::post::<_, Dataset>(&path, &req).await }, move |d| {
            done.set(true);
            on_imported(d.id.to_string());
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
                        <progress max="100" value=move || sent.get() / total.max(1.0) * 100.0 aria-label=t(Msg::DatasetsUploadProgress)></progress>
                        <span class="pct">{move || crate::tr!(Msg::DatasetsUploadPercent, percent = format!("{:.0}", sent.get() / total.max(1.0) * 100.0))}</span>
                        <span class="muted">{move || crate::tr!(Msg::DatasetsUploadSent, sent = bytes(sent.get()), total = bytes(total))}</span>
                    </div>
                }.into_any(),
                Some(_) => view! { <p class="muted">{crate::tr!(Msg::DatasetsUploaded, size = bytes(total))}</p> }.into_any(),
            }}
            <ErrorBox error=upload_error.read_only()/>
            {move || inspection.get().map(|i| {
                let fields = i.fields.clone();
                view! {
                    <p><strong>{t(Msg::DatasetsDetectedLabel)}</strong>{crate::tr!(Msg::DatasetsDetected, detected = i.detected.as_str())}</p>
                    <datalist id=fields_id.get_value()>{fields.into_iter().map(|f| view! { <option value=f/> }).collect_view()}</datalist>
                    <div class="mapping">
                        <div class="field"><label for=format!("fmt-{}", key)>{t(Msg::DatasetsFormat)}</label>
                            <select id=format!("fmt-{}", key) prop:value=move || format.get() on:change=move |ev| format.set(event_target_value(&ev))>
                                <option value="jsonl">{t(Msg::DatasetsFormatJsonl)}</option><option value="json_array">{t(Msg::DatasetsFormatJsonArray)}</option><option value="json_object">{t(Msg::LabelFormatJsonObject)}</option>
                                <option value="csv">{t(Msg::DatasetsFormatCsv)}</option><option value="tsv">{t(Msg::DatasetsFormatTsv)}</option>
                                <option value="parquet">{t(Msg::DatasetsFormatParquet)}</option><option value="lines">{t(Msg::DatasetsFormatLines)}</option>
                            </select></div>
                        <label class="check"><input type="checkbox" prop:checked=move || header.get()
                            on:change=move |ev| header.set(event_target_checked(&ev))/>{t(Msg::DatasetsHasHeader)}</label>
                        <div class="field"><label for=format!("kind-{}", key)>{t(Msg::DatasetsRecordsAre)}</label>
                            <select id=format!("kind-{}", key) prop:value=move || mapping.kind.get() on:change=move |ev| mapping.kind.set(event_target_value(&ev))>
                                <option value="fields">{t(Msg::DatasetsKindFields)}</option>
                                <option value="messages">{t(Msg::DatasetsKindMessages)}</option>
                                <option value="turns">{t(Msg::DatasetsKindTurns)}</option>
                            </select></div>
                        {move || {
                            let kind = mapping.kind.get();
                            let labels: [&str; 4] = match kind.as_str() {
                                "messages" => [t(Msg::DatasetsMapMessages), t(Msg::DatasetsMapRoleKey), t(Msg::DatasetsMapTextKey), ""],
                                "turns" => [t(Msg::DatasetsMapTurns), t(Msg::DatasetsMapAnswers), "", ""],
                                _ => [
                                    t(Msg::DatasetsMapInstruction),
                                    t(Msg::DatasetsMapInput),
                                    t(Msg::DatasetsMapOutput),
                                    t(Msg::DatasetsMapSystem),
                                ],
                            };
                            let sigs = [mapping.a, mapping.b, mapping.c, mapping.d];
                            labels.into_iter().zip(sigs).enumerate().filter(|(_, (l, _))| !l.is_empty()).map(|(n, (l, sig))| {
                                let id = format!("map-{}-{n}", key);
                                view! {
                                    <div class="field"><label for=id.clone()>{l}</label>
                                        <input id=id list=fields_id.get_value() prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></div>
                                }
                            }).collect_view()
                        }}
                        <div class="field"><label for=format!("id-{}", key)>{t(Msg::DatasetsMapId)}</label>
                            <input id=format!("id-{}", key) list=fields_id.get_value() prop:value=move || mapping.id.get() on:input=move |ev| mapping.id.set(event_target_value(&ev))/></div>
                        <div class="field"><label for=format!("lang-{}", key)>{t(Msg::DatasetsFileLanguage)}</label>
                            <input id=format!("lang-{}", key) placeholder=t(Msg::DatasetsFileLanguagePlaceholder)
                                prop:value=move || language.get() on:input=move |ev| language.set(event_target_value(&ev))/>
                            <p class="hint">{move || {
                                let l = language.get();
                                if l.trim().is_empty() { t(Msg::DatasetsFileLanguageEmpty).to_string() }
                                else { parse_lang(&l).map(|tag| tag.display()).unwrap_or_else(|| t(Msg::DatasetsFileLanguageUnknown).into()) }
                            }}</p></div>
                    </div>
                    {(!i.contradictions.is_empty()).then(|| view! {
                        <ul class="warning contradictions" role="status">
                            {i.contradictions.iter().map(|c| view! { <li>{c.message.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    <button type="button" on:click=retry disabled=busy>{t(Msg::DatasetsTryReading)}</button>
                    <h3>{t(Msg::DatasetsFirstRecords)}</h3>
                    <table class="data preview">
                        <thead><tr><th scope="col">{t(Msg::DatasetsColWhere)}</th><th scope="col">{t(Msg::DatasetsColAsExample)}</th></tr></thead>
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
                    <div class="field"><label for=format!("name-{}", key)>{t(Msg::DatasetsName)}</label>
                        <input id=format!("name-{}", key) prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></div>
                    <button type="submit" class="primary" disabled=busy>{t(Msg::DatasetsImport)}</button>
                }
            })}
            <ErrorBox error=error.read_only()/>
        </form>
        </Show>
    }
}
