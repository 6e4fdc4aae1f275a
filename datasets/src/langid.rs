//! Language and script identification for the data pipeline: the studio's identifier
//! ([`polytune_langid`]: script shortcut, the n-gram model trained on SIB-200's 205 languages,
//! and fastText's lid.176 where the n-gram model is unsure and the setup fetched it), answered in
//! the studio's canonical codes. The measured choice is in `datasets/LANGID.md`.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use polytune_api::lang;
use polytune_langid::{FastTextPart, Identifier, fasttext, ngram};

/// An identifier as the data pipeline uses it: answers in canonical codes, with its name (which a
/// profile records, so that one made by an earlier identifier can be told apart).
pub struct Detector {
    identifier: Identifier,
    name: String,
    /// Canonical codes of the languages it knows.
    canonical: Vec<String>,
}

/// The name of the default identifier's model.
pub const DEFAULT_NAME: &str = "polytune-sib200-ngram-1";

impl Detector {
    /// An n-gram model (the default, or one a workspace trained), with the fastText helper where
    /// it is unsure ([`helper`]), named `<model>+<helper>`. Labels of one canonical language form
    /// a group: a text that is surely Arabic but not surely Levantine is Arabic to the profile.
    pub fn new(model: ngram::NgramModel, name: &str) -> Detector {
        let helper = helper();
        let identifier = Identifier::new(model, helper.map(|(part, _)| part.clone()))
            .with_groups(|l| lang::parse(l).map_or(l.to_string(), |t| t.0));
        let mut canonical: Vec<String> =
            identifier.labels().iter().map(|l| lang::parse(l).map_or(l.clone(), |t| t.code().to_string())).collect();
        canonical.sort();
        canonical.dedup();
        Detector { identifier, name: full_name(name), canonical }
    }

    /// The studio's default: the n-gram model trained on SIB-200's 205 languages.
    pub fn default_ref() -> &'static Detector {
        &DEFAULT
    }

    pub fn identifier(&self) -> &Identifier {
        &self.identifier
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The canonical language (and the script) of a text; no language when there is too little
    /// text or nothing is confident.
    pub fn detect(&self, text: &str) -> (Option<String>, Option<&'static str>) {
        let id = &self.identifier;
        let guess = SCRATCH.with(|s| id.identify_with(text, None, &mut s.borrow_mut()));
        let label =
            guess.label.as_deref().or(guess.candidate.as_deref().filter(|_| guess.group_probability >= id.threshold));
        (label.map(|l| lang::parse(l).map_or(l.to_string(), |t| t.0)), guess.script)
    }

    /// Whether it can recognize this language at all.
    pub fn supported(&self, code: &str) -> bool {
        self.canonical.iter().any(|c| c == code)
    }
}

/// The name a detector built on the n-gram model `name` records: with the helper's when there is one.
pub fn full_name(name: &str) -> String {
    match helper() {
        Some((_, helper)) => format!("{name}+{helper}"),
        None => name.to_string(),
    }
}

/// The fastText language-ID model asked where the n-gram model is unsure: lid.176 where the
/// setup put it, or any fastText model an administrator names with `POLYTUNE_LID_MODEL` (GlotLID,
/// OpenLID…); `POLYTUNE_LID_MODEL=none` turns it off.
pub fn lid176_path() -> Option<PathBuf> {
    match std::env::var("POLYTUNE_LID_MODEL") {
        Ok(p) if p == "none" => return None,
        Ok(p) => return Some(p.into()),
        Err(_) => {}
    }
    let cache = crate::files::cache_dir()?;
    Some(cache.join("models/lid.176.ftz")).filter(|p| p.is_file())
}

/// A fastText model with its labels (`__label__sw`, `__label__swh_Latn`) mapped to FLORES labels.
pub fn fasttext_part(model: fasttext::Model) -> FastTextPart {
    let flores = model.labels().iter().map(|l| lang::flores(l.trim_start_matches("__label__"))).collect();
    FastTextPart { model: Arc::new(model), flores }
}

/// The helper fastText model and its name (the file's stem: `lid.176`), loaded once per process
/// and shared by every detector.
fn helper() -> Option<&'static (FastTextPart, String)> {
    static HELPER: LazyLock<Option<(FastTextPart, String)>> = LazyLock::new(|| {
        let path = lid176_path()?;
        match fasttext::Model::open(&path) {
            Ok(m) => Some((
                fasttext_part(m),
                path.file_stem().map_or("fasttext".into(), |s| s.to_string_lossy().into_owned()),
            )),
            Err(e) => {
                eprintln!("language identification without the fastText model {}: {e}", path.display());
                None
            }
        }
    });
    HELPER.as_ref()
}

static DEFAULT: LazyLock<Detector> = LazyLock::new(|| Detector::new(ngram::default::load(), DEFAULT_NAME));

thread_local! {
    static SCRATCH: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Whether text in `script` is normal for language `code` (Japanese mixes kana and kanji…).
pub fn script_fits(code: &str, script: &str) -> bool {
    let Some(l) = lang::by_code(code) else { return true };
    match code {
        "jpn" => matches!(script, "Jpan" | "Hani"),
        "kor" => matches!(script, "Hang" | "Kore" | "Hani"),
        "zho" => matches!(script, "Hani" | "Hans" | "Hant"),
        "srp" | "uzb" | "aze" | "kaz" | "tuk" | "mon" => matches!(script, "Cyrl" | "Latn" | "Arab"),
        "pan" => matches!(script, "Guru" | "Arab"),
        _ => l.script == script,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identify(text: &str) -> Option<(String, &'static str)> {
        match Detector::default_ref().detect(text) {
            (Some(l), Some(s)) => Some((l, s)),
            _ => None,
        }
    }

    #[test]
    fn identifies_common_and_low_resource_languages() {
        let supported = |c| Detector::default_ref().supported(c);
        assert_eq!(identify("Der schnelle braune Fuchs springt über den faulen Hund."), Some(("deu".into(), "Latn")));
        assert_eq!(identify("Быстрая коричневая лиса прыгает через ленивую собаку."), Some(("rus".into(), "Cyrl")));
        assert_eq!(identify("สุนัขจิ้งจอกสีน้ำตาลกระโดดข้ามสุนัขขี้เกียจ"), Some(("tha".into(), "Thai")));
        assert_eq!(
            identify("Habari za asubuhi, rafiki yangu. Leo ni siku nzuri sana kwa kazi."),
            Some(("swa".into(), "Latn"))
        );
        assert_eq!(identify("Ẹ kú àárọ̀, ọ̀rẹ́ mi. Òní jẹ́ ọjọ́ tí ó dára púpọ̀ fún iṣẹ́."), Some(("yor".into(), "Latn")));
        assert_eq!(identify("42"), None);
        assert_eq!(polytune_langid::script::dominant("مرحبا بالعالم"), Some("Arab"));
        assert!(supported("deu") && supported("que") && supported("yor") && supported("eus"));
        assert!(!supported("lat"));
        assert!(script_fits("jpn", "Hani"));
        assert!(!script_fits("hin", "Latn"));
    }
}

/// "1,000".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn english_name(code: &str) -> String {
    lang::by_code(code).map_or_else(|| code.to_string(), |l| l.english.to_string())
}

/// Declared languages their texts mostly are not in, in words: for each declared language (a
/// canonical code) of `(declared, text)` pairs, the most frequent other identified language when
/// it covers more than half of them — "declared Bengali; `what` is English in 1,000 of 1,000
/// `noun`". `detect` answers a canonical code, None when unsure (never a contradiction).
pub fn contradictions<'a>(
    texts: impl IntoIterator<Item = (&'a str, &'a str)>,
    field: &str,
    what: &str,
    noun: &str,
    detect: &dyn Fn(&str) -> Option<String>,
) -> Vec<polytune_api::LanguageContradiction> {
    let mut seen: std::collections::BTreeMap<&str, std::collections::HashMap<String, usize>> = Default::default();
    for (declared, text) in texts {
        let detected = detect(text).unwrap_or_else(|| "und".into());
        *seen.entry(declared).or_default().entry(detected).or_default() += 1;
    }
    let mut out = Vec::new();
    for (declared, counts) in seen {
        let of: usize = counts.values().sum();
        let Some((detected, &count)) = counts.iter().filter(|(d, _)| *d != "und").max_by_key(|(_, c)| **c) else {
            continue;
        };
        if detected != declared && count * 2 > of {
            let message = format!(
                "declared {}; {what} is {} in {} of {} {noun}",
                english_name(declared),
                english_name(detected),
                thousands(count),
                thousands(of)
            );
            out.push(polytune_api::LanguageContradiction {
                declared: declared.to_string(),
                field: field.to_string(),
                detected: detected.clone(),
                count,
                of,
                message,
            });
        }
    }
    out
}

/// The canonical code of a text's language by the default identifier (None when unsure).
pub fn detect_canonical(text: &str) -> Option<String> {
    let (label, _) = Detector::default_ref().detect(text);
    label.map(|l| lang::parse(&l).map_or(l.clone(), |t| t.code().to_string()))
}
