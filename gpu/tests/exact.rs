//! Exact arithmetic (`POLYTUNE_DEQUANTIZE=1`): a quantized model's blocks are expanded to f32 when
//! it loads, the tied head included, and every product runs in f32 with f32 activations — so its
//! logits equal the f32 forward of the same file, which is what lm-evaluation-harness computes
//! when it reads the GGUF through transformers (BENCHMARKS.md, "Evaluation"). The setting is read
//! from the environment, so it has its own test binary with this one test.

mod common;

use candle_core::quantized::GgmlDType;
use candle_core::{DType, Device};
use common::TempDir;
use polytune_gpu::files::{InitSpec, ModelDir, init_tiny, quantize_dir};
use polytune_gpu::infer::{Row, SeqCache, Want, from_llama, load_engine};

#[test]
fn a_dequantized_engine_equals_the_f32_forward_of_the_same_file() {
    // SAFETY: this binary's only test sets the variable before any engine (or thread of ours)
    // reads the environment.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("POLYTUNE_DEQUANTIZE", "1")
    };
    let root = std::env::temp_dir().join(format!("polytune-exact-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let _cleanup = TempDir(root.clone());
    let texts: Vec<String> = (0..40)
        .map(|i| format!("The cat sat on the mat {i}. Der Hund läuft über die Wiese {i}. Paka analala {i}."))
        .collect();
    let src = root.join("f32");
    init_tiny(&src, &InitSpec { seed: 3, ..InitSpec::default() }, &texts).unwrap();
    let src = ModelDir::open(&src).unwrap();
    assert!(src.config.tie_word_embeddings, "the head is the embedding: it must be dequantized too");
    let tokens = src.tokenizer.encode_text(&texts[..6].join(" ")).unwrap();
    for dtype in [GgmlDType::Q4_1, GgmlDType::Q8_0] {
        let out = root.join(format!("{dtype:?}"));
        quantize_dir(&src, &out, dtype).unwrap();
        let qdir = ModelDir::open(&out).unwrap();
        let exact = load_engine(&qdir, &Device::Cpu).unwrap();
        assert!(exact.format.contains("→F32"), "{dtype:?} expanded: {}", exact.format);
        let reference = from_llama(&qdir.load_model(&Device::Cpu, DType::F32).unwrap()).unwrap();
        let logits = |e: &polytune_gpu::infer::Engine| {
            let mut cache = SeqCache::new();
            let mut rows = [Row { cache: &mut cache, tokens: &tokens, want: Want::All, adapter: None }];
            e.step(&mut rows).unwrap().pop().unwrap().unwrap()
        };
        let (a, b) = (logits(&exact), logits(&reference));
        let diff = (&a - &b).unwrap().abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap();
        let scale = b.abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap();
        eprintln!(
            "{dtype:?}: largest logit difference {diff:e} (largest logit {scale}) over {} positions",
            tokens.len()
        );
        assert!(diff <= 1e-4 * scale.max(1.0), "{dtype:?}: {diff} against {scale}");
    }
}
