//! Profiling a version: per-language counts, lengths, tokenizer fertility, duplicates and quality
//! flags, in one streamed pass over its canonical JSON lines. Examples are analyzed in batches in
//! parallel (rayon); aggregates are merged in order, so the result does not depend on thread count.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::ops::ControlFlow;
use std::time::Instant;

use polytune_api::{Annotation, Example, LanguageStats, Profile};
use rayon::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{DataError, Result, Stored, Written};
use crate::langid;
use crate::minhash::{self, BANDS, Groups};
use crate::quality::{self, Seen};

/// Examples per parallel batch.
const BATCH: usize = 2048;
/// Histogram bins: 0, 1, 2–3, 4–7, … 2^20 and more characters.
pub const BINS: usize = 22;
/// How many duplicate groups of each kind a profile lists.
const LISTED_GROUPS: usize = 200;

pub fn length_bins() -> Vec<u64> {
    (0..BINS).map(|i| if i == 0 { 0 } else { 1u64 << (i - 1) }).collect()
}

fn bin(chars: u32) -> usize {
    if chars == 0 { 0 } else { ((32 - chars.leading_zeros()) as usize).min(BINS - 1) }
}

/// Counts tokens with a `tokenizer.json`, and which of them are raw bytes.
pub struct TokenCounter {
    tokenizer: tokenizers::Tokenizer,
    byte_token: Vec<bool>,
}

impl TokenCounter {
    pub fn from_file(path: &std::path::Path) -> Result<Self> {
        let tokenizer =
            tokenizers::Tokenizer::from_file(path).map_err(|source| DataError::TokenizerUnloadable { source })?;
        Ok(Self::new(tokenizer))
    }

    pub fn new(tokenizer: tokenizers::Tokenizer) -> Self {
        let vocab = tokenizer.get_vocab(true);
        let size = vocab.values().map(|v| *v as usize + 1).max().unwrap_or(0);
        let byte_level = vocab.keys().any(|k| k.starts_with('Ġ'));
        let inverse = byte_level_inverse();
        let mut byte_token = vec![false; size];
        for (tok, id) in &vocab {
            let sentencepiece_byte = tok.len() == 6 && tok.starts_with("<0x") && tok.ends_with('>');
            let partial_utf8 = byte_level && {
                let bytes: Option<Vec<u8>> = tok.chars().map(|c| inverse.get(&c).copied()).collect();
                bytes.is_some_and(|b| std::str::from_utf8(&b).is_err())
            };
            byte_token[*id as usize] = sentencepiece_byte || partial_utf8;
        }
        TokenCounter { tokenizer, byte_token }
    }

    pub fn tokenizer(&self) -> &tokenizers::Tokenizer {
        &self.tokenizer
    }

    /// (tokens, byte tokens) of a text, without special tokens.
    pub fn count(&self, text: &str) -> (u32, u32) {
        match self.tokenizer.encode_fast(text, false) {
            Ok(enc) => {
                let ids = enc.get_ids();
                let bytes =
                    ids.iter().filter(|id| self.byte_token.get(**id as usize).copied().unwrap_or(false)).count();
                (ids.len() as u32, bytes as u32)
            }
            Err(_) => (0, 0),
        }
    }
}

/// GPT-2's byte-level alphabet, from character back to byte.
fn byte_level_inverse() -> std::collections::HashMap<char, u8> {
    let mut printable: Vec<u32> = (b'!' as u32..=b'~' as u32).chain(0xA1..=0xAC).chain(0xAE..=0xFF).collect();
    let mut chars: Vec<u32> = printable.clone();
    let mut n = 0;
    for b in 0..256u32 {
        if !printable.contains(&b) {
            printable.push(b);
            chars.push(256 + n);
            n += 1;
        }
    }
    printable.into_iter().zip(chars).filter_map(|(b, c)| char::from_u32(c).map(|c| (c, b as u8))).collect()
}

/// One example, analyzed.
struct Analysis {
    ann: Annotation,
    /// The instruction's identified language when a declared one says otherwise.
    contradicts: Option<String>,
    key: String,
    turns: u64,
    words: u64,
    byte_tokens: u64,
    exact: u64,
    bands: [u64; BANDS],
    sketch: [u8; BANDS * minhash::ROWS],
}

fn analyze(e: &Example, tokens: Option<&TokenCounter>, detector: &langid::Detector) -> Analysis {
    let instruction = e.instruction_text();
    let response = e.response_text();
    let declared = e.language.as_deref();
    let (di, si) = detector.detect(&instruction);
    let canonical = |l: &str| polytune_api::lang::parse(l).map_or_else(|| l.to_string(), |t| t.code().to_string());
    let contradicts = match (declared, &di) {
        (Some(d), Some(found)) if canonical(d) != canonical(found) => Some(canonical(found)),
        _ => None,
    };
    let (dr, sr) = detector.detect(&response);
    // A declared language wins for the instruction; detection cannot know every language.
    let li = declared.map(str::to_string).or(di);
    let lr = dr;
    // A mismatch needs enough text on both sides to trust detection.
    let enough = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count() >= 20;
    let both = enough(&instruction) && enough(&response);
    fn trusted(l: &Option<String>, both: bool) -> Option<&str> {
        l.as_deref().filter(|_| both)
    }
    let li_code = li.as_deref().map(|l| l.split('-').next().unwrap_or(l).to_string());
    let lr_code = lr.as_deref().map(|l| l.split('-').next().unwrap_or(l).to_string());
    // Only compare when detection could have recognized the declared language.
    let comparable = li_code.as_deref().is_some_and(|c| detector.supported(c));
    let seen = Seen {
        instruction_lang: if comparable { trusted(&li_code, both) } else { None },
        response_lang: if comparable { trusted(&lr_code, both) } else { None },
        instruction_script: si,
        response_script: sr,
    };
    let f = quality::flags(e, &seen);
    let full = e.turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n");
    let (t, byte_tokens) = tokens.map(|tc| tc.count(&full)).unwrap_or((0, 0));
    let words = full.unicode_words().count() as u64;
    let norm = minhash::normalize(&full);
    let exact = minhash::exact_key(&norm);
    let sig = minhash::signature(&norm);
    let bands = minhash::bands(&sig);
    let sketch = minhash::sketch(&sig);
    let ann = Annotation {
        li: li.clone(),
        si: si.map(str::to_string),
        lr,
        sr: sr.map(str::to_string),
        ci: e
            .turns
            .iter()
            .filter(|t| t.role != polytune_api::TurnRole::Assistant)
            .map(|t| t.text.chars().count() as u32)
            .sum(),
        cr: response.chars().count() as u32,
        t,
        f,
    };
    Analysis {
        contradicts,
        key: li.unwrap_or_else(|| "und".into()),
        ann,
        turns: e.turns.len() as u64,
        words,
        byte_tokens: byte_tokens as u64,
        exact,
        bands,
        sketch,
    }
}

/// Profiles canonical JSON lines from `input`, writing one [`Annotation`] line per example to
/// `annotations`. `progress(examples, bytes)` is called after every batch; returning `Break` stops.
pub fn profile(
    mut input: impl BufRead,
    tokens: Option<&TokenCounter>,
    tokenizer_name: Option<String>,
    detector: &langid::Detector,
    annotations: &mut dyn Write,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<Profiled> {
    let started = Instant::now();
    let mut stats: BTreeMap<String, LanguageStats> = BTreeMap::new();
    let mut p = Profile {
        length_bins: length_bins(),
        tokenizer: tokenizer_name,
        identifier: detector.name().to_string(),
        ..Profile::default()
    };
    let mut exact: Vec<u64> = Vec::new();
    let mut bands: Vec<[u64; BANDS]> = Vec::new();
    let mut sketches: Vec<[u8; BANDS * minhash::ROWS]> = Vec::new();
    let mut bytes = 0u64;
    let mut lines: Vec<String> = Vec::with_capacity(BATCH);
    loop {
        lines.clear();
        let mut done = false;
        while lines.len() < BATCH {
            let mut line = String::new();
            let n = input
                .read_line(&mut line)
                .map_err(|source| DataError::StoredFileUnreadable { file: Stored::Examples, source })?;
            if n == 0 {
                done = true;
                break;
            }
            bytes += n as u64;
            if !line.trim().is_empty() {
                lines.push(line);
            }
        }
        let base = p.examples;
        let analyzed: Result<Vec<Analysis>> = lines
            .par_iter()
            .enumerate()
            .map(|(i, l)| {
                let e: Example = serde_json::from_str(l).map_err(|source| DataError::StoredFileDamaged {
                    file: Stored::Examples,
                    index: base + i as u64,
                    source,
                })?;
                Ok(analyze(&e, tokens, detector))
            })
            .collect();
        for a in analyzed? {
            let s = stats.entry(a.key.clone()).or_insert_with(|| LanguageStats {
                language: a.key.clone(),
                instruction_lengths: vec![0; BINS],
                response_lengths: vec![0; BINS],
                ..LanguageStats::default()
            });
            s.examples += 1;
            s.turns += a.turns;
            s.chars += (a.ann.ci + a.ann.cr) as u64;
            s.words += a.words;
            s.tokens += a.ann.t as u64;
            s.byte_tokens += a.byte_tokens;
            s.instruction_lengths[bin(a.ann.ci)] += 1;
            s.response_lengths[bin(a.ann.cr)] += 1;
            if let Some(lr) = &a.ann.lr {
                *s.response_languages.entry(lr.clone()).or_default() += 1;
            }
            if let Some(found) = &a.contradicts {
                *s.instruction_detected.entry(found.clone()).or_default() += 1;
            }
            if let Some(si) = &a.ann.si {
                *s.scripts.entry(si.clone()).or_default() += 1;
            }
            for f in &a.ann.f {
                *s.flags.entry(f.key().to_string()).or_default() += 1;
                *p.flags.entry(f.key().to_string()).or_default() += 1;
            }
            p.examples += 1;
            p.turns += a.turns;
            p.tokens += a.ann.t as u64;
            p.chars += (a.ann.ci + a.ann.cr) as u64;
            exact.push(a.exact);
            bands.push(a.bands);
            sketches.push(a.sketch);
            serde_json::to_writer(&mut *annotations, &a.ann).map_err(|e| DataError::write(Written::Annotations, e))?;
            annotations.write_all(b"\n").map_err(|e| DataError::write(Written::Annotations, e))?;
        }
        if progress(p.examples, bytes).is_break() {
            return Err(DataError::Stopped);
        }
        if done {
            break;
        }
    }
    // Exact duplicates: equal normalized text.
    let n = exact.len();
    let mut g = Groups::new(n);
    let mut pairs: Vec<(u64, u32)> = exact.iter().enumerate().map(|(i, k)| (*k, i as u32)).collect();
    g.link_equal(&mut pairs);
    drop(pairs);
    let exact_groups = g.multi();
    // Near duplicates: an LSH band in common and a verified similarity (a sketch comparison);
    // groups made only of exact copies are not repeated.
    let mut g = Groups::new(n);
    let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(n);
    for b in 0..BANDS {
        pairs.clear();
        pairs.extend(bands.iter().enumerate().map(|(i, k)| (k[b], i as u32)));
        g.link_equal_verified(&mut pairs, |a, b| {
            minhash::sketch_similarity(&sketches[a as usize], &sketches[b as usize]) >= minhash::NEAR_JACCARD
        });
    }
    drop(bands);
    drop(sketches);
    let near_groups: Vec<Vec<u64>> =
        g.multi().into_iter().filter(|grp| grp.iter().any(|i| exact[*i as usize] != exact[grp[0] as usize])).collect();
    p.exact_duplicates = exact_groups.iter().map(|g| g.len() as u64).sum();
    p.near_duplicates = near_groups.iter().map(|g| g.len() as u64).sum();
    p.exact_groups = exact_groups.iter().take(LISTED_GROUPS).cloned().collect();
    p.near_groups = near_groups.iter().take(LISTED_GROUPS).cloned().collect();
    for s in stats.values_mut() {
        if s.tokens > 0 {
            s.tokens_per_word = (s.words > 0).then(|| s.tokens as f64 / s.words as f64);
            s.tokens_per_char = (s.chars > 0).then(|| s.tokens as f64 / s.chars as f64);
            s.byte_fallback_rate = Some(s.byte_tokens as f64 / s.tokens as f64);
        }
    }
    let mut languages: Vec<LanguageStats> = stats.into_values().collect();
    languages.sort_by(|a, b| b.examples.cmp(&a.examples).then(a.language.cmp(&b.language)));
    p.languages = languages;
    p.seconds = started.elapsed().as_secs_f64();
    Ok(Profiled { profile: p, groups: DuplicateGroups { exact: exact_groups, near: near_groups } })
}

/// Every group of duplicates, by example index (the profile lists only the first ones).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DuplicateGroups {
    pub exact: Vec<Vec<u64>>,
    pub near: Vec<Vec<u64>>,
}

impl DuplicateGroups {
    /// For each example in a group, the group's other members, per kind.
    pub fn index(&self) -> std::collections::HashMap<u64, (Option<usize>, Option<usize>)> {
        let mut m: std::collections::HashMap<u64, (Option<usize>, Option<usize>)> = std::collections::HashMap::new();
        for (gi, g) in self.exact.iter().enumerate() {
            for i in g {
                m.entry(*i).or_default().0 = Some(gi);
            }
        }
        for (gi, g) in self.near.iter().enumerate() {
            for i in g {
                m.entry(*i).or_default().1 = Some(gi);
            }
        }
        m
    }
}

pub struct Profiled {
    pub profile: Profile,
    pub groups: DuplicateGroups,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files declared Bengali whose instructions are English: the profile counts the contradiction
    /// (what the studio says in words), and an honest declaration counts none.
    #[test]
    fn a_contradicted_declaration_is_counted() {
        let mut input = String::new();
        let texts = [
            "How many apples does Janet have after buying two more at the market?",
            "Write a short letter to your neighbour about the noise in the evening.",
            "Explain why the sky looks blue on a clear day in simple words.",
        ];
        for (i, t) in texts.iter().enumerate() {
            let e = serde_json::json!({"id": i.to_string(), "source": "t", "language": "ben",
                "turns": [{"role": "user", "text": t}, {"role": "assistant", "text": "The answer follows in a few sentences here."}]});
            input.push_str(&format!("{e}\n"));
        }
        let honest = serde_json::json!({"id": "b", "source": "t", "language": "eng",
            "turns": [{"role": "user", "text": texts[0]}, {"role": "assistant", "text": "The answer follows in a few sentences here."}]});
        input.push_str(&format!("{honest}\n"));
        let mut sink = Vec::new();
        let detector = langid::Detector::default_ref();
        let out =
            profile(input.as_bytes(), None, None, detector, &mut sink, &mut |_, _| ControlFlow::Continue(())).unwrap();
        let ben = out.profile.languages.iter().find(|l| l.language == "ben").unwrap();
        assert_eq!(ben.examples, 3);
        assert_eq!(ben.instruction_detected.get("eng"), Some(&3), "{ben:?}");
        let eng = out.profile.languages.iter().find(|l| l.language == "eng").unwrap();
        assert!(eng.instruction_detected.is_empty(), "{eng:?}");
    }
}
