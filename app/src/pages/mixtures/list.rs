//! The Mixtures tab: the list of mixtures, and the builder ("New mixture", or `?from=` a mixture
//! to change a copy).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use polytune_api::{Mixture, Role, Workspace};

use super::builder::{Builder, BuilderInit};
use super::mixture_badge;
use crate::client;
use crate::components::format::{pct, thousands};
use crate::components::jobs::tick_on_state_changes;
use crate::components::lang::{lang_full, swatch};
use crate::components::{Loading, format_time};
use crate::i18n::{Msg, t};

/// The Mixtures tab: the list, and the builder ("New mixture", or `?from=` a mixture to change a copy).
#[component]
pub fn MixturesSection(ws: Workspace) -> impl IntoView {
    let ws_id = StoredValue::new(ws.id.clone());
    let can_edit = ws.role >= Role::Editor && !ws.archived;
    let tick = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/mixtures", ws_id.get_value());
        async move { client::get::<Vec<Mixture>>(&path).await }
    });
    tick_on_state_changes(&ws.id, tick);
    let builder = RwSignal::new(None::<BuilderInit>);
    let query = use_query_map();
    Effect::new(move |_| {
        let Some(from) = query.read().get("from").filter(|f| !f.is_empty()) else { return };
        if !can_edit {
            return;
        }
        let path = format!("/workspaces/{}/mixtures/{from}", ws_id.get_value());
        leptos::task::spawn_local(async move {
            if let Ok(m) = client::get::<Mixture>(&path).await {
                builder.try_set(Some(BuilderInit {
                    title: crate::tr!(Msg::MixturesCopyTitle, name = m.name.as_str()),
                    name: crate::tr!(Msg::MixturesCopyName, name = m.name.as_str()),
                    spec: Some(m.spec),
                }));
            }
        });
    });
    let open_new = move |_| {
        builder.set(Some(BuilderInit {
            title: t(Msg::MixturesNewTitle).into(),
            name: crate::tr!(Msg::MixturesDefaultName, time = format_time(js_sys::Date::now() as i64)),
            spec: None,
        }))
    };
    let datasets = format!("/workspaces/{}/datasets", ws.id);
    view! {
        <p class="muted">{t(Msg::MixturesIntro)}</p>
        {move || (can_edit && builder.with(|b| b.is_none())).then(|| view! {
            <p><button id="new-mixture" class="primary" type="button" on:click=open_new>{t(Msg::MixturesNewButton)}</button></p>
        })}
        {move || builder.get().map(|init| view! {
            <Builder ws=ws_id.get_value().to_string() init=init on_close=move || builder.set(None)/>
        })}
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <div class="empty mixtures-empty">
                    <p>{t(Msg::EmptyMixtures)}</p>
                    <A href=datasets.clone() attr:class="button">{t(Msg::EmptyMixturesAction)}</A>
                </div>
            }.into_any(),
            Some(Ok(list)) => view! { <MixtureList list=list/> }.into_any(),
        }}
    }
}

#[component]
fn MixtureList(list: Vec<Mixture>) -> impl IntoView {
    view! {
        <table class="data mixtures" aria-label=t(Msg::SectionMixtures)>
            <thead><tr>
                <th scope="col">{t(Msg::ColName)}</th><th scope="col">{t(Msg::JobState)}</th>
                <th scope="col" class="num">{t(Msg::MixturesColTrainingExamples)}</th><th scope="col">{t(Msg::LangIdLanguages)}</th><th scope="col">{t(Msg::MixturesColMade)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|m| {
                    let href = format!("/workspaces/{}/mixtures/{}", m.workspace_id, m.id);
                    let examples = match &m.report {
                        Some(r) => thousands(r.train_examples),
                        None => crate::tr!(Msg::MixturesExamplesPlanned, count = thousands(m.plan.examples)),
                    };
                    let langs = m.plan.languages.clone();
                    let more = langs.len().saturating_sub(10);
                    view! {
                        <tr class="mixture-row" data-mixture-id=m.id.to_string()>
                            <td><A href=href>{m.name.clone()}</A></td>
                            <td>{mixture_badge(m.state)}</td>
                            <td class="num">{examples}</td>
                            <td class="langs">
                                {langs.into_iter().take(10).map(|l| view! {
                                    <span class="lang-chip" title=crate::tr!(Msg::MixturesLanguageShare, language = lang_full(&l.language), share = pct(l.share))>
                                        {swatch(&l.language)}{l.language.clone()}" "<span class="muted">{pct(l.share)}</span>
                                    </span>
                                }).collect_view()}
                                {(more > 0).then(|| view! { <span class="muted">{crate::tr!(Msg::MixturesMoreLanguages, count = more)}</span> })}
                            </td>
                            <td>{format_time(m.created_at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
