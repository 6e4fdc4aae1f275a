//! How much work one identification is: features per text and postings touched, by order.
//!
//!     cargo run --release -p polytune-langid --example ngram_stats -- ../shared/data

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
    let (mut feats, mut posts, mut found) = (0usize, 0usize, 0usize);
    let mut scratch = Vec::new();
    for (_, t) in &dev {
        let (f, p, h) = model.work(t, &mut scratch);
        feats += f;
        posts += p;
        found += h;
    }
    let n = dev.len() as f64;
    println!("per text: {:.0} features, {:.0} found in the model, {:.0} postings added", feats as f64 / n, found as f64 / n, posts as f64 / n);
    let mut touched = vec![0usize; 206];
    for (_, t) in &dev {
        for l in model.lengths(t, &mut scratch) {
            touched[l] += l;
        }
    }
    let all = model.model_lengths();
    for cut in [8, 16, 24, 32, 48, 64, 96, 128] {
        let dense = all.iter().filter(|&&l| l >= cut).count();
        let sparse_work: usize = touched[..cut].iter().sum();
        println!("dense from {cut} languages up: {dense} dense rows; sparse postings per text {:.0}", sparse_work as f64 / n);
    }
    let (f, p) = model.size();
    println!("model: {f} features, {p} postings ({:.1} per feature)", p as f64 / f as f64);
    Ok(())
}
