//! `/workspaces/:id/mixtures/:mixture_id`: one mixture — materializing or why it failed, its
//! report, exports, plan and recipe, and training on it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use polytune_api::{Job, JobState, Mixture, MixtureCatalog, MixtureState, Role, SourceFacts, Workspace};

use super::materialize::MaterializeProgress;
use super::mixture_badge;
use super::plan::PlanView;
use super::recipe::Recipe;
use super::report::ReportView;
use crate::client;
use crate::components::{Loading, NotFound, RequireSignIn, format_time};
use crate::i18n::{Msg, t};

/// `/workspaces/:id/mixtures/:mixture_id`
#[component]
pub fn MixturePage() -> impl IntoView {
    let params = use_params_map();
    let ws_id = StoredValue::new(params.read_untracked().get("id").unwrap_or_default());
    let mixture_id = StoredValue::new(params.read_untracked().get("mixture_id").unwrap_or_default());
    let tick = RwSignal::new(0u32);
    let mixture = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/mixtures/{}", ws_id.get_value(), mixture_id.get_value());
        async move { client::get::<Mixture>(&path).await }
    });
    let catalog = LocalResource::new(move || {
        tick.track();
        let path = format!("/workspaces/{}/mixtures/catalog", ws_id.get_value());
        async move { client::get::<MixtureCatalog>(&path).await }
    });
    let role = RwSignal::new(Role::Viewer);
    leptos::task::spawn_local(async move {
        if let Ok(w) = client::get::<Workspace>(&format!("/workspaces/{}", ws_id.get_value())).await {
            role.try_set(if w.archived { Role::Viewer } else { w.role });
        }
    });
    let on_finish = move || tick.update(|t| *t += 1);
    view! {
        <RequireSignIn/>
        {move || match mixture.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(_)) => view! { <NotFound/> }.into_any(),
            Some(Ok(m)) => {
                let sources = Signal::derive(move || catalog.get().and_then(|r| r.ok()).map(|c| c.sources).unwrap_or_default());
                view! { <MixtureView m=m sources=sources role=role on_finish=on_finish/> }.into_any()
            }
        }}
    }
}

#[component]
fn MixtureView(
    m: Mixture,
    sources: Signal<Vec<SourceFacts>>,
    role: RwSignal<Role>,
    on_finish: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ws = m.workspace_id.clone();
    let back = format!("/workspaces/{ws}/mixtures");
    let duplicate = format!("/workspaces/{ws}/mixtures?from={}", m.id);
    let train = format!("/workspaces/{ws}/runs/new?mixture={}", m.id);
    let export = |v: &str, f: &str| format!("/api/v1/workspaces/{ws}/versions/{v}/export?format={f}");
    let can_edit = move || role.get() >= Role::Editor;
    view! {
        <p><A href=back>{t(Msg::MixturesBack)}</A></p>
        <h1>{m.name.clone()}" "{mixture_badge(m.state)}</h1>
        <p class="muted">{crate::tr!(Msg::MixturesMadeAt, time = format_time(m.created_at))}</p>
        {match m.state {
            MixtureState::Materializing => view! {
                <MaterializeProgress ws=ws.to_string() job_id=m.job_id.to_string() can_edit=Signal::derive(can_edit) on_finish=on_finish/>
            }.into_any(),
            MixtureState::Failed => view! {
                <FailedBox ws=ws.to_string() job_id=m.job_id.to_string()/>
                <div class="actions">
                    <A href=duplicate.clone() attr:class="button primary duplicate-mixture">{t(Msg::MixturesDuplicate)}</A>
                </div>
            }.into_any(),
            MixtureState::Ready => view! {
                <div class="actions mixture-actions">
                    <A href=train attr:class="button primary train-on-mixture">{t(Msg::MixturesTrain)}</A>
                    {move || can_edit().then(|| view! { <A href=duplicate.clone() attr:class="button duplicate-mixture">{t(Msg::MixturesDuplicate)}</A> })}
                </div>
                {m.version_id.clone().map(|v| view! {
                    <p class="exports">
                        {t(Msg::MixturesExportTraining)}
                        <a class="export-jsonl" href=export(&v, "jsonl") download="">{t(Msg::MixturesExportJsonl)}</a>
                        " · "
                        <a class="export-parquet" href=export(&v, "parquet") download="">{t(Msg::MixturesExportParquet)}</a>
                        {m.validation_version_id.clone().map(|vv| view! {
                            {t(Msg::MixturesExportValidation)}
                            <a class="export-validation-jsonl" href=export(&vv, "jsonl") download="">{t(Msg::MixturesExportJsonl)}</a>
                            " · "
                            <a class="export-validation-parquet" href=export(&vv, "parquet") download="">{t(Msg::MixturesExportParquet)}</a>
                        })}
                    </p>
                })}
            }.into_any(),
        }}
        {m.report.clone().map(|r| view! { <ReportView report=r drop=m.spec.drop_contaminated/> })}
        <section class="card" aria-labelledby="plan-title">
            <h2 id="plan-title">{if m.state == MixtureState::Ready { t(Msg::MixturesSharesTitle) } else { t(Msg::MixturesPlannedSharesTitle) }}</h2>
            <PlanView plan=m.plan.clone()/>
        </section>
        <Recipe spec=m.spec.clone() ws=ws.to_string() sources=sources/>
    }
}

/// Why materializing stopped, in plain words.
#[component]
fn FailedBox(ws: String, job_id: String) -> impl IntoView {
    let path = format!("/workspaces/{ws}/jobs/{job_id}");
    let job = LocalResource::new(move || {
        let path = path.clone();
        async move { client::get::<Job>(&path).await }
    });
    let href = format!("/workspaces/{ws}/jobs/{job_id}");
    view! {
        <div class="error mixture-failed" role="alert">
            {move || match job.get() {
                None => view! { <p>{t(Msg::MixturesFailedUnknown)}</p> }.into_any(),
                Some(Err(_)) => view! { <p>{t(Msg::MixturesFailedUnreadable)}</p> }.into_any(),
                Some(Ok(j)) if j.state == JobState::Cancelled => view! { <p>{t(Msg::MixturesFailedCancelled)}</p> }.into_any(),
                Some(Ok(j)) => view! {
                    <p><strong>{t(Msg::MixturesFailedLabel)}</strong>{j.error.clone().unwrap_or_else(|| t(Msg::MixturesFailedNoReason).into())}</p>
                }.into_any(),
            }}
            <p><A href=href>{t(Msg::MixturesJobDetailsLog)}</A></p>
        </div>
    }
}
