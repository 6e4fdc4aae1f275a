//! Picking the next token from logits: greedy, temperature, top-k, top-p, repetition penalty.
//! Plain Rust over a slice, shared by the server's generation and the browser preview.

use serde::{Deserialize, Serialize};

pub use polytune_api::SamplingParams;

/// A small, fast, seedable generator (SplitMix64); its whole state is one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn next_normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// A random permutation of 0..n (Fisher–Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
        v
    }
}

pub struct Sampler {
    params: SamplingParams,
    rng: SplitMix64,
}

impl Sampler {
    pub fn new(params: SamplingParams) -> Self {
        let rng = SplitMix64(params.seed);
        Sampler { params, rng }
    }

    pub fn params(&self) -> &SamplingParams {
        &self.params
    }

    /// The next token, given the logits of the last position and every token so far.
    pub fn sample(&mut self, logits: &mut [f32], previous: &[u32]) -> u32 {
        let p = &self.params;
        if p.repetition_penalty != 1.0 {
            let mut seen = previous.to_vec();
            seen.sort_unstable();
            seen.dedup();
            for &t in &seen {
                if let Some(l) = logits.get_mut(t as usize) {
                    *l = if *l > 0.0 { *l / p.repetition_penalty } else { *l * p.repetition_penalty };
                }
            }
        }
        if p.temperature == 0.0 {
            return argmax(logits);
        }
        let mut order: Vec<u32> = (0..logits.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| logits[b as usize].total_cmp(&logits[a as usize]).then(a.cmp(&b)));
        if p.top_k > 0 && p.top_k < order.len() {
            order.truncate(p.top_k);
        }
        let max = logits[order[0] as usize];
        let mut probs: Vec<f32> = order.iter().map(|&t| ((logits[t as usize] - max) / p.temperature).exp()).collect();
        let sum: f32 = probs.iter().sum();
        probs.iter_mut().for_each(|x| *x /= sum);
        if p.top_p < 1.0 {
            let mut acc = 0.0;
            let mut keep = probs.len();
            for (i, &q) in probs.iter().enumerate() {
                acc += q;
                if acc >= p.top_p {
                    keep = i + 1;
                    break;
                }
            }
            probs.truncate(keep);
            order.truncate(keep);
        }
        let total: f32 = probs.iter().sum();
        let mut r = self.rng.next_f32() * total;
        for (i, &q) in probs.iter().enumerate() {
            if r < q {
                return order[i];
            }
            r -= q;
        }
        order[probs.len() - 1]
    }
}

pub fn argmax(xs: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &x) in xs.iter().enumerate() {
        if x > xs[best] {
            best = i;
        }
    }
    best as u32
}

/// Where a stop sequence first appears in `text`, if any.
pub fn find_stop(text: &str, stop: &[String]) -> Option<usize> {
    stop.iter().filter(|s| !s.is_empty()).filter_map(|s| text.find(s.as_str())).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polytune_api::Validate;

    #[test]
    fn greedy_top_k_top_p_and_penalty() {
        let mut s = Sampler::new(SamplingParams::default());
        assert_eq!(s.sample(&mut [0.1, 3.0, 2.0], &[]), 1);
        // A strong repetition penalty moves greedy off a token already used.
        let mut s = Sampler::new(SamplingParams { repetition_penalty: 10.0, ..Default::default() });
        assert_eq!(s.sample(&mut [0.1, 3.0, 2.0], &[1]), 2);
        // top_k = 1 and top_p tiny are greedy whatever the temperature.
        for params in [
            SamplingParams { temperature: 5.0, top_k: 1, ..Default::default() },
            SamplingParams { temperature: 5.0, top_p: 0.01, ..Default::default() },
        ] {
            let mut s = Sampler::new(params);
            for _ in 0..50 {
                assert_eq!(s.sample(&mut [0.1, 3.0, 2.0], &[]), 1);
            }
        }
        // With temperature, frequencies follow the softmax.
        let mut s = Sampler::new(SamplingParams { temperature: 1.0, seed: 7, ..Default::default() });
        let mut counts = [0usize; 2];
        for _ in 0..20_000 {
            counts[s.sample(&mut [0.0, (3.0f32).ln()], &[]) as usize] += 1;
        }
        let share = counts[1] as f64 / 20_000.0;
        assert!((share - 0.75).abs() < 0.02, "{share}");
    }

    #[test]
    fn stops_and_checks() {
        assert_eq!(find_stop("Paris.\nUser:", &["User:".into(), "\n".into()]), Some(6));
        assert_eq!(find_stop("Paris", &["".into()]), None);
        assert!(!SamplingParams { top_p: 0.0, ..Default::default() }.validate().is_empty());
        assert!(SamplingParams::default().validate().is_empty());
        let mut r = SplitMix64(1);
        let mut p = r.permutation(100);
        p.sort();
        assert_eq!(p, (0..100).collect::<Vec<_>>());
    }
}
