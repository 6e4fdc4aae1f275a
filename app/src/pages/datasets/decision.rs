//! An import that found records it cannot read: what they are, and skipping them or cancelling.

use leptos::prelude::*;
use polytune_api::Dataset;

use crate::client;
use crate::components::format::thousands;
use crate::components::{ErrorBox, form};
use crate::i18n::{Msg, t};

/// Bad records were found: list them, and let the person skip them or cancel.
#[component]
pub(super) fn Decision(
    dataset: Dataset,
    can_edit: bool,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let report = dataset.report.clone().unwrap_or_default();
    let error = RwSignal::new(None);
    let base = format!("/workspaces/{}/datasets/{}", dataset.workspace_id, dataset.id);
    let skip = {
        let path = format!("{base}/skip-bad-records");
        move |_| {
            let path = path.clone();
            let request = async move { client::post::<_, Dataset>(&path, &serde_json::json!({})).await };
            form::send(None, error, request, move |_| on_done());
        }
    };
    let cancel = move |_| {
        let base = base.clone();
        form::send(None, error, async move { client::delete(&base).await }, move |()| on_done());
    };
    let listed = report.issues.len();
    view! {
        <div class="decision" role="group" aria-label=t(Msg::DatasetsDecisionLabel)>
            <p><strong>{crate::tr!(Msg::DatasetsBadRecords, bad = thousands(report.bad), records = thousands(report.records))}</strong>
               {t(Msg::DatasetsNothingImported)}</p>
            {report.fatal.clone().map(|f| view! { <p class="error">{f}</p> })}
            <ul class="issues">
                {report.issues.iter().map(|i| view! { <li><code>{i.location.clone()}</code>": "{i.message.clone()}</li> }).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <button class="primary" on:click=skip>{crate::tr!(Msg::DatasetsSkipBadRows, listed = listed)}</button>" "
                <button on:click=cancel>{t(Msg::DatasetsCancelImport)}</button>
            })}
            <ErrorBox error=error.read_only()/>
        </div>
    }
}
