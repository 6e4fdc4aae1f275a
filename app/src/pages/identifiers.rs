//! Settings → Language identification: which identifier the workspace's profiles use, the ones it
//! trained with their held-out accuracy per language, and (owners) teaching it new languages from
//! a dataset version whose examples declare their language.

use leptos::prelude::*;
use polytune_api::{
    Dataset, Identifier, IdentifierState, Identifiers, Job, TrainIdentifier, UseIdentifier, Validate, lang,
};

use crate::client;
use crate::components::ErrorBox;
use crate::components::form;
use crate::components::jobs::JobProgress;
use crate::i18n::{Msg, t};

fn pct(correct: u64, total: u64) -> String {
    if total == 0 { "—".into() } else { format!("{:.1} %", 100.0 * correct as f64 / total as f64) }
}

fn language_name(label: &str) -> String {
    match lang::parse(label) {
        Some(tag) if tag.language().is_some() => format!("{} ({label})", tag.display()),
        _ => label.to_string(),
    }
}

#[component]
pub fn LanguageIdentifiers(ws: String, is_owner: bool) -> impl IntoView {
    let ws = StoredValue::new(ws);
    let tick = RwSignal::new(0u32);
    let listing = LocalResource::new(move || {
        tick.track();
        async move { client::get::<Identifiers>(&format!("/workspaces/{}/identifiers", ws.get_value())).await }
    });
    let error = RwSignal::new(None);
    let choose = move |id: Option<String>| {
        let path = format!("/workspaces/{}/identifier", ws.get_value());
        let req = UseIdentifier { identifier_id: id.map(Into::into) };
        form::send(None, error, async move { client::put::<_, Identifiers>(&path, &req).await }, move |_| {
            tick.update(|t| *t += 1)
        });
    };
    view! {
        <h2 id="language-identification">{t(Msg::LangIdTitle)}</h2>
        <p class="muted">{t(Msg::LangIdIntro)}</p>
        {move || listing.get().map(|r| match r {
            Err(e) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
            Ok(list) => {
                let default_active = !list.items.iter().any(|i| i.active);
                let default_row = view! {
                    <tr class=if default_active { "current" } else { "" }>
                        <td>{t(Msg::LangIdDefault)}</td>
                        <td class="num">{list.default_languages}</td>
                        <td>{t(Msg::LangIdDefaultAccuracy)}</td>
                        <td>{if default_active {
                            view! { <span class="badge ok">{t(Msg::LangIdInUse)}</span> }.into_any()
                        } else if is_owner {
                            view! { <button type="button" on:click=move |_| choose(None)>{t(Msg::LangIdUse)}</button> }.into_any()
                        } else {
                            ().into_any()
                        }}</td>
                    </tr>
                };
                let rows = list.items.into_iter().map(|i| view! { <IdentifierRow item=i is_owner=is_owner choose=choose/> }).collect_view();
                view! {
                    <table class="data" data-testid="identifiers">
                        <thead><tr>
                            <th scope="col">{t(Msg::LangIdName)}</th>
                            <th scope="col">{t(Msg::LangIdLanguages)}</th>
                            <th scope="col">{t(Msg::LangIdAccuracy)}</th>
                            <th scope="col"></th>
                        </tr></thead>
                        <tbody>{default_row}{rows}</tbody>
                    </table>
                    <p class="muted" data-testid="identifier-current">{crate::tr!(Msg::LangIdCurrentName, name = list.current_name.as_str())}</p>
                }.into_any()
            }
        })}
        <ErrorBox error=error.read_only()/>
        {is_owner.then(|| view! { <TrainForm ws=ws.get_value() on_done=move || tick.update(|t| *t += 1)/> })}
    }
}

#[component]
fn IdentifierRow(
    item: Identifier,
    is_owner: bool,
    choose: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = item.id.clone();
    let (held, correct) = item
        .report
        .as_ref()
        .map(|r| {
            (r.held_out.iter().map(|a| a.held_out).sum::<u64>(), r.held_out.iter().map(|a| a.correct).sum::<u64>())
        })
        .unwrap_or((0, 0));
    let languages = item.report.as_ref().map(|r| r.languages.to_string()).unwrap_or_else(|| "—".into());
    let action = match (item.state, item.active) {
        (IdentifierState::Ready, true) => view! { <span class="badge ok">{t(Msg::LangIdInUse)}</span> }.into_any(),
        (IdentifierState::Ready, false) if is_owner => {
            view! { <button type="button" on:click=move |_| choose(Some(id.to_string()))>{t(Msg::LangIdUse)}</button> }
                .into_any()
        }
        (IdentifierState::Training, _) => view! { <span class="badge">{t(Msg::StateRunning)}</span> }.into_any(),
        (IdentifierState::Failed, _) => view! { <span class="badge warn">{t(Msg::StateFailed)}</span> }.into_any(),
        _ => ().into_any(),
    };
    let details = item.report.map(|r| {
        let rows = r
            .held_out
            .into_iter()
            .map(|a| {
                let trained = r.trained.iter().find(|(l, _)| *l == a.language).map(|(_, n)| *n).unwrap_or(0);
                view! {
                    <tr>
                        <td dir="auto">{language_name(&a.language)}</td>
                        <td class="num">{trained}</td>
                        <td class="num">{a.held_out}</td>
                        <td class="num">{pct(a.correct, a.held_out)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <tr><td colspan="4">
                <details open>
                    <summary>{t(Msg::LangIdPerLanguage)}</summary>
                    <table class="data" data-testid="identifier-accuracy">
                        <thead><tr>
                            <th scope="col">{t(Msg::LangIdLanguage)}</th>
                            <th scope="col">{t(Msg::LangIdTrained)}</th>
                            <th scope="col">{t(Msg::LangIdHeldOut)}</th>
                            <th scope="col">{t(Msg::LangIdAccuracy)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </details>
            </td></tr>
        }
    });
    view! {
        <tr class=if item.active { "current" } else { "" }>
            <td dir="auto">{item.name}</td>
            <td class="num">{languages}</td>
            <td>{pct(correct, held)}</td>
            <td>{action}</td>
        </tr>
        {details}
    }
}

/// Owners: train an identifier from a dataset version, following the job.
#[component]
fn TrainForm(ws: String, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ws = StoredValue::new(ws);
    let datasets = LocalResource::new(move || async move {
        client::get::<Vec<Dataset>>(&format!("/workspaces/{}/datasets", ws.get_value())).await.unwrap_or_default()
    });
    let name = RwSignal::new(String::new());
    let version = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    let progress = RwSignal::new(None::<Job>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = TrainIdentifier { name: name.get(), version_id: version.get().into() };
        if !form::check(req.validate(), error) {
            return;
        }
        let path = format!("/workspaces/{}/identifiers", ws.get_value());
        let request = async move {
            client::run_job(&path, &req, move |j| {
                progress.try_set(Some(j.clone()));
                true
            })
            .await
        };
        form::send(Some(busy), error, request, move |_| {
            progress.set(None);
            name.set(String::new());
            on_done();
        });
    };
    view! {
        <form class="card" on:submit=submit novalidate>
            <h3>{t(Msg::LangIdTrainTitle)}</h3>
            <p class="muted">{t(Msg::LangIdTrainIntro)}</p>
            <div class="field">
                <label for="identifier-name">{t(Msg::LangIdName)}</label>
                <input id="identifier-name" dir="auto" bind:value=name/>
            </div>
            <div class="field">
            <label for="identifier-version">{t(Msg::LangIdVersion)}</label>
            <select id="identifier-version" on:change=move |ev| version.set(event_target_value(&ev))>
                <option value="">{t(Msg::LangIdChooseVersion)}</option>
                {move || datasets.get().unwrap_or_default().into_iter().flat_map(|d| {
                    let dname = d.name.clone();
                    d.versions.into_iter().map(move |v| {
                        let label = crate::tr!(
                            Msg::LangIdVersionOption,
                            dataset = dname.as_str(),
                            number = v.number,
                            examples = v.examples
                        );
                        view! { <option value=v.id.to_string()>{label}</option> }
                    })
                }).collect_view()}
            </select>
            </div>
            <button type="submit" class="primary" disabled=busy>{t(Msg::LangIdTrain)}</button>
            {move || progress.get().map(|j| view! { <JobProgress job=j/> })}
            <ErrorBox error=error.read_only()/>
        </form>
    }
}
