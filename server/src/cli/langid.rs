//! `polytune langid`: the studio's language identification without the studio. One text per line
//! on stdin, one answer per line on stdout: `<FLORES label> <probability>`, `und` when unknown.
//!
//!     echo "Habari za asubuhi" | polytune langid
//!     polytune langid --languages eng,deu,fra < texts.txt
//!     polytune langid --model lid.176.ftz < texts.txt      # any fastText language-ID model
//!     polytune langid --model mine.ngram < texts.txt       # an identifier trained in the studio

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use polytune_api::lang;
use polytune_data::langid as studio;
use polytune_langid::ngram::NgramModel;
use polytune_langid::{Identifier, fasttext};

#[derive(Debug, Args)]
pub struct LangidArgs {
    /// A Polytune n-gram identifier or a fastText model (.bin/.ftz) [default: the studio's:
    /// the SIB-200 n-gram model, with lid.176 where it is unsure if the setup fetched it]
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Only these languages (comma-separated, any code form: eng, en, deu_Latn, ara…)
    #[arg(long, value_delimiter = ',')]
    pub languages: Vec<String>,
    /// Below this probability the answer is `und`
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f32,
}

fn load(path: &PathBuf) -> anyhow::Result<Identifier> {
    let bytes = std::fs::read(path).with_context(|| format!("reading the model {}", path.display()))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let model = NgramModel::from_bytes(&bytes)
            .with_context(|| format!("{} is not a Polytune identifier", path.display()))?;
        return Ok(Identifier::new(model, None));
    }
    let model = fasttext::Model::from_bytes(&bytes)
        .with_context(|| format!("{} is neither a Polytune identifier nor a fastText model", path.display()))?;
    let part = studio::fasttext_part(model);
    if part.flores.iter().all(Option::is_none) {
        bail!("none of the labels of {} is a language the studio knows", path.display());
    }
    Ok(Identifier::fasttext_only(part))
}

pub fn run(a: &LangidArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&a.threshold) {
        bail!("--threshold {} is not between 0 and 1", a.threshold);
    }
    let owned;
    let id: &Identifier = match &a.model {
        Some(p) => {
            owned = load(p)?;
            &owned
        }
        None => studio::Detector::default_ref().identifier(),
    };
    let candidates = if a.languages.is_empty() {
        None
    } else {
        // A code names every label of its language: `ara` is all the Arabic varieties.
        let mut labels = Vec::new();
        let mut unknown = Vec::new();
        for code in a.languages.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            let want = lang::parse(code).map(|t| t.0);
            let matching: Vec<&String> = id
                .labels()
                .iter()
                .filter(|l| l.as_str() == code || (want.is_some() && lang::parse(l).map(|t| t.0) == want))
                .collect();
            if matching.is_empty() {
                unknown.push(code.to_string());
            }
            labels.extend(matching.into_iter().map(String::as_str));
        }
        if !unknown.is_empty() {
            bail!("--languages: this identifier does not know {}", unknown.join(", "));
        }
        Some(id.candidates(labels).map_err(|u| anyhow::anyhow!("--languages: unknown {}", u.join(", ")))?)
    };
    let threshold = a.threshold;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut scratch = Vec::new();
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.with_context(|| format!("line {} of the input is not UTF-8 text", i + 1))?;
        let g = id.identify_at(&line, candidates.as_ref(), threshold, &mut scratch);
        writeln!(out, "{} {:.4}", g.code(), g.probability)?;
    }
    out.flush()?;
    Ok(())
}
