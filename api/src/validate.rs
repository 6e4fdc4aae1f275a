//! Field validation shared by the app (before sending) and the server (on receipt).
//!
//! # Error codes
//!
//! Every [`FieldError`] a validator here or in the request types returns carries a stable `code`
//! and its named `args` (decimal text for numbers) beside its English `message`, so a client can
//! word it in its person's language; `path` says which field. The codes are an API contract:
//! never rename one, and never drop an arg (adding one is fine).
//!
//! Generic codes (the field named by `path`):
//!
//! | code | meaning | args |
//! |---|---|---|
//! | `required` | a value must be given or chosen (an id, a path, an input) | — |
//! | `empty` | must not be empty or blank (text or list) | — |
//! | `too_short` | text is shorter than allowed | `min` (characters) |
//! | `too_long` | text is longer than allowed | `max` (characters) |
//! | `too_many` | a list has more entries than allowed | `max` |
//! | `count_out_of_range` | a list must have `min` to `max` entries | `min`, `max` |
//! | `too_small` | a number is below the minimum | `min` |
//! | `too_large` | a number is above the maximum | `max` |
//! | `out_of_range` | a number must be within `min` ≤ x ≤ `max` | `min`, `max` |
//! | `out_of_range_max_exclusive` | a number must be within `min` ≤ x < `max` | `min`, `max` |
//! | `out_of_range_min_exclusive` | a number must be within `min` < x ≤ `max` | `min`, `max` |
//! | `out_of_range_exclusive` | a number must be within `min` < x < `max` | `min`, `max` |
//! | `not_positive` | a number must be above 0 | — |
//! | `negative` | a number must be 0 or more (and finite) | — |
//! | `max_below_min` | a maximum is below its minimum | `min` |
//! | `unknown_value` | not one of the allowed values | `value`, `allowed` (comma-separated) |
//! | `duplicate` | the value is given twice | `value` |
//! | `unknown_language` | not a language code or name the studio knows | `value` |
//! | `not_an_email` | not an email address like name@example.org | — |
//! | `control_characters` | text contains control characters | — |
//! | `not_an_identifier` | use lowercase letters, digits and `_`, starting with a letter | — |
//!
//! Specific codes:
//!
//! | code | meaning | args |
//! |---|---|---|
//! | `fields_go_together` | these fields are given together or not at all | `fields` (comma-separated) |
//! | `nothing_to_change` | an update names no field to change | — |
//! | `checkpoint_needs_run` | a checkpoint belongs to a run: choose the run too | — |
//! | `base_needs_run` | comparing with the base model needs a run | — |
//! | `mapping_field_empty` | a field of the import mapping is empty | `field` |
//! | `mapping_field_too_long` | a field of the import mapping is too long | `field`, `max` |
//! | `header_needs_csv` | only CSV and TSV files have a header row | — |
//! | `no_filter` | a derived version needs at least one filter | — |
//! | `file_empty` | the uploaded file is empty | — |
//! | `invalid_template` | a template does not parse | `detail` (English, from the parser) |
//! | `unknown_template_variable` | a template uses a variable that is not a role | `value`, `allowed` |
//! | `no_sources` | a mixture needs a dataset version or an augmentation | — |
//! | `version_not_found` | the dataset version is not in the workspace | — |
//! | `is_evaluation_set` | an evaluation set cannot be trained on | `dataset`, `version` |
//! | `not_profiled` | the version has no finished profile yet | `dataset`, `version` |
//! | `language_not_in_sources` | the language is not in the chosen datasets | `value`, `available` (comma-separated, may be empty) |
//! | `shares_not_100` | percentage shares do not add up to 100 | `sum` |
//! | `tokens_not_counted` | no tokens were counted for the language | `language` |
//! | `too_many_examples` | more examples asked than a mixture holds | `asked`, `max` |
//! | `not_enough_examples` | more examples asked than available, without over-sampling | `language`, `asked`, `available` |
//! | `no_training_examples` | no examples of the language are left for training | `language` |
//! | `inputs_not_aligned` | an augmentation's inputs have different numbers of examples | `dataset`, `version`, `examples`, `other`, `other_examples` |
//! | `not_enough_rows` | more worked examples than aligned rows | `shots`, `rows` |
//! | `mixture_empty` | the mixture would hold no examples | — |
//!
//! Errors about a file's contents (found by the server while reading it) have codes of their own.

use crate::FieldError;

/// Minimum password length (characters, not bytes).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Maximum password length; argon2 would accept more, but nobody types 1,000 characters.
pub const MAX_PASSWORD_CHARS: usize = 1024;
/// Maximum length of names (workspaces, people, tokens).
pub const MAX_NAME_CHARS: usize = 120;

pub trait Validate {
    /// Every problem found, each with its JSON path; empty when the value is acceptable.
    fn validate(&self) -> Vec<FieldError>;
}

/// `must not be empty`, code `empty`.
pub fn empty(path: impl Into<String>) -> FieldError {
    FieldError::err(path, "empty", &[], "must not be empty")
}

/// A value must be given or chosen: code `required`, with its English `message`.
pub fn required(path: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError::err(path, "required", &[], message)
}

pub fn password(path: &str, value: &str, errors: &mut Vec<FieldError>) {
    let n = value.chars().count();
    if n < MIN_PASSWORD_CHARS {
        errors.push(FieldError::err(
            path,
            "too_short",
            &[("min", MIN_PASSWORD_CHARS.to_string())],
            format!("must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    } else if n > MAX_PASSWORD_CHARS {
        errors.push(FieldError::err(
            path,
            "too_long",
            &[("max", MAX_PASSWORD_CHARS.to_string())],
            format!("must be at most {MAX_PASSWORD_CHARS} characters long"),
        ));
    }
}

/// A display name: not blank, no control characters, bounded length. Any script is welcome.
pub fn name(path: &str, value: &str, errors: &mut Vec<FieldError>) {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(empty(path));
    } else if trimmed.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::err(
            path,
            "too_long",
            &[("max", MAX_NAME_CHARS.to_string())],
            format!("must be at most {MAX_NAME_CHARS} characters long"),
        ));
    } else if trimmed.chars().any(char::is_control) {
        errors.push(FieldError::err(path, "control_characters", &[], "must not contain control characters"));
    }
}

/// A deliberately simple email check: one `@`, something on both sides, a dot in the domain,
/// no spaces. Delivery is what proves an address; this only catches typos.
pub fn email(path: &str, value: &str, errors: &mut Vec<FieldError>) {
    let ok = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if !ok {
        errors.push(FieldError::err(path, "not_an_email", &[], "must be an email address like name@example.org"));
    }
}

/// Emails are compared case-insensitively and without surrounding spaces.
pub fn normalize_email(value: &str) -> String {
    value.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str, &str, &mut Vec<FieldError>), v: &str) -> bool {
        let mut e = Vec::new();
        f("x", v, &mut e);
        e.is_empty()
    }

    #[test]
    fn passwords_need_twelve_characters_counted_as_characters() {
        assert!(!check(password, "short"));
        assert!(!check(password, "elevenchars"));
        assert!(check(password, "twelve chars"));
        // 12 Thai characters are 36 bytes but 12 characters: accepted.
        assert!(check(password, "สวัสดีครับสวั"));
        assert!(!check(password, "ก".repeat(11).as_str()));
    }

    #[test]
    fn names_accept_any_script_but_not_blank_or_control() {
        assert!(check(name, "Қазақ тілі"));
        assert!(check(name, "<script>alert(1)</script>"), "HTML is text, escaped on output");
        assert!(!check(name, "   "));
        assert!(!check(name, "a\u{0007}b"));
        assert!(!check(name, &"x".repeat(121)));
    }

    #[test]
    fn emails() {
        assert!(check(email, "ada@example.org"));
        assert!(!check(email, "ada"));
        assert!(!check(email, "ada@local"));
        assert!(!check(email, "a b@example.org"));
        assert!(!check(email, "@example.org"));
        assert!(!check(email, "a@b@example.org"));
        assert_eq!(normalize_email(" Ada@Example.ORG "), "ada@example.org");
    }

    fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).expect("the test request parses")
    }

    fn find<'a>(errors: &'a [FieldError], path: &str) -> &'a FieldError {
        errors.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("no error at {path}: {errors:?}"))
    }

    fn args(pairs: &[(&str, &str)]) -> crate::ErrorArgs {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// Every validation error carries a stable code (the table at the top of this module) and
    /// the args a client needs to word it, beside its unchanged English message.
    #[test]
    fn every_validation_error_has_a_code_and_args() {
        use serde_json::json;
        let run: crate::CreateRun = parse(json!({
            "name": "  ", "model_id": "m", "dataset_version_id": "v",
            "spec": {"seq_len": 4, "learning_rate": 2.0, "validation_fraction": 0.7},
            "continue_from": {"run_id": "r", "replay": 2.0},
        }));
        let workspace: crate::CreateWorkspace = parse(json!({"name": "x".repeat(121)}));
        let evaluation: crate::CreateEvaluation = parse(json!({
            "model_id": "", "tasks": [" "], "languages": ["not-a-language-at-all"], "limit": 0,
            "checkpoint_step": 3, "with_base": true,
        }));
        let generate: crate::GenerateRequest = parse(json!({
            "messages": [{"role": "robot", "content": "hi"}], "sampling": {"top_p": 0.0},
        }));
        let invitation: crate::CreateInvitation = parse(json!({"email": "ada", "role": "editor"}));
        let mixture: crate::MixtureSpec = parse(json!({
            "sources": [], "shares": {"kind": "percent", "percent": {"xx": -5.0}, "total": 0},
        }));

        let mut all = Vec::new();
        for errors in [
            run.validate(),
            workspace.validate(),
            evaluation.validate(),
            generate.validate(),
            invitation.validate(),
            crate::mixtures::plan(&mixture, &[]).expect_err("the mixture is invalid"),
        ] {
            assert!(!errors.is_empty());
            all.extend(errors);
        }
        for e in &all {
            assert!(e.code.is_some(), "no code: {e:?}");
        }

        let seq_len = find(&all, "spec.seq_len");
        assert_eq!(seq_len.code.as_deref(), Some("out_of_range"));
        assert_eq!(seq_len.args, args(&[("min", "8"), ("max", "131072")]));
        assert_eq!(seq_len.message, "must be between 8 and 131072 tokens");

        let fraction = find(&all, "spec.validation_fraction");
        assert_eq!(fraction.code.as_deref(), Some("out_of_range_max_exclusive"));
        assert_eq!(fraction.args, args(&[("min", "0"), ("max", "0.5")]));

        assert_eq!(find(&all, "name").code.as_deref(), Some("empty"));
        let long = all.iter().find(|e| e.path == "name" && e.code.as_deref() == Some("too_long")).unwrap();
        assert_eq!(long.args, args(&[("max", "120")]));
        assert_eq!(long.message, "must be at most 120 characters long");

        let language = find(&all, "languages[0]");
        assert_eq!(language.code.as_deref(), Some("unknown_language"));
        assert_eq!(language.args, args(&[("value", "not-a-language-at-all")]));
        assert_eq!(find(&all, "checkpoint_step").code.as_deref(), Some("checkpoint_needs_run"));
        assert_eq!(find(&all, "limit").args, args(&[("min", "1"), ("max", "10000")]));

        let top_p = find(&all, "sampling.top_p");
        assert_eq!(top_p.code.as_deref(), Some("out_of_range_min_exclusive"));
        let role = find(&all, "messages[0].role");
        assert_eq!(role.code.as_deref(), Some("unknown_value"));
        assert_eq!(role.args, args(&[("value", "robot"), ("allowed", "system, user, assistant")]));
        assert_eq!(find(&all, "email").code.as_deref(), Some("not_an_email"));
        assert_eq!(find(&all, "workspace_id").code.as_deref(), Some("fields_go_together"));

        assert_eq!(find(&all, "sources").code.as_deref(), Some("no_sources"));
        let total = find(&all, "shares.total");
        assert_eq!((total.code.as_deref(), &total.args), (Some("too_small"), &args(&[("min", "1")])));
        assert_eq!(find(&all, "shares.percent.xx").code.as_deref(), Some("negative"));
        let sum = find(&all, "shares.percent");
        assert_eq!(sum.code.as_deref(), Some("shares_not_100"));
        assert_eq!(sum.args, args(&[("sum", "0")]));
        assert_eq!(sum.message, "the shares add up to 0%, not 100%");
    }
}
