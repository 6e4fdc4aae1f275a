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

macro_rules! languages {
    ($( $code:literal $iso1:tt $english:literal $native:literal $script:literal [$($alias:literal),*] ;)*) => {
        /// Every language the studio names.
        pub const LANGUAGES: &[Language] = &[
            $( Language { code: $code, iso1: languages!(@iso1 $iso1), english: $english, native: $native,
                          script: $script, aliases: &[$($alias),*] }, )*
        ];
    };
    (@iso1 -) => { None };
    (@iso1 $x:literal) => { Some($x) };
}

languages! {
    "afr" "af" "Afrikaans" "Afrikaans" "Latn" [];
    "aka" "ak" "Akan" "Akan" "Latn" ["twi"];
    "amh" "am" "Amharic" "አማርኛ" "Ethi" [];
    "ara" "ar" "Arabic" "العربية" "Arab" ["arb", "ary", "arz", "apc", "acm"];
    "aze" "az" "Azerbaijani" "Azərbaycanca" "Latn" ["azj"];
    "bel" "be" "Belarusian" "Беларуская" "Cyrl" [];
    "ben" "bn" "Bengali" "বাংলা" "Beng" [];
    "bul" "bg" "Bulgarian" "Български" "Cyrl" [];
    "cat" "ca" "Catalan" "Català" "Latn" [];
    "ces" "cs" "Czech" "Čeština" "Latn" [];
    "cym" "cy" "Welsh" "Cymraeg" "Latn" [];
    "dan" "da" "Danish" "Dansk" "Latn" [];
    "deu" "de" "German" "Deutsch" "Latn" [];
    "ell" "el" "Greek" "Ελληνικά" "Grek" [];
    "eng" "en" "English" "English" "Latn" [];
    "epo" "eo" "Esperanto" "Esperanto" "Latn" [];
    "est" "et" "Estonian" "Eesti" "Latn" ["ekk"];
    "eus" "eu" "Basque" "Euskara" "Latn" [];
    "fas" "fa" "Persian" "فارسی" "Arab" ["pes", "prs"];
    "fin" "fi" "Finnish" "Suomi" "Latn" [];
    "fra" "fr" "French" "Français" "Latn" [];
    "guj" "gu" "Gujarati" "ગુજરાતી" "Gujr" [];
    "hat" "ht" "Haitian Creole" "Kreyòl ayisyen" "Latn" [];
    "hau" "ha" "Hausa" "Hausa" "Latn" [];
    "heb" "he" "Hebrew" "עברית" "Hebr" [];
    "hin" "hi" "Hindi" "हिन्दी" "Deva" [];
    "hrv" "hr" "Croatian" "Hrvatski" "Latn" [];
    "hun" "hu" "Hungarian" "Magyar" "Latn" [];
    "hye" "hy" "Armenian" "Հայերեն" "Armn" [];
    "ibo" "ig" "Igbo" "Igbo" "Latn" [];
    "ind" "id" "Indonesian" "Bahasa Indonesia" "Latn" [];
    "isl" "is" "Icelandic" "Íslenska" "Latn" [];
    "ita" "it" "Italian" "Italiano" "Latn" [];
    "jav" "jv" "Javanese" "Basa Jawa" "Latn" [];
    "jpn" "ja" "Japanese" "日本語" "Jpan" [];
    "kan" "kn" "Kannada" "ಕನ್ನಡ" "Knda" [];
    "kat" "ka" "Georgian" "ქართული" "Geor" [];
    "kaz" "kk" "Kazakh" "Қазақ тілі" "Cyrl" [];
    "khm" "km" "Khmer" "ខ្មែរ" "Khmr" [];
    "kir" "ky" "Kyrgyz" "Кыргызча" "Cyrl" [];
    "kor" "ko" "Korean" "한국어" "Kore" [];
    "lao" "lo" "Lao" "ລາວ" "Laoo" [];
    "lat" "la" "Latin" "Latina" "Latn" [];
    "lav" "lv" "Latvian" "Latviešu" "Latn" ["lvs"];
    "lit" "lt" "Lithuanian" "Lietuvių" "Latn" [];
    "ltz" "lb" "Luxembourgish" "Lëtzebuergesch" "Latn" [];
    "mal" "ml" "Malayalam" "മലയാളം" "Mlym" [];
    "mar" "mr" "Marathi" "मराठी" "Deva" [];
    "mkd" "mk" "Macedonian" "Македонски" "Cyrl" [];
    "mlt" "mt" "Maltese" "Malti" "Latn" [];
    "mon" "mn" "Mongolian" "Монгол" "Cyrl" ["khk"];
    "mri" "mi" "Maori" "Te reo Māori" "Latn" [];
    "msa" "ms" "Malay" "Bahasa Melayu" "Latn" ["zsm"];
    "mya" "my" "Burmese" "မြန်မာ" "Mymr" [];
    "nep" "ne" "Nepali" "नेपाली" "Deva" ["npi"];
    "nld" "nl" "Dutch" "Nederlands" "Latn" [];
    "nor" "no" "Norwegian" "Norsk" "Latn" ["nob", "nno"];
    "ori" "or" "Odia" "ଓଡ଼ିଆ" "Orya" ["ory"];
    "pan" "pa" "Punjabi" "ਪੰਜਾਬੀ" "Guru" [];
    "pol" "pl" "Polish" "Polski" "Latn" [];
    "por" "pt" "Portuguese" "Português" "Latn" [];
    "pus" "ps" "Pashto" "پښتو" "Arab" ["pbt"];
    "que" "qu" "Quechua" "Runa Simi" "Latn" ["quy", "quz"];
    "ron" "ro" "Romanian" "Română" "Latn" [];
    "rus" "ru" "Russian" "Русский" "Cyrl" [];
    "sin" "si" "Sinhala" "සිංහල" "Sinh" [];
    "slk" "sk" "Slovak" "Slovenčina" "Latn" [];
    "slv" "sl" "Slovenian" "Slovenščina" "Latn" [];
    "sna" "sn" "Shona" "chiShona" "Latn" [];
    "som" "so" "Somali" "Soomaali" "Latn" [];
    "spa" "es" "Spanish" "Español" "Latn" [];
    "sqi" "sq" "Albanian" "Shqip" "Latn" ["als"];
    "srp" "sr" "Serbian" "Српски" "Cyrl" [];
    "swa" "sw" "Swahili" "Kiswahili" "Latn" ["swh"];
    "swe" "sv" "Swedish" "Svenska" "Latn" [];
    "tam" "ta" "Tamil" "தமிழ்" "Taml" [];
    "tel" "te" "Telugu" "తెలుగు" "Telu" [];
    "tgl" "tl" "Tagalog" "Tagalog" "Latn" ["fil"];
    "tha" "th" "Thai" "ไทย" "Thai" [];
    "tuk" "tk" "Turkmen" "Türkmençe" "Latn" [];
    "tur" "tr" "Turkish" "Türkçe" "Latn" [];
    "ukr" "uk" "Ukrainian" "Українська" "Cyrl" [];
    "urd" "ur" "Urdu" "اردو" "Arab" [];
    "uzb" "uz" "Uzbek" "Oʻzbek" "Latn" ["uzn"];
    "vie" "vi" "Vietnamese" "Tiếng Việt" "Latn" [];
    "wol" "wo" "Wolof" "Wolof" "Latn" [];
    "xho" "xh" "Xhosa" "isiXhosa" "Latn" [];
    "yid" "yi" "Yiddish" "ייִדיש" "Hebr" ["ydd"];
    "yor" "yo" "Yoruba" "Yorùbá" "Latn" [];
    "zho" "zh" "Chinese" "中文" "Hani" ["cmn", "yue"];
    "zul" "zu" "Zulu" "isiZulu" "Latn" [];
}

/// Names public datasets use that are neither a code nor the English name.
const EXTRA_NAMES: &[(&str, &str)] = &[
    ("jp", "jpn"),
    ("farsi", "fas"),
    ("mandarin", "zho"),
    ("chinese simplified", "zho-Hans"),
    ("chinese traditional", "zho-Hant"),
    ("kiswahili", "swa"),
    ("filipino", "tgl"),
    ("haitian", "hat"),
    ("bangla", "ben"),
    ("persian", "fas"),
];

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
mod tests {
    use super::*;

    #[test]
    fn parses_what_public_datasets_write() {
        let cases = [
            ("de", "deu"),
            ("deu", "deu"),
            ("deu_Latn", "deu"),
            ("zho_Hans", "zho-Hans"),
            ("zho-CN", "zho-Hans"),
            ("zh", "zho"),
            ("cmn", "zho"),
            ("arb", "ara"),
            ("arb_Arab", "ara"),
            ("swh", "swa"),
            ("sw", "swa"),
            ("quy", "que"),
            ("jp", "jpn"),
            ("Bengali", "ben"),
            ("gujarati", "guj"),
            ("srp_Latn", "srp-Latn"),
            ("pt-BR", "por"),
            ("es-419", "spa"),
            (" EN ", "eng"),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input).map(|t| t.0), Some(want.to_string()), "{input}");
        }
        for bad in ["", "xx", "klingon", "de-Latnx", "deu_12"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn table_is_consistent() {
        let mut codes: Vec<_> = LANGUAGES.iter().map(|l| l.code).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "a code appears twice");
        for l in LANGUAGES {
            assert_eq!(l.code.len(), 3, "{}", l.code);
            assert_eq!(l.script.len(), 4, "{}", l.code);
            assert_eq!(parse(l.code).map(|t| t.0), Some(l.code.to_string()));
            if let Some(i) = l.iso1 {
                assert_eq!(parse(i).map(|t| t.0), Some(l.code.to_string()), "{i}");
            }
        }
        assert!(LangTag("ara".into()).rtl());
        assert!(!LangTag("deu".into()).rtl());
        assert_eq!(LangTag("deu".into()).display(), "German (Deutsch)");
    }
}
