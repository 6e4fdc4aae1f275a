//! What materializing made: examples per language, validation, and contamination with
//! evaluation sets.

use leptos::prelude::*;
use polytune_api::MixtureReport;
use polytune_api::lang::LangTag;

use crate::components::format::thousands;
use crate::components::lang::swatch;
use crate::i18n::{Msg, t};

#[component]
pub(super) fn ReportView(report: MixtureReport, drop: bool) -> impl IntoView {
    let mut langs: Vec<(String, polytune_api::MixtureLanguageReport)> = report.languages.clone().into_iter().collect();
    langs.sort_by(|a, b| (b.1.examples + b.1.augmented).cmp(&(a.1.examples + a.1.augmented)).then(a.0.cmp(&b.0)));
    let n = report.contaminated;
    let sentence = match (n, drop) {
        (0, _) => t(Msg::MixturesContaminationNone).to_string(),
        (n, true) => crate::tr!(Msg::MixturesContaminationDropped, count = n, shown = thousands(n)),
        (n, false) => crate::tr!(Msg::MixturesContaminationKept, count = n, shown = thousands(n)),
    };
    let examples = report.contaminated_examples.clone();
    view! {
        <section class="card mixture-report" aria-labelledby="report-title">
            <h2 id="report-title">{t(Msg::MixturesReportTitle)}</h2>
            <div class="stats">
                <div><span class="big">{thousands(report.train_examples)}</span>{t(Msg::MixturesStatTrainingExamples)}</div>
                <div><span class="big">{thousands(report.validation_examples)}</span>{t(Msg::MixturesStatValidationExamples)}</div>
                <div><span class="big">{langs.len()}</span>{t(Msg::MixturesStatLanguages)}</div>
                <div><span class="big">{crate::tr!(Msg::MixturesSeconds, seconds = format!("{:.1}", report.seconds))}</span>{t(Msg::MixturesStatToMake)}</div>
            </div>
            <p class="contamination" class:warning={n > 0}>{sentence}</p>
            {(!examples.is_empty()).then(|| view! {
                <details class="contaminated-examples">
                    <summary>{crate::tr!(Msg::MixturesContaminatedWhich, count = examples.len())}</summary>
                    <ul>{examples.into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}</ul>
                </details>
            })}
            <table class="data report-table">
                <caption class="sr-only">{t(Msg::MixturesReportCaption)}</caption>
                <thead><tr>
                    <th scope="col">{t(Msg::EvalLanguage)}</th>
                    <th scope="col" class="num">{t(Msg::MixturesColTrainingExamples)}</th>
                    <th scope="col" class="num">{t(Msg::MixturesColRepeats)}</th>
                    <th scope="col" class="num">{t(Msg::MixturesColAugmented)}</th>
                    <th scope="col" class="num">{t(Msg::MixturesColValidation)}</th>
                    <th scope="col" class="num">{t(Msg::MixturesColContaminated)}</th>
                </tr></thead>
                <tbody>
                    {langs.into_iter().map(|(l, r)| view! {
                        <tr data-lang=l.clone()>
                            <th scope="row">{swatch(&l)}<code>{l.clone()}</code>" "<bdi>{LangTag(l.clone()).display()}</bdi></th>
                            <td class="num">{thousands(r.examples)}</td>
                            <td class="num">{thousands(r.repeats)}</td>
                            <td class="num">{thousands(r.augmented)}</td>
                            <td class="num">{thousands(r.validation)}</td>
                            <td class="num" class:warn={r.contaminated > 0}>{thousands(r.contaminated)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
