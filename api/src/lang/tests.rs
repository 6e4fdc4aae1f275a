//! The table and the parser against what public datasets write.

use super::*;

#[test]
fn parses_what_public_datasets_write() {
    let cases = [
        ("de", "deu"),
        ("deu", "deu"),
        ("deu_Latn", "deu"),
        ("zho_Hans", "zho-Hans"),
        ("zho-CN", "zho-Hans"),
        ("zh", "zho"),
        ("cmn", "zho"),
        ("arb", "ara"),
        ("arb_Arab", "ara"),
        ("swh", "swa"),
        ("sw", "swa"),
        ("quy", "que"),
        ("jp", "jpn"),
        ("Bengali", "ben"),
        ("gujarati", "guj"),
        ("srp_Latn", "srp-Latn"),
        ("pt-BR", "por"),
        ("es-419", "spa"),
        (" EN ", "eng"),
    ];
    for (input, want) in cases {
        assert_eq!(parse(input).map(|t| t.0), Some(want.to_string()), "{input}");
    }
    for bad in ["", "xx", "klingon", "de-Latnx", "deu_12"] {
        assert_eq!(parse(bad), None, "{bad}");
    }
}

#[test]
fn flores_labels_of_codes() {
    assert_eq!(flores("sw").as_deref(), Some("swh_Latn"));
    assert_eq!(flores("ar").as_deref(), Some("arb_Arab"));
    assert_eq!(flores("zh-TW").as_deref(), Some("zho_Hant"));
    assert_eq!(flores("deu_Latn").as_deref(), Some("deu_Latn"));
    assert_eq!(flores("xx"), None);
}

#[test]
fn table_is_consistent() {
    let mut codes: Vec<_> = LANGUAGES.iter().map(|l| l.code).collect();
    codes.sort();
    let n = codes.len();
    codes.dedup();
    assert_eq!(codes.len(), n, "a code appears twice");
    for l in LANGUAGES {
        assert_eq!(l.code.len(), 3, "{}", l.code);
        assert_eq!(l.script.len(), 4, "{}", l.code);
        assert_eq!(parse(l.code).map(|t| t.0), Some(l.code.to_string()));
        if let Some(i) = l.iso1 {
            assert_eq!(i.len(), 2, "{i}");
            assert_eq!(parse(i).map(|t| t.0), Some(l.code.to_string()), "{i}");
        }
    }
    // No alias is a row's code, and none belongs to two rows (or twice to one).
    let mut aliases: Vec<_> = LANGUAGES.iter().flat_map(|l| l.aliases.iter().map(move |a| (*a, l.code))).collect();
    for (a, code) in &aliases {
        assert!(by_code(a).is_none(), "alias {a} of {code} is also a row");
        assert_eq!(parse(a).map(|t| t.0), Some(code.to_string()), "{a}");
    }
    aliases.sort();
    let n = aliases.len();
    aliases.dedup_by_key(|(a, _)| *a);
    assert_eq!(aliases.len(), n, "an alias appears twice");
    let mut iso1: Vec<_> = LANGUAGES.iter().filter_map(|l| l.iso1).collect();
    iso1.sort();
    let n = iso1.len();
    iso1.dedup();
    assert_eq!(iso1.len(), n, "an ISO 639-1 code appears twice");
    assert!(LangTag("ara".into()).rtl());
    assert!(!LangTag("deu".into()).rtl());
    assert_eq!(LangTag("deu".into()).display(), "German (Deutsch)");
}

#[test]
fn codes_names_and_aliases_name_one_language_each() {
    // Every code, ISO 639-1 code, alias and English name leads to one row only.
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for l in LANGUAGES {
        let keys = std::iter::once(l.code)
            .chain(l.iso1)
            .chain(l.aliases.iter().copied())
            .map(str::to_string)
            .chain(std::iter::once(l.english.to_ascii_lowercase()));
        for k in keys {
            // A name that is the row's own code (Lao, Ewe, Fon, Luo) is the same language.
            if k == l.code {
                if let Some(prev) = seen.get(&k) {
                    assert_eq!(*prev, l.code, "{k}");
                }
                seen.insert(k, l.code);
                continue;
            }
            if let Some(prev) = seen.insert(k.clone(), l.code) {
                panic!("{k} names both {prev} and {}", l.code);
            }
        }
        for a in l.aliases {
            assert_eq!(a.len(), 3, "{a}");
        }
        assert_eq!(parse(l.english).map(|t| t.0), Some(l.code.to_string()), "{}", l.english);
    }
    for (name, tag) in EXTRA_NAMES {
        assert!(by_code(tag.split('-').next().unwrap()).is_some(), "{name}");
        // Names may repeat an English name ("persian"), for the same language only.
        if let Some(code) = seen.get(*name) {
            assert_eq!(tag, code, "{name}");
        }
    }
}

#[test]
fn flores_labels_lead_back_to_their_row() {
    for l in LANGUAGES {
        if l.flores.is_empty() {
            continue;
        }
        let (lang, script) = l.flores.split_once('_').expect(l.flores);
        assert_eq!(lang.len(), 3, "{}", l.flores);
        assert_eq!(script.len(), 4, "{}", l.flores);
        assert!(SIB200.contains(&l.flores), "{} is not a FLORES-200 label", l.flores);
        let tag = parse(l.flores).expect(l.flores);
        assert_eq!(tag.code(), l.code, "{}", l.flores);
        // The label is in the usual script, so the tag is the bare code (Chinese is written `Hani`:
        // its label names one of the two scripts).
        if l.script != "Hani" {
            assert_eq!(script, l.script, "{}", l.code);
            assert_eq!(tag.0, l.code, "{}", l.flores);
        }
    }
    assert_eq!(by_code("lat").map(|l| l.flores), Some(""));
    assert_eq!(by_code("kor").map(|l| l.flores), Some("kor_Hang"));
    assert_eq!(by_code("fas").map(|l| l.flores), Some("pes_Arab"));
}

/// The 205 labels of SIB-200 (FLORES-200).
const SIB200: [&str; 205] = [
    "ace_Arab", "ace_Latn", "acm_Arab", "acq_Arab", "aeb_Arab", "afr_Latn", "ajp_Arab", "aka_Latn", "als_Latn",
    "amh_Ethi", "apc_Arab", "arb_Arab", "arb_Latn", "ars_Arab", "ary_Arab", "arz_Arab", "asm_Beng", "ast_Latn",
    "awa_Deva", "ayr_Latn", "azb_Arab", "azj_Latn", "bak_Cyrl", "bam_Latn", "ban_Latn", "bel_Cyrl", "bem_Latn",
    "ben_Beng", "bho_Deva", "bjn_Arab", "bjn_Latn", "bod_Tibt", "bos_Latn", "bug_Latn", "bul_Cyrl", "cat_Latn",
    "ceb_Latn", "ces_Latn", "cjk_Latn", "ckb_Arab", "crh_Latn", "cym_Latn", "dan_Latn", "deu_Latn", "dik_Latn",
    "dyu_Latn", "dzo_Tibt", "ell_Grek", "eng_Latn", "epo_Latn", "est_Latn", "eus_Latn", "ewe_Latn", "fao_Latn",
    "fij_Latn", "fin_Latn", "fon_Latn", "fra_Latn", "fur_Latn", "fuv_Latn", "gaz_Latn", "gla_Latn", "gle_Latn",
    "glg_Latn", "grn_Latn", "guj_Gujr", "hat_Latn", "hau_Latn", "heb_Hebr", "hin_Deva", "hne_Deva", "hrv_Latn",
    "hun_Latn", "hye_Armn", "ibo_Latn", "ilo_Latn", "ind_Latn", "isl_Latn", "ita_Latn", "jav_Latn", "jpn_Jpan",
    "kab_Latn", "kac_Latn", "kam_Latn", "kan_Knda", "kas_Arab", "kas_Deva", "kat_Geor", "kaz_Cyrl", "kbp_Latn",
    "kea_Latn", "khk_Cyrl", "khm_Khmr", "kik_Latn", "kin_Latn", "kir_Cyrl", "kmb_Latn", "kmr_Latn", "knc_Arab",
    "knc_Latn", "kon_Latn", "kor_Hang", "lao_Laoo", "lij_Latn", "lim_Latn", "lin_Latn", "lit_Latn", "lmo_Latn",
    "ltg_Latn", "ltz_Latn", "lua_Latn", "lug_Latn", "luo_Latn", "lus_Latn", "lvs_Latn", "mag_Deva", "mai_Deva",
    "mal_Mlym", "mar_Deva", "min_Arab", "min_Latn", "mkd_Cyrl", "mlt_Latn", "mni_Beng", "mos_Latn", "mri_Latn",
    "mya_Mymr", "nld_Latn", "nno_Latn", "nob_Latn", "npi_Deva", "nqo_Nkoo", "nso_Latn", "nus_Latn", "nya_Latn",
    "oci_Latn", "ory_Orya", "pag_Latn", "pan_Guru", "pap_Latn", "pbt_Arab", "pes_Arab", "plt_Latn", "pol_Latn",
    "por_Latn", "prs_Arab", "quy_Latn", "ron_Latn", "run_Latn", "rus_Cyrl", "sag_Latn", "san_Deva", "sat_Olck",
    "scn_Latn", "shn_Mymr", "sin_Sinh", "slk_Latn", "slv_Latn", "smo_Latn", "sna_Latn", "snd_Arab", "som_Latn",
    "sot_Latn", "spa_Latn", "srd_Latn", "srp_Cyrl", "ssw_Latn", "sun_Latn", "swe_Latn", "swh_Latn", "szl_Latn",
    "tam_Taml", "taq_Latn", "taq_Tfng", "tat_Cyrl", "tel_Telu", "tgk_Cyrl", "tgl_Latn", "tha_Thai", "tir_Ethi",
    "tpi_Latn", "tsn_Latn", "tso_Latn", "tuk_Latn", "tum_Latn", "tur_Latn", "twi_Latn", "tzm_Tfng", "uig_Arab",
    "ukr_Cyrl", "umb_Latn", "urd_Arab", "uzn_Latn", "vec_Latn", "vie_Latn", "war_Latn", "wol_Latn", "xho_Latn",
    "ydd_Hebr", "yor_Latn", "yue_Hant", "zho_Hans", "zho_Hant", "zsm_Latn", "zul_Latn",
];

#[test]
fn every_sib200_label_parses() {
    for label in SIB200 {
        let tag = parse(label).unwrap_or_else(|| panic!("{label} does not parse"));
        assert!(tag.language().is_some(), "{label}");
    }
    let cases = [
        ("kor_Hang", "kor"),
        ("jpn_Jpan", "jpn"),
        ("azb_Arab", "aze-Arab"),
        ("azj_Latn", "aze"),
        ("kmr_Latn", "kur"),
        ("ckb_Arab", "ckb"),
        ("ltg_Latn", "lav"),
        ("knc_Latn", "kau"),
        ("knc_Arab", "kau-Arab"),
        ("taq_Tfng", "tmh-Tfng"),
        ("tzm_Tfng", "tzm"),
        ("kas_Deva", "kas-Deva"),
        ("arb_Latn", "ara-Latn"),
        ("yue_Hant", "zho-Hant"),
        ("dik_Latn", "din"),
        ("fuv_Latn", "ful"),
        ("gaz_Latn", "orm"),
        ("plt_Latn", "mlg"),
        ("ayr_Latn", "aym"),
        ("bjn_Latn", "bjn"),
        ("min_Latn", "min"),
        ("zsm_Latn", "msa"),
        ("ind_Latn", "ind"),
        ("bos_Latn", "bos"),
    ];
    for (input, want) in cases {
        assert_eq!(parse(input).map(|t| t.0), Some(want.to_string()), "{input}");
    }
}

#[test]
fn two_script_languages_give_two_tags() {
    for (a, b) in [
        ("ace_Arab", "ace_Latn"),
        ("bjn_Arab", "bjn_Latn"),
        ("kas_Arab", "kas_Deva"),
        ("knc_Arab", "knc_Latn"),
        ("min_Arab", "min_Latn"),
        ("taq_Latn", "taq_Tfng"),
        ("arb_Arab", "arb_Latn"),
        ("zho_Hans", "zho_Hant"),
    ] {
        let (ta, tb) = (parse(a).unwrap(), parse(b).unwrap());
        assert_ne!(ta, tb, "{a} {b}");
        assert_eq!(ta.code(), tb.code(), "{a} {b}: one language");
    }
    // Kurdish: two rows, so two languages.
    assert_ne!(parse("kmr_Latn").unwrap().code(), parse("ckb_Arab").unwrap().code());
}

#[test]
fn sib200_labels_fold_only_into_macrolanguages() {
    // Labels that share a tag: individual languages of one macrolanguage, nothing else.
    let mut by_tag: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for label in SIB200 {
        by_tag.entry(parse(label).unwrap().0).or_default().push(label);
    }
    let shared: Vec<(String, Vec<&str>)> = by_tag.into_iter().filter(|(_, v)| v.len() > 1).collect();
    let want: Vec<(String, Vec<&str>)> = [
        ("aka", vec!["aka_Latn", "twi_Latn"]),
        (
            "ara",
            vec![
                "acm_Arab", "acq_Arab", "aeb_Arab", "ajp_Arab", "apc_Arab", "arb_Arab", "ars_Arab", "ary_Arab",
                "arz_Arab",
            ],
        ),
        ("fas", vec!["pes_Arab", "prs_Arab"]),
        ("lav", vec!["ltg_Latn", "lvs_Latn"]),
        ("nor", vec!["nno_Latn", "nob_Latn"]),
        ("zho-Hant", vec!["yue_Hant", "zho_Hant"]),
    ]
    .into_iter()
    .map(|(t, v)| (t.to_string(), v))
    .collect();
    assert_eq!(shared, want);
}
