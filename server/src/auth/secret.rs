//! Random secrets (session ids, invitation links, API tokens) and how they are stored: only a
//! SHA-256 of each is in the database, so a leaked database holds no usable secret.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes from the OS, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex SHA-256, the form secrets are looked up by.
pub fn digest(secret: &str) -> String {
    let d = Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prefix that marks API tokens, so a leaked one is recognisable (and scannable).
pub const API_TOKEN_PREFIX: &str = "pt_";

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let a = super::random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, super::random_token());
        assert_eq!(super::digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
