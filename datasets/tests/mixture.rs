//! The mixture sampler: property tests (exact shares, seeds, caps, only chosen examples,
//! over-sampling spreads repeats evenly), contamination, augmentations, and a golden mixture built
//! from ../shared/data (NTREX-128, MGSM).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Cursor};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use polytune_api::{
    Annotation, AugmentKind, Augmentation, Example, LanguageCount, MixtureSpec, Shares, SourceFacts, Turn, TurnRole,
    builtin_templates, plan,
};
use polytune_data::mixture::{AugmentInput, EvalIndex, Inputs, Source, materialize};
use proptest::prelude::*;

fn example(id: &str, lang: &str, q: &str, a: &str) -> Example {
    Example {
        id: id.into(),
        source: format!("test:{id}"),
        language: Some(lang.into()),
        turns: vec![Turn { role: TurnRole::User, text: q.into() }, Turn { role: TurnRole::Assistant, text: a.into() }],
        meta: Default::default(),
    }
}

/// A version in memory: its canonical lines and annotations.
struct Version {
    id: String,
    examples: Arc<Vec<u8>>,
    annotations: Arc<Vec<u8>>,
    langs: BTreeMap<String, u64>,
    count: u64,
}

fn version(id: &str, items: &[(String, Example)]) -> Version {
    let mut ex = Vec::new();
    let mut ann = Vec::new();
    let mut langs = BTreeMap::new();
    for (lang, e) in items {
        serde_json::to_writer(&mut ex, e).unwrap();
        ex.push(b'\n');
        let a = Annotation { li: Some(lang.clone()), ..Annotation::default() };
        serde_json::to_writer(&mut ann, &a).unwrap();
        ann.push(b'\n');
        *langs.entry(lang.clone()).or_default() += 1;
    }
    Version { id: id.into(), examples: Arc::new(ex), annotations: Arc::new(ann), langs, count: items.len() as u64 }
}

fn reader(bytes: &Arc<Vec<u8>>) -> polytune_data::mixture::Opener {
    let b = bytes.clone();
    Box::new(move || Ok(Box::new(Cursor::new(b.as_ref().clone())) as Box<dyn BufRead + Send>))
}

fn facts(v: &Version) -> SourceFacts {
    let mut languages: Vec<LanguageCount> =
        v.langs.iter().map(|(l, n)| LanguageCount { language: l.clone(), examples: *n, tokens: n * 10 }).collect();
    languages.sort_by(|a, b| b.examples.cmp(&a.examples));
    SourceFacts {
        version_id: v.id.clone().into(),
        dataset_id: format!("d-{}", v.id).into(),
        dataset_name: v.id.clone(),
        number: 1,
        examples: v.count,
        languages,
        profiled: true,
        tokenizer: None,
        evaluation: false,
    }
}

struct Output {
    train: Vec<Example>,
    validation: Vec<Example>,
    bytes: Vec<u8>,
    report: polytune_api::MixtureReport,
}

fn run(spec: &MixtureSpec, versions: &[Version], eval: EvalIndex, aug: Vec<(u64, Vec<AugmentInput>)>) -> Output {
    let catalog: Vec<SourceFacts> = versions.iter().map(facts).collect();
    let p = plan(spec, &catalog).expect("a valid plan");
    let targets = p.languages.iter().map(|l| (l.language.clone(), l.examples)).collect();
    let sources = versions
        .iter()
        .filter(|v| spec.sources.contains(&v.id))
        .map(|v| Source {
            version_id: v.id.clone(),
            examples: reader(&v.examples),
            annotations: reader(&v.annotations),
        })
        .collect();
    let (mut train, mut validation) = (Vec::new(), Vec::new());
    let report = materialize(
        spec,
        Inputs { sources, targets, augmentations: aug, eval, expected: 0 },
        &mut train,
        &mut validation,
        &mut |_| ControlFlow::Continue(()),
    )
    .expect("materialized");
    let parse = |b: &[u8]| -> Vec<Example> {
        b.split(|c| *c == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect()
    };
    Output { train: parse(&train), validation: parse(&validation), bytes: train, report }
}

fn lang_of(e: &Example) -> String {
    e.language.clone().unwrap_or_default()
}

fn counts(examples: &[Example]) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for e in examples {
        *m.entry(lang_of(e)).or_default() += 1;
    }
    m
}

/// Versions with the given number of examples per language (split across two versions).
fn data(per_lang: &[(String, u64)]) -> Vec<Version> {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (lang, n) in per_lang {
        for i in 0..*n {
            let e = example(&format!("{lang}-{i}"), lang, &format!("question {i} in {lang}"), &format!("answer {i}"));
            if i % 3 == 0 { b.push((lang.clone(), e)) } else { a.push((lang.clone(), e)) }
        }
    }
    vec![version("va", &a), version("vb", &b)]
}

const LANGS: [&str; 5] = ["eng", "deu", "tha", "swa", "yor"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// The shares come out exactly as planned, the validation split is disjoint from training,
    /// every example comes from a chosen version, and caps hold.
    #[test]
    fn shares_are_exact_and_examples_come_from_the_chosen_versions(
        sizes in proptest::collection::vec(2u64..120, 2..5),
        want in proptest::collection::vec(1u64..200, 5),
        cap in 1u64..150,
        seed in any::<u64>(),
        oversample in any::<bool>(),
        val in 0.0f64..0.3,
    ) {
        let per: Vec<(String, u64)> = sizes.iter().enumerate().map(|(i, n)| (LANGS[i].to_string(), *n)).collect();
        let versions = data(&per);
        let mut amounts = BTreeMap::new();
        for (i, (l, n)) in per.iter().enumerate() {
            // Without over-sampling, ask for at most what is left after validation.
            let pool = n - polytune_api::validation_count(*n, val, 200);
            amounts.insert(l.clone(), if oversample { want[i] } else { want[i].min(pool) });
        }
        let mut spec = MixtureSpec {
            sources: vec!["va".into(), "vb".into()],
            shares: Shares::Budgets { unit: polytune_api::BudgetUnit::Examples, amounts: amounts.clone() },
            oversample,
            seed,
            validation_fraction: val,
            ..MixtureSpec::default()
        };
        spec.caps.insert(per[0].0.clone(), cap);
        let out = run(&spec, &versions, EvalIndex::default(), Vec::new());
        let got = counts(&out.train);
        for (l, n) in &per {
            let expected = amounts[l].min(if *l == per[0].0 { cap } else { u64::MAX });
            prop_assert_eq!(got.get(l).copied().unwrap_or(0), expected, "language {}", l);
            let v = polytune_api::validation_count(*n, val, 200);
            prop_assert_eq!(counts(&out.validation).get(l).copied().unwrap_or(0), v);
        }
        // Only chosen examples, and validation never trained on.
        let all: HashSet<String> = per.iter().flat_map(|(l, n)| (0..*n).map(move |i| format!("{l}-{i}"))).collect();
        let val_ids: HashSet<&str> = out.validation.iter().map(|e| e.id.as_str()).collect();
        for e in &out.train {
            let base = e.id.split('~').next().unwrap();
            prop_assert!(all.contains(base), "{} is not an input example", e.id);
            prop_assert!(!val_ids.contains(base), "{} is also in validation", base);
            let from = e.meta["from_version"].as_str().unwrap();
            prop_assert!(from == "va" || from == "vb");
        }
        // Over-sampling: each example of a language appears ⌊k/m⌋ or ⌊k/m⌋+1 times.
        let mut times: HashMap<&str, u64> = HashMap::new();
        for e in &out.train {
            *times.entry(e.id.split('~').next().unwrap()).or_default() += 1;
        }
        for (l, _) in &per {
            let t: Vec<u64> = times.iter().filter(|(id, _)| id.starts_with(&format!("{l}-"))).map(|(_, n)| *n).collect();
            if let (Some(lo), Some(hi)) = (t.iter().min(), t.iter().max()) {
                prop_assert!(hi - lo <= 1, "{}: repeats uneven ({} to {})", l, lo, hi);
            }
        }
        // Same seed, same bytes.
        let again = run(&spec, &versions, EvalIndex::default(), Vec::new());
        prop_assert_eq!(&out.bytes, &again.bytes);
    }

    /// Temperature sampling: the drawn shares follow n^α exactly as planned.
    #[test]
    fn temperature_shares_follow_the_plan(alpha in 0.0f64..=1.0, seed in any::<u64>()) {
        let per: Vec<(String, u64)> = vec![("eng".into(), 400), ("deu".into(), 100), ("tha".into(), 25)];
        let versions = data(&per);
        let spec = MixtureSpec {
            sources: vec!["va".into(), "vb".into()],
            shares: Shares::Temperature { alpha, total: Some(300) },
            oversample: true,
            seed,
            ..MixtureSpec::default()
        };
        let catalog: Vec<SourceFacts> = versions.iter().map(facts).collect();
        let p = plan(&spec, &catalog).unwrap();
        let out = run(&spec, &versions, EvalIndex::default(), Vec::new());
        let got = counts(&out.train);
        for l in &p.languages {
            prop_assert_eq!(got[&l.language], l.examples);
        }
        // Lower α never gives the smallest language a smaller share.
        let tha = got["tha"] as f64 / out.train.len() as f64;
        let natural = 25.0 * 0.95 / (525.0 * 0.95);
        prop_assert!(tha + 0.02 >= natural, "tha share {tha} below natural {natural} at α={alpha}");
    }
}

#[test]
fn different_seeds_draw_different_examples() {
    let versions = data(&[("eng".into(), 500), ("deu".into(), 500)]);
    let mk = |seed| MixtureSpec {
        sources: vec!["va".into(), "vb".into()],
        shares: Shares::Temperature { alpha: 1.0, total: Some(100) },
        seed,
        ..MixtureSpec::default()
    };
    let a = run(&mk(1), &versions, EvalIndex::default(), Vec::new());
    let b = run(&mk(2), &versions, EvalIndex::default(), Vec::new());
    assert_eq!(a.train.len(), b.train.len());
    assert_ne!(a.bytes, b.bytes);
}

#[test]
fn contaminated_examples_and_aligned_translations_are_flagged_and_left_out() {
    let items: Vec<(String, Example)> = (0..50)
        .map(|i| {
            (
                "eng".to_string(),
                example(&format!("e{i}"), "eng", &format!("What is the answer to riddle number {i}?"), "42"),
            )
        })
        .collect();
    let versions = vec![version("v", &items)];
    // The evaluation set holds riddles 3 and 7 (whitespace and case differ).
    let mut eval = EvalIndex::default();
    let eval_lines: String = [3, 7]
        .iter()
        .map(|i| {
            serde_json::to_string(&example("x", "eng", &format!("what is the answer to  RIDDLE number {i}?"), "42"))
                .unwrap()
                + "\n"
        })
        .collect();
    eval.add("riddles v1", Cursor::new(eval_lines)).unwrap();
    let spec = MixtureSpec {
        sources: vec!["v".into()],
        shares: Shares::Natural,
        validation_fraction: 0.0,
        ..MixtureSpec::default()
    };
    let out = run(&spec, &versions, eval, Vec::new());
    assert_eq!(out.report.contaminated, 2);
    assert_eq!(out.train.len(), 48);
    assert!(out.report.contaminated_examples.iter().any(|s| s.contains("v:e3") && s.contains("riddles v1")));
    assert!(!out.train.iter().any(|e| e.id == "e7"));

    // Kept (but still reported) when asked to.
    let mut eval = EvalIndex::default();
    eval.add("riddles v1", Cursor::new(serde_json::to_string(&items[3].1).unwrap())).unwrap();
    let keep = MixtureSpec { drop_contaminated: false, ..spec.clone() };
    let out = run(&keep, &versions, eval, Vec::new());
    assert_eq!((out.report.contaminated, out.train.len()), (1, 50));
    let marked: Vec<&str> =
        out.train.iter().filter(|e| e.meta.contains_key("contaminated")).map(|e| e.id.as_str()).collect();
    assert_eq!(marked, ["e3"]);

    // An augmentation whose aligned input is an evaluation text is flagged too.
    let en: Vec<(String, Example)> = (0..10)
        .map(|i| {
            (
                "eng".to_string(),
                line_example(&format!("en{i}"), "eng", &format!("The sentence number {i} is in English.")),
            )
        })
        .collect();
    let de: Vec<(String, Example)> = (0..10)
        .map(|i| {
            (
                "deu".to_string(),
                line_example(&format!("de{i}"), "deu", &format!("Der Satz Nummer {i} ist auf Deutsch.")),
            )
        })
        .collect();
    let versions = vec![version("v", &items), version("en", &en), version("de", &de)];
    let mut eval = EvalIndex::default();
    eval.add("flores de", Cursor::new(serde_json::to_string(&de[4].1).unwrap())).unwrap();
    let t = builtin_templates().into_iter().find(|t| t.kind == AugmentKind::Translation).unwrap();
    let aug = Augmentation {
        template: t,
        inputs: [("source".to_string(), "en".to_string()), ("target".to_string(), "de".to_string())].into(),
        shots: 0,
        limit: None,
    };
    let spec = MixtureSpec { augmentations: vec![aug], ..spec };
    let inputs = vec![(10, aug_inputs(&versions, &[("source", "en", "eng"), ("target", "de", "deu")]))];
    let out = run(&spec, &versions, eval, inputs);
    assert_eq!(out.report.contaminated, 1);
    assert_eq!(out.report.languages["deu"].augmented, 9);
}

fn line_example(id: &str, lang: &str, text: &str) -> Example {
    Example {
        id: id.into(),
        source: format!("{lang}.txt:{id}"),
        language: Some(lang.into()),
        turns: vec![Turn { role: TurnRole::User, text: text.into() }],
        meta: Default::default(),
    }
}

fn aug_inputs(versions: &[Version], roles: &[(&str, &str, &str)]) -> Vec<AugmentInput> {
    roles
        .iter()
        .map(|(role, vid, lang)| {
            let v = versions.iter().find(|v| v.id == *vid).unwrap();
            AugmentInput {
                role: role.to_string(),
                version_id: v.id.clone(),
                language: lang.to_string(),
                examples: Box::new(Cursor::new(v.examples.as_ref().clone())),
            }
        })
        .collect()
}

#[test]
fn few_shot_augmentations_use_the_following_rows_and_respect_the_limit() {
    let en: Vec<(String, Example)> = (0..6)
        .map(|i| ("eng".to_string(), line_example(&format!("en{i}"), "eng", &format!("Sentence {i}."))))
        .collect();
    let fr: Vec<(String, Example)> =
        (0..6).map(|i| ("fra".to_string(), line_example(&format!("fr{i}"), "fra", &format!("Phrase {i}.")))).collect();
    let versions = vec![version("en", &en), version("fr", &fr)];
    let t = builtin_templates().into_iter().find(|t| t.id.as_deref() == Some("builtin:translation-fra")).unwrap();
    let aug = Augmentation {
        template: t,
        inputs: [("source".to_string(), "en".to_string()), ("target".to_string(), "fr".to_string())].into(),
        shots: 2,
        limit: Some(4),
    };
    let spec = MixtureSpec {
        sources: Vec::new(),
        shares: Shares::Natural,
        augmentations: vec![aug],
        ..MixtureSpec::default()
    };
    let out = run(
        &spec,
        &versions,
        EvalIndex::default(),
        vec![(6, aug_inputs(&versions, &[("source", "en", "eng"), ("target", "fr", "fra")]))],
    );
    assert_eq!(out.train.len(), 4);
    for e in &out.train {
        let row: usize = e.id.rsplit('-').next().unwrap().parse().unwrap();
        let user = &e.turns[0].text;
        // Two worked examples (the next rows, wrapping to the first), then the question.
        assert_eq!(user.matches("Traduis le texte suivant").count(), 3, "{user}");
        assert!(user.contains(&format!("Sentence {}.", row % 6)), "{user}");
        assert!(user.contains(&format!("Phrase {}.", row % 6)), "{user}");
        assert!(user.trim_end().ends_with(&format!("Sentence {}.", row - 1)), "{user}");
        assert_eq!(e.turns[1].text, format!("Phrase {}.", row - 1));
        assert_eq!(e.language.as_deref(), Some("fra"));
        assert!(user.contains("Langue cible : Français"), "{user}");
    }
}

fn shared_data() -> Option<PathBuf> {
    let candidates = [
        std::env::var("POLYTUNE_SHARED_DATA").ok().map(PathBuf::from),
        std::env::current_dir().ok().map(|d| d.join("../../shared/data")),
        std::env::current_dir().ok().map(|d| d.join("../shared/data")),
    ];
    candidates.into_iter().flatten().find(|p| p.join("parallel/ntrex128/eng.txt").is_file())
}

fn lines_version(id: &str, path: PathBuf, lang: &str, limit: usize) -> Version {
    let text = std::fs::read_to_string(&path).unwrap();
    let items: Vec<(String, Example)> = text
        .lines()
        .take(limit)
        .enumerate()
        .map(|(i, l)| (lang.to_string(), line_example(&format!("{id}-{i}"), lang, l)))
        .collect();
    version(id, &items)
}

/// A golden mixture from NTREX: English + a pinch of German and French, plus translation pairs
/// eng→deu with one worked example; the counts are the recipe's, the digest pins determinism.
#[test]
fn golden_mixture_from_ntrex() {
    let Some(root) = shared_data() else {
        eprintln!("skipped: ../shared/data (NTREX-128) not found; set POLYTUNE_SHARED_DATA");
        return;
    };
    let nt = root.join("parallel/ntrex128");
    let versions = vec![
        lines_version("eng", nt.join("eng.txt"), "eng", 400),
        lines_version("deu", nt.join("deu.txt"), "deu", 400),
        lines_version("fra", nt.join("fra.txt"), "fra", 400),
    ];
    let mut langs = BTreeMap::new();
    langs.insert("eng".to_string(), 380);
    let t = builtin_templates().into_iter().find(|t| t.id.as_deref() == Some("builtin:translation-eng")).unwrap();
    let spec = MixtureSpec {
        sources: vec!["eng".into(), "deu".into(), "fra".into()],
        shares: polytune_api::pinch("eng", &["deu".into(), "fra".into()], 25, &langs),
        seed: 7,
        augmentations: vec![Augmentation {
            template: t,
            inputs: [("source".to_string(), "eng".to_string()), ("target".to_string(), "deu".to_string())].into(),
            shots: 1,
            limit: Some(50),
        }],
        ..MixtureSpec::default()
    };
    let inputs = vec![(400, aug_inputs(&versions, &[("source", "eng", "eng"), ("target", "deu", "deu")]))];
    let out = run(&spec, &versions, EvalIndex::default(), inputs);
    let c = counts(&out.train);
    assert_eq!(c["eng"], 380);
    assert_eq!(c["fra"], 25);
    assert_eq!(c["deu"], 25 + 50);
    assert_eq!(counts(&out.validation), [("deu".into(), 20), ("eng".into(), 20), ("fra".into(), 20)].into());
    let pair = out.train.iter().find(|e| e.id.starts_with("aug1-")).unwrap();
    assert!(pair.turns[0].text.contains("from English into German"), "{}", pair.turns[0].text);
    let digest = xxhash_rust::xxh3::xxh3_64(&out.bytes);
    assert_eq!(digest, GOLDEN_NTREX, "the golden mixture changed: {digest:#x}");
}

/// xxh3 of the golden mixture's training file. A change here means the same recipe and seed
/// now give different examples: bump it only for an intended change of the sampler.
const GOLDEN_NTREX: u64 = 0xbd79_f5d1_7a2a_e2e8;

/// Imports a file the way the studio does (detected format, guessed mapping) into a version.
fn imported(id: &str, path: PathBuf, lang: &str) -> Version {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let limits = polytune_data::read::Limits::default();
    let ins = polytune_data::import::inspect(&path, &name, None, limits).expect("inspect");
    let mut out = Vec::new();
    polytune_data::import::import(&path, &name, &ins.spec, polytune_api::OnError::Skip, limits, &mut out, &mut |_| {
        ControlFlow::Continue(())
    })
    .expect("import");
    let items: Vec<(String, Example)> = out
        .split(|c| *c == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| (lang.to_string(), serde_json::from_slice(l).unwrap()))
        .collect();
    version(id, &items)
}

/// Flan-style templates on real labeled data: SIB-200 topics and XCOPA cause/effect, imported as
/// the studio imports them, zero-shot and few-shot.
#[test]
fn labeled_templates_on_sib200_and_xcopa() {
    let Some(root) = shared_data() else {
        eprintln!("skipped: ../shared/data (SIB-200, XCOPA) not found; set POLYTUNE_SHARED_DATA");
        return;
    };
    let templates = builtin_templates();
    let pick = |id: &str| templates.iter().find(|t| t.id.as_deref() == Some(id)).unwrap().clone();
    let cases = [
        ("sib", root.join("labeled/sib200/deu_Latn/dev.tsv"), "deu", "builtin:topic-eng", 3usize),
        ("xcopa", root.join("eval/xcopa/val.sw.jsonl"), "swa", "builtin:choice-eng", 0),
    ];
    for (id, path, lang, template, shots) in cases {
        let v = imported(id, path, lang);
        let versions = vec![v];
        let aug = Augmentation {
            template: pick(template),
            inputs: [("data".to_string(), id.to_string())].into(),
            shots,
            limit: Some(20),
        };
        let spec = MixtureSpec {
            sources: Vec::new(),
            shares: Shares::Natural,
            augmentations: vec![aug],
            ..MixtureSpec::default()
        };
        let n = versions[0].count;
        let inputs = vec![(n, aug_inputs(&versions, &[("data", id, lang)]))];
        let out = run(&spec, &versions, EvalIndex::default(), inputs);
        assert_eq!(out.train.len(), 20, "{id}");
        for e in &out.train {
            let (user, answer) = (&e.turns[0].text, &e.turns[1].text);
            match id {
                "sib" => {
                    let topics =
                        ["science/technology", "travel", "politics", "sports", "health", "entertainment", "geography"];
                    assert!(topics.contains(&answer.as_str()), "SIB answer {answer:?}");
                    // Three worked examples with their answers, then the question.
                    assert_eq!(user.matches("What is the topic of this text?").count(), 4, "{user}");
                }
                _ => {
                    assert!(user.contains("\nA: ") && user.contains("\nB: "), "{user}");
                    assert!(
                        user.contains("What was the cause?") || user.contains("What happened as a result?"),
                        "{user}"
                    );
                    let a = user.split("\nA: ").nth(1).unwrap().split('\n').next().unwrap();
                    let b = user.split("\nB: ").nth(1).unwrap();
                    assert!(answer == a || answer == b, "{answer:?} is neither choice");
                }
            }
            assert_eq!(e.language.as_deref(), Some(lang));
        }
    }
}
