//! `/workspaces/:id/:section`: the workspace shell — a tab per section of the journey (the
//! sections are the pages' own, routed here by name), each empty state saying what to do next and
//! offering that action.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use polytune_api::{ApiToken, CreateApiToken, Role, UpdateDescription, UpdateWorkspace, Validate, Workspace};

use super::datasets::DatasetsSection;
use super::evaluations::EvaluationsSection;
use super::jobs::{CheckFile, JobsSection};
use super::members::MembersSection;
use super::mixtures::MixturesSection;
use super::models::ModelsSection;
use super::runs::RunsSection;
use crate::client;
use crate::components::audit::AuditTable;
use crate::components::{ErrorBox, Loading, NotFound, RequireSignIn, RoleSelect, form, role_label};
use crate::i18n::{Msg, t};

const SECTIONS: [(&str, Msg); 11] = [
    ("overview", Msg::SectionOverview),
    ("datasets", Msg::SectionDatasets),
    ("models", Msg::SectionModels),
    ("mixtures", Msg::SectionMixtures),
    ("runs", Msg::SectionRuns),
    ("evaluations", Msg::SectionEvaluations),
    ("chat", Msg::SectionChat),
    ("jobs", Msg::SectionJobs),
    ("members", Msg::SectionMembers),
    ("audit", Msg::SectionAudit),
    ("settings", Msg::SectionSettings),
];

#[component]
pub fn WorkspacePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let section = Memo::new(move |_| params.read().get("section").unwrap_or_else(|| "overview".into()));
    let workspace = LocalResource::new(move || {
        let id = id.get();
        async move { client::get::<Workspace>(&format!("/workspaces/{id}")).await }
    });
    view! {
        <RequireSignIn/>
        {move || match workspace.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <NotFound/> }.into_any(),
            Some(Ok(ws)) => {
                let ws = StoredValue::new(ws);
                let on_change = move |fresh: Workspace| { ws.set_value(fresh); workspace.refetch(); };
                view! {
                    <div class="workspace">
                        <h1>{ws.get_value().name}" "
                            {ws.get_value().archived.then(|| view! { <span class="badge">{t(Msg::Archived)}</span> })}
                        </h1>
                        <p class="muted">{crate::tr!(Msg::CommonYourRole, role = role_label(ws.get_value().role))}</p>
                        {ws.get_value().archived.then(|| view! { <p class="notice" role="status">{t(Msg::ArchivedBanner)}</p> })}
                        <nav class="tabs" aria-label=t(Msg::NavWorkspaces)>
                            {SECTIONS.into_iter()
                                .filter(|(key, _)| *key != "audit" || ws.get_value().role == Role::Owner)
                                .map(|(key, msg)| view! {
                                    <A href=format!("/workspaces/{}/{key}", ws.get_value().id)
                                       attr:aria-current=move || (section.get() == key).then_some("page")>{t(msg)}</A>
                                }).collect_view()}
                        </nav>
                        <div class="section">
                            {move || section_view(&section.get(), ws.get_value(), on_change)}
                        </div>
                    </div>
                }.into_any()
            }
        }}
    }
}

fn section_view(section: &str, ws: Workspace, on_change: impl Fn(Workspace) + Copy + Send + Sync + 'static) -> AnyView {
    let link = |s: &str| format!("/workspaces/{}/{s}", ws.id);
    match section {
        "overview" => view! { <Overview ws=ws on_change=on_change/> }.into_any(),
        "datasets" => view! {
            <DatasetsSection ws=ws.clone()/>
            {(ws.role >= Role::Editor && !ws.archived).then(|| view! { <details class="check-file-box"><summary>{t(Msg::CommonCheckRawFile)}</summary><CheckFile ws=ws.clone()/></details> })}
        }
        .into_any(),
        "models" => view! { <ModelsSection ws=ws/> }.into_any(),
        "jobs" => view! { <JobsSection ws=ws/> }.into_any(),
        "mixtures" => view! { <MixturesSection ws=ws/> }.into_any(),
        "runs" => view! { <RunsSection ws=ws/> }.into_any(),
        "evaluations" => view! { <EvaluationsSection ws=ws/> }.into_any(),
        "chat" => empty(Msg::EmptyChat, Msg::EmptyChatAction, Some(link("runs"))),
        "members" => view! { <MembersSection ws=ws/> }.into_any(),
        "audit" => view! {
            <p class="muted">{t(Msg::AuditIntro)}</p>
            <AuditTable path=format!("/workspaces/{}/audit", ws.id)/>
        }
        .into_any(),
        "settings" => view! { <Settings ws=ws on_change=on_change/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// An empty section: what it will hold, and the one action that leads there.
fn empty(text: Msg, action: Msg, href: Option<String>) -> AnyView {
    view! {
        <div class="empty">
            <p>{t(text)}</p>
            {match href {
                Some(h) => view! { <A href=h attr:class="button primary">{t(action)}</A> }.into_any(),
                None => view! {
                    <button class="primary" disabled aria-describedby="coming-next">{t(action)}</button>
                    <p class="hint" id="coming-next">{t(Msg::ComingNext)}</p>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}

#[component]
fn Overview(ws: Workspace, on_change: impl Fn(Workspace) + Copy + Send + Sync + 'static) -> impl IntoView {
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    let text = RwSignal::new(ws.description.clone());
    let error = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let id = ws.id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = UpdateDescription { description: text.get() };
        let path = format!("/workspaces/{id}/description");
        form::send(None, error, async move { client::put::<_, Workspace>(&path, &req).await }, move |w| {
            saved.set(true);
            on_change(w);
        });
    };
    let datasets = format!("/workspaces/{}/datasets", ws.id);
    view! {
        <h2>{t(Msg::DescriptionLabel)}</h2>
        {if can_edit {
            view! {
                <form on:submit=save>
                    <label for="ws-description" class="sr-only">{t(Msg::DescriptionLabel)}</label>
                    <textarea id="ws-description" rows="4" dir="auto" bind:value=text on:input=move |_| saved.set(false)></textarea>
                    <ErrorBox error=error.read_only()/>
                    <button type="submit">{t(Msg::DescriptionSave)}</button>
                    <span class="muted" role="status">{move || saved.get().then(|| t(Msg::Saved))}</span>
                </form>
            }.into_any()
        } else {
            let d = ws.description.clone();
            view! { <p dir="auto">{if d.is_empty() { t(Msg::NoDescription).to_owned() } else { d }}</p> }.into_any()
        }}
        <div class="empty">
            <p>{t(Msg::EmptyDatasets)}</p>
            <A href=datasets attr:class="button primary">{t(Msg::EmptyDatasetsAction)}</A>
        </div>
    }
}

#[component]
fn Settings(ws: Workspace, on_change: impl Fn(Workspace) + Copy + Send + Sync + 'static) -> impl IntoView {
    let is_owner = ws.role == Role::Owner;
    let name = RwSignal::new(ws.name.clone());
    let error = RwSignal::new(None);
    let id = StoredValue::new(ws.id.clone());
    let archived = ws.archived;
    let update = move |req: UpdateWorkspace| {
        if !form::check(req.validate(), error) {
            return;
        }
        let path = format!("/workspaces/{}", id.get_value());
        form::send(None, error, async move { client::patch::<_, Workspace>(&path, &req).await }, on_change);
    };
    // API tokens: any member, up to their own role.
    let token_name = RwSignal::new(String::new());
    let token_role = RwSignal::new(Role::Viewer);
    let token = RwSignal::new(None::<String>);
    let token_error = RwSignal::new(None);
    let create_token = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateApiToken { name: token_name.get(), role: token_role.get() };
        if !form::check(req.validate(), token_error) {
            return;
        }
        let path = format!("/workspaces/{}/tokens", id.get_value());
        form::send(None, token_error, async move { client::post::<_, ApiToken>(&path, &req).await }, move |tok| {
            token.set(tok.token)
        });
    };
    view! {
        <Show when=move || is_owner>
            <form class="inline" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                update(UpdateWorkspace { name: Some(name.get()), archived: None });
            }>
                <label for="ws-name">{t(Msg::SettingsRename)}</label>
                <input id="ws-name" dir="auto" bind:value=name/>
                <button type="submit">{t(Msg::Save)}</button>
            </form>
            <p class="hint">{t(Msg::SettingsArchiveHint)}</p>
            <button class=if archived { "" } else { "danger" }
                on:click=move |_| update(UpdateWorkspace { name: None, archived: Some(!archived) })>
                {if archived { t(Msg::SettingsRestore) } else { t(Msg::SettingsArchive) }}
            </button>
            <ErrorBox error=error.read_only()/>
        </Show>
        <crate::pages::identifiers::LanguageIdentifiers ws=id.get_value().to_string() is_owner=is_owner/>
        <h2>{t(Msg::NavApi)}</h2>
        <p class="muted">{t(Msg::ApiIntro)}</p>
        <form class="inline" on:submit=create_token novalidate>
            <label for="token-name">{t(Msg::TokenName)}</label>
            <input id="token-name" bind:value=token_name/>
            <label for="token-role">{t(Msg::Role)}</label>
            <RoleSelect value=token_role id="token-role"/>
            <button type="submit">{t(Msg::CreateToken)}</button>
        </form>
        <ErrorBox error=token_error.read_only()/>
        {move || token.get().map(|tok| view! {
            <p>{t(Msg::TokenReady)}</p>
            <code class="secret" data-testid="api-token">{tok}</code>
        })}
    }
}
