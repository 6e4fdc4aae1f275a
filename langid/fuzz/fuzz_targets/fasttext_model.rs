//! Arbitrary bytes as a fastText model: an error or a model that predicts without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = polytune_langid::fasttext::Model::from_bytes(data) {
        let _ = m.predict("Der schnelle braune Fuchs springt über den faulen Hund", 3);
        let _ = m.predict("", 1);
    }
});
