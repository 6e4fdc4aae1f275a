//! Accuracy and speed of the identifiers on SIB-200 dev (and NTREX-128 and short texts when
//! given), for datasets/LANGID.md and BENCHMARKS.md.
//!
//!     cargo run --release -p polytune-langid --example langid_eval -- ../shared/data [--lid176 FILE] [--model FILE] [--table]
//!
//! Scoring is open-set over all 205 labels on the exact FLORES label (`und` is a miss); the
//! "folded" column compares the studio's canonical codes (macrolanguages folded: the Arabic
//! varieties are all Arabic, `zsm` is Malay…).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use polytune_api::lang;
use polytune_langid::fasttext;
use polytune_langid::ngram::NgramModel;
use polytune_langid::{FastTextPart, Identifier};

const THE_24: [&str; 24] = [
    "amh_Ethi", "arb_Arab", "ben_Beng", "deu_Latn", "eng_Latn", "eus_Latn", "fin_Latn", "fra_Latn", "hin_Deva",
    "ind_Latn", "jpn_Jpan", "kaz_Cyrl", "kor_Hang", "ltz_Latn", "quy_Latn", "rus_Cyrl", "spa_Latn", "swh_Latn",
    "tel_Telu", "tha_Thai", "tur_Latn", "vie_Latn", "yor_Latn", "zho_Hans",
];

/// NTREX-128 file names → FLORES labels.
const NTREX: [(&str, &str); 21] = [
    ("eng", "eng_Latn"),
    ("deu", "deu_Latn"),
    ("fra", "fra_Latn"),
    ("spa", "spa_Latn"),
    ("rus", "rus_Cyrl"),
    ("zho-CN", "zho_Hans"),
    ("jpn", "jpn_Jpan"),
    ("arb", "arb_Arab"),
    ("hin", "hin_Deva"),
    ("ben", "ben_Beng"),
    ("swa", "swh_Latn"),
    ("tha", "tha_Thai"),
    ("tur", "tur_Latn"),
    ("vie", "vie_Latn"),
    ("ind", "ind_Latn"),
    ("kaz", "kaz_Cyrl"),
    ("eus", "eus_Latn"),
    ("ltz", "ltz_Latn"),
    ("yor", "yor_Latn"),
    ("tel", "tel_Telu"),
    ("fin", "fin_Latn"),
];

fn folded(label: &str) -> String {
    lang::parse(label).map(|t| t.0).unwrap_or_else(|| label.to_string())
}

fn head(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

type Predict<'a> = Box<dyn Fn(&str) -> String + 'a>;

struct Score {
    per_lang: BTreeMap<String, (usize, usize, usize)>,
    confusions: BTreeMap<(String, String), usize>,
}

fn score(data: &[(String, String)], f: &dyn Fn(&str) -> String) -> Score {
    let mut s = Score { per_lang: BTreeMap::new(), confusions: BTreeMap::new() };
    for (gold, text) in data {
        let got = f(text);
        let e = s.per_lang.entry(gold.clone()).or_default();
        e.0 += 1;
        if got == *gold {
            e.1 += 1;
        } else {
            *s.confusions.entry((gold.clone(), got.clone())).or_default() += 1;
        }
        if folded(&got) == folded(gold) {
            e.2 += 1;
        }
    }
    s
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b.max(1) as f64
}

fn summary(name: &str, s: &Score, langs: Option<&[&str]>) -> String {
    let rows: Vec<_> = s.per_lang.iter().filter(|(l, _)| langs.is_none_or(|ls| ls.contains(&l.as_str()))).collect();
    let n: usize = rows.iter().map(|r| r.1.0).sum();
    let ok: usize = rows.iter().map(|r| r.1.1).sum();
    let okf: usize = rows.iter().map(|r| r.1.2).sum();
    let min = rows.iter().map(|r| pct(r.1.1, r.1.0)).fold(100.0, f64::min);
    let ge90 = rows.iter().filter(|r| pct(r.1.1, r.1.0) >= 90.0).count();
    let ge90f = rows.iter().filter(|r| pct(r.1.2, r.1.0) >= 90.0).count();
    format!(
        "| {name} | {} | {n} | {:.2}% | {:.2}% | {min:.1}% | {ge90} | {ge90f} |",
        rows.len(),
        pct(ok, n),
        pct(okf, n)
    )
}

fn read_sib(dir: &Path, split: &str) -> Vec<(String, String)> {
    let mut langs: Vec<PathBuf> = std::fs::read_dir(dir).expect("SIB-200 folder").flatten().map(|e| e.path()).collect();
    langs.sort();
    let mut out = Vec::new();
    for d in langs {
        let label = d.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(d.join(format!("{split}.tsv"))) else { continue };
        out.extend(
            text.lines().skip(1).filter_map(|l| l.splitn(3, '\t').nth(2)).map(|t| (label.clone(), t.to_string())),
        );
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |k: &str| args.iter().position(|a| a == k).and_then(|i| args.get(i + 1)).cloned();
    let data_dir =
        PathBuf::from(args.first().ok_or("usage: langid_eval SHARED_DATA [--lid176 FILE] [--model FILE] [--table]")?);
    let model_path =
        opt("--model").unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/models/sib200.ngram").into());
    let ngram = NgramModel::open(Path::new(&model_path))?;
    let lid = opt("--lid176").map(|p| fasttext::Model::open(Path::new(&p)).map(std::sync::Arc::new)).transpose()?;
    let dev = read_sib(&data_dir.join("labeled/sib200"), "dev");
    let labels: Vec<String> = ngram.labels().to_vec();

    // lid.176 labels → FLORES labels through the language table.
    let lid_map = |m: &fasttext::Model| -> Vec<Option<String>> {
        m.labels()
            .iter()
            .map(|l| lang::flores(l.trim_start_matches("__label__")).filter(|f| labels.contains(f)))
            .collect()
    };

    let mut predictors: Vec<(&str, Predict)> = Vec::new();
    predictors.push((
        "n-gram model alone",
        Box::new(|t: &str| ngram.predict(t).map_or("und".into(), |(l, _)| l.to_string())),
    ));
    let ours = Identifier::new(NgramModel::open(Path::new(&model_path))?, None);
    predictors.push((
        "Polytune identifier (script shortcut + n-gram, und below 0.5)",
        Box::new(move |t: &str| ours.identify(t, None).code().to_string()),
    ));
    let grouped = Identifier::new(NgramModel::open(Path::new(&model_path))?, None).with_groups(folded);
    predictors.push((
        "Polytune identifier as profiles use it (a sure language group answers)",
        Box::new(move |t: &str| {
            let g = grouped.identify(t, None);
            g.label.or(g.candidate.filter(|_| g.group_probability >= grouped.threshold)).unwrap_or("und".into())
        }),
    ));
    if let Some(lid) = &lid {
        let map = lid_map(lid);
        let map2 = map.clone();
        predictors.push((
            "fastText lid.176 (this engine)",
            Box::new(move |t: &str| {
                let line = t.replace('\n', " ");
                let p = lid.predict(&line, 1);
                p.first()
                    .and_then(|p| lid.labels().iter().position(|l| *l == p.label))
                    .and_then(|i| map[i].clone())
                    .unwrap_or("und".into())
            }),
        ));
        let both = Identifier::new(
            NgramModel::open(Path::new(&model_path))?,
            Some(FastTextPart { model: lid.clone(), flores: map2 }),
        );
        predictors.push((
            "Polytune identifier + lid.176 where unsure",
            Box::new(move |t: &str| both.identify(t, None).code().to_string()),
        ));
    }
    predictors.push((
        "whatlang 0.18",
        Box::new(|t: &str| {
            whatlang::detect(head(t, 256)).and_then(|i| lang::flores(i.lang().code())).unwrap_or("und".into())
        }),
    ));

    println!("## SIB-200 dev\n");
    println!(
        "| identifier | languages | sentences | exact label | folded | worst language | ≥ 90 % (exact) | ≥ 90 % (folded) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut scores = Vec::new();
    for (name, f) in &predictors {
        let s = score(&dev, f.as_ref());
        println!("{}", summary(&format!("{name}, 205 languages"), &s, None));
        println!("{}", summary(&format!("{name}, the 24"), &s, Some(&THE_24)));
        scores.push(s);
    }

    // Speed on 256-character prefixes, one thread.
    println!("\n## Speed (one thread, first 256 characters of each SIB-200 dev sentence)\n");
    println!("| identifier | texts/s | µs/text |");
    println!("|---|---:|---:|");
    let prefixes: Vec<String> = dev.iter().map(|(_, t)| head(t, 256).to_string()).collect();
    for (name, f) in &predictors {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let mut n = 0usize;
            for p in &prefixes {
                n += f(p).len();
            }
            std::hint::black_box(n);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("| {name} | {:.0} | {:.1} |", prefixes.len() as f64 / best, best * 1e6 / prefixes.len() as f64);
    }

    // Out of domain: NTREX-128 news, and short texts (the first 3–10 words of each dev sentence).
    let ntrex_dir = data_dir.join("parallel/ntrex128");
    if ntrex_dir.exists() {
        let mut ntrex = Vec::new();
        for (file, label) in NTREX {
            if let Ok(t) = std::fs::read_to_string(ntrex_dir.join(format!("{file}.txt"))) {
                ntrex.extend(t.lines().take(500).map(|l| (label.to_string(), l.to_string())));
            }
        }
        println!("\n## NTREX-128 (news, 21 languages × 500 lines)\n");
        println!(
            "| identifier | languages | sentences | exact label | folded | worst language | ≥ 90 % (exact) | ≥ 90 % (folded) |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (name, f) in &predictors {
            println!("{}", summary(name, &score(&ntrex, f.as_ref()), None));
        }
    }
    let short: Vec<(String, String)> = dev
        .iter()
        .enumerate()
        .filter(|(_, (l, _))| THE_24.contains(&l.as_str()))
        .map(|(i, (l, t))| {
            let words: Vec<&str> = t.split_whitespace().collect();
            let n = 3 + i % 8;
            // Scripts without spaces: the first 4·n characters instead.
            let s = if words.len() >= n { words[..n].join(" ") } else { head(t, 4 * n).to_string() };
            (l.clone(), s)
        })
        .collect();
    println!("\n## Short texts (3–10 words of SIB-200 dev, the 24 languages)\n");
    println!(
        "| identifier | languages | sentences | exact label | folded | worst language | ≥ 90 % (exact) | ≥ 90 % (folded) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, f) in &predictors {
        println!("{}", summary(name, &score(&short, f.as_ref()), None));
    }

    if args.iter().any(|a| a == "--table") {
        println!("\n## Per language (SIB-200 dev, exact label)\n");
        let names: Vec<&str> = predictors.iter().map(|p| p.0).collect();
        println!("| language | {} |", names.join(" | "));
        println!("|---|{}", "---:|".repeat(names.len()));
        for l in scores[0].per_lang.keys() {
            let name = lang::parse(l).map_or(l.clone(), |t| t.display());
            let cells: Vec<String> = scores
                .iter()
                .map(|s| {
                    let e = s.per_lang[l];
                    format!("{:.0}%", pct(e.1, e.0))
                })
                .collect();
            println!("| {name} `{l}` | {} |", cells.join(" | "));
        }
        println!("\n## Most frequent confusions (first identifier)\n");
        let mut c: Vec<_> = scores[1].confusions.iter().collect();
        c.sort_by(|a, b| b.1.cmp(a.1));
        println!("| language | taken for | sentences |\n|---|---|---:|");
        for ((g, p), n) in c.into_iter().take(30) {
            println!("| `{g}` | `{p}` | {n} |");
        }
    }
    Ok(())
}
