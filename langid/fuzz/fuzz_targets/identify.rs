//! Arbitrary text through the default identifier (script shortcut, n-gram model, candidates):
//! always a guess with a finite probability, never a panic.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use polytune_langid::Identifier;

static ID: LazyLock<Identifier> = LazyLock::new(|| Identifier::new(polytune_langid::ngram::default::load(), None));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let g = ID.identify(&text, None);
    assert!(g.probability.is_finite() && (0.0..=1.0001).contains(&g.probability));
    let only = ID.candidates(["eng_Latn", "deu_Latn"]).unwrap();
    let g = ID.identify(&text, Some(&only));
    assert!(g.label.is_none() || ["eng_Latn", "deu_Latn"].contains(&g.code()));
});
