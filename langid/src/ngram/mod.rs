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

mod features;
mod file;
mod train;

pub use train::{Settings, TrainReport, train};

/// A trained identifier.
pub struct NgramModel {
    labels: Vec<String>,
    settings: Settings,
    /// Feature occurrences per language in training (`N_L`).
    totals: Vec<u64>,
    /// `ln(α / (N_L + α V))` per language.
    base: Vec<f32>,
    /// (feature hash, first posting, postings) in hash order.
    entries: Vec<(u64, u32, u16)>,
    table: Table,
    /// Postings: the languages a feature was seen in and how often.
    post_lang: Vec<u16>,
    post_count: Vec<u32>,
    /// `ln(1 + c / α)` for small counts, computed once.
    delta: Vec<f32>,
    /// Where the training data came from and its licence, carried in the file.
    pub notice: String,
}

/// Open addressing from feature hash to its postings (keys are already hashes).
struct Table {
    keys: Vec<u64>,
    start: Vec<u32>,
    len: Vec<u16>,
    mask: usize,
}

impl Table {
    fn build(entries: &[(u64, u32, u16)]) -> Table {
        let cap = (entries.len() * 3 / 2 + 1).next_power_of_two().max(16);
        let mut t = Table { keys: vec![0; cap], start: vec![0; cap], len: vec![0; cap], mask: cap - 1 };
        for &(k, s, l) in entries {
            let k = k | 1; // 0 marks an empty slot
            let mut i = k as usize & t.mask;
            while t.keys[i] != 0 {
                i = (i + 1) & t.mask;
            }
            t.keys[i] = k;
            t.start[i] = s;
            t.len[i] = l;
        }
        t
    }

    fn get(&self, k: u64) -> Option<(usize, usize)> {
        let k = k | 1;
        let mut i = k as usize & self.mask;
        loop {
            let key = self.keys[i];
            if key == k {
                return Some((self.start[i] as usize, self.len[i] as usize));
            }
            if key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Scores of every language for one text.
pub struct Scores {
    /// Per-language log-likelihood divided by the number of features.
    pub per_feature: Vec<f32>,
    /// Letters in the text.
    pub letters: usize,
}

const DELTA_TABLE: usize = 4096;

impl NgramModel {
    pub(crate) fn assemble(
        labels: Vec<String>,
        settings: Settings,
        totals: Vec<u64>,
        entries: Vec<(u64, u32, u16)>,
        post_lang: Vec<u16>,
        post_count: Vec<u32>,
        notice: String,
    ) -> Self {
        let table = Table::build(&entries);
        let alpha = settings.alpha as f64;
        let vocab = entries.len() as f64;
        let base = totals.iter().map(|&n| (alpha / (n as f64 + alpha * vocab)).ln() as f32).collect();
        let delta = (0..DELTA_TABLE).map(|c| (1.0 + c as f64 / alpha).ln() as f32).collect();
        NgramModel { labels, settings, totals, base, entries, table, post_lang, post_count, delta, notice }
    }

    /// Distinct features and postings kept.
    pub fn size(&self) -> (usize, usize) {
        (self.entries.len(), self.post_lang.len())
    }

    /// The FLORES labels (`swh_Latn`) this model knows.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn delta(&self, c: u32) -> f32 {
        match self.delta.get(c as usize) {
            Some(&d) => d,
            None => (1.0 + c as f64 / self.settings.alpha as f64).ln() as f32,
        }
    }

    /// Per-language scores of a text; `None` when it has fewer letters than a language can be told from.
    pub fn scores(&self, text: &str, scratch: &mut Vec<u64>) -> Option<Scores> {
        let letters = features::features(text, self.settings.max_order as usize, scratch);
        if letters < crate::script::MIN_LETTERS || scratch.is_empty() {
            return None;
        }
        let n = scratch.len() as f32;
        let mut acc = vec![0.0f32; self.labels.len()];
        for &f in scratch.iter() {
            if let Some((s, l)) = self.table.get(f) {
                for p in s..s + l {
                    acc[self.post_lang[p] as usize] += self.delta(self.post_count[p]);
                }
            }
        }
        for (a, b) in acc.iter_mut().zip(&self.base) {
            *a = *a / n + b;
        }
        Some(Scores { per_feature: acc, letters })
    }

    /// The best label among `allowed` (all when `None`) and its probability: a softmax over
    /// per-feature scores sharpened by the model's calibrated temperature.
    pub fn best(&self, scores: &Scores, allowed: Option<&[bool]>) -> Option<(usize, f32)> {
        let ok = |i: usize| allowed.is_none_or(|a| a.get(i).copied().unwrap_or(false));
        let t = self.settings.temperature;
        let max = scores.per_feature.iter().enumerate().filter(|&(i, _)| ok(i)).map(|(_, &s)| s).fold(f32::NEG_INFINITY, f32::max);
        if !max.is_finite() {
            return None;
        }
        let mut z = 0.0f32;
        let mut best = (usize::MAX, f32::NEG_INFINITY);
        for (i, &s) in scores.per_feature.iter().enumerate() {
            if !ok(i) {
                continue;
            }
            z += ((s - max) * t).exp();
            if s > best.1 {
                best = (i, s);
            }
        }
        Some((best.0, 1.0 / z))
    }

    /// Convenience: the best label of a text and its probability.
    pub fn predict(&self, text: &str) -> Option<(&str, f32)> {
        let mut scratch = Vec::new();
        let scores = self.scores(text, &mut scratch)?;
        let (i, p) = self.best(&scores, None)?;
        Some((&self.labels[i], p))
    }
}
