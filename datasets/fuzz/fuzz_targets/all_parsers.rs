#![no_main]
//! Every reader on the same input, then format detection and preview: the target run longest.
use std::ops::ControlFlow;
use polytune_data::read::{self, Limits};

fn limits() -> Limits {
    Limits { max_record_bytes: 1 << 16, max_decompressed_bytes: 1 << 24, max_ratio: 50 }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let sink = &mut |_: read::Location, r: Result<serde_json::Value, polytune_data::DataError>| {
        if let Ok(v) = r {
            let (m, _) = polytune_data::mapping::guess(&v);
            let _ = polytune_data::mapping::to_example(&v, &m, "s".into(), "id".into(), None);
        }
        ControlFlow::Continue(())
    };
    let _ = read::read_jsonl(data, limits(), sink);
    let _ = read::read_json_array(data, sink);
    let _ = read::read_csv(data, b',', true, limits(), sink);
    let _ = read::read_csv(data, b'\t', false, limits(), sink);
    let _ = read::read_lines(data, limits(), sink);
    let path = std::env::temp_dir().join(format!("polytune-fuzz-all-{}", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        let _ = read::read_records(&path, polytune_api::FileFormat::Parquet, false, limits(), sink);
        let _ = polytune_data::import::inspect(&path, "input.jsonl", None, limits());
    }
});
