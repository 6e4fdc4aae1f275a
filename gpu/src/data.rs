//! Training data: conversations turned into token ids with a target mask, split into training and
//! validation (stratified by language), and laid out into batches — packed or padded — in an
//! order fixed by the seed, so that a resumed run sees exactly the batches it would have seen.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use candle_core::{Device, Result as CResult, Tensor};
use polytune_api::{Example, TurnRole};

use crate::model::segment_mask;
use crate::sampler::SplitMix64;
use crate::template::Message;
use crate::tokenizer::ChatTokenizer;

#[derive(Debug, Clone, PartialEq)]
pub struct TokenizedExample {
    pub language: String,
    pub ids: Vec<u32>,
    /// `train[i]`: token i is predicted (and counts in the loss).
    pub train: Vec<bool>,
}

impl TokenizedExample {
    fn targets(&self) -> usize {
        self.train.iter().skip(1).filter(|t| **t).count()
    }
}

/// What reading a conversation file found.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    pub examples: Vec<TokenizedExample>,
    /// Examples left out because no token of theirs would be trained on.
    pub without_targets: usize,
    /// Examples cut to the sequence length.
    pub truncated: usize,
}

pub fn messages(ex: &Example) -> Vec<Message> {
    ex.turns
        .iter()
        .map(|t| {
            let role = match t.role {
                TurnRole::System => "system",
                TurnRole::User => "user",
                TurnRole::Assistant => "assistant",
            };
            Message::new(role, &t.text)
        })
        .collect()
}

/// Reads canonical JSON lines (one `Example` per line), renders each with the model's chat
/// template and tokenizes it. A malformed line stops with its line number.
pub fn load_jsonl(path: &Path, tok: &ChatTokenizer, all_tokens: bool, seq_len: usize) -> Result<Loaded, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Loaded::default();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{} line {}: {e}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let ex: Example = serde_json::from_str(&line)
            .map_err(|e| format!("{} line {}: not an example: {e}", path.display(), i + 1))?;
        let enc = tok
            .encode_conversation(&messages(&ex), all_tokens)
            .map_err(|e| format!("{} line {}: {e}", path.display(), i + 1))?;
        let mut t =
            TokenizedExample { language: ex.language.unwrap_or_else(|| "und".into()), ids: enc.ids, train: enc.train };
        if t.ids.len() > seq_len {
            t.ids.truncate(seq_len);
            t.train.truncate(seq_len);
            out.truncated += 1;
        }
        if t.targets() == 0 {
            out.without_targets += 1;
            continue;
        }
        out.examples.push(t);
    }
    Ok(out)
}

/// Holds out `fraction` of each language (at least one example of a language with four or
/// more), chosen by the seed. Returns (train, validation).
pub fn stratified_split(
    examples: Vec<TokenizedExample>,
    fraction: f64,
    seed: u64,
) -> (Vec<TokenizedExample>, Vec<TokenizedExample>) {
    let mut by_lang: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        by_lang.entry(e.language.clone()).or_default().push(i);
    }
    let mut is_val = vec![false; examples.len()];
    let mut rng = SplitMix64(seed ^ 0x5EED_5A17);
    for idx in by_lang.values() {
        let n = idx.len();
        let mut k = (n as f64 * fraction).round() as usize;
        if fraction > 0.0 && n >= 4 {
            k = k.max(1);
        }
        for &p in rng.permutation(n).iter().take(k.min(n.saturating_sub(1))) {
            is_val[idx[p]] = true;
        }
    }
    let (mut train, mut val) = (Vec::new(), Vec::new());
    for (e, v) in examples.into_iter().zip(is_val) {
        if v { val.push(e) } else { train.push(e) }
    }
    (train, val)
}

/// One micro-batch: rows of example indices.
pub type Rows = Vec<Vec<usize>>;

/// The micro-batches of one epoch, in order: examples shuffled by (seed, epoch), then packed
/// greedily into rows of at most `seq_len` tokens (or one example per row without packing).
pub fn epoch_plan(
    lengths: &[usize],
    seq_len: usize,
    batch_size: usize,
    packing: bool,
    seed: u64,
    epoch: usize,
) -> Vec<Rows> {
    let order = SplitMix64(seed.wrapping_add((epoch as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407)))
        .permutation(lengths.len());
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut fill = usize::MAX;
    for i in order {
        let n = lengths[i].min(seq_len);
        if packing && fill.saturating_add(n) <= seq_len {
            rows.last_mut().expect("a row is open").push(i);
            fill += n;
        } else {
            rows.push(vec![i]);
            fill = n;
        }
    }
    rows.chunks(batch_size).map(|c| c.to_vec()).collect()
}

/// Tensors for one micro-batch.
pub struct Batch {
    pub ids: Tensor,
    pub positions: Tensor,
    pub mask: Tensor,
    pub targets: Tensor,
    pub weights: Tensor,
    /// Tokens that are not padding.
    pub tokens: usize,
    /// Positions whose prediction counts.
    pub target_count: usize,
    /// Per row position, the language of its example (for per-language losses); None for padding.
    pub languages: Vec<Option<usize>>,
}

/// Lays out `rows` (indices into `examples`) as tensors; rows are padded to the longest.
pub fn make_batch(
    examples: &[TokenizedExample],
    rows: &Rows,
    pad_id: u32,
    language_index: &dyn Fn(&str) -> usize,
    device: &Device,
) -> CResult<Batch> {
    let t = rows.iter().map(|r| r.iter().map(|&i| examples[i].ids.len()).sum::<usize>()).max().unwrap_or(1).max(1);
    let b = rows.len();
    let mut ids = Vec::with_capacity(b * t);
    let mut pos = Vec::with_capacity(b * t);
    let mut seg = Vec::with_capacity(b * t);
    let mut tgt = Vec::with_capacity(b * t);
    let mut wts = Vec::with_capacity(b * t);
    let mut langs = Vec::with_capacity(b * t);
    let (mut tokens, mut target_count) = (0, 0);
    for row in rows {
        let mut used = 0;
        for (k, &i) in row.iter().enumerate() {
            let e = &examples[i];
            let lang = language_index(&e.language);
            for p in 0..e.ids.len() {
                ids.push(e.ids[p]);
                pos.push(p as u32);
                seg.push(k as u32);
                let next = p + 1 < e.ids.len() && e.train[p + 1];
                tgt.push(if p + 1 < e.ids.len() { e.ids[p + 1] } else { 0 });
                wts.push(if next { 1f32 } else { 0.0 });
                langs.push(Some(lang));
                target_count += next as usize;
            }
            used += e.ids.len();
            tokens += e.ids.len();
        }
        for p in 0..t - used {
            ids.push(pad_id);
            pos.push(p as u32);
            seg.push(u32::MAX);
            tgt.push(0);
            wts.push(0.0);
            langs.push(None);
        }
    }
    Ok(Batch {
        ids: Tensor::from_vec(ids, (b, t), device)?,
        positions: Tensor::from_vec(pos, b * t, device)?,
        mask: segment_mask(&seg, b, t, device)?,
        targets: Tensor::from_vec(tgt, b * t, device)?,
        weights: Tensor::from_vec(wts, b * t, device)?,
        tokens,
        target_count,
        languages: langs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(lang: &str, n: usize) -> TokenizedExample {
        TokenizedExample { language: lang.into(), ids: (0..n as u32).collect(), train: vec![true; n] }
    }

    #[test]
    fn split_is_stratified_and_seeded() {
        let all: Vec<_> = (0..40).map(|i| ex(if i % 4 == 0 { "dan" } else { "eng" }, 3 + i)).collect();
        let (train, val) = stratified_split(all.clone(), 0.1, 1);
        assert_eq!(train.len() + val.len(), 40);
        assert_eq!(val.iter().filter(|e| e.language == "dan").count(), 1);
        assert_eq!(val.iter().filter(|e| e.language == "eng").count(), 3);
        assert_eq!(stratified_split(all, 0.1, 1).1, val);
    }

    #[test]
    fn packing_fills_rows_and_keeps_every_example_once() {
        let lengths = [5, 3, 8, 2, 7, 1, 4];
        let plan = epoch_plan(&lengths, 8, 2, true, 3, 0);
        let mut seen: Vec<usize> = plan.iter().flatten().flatten().copied().collect();
        for row in plan.iter().flatten() {
            assert!(row.iter().map(|&i| lengths[i]).sum::<usize>() <= 8);
        }
        seen.sort();
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
        assert_ne!(epoch_plan(&lengths, 8, 2, true, 3, 1), plan, "each epoch has its own order");
        assert_eq!(epoch_plan(&lengths, 8, 2, false, 3, 0).iter().flatten().count(), 7);
    }
}
