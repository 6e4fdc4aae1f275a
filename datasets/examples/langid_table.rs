//! The measured table behind the language-ID choice (datasets/LANGID.md): accuracy per language and
//! speed of whatlang and whichlang on SIB-200 dev (24 languages, 99 sentences each).
//!
//!     cargo run --release -p polytune-data --example langid_table [path/to/shared/data]

use std::time::Instant;

use polytune_api::lang;

fn whichlang_code(l: whichlang::Lang) -> &'static str {
    use whichlang::Lang::*;
    match l {
        Ara => "ara",
        Cmn => "zho",
        Deu => "deu",
        Eng => "eng",
        Fra => "fra",
        Hin => "hin",
        Ita => "ita",
        Jpn => "jpn",
        Kor => "kor",
        Nld => "nld",
        Por => "por",
        Rus => "rus",
        Spa => "spa",
        Swe => "swe",
        Tur => "tur",
        Vie => "vie",
    }
}

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into());
    let dir = std::path::Path::new(&root).join("labeled/sib200");
    let mut langs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    langs.sort();
    let mut rows = Vec::new();
    let (mut all_text, mut total) = (Vec::new(), 0usize);
    let (mut ok_what, mut ok_which) = (0usize, 0usize);
    println!("| language | sentences | whatlang | whichlang |");
    println!("|---|---:|---:|---:|");
    for l in &langs {
        let want = lang::parse(l).map(|t| t.code().to_string()).unwrap_or_default();
        let text = std::fs::read_to_string(dir.join(l).join("dev.tsv")).unwrap();
        let sentences: Vec<String> =
            text.lines().skip(1).filter_map(|line| line.splitn(3, '\t').nth(2).map(str::to_string)).collect();
        let what = sentences
            .iter()
            .filter(|s| {
                polytune_data::langid::identify(s).is_some_and(|(c, _)| c.split('-').next() == Some(want.as_str()))
            })
            .count();
        let which = sentences.iter().filter(|s| whichlang_code(whichlang::detect_language(s)) == want).count();
        let n = sentences.len();
        let supported = |w: bool| if w { "" } else { " (not supported)" };
        println!(
            "| {} `{l}` | {n} | {:.1}%{} | {:.1}%{} |",
            lang::LangTag(want.clone()).display(),
            100.0 * what as f64 / n as f64,
            supported(polytune_data::langid::supported(&want)),
            100.0 * which as f64 / n as f64,
            supported(
                [
                    "ara", "zho", "deu", "eng", "fra", "hin", "ita", "jpn", "kor", "nld", "por", "rus", "spa", "swe",
                    "tur", "vie"
                ]
                .contains(&want.as_str())
            ),
        );
        ok_what += what;
        ok_which += which;
        total += n;
        rows.push((l.clone(), what, which, n));
        all_text.extend(sentences);
    }
    println!(
        "| **all 24** | {total} | **{:.1}%** | **{:.1}%** |",
        100.0 * ok_what as f64 / total as f64,
        100.0 * ok_which as f64 / total as f64
    );
    let bytes: usize = all_text.iter().map(|s| s.len()).sum();
    // Speed: five passes over every sentence, best of three.
    let time = |f: &dyn Fn(&str) -> bool| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let mut hits = 0;
                for _ in 0..5 {
                    for s in &all_text {
                        hits += f(s) as usize;
                    }
                }
                std::hint::black_box(hits);
                t.elapsed().as_secs_f64() / 5.0
            })
            .fold(f64::MAX, f64::min)
    };
    let tw = time(&|s| polytune_data::langid::identify(s).is_some());
    let tc = time(&|s| whichlang::detect_language(s) == whichlang::Lang::Eng);
    println!();
    println!("| | sentences/s | MB/s |");
    println!("|---|---:|---:|");
    for (name, t) in [("whatlang (first {} chars)", tw), ("whichlang", tc)] {
        println!(
            "| {} | {:.0} | {:.1} |",
            name.replace("{}", &polytune_data::langid::MAX_CHARS.to_string()),
            total as f64 / t,
            bytes as f64 / t / 1e6
        );
    }
}
