//! The engine against references: logits and LoRA gradients of tiny random llama and qwen2 models
//! equal what `transformers` + `peft` computed for the same weights (fixtures made by
//! tests/fixtures/make_fixtures.py, reproduced below), LoRA gradients equal finite differences, and
//! the trainer's guarantees: loss goes down, only answers count, packing changes nothing, resume is
//! exact, exports load back to the same model, generation is repeatable.
//!
//! The fixture script, as run to make tests/fixtures/{llama,qwen2} (torch 2.15, transformers 5.23,
//! peft 0.21.2, CPU):
//!
//! ```python
//! config = AutoConfig.for_model(**cfg); config._attn_implementation = "eager"
//! model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32).eval()
//! for name, p in model.named_parameters():   # norms 1 + 0.1·N(0,1), the rest N(0, 0.15)
//!     p.copy_(1.0 + 0.1 * torch.randn_like(p)) if "norm" in name else p.normal_(0.0, 0.15)
//! ids = torch.randint(0, cfg["vocab_size"], (2, 11)); logits = model(input_ids=ids).logits
//! peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=TARGETS))
//! for lora params p: p.normal_(0.0, 0.2)      # B non-zero so that A's gradient is tested too
//! labels = ids.clone(); labels[:, :4] = -100; peft_model(input_ids=ids, labels=labels).loss.backward()
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor, Var};
use polytune_api::{Example, LossOn, TrainSpec, TuneMethod, Turn, TurnRole};
use polytune_gpu::data::{TokenizedExample, make_batch};
use polytune_gpu::export;
use polytune_gpu::files::{InitSpec, ModelDir, init_tiny};
use polytune_gpu::model::{Llama, Pass, weighted_nll};
use polytune_gpu::sampler::{SamplingParams, SplitMix64};
use polytune_gpu::train::{
    CheckpointInfo, EvalMetrics, Observer, Outcome, RunPaths, StepMetrics, Trainer, list_checkpoints,
};

mod common;
use common::{TempDir, fixture};

fn ids_of(reference: &HashMap<String, Tensor>) -> Tensor {
    reference["ids"].to_dtype(DType::U32).unwrap()
}

fn positions(b: usize, t: usize) -> Tensor {
    let p: Vec<u32> = (0..b).flat_map(|_| 0..t as u32).collect();
    Tensor::from_vec(p, b * t, &Device::Cpu).unwrap()
}

fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
    (a - b).unwrap().abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap()
}

#[test]
fn logits_equal_transformers() {
    for name in ["llama", "qwen2"] {
        let (cfg, weights, reference) = fixture(name);
        let model = Llama::new(&cfg, weights, &Device::Cpu).unwrap();
        let ids = ids_of(&reference);
        let (b, t) = ids.dims2().unwrap();
        let mut pass = Pass { dtype: DType::F32, dropout_rng: None };
        let logits = model.forward(&ids, &positions(b, t), None, None, &mut pass).unwrap();
        let diff = max_abs_diff(&logits, &reference["logits"]);
        let scale =
            reference["logits"].abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap();
        assert!(
            diff < 1e-4 * scale.max(1.0),
            "{name}: logits differ from transformers by {diff} (largest logit {scale})"
        );
    }
}

/// Attaches rank-4 adapters with the fixture's values; returns the variables by name.
fn lora_from_fixture(model: &mut Llama, reference: &HashMap<String, Tensor>) -> Vec<(String, Var)> {
    let targets: Vec<String> = polytune_gpu::LORA_TARGETS.iter().map(|s| s.to_string()).collect();
    let vars = model.add_lora(4, 8.0, 0.0, &targets, &mut SplitMix64(1)).unwrap();
    for (name, var) in &vars {
        var.set(&reference[&format!("lora.{name}")]).unwrap();
    }
    vars
}

/// HF's loss: mean over positions whose label is not -100; labels are the ids with the first 4
/// of each row masked, shifted by one.
fn fixture_loss_parts(ids: &Tensor) -> (Tensor, Tensor, usize) {
    let (b, t) = ids.dims2().unwrap();
    let rows: Vec<Vec<u32>> = ids.to_vec2().unwrap();
    let mut targets = Vec::new();
    let mut weights = Vec::new();
    for row in &rows {
        for p in 0..t {
            targets.push(if p + 1 < t { row[p + 1] } else { 0 });
            weights.push(if p + 1 < t && p + 1 >= 4 { 1f32 } else { 0.0 });
        }
    }
    let n = weights.iter().filter(|w| **w > 0.0).count();
    (
        Tensor::from_vec(targets, b * t, &Device::Cpu).unwrap(),
        Tensor::from_vec(weights, b * t, &Device::Cpu).unwrap(),
        n,
    )
}

fn lora_loss(model: &Llama, ids: &Tensor, dtype: DType) -> Tensor {
    let (b, t) = ids.dims2().unwrap();
    let (targets, weights, n) = fixture_loss_parts(ids);
    let mut pass = Pass { dtype, dropout_rng: None };
    let logits = model.forward(ids, &positions(b, t), None, None, &mut pass).unwrap();
    let v = model.cfg.vocab_size;
    let sum =
        weighted_nll(&logits.reshape((b * t, v)).unwrap(), &targets, &weights.to_dtype(DType::F32).unwrap()).unwrap();
    (sum / n as f64).unwrap()
}

#[test]
fn lora_gradients_equal_peft() {
    for name in ["llama", "qwen2"] {
        let (cfg, weights, reference) = fixture(name);
        let mut model = Llama::new(&cfg, weights, &Device::Cpu).unwrap();
        let vars = lora_from_fixture(&mut model, &reference);
        let ids = ids_of(&reference);
        let loss = lora_loss(&model, &ids, DType::F32);
        let expected = reference["loss"].to_vec1::<f32>().unwrap()[0];
        let got = loss.to_scalar::<f32>().unwrap();
        assert!((got - expected).abs() < 1e-5 * expected.abs(), "{name}: loss {got} vs peft {expected}");
        let grads = loss.backward().unwrap();
        assert_eq!(vars.len(), 28);
        for (n, var) in &vars {
            let g = grads.get(var.as_tensor()).unwrap_or_else(|| panic!("{name}: no gradient for {n}"));
            let want = &reference[&format!("grad.{n}")];
            let scale = want.abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap();
            let diff = max_abs_diff(g, want);
            assert!(
                scale > 0.0 && diff < 2e-4 * scale,
                "{name} {n}: gradient differs from peft by {diff} (largest {scale})"
            );
        }
    }
}

#[test]
fn lora_gradients_equal_finite_differences() {
    let (cfg, weights, reference) = fixture("llama");
    let weights = weights.into_iter().map(|(k, v)| (k, v.to_dtype(DType::F64).unwrap())).collect();
    let mut model = Llama::new(&cfg, weights, &Device::Cpu).unwrap();
    let vars = lora_from_fixture(&mut model, &reference);
    let ids = ids_of(&reference);
    let grads = lora_loss(&model, &ids, DType::F64).backward().unwrap();
    let mut rng = SplitMix64(5);
    let mut checked = 0;
    for (name, var) in vars.iter().filter(|(n, _)| n.contains("layers.0.") || n.contains("down_proj")) {
        let g: Vec<f32> =
            grads.get(var.as_tensor()).unwrap().flatten_all().unwrap().to_dtype(DType::F32).unwrap().to_vec1().unwrap();
        let original: Vec<f32> = var.as_tensor().flatten_all().unwrap().to_vec1().unwrap();
        for _ in 0..3 {
            let i = (rng.next_u64() % original.len() as u64) as usize;
            let eps = 1e-3f32;
            let at = |delta: f32| -> (f64, f64) {
                let mut w = original.clone();
                w[i] += delta;
                let actual = w[i] as f64 - original[i] as f64;
                var.set(&Tensor::from_vec(w, var.shape(), &Device::Cpu).unwrap()).unwrap();
                (lora_loss(&model, &ids, DType::F64).to_scalar::<f64>().unwrap(), actual)
            };
            let ((lp, dp), (lm, dm)) = (at(eps), at(-eps));
            var.set(&Tensor::from_vec(original.clone(), var.shape(), &Device::Cpu).unwrap()).unwrap();
            let numeric = (lp - lm) / (dp - dm);
            let analytic = g[i] as f64;
            assert!(
                (numeric - analytic).abs() <= 1e-4 + 1e-3 * analytic.abs(),
                "{name}[{i}]: finite difference {numeric} vs gradient {analytic}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

// ---------------------------------------------------------------------------------------------
// The trainer on a tiny model made from ../shared/data.

/// `$POLYTUNE_SHARED_DATA`, or ../shared/data beside the checkout (tests run in the package folder).
fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("POLYTUNE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default().join("../../shared/data"));
    dir.join("parallel/ntrex128/eng.txt").exists().then_some(dir)
}

fn lines(path: &Path, n: usize) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().take(n).map(|l| l.chars().take(160).collect()).collect()
}

/// Translation tasks English → German/French/Spanish from NTREX, as canonical JSON lines.
fn translation_examples(data: &Path, per_language: usize) -> Vec<Example> {
    let eng = lines(&data.join("parallel/ntrex128/eng.txt"), per_language);
    let mut out = Vec::new();
    for (code, name) in [("deu", "German"), ("fra", "French"), ("spa", "Spanish")] {
        let target = lines(&data.join(format!("parallel/ntrex128/{code}.txt")), per_language);
        for (i, (e, t)) in eng.iter().zip(&target).enumerate() {
            out.push(Example {
                id: format!("{code}-{i}"),
                source: format!("ntrex128/{code}.txt line {}", i + 1),
                language: Some(code.into()),
                turns: vec![
                    Turn { role: TurnRole::User, text: format!("Translate into {name}: {e}") },
                    Turn { role: TurnRole::Assistant, text: t.clone() },
                ],
                meta: BTreeMap::new(),
            });
        }
    }
    out
}

struct Setup {
    _tmp: TempDir,
    model: PathBuf,
    train: PathBuf,
    root: PathBuf,
}

fn setup(test: &str) -> Option<Setup> {
    let Some(data) = shared_data() else {
        eprintln!("SKIPPED {test}: ../shared/data (NTREX-128) is absent");
        return None;
    };
    let root = std::env::temp_dir().join(format!("polytune-engine-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let examples = translation_examples(&data, 40);
    let texts: Vec<String> = examples.iter().flat_map(|e| e.turns.iter().map(|t| t.text.clone())).collect();
    let model = root.join("tiny");
    init_tiny(&model, &InitSpec { vocab_size: 600, seed: 3, ..InitSpec::default() }, &texts).unwrap();
    let train = root.join("train.jsonl");
    let body: String = examples.iter().map(|e| serde_json::to_string(e).unwrap() + "\n").collect();
    std::fs::write(&train, body).unwrap();
    Some(Setup { model, train, root: root.clone(), _tmp: TempDir(root) })
}

fn spec() -> TrainSpec {
    TrainSpec {
        method: TuneMethod::Lora,
        seq_len: 256,
        batch_size: 4,
        learning_rate: 3e-3,
        warmup_steps: 2,
        max_steps: Some(8),
        eval_every: 4,
        save_every: 3,
        validation_fraction: 0.1,
        seed: 11,
        ..TrainSpec::default()
    }
}

#[derive(Default)]
struct Recorder {
    steps: Vec<StepMetrics>,
    evals: Vec<EvalMetrics>,
    checkpoints: Vec<CheckpointInfo>,
    stop_after: Option<usize>,
}

impl Observer for Recorder {
    fn step(&mut self, m: &StepMetrics) {
        self.steps.push(m.clone());
    }
    fn eval(&mut self, m: &EvalMetrics) {
        self.evals.push(m.clone());
    }
    fn checkpoint(&mut self, c: &CheckpointInfo) {
        self.checkpoints.push(c.clone());
    }
    fn should_stop(&mut self) -> bool {
        self.stop_after.is_some_and(|s| self.steps.last().is_some_and(|m| m.step >= s))
    }
}

fn paths(s: &Setup, out: &str) -> RunPaths {
    RunPaths { model: s.model.clone(), train: s.train.clone(), validation: None, output: s.root.join(out), init: None }
}

#[test]
fn training_lowers_the_loss_and_validates_per_language() {
    let Some(s) = setup("loss") else { return };
    for method in [TuneMethod::Lora, TuneMethod::Full] {
        // A random model learns the vocabulary's statistics first; LoRA needs a larger step for it.
        let learning_rate = if method == TuneMethod::Lora { 2e-2 } else { 3e-3 };
        let spec = TrainSpec { method, max_steps: Some(24), epochs: 3, eval_every: 12, learning_rate, ..spec() };
        let mut t = Trainer::prepare(&paths(&s, &format!("{method:?}")), &spec, &Device::Cpu).unwrap();
        let mut rec = Recorder::default();
        let outcome = t.run(&mut rec).unwrap();
        assert!(matches!(outcome, Outcome::Finished { steps: 24, .. }), "{outcome:?}");
        let first = rec.steps[..3].iter().map(|m| m.loss).sum::<f64>() / 3.0;
        let last = rec.steps[21..].iter().map(|m| m.loss).sum::<f64>() / 3.0;
        eprintln!("{method:?}: loss {first:.3} → {last:.3}");
        // Full tuning learns the vocabulary fast. LoRA cannot touch the (tied, tiny) embeddings of
        // a random model, which bound its logits to about ±1.5, so it can only move a little.
        let required = if method == TuneMethod::Full { first * 0.9 } else { first - 0.03 };
        assert!(last < required, "{method:?}: loss {first:.3} → {last:.3}");
        // Validation at the start, step 12 and the end, each with the three languages.
        assert_eq!(rec.evals.iter().map(|e| e.step).collect::<Vec<_>>(), [0, 12, 24]);
        for e in &rec.evals {
            assert_eq!(e.loss_by_language.keys().collect::<Vec<_>>(), ["deu", "fra", "spa"]);
        }
        assert!(rec.evals[2].loss < rec.evals[0].loss, "{method:?}: validation {:?}", rec.evals);
        let m = rec.steps.last().unwrap();
        assert!(m.tokens > 0 && m.tokens_per_second > 0.0 && m.memory_bytes > 0 && m.grad_norm > 0.0);
        assert_eq!(m.tokens_by_language.len(), 3);
        // keep_last = 2 plus the best: never more than three checkpoints on disk.
        assert!(list_checkpoints(&s.root.join(format!("{method:?}"))).len() <= 3);
    }
}

#[test]
fn only_answer_tokens_count_unless_asked() {
    let Some(s) = setup("mask") else { return };
    let dir = ModelDir::open(&s.model).unwrap();
    let msgs = [
        polytune_gpu::template::Message::new("user", "Translate into German: Good morning"),
        polytune_gpu::template::Message::new("assistant", "Guten Morgen"),
    ];
    let enc = dir.tokenizer.encode_conversation(&msgs, false).unwrap();
    let trained: Vec<u32> = enc.ids.iter().zip(&enc.train).filter(|(_, t)| **t).map(|(i, _)| *i).collect();
    assert_eq!(dir.tokenizer.tokenizer.decode(&trained, false).unwrap(), "Guten Morgen<|im_end|>\n");
    assert!(dir.tokenizer.encode_conversation(&msgs, true).unwrap().train.iter().all(|t| *t));

    // Changing every prompt position's target changes nothing with loss on answers only.
    let model = dir.load_model(&Device::Cpu, DType::F32).unwrap();
    let ex = TokenizedExample { language: "deu".into(), ids: enc.ids.clone(), train: enc.train.clone() };
    let prompt_positions: Vec<bool> = make_batch(std::slice::from_ref(&ex), &vec![vec![0]], 0, &|_| 0, &Device::Cpu)
        .unwrap()
        .weights
        .to_vec1::<f32>()
        .unwrap()
        .iter()
        .map(|w| *w == 0.0)
        .collect();
    let loss_with = |examples: &[TokenizedExample], scramble: bool| -> f32 {
        let mut b = make_batch(examples, &vec![vec![0]], 0, &|_| 0, &Device::Cpu).unwrap();
        if scramble {
            let t: Vec<u32> = b.targets.to_vec1().unwrap();
            let scrambled: Vec<u32> =
                t.iter().zip(&prompt_positions).map(|(t, p)| if *p { (t + 7) % 100 } else { *t }).collect();
            b.targets = Tensor::from_vec(scrambled, t.len(), &Device::Cpu).unwrap();
        }
        let logits = model
            .forward(&b.ids, &b.positions, Some(&b.mask), None, &mut Pass { dtype: DType::F32, dropout_rng: None })
            .unwrap();
        weighted_nll(&logits.reshape(((), model.cfg.vocab_size)).unwrap(), &b.targets, &b.weights)
            .unwrap()
            .to_scalar()
            .unwrap()
    };
    assert_eq!(loss_with(std::slice::from_ref(&ex), false), loss_with(std::slice::from_ref(&ex), true));
    let all = TokenizedExample { train: vec![true; ex.ids.len()], ..ex };
    assert_ne!(loss_with(std::slice::from_ref(&all), false), loss_with(std::slice::from_ref(&all), true));
}

#[test]
fn packed_rows_give_the_loss_of_separate_examples() {
    let Some(s) = setup("packing") else { return };
    let dir = ModelDir::open(&s.model).unwrap();
    let model = dir.load_model(&Device::Cpu, DType::F32).unwrap();
    let loaded = polytune_gpu::data::load_jsonl(&s.train, &dir.tokenizer, false, 256).unwrap();
    let examples = &loaded.examples[..6];
    let sum = |rows: Vec<Vec<usize>>| -> f64 {
        let b = make_batch(examples, &rows, 0, &|_| 0, &Device::Cpu).unwrap();
        let logits = model
            .forward(&b.ids, &b.positions, Some(&b.mask), None, &mut Pass { dtype: DType::F32, dropout_rng: None })
            .unwrap();
        weighted_nll(&logits.reshape(((), model.cfg.vocab_size)).unwrap(), &b.targets, &b.weights)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap() as f64
    };
    let packed = sum(vec![vec![0, 1, 2], vec![3, 4, 5]]);
    let separate: f64 = (0..6).map(|i| sum(vec![vec![i]])).sum();
    let padded = sum((0..6).map(|i| vec![i]).collect());
    assert!((packed - separate).abs() < 1e-4 * separate, "packed {packed} vs separate {separate}");
    assert!((padded - separate).abs() < 1e-4 * separate, "padded {padded} vs separate {separate}");
}

#[test]
fn a_stopped_run_resumes_exactly() {
    let Some(s) = setup("resume") else { return };
    for method in [TuneMethod::Lora, TuneMethod::Full] {
        let spec = TrainSpec { method, lora: polytune_api::LoraSpec { dropout: 0.1, ..Default::default() }, ..spec() };
        let straight_dir = format!("straight-{method:?}");
        let mut straight = Recorder::default();
        let a = Trainer::prepare(&paths(&s, &straight_dir), &spec, &Device::Cpu).unwrap().run(&mut straight).unwrap();

        let resumed_dir = format!("resumed-{method:?}");
        let mut first = Recorder { stop_after: Some(4), ..Default::default() };
        let stopped = Trainer::prepare(&paths(&s, &resumed_dir), &spec, &Device::Cpu).unwrap().run(&mut first).unwrap();
        assert!(matches!(stopped, Outcome::Stopped { step: 4, .. }), "{stopped:?}");
        let mut second = Recorder::default();
        let mut t = Trainer::prepare(&paths(&s, &resumed_dir), &spec, &Device::Cpu).unwrap();
        assert_eq!(t.resumed_from, Some(4));
        let b = t.run(&mut second).unwrap();

        let losses = |r: &Recorder| r.steps.iter().map(|m| (m.step, m.loss.to_bits())).collect::<Vec<_>>();
        let mut joined = losses(&first);
        joined.extend(losses(&second));
        assert_eq!(joined, losses(&straight), "{method:?}: the resumed curve differs");
        let (Outcome::Finished { checkpoint: ca, .. }, Outcome::Finished { checkpoint: cb, .. }) = (a, b) else {
            panic!()
        };
        for f in ["trainable.safetensors", "optimizer.safetensors"] {
            assert!(
                std::fs::read(ca.join(f)).unwrap() == std::fs::read(cb.join(f)).unwrap(),
                "{method:?}: {f} differs"
            );
        }
    }
    // Other settings in the same folder are refused instead of mixed in.
    let other = TrainSpec { learning_rate: 1e-3, ..spec() };
    let err = Trainer::prepare(&paths(&s, "resumed-Lora"), &other, &Device::Cpu).err().unwrap();
    assert!(err.to_string().contains("other settings"), "{err}");
}

#[test]
fn exports_load_back_and_generation_is_repeatable() {
    let Some(s) = setup("export") else { return };
    let spec = TrainSpec { max_steps: Some(4), ..spec() };
    let out = Trainer::prepare(&paths(&s, "run"), &spec, &Device::Cpu).unwrap().run(&mut ()).unwrap();
    let Outcome::Finished { checkpoint, .. } = out else { panic!("{out:?}") };
    let dir = ModelDir::open(&s.model).unwrap();
    let tuned = export::load_with_checkpoint(&dir, Some(&checkpoint), &Device::Cpu).unwrap();

    // Merged weights: a plain model directory with the same logits as base + adapter.
    let merged_dir = s.root.join("merged");
    export::export_merged(&dir, &tuned, &merged_dir).unwrap();
    let merged = ModelDir::open(&merged_dir).unwrap().load_model(&Device::Cpu, DType::F32).unwrap();
    let ids = Tensor::new(&[[5u32, 9, 40, 77, 3, 12]], &Device::Cpu).unwrap();
    let logits = |m: &Llama| {
        m.forward(&ids, &positions(1, 6), None, None, &mut Pass { dtype: DType::F32, dropout_rng: None }).unwrap()
    };
    assert!(max_abs_diff(&logits(&tuned), &logits(&merged)) < 1e-4);
    let base = dir.load_model(&Device::Cpu, DType::F32).unwrap();
    assert!(max_abs_diff(&logits(&tuned), &logits(&base)) > 1e-4, "training changed nothing");

    // The adapter alone, PEFT's layout.
    let adapter_dir = s.root.join("adapter");
    export::export_adapter(&dir, &checkpoint, "tiny", &adapter_dir).unwrap();
    let cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(adapter_dir.join("adapter_config.json")).unwrap()).unwrap();
    assert_eq!(cfg["peft_type"], "LORA");
    assert_eq!(cfg["r"], 16);
    let adapter = candle_core::safetensors::load(adapter_dir.join("adapter_model.safetensors"), &Device::Cpu).unwrap();
    assert!(adapter.contains_key("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"));
    assert_eq!(adapter.len(), 2 * 7 * 2);

    // Generation: greedy is repeatable, sampling follows its seed, the KV cache changes nothing.
    let msgs = [polytune_gpu::template::Message::new("user", "Translate into German: Good morning")];
    let greedy = SamplingParams { max_new_tokens: 12, ..Default::default() };
    let g1 = export::chat(&tuned, &dir.tokenizer, &msgs, &greedy, &mut |_| {}).unwrap();
    let mut streamed = String::new();
    let g2 = export::chat(&tuned, &dir.tokenizer, &msgs, &greedy, &mut |p| streamed.push_str(p)).unwrap();
    assert_eq!(g1, g2);
    assert_eq!(streamed, g1.text);
    assert!(g1.tokens > 0);
    let prompt = dir.tokenizer.encode_prompt(&msgs).unwrap();
    let n = prompt.len();
    let full = tuned
        .forward(
            &Tensor::from_vec(prompt.clone(), (1, n), &Device::Cpu).unwrap(),
            &positions(1, n),
            None,
            None,
            &mut Pass { dtype: DType::F32, dropout_rng: None },
        )
        .unwrap();
    let argmax = |t: &Tensor| t.flatten_all().unwrap().argmax(0).unwrap().to_scalar::<u32>().unwrap();
    let first_token = argmax(&full.narrow(1, n - 1, 1).unwrap());
    let first_text = dir.tokenizer.decode(&[first_token]).unwrap();
    assert!(g1.text.starts_with(&first_text) || dir.tokenizer.stop_ids.contains(&first_token));
    let sampled = |seed| {
        let p =
            SamplingParams { temperature: 1.0, top_p: 0.9, top_k: 50, seed, max_new_tokens: 12, ..Default::default() };
        export::chat(&tuned, &dir.tokenizer, &msgs, &p, &mut |_| {}).unwrap().text
    };
    assert_eq!(sampled(1), sampled(1));
    let stop = SamplingParams { stop: vec![g1.text.chars().take(2).collect()], ..greedy.clone() };
    if g1.text.chars().count() >= 2 {
        let cut = export::chat(&tuned, &dir.tokenizer, &msgs, &stop, &mut |_| {}).unwrap();
        assert_eq!((cut.text.as_str(), cut.finish_reason.as_str()), ("", "stop"));
    }
    let bad = SamplingParams { top_p: 2.0, ..greedy };
    assert!(export::chat(&tuned, &dir.tokenizer, &msgs, &bad, &mut |_| {}).unwrap_err().to_string().contains("top_p"));
}

/// bf16 compute (what CUDA uses) with fp32 master weights and moments: runs, and the trainable
/// variables stay f32. On CPU bf16 is slow, so only a few steps.
#[test]
fn bf16_compute_keeps_fp32_master_weights() {
    let Some(s) = setup("bf16") else { return };
    for method in [TuneMethod::Lora, TuneMethod::Full] {
        let spec =
            TrainSpec { method, dtype: polytune_api::ComputeDtype::Bf16, max_steps: Some(3), eval_every: 0, ..spec() };
        let mut t = Trainer::prepare(&paths(&s, &format!("bf16-{method:?}")), &spec, &Device::Cpu).unwrap();
        let mut rec = Recorder::default();
        t.run(&mut rec).unwrap();
        assert_eq!(rec.steps.len(), 3);
        assert!(rec.steps.iter().all(|m| m.loss.is_finite() && m.loss > 0.0), "{method:?}");
        assert!(t.vars.iter().all(|(_, v)| v.dtype() == DType::F32));
        assert!(t.opt.m.iter().chain(&t.opt.v).all(|m| m.dtype() == DType::F32));
    }
}

#[test]
fn bad_inputs_are_named() {
    let Some(s) = setup("bad") else { return };
    let bad_line = s.root.join("bad.jsonl");
    std::fs::write(&bad_line, "{\"id\":\"1\",\"source\":\"x\",\"turns\":[]}\n{oops\n").unwrap();
    let mut p = paths(&s, "bad");
    p.train = bad_line;
    let err = Trainer::prepare(&p, &spec(), &Device::Cpu).err().unwrap().to_string();
    assert!(err.contains("line 2"), "{err}");
    let err = Trainer::prepare(&paths(&s, "bad2"), &TrainSpec { seq_len: 100_000, ..spec() }, &Device::Cpu)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("context"), "{err}");
    let err = Trainer::prepare(&paths(&s, "bad3"), &TrainSpec { batch_size: 0, ..spec() }, &Device::Cpu)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("batch_size"), "{err}");
    let mut p = paths(&s, "bad4");
    p.model = s.root.join("nowhere");
    let err = Trainer::prepare(&p, &spec(), &Device::Cpu).err().unwrap().to_string();
    assert!(err.contains("nowhere") && err.contains("config.json"), "{err}");
    let _ = LossOn::All;
}
