//! A new version by filters (languages, lengths, quality flags, duplicates), followed live.

use leptos::prelude::*;
use polytune_api::{DatasetVersion, Dedup, DeriveSpec, Flag, Job, ProfileState, Validate};

use super::profile::ProfileProgress;
use crate::client;
use crate::components::{ErrorBox, form};
use crate::i18n::{Msg, t};

#[component]
pub(super) fn Derive(
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
            languages: crate::components::lang::typed_list(&languages.get()),
            min_chars: num(min_chars.get()),
            max_chars: num(max_chars.get()),
            exclude_flags: flags.get(),
            dedup: match dedup.get().as_str() {
                "keep_first" => Dedup::KeepFirst,
                "keep_longest" => Dedup::KeepLongest,
                _ => Dedup::None,
            },
        };
        if !form::check(spec.validate(), error) {
            return;
        }
        let path = format!("/workspaces/{}/versions/{vid}/derive", ws.get_value());
        form::send(None, error, async move { client::post::<_, Job>(&path, &spec).await }, move |j| job.set(Some(j)));
    };
    view! {
        {(!ready).then(|| view! { <p class="notice">{t(Msg::DatasetsDeriveNeedsProfile)}</p> })}
        {(can_edit && ready).then(|| view! {
            <form class="card derive" on:submit=submit>
                <p class="muted">{crate::tr!(Msg::DatasetsDeriveIntro, number = version.number)}</p>
                <div class="field"><label for="d-langs">{t(Msg::DatasetsDeriveLanguages)}</label>
                    <input id="d-langs" placeholder="deu, ara, tha" prop:value=move || languages.get() on:input=move |ev| languages.set(event_target_value(&ev))/></div>
                <div class="field"><label for="d-min">{t(Msg::DatasetsDeriveMinChars)}</label>
                    <input id="d-min" type="number" min="0" on:input=move |ev| min_chars.set(event_target_value(&ev))/></div>
                <div class="field"><label for="d-max">{t(Msg::DatasetsDeriveMaxChars)}</label>
                    <input id="d-max" type="number" min="0" on:input=move |ev| max_chars.set(event_target_value(&ev))/></div>
                <fieldset><legend>{t(Msg::DatasetsDeriveFlags)}</legend>
                    {Flag::ALL.into_iter().map(|f| view! {
                        <label class="check"><input type="checkbox" on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            flags.update(|l| { l.retain(|x| *x != f); if on { l.push(f) } });
                        }/>{crate::components::labels::flag_label(f)}</label>
                    }).collect_view()}
                </fieldset>
                <div class="field"><label for="d-dedup">{t(Msg::DatasetsDeriveDedup)}</label>
                    <select id="d-dedup" on:change=move |ev| dedup.set(event_target_value(&ev))>
                        <option value="none">{t(Msg::DatasetsDedupNone)}</option>
                        <option value="keep_first">{t(Msg::DatasetsDedupKeepFirst)}</option>
                        <option value="keep_longest">{t(Msg::DatasetsDedupKeepLongest)}</option>
                    </select></div>
                <button type="submit" class="primary">{t(Msg::DatasetsDeriveSubmit)}</button>
                <ErrorBox error=error.read_only()/>
            </form>
        })}
        {move || job.get().map(|j| view! { <ProfileProgress ws=ws.get_value() job_id=j.id.to_string() on_finish=on_done/> })}
    }
}
