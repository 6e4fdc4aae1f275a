//! `polytune langid`: one answer per input line, FLORES labels, `und` when unknown, candidate
//! languages, a fastText model instead of the default, and clear errors for bad arguments.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::util::server_binary;

fn langid(args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(server_binary())
        .arg("langid")
        .args(args)
        .env("POLYTUNE_LID_MODEL", "none")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn one_answer_per_line_in_flores_codes() {
    let input = "Habari za asubuhi, rafiki yangu. Leo ni siku nzuri sana kwa kazi.\n\
                 Euskara Euskal Herriko hizkuntza da, eta munduko hizkuntza zaharrenetako bat.\n\
                 Қазақ тілі – Қазақстан Республикасының мемлекеттік тілі.\n\
                 12345\n\
                 \n\
                 ภาษาไทยเป็นภาษาราชการของประเทศไทย\n";
    let (ok, out, err) = langid(&[], input);
    assert!(ok, "{err}");
    let codes: Vec<&str> = out.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(codes, ["swh_Latn", "eus_Latn", "kaz_Cyrl", "und", "und", "tha_Thai"], "{out}");
    for l in out.lines() {
        let p: f32 = l.split(' ').nth(1).unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&p), "{l}");
    }
}

#[test]
fn candidate_languages_restrict_the_answer() {
    // Galician, restricted to Spanish and Portuguese: one of the two, never Galician.
    let text = "O galego é unha lingua románica falada en Galicia e noutras zonas limítrofes.\n";
    let (ok, out, err) = langid(&["--languages", "spa,por"], text);
    assert!(ok, "{err}");
    let code = out.split(' ').next().unwrap();
    assert!(["spa_Latn", "por_Latn", "und"].contains(&code), "{out}");
    let (ok, out, _) = langid(&[], text);
    assert!(ok);
    assert!(out.starts_with("glg_Latn "), "{out}");
}

#[test]
fn bad_arguments_are_clear_errors() {
    let (ok, _, err) = langid(&["--languages", "eng,klingon"], "hello\n");
    assert!(!ok);
    assert!(err.contains("klingon"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("model.bin");
    std::fs::write(&bad, b"not a model").unwrap();
    let (ok, _, err) = langid(&["--model", bad.to_str().unwrap()], "hello\n");
    assert!(!ok);
    assert!(err.contains("neither a Polytune identifier nor a fastText model"), "{err}");
    let (ok, _, err) = langid(&["--threshold", "2"], "hello\n");
    assert!(!ok);
    assert!(err.contains("threshold"), "{err}");
}

#[test]
fn a_fasttext_model_can_replace_the_default() {
    let Some(lid) = polytune_data::langid::lid176_path() else {
        assert_ne!(
            std::env::var("POLYTUNE_REQUIRE_PEERS").as_deref(),
            Ok("1"),
            "lid.176 is missing: run scripts/setup.sh"
        );
        eprintln!("skipped: lid.176.ftz is not in the cache (scripts/setup.sh fetches it)");
        return;
    };
    let (ok, out, err) =
        langid(&["--model", lid.to_str().unwrap()], "Der schnelle braune Fuchs springt über den faulen Hund.\n");
    assert!(ok, "{err}");
    assert!(out.starts_with("deu_Latn "), "{out}");
}
