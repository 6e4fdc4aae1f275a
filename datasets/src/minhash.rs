//! Near-duplicate detection: MinHash signatures over character 5-grams, banded for LSH.
//!
//! Character shingles work for every script (word shingles fail for Chinese, Japanese, Thai).
//! 64 one-permutation-hashing buckets in 8 bands of 8 rows: two texts become candidates when one band agrees,
//! which happens with probability 1 − (1 − J⁸)⁸ for Jaccard similarity J — 99% at J = 0.9,
//! 77% at J = 0.8, 3% at J = 0.5. Candidates are then verified: each keeps a 64-byte b-bit
//! sketch of its signature, and only pairs whose estimated similarity reaches [`NEAR_JACCARD`] are
//! linked (otherwise prompts sharing a long template chain into one group). The 8 band keys and
//! the sketch are kept per example (128 bytes); groups are found by sorting each band's keys.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

pub const BANDS: usize = 8;
/// Candidates are near duplicates when their estimated Jaccard similarity reaches this.
pub const NEAR_JACCARD: f64 = 0.7;
pub const ROWS: usize = 8;
const SHINGLE: usize = 5;

/// Lower-cased, whitespace collapsed: what "the same text" means for duplicates.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The hash that finds exact duplicates (after normalizing).
pub fn exact_key(normalized: &str) -> u64 {
    xxh3_64(normalized.as_bytes())
}

/// The signature of a normalized text, by one-permutation hashing: each shingle is hashed once
/// and lands in one of the 64 buckets by its top 6 bits, keeping the smallest value per bucket;
/// empty buckets borrow from the next full one (rotation densification), so short texts still
/// get a full signature. One hash per shingle instead of 64 (Li, Owen & Zhang 2012; Shrivastava
/// & Li 2014).
pub fn signature(normalized: &str) -> [u64; BANDS * ROWS] {
    const K: usize = BANDS * ROWS;
    let mut mins = [u64::MAX; K];
    let mut feed = |h: u64| {
        let b = (h >> 58) as usize;
        let v = h & ((1 << 58) - 1);
        if v < mins[b] {
            mins[b] = v;
        }
    };
    let bytes = normalized.as_bytes();
    let mut starts = normalized.char_indices().map(|(i, _)| i).chain([bytes.len()]);
    let mut window: std::collections::VecDeque<usize> = std::collections::VecDeque::with_capacity(SHINGLE + 1);
    let mut shingles = 0;
    for i in starts.by_ref() {
        window.push_back(i);
        if window.len() > SHINGLE {
            let (a, b) = (window[0], window[SHINGLE]);
            feed(xxh3_64(&bytes[a..b]));
            shingles += 1;
            window.pop_front();
        }
    }
    if shingles == 0 {
        feed(xxh3_64(bytes));
    }
    // Densify: an empty bucket takes the value of the next full bucket (cyclically), offset by
    // the distance so different empties stay distinct.
    for b in 0..K {
        if mins[b] == u64::MAX {
            for d in 1..K {
                let from = (b + d) % K;
                if mins[from] != u64::MAX && mins[from] < (1 << 58) {
                    mins[b] = mins[from] ^ ((d as u64) << 58);
                    break;
                }
            }
        }
    }
    mins
}

/// The LSH band keys of a signature.
pub fn bands(sig: &[u64; BANDS * ROWS]) -> [u64; BANDS] {
    let mut out = [0u64; BANDS];
    for (b, chunk) in sig.chunks(ROWS).enumerate() {
        let mut bytes = [0u8; ROWS * 8];
        for (i, v) in chunk.iter().enumerate() {
            bytes[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        out[b] = xxh3_64_with_seed(&bytes, b as u64);
    }
    out
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u64; BANDS * ROWS], b: &[u64; BANDS * ROWS]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / (BANDS * ROWS) as f64
}

/// A compact copy of a signature for verifying candidates: the lowest byte of each of its 64
/// values (b-bit MinHash, Li & König 2010) — 64 bytes per example instead of 512.
pub fn sketch(sig: &[u64; BANDS * ROWS]) -> [u8; BANDS * ROWS] {
    let mut out = [0u8; BANDS * ROWS];
    for (o, v) in out.iter_mut().zip(sig) {
        *o = *v as u8;
    }
    out
}

/// Jaccard similarity estimated from two sketches: bytes agree with probability J + (1 − J)/256,
/// so the share of agreeing bytes is corrected for the chance agreements.
pub fn sketch_similarity(a: &[u8; BANDS * ROWS], b: &[u8; BANDS * ROWS]) -> f64 {
    let agree = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / (BANDS * ROWS) as f64;
    ((agree - 1.0 / 256.0) / (1.0 - 1.0 / 256.0)).max(0.0)
}

/// Union-find over example indices.
pub struct Groups {
    parent: Vec<u32>,
}

impl Groups {
    pub fn new(n: usize) -> Self {
        Groups { parent: (0..n as u32).collect() }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index stays the root, so a group is named by its first member.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }

    /// Links every run of equal keys in `(key, index)` pairs (sorted here).
    pub fn link_equal(&mut self, pairs: &mut [(u64, u32)]) {
        pairs.sort_unstable();
        for w in pairs.windows(2) {
            if w[0].0 == w[1].0 {
                self.union(w[0].1, w[1].1);
            }
        }
    }

    /// Like [`link_equal`](Self::link_equal), but a run of equal keys (LSH candidates) links a
    /// member to the run's first member only when `accept(first, member)`: candidates are
    /// verified, so prompts that share a template but not their content do not chain together.
    pub fn link_equal_verified(&mut self, pairs: &mut [(u64, u32)], accept: impl Fn(u32, u32) -> bool) {
        pairs.sort_unstable();
        let mut start = 0;
        for i in 1..=pairs.len() {
            if i == pairs.len() || pairs[i].0 != pairs[start].0 {
                let anchor = pairs[start].1;
                for p in &pairs[start + 1..i] {
                    if accept(anchor, p.1) {
                        self.union(anchor, p.1);
                    }
                }
                start = i;
            }
        }
    }

    /// Groups with more than one member, each sorted, ordered by their first member.
    pub fn multi(mut self) -> Vec<Vec<u64>> {
        let n = self.parent.len();
        let mut by_root: std::collections::HashMap<u32, Vec<u64>> = std::collections::HashMap::new();
        let mut sizes = vec![0u32; n];
        for i in 0..n as u32 {
            let r = self.find(i);
            sizes[r as usize] += 1;
        }
        for i in 0..n as u32 {
            let r = self.find(i);
            if sizes[r as usize] > 1 {
                by_root.entry(r).or_default().push(i as u64);
            }
        }
        let mut groups: Vec<Vec<u64>> = by_root.into_values().collect();
        groups.sort_by_key(|g| g[0]);
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prompts built from one template around different sentences are not near duplicates of
    /// each other, even when a band happens to agree; a one-word edit still is.
    #[test]
    fn verified_candidates_do_not_chain_templated_prompts() {
        let template =
            |s: &str| format!("Translate the following sentence into English, keeping names as they are: {s}");
        let sentences =
            ["Der Hund schläft.", "Die Katze spielt.", "Wir gehen heute ins Kino.", "Es regnet seit Tagen."];
        let sketches: Vec<[u8; 64]> = sentences.iter().map(|s| sketch(&signature(&normalize(&template(s))))).collect();
        // Force every pair to be a candidate: one shared band key.
        let mut pairs: Vec<(u64, u32)> = (0..sketches.len() as u32).map(|i| (7, i)).collect();
        let mut g = Groups::new(sketches.len());
        g.link_equal_verified(&mut pairs, |a, b| {
            sketch_similarity(&sketches[a as usize], &sketches[b as usize]) >= NEAR_JACCARD
        });
        assert!(g.multi().is_empty(), "templated prompts were grouped");
        let a = sketch(&sig("The quick brown fox jumps over the lazy dog near the river bank every single morning."));
        let b = sketch(&sig("The quick brown fox jumps over the lazy dog near the river bank every single evening."));
        assert!(sketch_similarity(&a, &b) >= NEAR_JACCARD, "{}", sketch_similarity(&a, &b));
        assert!(sketch_similarity(&a, &a) > 0.99);
    }

    fn sig(s: &str) -> [u64; 64] {
        signature(&normalize(s))
    }

    #[test]
    fn similar_texts_share_bands_and_different_ones_do_not() {
        let a = "The quick brown fox jumps over the lazy dog near the river bank every single morning.";
        let b = "The quick brown fox jumps over the lazy dog near the river bank every single evening.";
        let c = "Photosynthesis converts light energy into chemical energy stored in glucose molecules.";
        let (sa, sb, sc) = (sig(a), sig(b), sig(c));
        assert!(similarity(&sa, &sb) > 0.7, "{}", similarity(&sa, &sb));
        assert!(similarity(&sa, &sc) < 0.2);
        let shared = |x: &[u64; 64], y: &[u64; 64]| bands(x).iter().zip(bands(y)).filter(|(p, q)| **p == *q).count();
        assert!(shared(&sa, &sb) >= 1);
        assert_eq!(shared(&sa, &sc), 0);
        // Case and spacing do not matter; signatures are stable.
        assert_eq!(sig("Hello   World"), sig("hello world"));
        assert_eq!(exact_key(&normalize("A  b")), exact_key(&normalize("a b")));
    }

    #[test]
    fn groups_link_transitively_and_are_named_by_their_first_member() {
        let mut g = Groups::new(6);
        let mut pairs = vec![(7, 4), (9, 1), (7, 2), (9, 5), (3, 0), (1, 3)];
        g.link_equal(&mut pairs);
        g.union(2, 5);
        assert_eq!(g.multi(), vec![vec![1, 2, 4, 5]]);
    }

    /// The candidate rate follows the banding formula on random sets of known overlap.
    #[test]
    fn candidate_rate_matches_theory() {
        let mut hits = 0;
        let trials = 300;
        for t in 0..trials {
            // Two sets of 100 distinct "words" sharing 90: Jaccard 90/110 ≈ 0.82.
            let words: Vec<String> = (0..110).map(|i| format!("w{t}x{i}q")).collect();
            let a = words[..100].join(" ");
            let b = words[10..].join(" ");
            let (sa, sb) = (signature(&a), signature(&b));
            if bands(&sa).iter().zip(bands(&sb)).any(|(p, q)| *p == q) {
                hits += 1;
            }
        }
        // Shingle overlap is a little below word overlap; expect well over half to be candidates.
        assert!(hits > trials / 2, "{hits}/{trials}");
    }
}
