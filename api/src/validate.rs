//! Field validation shared by the app (before sending) and the server (on receipt).

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

pub fn password(path: &str, value: &str, errors: &mut Vec<FieldError>) {
    let n = value.chars().count();
    if n < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(path, format!("must be at least {MIN_PASSWORD_CHARS} characters long")));
    } else if n > MAX_PASSWORD_CHARS {
        errors.push(FieldError::new(path, format!("must be at most {MAX_PASSWORD_CHARS} characters long")));
    }
}

/// A display name: not blank, no control characters, bounded length. Any script is welcome.
pub fn name(path: &str, value: &str, errors: &mut Vec<FieldError>) {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new(path, "must not be empty"));
    } else if trimmed.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new(path, format!("must be at most {MAX_NAME_CHARS} characters long")));
    } else if trimmed.chars().any(char::is_control) {
        errors.push(FieldError::new(path, "must not contain control characters"));
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
        errors.push(FieldError::new(path, "must be an email address like name@example.org"));
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
}
