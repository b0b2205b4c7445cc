//! Passwords: argon2id in PHC format, hashed off the async workers.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Longer passwords are refused before any hashing work is done.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Shorter passwords are refused.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a password was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("passwords are limited to {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("passwords need at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
}

/// Checks the length rules; cheap, so it runs before hashing.
pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    Ok(())
}

/// argon2id with m=19456 KiB, t=2, p=1 (the OWASP baseline).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` into a PHC string. Runs on the blocking pool.
pub async fn hash(password: String) -> anyhow::Result<String> {
    check_policy(&password)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        hasher().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string())
    })
    .await?
    .map_err(|err| anyhow::anyhow!("hashing a password failed: {err}"))
}

/// A PHC string nobody's password matches, verified against for unknown
/// accounts so they take as long as known ones.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Q2fOoRAgVvQi7YX0m3zJ8fLQ3uHwMRfzTX1ylxc6wEo";

/// Whether `password` matches `phc` (or, with `None`, spends the same time
/// and answers no). Over-long passwords are refused without hashing.
pub async fn verify(password: String, phc: Option<String>) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let known = phc.is_some();
    let phc = phc.unwrap_or_else(|| DECOY_HASH.to_owned());
    let matched = tokio::task::spawn_blocking(move || match PasswordHash::new(&phc) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    })
    .await
    .unwrap_or(false);
    known && matched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_phc_with_the_minimum_cost() {
        let phc = hash("correct horse battery".to_owned()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".to_owned(), Some(phc.clone())).await);
        assert!(!verify("correct horse battery!".to_owned(), Some(phc)).await);
        assert!(!verify("anything at all".to_owned(), None).await);
    }

    #[tokio::test]
    async fn over_long_and_short_passwords_are_refused_before_hashing() {
        assert_eq!(check_policy(&"x".repeat(MAX_PASSWORD_BYTES + 1)), Err(PasswordError::TooLong));
        assert_eq!(check_policy("short"), Err(PasswordError::TooShort));
        assert!(hash("y".repeat(4096)).await.is_err());
        assert!(PasswordHash::new(DECOY_HASH).is_ok(), "the decoy must parse or unknown accounts answer faster");
    }
}
