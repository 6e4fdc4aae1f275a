//! Runs: the list, the wizard that launches one, a run's live page, and comparing runs.

mod compare;
mod list;
mod page;
mod points;
mod view;
mod wizard;

pub use compare::RunCompare;
pub use list::RunsSection;
pub use page::RunPage;
pub use wizard::RunWizard;

use std::collections::BTreeMap;

use polytune_api::Dataset;

use crate::i18n::Msg;

/// Every dataset version by id: its label ("Numbers v2") and its number of examples.
fn version_labels(datasets: &[Dataset]) -> BTreeMap<String, (String, u64)> {
    datasets
        .iter()
        .flat_map(|d| {
            d.versions.iter().map(move |v| {
                let label = crate::tr!(Msg::RunsDatasetVersion, dataset = d.name.as_str(), number = v.number);
                (v.id.to_string(), (label, v.examples.max(0) as u64))
            })
        })
        .collect()
}
