//! Groups of duplicate examples in a profile, opened side by side.

use leptos::prelude::*;
use polytune_api::{ExampleItem, Profile};

use crate::client;
use crate::components::conversation::Conversation;
use crate::i18n::{Msg, t};

#[component]
pub(super) fn Duplicates(ws: String, version: String, p: Profile) -> impl IntoView {
    let groups: Vec<(Msg, Vec<u64>)> = p
        .exact_groups
        .iter()
        .take(10)
        .map(|g| (Msg::DatasetsGroupExact, g.clone()))
        .chain(p.near_groups.iter().take(10).map(|g| (Msg::DatasetsGroupNear, g.clone())))
        .collect();
    let shown = RwSignal::new(None::<Vec<ExampleItem>>);
    let ws = StoredValue::new(ws);
    let version = StoredValue::new(version);
    view! {
        {(!groups.is_empty()).then(|| view! {
            <h2>{t(Msg::DatasetsDuplicates)}</h2>
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
                    view! { <li><button class="link" on:click=open>{crate::tr!(kind, examples = g.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", "))}</button></li> }
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
