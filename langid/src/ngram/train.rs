//! Training: count the features of every labeled sentence per language, drop rare ones, and lay
//! the counts out as postings. Deterministic: the same sentences in the same order give the same
//! bytes, on one thread, with no randomness at all.

use std::collections::HashMap;

use std::borrow::Cow;

use super::{Counts, NgramModel, features};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Shortest character n-gram.
    pub min_order: u8,
    /// Longest character n-gram.
    pub max_order: u8,
    /// Lidstone smoothing.
    pub alpha: f32,
    /// A feature seen fewer times than this in a language is not kept for it.
    pub min_count: u32,
    /// Sharpness of the softmax that turns per-feature scores into a probability.
    pub temperature: f32,
}

impl Settings {
    pub(crate) fn orders(&self) -> (usize, usize) {
        (self.min_order as usize, self.max_order as usize)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings { min_order: 1, max_order: 4, alpha: 0.1, min_count: 2, temperature: 40.0 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Per label: sentences used and sentences without a single letter (skipped).
    pub sentences: Vec<(String, usize, usize)>,
    pub features: usize,
    pub postings: usize,
}

/// Trains on `(label, text)` pairs. Labels are kept as given (FLORES `swh_Latn` for the default
/// model); `progress` is told the fraction done now and then.
pub fn train<'a>(
    examples: impl IntoIterator<Item = (&'a str, &'a str)>,
    settings: Settings,
    notice: String,
    progress: impl FnMut(f32),
) -> Result<(NgramModel, TrainReport)> {
    train_at_least(examples, settings, notice, progress, 2)
}

/// Counts of languages to add to another model with [`NgramModel::merged_with`]: one language
/// is enough, since the model it joins knows others.
pub fn train_additions<'a>(
    examples: impl IntoIterator<Item = (&'a str, &'a str)>,
    settings: Settings,
) -> Result<(NgramModel, TrainReport)> {
    train_at_least(examples, settings, String::new(), |_| {}, 1)
}

fn train_at_least<'a>(
    examples: impl IntoIterator<Item = (&'a str, &'a str)>,
    settings: Settings,
    notice: String,
    mut progress: impl FnMut(f32),
    min_languages: usize,
) -> Result<(NgramModel, TrainReport)> {
    if !(1..=8).contains(&settings.max_order) || !(1..=settings.max_order).contains(&settings.min_order) {
        return Err(Error::Training(format!(
            "n-gram orders {}..={} are not within 1..=8",
            settings.min_order, settings.max_order
        )));
    }
    if !(settings.alpha > 0.0 && settings.alpha.is_finite()) {
        return Err(Error::Training(format!("smoothing {} must be a positive number", settings.alpha)));
    }
    let examples: Vec<(&str, &str)> = examples.into_iter().collect();
    let mut labels: Vec<String> = examples.iter().map(|(l, _)| l.to_string()).collect();
    labels.sort();
    labels.dedup();
    if labels.iter().any(|l| l.trim().is_empty()) {
        return Err(Error::Training("an example has an empty language label".into()));
    }
    if labels.len() < min_languages {
        return Err(Error::Training(format!(
            "{} language(s) in the training data; an identifier needs at least {min_languages}",
            labels.len()
        )));
    }
    if labels.len() > u16::MAX as usize {
        return Err(Error::Training(format!("{} languages; at most {} are supported", labels.len(), u16::MAX)));
    }
    let index: HashMap<&str, usize> = labels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
    let mut counts: Vec<HashMap<u64, u32>> = vec![HashMap::new(); labels.len()];
    let mut totals = vec![0u64; labels.len()];
    let mut sentences: Vec<(String, usize, usize)> = labels.iter().map(|l| (l.clone(), 0, 0)).collect();
    let mut scratch = Vec::new();
    let order = settings.orders();
    for (k, (label, text)) in examples.iter().enumerate() {
        let li = index[label];
        let letters = features::features(text, order, &mut scratch);
        if letters == 0 {
            sentences[li].2 += 1;
            continue;
        }
        sentences[li].1 += 1;
        totals[li] += scratch.len() as u64;
        let c = &mut counts[li];
        for &f in &scratch {
            *c.entry(f).or_insert(0) += 1;
        }
        if k % 4096 == 0 {
            progress(0.8 * k as f32 / examples.len() as f32);
        }
    }
    if let Some((l, _, _)) = sentences.iter().find(|(_, used, _)| *used == 0) {
        return Err(Error::Training(format!("language {l} has no example with letters in it")));
    }
    let mut kept: Vec<(u64, u16, u32)> = Vec::new();
    for (li, c) in counts.into_iter().enumerate() {
        kept.extend(c.into_iter().filter(|&(_, n)| n >= settings.min_count).map(|(f, n)| (f, li as u16, n)));
    }
    progress(0.85);
    kept.sort_unstable();
    let mut entries: Vec<(u64, u32, u16)> = Vec::new();
    let mut post_lang = Vec::with_capacity(kept.len());
    let mut post_count = Vec::with_capacity(kept.len());
    for (i, &(f, l, n)) in kept.iter().enumerate() {
        if i == 0 || kept[i - 1].0 != f {
            entries.push((f, post_lang.len() as u32, 0));
        }
        entries.last_mut().expect("pushed").2 += 1;
        post_lang.push(l);
        post_count.push(n);
    }
    if super::sparse_postings(&entries) >= super::MAX_SPARSE
        || super::dense_bytes(&entries, labels.len()) > super::MAX_DENSE_BYTES
    {
        return Err(Error::Training(format!(
            "{} features are too many for one model; raise the minimum count (now {})",
            entries.len(),
            settings.min_count
        )));
    }
    let report = TrainReport { sentences, features: entries.len(), postings: post_lang.len() };
    progress(1.0);
    let counts = Counts { totals, entries, post_lang, post_count };
    let file = NgramModel::encode(&labels, &settings, &notice, &counts);
    Ok((NgramModel::assemble(labels, settings, notice, counts, Cow::Owned(file)), report))
}

impl NgramModel {
    /// A model that knows this model's languages and `other`'s: counts add up (a language in both
    /// gets the text of both), with this model's settings. This is how a workspace teaches the
    /// default identifier its own languages without the default's training data.
    pub fn merged_with(&self, other: &NgramModel, notice: String) -> Result<NgramModel> {
        let (la, sa, _, ca) = self.counts()?;
        let (lb, sb, _, cb) = other.counts()?;
        if (sa.min_order, sa.max_order, sa.alpha) != (sb.min_order, sb.max_order, sb.alpha) {
            return Err(Error::Training("the two identifiers were trained with different settings".into()));
        }
        let mut labels: Vec<String> = la.iter().chain(&lb).cloned().collect();
        labels.sort();
        labels.dedup();
        if labels.len() > u16::MAX as usize {
            return Err(Error::Training(format!("{} languages; at most {} are supported", labels.len(), u16::MAX)));
        }
        let index = |l: &String| labels.binary_search(l).expect("in the union") as u16;
        let map_a: Vec<u16> = la.iter().map(index).collect();
        let map_b: Vec<u16> = lb.iter().map(index).collect();
        let mut totals = vec![0u64; labels.len()];
        for (i, t) in ca.totals.iter().enumerate() {
            totals[map_a[i] as usize] += t;
        }
        for (i, t) in cb.totals.iter().enumerate() {
            totals[map_b[i] as usize] += t;
        }
        let postings = |c: &Counts, map: &[u16], e: usize| -> Vec<(u16, u32)> {
            let (_, s, l) = c.entries[e];
            (s as usize..s as usize + l as usize).map(|p| (map[c.post_lang[p] as usize], c.post_count[p])).collect()
        };
        let (mut i, mut j) = (0, 0);
        let mut entries = Vec::new();
        let (mut post_lang, mut post_count) = (Vec::new(), Vec::new());
        while i < ca.entries.len() || j < cb.entries.len() {
            let ka = ca.entries.get(i).map(|e| e.0);
            let kb = cb.entries.get(j).map(|e| e.0);
            let (key, mut list) = match (ka, kb) {
                (Some(a), Some(b)) if a == b => {
                    let mut l = postings(&ca, &map_a, i);
                    l.extend(postings(&cb, &map_b, j));
                    i += 1;
                    j += 1;
                    (a, l)
                }
                (Some(a), b) if b.is_none_or(|b| a < b) => {
                    i += 1;
                    (a, postings(&ca, &map_a, i - 1))
                }
                (_, Some(b)) => {
                    j += 1;
                    (b, postings(&cb, &map_b, j - 1))
                }
                _ => unreachable!("one side has entries left"),
            };
            list.sort_unstable();
            let start = post_lang.len() as u32;
            for (l, c) in list {
                if post_lang.len() > start as usize && *post_lang.last().expect("non-empty") == l {
                    *post_count.last_mut().expect("non-empty") += c;
                } else {
                    post_lang.push(l);
                    post_count.push(c);
                }
            }
            entries.push((key, start, (post_lang.len() - start as usize) as u16));
        }
        if super::sparse_postings(&entries) >= super::MAX_SPARSE
            || super::dense_bytes(&entries, labels.len()) > super::MAX_DENSE_BYTES
        {
            return Err(Error::Training(format!("{} features are too many for one model", entries.len())));
        }
        let counts = Counts { totals, entries, post_lang, post_count };
        let file = NgramModel::encode(&labels, &sa, &notice, &counts);
        Ok(NgramModel::assemble(labels, sa, notice, counts, Cow::Owned(file)))
    }
}
