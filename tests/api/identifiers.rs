//! The studio learns a language: an owner trains an identifier from a dataset version whose
//! examples declare their language, sees its held-out accuracy per language, makes it the
//! workspace's, and a re-profile of undeclared text then finds that language. Bad data fails the
//! job with a message naming what is wrong.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::mixtures::import;
use crate::util::{Client, TestApp, job_result, wait_for};

/// A constructed language for the test (`qaa` is ISO 639's "reserved for local use"): English
/// words spelled backwards with `ek` after each, eight per sentence drawn by a fixed LCG, so
/// every held-out or re-profiled sentence is new (learning, not memorising).
fn constructed(i: usize) -> String {
    const WORDS: [&str; 40] = [
        "river",
        "village",
        "spring",
        "grandmother",
        "bees",
        "wooden",
        "house",
        "children",
        "school",
        "dusty",
        "road",
        "market",
        "early",
        "fishermen",
        "return",
        "planted",
        "maize",
        "beans",
        "first",
        "rain",
        "teacher",
        "story",
        "mountain",
        "bright",
        "morning",
        "cattle",
        "goats",
        "well",
        "water",
        "song",
        "evening",
        "fire",
        "stars",
        "harvest",
        "bread",
        "salt",
        "boat",
        "net",
        "wind",
        "field",
    ];
    let mut x = (i as u64).wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..8)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let w = WORDS[(x >> 33) as usize % WORDS.len()];
            format!("{}ek", w.chars().rev().collect::<String>())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn labeled() -> Vec<u8> {
    let mut out = String::new();
    for i in 0..40 {
        out.push_str(
            &json!({"instruction": constructed(i), "output": constructed(i + 3), "language": "qaa"}).to_string(),
        );
        out.push('\n');
        let en = format!("Please describe the weather in the town of number {i} during the long winter.");
        out.push_str(
            &json!({"instruction": en, "output": "It was cold and windy most of the time there.", "language": "eng"})
                .to_string(),
        );
        out.push('\n');
    }
    out.into_bytes()
}

async fn profile_by(c: &Client, ws: &str, version: &str, identifier: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (s, p) = c.get(&format!("/workspaces/{ws}/versions/{version}/profile")).await;
        if s.as_u16() == 200 && p["identifier"] == identifier {
            return p;
        }
        assert!(Instant::now() < deadline, "no profile by {identifier}: {p}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn languages(profile: &Value) -> Vec<(String, u64)> {
    profile["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["language"].as_str().unwrap().to_owned(), l["examples"].as_u64().unwrap()))
        .collect()
}

db_test!(train_an_identifier_use_it_and_reprofile, |app: TestApp| async move {
    let c = app.admin().await;
    let ws = c.workspace("Languages").await;
    let labeled = import(&c, &ws, "labeled.jsonl", labeled(), None).await;
    // Undeclared text in the constructed language: the default identifier cannot know it.
    let lines: String = (100..130).map(|i| format!("{}\n", constructed(i))).collect();
    let plain = import(&c, &ws, "plain.txt", lines.into_bytes(), None).await;

    let list = c.expect(Method::GET, &format!("/workspaces/{ws}/identifiers"), None, 200).await;
    let default_name = list["default_name"].as_str().unwrap().to_owned();
    assert_eq!(list["current_name"], default_name.as_str());
    assert_eq!(list["default_languages"], 205);
    assert_eq!(list["items"], json!([]));
    let before = profile_by(&c, &ws, &plain, &default_name).await;
    assert!(languages(&before).iter().all(|(l, _)| l != "qaa"), "{before}");

    let job = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/identifiers"),
            Some(json!({"name": "With our language", "version_id": labeled})),
            202,
        )
        .await;
    assert_eq!(job["kind"], "train_identifier");
    let out = job_result(&c, &ws, &job, 120).await;
    assert_eq!(out["languages"], 2, "{out}");
    let list = c.expect(Method::GET, &format!("/workspaces/{ws}/identifiers"), None, 200).await;
    let item = &list["items"][0];
    assert_eq!(item["state"], "ready", "{list}");
    assert_eq!(item["active"], false);
    let report = &item["report"];
    assert_eq!(report["languages"], 206, "the default's 205 and qaa: {report}");
    let qaa = report["held_out"].as_array().unwrap().iter().find(|a| a["language"] == "qaa").unwrap();
    assert!(qaa["held_out"].as_u64().unwrap() >= 4, "{report}");
    assert_eq!(qaa["correct"], qaa["held_out"], "{report}");
    let id = item["id"].as_str().unwrap().to_owned();

    // Make it the workspace's; profiles made now say so, and find the language.
    let chosen =
        c.expect(Method::PUT, &format!("/workspaces/{ws}/identifier"), Some(json!({"identifier_id": id})), 200).await;
    let current = chosen["current_name"].as_str().unwrap().to_owned();
    assert_ne!(current, default_name);
    assert_eq!(chosen["items"][0]["active"], true);
    c.expect(Method::POST, &format!("/workspaces/{ws}/versions/{plain}/profiles"), Some(json!({})), 202).await;
    let after = profile_by(&c, &ws, &plain, &current).await;
    let langs = languages(&after);
    assert!(langs.iter().any(|(l, n)| l == "qaa" && *n >= 28), "{langs:?}");

    // Back to the default.
    let back =
        c.expect(Method::PUT, &format!("/workspaces/{ws}/identifier"), Some(json!({"identifier_id": null})), 200).await;
    assert_eq!(back["current_name"], default_name.as_str());

    // Bad requests: an unknown identifier, an unknown version, a nameless one.
    c.expect(Method::PUT, &format!("/workspaces/{ws}/identifier"), Some(json!({"identifier_id": "nope"})), 404).await;
    let bad = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/identifiers"),
            Some(json!({"name": "x", "version_id": "nope"})),
            422,
        )
        .await;
    assert_eq!(bad["errors"][0]["path"], "version_id", "{bad}");
    assert_eq!(bad["errors"][0]["code"], "version_not_found", "{bad}");
    let bad = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/identifiers"),
            Some(json!({"name": " ", "version_id": labeled})),
            422,
        )
        .await;
    assert_eq!(bad["errors"][0]["path"], "name", "{bad}");

    // Text that declares no language cannot teach one: the job fails and says why.
    let job = c
        .expect(
            Method::POST,
            &format!("/workspaces/{ws}/identifiers"),
            Some(json!({"name": "Nothing declared", "version_id": plain})),
            202,
        )
        .await;
    let done = wait_for(&c, &ws, job["id"].as_str().unwrap(), &["succeeded", "failed"], 60).await;
    assert_eq!(done["state"], "failed");
    assert!(done["error"].as_str().unwrap().contains("no example declares its language"), "{done}");
    // The cause also arrives as a code with its arguments, for the app to word.
    assert_eq!(done["error_detail"]["code"], "no_declared_language", "{done}");
    assert!(done["error_detail"]["args"]["undeclared"].as_str().unwrap().parse::<u64>().unwrap() > 0, "{done}");
    let list = c.expect(Method::GET, &format!("/workspaces/{ws}/identifiers"), None, 200).await;
    let failed = list["items"].as_array().unwrap().iter().find(|i| i["name"] == "Nothing declared").unwrap();
    assert_eq!(failed["state"], "failed");
    let not_ready = failed["id"].as_str().unwrap();
    c.expect(Method::PUT, &format!("/workspaces/{ws}/identifier"), Some(json!({"identifier_id": not_ready})), 422)
        .await;
});
