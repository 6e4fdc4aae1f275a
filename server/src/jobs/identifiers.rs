//! `train_identifier`: the studio learns languages from a labeled dataset version. Every example
//! with a declared language gives its instruction as a text of that language (not its answer: in
//! translation data the answer is in another language); every tenth text per language is held out. The workspace's identifier is the default model (205
//! languages) merged with counts from this data — first from 90 %, measured on the held-out
//! tenth over all its languages, then from everything — stored as a blob. Profiles of a workspace
//! use its active identifier ([`detector_for`]).

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::sync::{Arc, LazyLock, Mutex};

use polytune_api::{
    Counters, Example, FieldError, IdentifierReport, LanguageAccuracy, Phase, TrainIdentifierJob,
    TrainIdentifierOutput, identifier_name, lang,
};
use polytune_data::langid::Detector;
use polytune_langid::ngram::{NgramModel, default, train_additions};

use super::toolkit::{Reporter, contained, db_failed, failed_storage, failed_write, version};
use super::{Cause, JobContext, JobEnv, JobError, Resources, Stage};
use crate::db::Scoped;

/// Texts shorter than this (in letters) teach nothing reliable and are skipped.
const MIN_LETTERS: usize = 10;
/// Languages need this many texts to be learned (and at least one held out).
const MIN_TEXTS: usize = 10;
/// Texts per language learned at most (memory stays bounded on large datasets).
const MAX_TEXTS: usize = 50_000;

pub async fn validate(db: &Scoped, p: &TrainIdentifierJob) -> Result<Resources, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !matches!(db.version(&p.version_id).await, Ok(Some(_))) {
        errors.push(FieldError::err(
            "payload.version_id",
            "version_not_found",
            &[],
            "the dataset version must exist in this workspace",
        ));
    }
    if !matches!(db.identifier(&p.identifier_id).await, Ok(Some(_))) {
        errors.push(FieldError::err(
            "payload.identifier_id",
            "identifier_not_found",
            &[],
            "the identifier must exist in this workspace",
        ));
    }
    if errors.is_empty() { Ok(Resources { max_attempts: 1, ..Resources::default() }) } else { Err(errors) }
}

/// The label a declared language is learned under: its FLORES label where the studio knows the
/// language (`sw` → `swh_Latn`), or the code itself when it looks like one (`gsw`, `xyz_Latn`).
fn label_of(code: &str) -> Option<String> {
    if let Some(f) = lang::flores(code) {
        return Some(f);
    }
    let (lang, script) = match code.split_once(['_', '-']) {
        Some((l, s)) => (l, Some(s)),
        None => (code, None),
    };
    let ok_lang = (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_lowercase());
    let ok_script = script.is_none_or(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()));
    (ok_lang && ok_script).then(|| match script {
        Some(s) => format!("{lang}_{}{}", s[..1].to_ascii_uppercase(), s[1..].to_ascii_lowercase()),
        None => lang.to_string(),
    })
}

pub async fn run(ctx: &JobContext, p: TrainIdentifierJob) -> Result<TrainIdentifierOutput, JobError> {
    let result = train_identifier(ctx, &p).await;
    if result.is_err() {
        let _ = ctx.db().fail_identifier(&p.identifier_id).await;
    }
    result
}

async fn train_identifier(ctx: &JobContext, p: &TrainIdentifierJob) -> Result<TrainIdentifierOutput, JobError> {
    let env = ctx.env();
    let version = version(ctx, &p.version_id).await?;
    let file = env.store.reader(&version.blob).map_err(failed_storage)?;
    let mut reporter = Reporter::new(ctx);
    let total = version.bytes.max(1) as f64;
    // Read the texts per language (a bad code is named with how many examples carry it).
    let read = contained(Stage::Reader, || -> Result<BTreeMap<String, Vec<String>>, Cause> {
        let mut by_label: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut bad: BTreeMap<String, u64> = BTreeMap::new();
        let mut undeclared = 0u64;
        let mut bytes = 0u64;
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| Cause::ExamplesUnreadable { error: e.to_string() })?;
            bytes += line.len() as u64 + 1;
            let Ok(e) = serde_json::from_str::<Example>(&line) else { continue };
            // A code the language table does not know is kept in `meta.language` by the import.
            let declared =
                e.language.clone().or_else(|| e.meta.get("language").and_then(|v| v.as_str()).map(str::to_string));
            let Some(code) = declared else {
                undeclared += 1;
                continue;
            };
            let Some(label) = label_of(code.trim()) else {
                *bad.entry(code).or_default() += 1;
                continue;
            };
            let text = e.instruction_text();
            let texts = by_label.entry(label).or_default();
            if texts.len() < MAX_TEXTS && text.chars().filter(|c| c.is_alphabetic()).count() >= MIN_LETTERS {
                texts.push(text);
            }
            if i % 1000 == 0
                && reporter.report(0.4 * bytes as f64 / total, Phase::Reading, Counters::default()).is_break()
            {
                // The reporter says why (cancelled, lease lost); this is never the answer.
                return Err(Cause::Stopped { stage: Stage::Reader });
            }
        }
        if !bad.is_empty() {
            let list: Vec<String> = bad.iter().map(|(c, n)| format!("\"{c}\" ({n} examples)")).collect();
            return Err(Cause::UnknownLanguageCodes { codes: list.join(", ") });
        }
        if by_label.is_empty() {
            return Err(Cause::NoDeclaredLanguage { undeclared });
        }
        let few: Vec<String> =
            by_label.iter().filter(|(_, t)| t.len() < MIN_TEXTS).map(|(l, t)| format!("{l} ({})", t.len())).collect();
        if !few.is_empty() {
            return Err(Cause::TooFewTexts { min: MIN_TEXTS, letters: MIN_LETTERS, languages: few.join(", ") });
        }
        Ok(by_label)
    });
    if let Some(stop) = reporter.stop.take() {
        return Err(stop);
    }
    let by_label = read?;
    let base = default::load();
    let notice = format!("{}\nWorkspace additions: dataset version {}.", base.notice, p.version_id);
    // Held-out measurement, then the final model from everything.
    let trained = contained(Stage::IdentifierTraining, || -> Result<(NgramModel, IdentifierReport), Cause> {
        let training = |e: polytune_langid::Error| Cause::IdentifierTraining { error: e.to_string() };
        let mut fit = Vec::new();
        let mut held = Vec::new();
        for (label, texts) in &by_label {
            for (i, t) in texts.iter().enumerate() {
                if i % 10 == 9 {
                    held.push((label.as_str(), t.as_str()))
                } else {
                    fit.push((label.as_str(), t.as_str()))
                }
            }
        }
        let settings = base.settings().clone();
        let (part, _) = train_additions(fit, settings.clone()).map_err(training)?;
        let trial = base.merged_with(&part, String::new()).map_err(training)?;
        // Measured through the same path profiles use (script shortcut, threshold → unknown).
        let trial = polytune_langid::Identifier::new(trial, None);
        let mut acc: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        let mut scratch = Vec::new();
        for (label, text) in &held {
            let e = acc.entry(label).or_default();
            e.0 += 1;
            if trial.identify_with(text, None, &mut scratch).label.as_deref() == Some(*label) {
                e.1 += 1;
            }
        }
        let all: Vec<(&str, &str)> =
            by_label.iter().flat_map(|(l, ts)| ts.iter().map(move |t| (l.as_str(), t.as_str()))).collect();
        let (whole, _) = train_additions(all, settings).map_err(training)?;
        let model = base.merged_with(&whole, notice).map_err(training)?;
        let report = IdentifierReport {
            trained: by_label.iter().map(|(l, t)| (l.clone(), t.len() as u64)).collect(),
            held_out: acc
                .into_iter()
                .map(|(l, (n, ok))| LanguageAccuracy { language: l.to_string(), held_out: n, correct: ok })
                .collect(),
            languages: model.labels().len() as u64,
        };
        Ok((model, report))
    })?;
    let (model, report) = trained;
    // The reporter writes through the runtime from blocking code only.
    if tokio::task::block_in_place(|| reporter.report(0.9, Phase::Training, Counters::default())).is_break() {
        return Err(reporter.stop.take().unwrap_or(JobError::Cancelled));
    }
    let mut w = env.store.writer().map_err(failed_write)?;
    std::io::Write::write_all(&mut w, &model.to_bytes()).map_err(failed_write)?;
    let (sha, _) = tokio::task::block_in_place(|| w.finish()).map_err(failed_write)?;
    ctx.db().finish_identifier(&p.identifier_id, &sha, &report).await.map_err(db_failed)?;
    Ok(TrainIdentifierOutput {
        identifier_id: p.identifier_id.clone(),
        languages: report.trained.len() as u64,
        held_out: report.held_out.iter().map(|a| a.held_out).sum(),
        correct: report.held_out.iter().map(|a| a.correct).sum(),
    })
}

/// Loaded workspace identifiers by (identifier, model blob): loading one takes a moment and
/// ~40 MB. Two identifiers trained on the same data have the same blob but not the same name.
static LOADED: LazyLock<Mutex<HashMap<(String, String), Arc<Detector>>>> = LazyLock::new(Default::default);

/// The identifier a workspace trained and uses, if any (else profiles use the default).
pub async fn workspace_detector(env: &JobEnv, db: &Scoped) -> Result<Option<Arc<Detector>>, JobError> {
    let Some((id, blob)) = db.active_identifier().await.map_err(db_failed)? else { return Ok(None) };
    let key = (id.clone(), blob.clone());
    if let Some(d) = LOADED.lock().expect("identifier cache").get(&key) {
        return Ok(Some(d.clone()));
    }
    let copy = env.store.local_copy(&blob).map_err(failed_storage)?;
    let detector = tokio::task::block_in_place(|| -> Result<Detector, JobError> {
        let bytes = std::fs::read(copy.path()).map_err(|e| Cause::IdentifierUnreadable { error: e.to_string() })?;
        let model = NgramModel::from_bytes(&bytes).map_err(|e| Cause::IdentifierDamaged { error: e.to_string() })?;
        Ok(Detector::new(model, &identifier_name(&id)))
    })?;
    let detector = Arc::new(detector);
    let mut cache = LOADED.lock().expect("identifier cache");
    if cache.len() >= 8 {
        cache.clear();
    }
    cache.insert(key, detector.clone());
    Ok(Some(detector))
}

#[cfg(test)]
mod tests {
    use super::label_of;

    #[test]
    fn labels_of_declared_languages() {
        assert_eq!(label_of("sw").as_deref(), Some("swh_Latn"));
        assert_eq!(label_of("deu").as_deref(), Some("deu_Latn"));
        assert_eq!(label_of("gsw").as_deref(), Some("gsw"));
        assert_eq!(label_of("xyz_latn").as_deref(), Some("xyz_Latn"));
        assert_eq!(label_of("Swiss German"), None);
        assert_eq!(label_of("12"), None);
    }
}
