//! Language and script identification.
//!
//! whatlang (pure Rust, 70 languages, trigram profiles) was chosen by the measured table in
//! `datasets/LANGID.md` (`cargo run --release -p polytune-data --example langid_table`), which compares it with
//! whichlang on SIB-200 dev. Only the first [`MAX_CHARS`] characters are looked at, and a script written by one language
//! only (Thai, Hangul, kana, Tamil…) decides without the trigram model: the measured accuracy is
//! the same and the cost is a fraction.

use polytune_api::lang;
use whatlang::Script;

pub const MAX_CHARS: usize = 256;

/// The ISO 15924 code of a whatlang script. Hiragana and Katakana are Japanese (`Jpan`); Hangul is `Kore`.
pub fn iso_script(s: Script) -> &'static str {
    match s {
        Script::Arabic => "Arab",
        Script::Armenian => "Armn",
        Script::Bengali => "Beng",
        Script::Cyrillic => "Cyrl",
        Script::Devanagari => "Deva",
        Script::Ethiopic => "Ethi",
        Script::Georgian => "Geor",
        Script::Greek => "Grek",
        Script::Gujarati => "Gujr",
        Script::Gurmukhi => "Guru",
        Script::Hangul => "Kore",
        Script::Hebrew => "Hebr",
        Script::Hiragana | Script::Katakana => "Jpan",
        Script::Kannada => "Knda",
        Script::Khmer => "Khmr",
        Script::Latin => "Latn",
        Script::Malayalam => "Mlym",
        Script::Mandarin => "Hani",
        Script::Myanmar => "Mymr",
        Script::Oriya => "Orya",
        Script::Sinhala => "Sinh",
        Script::Tamil => "Taml",
        Script::Telugu => "Telu",
        Script::Thai => "Thai",
    }
}

fn head(text: &str) -> &str {
    match text.char_indices().nth(MAX_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The dominant script of a text with at least a few letters.
pub fn script(text: &str) -> Option<&'static str> {
    let t = head(text);
    if t.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return None;
    }
    whatlang::detect_script(t).map(iso_script)
}

/// The canonical language of a text (and its script), or `None` when there is too little text.
pub fn identify(text: &str) -> Option<(String, &'static str)> {
    let t = head(text);
    if t.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return None;
    }
    // Scripts used by one language need no trigram model (the costly part).
    let script = whatlang::detect_script(t)?;
    let only = match script {
        Script::Thai => Some("tha"),
        Script::Hangul => Some("kor"),
        Script::Hiragana | Script::Katakana => Some("jpn"),
        Script::Georgian => Some("kat"),
        Script::Armenian => Some("hye"),
        Script::Greek => Some("ell"),
        Script::Gujarati => Some("guj"),
        Script::Gurmukhi => Some("pan"),
        Script::Kannada => Some("kan"),
        Script::Khmer => Some("khm"),
        Script::Malayalam => Some("mal"),
        Script::Myanmar => Some("mya"),
        Script::Oriya => Some("ori"),
        Script::Sinhala => Some("sin"),
        Script::Tamil => Some("tam"),
        Script::Telugu => Some("tel"),
        _ => None,
    };
    if let Some(code) = only {
        return Some((code.to_string(), iso_script(script)));
    }
    let info = whatlang::detect(t)?;
    let code = lang::parse(info.lang().code())?.0;
    Some((code, iso_script(info.script())))
}

/// Whether whatlang can recognize this language at all (Quechua, Yoruba… it cannot).
pub fn supported(code: &str) -> bool {
    whatlang::Lang::all().iter().any(|l| lang::parse(l.code()).is_some_and(|t| t.code() == code))
}

/// Whether text in `script` is normal for language `code` (Japanese mixes kana and kanji…).
pub fn script_fits(code: &str, script: &str) -> bool {
    let Some(l) = lang::by_code(code) else { return true };
    match code {
        "jpn" => matches!(script, "Jpan" | "Hani"),
        "kor" => matches!(script, "Kore" | "Hani"),
        "zho" => matches!(script, "Hani" | "Hans" | "Hant"),
        "srp" | "uzb" | "aze" | "kaz" | "tuk" | "mon" => matches!(script, "Cyrl" | "Latn"),
        "pan" => matches!(script, "Guru" | "Arab"),
        _ => l.script == script,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_common_languages_and_scripts() {
        assert_eq!(identify("Der schnelle braune Fuchs springt über den faulen Hund."), Some(("deu".into(), "Latn")));
        assert_eq!(identify("Быстрая коричневая лиса прыгает через ленивую собаку."), Some(("rus".into(), "Cyrl")));
        assert_eq!(identify("敏捷的棕色狐狸跳过了懒狗。"), Some(("zho".into(), "Hani")));
        assert_eq!(identify("สุนัขจิ้งจอกสีน้ำตาลกระโดดข้ามสุนัขขี้เกียจ"), Some(("tha".into(), "Thai")));
        assert_eq!(identify("42"), None);
        assert_eq!(script("مرحبا بالعالم"), Some("Arab"));
        assert!(supported("deu"));
        assert!(!supported("que"));
        assert!(script_fits("jpn", "Hani"));
        assert!(!script_fits("hin", "Latn"));
    }
}
