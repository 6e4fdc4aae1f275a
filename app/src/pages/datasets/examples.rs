//! Browsing a version's examples: search and filters, each example as a conversation.

use leptos::prelude::*;
use polytune_api::{DatasetVersion, ExamplePage, Flag, ProfileState};

use crate::client;
use crate::components::Loading;
use crate::components::conversation::Conversation;
use crate::components::format::thousands;
use crate::components::lang::lang_name;
use crate::i18n::{Msg, t};

#[component]
pub(super) fn Examples(ws: String, version: DatasetVersion) -> impl IntoView {
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
            <label for="ex-q" class="sr-only">{t(Msg::DatasetsSearch)}</label>
            <input id="ex-q" type="search" placeholder=t(Msg::DatasetsSearchPlaceholder) prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/>
            {has_profile.then(|| view! {
                <label for="ex-lang" class="sr-only">{t(Msg::EvalLanguage)}</label>
                <input id="ex-lang" placeholder=t(Msg::DatasetsLanguagePlaceholder) prop:value=move || language.get() on:input=move |ev| language.set(event_target_value(&ev))/>
                <label for="ex-flag" class="sr-only">{t(Msg::DatasetsFlag)}</label>
                <select id="ex-flag" on:change=move |ev| flag.set(event_target_value(&ev))>
                    <option value="">{t(Msg::DatasetsAnyQuality)}</option>
                    {Flag::ALL.into_iter().map(|f| view! { <option value=f.key()>{crate::components::labels::flag_label(f)}</option> }).collect_view()}
                </select>
                <label for="ex-dup" class="sr-only">{t(Msg::DatasetsDuplicates)}</label>
                <select id="ex-dup" on:change=move |ev| dups.set(event_target_value(&ev))>
                    <option value="">{t(Msg::DatasetsDupsAny)}</option>
                    <option value="any">{t(Msg::DatasetsDupsOnly)}</option>
                    <option value="exact">{t(Msg::DatasetsDupsExact)}</option>
                    <option value="near">{t(Msg::DatasetsDupsNear)}</option>
                </select>
                <label for="ex-min" class="sr-only">{t(Msg::DatasetsMinChars)}</label>
                <input id="ex-min" class="num" type="number" min="0" placeholder=t(Msg::DatasetsMinCharsPlaceholder) on:input=move |ev| min_chars.set(event_target_value(&ev))/>
                <label for="ex-max" class="sr-only">{t(Msg::DatasetsMaxChars)}</label>
                <input id="ex-max" class="num" type="number" min="0" placeholder=t(Msg::DatasetsMaxCharsPlaceholder) on:input=move |ev| max_chars.set(event_target_value(&ev))/>
            })}
            <button type="submit" class="primary">{t(Msg::DatasetsSearch)}</button>
        </form>
        {move || match page.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(Ok(p)) => {
                let more = p.offset + (p.items.len() as u64) < p.matched;
                view! {
                    <p class="muted" role="status">{crate::tr!(Msg::DatasetsExamplesMatch, matched = thousands(p.matched), total = thousands(p.total))}</p>
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
                                            {a.lr.clone().filter(|r| Some(r) != a.li.as_ref()).map(|r| view! { <span class="badge warn">{crate::tr!(Msg::DatasetsAnsweredInBadge, language = lang_name(&r))}</span> })}
                                            {a.f.iter().map(|f| view! { <span class="badge warn">{crate::components::labels::flag_label(*f)}</span> }).collect_view()}
                                        })}
                                        {(!it.duplicates.is_empty()).then(|| view! { <span class="badge">{crate::tr!(Msg::DatasetsDuplicatesBadge, examples = it.duplicates.iter().map(|d| format!("#{d}")).collect::<Vec<_>>().join(", "))}</span> })}
                                    </p>
                                    {move || { let e = it.example.clone(); let full = open.get() == Some(idx); view! { <Conversation example=e compact=!full/> } }}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <div class="pager">
                        <button disabled=move || offset.get() == 0 on:click=move |_| offset.update(|o| *o = o.saturating_sub(20))>{t(Msg::DatasetsPrevious)}</button>
                        <button disabled=!more on:click=move |_| offset.update(|o| *o += 20)>{t(Msg::DatasetsNext)}</button>
                    </div>
                }.into_any()
            }
        }}
    }
}
