//! The built-in tasks: their data (embedded from `eval/data`, see its README for sources and
//! licenses), prompt templates and metrics.

use std::collections::BTreeMap;

use polytune_api::{EvalMetric, EvalTask, EvalTaskKind, lang};
use serde::{Deserialize, Serialize};

use crate::EvalError;

/// One thing to ask a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The item's id; the same id in every language for parallel sets.
    pub id: String,
    /// Canonical language code.
    pub language: String,
    /// The context (multiple choice) or the prompt (generation).
    pub prompt: String,
    /// Multiple choice: the choices as the person reads them (the continuation is
    /// [`TARGET_DELIMITER`] + choice).
    pub choices: Vec<String>,
    pub gold: Option<Gold>,
    /// Generation stops when the text ends with one of these.
    #[serde(default)]
    pub stop: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gold {
    /// The index of the right choice.
    Choice(usize),
    /// The numeric answer, as written in the data.
    Number(String),
    /// Accepted answers in words (any one is right).
    Answers(Vec<String>),
}

impl Gold {
    pub fn text(&self, choices: &[String]) -> String {
        match self {
            Gold::Choice(i) => choices.get(*i).cloned().unwrap_or_default(),
            Gold::Number(n) => n.clone(),
            Gold::Answers(a) => a.join(" | "),
        }
    }
}

/// The metrics a kind of task reports (`numeric`: generation whose answers are numbers).
pub fn metrics(kind: EvalTaskKind, numeric: bool) -> Vec<EvalMetric> {
    let m = |code: &str, about: &str| EvalMetric { code: code.into(), about: about.into() };
    match (kind, numeric) {
        (EvalTaskKind::MultipleChoice, _) => vec![
            m("acc", "the most likely choice is the right one"),
            m("acc_norm", "the same, each choice's log-likelihood divided by its length in characters"),
            m("acc_bytes", "the same, divided by its length in UTF-8 bytes (comparable across scripts)"),
        ],
        (EvalTaskKind::Generation, true) => vec![
            m("exact_flexible", "the last number in the answer is the right one (lm-evaluation-harness's flexible-extract)"),
            m("exact_strict", "the answer's first line is the right number and nothing else (lm-evaluation-harness's strict match)"),
            m("in_language", "the answer is in the question's language"),
        ],
        (EvalTaskKind::Generation, false) => vec![
            m("exact", "the answer's first line is one of the accepted answers (case and punctuation aside)"),
            m("contains", "the answer contains one of the accepted answers (case and punctuation aside)"),
            m("in_language", "the answer is in the question's language"),
        ],
        (EvalTaskKind::Fidelity, _) => vec![
            m("in_language", "the answer is identified as the prompt's language"),
            m("lines_pass", "every line of five words or more is in the prompt's language (unsure counts as a miss)"),
            m("words_pass", "no English words leak in (Arabic, Hindi, Japanese, Korean, Russian and Chinese only)"),
        ],
    }
}

/// Put between a multiple-choice context and each choice (as lm-evaluation-harness does).
pub const TARGET_DELIMITER: &str = " ";

/// A built-in task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Xcopa,
    Sib200,
    Mgsm,
    Fidelity,
}

type Files = &'static [(&'static str, &'static str)];

macro_rules! files {
    ($dir:literal, $ext:literal, [$($name:literal),* $(,)?]) => {
        &[$(($name, include_str!(concat!("../data/", $dir, "/", $name, ".", $ext))),)*]
    };
}

const XCOPA: Files = files!("xcopa", "jsonl", ["et", "ht", "id", "it", "qu", "sw", "ta", "th", "tr", "vi", "zh"]);
const MGSM: Files = files!("mgsm", "tsv", ["bn", "de", "en", "es", "fr", "ja", "ru", "sw", "te", "th", "zh"]);
const SIB200: Files = files!(
    "sib200",
    "tsv",
    [
        "amh_Ethi", "arb_Arab", "ben_Beng", "deu_Latn", "eng_Latn", "eus_Latn", "fin_Latn", "fra_Latn", "hin_Deva",
        "ind_Latn", "jpn_Jpan", "kaz_Cyrl", "kor_Hang", "ltz_Latn", "quy_Latn", "rus_Cyrl", "spa_Latn", "swh_Latn",
        "tel_Telu", "tha_Thai", "tur_Latn", "vie_Latn", "yor_Latn", "zho_Hans",
    ]
);
const FIDELITY: Files = files!(
    "fidelity",
    "jsonl",
    ["ben", "deu", "fra", "guj", "hin", "ita", "jpn", "nld", "por", "spa", "tam", "tha", "urd"]
);

/// SIB-200's seven topics, in the order its annotation uses them.
pub const SIB_TOPICS: [&str; 7] =
    ["science/technology", "travel", "politics", "sports", "health", "entertainment", "geography"];

/// The canonical code of a data file's language name (`sw`, `swh_Latn`, `deu`).
fn canonical(name: &str) -> String {
    lang::parse(name).map_or_else(|| name.to_string(), |t| t.code().to_string())
}

impl Task {
    pub const ALL: [Task; 4] = [Task::Xcopa, Task::Sib200, Task::Mgsm, Task::Fidelity];

    pub fn id(self) -> &'static str {
        match self {
            Task::Xcopa => "xcopa",
            Task::Sib200 => "sib200",
            Task::Mgsm => "mgsm",
            Task::Fidelity => "fidelity",
        }
    }

    pub fn parse(id: &str) -> Result<Task, EvalError> {
        Task::ALL.into_iter().find(|t| t.id() == id).ok_or_else(|| EvalError::UnknownTask(id.to_string()))
    }

    pub fn kind(self) -> EvalTaskKind {
        match self {
            Task::Xcopa | Task::Sib200 => EvalTaskKind::MultipleChoice,
            Task::Mgsm => EvalTaskKind::Generation,
            Task::Fidelity => EvalTaskKind::Fidelity,
        }
    }

    /// Bumped whenever items, template or scoring change.
    pub fn version(self) -> u32 {
        match self {
            // 2: answers extracted and matched as lm-evaluation-harness's mgsm_direct filters do.
            Task::Mgsm => 2,
            _ => 1,
        }
    }

    /// Whether prompts go through the model's chat template (fidelity asks as a person would;
    /// the benchmarks are scored as lm-evaluation-harness scores them, without one).
    pub fn chat_template(self) -> bool {
        matches!(self, Task::Fidelity)
    }

    /// Tokens generated per item, for the quick and the full preset.
    pub fn max_new_tokens(self, quick: bool) -> usize {
        match (self, quick) {
            (Task::Xcopa | Task::Sib200, _) => 0,
            (Task::Mgsm, true) => 96,
            (Task::Mgsm, false) => 256,
            (Task::Fidelity, true) => 48,
            (Task::Fidelity, false) => 128,
        }
    }

    /// Choices per item (0 for generation tasks).
    pub fn choices(self) -> usize {
        match self {
            Task::Xcopa => 2,
            Task::Sib200 => SIB_TOPICS.len(),
            Task::Mgsm | Task::Fidelity => 0,
        }
    }

    /// Items per language in the quick preset: enough to see a large effect, and every built-in
    /// task together under ten minutes for a 135M model on a 2-core CPU (BENCHMARKS.md).
    pub fn quick_limit(self) -> usize {
        match self {
            Task::Xcopa => 30,
            // Seven choices in 24 languages: the costliest.
            Task::Sib200 => 20,
            // Generation: MGSM ~1.7 s an answer, fidelity ~2.9 s (long prompts) on the f32 model.
            Task::Mgsm => 6,
            Task::Fidelity => 4,
        }
    }

    fn files(self) -> Files {
        match self {
            Task::Xcopa => XCOPA,
            Task::Sib200 => SIB200,
            Task::Mgsm => MGSM,
            Task::Fidelity => FIDELITY,
        }
    }

    /// Canonical language codes, in the data's order.
    pub fn languages(self) -> Vec<String> {
        self.files().iter().map(|(name, _)| canonical(name)).collect()
    }

    pub fn metrics(self) -> Vec<EvalMetric> {
        metrics(self.kind(), true)
    }

    pub fn name(self) -> &'static str {
        match self {
            Task::Xcopa => "XCOPA — causal reasoning",
            Task::Sib200 => "SIB-200 — topic of a sentence",
            Task::Mgsm => "MGSM — grade-school math",
            Task::Fidelity => "Language fidelity — does it answer in the prompt's language?",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            Task::Xcopa => {
                "Which of two sentences is the cause (or effect) of a premise, in 11 languages; chosen by log-likelihood."
            }
            Task::Sib200 => {
                "Which of seven topics a news sentence is about, the same 99 sentences in 24 languages; chosen by log-likelihood."
            }
            Task::Mgsm => {
                "The same 250 math word problems in 11 languages; the model writes an answer and the number is read from it."
            }
            Task::Fidelity => {
                "Open questions from multilingual MT-Bench in 13 languages, asked through the chat template; the answer's language is identified."
            }
        }
    }

    pub fn source(self) -> &'static str {
        match self {
            Task::Xcopa => "XCOPA validation (cambridgeltl/xcopa), CC BY 4.0",
            Task::Sib200 => "SIB-200 dev (dadelani/sib-200), CC BY-SA 4.0",
            Task::Mgsm => "MGSM (google-research/url-nlp), CC BY 4.0",
            Task::Fidelity => "multilingual MT-Bench first turns (ServiceNow/FastChat), Apache-2.0",
        }
    }

    /// The catalog entry the app shows.
    pub fn info(self) -> EvalTask {
        let languages: BTreeMap<String, usize> = self
            .files()
            .iter()
            .map(|(name, text)| (canonical(name), text.lines().filter(|l| !l.trim().is_empty()).count()))
            .map(|(l, n)| (l, if self == Task::Sib200 { n.saturating_sub(1) } else { n }))
            .collect();
        EvalTask {
            id: self.id().into(),
            name: self.name().into(),
            kind: self.kind(),
            version: self.version(),
            about: self.about().into(),
            languages,
            metrics: self.metrics(),
            quick_limit: self.quick_limit(),
            max_new_tokens: self.max_new_tokens(true),
            full_max_new_tokens: self.max_new_tokens(false),
            choices: self.choices(),
            chat_template: self.chat_template(),
            source: self.source().into(),
            from_file: false,
        }
    }

    /// The texts of every item as the data has them (premises and choices, sentences, questions,
    /// prompts), before any template: what training data must not contain.
    pub fn texts(self) -> Vec<String> {
        let mut out = Vec::new();
        for (_, text) in self.files() {
            let lines = text.lines().filter(|l| !l.trim().is_empty()).skip(usize::from(self == Task::Sib200));
            for line in lines {
                match self {
                    Task::Xcopa => {
                        if let Ok(r) = serde_json::from_str::<XcopaRow>(line) {
                            out.extend([r.premise, r.choice1, r.choice2]);
                        }
                    }
                    Task::Sib200 => out.extend(line.splitn(3, '\t').nth(2).map(|t| t.trim().to_string())),
                    Task::Mgsm => out.extend(line.rsplit_once('\t').map(|(q, _)| q.trim().to_string())),
                    Task::Fidelity => {
                        if let Ok(r) = serde_json::from_str::<FidelityRow>(line) {
                            out.push(r.prompt);
                        }
                    }
                }
            }
        }
        out
    }

    /// The first `limit` items (all when None) in `language` (a canonical code).
    pub fn items(self, language: &str, limit: Option<usize>) -> Result<Vec<Item>, EvalError> {
        let (name, text) = self
            .files()
            .iter()
            .find(|(name, _)| canonical(name) == language)
            .ok_or_else(|| EvalError::NoLanguage { task: self.id().into(), language: language.into() })?;
        let file = format!("{}/{name}", self.id());
        let limit = limit.unwrap_or(usize::MAX);
        let mut items = Vec::new();
        let lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        // SIB-200 files start with a header.
        let lines = lines.skip(usize::from(self == Task::Sib200));
        for (i, line) in lines {
            if items.len() >= limit {
                break;
            }
            let bad = |message: String| EvalError::Data { file: file.clone(), line: i + 1, message };
            items.push(match self {
                Task::Xcopa => xcopa_item(name, language, line).map_err(bad)?,
                Task::Sib200 => sib_item(language, line).map_err(bad)?,
                Task::Mgsm => mgsm_item(name, language, items.len(), line).map_err(bad)?,
                Task::Fidelity => fidelity_item(language, line).map_err(bad)?,
            });
        }
        Ok(items)
    }
}

#[derive(Deserialize)]
struct XcopaRow {
    premise: String,
    choice1: String,
    choice2: String,
    question: String,
    label: usize,
    idx: u64,
}

/// "because" / "therefore" in each XCOPA language, joining the premise to a choice.
fn xcopa_connector(lang: &str, cause: bool) -> Option<&'static str> {
    let (c, e) = match lang {
        "et" => ("sest", "seetõttu"),
        "ht" => ("poukisa", "donk sa"),
        "id" => ("karena", "maka"),
        "it" => ("perché", "quindi"),
        "qu" => ("imataq", "chaymi"),
        "sw" => ("kwa sababu", "kwa hiyo"),
        "ta" => ("காரணமாக", "எனவே"),
        "th" => ("เพราะ", "ดังนั้น"),
        "tr" => ("çünkü", "bu yüzden"),
        "vi" => ("bởi vì", "vì vậy"),
        "zh" => ("因为", "所以"),
        _ => return None,
    };
    Some(if cause { c } else { e })
}

/// A choice continuing a sentence: its first letter in lower case.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn xcopa_item(file_lang: &str, language: &str, line: &str) -> Result<Item, String> {
    let r: XcopaRow = serde_json::from_str(line).map_err(|e| format!("not an XCOPA row: {e}"))?;
    let cause = match r.question.as_str() {
        "cause" => true,
        "effect" => false,
        other => return Err(format!("question is '{other}', expected cause or effect")),
    };
    if r.label > 1 {
        return Err(format!("label {} is not 0 or 1", r.label));
    }
    let connector = xcopa_connector(file_lang, cause).ok_or_else(|| format!("no connector for {file_lang}"))?;
    // The premise without its final punctuation, then the connector (as lm-evaluation-harness).
    let premise = r.premise.trim();
    let premise: String = {
        let mut c = premise.chars();
        c.next_back();
        c.as_str().to_string()
    };
    Ok(Item {
        id: r.idx.to_string(),
        language: language.into(),
        prompt: format!("{premise} {connector}"),
        choices: vec![lower_first(&r.choice1), lower_first(&r.choice2)],
        gold: Some(Gold::Choice(r.label)),
        stop: Vec::new(),
    })
}

fn sib_item(language: &str, line: &str) -> Result<Item, String> {
    let mut cols = line.splitn(3, '\t');
    let (Some(id), Some(category), Some(text)) = (cols.next(), cols.next(), cols.next()) else {
        return Err("expected index_id, category and text separated by tabs".into());
    };
    let gold = SIB_TOPICS.iter().position(|t| *t == category).ok_or_else(|| format!("unknown topic '{category}'"))?;
    Ok(Item {
        id: id.trim().into(),
        language: language.into(),
        prompt: format!("{}\nTopic:", text.trim()),
        choices: SIB_TOPICS.iter().map(|t| t.to_string()).collect(),
        gold: Some(Gold::Choice(gold)),
        stop: Vec::new(),
    })
}

/// The question and answer words of MGSM prompts in each language.
pub fn mgsm_words(file_lang: &str) -> (&'static str, &'static str) {
    match file_lang {
        "bn" => ("প্রশ্ন", "উত্তর"),
        "de" => ("Frage", "Antwort"),
        "es" => ("Pregunta", "Respuesta"),
        "fr" => ("Question", "Réponse"),
        "ja" => ("問題", "答え"),
        "ru" => ("Задача", "Ответ"),
        "sw" => ("Swali", "Jibu"),
        "te" => ("ప్రశ్న", "సమాధానం"),
        "th" => ("โจทย์", "คำตอบ"),
        "zh" => ("问题", "答案"),
        _ => ("Question", "Answer"),
    }
}

fn mgsm_item(file_lang: &str, language: &str, index: usize, line: &str) -> Result<Item, String> {
    let (question, answer) = line.rsplit_once('\t').ok_or("expected question<TAB>answer")?;
    let answer = answer.trim();
    if crate::score::parse_number(answer).is_none() {
        return Err(format!("the answer '{answer}' is not a number"));
    }
    let (q, a) = mgsm_words(file_lang);
    Ok(Item {
        // The problems are parallel by position.
        id: index.to_string(),
        language: language.into(),
        prompt: format!("{q}: {}\n{a}:", question.trim()),
        choices: Vec::new(),
        gold: Some(Gold::Number(answer.into())),
        // As lm-evaluation-harness's mgsm_direct: the answer ends at the line's end.
        stop: vec!["\n".into(), format!("{q}:"), "Question:".into()],
    })
}

#[derive(Deserialize)]
struct FidelityRow {
    id: String,
    prompt: String,
}

fn fidelity_item(language: &str, line: &str) -> Result<Item, String> {
    let r: FidelityRow = serde_json::from_str(line).map_err(|e| format!("not a prompt row: {e}"))?;
    if r.prompt.trim().is_empty() {
        return Err("the prompt is empty".into());
    }
    Ok(Item {
        id: r.id,
        language: language.into(),
        prompt: r.prompt,
        choices: Vec::new(),
        gold: None,
        stop: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_file_reads() {
        for task in Task::ALL {
            let info = task.info();
            assert!(!info.languages.is_empty());
            for (language, &n) in &info.languages {
                let items = task.items(language, None).unwrap();
                assert_eq!(items.len(), n, "{} {language}", task.id());
                assert!(items.iter().all(|i| !i.prompt.is_empty()));
            }
        }
        assert_eq!(Task::Xcopa.info().languages.len(), 11);
        assert_eq!(Task::Sib200.info().languages.len(), 24);
        assert_eq!(Task::Sib200.info().languages["swa"], 99);
        assert_eq!(Task::Mgsm.info().languages["eng"], 250);
        assert_eq!(Task::Fidelity.info().languages.len(), 13);
    }

    #[test]
    fn texts_are_the_data_before_templates() {
        let mgsm = Task::Mgsm.texts();
        assert_eq!(mgsm.len(), 11 * 250);
        assert!(!mgsm[0].contains("Question:") && !mgsm[0].contains('\t'));
        // XCOPA: premise and both choices of each of 11 × 100 items.
        assert_eq!(Task::Xcopa.texts().len(), 3 * 11 * 100);
        assert!(Task::Xcopa.texts().contains(&"Mwanaume alifungua bomba la maji.".to_string()));
    }

    #[test]
    fn xcopa_prompt_is_lm_eval_s() {
        // val.sw.jsonl, idx 0: "Mwanaume alifungua bomba la maji." / effect / label 1.
        let items = Task::Xcopa.items("swa", Some(1)).unwrap();
        assert_eq!(items[0].prompt, "Mwanaume alifungua bomba la maji kwa hiyo");
        assert_eq!(items[0].choices, ["choo kilijaa maji.", "maji yalitiririka kutoka kwenye bomba."]);
        assert_eq!(items[0].gold, Some(Gold::Choice(1)));
    }

    #[test]
    fn parallel_sets_share_item_ids() {
        let en: Vec<String> = Task::Mgsm.items("eng", Some(5)).unwrap().into_iter().map(|i| i.id).collect();
        let sw: Vec<String> = Task::Mgsm.items("swa", Some(5)).unwrap().into_iter().map(|i| i.id).collect();
        assert_eq!(en, sw);
        let a: Vec<String> = Task::Sib200.items("yor", Some(3)).unwrap().into_iter().map(|i| i.id).collect();
        let b: Vec<String> = Task::Sib200.items("kaz", Some(3)).unwrap().into_iter().map(|i| i.id).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn unknown_task_and_language_are_named() {
        assert_eq!(Task::parse("mmlu"), Err(EvalError::UnknownTask("mmlu".into())));
        let e = Task::Xcopa.items("deu", None).unwrap_err();
        assert_eq!(e.to_string(), "the task xcopa has no items in deu");
    }
}
