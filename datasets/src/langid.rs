//! Language and script identification for the data pipeline: the studio's identifier
//! ([`polytune_langid`]: script shortcut, the n-gram model trained on SIB-200's 205 languages,
//! and fastText's lid.176 where the n-gram model is unsure and the setup fetched it), answered in
//! the studio's canonical codes. The measured choice is in `datasets/LANGID.md`.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::LazyLock;

use polytune_api::lang;
use polytune_langid::{FastTextPart, Identifier, fasttext, ngram};

pub use polytune_langid::script::MAX_CHARS;

/// An identifier as the data pipeline uses it: answers in canonical codes, with its name (which a
/// profile records, so that one made by an earlier identifier can be told apart).
pub struct Detector {
    identifier: Identifier,
    name: String,
    /// Canonical codes of the languages it knows.
    canonical: Vec<String>,
}

impl Detector {
    /// An n-gram model (the default, or one a workspace trained), with lid.176 where it is unsure
    /// when the setup fetched it. Labels of one canonical language form a group: a text that is
    /// surely Arabic but not surely Levantine is Arabic to the profile.
    pub fn new(model: ngram::NgramModel, name: &str) -> Detector {
        let path = lid176_path();
        let lid = path.as_ref().and_then(|p| match fasttext::Model::open(p) {
            Ok(m) => Some(fasttext_part(m)),
            Err(e) => {
                eprintln!("language identification without the fastText model {}: {e}", p.display());
                None
            }
        });
        // The profile names the fastText model by its file (`lid.176`, or an administrator's).
        let name = match (&lid, &path) {
            (Some(_), Some(p)) => format!("{name}+{}", p.file_stem().map_or("fasttext".into(), |s| s.to_string_lossy())),
            _ => name.to_string(),
        };
        let identifier = Identifier::new(model, lid).with_groups(|l| lang::parse(l).map_or(l.to_string(), |t| t.0));
        let mut canonical: Vec<String> =
            identifier.labels().iter().map(|l| lang::parse(l).map_or(l.clone(), |t| t.code().to_string())).collect();
        canonical.sort();
        canonical.dedup();
        Detector { identifier, name, canonical }
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
        let label = guess.label.as_deref().or(guess.candidate.as_deref().filter(|_| guess.group_probability >= id.threshold));
        (label.map(|l| lang::parse(l).map_or(l.to_string(), |t| t.0)), guess.script)
    }

    /// Whether it can recognize this language at all.
    pub fn supported(&self, code: &str) -> bool {
        self.canonical.iter().any(|c| c == code)
    }
}

/// The name of the default identifier's model.
pub const DEFAULT_NAME: &str = "polytune-sib200-ngram-1";

/// The fastText language-ID model asked where the n-gram model is unsure: lid.176 where the
/// setup put it, or any fastText model an administrator names with `POLYTUNE_LID_MODEL` (GlotLID,
/// OpenLID…); `POLYTUNE_LID_MODEL=none` turns it off.
pub fn lid176_path() -> Option<PathBuf> {
    match std::env::var("POLYTUNE_LID_MODEL") {
        Ok(p) if p == "none" => return None,
        Ok(p) => return Some(p.into()),
        Err(_) => {}
    }
    let cache = std::env::var_os("POLYTUNE_CACHE").map(PathBuf::from).or_else(|| {
        let base = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("polytune"))
    })?;
    Some(cache.join("models/lid.176.ftz")).filter(|p| p.is_file())
}

/// A fastText model with its labels (`__label__sw`, `__label__swh_Latn`) mapped to FLORES labels.
pub fn fasttext_part(model: fasttext::Model) -> FastTextPart {
    let flores = model.labels().iter().map(|l| lang::flores(l.trim_start_matches("__label__"))).collect();
    FastTextPart { model, flores }
}

static DEFAULT: LazyLock<Detector> = LazyLock::new(|| Detector::new(ngram::default::load(), DEFAULT_NAME));

thread_local! {
    static SCRATCH: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// The default identifier.
pub fn identifier() -> &'static Identifier {
    DEFAULT.identifier()
}

/// The canonical language (and the script) of a text, with the default identifier.
pub fn detect(text: &str) -> (Option<String>, Option<&'static str>) {
    DEFAULT.detect(text)
}

/// The canonical language of a text (and its script), or `None`.
pub fn identify(text: &str) -> Option<(String, &'static str)> {
    match detect(text) {
        (Some(l), Some(s)) => Some((l, s)),
        _ => None,
    }
}

/// The dominant script of a text with at least a few letters.
pub fn script(text: &str) -> Option<&'static str> {
    polytune_langid::script::dominant(text)
}

/// Whether the default identifier can recognize this language at all.
pub fn supported(code: &str) -> bool {
    DEFAULT.supported(code)
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

    #[test]
    fn identifies_common_and_low_resource_languages() {
        assert_eq!(identify("Der schnelle braune Fuchs springt über den faulen Hund."), Some(("deu".into(), "Latn")));
        assert_eq!(identify("Быстрая коричневая лиса прыгает через ленивую собаку."), Some(("rus".into(), "Cyrl")));
        assert_eq!(identify("สุนัขจิ้งจอกสีน้ำตาลกระโดดข้ามสุนัขขี้เกียจ"), Some(("tha".into(), "Thai")));
        assert_eq!(identify("Habari za asubuhi, rafiki yangu. Leo ni siku nzuri sana kwa kazi."), Some(("swa".into(), "Latn")));
        assert_eq!(identify("Ẹ kú àárọ̀, ọ̀rẹ́ mi. Òní jẹ́ ọjọ́ tí ó dára púpọ̀ fún iṣẹ́."), Some(("yor".into(), "Latn")));
        assert_eq!(identify("42"), None);
        assert_eq!(script("مرحبا بالعالم"), Some("Arab"));
        assert!(supported("deu") && supported("que") && supported("yor") && supported("eus"));
        assert!(!supported("lat"));
        assert!(script_fits("jpn", "Hani"));
        assert!(!script_fits("hin", "Latn"));
    }
}
