//! Scorers: multiple choice by log-likelihood, number extraction for math answers, and language
//! fidelity of a generated answer.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

/// Metric code → 0 or 1 for one item.
pub type Metrics = BTreeMap<String, f64>;

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// A context and a continuation as lm-evaluation-harness tokenizes them: trailing whitespace of
/// the context moves to the front of the continuation; the continuation's tokens are those of
/// `context + continuation` after the context's own tokens (so a word split differently at the
/// boundary is scored as the tokenizer really splits it).
pub fn encode_pair<E>(
    encode: impl Fn(&str) -> Result<Vec<u32>, E>,
    context: &str,
    continuation: &str,
) -> Result<(Vec<u32>, Vec<u32>), E> {
    let trimmed = context.trim_end();
    let spaces = &context[trimmed.len()..];
    let continuation = format!("{spaces}{continuation}");
    let whole = encode(&format!("{trimmed}{continuation}"))?;
    let ctx = encode(trimmed)?;
    let cont = whole.get(ctx.len()..).map(<[u32]>::to_vec).unwrap_or_default();
    Ok((ctx, cont))
}

/// The index of the largest value (the first of equals, as numpy's argmax).
fn argmax(xs: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, x) in xs.enumerate() {
        if x > best.1 {
            best = (i, x);
        }
    }
    best.0
}

/// The three multiple-choice metrics from each choice's summed log-likelihood: `acc` (the most
/// likely choice is gold), `acc_norm` (log-likelihood per character of the choice) and
/// `acc_bytes` (per UTF-8 byte). Lengths are those of the choice text without the delimiter, as
/// lm-evaluation-harness measures them. Returns the metrics and the `acc` choice.
pub fn multiple_choice(logprobs: &[f64], choices: &[String], gold: usize) -> (Metrics, usize) {
    let pick = argmax(logprobs.iter().copied());
    let norm = argmax(logprobs.iter().zip(choices).map(|(l, c)| l / c.chars().count().max(1) as f64));
    let bytes = argmax(logprobs.iter().zip(choices).map(|(l, c)| l / c.len().max(1) as f64));
    let m = Metrics::from([
        ("acc".to_string(), flag(pick == gold)),
        ("acc_norm".to_string(), flag(norm == gold)),
        ("acc_bytes".to_string(), flag(bytes == gold)),
    ]);
    (m, pick)
}

/// lm-evaluation-harness's "flexible-extract" pattern for MGSM (its last match is the answer).
static FLEXIBLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(-?[$0-9.,]{2,})|(-?[0-9]+)").expect("flexible-extract pattern"));

/// `1,234.50` → 1234.5; None when it is not a number.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().trim_end_matches(['.', '。']).replace(',', "");
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The last number-like run in the text, as lm-evaluation-harness's "flexible-extract" filter
/// for MGSM finds it (`$`, `.` and `,` included: `$18.` → `$18.`).
pub fn flexible_number(text: &str) -> Option<String> {
    FLEXIBLE.find_iter(text).last().map(|m| m.as_str().to_string())
}

/// lm-evaluation-harness's `exact_match` with `ignore_case` and `ignore_punctuation`, as MGSM's
/// tasks configure it: lower case, ASCII punctuation removed (so `$18.` matches `18`, and `-3`
/// matches `3`).
fn lm_eval_normal(s: &str) -> String {
    s.to_lowercase().chars().filter(|c| !c.is_ascii_punctuation()).collect()
}

/// MGSM's metrics for one generated answer (without fidelity, which [`fidelity`] adds), as
/// lm-evaluation-harness's `mgsm_direct` filters score it: `exact_strict`, the first line with
/// its surrounding space removed is the answer and nothing else (`remove_whitespace`, generation
/// stopping at a newline); `exact_flexible`, the last number-like run is the answer
/// (`flexible-extract`). Returns the answer read flexibly.
pub fn math(text: &str, gold: &str) -> (Metrics, Option<String>) {
    let gold = lm_eval_normal(gold.trim());
    let flexible = flexible_number(text);
    let first = text.split('\n').next().unwrap_or("").trim();
    let m = Metrics::from([
        ("exact_flexible".to_string(), flag(flexible.as_deref().is_some_and(|f| lm_eval_normal(f) == gold))),
        ("exact_strict".to_string(), flag(lm_eval_normal(first) == gold)),
    ]);
    (m, flexible)
}

/// Lower case, punctuation and repeated spaces gone: how text answers are compared.
pub fn normalize_answer(s: &str) -> String {
    let kept: String = s.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    kept.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A generated answer against accepted answers in words: `exact` (its first non-empty line is one
/// of them) and `contains` (one of them appears in it, on word boundaries), both after
/// [`normalize_answer`].
pub fn answers(text: &str, accepted: &[String]) -> Metrics {
    let first = normalize_answer(text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""));
    let whole = format!(" {} ", normalize_answer(text));
    let wanted: Vec<String> = accepted.iter().map(|a| normalize_answer(a)).filter(|a| !a.is_empty()).collect();
    Metrics::from([
        ("exact".to_string(), flag(wanted.iter().any(|a| *a == first))),
        ("contains".to_string(), flag(wanted.iter().any(|a| whole.contains(&format!(" {a} "))))),
    ])
}

/// Languages whose word-level check (English words leaking in) applies.
pub const WORD_LEVEL: [&str; 6] = ["ara", "hin", "jpn", "kor", "rus", "zho"];

/// What language fidelity says about one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Fidelity {
    /// The answer's language (`und` when nothing is confident).
    pub answered_in: String,
    pub in_language: bool,
    pub lines_pass: bool,
    /// Only for [`WORD_LEVEL`] languages.
    pub words_pass: Option<bool>,
}

impl Fidelity {
    pub fn metrics(&self) -> Metrics {
        let mut m = Metrics::from([
            ("in_language".to_string(), flag(self.in_language)),
            ("lines_pass".to_string(), flag(self.lines_pass)),
        ]);
        if let Some(w) = self.words_pass {
            m.insert("words_pass".into(), flag(w));
        }
        m
    }
}

/// Whether a line is long enough to identify: five words, or twenty letters in scripts written
/// without spaces.
fn long_line(line: &str) -> bool {
    line.split_whitespace().count() >= 5 || line.chars().filter(|c| c.is_alphabetic()).count() >= 20
}

/// A word of two or more Latin letters only: English leaking into a non-Latin answer.
fn latin_word(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic())
}

/// Language fidelity of `answer` to `expected` (a canonical code), with `detect` answering the
/// canonical code of a text or None when unsure. An empty or unidentifiable answer is a miss.
pub fn fidelity(answer: &str, expected: &str, detect: impl Fn(&str) -> Option<String>) -> Fidelity {
    let text = answer.trim();
    let answered_in = if text.is_empty() { None } else { detect(text) };
    let in_language = answered_in.as_deref() == Some(expected);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| long_line(l)).collect();
    let lines_pass =
        if lines.is_empty() { in_language } else { lines.iter().all(|l| detect(l).as_deref() == Some(expected)) };
    let words_pass = WORD_LEVEL
        .contains(&expected)
        .then(|| !text.is_empty() && !text.split(|c: char| !c.is_alphanumeric()).any(latin_word));
    Fidelity { answered_in: answered_in.unwrap_or_else(|| "und".into()), in_language, lines_pass, words_pass }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn text_answers_match_after_normalizing() {
        // "Paris." → first line "paris" equals accepted "paris": exact 1, contains 1.
        let m = answers("Paris.\nIt is the capital.", &s(&["PARIS"]));
        assert_eq!((m["exact"], m["contains"]), (1.0, 1.0));
        // "The capital is Paris!" → first line "the capital is paris": not exact; " paris " inside: contains.
        let m = answers("The capital is Paris!", &s(&["Lyon", "paris"]));
        assert_eq!((m["exact"], m["contains"]), (0.0, 1.0));
        // "Parisian" contains "paris" only inside a word: no match.
        let m = answers("Parisian food", &s(&["Paris"]));
        assert_eq!((m["exact"], m["contains"]), (0.0, 0.0));
    }

    #[test]
    fn multiple_choice_normalizes_by_characters_and_bytes() {
        // Two choices: "ab" (2 chars, 2 bytes) at -3.0, "ñandú" (5 chars, 7 bytes) at -6.0.
        // acc: -3 > -6 → choice 0. acc_norm: -1.5 vs -1.2 → choice 1. acc_bytes: -1.5 vs -0.857 → 1.
        let (m, pick) = multiple_choice(&[-3.0, -6.0], &s(&["ab", "ñandú"]), 1);
        assert_eq!(pick, 0);
        assert_eq!(m["acc"], 0.0);
        assert_eq!(m["acc_norm"], 1.0);
        assert_eq!(m["acc_bytes"], 1.0);
        // Per character and per byte can disagree: "日本" is 2 chars and 6 bytes.
        // "日本" -4.0: -2.0/char, -0.667/byte; "abcd" -5.0: -1.25/char, -1.25/byte.
        let (m, _) = multiple_choice(&[-4.0, -5.0], &s(&["日本", "abcd"]), 0);
        assert_eq!((m["acc"], m["acc_norm"], m["acc_bytes"]), (1.0, 0.0, 1.0));
        // Ties go to the first choice (numpy's argmax).
        let (m, pick) = multiple_choice(&[-1.0, -1.0], &s(&["a", "b"]), 1);
        assert_eq!((pick, m["acc"]), (0, 0.0));
    }

    #[test]
    fn pairs_split_as_lm_eval_does() {
        // A toy tokenizer: one token per character, so the split is visible.
        let enc = |t: &str| Ok::<_, ()>(t.chars().map(|c| c as u32).collect::<Vec<u32>>());
        let (ctx, cont) = encode_pair(enc, "Topic: ", "sports").unwrap();
        assert_eq!(ctx.len(), "Topic:".len());
        assert_eq!(cont, " sports".chars().map(|c| c as u32).collect::<Vec<_>>());
        // A tokenizer that merges across the boundary: the continuation keeps what is new.
        let merge = |t: &str| Ok::<_, ()>(if t == "ab" { vec![9] } else { t.chars().map(|c| c as u32).collect() });
        let (ctx, cont) = encode_pair(merge, "a", "b").unwrap();
        assert_eq!((ctx, cont), (vec!['a' as u32], vec![]));
    }

    #[test]
    fn numbers_are_extracted_as_lm_eval_extracts_them() {
        assert_eq!(parse_number("1,234.50"), Some(1234.5));
        assert_eq!(parse_number("18."), Some(18.0));
        assert_eq!(parse_number("eighteen"), None);
        // The last run of two or more of [$0-9.,], or a single digit.
        assert_eq!(flexible_number("She has 16 eggs, eats 3, bakes 4: so 9 × 2 = $18."), Some("$18.".into()));
        assert_eq!(flexible_number("no number"), None);
        // "$18." → "18" after punctuation is removed: right, flexibly; the first line says more than
        // the number: not strictly.
        let (m, answer) = math("9 × 2 = $18.\nSo she makes 18 dollars", "18");
        assert_eq!((m["exact_flexible"], m["exact_strict"]), (1.0, 0.0));
        assert_eq!(answer.as_deref(), Some("18"));
        // " 1,000." → "1000": right both ways.
        let (m, _) = math(" 1,000.\nQuestion: …", "1000");
        assert_eq!((m["exact_flexible"], m["exact_strict"]), (1.0, 1.0));
        // "18.0" → "180" is not "18" (lm-eval compares text, not numbers).
        let (m, _) = math("18.0", "18");
        assert_eq!((m["exact_flexible"], m["exact_strict"]), (0.0, 0.0));
    }

    #[test]
    fn fidelity_counts_unsure_as_a_miss_and_checks_lines_and_words() {
        // A stand-in identifier: German for texts with "und", English for "the", unsure otherwise.
        let detect = |t: &str| {
            if t.contains(" und ") {
                Some("deu".to_string())
            } else if t.contains(" the ") {
                Some("eng".to_string())
            } else {
                None
            }
        };
        let f = fidelity("Das ist gut und schön, wirklich sehr gut.", "deu", detect);
        assert!(f.in_language && f.lines_pass && f.words_pass.is_none());
        let f = fidelity("Ich und du sind hier heute.\nThis is the English line here.", "deu", detect);
        assert!(f.in_language, "the whole answer reads German");
        assert!(!f.lines_pass, "one long line is English");
        let f = fidelity("Hmm", "deu", detect);
        assert_eq!((f.answered_in.as_str(), f.in_language), ("und", false));
        let f = fidelity("", "deu", detect);
        assert!(!f.in_language && !f.lines_pass);
        let ja = |_: &str| Some("jpn".to_string());
        assert_eq!(fidelity("これは良い答えです。", "jpn", ja).words_pass, Some(true));
        assert_eq!(fidelity("これは good な答えです。", "jpn", ja).words_pass, Some(false));
        assert_eq!(fidelity("答えは 18 です。", "jpn", ja).words_pass, Some(true));
    }
}
