//! Where the shared multilingual data is, if anywhere: `POLYTUNE_SHARED_DATA`, or `shared/data`
//! beside the clone (as on the development machines). Tests that need it skip with a message.

use std::path::PathBuf;

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
