//! Mixtures: the builder (how much of each language, augmentations, validation, contamination)
//! and a mixture's page (materializing, report, export, train on it).
//!
//! The builder never asks the server for its preview: every change runs [`polytune_api::plan`]
//! on the catalog's per-language aggregates, so the chart, the table and the messages are instant
//! and the same as the server's when the mixture is materialized.

mod builder;
mod list;
mod materialize;
mod page;
mod plan;
mod recipe;
mod report;

pub use list::MixturesSection;
pub use page::MixturePage;

use leptos::prelude::*;
use polytune_api::{MixtureState, SourceFacts};

use crate::i18n::{Msg, t};

/// "Numbers v2": a dataset version as the builder and the recipe name it.
fn source_label(s: &SourceFacts) -> String {
    crate::tr!(Msg::MixturesSourceLabel, dataset = s.dataset_name.as_str(), number = s.number)
}

fn state_word(s: MixtureState) -> (&'static str, &'static str) {
    match s {
        MixtureState::Materializing => (t(Msg::MixturesStateMaterializing), "state-running"),
        MixtureState::Ready => (t(Msg::MixturesStateReady), "state-succeeded"),
        MixtureState::Failed => (t(Msg::MixturesStateFailed), "state-failed"),
    }
}

fn mixture_badge(s: MixtureState) -> impl IntoView {
    let (word, class) = state_word(s);
    view! { <span class=format!("badge mixture-state {class}")>{word}</span> }
}
