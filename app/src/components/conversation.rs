//! A conversation as it reads: the turns of an example, each in its own writing direction.

use leptos::prelude::*;
use polytune_api::{Example, TurnRole};

use crate::i18n::{Msg, t};

/// One bubble per turn, each in its own direction (Arabic and Hebrew right to left) via
/// `dir="auto"`; `compact` cuts long turns.
#[component]
pub fn Conversation(example: Example, #[prop(optional)] compact: bool) -> impl IntoView {
    let lang = example.language.clone();
    view! {
        <div class="conversation" class:compact=compact>
            {example.turns.into_iter().map(|turn| {
                let (class, who) = match turn.role {
                    TurnRole::System => ("turn system", t(Msg::CommonTurnSystem)),
                    TurnRole::User => ("turn user", t(Msg::CommonTurnUser)),
                    TurnRole::Assistant => ("turn assistant", t(Msg::CommonTurnAssistant)),
                };
                let text = if compact && turn.text.chars().count() > 240 {
                    format!("{}…", turn.text.chars().take(240).collect::<String>())
                } else { turn.text };
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
