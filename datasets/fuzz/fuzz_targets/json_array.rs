#![no_main]
//! JSON array reader.
use std::ops::ControlFlow;
use polytune_data::read::{self, Limits};

fn limits() -> Limits {
    Limits { max_record_bytes: 1 << 16, max_decompressed_bytes: 1 << 24, max_ratio: 50 }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = limits();
    let _ = read::read_json_array(data, &mut |_, _| ControlFlow::Continue(()));
});
