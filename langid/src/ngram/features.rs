//! The features a text is identified by: lower-cased words (letters, marks and apostrophes;
//! digits, punctuation and symbols separate words), each padded with a space on both sides, cut
//! into character n-grams of `min_order..=max_order` characters, plus the whole word. Each feature is a
//! 64-bit hash (xxh3 seeded by its order, so "ab" as a bigram and as a word differ).

use unicode_script::{Script, UnicodeScript};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::script::MAX_CHARS;

/// Seed of whole-word features (n-gram features use their order as the seed).
const WORD_SEED: u64 = 0x5eed_0f_30_4d;

/// Words longer than this (in characters) add no whole-word feature: in scripts written without
/// spaces a "word" is a whole clause.
const MAX_WORD_CHARS: usize = 24;

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic() || c == '\'';
    }
    c == '’' || c.is_alphabetic() || !matches!(c.script(), Script::Common | Script::Unknown)
}

/// The words of a text's first [`MAX_CHARS`] characters, lower-cased, each as " word ".
pub(crate) fn words(text: &str, mut each: impl FnMut(&str)) {
    let mut word = String::with_capacity(64);
    word.push(' ');
    for c in text.chars().take(MAX_CHARS) {
        if c.is_ascii_uppercase() {
            word.push(c.to_ascii_lowercase());
        } else if is_word_char(c) {
            word.extend(c.to_lowercase());
        } else if word.len() > 1 {
            word.push(' ');
            each(&word);
            word.truncate(1);
        }
    }
    if word.len() > 1 {
        word.push(' ');
        each(&word);
    }
}

/// Appends the feature hashes of `text` to `out` (cleared first). Returns the letters counted.
pub(crate) fn features(text: &str, orders: (usize, usize), out: &mut Vec<u64>) -> usize {
    let (min_order, max_order) = orders;
    out.clear();
    let mut letters = 0;
    let mut bounds: Vec<usize> = Vec::with_capacity(64);
    words(text, |w| {
        bounds.clear();
        bounds.extend(w.char_indices().map(|(i, _)| i));
        bounds.push(w.len());
        let nchars = bounds.len() - 1;
        letters += nchars - 2;
        let bytes = w.as_bytes();
        for i in 0..nchars {
            for n in min_order..=max_order.min(nchars - i) {
                if n == 1 && (i == 0 || i == nchars - 1) {
                    continue; // a lone boundary space
                }
                out.push(xxh3_64_with_seed(&bytes[bounds[i]..bounds[i + n]], n as u64));
            }
        }
        if nchars - 2 <= MAX_WORD_CHARS {
            out.push(xxh3_64_with_seed(bytes, WORD_SEED));
        }
    });
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_letters() {
        let mut seen = Vec::new();
        words("Hello, WORLD! 42 l'amour Ünïcode", |w| seen.push(w.to_string()));
        assert_eq!(seen, vec![" hello ", " world ", " l'amour ", " ünïcode "]);
    }

    #[test]
    fn features_count_ngrams_and_words() {
        let mut f = Vec::new();
        // " ab " has 4 chars: unigrams a,b (2) + bigrams " a","ab","b " (3) + trigrams (2) + 4-gram (1) + word (1)
        assert_eq!(features("ab", (1, 4), &mut f), 2);
        assert_eq!(f.len(), 2 + 3 + 2 + 1 + 1);
        assert_eq!(features("!!! 123", (1, 4), &mut f), 0);
        assert!(f.is_empty());
    }
}
