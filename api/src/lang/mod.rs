//! One canonical code per language (DESIGN.md decision 12).
//!
//! A language is its ISO 639-3 code — the macrolanguage where public datasets and language-ID
//! models use both (`ara` for `arb`, `zho` for `cmn`, `swa` for `swh`, `fas` for `pes`) — plus,
//! where it matters, an ISO 15924 script: `zho-Hans`, `srp-Latn`. [`parse`] maps what public
//! datasets write (ISO 639-1 `de`, FLORES `deu_Latn`, `zho-CN`, English names like `bengali`, the
//! `jp` of MT-Bench) to it, and says so when it cannot.

use serde::{Deserialize, Serialize};

/// A language in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// ISO 639-3 (macrolanguage where one exists).
    pub code: &'static str,
    /// ISO 639-1, where the language has one.
    pub iso1: Option<&'static str>,
    pub english: &'static str,
    pub native: &'static str,
    /// The script it is usually written in (ISO 15924).
    pub script: &'static str,
    /// The FLORES-200 label of the language in its usual script (`arb_Arab` for Arabic, `zho_Hans`
    /// for Chinese, `pes_Arab` for Persian); empty for a language FLORES-200 lacks (Latin).
    pub flores: &'static str,
    /// Other ISO 639-3 codes that mean this language in public data (individual languages of the macrolanguage).
    pub aliases: &'static [&'static str],
}

impl Language {
    /// Written right to left.
    pub fn rtl(&self) -> bool {
        script_is_rtl(self.script)
    }
}

pub fn script_is_rtl(script: &str) -> bool {
    matches!(script, "Arab" | "Hebr" | "Thaa" | "Syrc" | "Nkoo" | "Adlm")
}

mod table;

use table::EXTRA_NAMES;
pub use table::LANGUAGES;

/// A parsed language tag: a language of the table and perhaps a script.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct LangTag(pub String);

impl LangTag {
    /// The language part (`zho` of `zho-Hans`).
    pub fn code(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    pub fn language(&self) -> Option<&'static Language> {
        by_code(self.code())
    }

    /// The explicit script, or the language's usual one.
    pub fn script(&self) -> Option<&str> {
        match self.0.split_once('-') {
            Some((_, s)) => Some(s),
            None => self.language().map(|l| l.script),
        }
    }

    /// "German (Deutsch)"; an unknown code shows as itself.
    pub fn display(&self) -> String {
        match self.language() {
            Some(l) if l.english == l.native => l.english.to_string(),
            Some(l) => format!("{} ({})", l.english, l.native),
            None => self.0.clone(),
        }
    }

    pub fn rtl(&self) -> bool {
        self.script().is_some_and(script_is_rtl)
    }
}

impl std::fmt::Display for LangTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn by_code(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// The FLORES-200 label (`swh_Latn`) of a code in any form [`parse`] reads: the language's usual
/// label, or that language in the script the code names (`zho-Hant` → `zho_Hant`). `None` for
/// codes the table does not know and languages outside FLORES-200.
pub fn flores(input: &str) -> Option<String> {
    let tag = parse(input)?;
    let l = tag.language()?;
    if l.flores.is_empty() {
        return None;
    }
    Some(match tag.0.split_once('-') {
        Some((_, script)) => format!("{}_{script}", &l.flores[..3]),
        None => l.flores.to_string(),
    })
}

/// Maps what public datasets write to the canonical tag, or `None` when the table does not know it.
///
/// Accepts ISO 639-3 (and the individual-language codes of a macrolanguage), ISO 639-1, FLORES
/// `deu_Latn`, BCP-47-ish `zh-CN` / `zho-Hans` / `sr-Latn`, and English names in any case.
pub fn parse(input: &str) -> Option<LangTag> {
    let s = input.trim().to_ascii_lowercase().replace('_', "-");
    if s.is_empty() {
        return None;
    }
    if let Some((_, tag)) = EXTRA_NAMES.iter().find(|(n, _)| *n == s) {
        return Some(LangTag(tag.to_string()));
    }
    if let Some(l) = LANGUAGES.iter().find(|l| l.english.eq_ignore_ascii_case(&s)) {
        return Some(LangTag(l.code.to_string()));
    }
    let (lang, rest) = match s.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (s.as_str(), None),
    };
    let l = LANGUAGES.iter().find(|l| l.code == lang || l.iso1 == Some(lang) || l.aliases.contains(&lang))?;
    let script = match rest {
        None => None,
        Some(r) if r.len() == 4 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
            let mut cs = r.chars();
            let first = cs.next()?.to_ascii_uppercase();
            Some(format!("{first}{}", cs.as_str()))
        }
        // Regions: only Chinese ones say something about the script.
        Some("cn" | "sg") if l.code == "zho" => Some("Hans".to_string()),
        Some("tw" | "hk" | "mo") if l.code == "zho" => Some("Hant".to_string()),
        // Other regions (ISO 3166 letters, UN M.49 digits) say nothing about the script.
        Some(r)
            if (r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
                || (r.len() == 3 && r.chars().all(|c| c.is_ascii_digit())) =>
        {
            None
        }
        Some(_) => return None,
    };
    // The usual script is implied; only a different one is written out.
    Some(match script {
        Some(sc) if sc != l.script => LangTag(format!("{}-{sc}", l.code)),
        _ => LangTag(l.code.to_string()),
    })
}

#[cfg(test)]
mod tests;
