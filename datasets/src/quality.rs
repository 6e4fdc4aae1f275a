//! Quality flags of one example. Each check is a plain heuristic, named so a person can judge it.

use polytune_api::{Example, Flag, TurnRole};

use crate::langid;
use crate::minhash::normalize;

/// What the checks need to know besides the example.
pub struct Seen<'a> {
    pub instruction_lang: Option<&'a str>,
    pub response_lang: Option<&'a str>,
    pub instruction_script: Option<&'a str>,
    pub response_script: Option<&'a str>,
}

pub fn flags(e: &Example, seen: &Seen<'_>) -> Vec<Flag> {
    let mut out = Vec::new();
    let answers: Vec<&str> =
        e.turns.iter().filter(|t| t.role == TurnRole::Assistant).map(|t| t.text.as_str()).collect();
    if answers.is_empty() {
        out.push(Flag::NoAnswer);
    } else if answers.iter().all(|a| a.trim().is_empty()) {
        out.push(Flag::EmptyAnswer);
    }
    if let Some(last) = answers.last() {
        if looks_truncated(last) {
            out.push(Flag::TruncatedAnswer);
        }
        if repetition(last) >= 0.5 {
            out.push(Flag::RepeatedNgrams);
        }
    }
    let instruction = e.instruction_text();
    if let Some(first) = answers.first() {
        let (i, a) = (normalize(&instruction), normalize(first));
        if i.chars().count() >= 20 && a.contains(&i) {
            out.push(Flag::CopiesInstruction);
        }
    }
    // Wrong script: the declared language is not written in the script the text is in.
    if let Some(declared) = e.language.as_deref() {
        let code = declared.split('-').next().unwrap_or(declared);
        let wrong = [seen.instruction_script, seen.response_script]
            .into_iter()
            .flatten()
            .any(|s| !langid::script_fits(code, s));
        if wrong {
            out.push(Flag::WrongScript);
        }
    }
    if let (Some(a), Some(b)) = (seen.instruction_lang, seen.response_lang) {
        if a != b {
            out.push(Flag::LanguageMismatch);
        }
    }
    out
}

/// A long answer that stops on a letter, not on punctuation, a closing bracket or code.
fn looks_truncated(answer: &str) -> bool {
    let t = answer.trim_end();
    if t.chars().count() < 200 {
        return false;
    }
    t.chars().last().is_some_and(|c| c.is_alphabetic() && !matches!(c, '了' | '的' | '吗' | '呢'))
        && !t.ends_with("```")
}

/// Share of repeated word 3-grams (character 6-grams for text without spaces), 0 for short text.
pub fn repetition(text: &str) -> f64 {
    let words: Vec<&str> = text.split_whitespace().collect();
    let grams: Vec<String> = if words.len() >= 12 {
        words.windows(3).map(|w| w.join(" ")).collect()
    } else {
        let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        if chars.len() < 40 {
            return 0.0;
        }
        chars.windows(6).map(|w| w.iter().collect()).collect()
    };
    if grams.len() < 10 {
        return 0.0;
    }
    let total = grams.len();
    let mut distinct = grams;
    distinct.sort_unstable();
    distinct.dedup();
    1.0 - distinct.len() as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use polytune_api::Turn;

    fn ex(user: &str, answer: Option<&str>, lang: Option<&str>) -> Example {
        let mut turns = vec![Turn { role: TurnRole::User, text: user.into() }];
        if let Some(a) = answer {
            turns.push(Turn { role: TurnRole::Assistant, text: a.into() });
        }
        Example { id: "1".into(), source: "t".into(), language: lang.map(Into::into), turns, meta: Default::default() }
    }

    const NONE: Seen<'static> =
        Seen { instruction_lang: None, response_lang: None, instruction_script: None, response_script: None };

    #[test]
    fn each_flag_fires_on_its_case_and_not_on_a_good_example() {
        assert_eq!(flags(&ex("Name a color.", Some("Blue."), None), &NONE), vec![]);
        assert_eq!(flags(&ex("Name a color.", None, None), &NONE), vec![Flag::NoAnswer]);
        assert_eq!(flags(&ex("Name a color.", Some("  "), None), &NONE), vec![Flag::EmptyAnswer]);
        let cut = format!("{} and then the", "This answer goes on and on. ".repeat(8));
        assert!(flags(&ex("Tell a story.", Some(&cut), None), &NONE).contains(&Flag::TruncatedAnswer));
        let rep = "buy now buy now buy now ".repeat(10);
        assert!(flags(&ex("Advertise.", Some(&rep), None), &NONE).contains(&Flag::RepeatedNgrams));
        let q = "Translate this sentence into French please";
        assert!(flags(&ex(q, Some(&format!("{q}: Traduisez")), None), &NONE).contains(&Flag::CopiesInstruction));
        let seen = Seen { instruction_script: Some("Latn"), ..NONE };
        assert!(flags(&ex("namaste duniya", Some("ok"), Some("hin")), &seen).contains(&Flag::WrongScript));
        let seen = Seen { instruction_lang: Some("tha"), response_lang: Some("eng"), ..NONE };
        assert!(flags(&ex("x", Some("y"), None), &seen).contains(&Flag::LanguageMismatch));
    }

    #[test]
    fn repetition_is_a_share() {
        assert_eq!(repetition("short"), 0.0);
        assert!(repetition(&"a b c ".repeat(20)) > 0.9);
        assert!(repetition("one two three four five six seven eight nine ten eleven twelve thirteen") < 0.01);
    }
}
