//! What the identifier's tests share: the committed 40-language fixture, and where the shared
//! multilingual data is, if anywhere (`POLYTUNE_SHARED_DATA`, or `shared/data` beside the clone,
//! as on the development machines; tests that need it skip with a message).

use std::path::{Path, PathBuf};

/// `(split, label, text)` rows of `tests/fixtures/sib200_sample.tsv` (60 train and 15 dev
/// sentences in each of 40 languages).
#[allow(dead_code)] // not every test file uses it
pub fn fixture() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sib200_sample.tsv"))
        .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let mut p = l.splitn(3, '\t');
            (p.next().unwrap().into(), p.next().unwrap().into(), p.next().unwrap().into())
        })
        .collect()
}

#[allow(dead_code)]
pub fn shared_data() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var("POLYTUNE_SHARED_DATA").ok().map(PathBuf::from),
        Some(manifest.join("../../shared/data")),
        Some(PathBuf::from("/work/shared/data")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.join("labeled/sib200/eng_Latn/train.tsv").is_file())
}
