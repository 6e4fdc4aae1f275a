#![no_main]
//! JSON lines reader: any bytes give records or located errors, never a panic.
use std::ops::ControlFlow;
use polytune_data::read::{self, Limits};

fn limits() -> Limits {
    Limits { max_record_bytes: 1 << 16, max_decompressed_bytes: 1 << 24, max_ratio: 50 }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = read::read_jsonl(data, limits(), &mut |_, _| ControlFlow::Continue(()));
});
