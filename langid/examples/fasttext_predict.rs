//! Prints fastText's top-k labels for every line of stdin, `label<TAB>probability` pairs
//! separated by tabs — the same shape the parity script prints from the C++ fastText.
//!
//!     cargo run --release -p polytune-langid --example fasttext_predict -- lid.176.ftz 2 < lines.txt

use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let model =
        polytune_langid::fasttext::Model::open(args.get(1).ok_or("usage: fasttext_predict MODEL [K]")?.as_ref())?;
    let k = args.get(2).map_or(Ok(1), |k| k.parse())?;
    let out = std::io::stdout();
    let mut out = out.lock();
    for line in std::io::stdin().lock().lines() {
        let preds = model.predict(&line?, k);
        let cells: Vec<String> = preds.iter().map(|p| format!("{}\t{:.6}", p.label, p.probability)).collect();
        writeln!(out, "{}", cells.join("\t"))?;
    }
    Ok(())
}
