//! How long one identification takes with the default model, and its parts (features, script).
//!
//!     cargo run --release -p polytune-langid --example ngram_stats -- ../shared/data --bench

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: ngram_stats SHARED_DATA")?;
    let model = polytune_langid::ngram::default::load();
    let dev = polytune_langid::ngram::default::read_sib200(&Path::new(&dir).join("labeled/sib200"), "dev")?;
    if std::env::args().any(|a| a == "--bench") {
        let t = std::time::Instant::now();
        let mut n = 0;
        let mut scratch = Vec::new();
        for _ in 0..5 {
            for (_, text) in &dev {
                n += model.scores(text, &mut scratch).map_or(0, |s| s.letters);
            }
        }
        println!("{:.1} µs/text ({n})", t.elapsed().as_secs_f64() * 1e6 / (5 * dev.len()) as f64);
        let t = std::time::Instant::now();
        for _ in 0..5 {
            for (_, text) in &dev {
                n += model.feature_count(text, &mut scratch);
            }
        }
        println!("features alone: {:.1} µs/text ({n})", t.elapsed().as_secs_f64() * 1e6 / (5 * dev.len()) as f64);
        let t = std::time::Instant::now();
        for _ in 0..5 {
            for (_, text) in &dev {
                n += polytune_langid::script::dominant(text).map_or(0, |s| s.len());
            }
        }
        println!("script alone: {:.1} µs/text ({n})", t.elapsed().as_secs_f64() * 1e6 / (5 * dev.len()) as f64);
        return Ok(());
    }
    let (f, p) = model.size();
    println!("model: {f} features, {p} postings ({:.1} per feature)", p as f64 / f as f64);
    Ok(())
}
