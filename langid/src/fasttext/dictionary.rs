//! fastText's dictionary and how it turns a line of text into input rows, exactly as the C++
//! `Dictionary::getLine` does: whitespace-separated tokens, `</s>` at the newline, each known word
//! its own row plus its character n-grams, unknown words their n-grams only, word n-grams hashed
//! into buckets, and in pruned (`.ftz`) models only the buckets that were kept.

use std::collections::HashMap;

use crate::error::Result;
use crate::read::Reader;

pub(crate) const EOS: &str = "</s>";
const BOW: u8 = b'<';
const EOW: u8 = b'>';

/// fastText's FNV-1a over bytes *sign-extended* to 32 bits (`uint32_t(int8_t(c))`): bytes ≥ 0x80
/// hash differently from a plain FNV-1a, which is why a naive port mispredicts non-ASCII text.
pub(crate) fn hash(bytes: &[u8]) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for &b in bytes {
        h ^= b as i8 as i32 as u32;
        h = h.wrapping_mul(16_777_619);
    }
    h
}

pub(crate) struct Settings {
    pub minn: usize,
    pub maxn: usize,
    pub bucket: u64,
    pub word_ngrams: usize,
    pub label_prefix: &'static [u8],
}

pub(crate) struct Dictionary {
    words: HashMap<Vec<u8>, usize>,
    /// Character n-gram rows of each word (its own row first), precomputed as fastText does.
    subwords: Vec<Vec<usize>>,
    nwords: usize,
    pub labels: Vec<String>,
    pub label_counts: Vec<i64>,
    /// Kept buckets of a pruned model: bucket → row offset after the words.
    prune: Option<HashMap<i32, i32>>,
    settings: Settings,
}

impl Dictionary {
    pub fn load(r: &mut Reader, settings: Settings) -> Result<Self> {
        let size = r.count_i32("dictionary size", i32::MAX as usize)?;
        let nwords = r.count_i32("word count", size)?;
        let nlabels = r.count_i32("label count", size)?;
        if nwords + nlabels != size {
            return Err(r.corrupt(format!("{nwords} words and {nlabels} labels do not make {size} entries")));
        }
        let _ntokens = r.i64("token count")?;
        let prune_size = r.i64("pruned bucket count")?;
        // Each entry takes at least 10 bytes (NUL, count, type).
        r.room_for(size, 10, "dictionary entries")?;
        let mut words = HashMap::with_capacity(nwords);
        let mut word_list = Vec::with_capacity(nwords);
        let mut labels = Vec::with_capacity(nlabels);
        let mut label_counts = Vec::with_capacity(nlabels);
        for i in 0..size {
            let word = r.cstr("a dictionary entry")?.to_vec();
            let count = r.i64("an entry count")?;
            let kind = r.u8("an entry type")?;
            match (kind, i < nwords) {
                (0, true) => {
                    words.insert(word.clone(), i);
                    word_list.push(word);
                }
                (1, false) => {
                    labels.push(String::from_utf8_lossy(&word).into_owned());
                    label_counts.push(count);
                }
                _ => return Err(r.corrupt(format!("entry {i} has type {kind}; words must come before labels"))),
            }
        }
        let prune = if prune_size >= 0 {
            let n = prune_size as usize;
            r.room_for(n, 8, "pruned buckets")?;
            let mut m = HashMap::with_capacity(n);
            for _ in 0..n {
                let from = r.i32("a pruned bucket")?;
                let to = r.i32("a pruned bucket's row")?;
                if to < 0 {
                    return Err(r.corrupt(format!("pruned bucket {from} maps to row {to}")));
                }
                m.insert(from, to);
            }
            Some(m)
        } else {
            None
        };
        let mut dict = Dictionary { words, subwords: Vec::new(), nwords, labels, label_counts, prune, settings };
        dict.subwords = word_list
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let mut rows = vec![i];
                if w.as_slice() != EOS.as_bytes() {
                    dict.char_ngrams(w, &mut rows);
                }
                rows
            })
            .collect();
        Ok(dict)
    }

    /// The largest input row any line can ask for, for checking against the input matrix.
    pub fn max_row(&self) -> usize {
        let buckets = match &self.prune {
            Some(m) => m.values().map(|&v| v as usize + 1).max().unwrap_or(0),
            None => self.settings.bucket as usize,
        };
        self.nwords + buckets
    }

    fn push_bucket(&self, rows: &mut Vec<usize>, id: i64) {
        match &self.prune {
            Some(m) if m.is_empty() => {}
            Some(m) => {
                if let Some(&to) = m.get(&(id as i32)) {
                    rows.push(self.nwords + to as usize);
                }
            }
            None => rows.push(self.nwords + id as usize),
        }
    }

    /// Character n-grams of `<word>` between `minn` and `maxn` characters (UTF-8 aware), skipping
    /// the lone `<` and `>`.
    fn char_ngrams(&self, word: &[u8], rows: &mut Vec<usize>) {
        let (minn, maxn) = (self.settings.minn, self.settings.maxn);
        if maxn == 0 || self.settings.bucket == 0 {
            return;
        }
        let mut w = Vec::with_capacity(word.len() + 2);
        w.push(BOW);
        w.extend_from_slice(word);
        w.push(EOW);
        let cont = |b: u8| b & 0xC0 == 0x80;
        for i in 0..w.len() {
            if cont(w[i]) {
                continue;
            }
            let mut j = i;
            let mut n = 1;
            while j < w.len() && n <= maxn {
                j += 1;
                while j < w.len() && cont(w[j]) {
                    j += 1;
                }
                if n >= minn && !(n == 1 && (i == 0 || j == w.len())) {
                    let h = hash(&w[i..j]) as u64 % self.settings.bucket;
                    self.push_bucket(rows, h as i64);
                }
                n += 1;
            }
        }
    }

    /// The input rows of one line of text (fastText's `getLine` followed by `addWordNgrams`).
    pub fn line(&self, text: &str, rows: &mut Vec<usize>) {
        rows.clear();
        let mut hashes: Vec<i32> = Vec::new();
        let bytes = text.as_bytes();
        let is_space = |b: u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0B | 0x0C | 0);
        let mut i = 0;
        // Python's `predict` appends a newline: the line always ends with `</s>`.
        loop {
            while i < bytes.len() && is_space(bytes[i]) && bytes[i] != b'\n' {
                i += 1;
            }
            let token: &[u8] = if i >= bytes.len() || bytes[i] == b'\n' {
                EOS.as_bytes()
            } else {
                let start = i;
                while i < bytes.len() && !is_space(bytes[i]) {
                    i += 1;
                }
                &bytes[start..i]
            };
            let h = hash(token);
            match self.words.get(token) {
                Some(&wid) => {
                    rows.extend_from_slice(&self.subwords[wid]);
                    hashes.push(h as i32);
                }
                None if token.starts_with(self.settings.label_prefix) => {}
                None => {
                    if token != EOS.as_bytes() {
                        self.char_ngrams(token, rows);
                    }
                    hashes.push(h as i32);
                }
            }
            if token == EOS.as_bytes() {
                break;
            }
        }
        let n = self.settings.word_ngrams;
        if self.settings.bucket == 0 {
            return;
        }
        for a in 0..hashes.len() {
            // `uint64_t h = hashes[i]` sign-extends, and so does each added hash.
            let mut h = hashes[a] as i64 as u64;
            for &next in hashes.iter().take((a + n).min(hashes.len())).skip(a + 1) {
                h = h.wrapping_mul(116_049_371).wrapping_add(next as i64 as u64);
                self.push_bucket(rows, (h % self.settings.bucket) as i64);
            }
        }
    }
}
