//! Materializing a large mixture: time and peak memory (issue 6's benchmark).
//!
//!   cargo run --release -p polytune-data --example mixture_bench -- [examples] [shared-data-dir]
//!
//! Writes `examples` canonical examples (NTREX-128 sentences from ../shared/data, cycled over its
//! 21 languages, each with a unique id) and their annotations to a temp folder, then materializes a
//! temperature-sampled mixture (α = 0.5, half the examples, 5% validation per language capped at
//! 200) with a translation augmentation, and prints seconds, examples/s and peak RSS as one JSON
//! line. It also times the builder's `plan()` on a catalog of that size.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use polytune_api::{
    Annotation, AugmentKind, Augmentation, Example, LanguageCount, MixtureSpec, Shares, SourceFacts, Turn, TurnRole,
    builtin_templates, plan,
};
use polytune_data::mixture::{AugmentInput, EvalIndex, Inputs, Source, materialize};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn opener(p: PathBuf) -> polytune_data::mixture::Opener {
    Box::new(move || {
        Ok(Box::new(BufReader::with_capacity(1 << 20, std::fs::File::open(&p)?)) as Box<dyn BufRead + Send>)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let shared = args.get(2).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/data"));
    let nt = shared.join("parallel/ntrex128");
    let mut corpora: Vec<(String, Vec<String>)> = std::fs::read_dir(&nt)
        .unwrap_or_else(|e| panic!("{} cannot be read ({e}); pass the shared data folder", nt.display()))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let lang = name.strip_suffix(".txt")?.split('-').next()?.to_string();
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((lang, text.lines().map(str::to_string).collect()))
        })
        .collect();
    corpora.sort();
    let dir = std::env::temp_dir().join(format!("polytune-mixture-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ex_path, ann_path) = (dir.join("examples.jsonl"), dir.join("annotations.jsonl"));
    let t = Instant::now();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    {
        let mut ex = BufWriter::new(std::fs::File::create(&ex_path).unwrap());
        let mut ann = BufWriter::new(std::fs::File::create(&ann_path).unwrap());
        for i in 0..n {
            let (lang, lines) = &corpora[(i as usize) % corpora.len()];
            let j = (i as usize / corpora.len()) % lines.len();
            let e = Example {
                id: format!("x{i}"),
                source: format!("{lang}.txt:{}", j + 1),
                language: Some(lang.clone()),
                turns: vec![
                    Turn { role: TurnRole::User, text: format!("Repeat this sentence ({i}): {}", lines[j]) },
                    Turn { role: TurnRole::Assistant, text: lines[j].clone() },
                ],
                meta: Default::default(),
            };
            serde_json::to_writer(&mut ex, &e).unwrap();
            ex.write_all(b"\n").unwrap();
            serde_json::to_writer(&mut ann, &Annotation { li: Some(lang.clone()), ..Annotation::default() }).unwrap();
            ann.write_all(b"\n").unwrap();
            *counts.entry(lang.clone()).or_default() += 1;
        }
    }
    let bytes = std::fs::metadata(&ex_path).unwrap().len();
    eprintln!("wrote {n} examples ({:.0} MB) in {:.1} s", bytes as f64 / 1e6, t.elapsed().as_secs_f64());
    // Aligned single-language inputs for the augmentation (eng → deu, 1,997 rows each).
    let mut aligned = Vec::new();
    for lang in ["eng", "deu"] {
        let path = dir.join(format!("{lang}.jsonl"));
        let mut w = BufWriter::new(std::fs::File::create(&path).unwrap());
        let lines = &corpora.iter().find(|c| c.0 == lang).expect("NTREX eng and deu").1;
        for (i, l) in lines.iter().enumerate() {
            let e = Example {
                id: format!("{lang}{i}"),
                source: format!("{lang}.txt:{}", i + 1),
                language: Some(lang.into()),
                turns: vec![Turn { role: TurnRole::User, text: l.clone() }],
                meta: Default::default(),
            };
            serde_json::to_writer(&mut w, &e).unwrap();
            w.write_all(b"\n").unwrap();
        }
        aligned.push((lang, path, lines.len() as u64));
    }
    let catalog = vec![
        SourceFacts {
            version_id: "big".into(),
            dataset_id: "d".into(),
            dataset_name: "big".into(),
            number: 1,
            examples: n,
            languages: counts
                .iter()
                .map(|(l, c)| LanguageCount { language: l.clone(), examples: *c, tokens: c * 40 })
                .collect(),
            profiled: true,
            tokenizer: None,
            evaluation: false,
        },
        fact("eng-aligned", "eng", aligned[0].2),
        fact("deu-aligned", "deu", aligned[1].2),
    ];
    let template = builtin_templates().into_iter().find(|t| t.kind == AugmentKind::Translation).unwrap();
    let spec = MixtureSpec {
        sources: vec!["big".into()],
        shares: Shares::Temperature { alpha: 0.5, total: Some(n / 2) },
        seed: 1,
        augmentations: vec![Augmentation {
            template,
            inputs: [
                ("source".to_string(), "eng-aligned".to_string()),
                ("target".to_string(), "deu-aligned".to_string()),
            ]
            .into(),
            shots: 1,
            limit: None,
        }],
        ..MixtureSpec::default()
    };
    // The builder's live preview: plan() on the stored aggregates, as the browser runs it.
    let reps = 1000;
    let t = Instant::now();
    let mut p = None;
    for _ in 0..reps {
        p = Some(plan(&spec, &catalog).expect("plan"));
    }
    let plan_us = t.elapsed().as_secs_f64() * 1e6 / reps as f64;
    let p = p.unwrap();
    let targets = p.languages.iter().map(|l| (l.language.clone(), l.examples)).collect();
    let input = |lang: &str, path: &Path| AugmentInput {
        role: if lang == "eng" { "source".into() } else { "target".into() },
        version_id: format!("{lang}-aligned"),
        language: lang.into(),
        examples: Box::new(BufReader::new(std::fs::File::open(path).unwrap())),
    };
    let inputs = Inputs {
        sources: vec![Source {
            version_id: "big".into(),
            examples: opener(ex_path.clone()),
            annotations: opener(ann_path.clone()),
        }],
        targets,
        augmentations: vec![(aligned[0].2, vec![input("eng", &aligned[0].1), input("deu", &aligned[1].1)])],
        eval: EvalIndex::default(),
        expected: n,
    };
    let rss_before = peak_rss_mib();
    let mut train = BufWriter::new(std::fs::File::create(dir.join("train.jsonl")).unwrap());
    let mut validation = BufWriter::new(std::fs::File::create(dir.join("validation.jsonl")).unwrap());
    let t = Instant::now();
    let report = materialize(&spec, inputs, &mut train, &mut validation, &mut |_| ControlFlow::Continue(())).unwrap();
    train.flush().unwrap();
    validation.flush().unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "input_examples": n,
            "input_mb": bytes as f64 / 1e6,
            "languages": counts.len(),
            "train_examples": report.train_examples,
            "validation_examples": report.validation_examples,
            "seconds": secs,
            "input_examples_per_second": n as f64 / secs,
            "peak_rss_mib": peak_rss_mib(),
            "peak_rss_before_mib": rss_before,
            "plan_microseconds": plan_us,
        })
    );
    if std::env::var_os("POLYTUNE_BENCH_KEEP").is_some() {
        eprintln!("kept the input in {}", dir.display());
    } else {
        std::fs::remove_dir_all(&dir).ok();
    }
}

fn fact(id: &str, lang: &str, n: u64) -> SourceFacts {
    SourceFacts {
        version_id: id.into(),
        dataset_id: id.into(),
        dataset_name: id.into(),
        number: 1,
        examples: n,
        languages: vec![LanguageCount { language: lang.into(), examples: n, tokens: n * 30 }],
        profiled: true,
        tokenizer: None,
        evaluation: false,
    }
}
