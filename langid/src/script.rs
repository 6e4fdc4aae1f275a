//! The writing system of a text, as an ISO 15924 code (`Latn`, `Cyrl`, `Hang`, `Jpan`…), from
//! the Unicode Script property (`unicode-script`, the unicode-rs crate). Letters only: digits,
//! punctuation and emoji are `Common` and do not vote.

use unicode_script::{Script, UnicodeScript};

/// How many characters of a text are looked at.
pub const MAX_CHARS: usize = 256;

/// Letters needed before a text has a script (and a language) at all.
pub const MIN_LETTERS: usize = 3;

/// The ISO 15924 code of the script most letters of `text` (its first [`MAX_CHARS`] characters)
/// are written in; `None` with fewer than [`MIN_LETTERS`] letters. Japanese kana with Han count as
/// `Jpan`; Han alone is `Hani` (Chinese, simplified or traditional).
pub fn dominant(text: &str) -> Option<&'static str> {
    let mut counts: Vec<(Script, usize)> = Vec::new();
    let mut letters = 0;
    for c in text.chars().take(MAX_CHARS) {
        if c.is_ascii() && !c.is_ascii_alphabetic() {
            continue;
        }
        let s = if c.is_ascii() { Script::Latin } else { c.script() };
        if matches!(s, Script::Common | Script::Inherited | Script::Unknown) || !c.is_alphabetic() {
            continue;
        }
        letters += 1;
        match counts.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    if letters < MIN_LETTERS {
        return None;
    }
    let count = |s: Script| counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
    let kana = count(Script::Hiragana) + count(Script::Katakana);
    let han = count(Script::Han);
    let (top, n) = counts.iter().copied().max_by_key(|&(s, n)| (n, std::cmp::Reverse(s.short_name())))?;
    if kana > 0 && kana + han >= n {
        return Some("Jpan");
    }
    Some(match top {
        Script::Han => "Hani",
        Script::Hangul => "Hang",
        s => s.short_name(),
    })
}

/// Whether a FLORES label's script (`zho_Hans` → `Hans`) is written with letters of `script`.
pub fn label_fits(label_script: &str, script: &str) -> bool {
    label_script == script
        || matches!((label_script, script), ("Hans" | "Hant" | "Jpan", "Hani") | ("Jpan", "Jpan") | ("Kore", "Hang"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_of_texts() {
        assert_eq!(dominant("Der schnelle braune Fuchs"), Some("Latn"));
        assert_eq!(dominant("Быстрая лиса"), Some("Cyrl"));
        assert_eq!(dominant("東京は日本の首都です"), Some("Jpan"));
        assert_eq!(dominant("敏捷的棕色狐狸"), Some("Hani"));
        assert_eq!(dominant("한국어 문장입니다"), Some("Hang"));
        assert_eq!(dominant("ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⵏⴰⵡⴰⵢⵜ"), Some("Tfng"));
        assert_eq!(dominant("12345 !!! 🎉🎉"), None);
        assert_eq!(dominant(""), None);
        // Mixed: the majority decides.
        assert_eq!(dominant("Hello мир, this is mostly English"), Some("Latn"));
    }
}
