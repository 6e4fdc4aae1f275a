//! A version's profile: the running profile job, the summary, each language, duplicates, and
//! profiling again with a tokenizer.

use leptos::prelude::*;
use leptos_router::components::A;
use polytune_api::{CreateProfile, DatasetVersion, Flag, Identifiers, Job, JobState, Profile, ProfileState};

use super::duplicates::Duplicates;
use super::languages::{Contradictions, LanguageBars, LanguageTable, LengthHistogram};
use crate::client::{self, ApiFailure};
use crate::components::format::thousands;
use crate::components::jobs::{JobProgress, StateBadge, follow_job};
use crate::components::{ErrorBox, Loading, form};
use crate::i18n::{Msg, t};

/// The running profile job, live; `on_finish` when it ends.
#[component]
pub(super) fn ProfileProgress(
    ws: String,
    job_id: String,
    on_finish: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let job = RwSignal::new(None::<Result<Job, ApiFailure>>);
    let connected = RwSignal::new(false);
    follow_job(&ws, &job_id, job, connected, move |_, announced| {
        if announced.is_some_and(JobState::is_finished) {
            on_finish();
        }
    });
    let href = format!("/workspaces/{ws}/jobs/{job_id}");
    view! {
        <div class="card profiling" role="status">
            <p><strong>{t(Msg::DatasetsProfiling)}</strong>" "<A href=href>{t(Msg::DatasetsJobDetails)}</A></p>
            {move || job.get().and_then(Result::ok).map(|j| {
                let ex = j.counters.examples.unwrap_or(0);
                let total = j.counters.total_examples.unwrap_or(0);
                view! {
                    <StateBadge state=j.state/>
                    <JobProgress job=j.clone()/>
                    <p class="muted">{crate::tr!(Msg::DatasetsProfiledExamples, done = thousands(ex), total = thousands(total))}</p>
                }
            })}
        </div>
    }
}

#[component]
pub(super) fn ProfileView(
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
    // Which identifier profiles use now, to mark a profile made by an earlier one.
    let current = LocalResource::new(move || async move {
        client::get::<Identifiers>(&format!("/workspaces/{}/identifiers", ws.get_value()))
            .await
            .ok()
            .map(|l| l.current_name)
    });
    let tokenizer = version.profile.as_ref().and_then(|p| p.tokenizer.clone());
    let again_error = RwSignal::new(None);
    let again_busy = RwSignal::new(false);
    let profile_again = move |_| {
        let req = CreateProfile { tokenizer: tokenizer.clone() };
        let path = format!("/workspaces/{}/versions/{}/profiles", ws.get_value(), vid.get_value());
        form::send(
            Some(again_busy),
            again_error,
            async move { client::post::<_, serde_json::Value>(&path, &req).await },
            move |_| on_change(),
        );
    };
    let older = move || {
        let made = profile.get().and_then(Result::ok).map(|p| p.identifier)?;
        let now = current.get().flatten()?;
        (made != now).then(|| {
            let made = if made.is_empty() { "whatlang 0.18".to_string() } else { made };
            crate::tr!(Msg::ProfileOlderIdentifier, old = made.as_str(), new = now.as_str())
        })
    };
    view! {
        {move || older().map(|text| view! {
            <div class="card notice" role="status" data-testid="older-identifier">
                <p>{text}</p>
                {can_edit.then(|| view! {
                    <button type="button" class="primary" disabled=again_busy on:click=profile_again.clone()>{t(Msg::ProfileAgain)}</button>
                })}
                <ErrorBox error=again_error.read_only()/>
            </div>
        })}
        {running.map(|job| view! { <ProfileProgress ws=ws.get_value() job_id=job.to_string() on_finish=finished/> })}
        {move || match profile.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <p class="empty">{t(Msg::DatasetsNoProfile)}</p> }.into_any(),
            Some(Ok(p)) => {
                let p = StoredValue::new(p);
                view! {
                    <ProfileSummary p=p.get_value()/>
                    <h2 id="per-language">{t(Msg::DatasetsPerLanguage)}</h2>
                    <LanguageBars p=p.get_value() chosen=chosen_lang/>
                    <Contradictions p=p.get_value()/>
                    <LanguageTable p=p.get_value() chosen=chosen_lang/>
                    {move || {
                        let p = p.get_value();
                        let lang = chosen_lang.get().or_else(|| p.languages.first().map(|l| l.language.clone()));
                        lang.and_then(|l| p.languages.iter().find(|s| s.language == l).cloned()).map(|s| view! {
                            <LengthHistogram bins=p.length_bins.clone() stats=s/>
                        })
                    }}
                    <Duplicates ws=ws.get_value() version=vid.get_value().to_string() p=p.get_value()/>
                }.into_any()
            }
        }}
        {can_edit.then(|| view! { <TokenizerProfile ws=ws.get_value() version=vid.get_value().to_string() on_started=on_change/> })}
    }
}

#[component]
fn ProfileSummary(p: Profile) -> impl IntoView {
    let flags: Vec<(String, u64)> = p.flags.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let seconds = format!("{:.1}", p.seconds);
    let timing = match p.tokenizer.as_ref() {
        Some(tokenizer) => crate::tr!(Msg::DatasetsProfiledWith, seconds = seconds, tokenizer = tokenizer.as_str()),
        None => crate::tr!(Msg::DatasetsProfiledWithout, seconds = seconds),
    };
    view! {
        <div class="stats">
            <div><span class="big">{thousands(p.examples)}</span>{crate::tr!(Msg::DatasetsStatExamples, count = p.examples)}</div>
            <div><span class="big">{thousands(p.turns)}</span>{crate::tr!(Msg::DatasetsStatTurns, count = p.turns)}</div>
            <div><span class="big">{p.languages.len()}</span>{crate::tr!(Msg::DatasetsStatLanguages, count = p.languages.len())}</div>
            {(p.tokens > 0).then(|| view! { <div><span class="big">{thousands(p.tokens)}</span>{crate::tr!(Msg::DatasetsStatTokens, count = p.tokens)}</div> })}
            <div><span class="big">{thousands(p.exact_duplicates)}</span>{crate::tr!(Msg::DatasetsStatExactDuplicates, count = p.exact_duplicates)}</div>
            <div><span class="big">{thousands(p.near_duplicates)}</span>{crate::tr!(Msg::DatasetsStatNearDuplicates, count = p.near_duplicates)}</div>
        </div>
        <p class="muted">{timing}</p>
        {(!flags.is_empty()).then(|| view! {
            <h2>{t(Msg::DatasetsQualityFlags)}</h2>
            <ul class="flags">{flags.into_iter().map(|(k, n)| {
                let label = Flag::parse(&k).map(crate::components::labels::flag_label).unwrap_or("?");
                view! { <li><span class="badge warn">{label}</span>" "{thousands(n)}</li> }
            }).collect_view()}</ul>
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
        let (ws, version) = (ws.get_value(), version.get_value());
        let request = async move {
            let up = client::upload_resumable(&ws, &file, |_, _| {}).await?;
            let req = CreateProfile { tokenizer: up.blob };
            client::post::<_, serde_json::Value>(&format!("/workspaces/{ws}/versions/{version}/profiles"), &req).await
        };
        form::send(Some(busy), error, request, move |_| on_started());
    };
    view! {
        <form class="card inline-form" on:submit=submit>
            <h2>{t(Msg::DatasetsTokenizerTitle)}</h2>
            <p class="muted">{t(Msg::DatasetsTokenizerIntro)}</p>
            <label for="tokenizer-file">"tokenizer.json"</label>" "
            <input id="tokenizer-file" type="file" accept=".json" node_ref=input/>" "
            <button type="submit" disabled=busy>{t(Msg::DatasetsTokenizerSubmit)}</button>
            <ErrorBox error=error.read_only()/>
        </form>
    }
}
