//! Datasets: drop files in, correct how they are read, import, and see each language in them —
//! the profile (charts and a per-language table), the examples as conversations, derived
//! versions and exports.

mod decision;
mod derive;
mod duplicates;
mod examples;
mod import;
mod languages;
mod list;
mod mapping;
mod page;
mod profile;
mod versions;

pub use list::DatasetsSection;
pub use page::DatasetPage;

use polytune_api::DatasetState;

use crate::i18n::{Msg, t};

fn state_text(s: DatasetState) -> &'static str {
    match s {
        DatasetState::Importing => t(Msg::DatasetsStateImporting),
        DatasetState::NeedsDecision => t(Msg::DatasetsStateNeedsDecision),
        DatasetState::Ready => t(Msg::DatasetsStateReady),
        DatasetState::Failed => t(Msg::DatasetsStateFailed),
    }
}
