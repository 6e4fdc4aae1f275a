//! What materializing made: examples per language, validation, and contamination with
//! evaluation sets.

use leptos::prelude::*;
use polytune_api::MixtureReport;
use polytune_api::lang::LangTag;

use crate::components::format::thousands;
use crate::components::lang::swatch;

#[component]
pub(super) fn ReportView(report: MixtureReport, drop: bool) -> impl IntoView {
    let mut langs: Vec<(String, polytune_api::MixtureLanguageReport)> = report.languages.clone().into_iter().collect();
    langs.sort_by(|a, b| (b.1.examples + b.1.augmented).cmp(&(a.1.examples + a.1.augmented)).then(a.0.cmp(&b.0)));
    let n = report.contaminated;
    let sentence = match (n, drop) {
        (0, _) => "No training example was found in an evaluation set.".to_string(),
        (1, true) => "1 example was found in an evaluation set and left out.".to_string(),
        (n, true) => format!("{} examples were found in an evaluation set and left out.", thousands(n)),
        (1, false) => {
            "1 example was found in an evaluation set and kept (leaving such examples out was turned off).".to_string()
        }
        (n, false) => format!(
            "{} examples were found in an evaluation set and kept (leaving such examples out was turned off).",
            thousands(n)
        ),
    };
    let examples = report.contaminated_examples.clone();
    view! {
        <section class="card mixture-report" aria-labelledby="report-title">
            <h2 id="report-title">"What was made"</h2>
            <div class="stats">
                <div><span class="big">{thousands(report.train_examples)}</span>" training examples"</div>
                <div><span class="big">{thousands(report.validation_examples)}</span>" validation examples"</div>
                <div><span class="big">{langs.len()}</span>" languages"</div>
                <div><span class="big">{format!("{:.1} s", report.seconds)}</span>" to make"</div>
            </div>
            <p class="contamination" class:warning={n > 0}>{sentence}</p>
            {(!examples.is_empty()).then(|| view! {
                <details class="contaminated-examples">
                    <summary>{format!("Which ones ({} shown)", examples.len())}</summary>
                    <ul>{examples.into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}</ul>
                </details>
            })}
            <table class="data report-table">
                <caption class="sr-only">"Per language: what was written"</caption>
                <thead><tr>
                    <th scope="col">"Language"</th>
                    <th scope="col" class="num">"Training examples"</th>
                    <th scope="col" class="num">"of which repeats"</th>
                    <th scope="col" class="num">"Augmented"</th>
                    <th scope="col" class="num">"Validation"</th>
                    <th scope="col" class="num">"Found in evaluation sets"</th>
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
