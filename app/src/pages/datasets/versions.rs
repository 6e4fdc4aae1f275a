//! A dataset's versions: how each was made, its size and profile, and its exports.

use leptos::prelude::*;
use polytune_api::{Dataset, DatasetVersion, Dedup, DeriveSpec, ProfileState, VersionOperation};

use crate::components::format::{bytes, thousands};
use crate::i18n::{Msg, t};

fn operation_text(v: &DatasetVersion, all: &[DatasetVersion]) -> String {
    if let VersionOperation::Import(imp) = &v.operation {
        let skipped = imp.skipped;
        return if skipped > 0 {
            crate::tr!(Msg::DatasetsMadeImportedSkipping, skipped = skipped)
        } else {
            t(Msg::DatasetsMadeImported).into()
        };
    }
    if let VersionOperation::Derive(d) = &v.operation {
        let parent = v.parent_id.as_ref().and_then(|p| all.iter().find(|x| &x.id == p)).map(|p| p.number);
        let spec: &DeriveSpec = &d.spec;
        let mut parts = Vec::new();
        if !spec.languages.is_empty() {
            parts.push(crate::tr!(Msg::DatasetsFilterLanguages, languages = spec.languages.join(", ")));
        }
        if let Some(m) = spec.min_chars {
            parts.push(crate::tr!(Msg::DatasetsFilterMinChars, chars = m));
        }
        if let Some(m) = spec.max_chars {
            parts.push(crate::tr!(Msg::DatasetsFilterMaxChars, chars = m));
        }
        if !spec.exclude_flags.is_empty() {
            parts.push(crate::tr!(
                Msg::DatasetsFilterWithout,
                flags = spec
                    .exclude_flags
                    .iter()
                    .map(|f| crate::components::labels::flag_label(*f))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        match spec.dedup {
            Dedup::KeepFirst => parts.push(t(Msg::DatasetsFilterKeepFirst).into()),
            Dedup::KeepLongest => parts.push(t(Msg::DatasetsFilterKeepLongest).into()),
            Dedup::None => {}
        }
        return crate::tr!(Msg::DatasetsMadeDerived, parent = parent.unwrap_or(0), changes = parts.join("; "));
    }
    String::new()
}

#[component]
pub(super) fn Versions(dataset: Dataset, chosen: RwSignal<Option<i64>>, current: Option<i64>) -> impl IntoView {
    let all = dataset.versions.clone();
    view! {
        {(!all.is_empty()).then(|| view! {
            <h2>{t(Msg::DatasetsVersions)}</h2>
            <table class="data versions">
                <thead><tr><th scope="col">{t(Msg::DatasetsColVersion)}</th><th scope="col">{t(Msg::DatasetsColExamples)}</th><th scope="col">{t(Msg::DatasetsColSize)}</th>
                    <th scope="col">{t(Msg::DatasetsColMadeBy)}</th><th scope="col">{t(Msg::DatasetsColProfile)}</th><th scope="col">{t(Msg::DatasetsColExport)}</th></tr></thead>
                <tbody>
                    {all.iter().map(|v| {
                        let n = v.number;
                        let base = format!("/api/v1/workspaces/{}/versions/{}/export", dataset.workspace_id, v.id);
                        view! {
                            <tr class:current=current == Some(n)>
                                <td><button class="link" aria-pressed=(current == Some(n)).to_string() on:click=move |_| chosen.set(Some(n))>{crate::tr!(Msg::DatasetsVersionNumber, number = n)}</button></td>
                                <td>{thousands(v.examples as u64)}</td>
                                <td>{bytes(v.bytes as f64)}</td>
                                <td>{operation_text(v, &all)}</td>
                                <td>{match v.profile.as_ref().map(|p| p.state) {
                                    Some(ProfileState::Ready) => t(Msg::DatasetsProfileStateReady),
                                    Some(ProfileState::Running) => t(Msg::DatasetsProfileStateRunning),
                                    Some(ProfileState::Failed) => t(Msg::DatasetsProfileStateFailed),
                                    None => "—",
                                }}</td>
                                <td><a href=format!("{base}?format=jsonl") download>"JSONL"</a>" · "<a href=format!("{base}?format=parquet") download>"Parquet"</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
