//! Arbitrary bytes as an n-gram model (gzip-wrapped so the fuzzer reaches the layout): an error
//! or a model that predicts without panicking.
#![no_main]
use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"POLYTUNE-LANGID\0\x01\0\0\0").unwrap();
    gz.write_all(data).unwrap();
    let packed = gz.finish().unwrap();
    for bytes in [data, packed.as_slice()] {
        if let Ok(m) = polytune_langid::ngram::NgramModel::from_bytes(bytes) {
            let _ = m.predict("Habari za asubuhi rafiki yangu");
        }
    }
});
