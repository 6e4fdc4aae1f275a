//! The default identifier: trained on SIB-200 *train* for all 205 languages, committed as
//! `langid/models/sib200.ngram` and rebuilt, byte for byte, by
//!
//! ```text
//! cargo run --release -p polytune-langid --example build_default_model -- ../shared/data/labeled/sib200 langid/models/sib200.ngram
//! ```

use std::path::{Path, PathBuf};

use super::{NgramModel, Settings, TrainReport, train};
use crate::error::{Error, Result};

/// The committed model, built into every binary that identifies languages.
pub const BYTES: &[u8] = include_bytes!("../../models/sib200.ngram");

pub const NOTICE: &str = "Polytune default language identifier: character n-gram counts from SIB-200 train \
(dadelani/sib-200, FLORES-200 sentences by NLLB Team et al.), 205 languages. The training data is licensed \
CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); this model, derived from it, is shared under the same licence.";

/// `(label, sentence)` of every `<label>/<split>.tsv` under a SIB-200 folder, labels in sorted order.
pub fn read_sib200(dir: &Path, split: &str) -> Result<Vec<(String, String)>> {
    let io = |source| Error::Io { path: dir.to_owned(), source };
    let mut langs: Vec<PathBuf> = std::fs::read_dir(dir).map_err(io)?.flatten().map(|e| e.path()).collect();
    langs.retain(|p| p.join(format!("{split}.tsv")).exists());
    langs.sort();
    let mut out = Vec::new();
    for d in langs {
        let label = d.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let file = d.join(format!("{split}.tsv"));
        let text = std::fs::read_to_string(&file).map_err(|source| Error::Io { path: file.clone(), source })?;
        out.extend(
            text.lines().skip(1).filter_map(|l| l.splitn(3, '\t').nth(2)).map(|t| (label.clone(), t.to_string())),
        );
    }
    Ok(out)
}

/// Trains the default model from a SIB-200 folder (single thread, no randomness).
pub fn build(dir: &Path) -> Result<(NgramModel, TrainReport)> {
    let rows = read_sib200(dir, "train")?;
    train(rows.iter().map(|(l, t)| (l.as_str(), t.as_str())), Settings::default(), NOTICE.to_string(), |_| {})
}

/// The committed model.
pub fn load() -> NgramModel {
    NgramModel::from_static(BYTES).expect("the committed model loads (checked by its test)")
}
