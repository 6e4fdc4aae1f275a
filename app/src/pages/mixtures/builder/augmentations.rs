//! Step 3 of the builder: augmentations — a template, the aligned versions it reads, a preview
//! of what it makes, and saving the template to the workspace.

use std::collections::BTreeMap;

use leptos::prelude::*;
use polytune_api::lang;
use polytune_api::{AugmentKind, AugmentPreview, AugmentTemplate, Augmentation, Validate};

use super::state::{AugRow, Errors, Form, WorkspaceCatalog, err_line, with_sources};
use crate::client::{self, ApiFailure, invalid};
use crate::components::ErrorBox;
use crate::components::conversation::Conversation;
use crate::components::format::thousands;
use crate::components::lang::{english, typed_lang_name};
use crate::i18n::{Msg, t};
use crate::pages::mixtures::source_label;

const KINDS: [AugmentKind; 5] = [
    AugmentKind::Translation,
    AugmentKind::CrossLingual,
    AugmentKind::Pivot,
    AugmentKind::TranslateThenAnswer,
    AugmentKind::Labeled,
];

#[component]
pub(super) fn Augmentations(workspace: WorkspaceCatalog, form: Form, errors: Errors) -> impl IntoView {
    let catalog = workspace.catalog;
    let add = move |_| {
        let first = catalog.with_untracked(|c| match c {
            Some(Ok(c)) => c.templates.first().cloned(),
            _ => None,
        });
        if let Some(template) = first {
            let row =
                AugRow::new(form.key(), &Augmentation { template, inputs: BTreeMap::new(), shots: 0, limit: None });
            form.augs.update(|v| v.push(row));
        }
    };
    let no_templates = move || catalog.with(|c| !matches!(c, Some(Ok(c)) if !c.templates.is_empty()));
    view! {
        <fieldset class="augmentations" id="augmentations">
            <legend>{t(Msg::BuilderAugmentationsLegend)}</legend>
            <p class="hint">{t(Msg::BuilderAugmentationsHint)}</p>
            <For each=move || form.augs.get() key=|r: &AugRow| r.key children=move |row: AugRow| view! {
                <AugmentationEditor workspace=workspace form=form errors=errors row=row/>
            }/>
            <button id="add-augmentation" type="button" on:click=add disabled=no_templates>{t(Msg::BuilderAddAugmentation)}</button>
        </fieldset>
    }
}

#[component]
fn AugmentationEditor(workspace: WorkspaceCatalog, form: Form, errors: Errors, row: AugRow) -> impl IntoView {
    let WorkspaceCatalog { ws, catalog, .. } = workspace;
    let key = row.key;
    let index = Memo::new(move |_| form.augs.with(|v| v.iter().position(|r| r.key == key).unwrap_or(0)));
    let at = move |tail: &str| format!("augmentations[{}].{tail}", index.get());
    let roles = Memo::new(move |_| row.template.with(|t| (t.roles.clone(), t.answer_role.clone())));
    let template_id = Memo::new(move |_| row.template.with(|t| t.id.clone().unwrap_or_default()));
    let pick_template = move |id: String| {
        let found = catalog.with_untracked(|c| match c {
            Some(Ok(c)) => c.templates.iter().find(|t| t.id.as_deref() == Some(id.as_str())).cloned(),
            _ => None,
        });
        if let Some(t) = found {
            row.inputs.update(|m| m.retain(|r, _| t.roles.contains(r)));
            row.template.set(t);
        }
    };
    let preview = RwSignal::new(None::<Result<AugmentPreview, ApiFailure>>);
    let previewing = RwSignal::new(false);
    let run_preview = move |_| {
        let mut errs = Vec::new();
        let a = row.build(index.get_untracked(), &mut errs);
        if !errs.is_empty() {
            preview.set(Some(Err(invalid(errs))));
            return;
        }
        previewing.set(true);
        let path = format!("/workspaces/{}/mixtures/preview-augmentation", ws.get_value());
        leptos::task::spawn_local(async move {
            let r = client::post::<_, AugmentPreview>(&path, &a).await;
            previewing.try_set(false);
            preview.try_set(Some(r));
        });
    };
    let tpl_error = RwSignal::new(None::<ApiFailure>);
    let tpl_saved = RwSignal::new(None::<String>);
    let save_template = move |_| {
        let mut tpl = row.template.get_untracked();
        if !crate::components::form::check(tpl.validate(), tpl_error) {
            return;
        }
        tpl_error.set(None);
        let ws_id = ws.get_value();
        let stored = tpl.id.clone().filter(|id| !id.starts_with("builtin:"));
        leptos::task::spawn_local(async move {
            let r = match &stored {
                Some(id) => {
                    client::put::<_, AugmentTemplate>(&format!("/workspaces/{ws_id}/augment-templates/{id}"), &tpl)
                        .await
                }
                None => {
                    tpl.id = None;
                    client::post::<_, AugmentTemplate>(&format!("/workspaces/{ws_id}/augment-templates"), &tpl).await
                }
            };
            match r {
                Ok(t) => {
                    tpl_saved.try_set(Some(if stored.is_some() {
                        crate::tr!(Msg::BuilderTemplateSaved, name = t.name.as_str())
                    } else {
                        crate::tr!(Msg::BuilderTemplateSavedNew, name = t.name.as_str())
                    }));
                    row.template.try_set(t);
                    workspace.reload();
                }
                Err(e) => {
                    tpl_saved.try_set(None);
                    tpl_error.try_set(Some(e));
                }
            }
        });
    };
    let remove = move |_| form.augs.update(|v| v.retain(|r| r.key != key));
    let tid = format!("aug-{key}-template");
    let shots_id = format!("aug-{key}-shots");
    let limit_id = format!("aug-{key}-limit");
    let edit = move |field: fn(&mut AugmentTemplate, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            tpl_saved.set(None);
            row.template.update(|t| field(t, v));
        }
    };
    view! {
        <div class="augmentation" data-key=key.to_string()>
            <div class="augmentation-head">
                <h4>{move || crate::tr!(Msg::BuilderAugmentation, number = index.get() + 1)}</h4>
                <button type="button" class="link danger augmentation-remove" on:click=remove>{t(Msg::Remove)}</button>
            </div>
            <div class="form-grid">
                <label for=tid.clone()>{t(Msg::BuilderTemplate)}</label>
                <select id=tid.clone() class="template-select" on:change=move |ev| pick_template(event_target_value(&ev))>
                    {move || {
                        let current = template_id.get();
                        let templates = catalog.with(|c| match c {
                            Some(Ok(c)) => c.templates.clone(),
                            _ => Vec::new(),
                        });
                        let known = templates.iter().any(|t| t.id.as_deref() == Some(current.as_str()));
                        let own = (!known).then(|| {
                            let n = row.template.with_untracked(|t| t.name.clone());
                            view! { <option value=current.clone() selected=true>{crate::tr!(Msg::BuilderTemplateOwn, name = n.as_str())}</option> }
                        });
                        let groups = KINDS.into_iter().filter_map(|k| {
                            let ts: Vec<AugmentTemplate> = templates.iter().filter(|t| t.kind == k).cloned().collect();
                            (!ts.is_empty()).then(|| view! {
                                <optgroup label=crate::components::labels::kind_label(k)>
                                    {ts.into_iter().map(|t| {
                                        let id = t.id.clone().unwrap_or_default();
                                        let sel = id == current;
                                        let lang_name = typed_lang_name(&t.language);
                                        let builtin = id.starts_with("builtin:");
                                        let label = if builtin {
                                            crate::tr!(Msg::BuilderTemplateOption, name = t.name.as_str(), language = lang_name.as_str())
                                        } else {
                                            crate::tr!(Msg::BuilderTemplateOptionWorkspace, name = t.name.as_str(), language = lang_name.as_str())
                                        };
                                        view! { <option value=id selected=sel>{label}</option> }
                                    }).collect_view()}
                                </optgroup>
                            })
                        }).collect_view();
                        view! { {own}{groups} }
                    }}
                </select>
                {move || roles.get().0.into_iter().map(|role| {
                    let answer = role == roles.with_untracked(|r| r.1.clone());
                    let sid = format!("aug-{key}-input-{role}");
                    let err_id = format!("{sid}-error");
                    let (r1, r2, r3, r4) = (role.clone(), role.clone(), role.clone(), role.clone());
                    view! {
                        <label for=sid.clone()>{crate::tr!(Msg::BuilderInput, role = role.as_str())}{answer.then(|| view! { <span class="hint">{t(Msg::BuilderInputAnswerHint)}</span> })}</label>
                        <div>
                            <select id=sid.clone() data-role=role.clone() aria-describedby=err_id.clone()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    row.inputs.update(|m| { if v.is_empty() { m.remove(&r1); } else { m.insert(r1.clone(), v); } });
                                }>
                                <option value="" selected=move || row.inputs.with(|m| !m.contains_key(&r2))>{t(Msg::BuilderChooseVersion)}</option>
                                {move || with_sources(catalog, |sources| {
                                    sources.iter().filter(|s| !s.evaluation).map(|s| {
                                        let v = s.version_id.clone();
                                        let r = r3.clone();
                                        let label = match s.main_language() {
                                            Some(l) => crate::tr!(Msg::BuilderVersionOption, source = source_label(s), count = thousands(s.examples), language = english(l)),
                                            None => crate::tr!(Msg::BuilderVersionOptionProfiling, source = source_label(s), count = thousands(s.examples)),
                                        };
                                        let v2 = v.clone();
                                        view! { <option value=v.to_string() selected=move || row.inputs.with(|m| m.get(&r).is_some_and(|x| *x == v2))>{label}</option> }
                                    }).collect_view()
                                })}
                            </select>
                            {err_line(errors, err_id, move || at(&format!("inputs.{r4}")))}
                        </div>
                    }
                }).collect_view()}
                <label for=shots_id.clone()>{t(Msg::BuilderShots)}</label>
                <select id=shots_id.clone() class="shots-select" on:change=move |ev| row.shots.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {[0usize, 1, 3, 5].into_iter().map(|n| {
                        let label = if n == 0 { t(Msg::BuilderShotsNone).to_string() } else { crate::tr!(Msg::BuilderShotsFew, count = n) };
                        view! { <option value=n.to_string() selected=move || row.shots.get() == n>{label}</option> }
                    }).collect_view()}
                </select>
                <label for=limit_id.clone()>{t(Msg::BuilderLimit)}</label>
                <div>
                    <input id=limit_id.clone() class="num short limit-input" inputmode="numeric" placeholder=t(Msg::BuilderLimitAll)
                        prop:value=move || row.limit.get() on:input=move |ev| row.limit.set(event_target_value(&ev))/>
                    <span class="hint">{t(Msg::BuilderLimitHint)}</span>
                    {err_line(errors, format!("aug-{key}-limit-error"), move || at("limit"))}
                </div>
            </div>
            <p class="field-error" aria-live="polite">{move || {
                let msgs: Vec<String> = ["shots", "template.roles", "template.answer_role"].iter().filter_map(|p| errors.at(&at(p))).collect();
                (!msgs.is_empty()).then(|| msgs.join(" · "))
            }}</p>
            <details class="template-editor">
                <summary>{t(Msg::BuilderEditTemplate)}</summary>
                <div class="form-grid">
                    <label for=format!("aug-{key}-tname")>{t(Msg::ColName)}</label>
                    <div>
                        <input id=format!("aug-{key}-tname") class="template-name" dir="auto" prop:value=move || row.template.with(|t| t.name.clone()) on:input=edit(|t, v| t.name = v)/>
                        {err_line(errors, format!("aug-{key}-tname-error"), move || at("template.name"))}
                    </div>
                    <label for=format!("aug-{key}-tlang")>{t(Msg::BuilderTemplateLanguage)}</label>
                    <div>
                        <input id=format!("aug-{key}-tlang") class="template-language short" prop:value=move || row.template.with(|t| t.language.clone()) on:input=edit(|t, v| t.language = v)/>
                        <span class="hint">{move || row.template.with(|t| lang::parse(&t.language).map(|l| format!(" {}", l.display())).unwrap_or_default())}</span>
                        {err_line(errors, format!("aug-{key}-tlang-error"), move || at("template.language"))}
                    </div>
                    <label for=format!("aug-{key}-tuser")>{t(Msg::BuilderTemplateUser)}</label>
                    <div>
                        <textarea id=format!("aug-{key}-tuser") class="template-user" rows="4" dir="auto" spellcheck="false"
                            prop:value=move || row.template.with(|t| t.user.clone()) on:input=edit(|t, v| t.user = v)></textarea>
                        {err_line(errors, format!("aug-{key}-tuser-error"), move || at("template.user"))}
                    </div>
                    <label for=format!("aug-{key}-tassistant")>{t(Msg::BuilderTemplateAssistant)}</label>
                    <div>
                        <textarea id=format!("aug-{key}-tassistant") class="template-assistant" rows="3" dir="auto" spellcheck="false"
                            prop:value=move || row.template.with(|t| t.assistant.clone()) on:input=edit(|t, v| t.assistant = v)></textarea>
                        {err_line(errors, format!("aug-{key}-tassistant-error"), move || at("template.assistant"))}
                    </div>
                </div>
                <p class="hint">{move || {
                    let (roles, _) = roles.get();
                    let first = roles.first().cloned().unwrap_or_else(|| "source".into());
                    crate::tr!(Msg::BuilderTemplateHelp, roles = roles.join(", "), first = first)
                }}</p>
                <div class="actions">
                    <button type="button" class="template-save" on:click=save_template>
                        {move || if row.template.with(|t| t.id.as_deref().is_some_and(|id| !id.starts_with("builtin:"))) { t(Msg::BuilderTemplateSaveExisting) } else { t(Msg::BuilderTemplateSaveNew) }}
                    </button>
                    <span class="muted" role="status">{move || tpl_saved.get()}</span>
                </div>
                <ErrorBox error=tpl_error.read_only()/>
            </details>
            <div class="actions">
                <button type="button" class="augmentation-preview" on:click=run_preview disabled=move || previewing.get()>
                    {move || if previewing.get() { t(Msg::BuilderPreviewing) } else { t(Msg::BuilderPreview) }}
                </button>
            </div>
            {move || preview.get().map(|r| match r {
                Ok(p) => view! {
                    <div class="augmentation-examples" aria-live="polite">
                        <p class="muted">{crate::tr!(Msg::BuilderPreviewMakes, total = thousands(p.total), shown = p.examples.len().min(3))}</p>
                        {p.examples.into_iter().take(3).map(|e| view! { <div class="card example"><Conversation example=e compact=true/></div> }).collect_view()}
                    </div>
                }.into_any(),
                Err(e) => {
                    let e = RwSignal::new(Some(e));
                    view! { <div class="augmentation-examples"><ErrorBox error=e.read_only()/></div> }.into_any()
                }
            })}
        </div>
    }
}
