//! A character n-gram identifier the studio trains itself: multinomial naive Bayes over the
//! [`features`] of a text, with Lidstone smoothing. Chosen over a fastText-style classifier by
//! the measurement in `datasets/LANGID.md`: with a few hundred sentences per language, counting
//! n-grams beats learning embeddings, trains in seconds and is exactly reproducible.
//!
//! For each language `L` with `N_L` feature occurrences in training and a feature seen `c` times
//! in it, `log P(f | L) = ln((c + α) / (N_L + α V))`. Scoring keeps only what is sparse: every
//! language starts at `n · ln(α / (N_L + α V))` for a text of `n` features, and each feature adds
//! `ln(1 + c / α)` to the languages it was seen in — a few dozen additions per feature instead of
//! one per language.

pub mod default;
mod features;
mod file;
mod train;

pub use train::{Settings, TrainReport, train, train_additions};

use std::borrow::Cow;

use crate::prefetch::prefetch;

/// What training counted, as stored in the file: per language the feature occurrences (`N_L`),
/// and per feature (in hash order) its postings: the languages it was seen in and how often.
pub(crate) struct Counts {
    pub totals: Vec<u64>,
    pub entries: Vec<(u64, u32, u16)>,
    pub post_lang: Vec<u16>,
    pub post_count: Vec<u32>,
}

/// A trained identifier.
pub struct NgramModel {
    labels: Vec<String>,
    settings: Settings,
    /// `ln(α / (N_L + α V))` per language.
    base: Vec<f32>,
    /// The model file this was read from or trained into (counts only; see [`file`]).
    file: Cow<'static, [u8]>,
    /// Distinct features and postings kept.
    size: (usize, usize),
    table: Table,
    /// `(ln(1 + c / α), language)` of each posting, side by side: one cache miss per list.
    scored: Vec<(f32, u16)>,
    /// Features seen in many languages are scored from dense rows (one value per language, 0
    /// where unseen): adding a row vectorizes, walking a long posting list does not.
    dense: Vec<u8>,
    /// Where the training data came from and its licence, carried in the file.
    pub notice: String,
}

/// How many features ahead the scorer asks for a table slot.
const PREFETCH_AHEAD: usize = 16;

/// A feature seen in at least this many languages gets a dense row.
const DENSE_FROM: usize = 32;
/// Dense rows hold `ln(1 + c / α)` in steps of 1/16 (at most 15.9: a count of 10⁶ at α = 0.1 is 16.1).
const DENSE_SCALE: f32 = 16.0;

/// Open addressing from feature hash to where its scores are, in 8-byte slots so that the
/// table stays in the CPU's cache: the low bits of the hash pick the slot, its high 32 bits are
/// kept as a fingerprint (a false match is a 1 in 2³² event per probe), and the value is either a
/// dense row (top bit set) or a sparse posting list (24-bit start, 7-bit length).
#[derive(Clone, Copy, Default)]
struct Slot {
    tag: u32,
    value: u32,
}

const DENSE_BIT: u32 = 1 << 31;
/// Sparse postings a model may have (24 bits of start).
pub(crate) const MAX_SPARSE: usize = 1 << 24;

/// Whether a model's sparse postings fit the table's 24-bit starts.
pub(crate) fn sparse_postings(entries: &[(u64, u32, u16)]) -> usize {
    entries.iter().filter(|e| (e.2 as usize) < DENSE_FROM).map(|e| e.2 as usize).sum()
}

/// Bytes of dense rows a model may have (features seen in many languages × languages).
pub(crate) const MAX_DENSE_BYTES: usize = 1 << 28;

pub(crate) fn dense_bytes(entries: &[(u64, u32, u16)], nlabels: usize) -> usize {
    entries.iter().filter(|e| (e.2 as usize) >= DENSE_FROM).count().saturating_mul(nlabels)
}

enum Hit {
    Dense(usize),
    Sparse(usize, usize),
}

struct Table {
    slots: Vec<Slot>,
    mask: usize,
}

fn tag(k: u64) -> u32 {
    ((k >> 32) as u32) | 1 // 0 marks an empty slot
}

impl Table {
    fn build(entries: &[(u64, Hit)]) -> Table {
        let cap = (entries.len() * 3 / 2 + 1).next_power_of_two().max(16);
        let mut t = Table { slots: vec![Slot::default(); cap], mask: cap - 1 };
        for (k, hit) in entries {
            let value = match *hit {
                Hit::Dense(row) => DENSE_BIT | row as u32,
                Hit::Sparse(start, len) => (start as u32) | ((len as u32) << 24),
            };
            let mut i = *k as usize & t.mask;
            while t.slots[i].tag != 0 {
                i = (i + 1) & t.mask;
            }
            t.slots[i] = Slot { tag: tag(*k), value };
        }
        t
    }

    /// Asks for the slot where `k`'s probe starts.
    #[inline]
    fn prefetch(&self, k: u64) {
        prefetch(&self.slots[k as usize & self.mask]);
    }

    #[inline]
    fn get(&self, k: u64) -> Option<Hit> {
        let want = tag(k);
        let mut i = k as usize & self.mask;
        loop {
            let s = self.slots[i];
            if s.tag == want {
                return Some(if s.value & DENSE_BIT != 0 {
                    Hit::Dense((s.value & !DENSE_BIT) as usize)
                } else {
                    Hit::Sparse((s.value & 0xff_ffff) as usize, (s.value >> 24) as usize)
                });
            }
            if s.tag == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Adds the 16-bit sums into the 32-bit totals and clears them.
fn add_into(totals: &mut [u32], sums: &mut [u16]) {
    for (t, s) in totals.iter_mut().zip(sums.iter_mut()) {
        *t += *s as u32;
        *s = 0;
    }
}

/// Scores of every language for one text.
pub struct Scores {
    /// Per-language log-likelihood divided by the number of features.
    pub per_feature: Vec<f32>,
    /// Letters in the text.
    pub letters: usize,
}

impl NgramModel {
    pub(crate) fn assemble(
        labels: Vec<String>,
        settings: Settings,
        notice: String,
        counts: Counts,
        file: Cow<'static, [u8]>,
    ) -> Self {
        let Counts { totals, entries, post_lang, post_count } = counts;
        let alpha = settings.alpha as f64;
        let post_delta: Vec<f32> = post_count.iter().map(|&c| (1.0 + c as f64 / alpha).ln() as f32).collect();
        let n = labels.len();
        let mut dense = Vec::new();
        let mut scored: Vec<(f32, u16)> = Vec::new();
        let slots: Vec<(u64, Hit)> = entries
            .iter()
            .map(|&(k, s, l)| {
                let (s, l) = (s as usize, l as usize);
                if l < DENSE_FROM {
                    let start = scored.len();
                    scored.extend((s..s + l).map(|p| (post_delta[p], post_lang[p])));
                    return (k, Hit::Sparse(start, l));
                }
                let row = dense.len() / n;
                dense.resize(dense.len() + n, 0);
                for p in s..s + l {
                    dense[row * n + post_lang[p] as usize] =
                        (post_delta[p] * DENSE_SCALE).round().clamp(0.0, 255.0) as u8;
                }
                (k, Hit::Dense(row))
            })
            .collect();
        let table = Table::build(&slots);
        let vocab = entries.len() as f64;
        let base = totals.iter().map(|&n| (alpha / (n as f64 + alpha * vocab)).ln() as f32).collect();
        let size = (entries.len(), post_lang.len());
        NgramModel { labels, settings, base, file, size, table, scored, dense, notice }
    }

    /// Distinct features and postings kept.
    pub fn size(&self) -> (usize, usize) {
        self.size
    }

    /// The FLORES labels (`swh_Latn`) this model knows.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Per-language scores of a text; `None` when it has fewer letters than a language can be told from.
    pub fn scores(&self, text: &str, scratch: &mut Vec<u64>) -> Option<Scores> {
        let letters = features::features(text, self.settings.orders(), scratch);
        if letters < crate::script::MIN_LETTERS || scratch.is_empty() {
            return None;
        }
        let n = scratch.len() as f32;
        let mut acc = vec![0.0f32; self.labels.len()];
        let mut acc_dense = vec![0u32; self.labels.len()];
        let nl = self.labels.len();
        // Two passes: first every lookup, with the table slot of a feature a few places ahead
        // and the scores of each hit asked for early (prefetched), so that the independent cache
        // misses of one text overlap; then the additions, from lines already on their way.
        let mut hits: Vec<Hit> = Vec::with_capacity(scratch.len());
        for (i, &f) in scratch.iter().enumerate() {
            if let Some(&ahead) = scratch.get(i + PREFETCH_AHEAD) {
                self.table.prefetch(ahead);
            }
            if let Some(hit) = self.table.get(f) {
                match hit {
                    Hit::Dense(row) => {
                        let r = &self.dense[row * nl..(row + 1) * nl];
                        for line in r.chunks(64) {
                            prefetch(line.as_ptr());
                        }
                    }
                    Hit::Sparse(s, _) => prefetch(&self.scored[s]),
                }
                hits.push(hit);
            }
        }
        // Dense rows add into 16-bit sums (twice the lanes of 32-bit ones), moved into the 32-bit
        // totals before they could overflow: 257 rows of at most 255 each fit in 65,535.
        let mut acc16 = vec![0u16; nl];
        let mut rows16 = 0;
        for hit in &hits {
            match *hit {
                Hit::Dense(row) => {
                    for (a, &d) in acc16.iter_mut().zip(&self.dense[row * nl..(row + 1) * nl]) {
                        *a += d as u16;
                    }
                    rows16 += 1;
                    if rows16 == 257 {
                        add_into(&mut acc_dense, &mut acc16);
                        rows16 = 0;
                    }
                }
                Hit::Sparse(s, l) => {
                    for &(d, lang) in &self.scored[s..s + l] {
                        acc[lang as usize] += d;
                    }
                }
            }
        }
        add_into(&mut acc_dense, &mut acc16);
        for ((a, d), b) in acc.iter_mut().zip(&acc_dense).zip(&self.base) {
            *a = (*a + *d as f32 / DENSE_SCALE) / n + b;
        }
        Some(Scores { per_feature: acc, letters })
    }

    /// The best label among `allowed` (all when `None`) and its probability (see
    /// [`probabilities`](Self::probabilities)); `None` when nothing is allowed.
    pub fn best(&self, scores: &Scores, allowed: Option<&[bool]>) -> Option<(usize, f32)> {
        let ok = |i: usize| allowed.is_none_or(|a| a.get(i).copied().unwrap_or(false));
        let p = self.probabilities(scores, allowed);
        (0..p.len()).filter(|&i| ok(i)).max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a))).map(|i| (i, p[i]))
    }

    /// The probability of every label (0 outside `allowed`): a softmax over per-feature scores
    /// sharpened by the model's calibrated temperature.
    pub fn probabilities(&self, scores: &Scores, allowed: Option<&[bool]>) -> Vec<f32> {
        let ok = |i: usize| allowed.is_none_or(|a| a.get(i).copied().unwrap_or(false));
        let t = self.settings.temperature;
        let max = scores
            .per_feature
            .iter()
            .enumerate()
            .filter(|&(i, _)| ok(i))
            .map(|(_, &s)| s)
            .fold(f32::NEG_INFINITY, f32::max);
        let mut p: Vec<f32> = scores
            .per_feature
            .iter()
            .enumerate()
            // A term below e⁻³⁰ (the best label's is 1) changes no probability beyond float
            // noise: skip its exp.
            .map(|(i, &s)| {
                let x = (s - max) * t;
                if ok(i) && x > -30.0 { x.exp() } else { 0.0 }
            })
            .collect();
        let z: f32 = p.iter().sum();
        if z > 0.0 {
            p.iter_mut().for_each(|x| *x /= z);
        }
        p
    }

    /// For measuring (`examples/ngram_stats.rs`): the number of features of a text.
    pub fn feature_count(&self, text: &str, scratch: &mut Vec<u64>) -> usize {
        features::features(text, self.settings.orders(), scratch);
        scratch.len()
    }

    /// Convenience: the best label of a text and its probability.
    pub fn predict(&self, text: &str) -> Option<(&str, f32)> {
        let mut scratch = Vec::new();
        let scores = self.scores(text, &mut scratch)?;
        let (i, p) = self.best(&scores, None)?;
        Some((&self.labels[i], p))
    }
}
