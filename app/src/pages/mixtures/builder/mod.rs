//! The mixture builder: choose the data, say how much of each language, add augmentations, and
//! see the plan update as you type; Materialize sends it.

mod augmentations;
mod limits;
mod preview;
mod shares;
mod sources;
mod state;

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use polytune_api::{CreateMixture, FieldError, Mixture, MixtureSpec, Validate, plan};

use self::augmentations::Augmentations;
use self::limits::{Advanced, Limits};
use self::preview::Preview;
use self::shares::LanguageShares;
use self::sources::SourcesPicker;
use self::state::{Errors, Form, WorkspaceCatalog, err_line, invalid_attr, with_sources};
use crate::client::{self, ApiFailure, invalid};
use crate::components::Loading;
use crate::i18n::{Msg, t};

/// What the builder starts from: empty, or a copy of a mixture's recipe.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BuilderInit {
    pub(super) title: String,
    pub(super) name: String,
    pub(super) spec: Option<MixtureSpec>,
}

#[component]
pub(super) fn Builder(
    ws: String,
    init: BuilderInit,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let workspace = WorkspaceCatalog::load(ws);
    let WorkspaceCatalog { ws, catalog, .. } = workspace;
    let form = Form::new();
    if let Some(spec) = &init.spec {
        form.load(spec);
    }
    let name = RwSignal::new(init.name.clone());

    // Languages of the chosen versions: (code, examples, tokens), most examples first.
    let langs = Memo::new(move |_| {
        let chosen = form.sources.get();
        with_sources(catalog, |sources| {
            let mut m: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            for s in sources.iter().filter(|s| chosen.iter().any(|c| *c == s.version_id) && s.profiled && !s.evaluation)
            {
                for l in &s.languages {
                    let e = m.entry(l.language.clone()).or_default();
                    e.0 += l.examples;
                    e.1 += l.tokens;
                }
            }
            let mut v: Vec<(String, u64, u64)> = m.into_iter().map(|(l, (n, t))| (l, n, t)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        })
        .unwrap_or_default()
    });
    let present = Memo::new(move |_| langs.with(|v| v.iter().map(|l| l.0.clone()).collect::<BTreeSet<_>>()));
    let built = Memo::new(move |_| form.build(&present.get()));
    let plan_res = Memo::new(move |_| {
        let (spec, mut parse_errors) = built.get();
        match with_sources(catalog, |s| plan(&spec, s)) {
            None => Err(Vec::new()),
            Some(Ok(p)) if parse_errors.is_empty() => Ok(p),
            Some(Ok(_)) => Err(parse_errors),
            Some(Err(mut e)) => {
                parse_errors.append(&mut e);
                Err(parse_errors)
            }
        }
    });
    let local = Memo::new(move |_| plan_res.with(|r| r.as_ref().err().cloned().unwrap_or_default()));
    let server = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let errors = Errors { local, server };
    // The server's messages are about the spec it was sent: any change makes them stale.
    Effect::new(move |first: Option<()>| {
        built.track();
        name.track();
        if first.is_some() {
            server.set(Vec::new());
            failure.set(None);
        }
    });

    // Materialize.
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let materialize = move |_| {
        let (spec, _) = built.get_untracked();
        let req = CreateMixture { name: name.get_untracked().trim().to_string(), spec };
        let problems = req.validate();
        if !problems.is_empty() {
            server.set(problems.clone());
            failure.set(Some(invalid(problems)));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let ws_id = ws.get_value();
        leptos::task::spawn_local(async move {
            let r = client::post::<_, Mixture>(&format!("/workspaces/{ws_id}/mixtures"), &req).await;
            busy.try_set(false);
            match r {
                Ok(m) => navigate(&format!("/workspaces/{ws_id}/mixtures/{}", m.id), Default::default()),
                Err(e) => {
                    if let ApiFailure::Problem(p) = &e {
                        server.try_set(
                            p.errors
                                .iter()
                                .map(|f| {
                                    FieldError::new(f.path.strip_prefix("spec.").unwrap_or(&f.path), f.message.clone())
                                })
                                .collect(),
                        );
                    }
                    failure.try_set(Some(e));
                }
            }
        });
    };

    let title = init.title.clone();
    view! {
        <section class="card mixture-builder" aria-labelledby="builder-title">
            <div class="builder-head">
                <h2 id="builder-title">{title}</h2>
                <button type="button" class="link subtle" on:click=move |_| on_close()>{t(Msg::BuilderClose)}</button>
            </div>
            <p class="muted">{t(Msg::BuilderIntro)}</p>
            {move || catalog.with(|c| match c {
                None => Some(view! { <Loading/> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message()}</p> }.into_any()),
                Some(Ok(_)) => None,
            })}
            <div class="builder-layout">
                <div class="builder-form">
                    <SourcesPicker workspace=workspace form=form errors=errors/>
                    <LanguageShares form=form catalog=catalog langs=langs present=present built=built errors=errors/>
                    <Limits form=form langs=langs errors=errors/>
                    <Augmentations workspace=workspace form=form errors=errors/>
                    <Advanced form=form errors=errors/>
                </div>

                <Preview catalog=catalog built=built plan_res=plan_res errors=errors/>
            </div>

            <div class="materialize-row">
                <div class="field">
                    <label for="mixture-name">{t(Msg::ColName)}</label>
                    <input id="mixture-name" dir="auto" aria-describedby="mixture-name-error"
                        aria-invalid=invalid_attr(errors, "name".into())
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    {err_line(errors, "mixture-name-error".into(), || "name".to_string())}
                </div>
                <button id="mixture-materialize" class="primary" type="button"
                    disabled=move || busy.get() || plan_res.with(|r| r.is_err())
                    on:click=materialize>
                    {move || if busy.get() { t(Msg::BuilderStarting) } else { t(Msg::BuilderMaterialize) }}
                </button>
                <p class="hint">{t(Msg::BuilderMaterializeHint)}</p>
            </div>
            {move || failure.get().map(|e| view! { <p class="error" role="alert">{e.message()}</p> })}
        </section>
    }
}
