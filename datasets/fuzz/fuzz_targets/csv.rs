#![no_main]
//! CSV and TSV readers, with and without a header; and the text-lines reader.
use std::ops::ControlFlow;
use polytune_data::read::{self, Limits};

fn limits() -> Limits {
    Limits { max_record_bytes: 1 << 16, max_decompressed_bytes: 1 << 24, max_ratio: 50 }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for (delim, header) in [(b',', true), (b',', false), (b'\t', true), (b'\t', false)] {
        let _ = read::read_csv(data, delim, header, limits(), &mut |_, _| ControlFlow::Continue(()));
    }
    let _ = read::read_lines(data, limits(), &mut |_, _| ControlFlow::Continue(()));
});
