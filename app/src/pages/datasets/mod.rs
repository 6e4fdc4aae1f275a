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

fn state_text(s: DatasetState) -> &'static str {
    match s {
        DatasetState::Importing => "importing",
        DatasetState::NeedsDecision => "needs your decision",
        DatasetState::Ready => "ready",
        DatasetState::Failed => "failed",
    }
}
