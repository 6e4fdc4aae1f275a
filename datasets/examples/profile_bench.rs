//! Profile throughput against the `tokenizers` crate's raw `encode_batch` on the same text, and
//! peak memory (VmHWM) of a profile run.
//!
//!     cargo run --release -p polytune-data --example profile_bench -- build N out.jsonl [shared/data]
//!     cargo run --release -p polytune-data --example profile_bench -- tokenizer out.jsonl tokenizer.json
//!     cargo run --release -p polytune-data --example profile_bench -- raw out.jsonl tokenizer.json
//!     cargo run --release -p polytune-data --example profile_bench -- profile out.jsonl tokenizer.json
//!
//! `build` makes N canonical examples from ../shared/data (MGSM, SIB-200, NTREX, MT-Bench,
//! Danish seed tasks: every language there), instruction and answer from aligned lines, cycling
//! with a counter so the text is not one long run of exact duplicates.

use std::io::{BufReader, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use polytune_api::{Example, Turn, TurnRole};
use polytune_data::{import, profile};

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| t.lines().map(str::to_string).filter(|l| !l.trim().is_empty()).collect())
        .unwrap_or_default()
}

fn pool(root: &Path) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let ntrex = root.join("parallel/ntrex128");
    let eng = lines(&ntrex.join("eng.txt"));
    for e in std::fs::read_dir(&ntrex).into_iter().flatten().flatten() {
        let other = lines(&e.path());
        for (q, a) in other.iter().zip(&eng) {
            pairs.push((format!("Translate into English: {q}"), a.clone()));
        }
    }
    for e in std::fs::read_dir(root.join("eval/mgsm")).into_iter().flatten().flatten() {
        for l in lines(&e.path()) {
            if let Some((q, a)) = l.split_once('\t') {
                pairs.push((q.to_string(), a.to_string()));
            }
        }
    }
    for e in std::fs::read_dir(root.join("labeled/sib200")).into_iter().flatten().flatten() {
        for l in lines(&e.path().join("train.tsv")).into_iter().skip(1) {
            let parts: Vec<&str> = l.splitn(3, '\t').collect();
            if parts.len() == 3 {
                pairs.push((parts[2].to_string(), parts[1].to_string()));
            }
        }
    }
    pairs
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("build") => {
            let n: usize = args[1].parse().expect("N");
            let root = args.get(3).map(String::as_str).unwrap_or("../shared/data");
            let pairs = pool(Path::new(root));
            assert!(!pairs.is_empty(), "no data under {root}");
            let mut out = BufWriter::new(std::fs::File::create(&args[2]).unwrap());
            for i in 0..n {
                let (q, a) = &pairs[i % pairs.len()];
                let round = i / pairs.len();
                let e = Example {
                    id: i.to_string(),
                    source: "bench".into(),
                    language: None,
                    turns: vec![
                        Turn {
                            role: TurnRole::User,
                            text: if round == 0 { q.clone() } else { format!("{q} ({round})") },
                        },
                        Turn { role: TurnRole::Assistant, text: a.clone() },
                    ],
                    meta: Default::default(),
                };
                import::write_example(&mut out, &e).unwrap();
            }
            out.flush().unwrap();
            eprintln!("{n} examples from a pool of {} pairs", pairs.len());
        }
        Some("tokenizer") => {
            use tokenizers::models::bpe::{BPE, BpeTrainerBuilder};
            use tokenizers::normalizers::NormalizerWrapper;
            use tokenizers::pre_tokenizers::byte_level::ByteLevel;
            use tokenizers::processors::PostProcessorWrapper;
            use tokenizers::{AddedToken, TokenizerBuilder};
            // A byte-level BPE with 16k merges trained on the first 20k examples' text.
            let tmp = std::env::temp_dir().join("polytune-bench-train.txt");
            let mut w = BufWriter::new(std::fs::File::create(&tmp).unwrap());
            import::read_examples(BufReader::new(std::fs::File::open(&args[1]).unwrap()), |i, e| {
                for t in &e.turns {
                    writeln!(w, "{}", t.text).unwrap();
                }
                if i >= 20_000 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            })
            .unwrap();
            w.flush().unwrap();
            let mut trainer = BpeTrainerBuilder::new()
                .vocab_size(16_000)
                .show_progress(false)
                .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
                .special_tokens(vec![AddedToken::from("<|endoftext|>", true)])
                .build();
            let mut tok = TokenizerBuilder::<BPE, NormalizerWrapper, ByteLevel, PostProcessorWrapper, ByteLevel>::new()
                .with_model(BPE::default())
                .with_pre_tokenizer(Some(ByteLevel::default()))
                .with_decoder(Some(ByteLevel::default()))
                .build()
                .unwrap();
            tok.train_from_files(&mut trainer, vec![tmp.to_string_lossy().to_string()]).unwrap();
            tok.save(&args[2], false).unwrap();
            eprintln!("saved {}", args[2]);
        }
        Some("raw") => {
            let tok = tokenizers::Tokenizer::from_file(&args[2]).unwrap();
            let mut texts = Vec::new();
            let mut bytes = 0u64;
            import::read_examples(BufReader::new(std::fs::File::open(&args[1]).unwrap()), |_, e| {
                let full = e.turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n");
                bytes += full.len() as u64;
                texts.push(full);
                ControlFlow::Continue(())
            })
            .unwrap();
            let t = Instant::now();
            let mut tokens = 0usize;
            for chunk in texts.chunks(2048) {
                let enc = tok.encode_batch_fast(chunk.iter().map(String::as_str).collect::<Vec<_>>(), false).unwrap();
                tokens += enc.iter().map(|e| e.len()).sum::<usize>();
            }
            let s = t.elapsed().as_secs_f64();
            println!(
                "raw encode_batch: {} examples, {tokens} tokens, {s:.2} s, {:.0} examples/s, {:.1} MB/s",
                texts.len(),
                texts.len() as f64 / s,
                bytes as f64 / s / 1e6
            );
        }
        Some("profile") => {
            let counter = profile::TokenCounter::from_file(Path::new(&args[2])).ok();
            let size = std::fs::metadata(&args[1]).unwrap().len();
            let t = Instant::now();
            let mut sink = std::io::sink();
            let done = profile::profile(
                BufReader::with_capacity(1 << 20, std::fs::File::open(&args[1]).unwrap()),
                counter.as_ref(),
                Some("bench".into()),
                polytune_data::langid::Detector::default_ref(),
                &mut sink,
                &mut |_, _| ControlFlow::Continue(()),
            )
            .unwrap();
            let s = t.elapsed().as_secs_f64();
            let p = done.profile;
            let hwm = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|st| {
                    st.lines()
                        .find(|l| l.starts_with("VmHWM"))
                        .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
                })
                .unwrap_or_default();
            println!(
                "profile: {} examples, {} tokens, {} languages, {} exact + {} near duplicates, {s:.2} s, {:.0} examples/s, {:.1} MB/s (file), peak RSS {} MB",
                p.examples,
                p.tokens,
                p.languages.len(),
                p.exact_duplicates,
                p.near_duplicates,
                p.examples as f64 / s,
                size as f64 / s / 1e6,
                hwm.parse::<u64>().unwrap_or(0) / 1024
            );
        }
        _ => eprintln!("usage: see the top of datasets/examples/profile_bench.rs"),
    }
}
