//! Languages as pages name and mark them: one way to say each, and a colour swatch.

use leptos::prelude::*;
use polytune_api::lang::LangTag;

use crate::components::charts::lang_color;
use crate::i18n::{Msg, t};

/// "German (Deutsch)"; `und` (not determined) is "Unknown".
pub fn lang_name(code: &str) -> String {
    if code == "und" {
        return t(Msg::CommonLangUnknown).into();
    }
    LangTag(code.to_string()).display()
}

/// "German"; an unknown code shows as itself.
pub fn english(code: &str) -> String {
    LangTag(code.to_string()).language().map(|l| l.english.to_string()).unwrap_or_else(|| code.to_string())
}

/// "deu — German (Deutsch)"; an unknown code shows as itself.
pub fn lang_full(code: &str) -> String {
    let tag = LangTag(code.to_string());
    if tag.language().is_some() { format!("{code} — {}", tag.display()) } else { code.to_string() }
}

/// "kaz · Kazakh"; an unknown code shows as itself.
pub fn lang_label(code: &str) -> String {
    match LangTag(code.to_string()).language() {
        Some(l) => format!("{code} · {}", l.english),
        None => code.to_string(),
    }
}

/// The language's colour, as in every chart (decorative: the code is always written beside it).
pub fn swatch(code: &str) -> impl IntoView + use<> {
    view! { <span class="swatch lang" style=format!("background:{}", lang_color(code)) aria-hidden="true"></span> }
}

/// A language as a person typed it ("de", "deu_Latn", "German"), named as the studio knows it;
/// what it does not know shows as typed.
pub fn typed_lang_name(input: &str) -> String {
    polytune_api::lang::parse(input).map(|l| l.display()).unwrap_or_else(|| input.to_string())
}

/// Languages typed as a list ("sw, yo th"): the entries, separated by commas or spaces.
pub fn typed_list(input: &str) -> Vec<String> {
    input.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}
