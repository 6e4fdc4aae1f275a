//! Shared by the engine's test files.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use polytune_gpu::ModelConfig;

/// A folder removed when dropped.
pub struct TempDir(pub PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A transformers fixture (tests/fixtures/NAME): config, weights, and the reference tensors
/// (`ids`, `logits`, LoRA values and gradients).
pub fn fixture(name: &str) -> (ModelConfig, HashMap<String, Tensor>, HashMap<String, Tensor>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let cfg = ModelConfig::from_json(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    let weights = candle_core::safetensors::load(dir.join("model.safetensors"), &Device::Cpu).unwrap();
    let reference = candle_core::safetensors::load(dir.join("reference.safetensors"), &Device::Cpu).unwrap();
    (cfg, weights, reference)
}

fn f16(b: &[u8]) -> f32 {
    half::f16::from_le_bytes([b[0], b[1]]).to_f32()
}

type Decode = fn(&[u8], &mut Vec<f32>);

/// Q8_0, Q4_0 and Q4_1 blocks decoded by hand from the layouts in ggml's `ggml-common.h`; the
/// largest difference from candle's dequantization (None for other types).
pub fn check_block_layouts(q: &QTensor) -> Option<f32> {
    let data = q.data().unwrap();
    let (bytes, decode): (usize, Decode) = match q.dtype() {
        GgmlDType::Q8_0 => (34, |b, out| {
            let d = f16(&b[0..2]);
            out.extend(b[2..34].iter().map(|&x| d * (x as i8) as f32));
        }),
        GgmlDType::Q4_0 => (18, |b, out| {
            let d = f16(&b[0..2]);
            out.extend(b[2..18].iter().map(|&x| d * ((x & 0x0F) as f32 - 8.0)));
            out.extend(b[2..18].iter().map(|&x| d * ((x >> 4) as f32 - 8.0)));
        }),
        GgmlDType::Q4_1 => (20, |b, out| {
            let (d, m) = (f16(&b[0..2]), f16(&b[2..4]));
            out.extend(b[4..20].iter().map(|&x| d * (x & 0x0F) as f32 + m));
            out.extend(b[4..20].iter().map(|&x| d * (x >> 4) as f32 + m));
        }),
        _ => return None,
    };
    let mut mine = Vec::new();
    for b in data.chunks(bytes) {
        decode(b, &mut mine);
    }
    let theirs: Vec<f32> = q.dequantize(&Device::Cpu).unwrap().flatten_all().unwrap().to_vec1().unwrap();
    assert_eq!(mine.len(), theirs.len());
    Some(mine.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max))
}
