#![no_main]
//! Guessing a mapping and applying it to arbitrary JSON records.
use std::ops::ControlFlow;
use polytune_data::read::{self, Limits};

fn limits() -> Limits {
    Limits { max_record_bytes: 1 << 16, max_decompressed_bytes: 1 << 24, max_ratio: 50 }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = limits();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let (mapping, _) = polytune_data::mapping::guess(&v);
        let _ = polytune_data::mapping::to_example(&v, &mapping, "s".into(), "id".into(), Some("de"));
        let mut paths = Vec::new();
        polytune_data::mapping::field_paths(&v, &mut paths);
    }
});
