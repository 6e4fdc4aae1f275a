#![no_main]
//! Parquet reader (through a file, as imports read it) and the gzip path of the text readers.
use std::ops::ControlFlow;
use polytune_data::read::{self, Limits};

fn limits() -> Limits {
    Limits { max_record_bytes: 1 << 16, max_decompressed_bytes: 1 << 24, max_ratio: 50 }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("polytune-fuzz-{}", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        for format in [polytune_api::FileFormat::Parquet, polytune_api::FileFormat::Jsonl] {
            let _ = read::read_records(&path, format, false, limits(), &mut |_, _| ControlFlow::Continue(()));
        }
    }
});
