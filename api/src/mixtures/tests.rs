use super::*;

#[test]
fn plan_notes_are_codes_and_old_text_notes_still_read() {
    let note = PlanNote::Repeats { examples: 12 };
    let json = serde_json::to_value(&note).unwrap();
    assert_eq!(json, serde_json::json!({"code": "repeats", "examples": 12}));
    assert_eq!(serde_json::from_value::<PlanNote>(json).unwrap(), note);
    let old: Vec<PlanNote> = serde_json::from_str(r#"["3 examples are repeats (over-sampling)"]"#).unwrap();
    assert_eq!(old, vec![PlanNote::Text("3 examples are repeats (over-sampling)".into())]);
    assert_eq!(
        PlanNote::TokensUnknown.english(),
        serde_json::from_str::<PlanNote>(r#"{"code":"tokens_unknown"}"#).unwrap().english()
    );
}

fn source(id: &str, langs: &[(&str, u64)]) -> SourceFacts {
    SourceFacts {
        version_id: id.into(),
        dataset_id: format!("d-{id}").into(),
        dataset_name: id.into(),
        number: 1,
        examples: langs.iter().map(|l| l.1).sum(),
        languages: langs
            .iter()
            .map(|(l, n)| LanguageCount { language: l.to_string(), examples: *n, tokens: n * 20 })
            .collect(),
        profiled: true,
        tokenizer: Some("t".into()),
        evaluation: false,
    }
}

fn catalog() -> Vec<SourceFacts> {
    vec![source("a", &[("eng", 1000), ("deu", 100)]), source("b", &[("tha", 50), ("deu", 20)])]
}

fn spec(shares: Shares) -> MixtureSpec {
    MixtureSpec { sources: vec!["a".into(), "b".into()], shares, ..MixtureSpec::default() }
}

#[test]
fn natural_takes_everything_but_validation() {
    let p = plan(&spec(Shares::Natural), &catalog()).unwrap();
    let deu = p.language("deu").unwrap();
    assert_eq!((deu.available, deu.validation, deu.examples), (120, 6, 114));
    assert_eq!(p.language("eng").unwrap().validation, 50);
    assert_eq!(p.examples, 950 + 114 + 47);
    assert!((p.languages.iter().map(|l| l.share).sum::<f64>() - 1.0).abs() < 1e-9);
    assert_eq!(p.languages[0].language, "eng");
}

#[test]
fn temperature_zero_is_uniform_and_needs_oversampling() {
    let s = spec(Shares::Temperature { alpha: 0.0, total: Some(300) });
    let e = plan(&s, &catalog()).unwrap_err();
    assert!(e[0].message.contains("tha: 100 examples asked, 47 available"), "{e:?}");
    let p = plan(&MixtureSpec { oversample: true, ..s }, &catalog()).unwrap();
    for l in &p.languages {
        assert_eq!(l.examples, 100);
    }
    assert_eq!(p.language("tha").unwrap().repeats, 53);
}

#[test]
fn percent_must_add_up_and_name_known_languages() {
    let pct = |v: &[(&str, f64)]| Shares::Percent {
        percent: v.iter().map(|(l, p)| (l.to_string(), *p)).collect(),
        total: 100,
    };
    let e = plan(&spec(pct(&[("eng", 50.0), ("deu", 37.0)])), &catalog()).unwrap_err();
    assert_eq!(e[0].path, "shares.percent");
    assert!(e[0].message.contains("87%"));
    let e = plan(&spec(pct(&[("eng", 50.0), ("kaz", 50.0)])), &catalog()).unwrap_err();
    assert_eq!(e[0].path, "shares.percent.kaz");
    assert!(e[0].message.contains("deu, eng, tha"), "{}", e[0].message);
    let p = plan(&spec(pct(&[("eng", 60.0), ("deu", 40.0)])), &catalog()).unwrap();
    assert_eq!((p.language("eng").unwrap().examples, p.language("deu").unwrap().examples), (60, 40));
}

#[test]
fn budgets_caps_and_pinch() {
    let mut langs = BTreeMap::new();
    langs.insert("eng".to_string(), 950);
    let s = pinch("eng", &["deu".into(), "tha".into()], 10, &langs);
    let mut m = spec(s);
    m.caps.insert("eng".into(), 500);
    let p = plan(&m, &catalog()).unwrap();
    assert_eq!(p.language("eng").unwrap().examples, 500);
    assert_eq!(p.language("deu").unwrap().examples, 10);
    assert_eq!(p.language("tha").unwrap().tokens, 200);
    let tokens = Shares::Budgets { unit: BudgetUnit::Tokens, amounts: [("deu".to_string(), 401)].into() };
    assert_eq!(plan(&spec(tokens), &catalog()).unwrap().language("deu").unwrap().examples, 21);
    let over = Shares::Budgets { unit: BudgetUnit::Examples, amounts: [("deu".to_string(), 5000)].into() };
    let e = plan(&spec(over), &catalog()).unwrap_err();
    assert_eq!(e[0].path, "shares.amounts.deu");
}

#[test]
fn sources_must_be_known_profiled_and_not_evaluation_sets() {
    let mut c = catalog();
    c[1].evaluation = true;
    let mut s = spec(Shares::Natural);
    s.sources.push("zzz".into());
    let e = plan(&s, &c).unwrap_err();
    let paths: Vec<_> = e.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["sources[1]", "sources[2]"]);
}

#[test]
fn augmentations_check_alignment_roles_and_templates() {
    let mut c = catalog();
    c.push(source("en", &[("eng", 30)]));
    c.push(source("de", &[("deu", 30)]));
    c.push(source("de2", &[("deu", 29)]));
    let t = builtin_templates().into_iter().find(|t| t.kind == AugmentKind::Translation).unwrap();
    let aug = |target: &str| Augmentation {
        template: t.clone(),
        inputs: [("source".to_string(), "en".to_string()), ("target".to_string(), target.to_string())].into(),
        shots: 0,
        limit: Some(20),
    };
    let mut s = spec(Shares::Natural);
    s.augmentations.push(aug("de"));
    let p = plan(&s, &c).unwrap();
    assert_eq!(p.language("deu").unwrap().augmented, 20);
    let mut few_rows = c.clone();
    few_rows.push(source("e3", &[("eng", 3)]));
    few_rows.push(source("d3", &[("deu", 3)]));
    let mut many = aug("d3");
    many.inputs.insert("source".into(), "e3".into());
    many.shots = 3;
    s.augmentations[0] = many;
    let e = plan(&s, &few_rows).unwrap_err();
    assert_eq!(e[0].path, "augmentations[0].shots", "{e:?}");
    assert!(e[0].message.contains("more than 3 aligned rows"), "{e:?}");
    let huge = Shares::Budgets { unit: BudgetUnit::Examples, amounts: [("deu".to_string(), u64::MAX)].into() };
    let e = plan(&MixtureSpec { oversample: true, ..spec(huge) }, &c).unwrap_err();
    assert!(e[0].message.contains("at most 100000000"), "{e:?}");
    s.augmentations[0] = aug("de2");
    let e = plan(&s, &c).unwrap_err();
    assert_eq!(e[0].path, "augmentations[0].inputs.target");
    assert!(e[0].message.contains("not aligned"), "{}", e[0].message);
    let mut bad = aug("de");
    bad.template.user = "{{ source.text }} {{ sorce.text }}".into();
    s.augmentations[0] = bad;
    let e = plan(&s, &c).unwrap_err();
    assert_eq!(e[0].path, "augmentations[0].template.user");
    assert!(e[0].message.contains("sorce"));
}

#[test]
fn templates_render_and_name_missing_fields() {
    let ex = |id: &str, text: &str, answer: Option<&str>| Example {
        id: id.into(),
        source: "f:1".into(),
        language: None,
        turns: std::iter::once(crate::Turn { role: TurnRole::User, text: text.into() })
            .chain(answer.map(|a| crate::Turn { role: TurnRole::Assistant, text: a.into() }))
            .collect(),
        meta: Default::default(),
    };
    let all = builtin_templates();
    for t in &all {
        assert!(t.validate().is_empty(), "{}: {:?}", t.name, t.validate());
    }
    let t = &all[0];
    let (en, de) = (ex("1", "Hello.", None), ex("1", "Hallo.", None));
    let row: AlignedRow = vec![("source", &en, "eng"), ("target", &de, "deu")];
    let (u, a) = render_augmented(t, &row, &[]).unwrap();
    assert_eq!(u, "Translate the following text from English into German.\n\nHello.");
    assert_eq!(a, "Hallo.");
    let (u2, _) = render_augmented(t, &row, std::slice::from_ref(&row)).unwrap();
    assert!(u2.starts_with("Translate") && u2.contains("Hallo.\n\nTranslate"), "{u2}");
    let choice = all.iter().find(|t| t.id.as_deref() == Some("builtin:choice-eng")).unwrap();
    let row: AlignedRow = vec![("data", &en, "eng")];
    let e = render_augmented(choice, &row, &[]).unwrap_err();
    assert!(e.contains("user template") && e.contains("example 1"), "{e}");
}
