//! From scored items to what a person reads: scores per task, language and metric with their
//! intervals, macro averages that say whether English is in them, the fidelity confusion table,
//! and the forgetting matrix of a tuned model against its base.

use std::collections::{BTreeMap, HashMap};

use polytune_api::{Confusion, EvalScore, ForgettingCell, MacroScore, Verdict};

use crate::stats::{holm, mcnemar_exact, proportion};

/// One scored item, as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub task: String,
    pub language: String,
    pub item_id: String,
    pub metrics: BTreeMap<String, f64>,
    pub answered_in: Option<String>,
}

/// The significance level of the forgetting matrix, after Holm's correction.
pub const ALPHA: f64 = 0.05;

/// Scores per (task, language, metric), macro averages per (task, metric), and, for tasks whose
/// answers were identified, which languages the answers were in.
pub fn aggregate(items: &[Scored]) -> (Vec<EvalScore>, Vec<MacroScore>, Vec<Confusion>) {
    let mut values: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
    let mut answered: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    for it in items {
        for (metric, v) in &it.metrics {
            values.entry((it.task.clone(), it.language.clone(), metric.clone())).or_default().push(*v);
        }
        if let Some(a) = &it.answered_in {
            *answered.entry((it.task.clone(), it.language.clone())).or_default().entry(a.clone()).or_default() += 1;
        }
    }
    let scores: Vec<EvalScore> = values
        .into_iter()
        .map(|((task, language, metric), v)| {
            let (n, value, lo, hi) = proportion(&v);
            EvalScore { task, language, metric, n, value, lo, hi }
        })
        .collect();
    let mut per: BTreeMap<(String, String), Vec<(&str, f64)>> = BTreeMap::new();
    for s in &scores {
        per.entry((s.task.clone(), s.metric.clone())).or_default().push((&s.language, s.value));
    }
    let macros = per
        .into_iter()
        .map(|((task, metric), langs)| {
            let mean = |xs: &[f64]| if xs.is_empty() { None } else { Some(xs.iter().sum::<f64>() / xs.len() as f64) };
            let all: Vec<f64> = langs.iter().map(|(_, v)| *v).collect();
            let rest: Vec<f64> = langs.iter().filter(|(l, _)| *l != "eng").map(|(_, v)| *v).collect();
            let includes_english = rest.len() < all.len();
            MacroScore {
                task,
                metric,
                languages: all.len(),
                value: mean(&all).unwrap_or(0.0),
                includes_english,
                without_english: if includes_english { mean(&rest) } else { None },
            }
        })
        .collect();
    let confusion =
        answered.into_iter().map(|((task, language), answered_in)| Confusion { task, language, answered_in }).collect();
    (scores, macros, confusion)
}

/// One cell's running counts: (items, base sum, tuned sum, gained, lost).
type Pair = (usize, f64, f64, usize, usize);

/// Tuned minus base per task, language and metric, on the items both scored; each cell tested
/// with the exact McNemar test and the whole table corrected with Holm's method. A cell is a gain
/// or a regression only when its corrected p-value is below [`ALPHA`].
pub fn forgetting(base: &[Scored], tuned: &[Scored]) -> Vec<ForgettingCell> {
    let index: HashMap<(&str, &str, &str), &Scored> =
        base.iter().map(|s| ((s.task.as_str(), s.language.as_str(), s.item_id.as_str()), s)).collect();
    let mut cells: BTreeMap<(String, String, String), Pair> = BTreeMap::new();
    for t in tuned {
        let Some(b) = index.get(&(t.task.as_str(), t.language.as_str(), t.item_id.as_str())) else { continue };
        for (metric, &tv) in &t.metrics {
            let Some(&bv) = b.metrics.get(metric) else { continue };
            let c = cells.entry((t.task.clone(), t.language.clone(), metric.clone())).or_default();
            c.0 += 1;
            c.1 += bv;
            c.2 += tv;
            if tv > bv {
                c.3 += 1;
            } else if tv < bv {
                c.4 += 1;
            }
        }
    }
    let p: Vec<f64> = cells.values().map(|c| mcnemar_exact(c.3, c.4)).collect();
    let adjusted = holm(&p);
    cells
        .into_iter()
        .zip(p.into_iter().zip(adjusted))
        .map(|(((task, language, metric), (n, b, t, gained, lost)), (p_value, p_adjusted))| {
            let (base, tuned) = (b / n as f64, t / n as f64);
            let verdict = if p_adjusted >= ALPHA || gained == lost {
                Verdict::WithinNoise
            } else if gained > lost {
                Verdict::Gain
            } else {
                Verdict::Regression
            };
            ForgettingCell {
                task,
                language,
                metric,
                n,
                base,
                tuned,
                delta: tuned - base,
                gained,
                lost,
                p_value,
                p_adjusted,
                verdict,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(task: &str, lang: &str, id: usize, acc: f64) -> Scored {
        Scored {
            task: task.into(),
            language: lang.into(),
            item_id: id.to_string(),
            metrics: BTreeMap::from([("acc".to_string(), acc)]),
            answered_in: None,
        }
    }

    #[test]
    fn aggregates_per_language_with_macro_and_english_flag() {
        let mut items: Vec<Scored> = (0..10).map(|i| item("t", "eng", i, if i < 8 { 1.0 } else { 0.0 })).collect();
        items.extend((0..10).map(|i| item("t", "swa", i, if i < 4 { 1.0 } else { 0.0 })));
        let (scores, macros, confusion) = aggregate(&items);
        assert_eq!(scores.len(), 2);
        let eng = scores.iter().find(|s| s.language == "eng").unwrap();
        assert_eq!((eng.n, eng.value), (10, 0.8));
        assert!((eng.lo - 0.4902).abs() < 1e-3, "Wilson interval of 8/10");
        assert_eq!(macros.len(), 1);
        assert!((macros[0].value - 0.6).abs() < 1e-12);
        assert!(macros[0].includes_english);
        assert_eq!(macros[0].without_english, Some(0.4));
        assert!(confusion.is_empty());
    }

    #[test]
    fn forgetting_pairs_items_and_corrects_across_cells() {
        // Swahili: base right on 0 of 40, tuned on 30 (30 gained, 0 lost): a gain beyond noise.
        // English: base 30 of 40, tuned 28 (items 0 and 1 lost): within noise.
        let mut base = Vec::new();
        let mut tuned = Vec::new();
        for i in 0..40 {
            base.push(item("t", "swa", i, 0.0));
            tuned.push(item("t", "swa", i, if i < 30 { 1.0 } else { 0.0 }));
            base.push(item("t", "eng", i, if i < 30 { 1.0 } else { 0.0 }));
            tuned.push(item("t", "eng", i, if (2..30).contains(&i) { 1.0 } else { 0.0 }));
        }
        // An item only the tuned evaluation has is not paired.
        tuned.push(item("t", "eng", 99, 1.0));
        let cells = forgetting(&base, &tuned);
        let swa = cells.iter().find(|c| c.language == "swa").unwrap();
        assert_eq!((swa.n, swa.gained, swa.lost, swa.verdict), (40, 30, 0, Verdict::Gain));
        assert!((swa.delta - 0.75).abs() < 1e-12);
        let eng = cells.iter().find(|c| c.language == "eng").unwrap();
        assert_eq!((eng.n, eng.gained, eng.lost, eng.verdict), (40, 0, 2, Verdict::WithinNoise));
        assert!(eng.p_adjusted >= eng.p_value);
    }

    #[test]
    fn a_clear_regression_is_named() {
        let base: Vec<Scored> = (0..30).map(|i| item("t", "eng", i, 1.0)).collect();
        let tuned: Vec<Scored> = (0..30).map(|i| item("t", "eng", i, if i < 5 { 1.0 } else { 0.0 })).collect();
        let cells = forgetting(&base, &tuned);
        assert_eq!(cells[0].verdict, Verdict::Regression);
        assert_eq!(cells[0].lost, 25);
    }
}
