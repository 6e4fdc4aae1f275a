//! A conversation as it reads: the turns of an example, each in its own writing direction.

use leptos::prelude::*;
use polytune_api::{Example, TurnRole};

/// One bubble per turn, each in its own direction (Arabic and Hebrew right to left) via
/// `dir="auto"`; `compact` cuts long turns.
#[component]
pub fn Conversation(example: Example, #[prop(optional)] compact: bool) -> impl IntoView {
    let lang = example.language.clone();
    view! {
        <div class="conversation" class:compact=compact>
            {example.turns.into_iter().map(|t| {
                let (class, who) = match t.role {
                    TurnRole::System => ("turn system", "System"),
                    TurnRole::User => ("turn user", "User"),
                    TurnRole::Assistant => ("turn assistant", "Assistant"),
                };
                let text = if compact && t.text.chars().count() > 240 {
                    format!("{}…", t.text.chars().take(240).collect::<String>())
                } else { t.text };
                view! {
                    <div class=class>
                        <span class="who">{who}</span>
                        <div class="text" dir="auto" lang=lang.clone()>{text}</div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
