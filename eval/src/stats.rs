//! The statistics behind "beyond noise": Wilson score intervals for proportions, the exact
//! McNemar test for paired 0/1 outcomes, and Holm's step-down correction across many tests.

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (95 %) of `k` successes in `n`; (0, 1) when `n` is 0.
pub fn wilson(k: f64, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = (k / n).clamp(0.0, 1.0);
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((center - half).max(0.0), (center + half).min(1.0))
}

/// n, mean, and the Wilson interval of 0/1 scores.
pub fn proportion(values: &[f64]) -> (usize, f64, f64, f64) {
    let n = values.len();
    let k: f64 = values.iter().sum();
    let mean = if n == 0 { 0.0 } else { k / n as f64 };
    let (lo, hi) = wilson(k, n);
    (n, mean, lo, hi)
}

/// ln C(n, k).
fn ln_choose(n: u64, k: u64) -> f64 {
    (1..=k).map(|i| ((n - k + i) as f64).ln() - (i as f64).ln()).sum()
}

/// The exact (binomial) two-sided McNemar test: `gained` items changed from wrong to right,
/// `lost` from right to wrong; under "no difference" each change goes either way with
/// probability ½. 1 when nothing changed.
pub fn mcnemar_exact(gained: usize, lost: usize) -> f64 {
    let n = (gained + lost) as u64;
    if n == 0 {
        return 1.0;
    }
    let k = gained.min(lost) as u64;
    let ln_half_n = n as f64 * 0.5f64.ln();
    let tail: f64 = (0..=k).map(|i| (ln_choose(n, i) + ln_half_n).exp()).sum();
    (2.0 * tail).min(1.0)
}

/// Holm's step-down adjustment: adjusted p-values in the input's order, each compared with the
/// family's α keeps the family-wise error at α.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![1.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let adj = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adj);
        out[i] = running;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn wilson_matches_hand_computation() {
        // k = 8, n = 10: p = 0.8, z² = 3.8415; denom = 1.38415; center = (0.8 + 0.19207) / 1.38415
        // = 0.71673; half = 1.95996 × sqrt(0.016 + 0.0096037) / 1.38415 = 0.22655 → (0.4902, 0.9433).
        let (lo, hi) = wilson(8.0, 10);
        assert!(close(lo, 0.4902, 1e-3) && close(hi, 0.9433, 1e-3), "{lo} {hi}");
        // All right in 50: the interval still admits a miss now and then: (0.9287, 1).
        let (lo, hi) = wilson(50.0, 50);
        assert!(close(lo, 0.9287, 1e-3) && hi == 1.0, "{lo} {hi}");
        assert_eq!(wilson(0.0, 0), (0.0, 1.0));
        let (n, mean, _, _) = proportion(&[1.0, 0.0, 1.0, 1.0]);
        assert_eq!((n, mean), (4, 0.75));
    }

    #[test]
    fn mcnemar_is_the_exact_binomial_test() {
        // 9 gained, 1 lost: 2 × P(X ≤ 1 | n = 10, ½) = 2 × 11/1024 = 0.021484.
        assert!(close(mcnemar_exact(9, 1), 0.021484, 1e-6));
        // 5 and 5: as likely as it gets → 1.
        assert_eq!(mcnemar_exact(5, 5), 1.0);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        // 0 and 6: 2 × (½)^6 = 0.03125, symmetric in its arguments.
        assert!(close(mcnemar_exact(0, 6), 0.03125, 1e-9));
        assert_eq!(mcnemar_exact(6, 0), mcnemar_exact(0, 6));
        // Large counts stay finite: 600 vs 400 is far beyond noise.
        assert!(mcnemar_exact(600, 400) < 1e-8);
    }

    #[test]
    fn holm_steps_down() {
        // p = 0.01, 0.04, 0.03 (m = 3): sorted 0.01 ×3 = 0.03, 0.03 ×2 = 0.06, 0.04 ×1 = 0.04 → max-so-far 0.06.
        let adj = holm(&[0.01, 0.04, 0.03]);
        assert!(close(adj[0], 0.03, 1e-12) && close(adj[2], 0.06, 1e-12) && close(adj[1], 0.06, 1e-12), "{adj:?}");
        assert!(holm(&[]).is_empty());
        assert_eq!(holm(&[0.9, 0.8]), vec![1.0, 1.0]);
    }
}
