//! Builds the default n-gram identifier from SIB-200 *train* (all 205 languages), on one thread,
//! with no randomness: the same data gives the same file, byte for byte.
//!
//!     cargo run --release -p polytune-langid --example build_default_model -- ../shared/data/labeled/sib200 langid/models/sib200.ngram
//!
//! With `--search`, settings are chosen first on 10 % of train held out (every tenth sentence)
//! and the grid is printed; the defaults in `Settings::default()` are the ones it chose.

use std::path::Path;
use std::time::Instant;

use polytune_langid::ngram::{NgramModel, Settings, default, train};

fn accuracy(model: &NgramModel, held: &[(&str, &str)]) -> f64 {
    let ok = held.iter().filter(|(l, t)| model.predict(t).is_some_and(|(p, _)| p == *l)).count();
    ok as f64 / held.len() as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let search = args.iter().any(|a| a == "--search");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [dir, out] = pos[..] else { return Err("usage: build_default_model SIB200_DIR OUT_FILE [--search]".into()) };
    let rows = default::read_sib200(Path::new(dir), "train")?;
    let mut data: Vec<(String, Vec<String>)> = Vec::new();
    for (l, t) in rows {
        match data.last_mut() {
            Some((k, v)) if *k == l => v.push(t),
            _ => data.push((l, vec![t])),
        }
    }
    eprintln!("{} languages, {} sentences", data.len(), data.iter().map(|d| d.1.len()).sum::<usize>());
    if search {
        let mut fit = Vec::new();
        let mut held = Vec::new();
        for (l, rows) in &data {
            for (i, r) in rows.iter().enumerate() {
                if i % 10 == 9 { held.push((l.as_str(), r.as_str())) } else { fit.push((l.as_str(), r.as_str())) }
            }
        }
        println!("| orders | alpha | min count | held-out accuracy | features | postings | train s | µs/text |");
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (min_order, max_order) in [(1u8, 4u8), (2, 4), (2, 5), (1, 3)] {
            for alpha in [0.03f32, 0.1] {
                for min_count in [2u32, 3] {
                    let s = Settings { min_order, max_order, alpha, min_count, ..Settings::default() };
                    let t = Instant::now();
                    let (m, _) = train(fit.iter().copied(), s, String::new(), |_| {})?;
                    let secs = t.elapsed().as_secs_f64();
                    let (f, p) = m.size();
                    let t = Instant::now();
                    let acc = accuracy(&m, &held);
                    let us = t.elapsed().as_secs_f64() * 1e6 / held.len() as f64;
                    println!(
                        "| {min_order}–{max_order} | {alpha} | {min_count} | {:.2}% | {f} | {p} | {secs:.1} | {us:.1} |",
                        100.0 * acc
                    );
                }
            }
        }
    }
    let (model, report) = default::build(Path::new(dir))?;
    model.save(Path::new(out))?;
    eprintln!(
        "{} features, {} postings, {} bytes -> {out}",
        report.features,
        report.postings,
        std::fs::metadata(out)?.len()
    );
    Ok(())
}
