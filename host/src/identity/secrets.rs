//! Random secrets and their stored form.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};

use super::tokens::SigningKey;

/// 256 random bits, URL-safe: refresh tokens, cookies, mail tokens.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An activation code fit for a printed letter: 16 characters from an
/// alphabet without look-alikes (80 bits), grouped by four.
pub fn activation_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..16).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The stored form of a high-entropy secret: its SHA-256, hex. Codes are
/// compared case- and dash-insensitively.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The node's own signing key, created on first start (mode 0600).
pub(super) fn local_key(data_dir: &Path) -> anyhow::Result<SigningKey> {
    let path = data_dir.join("signing.key");
    let secret = match std::fs::read(&path) {
        Ok(secret) => secret,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let secret = random_token().into_bytes();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(mut file) => {
                    file.write_all(&secret)?;
                    file.sync_all()?;
                    secret
                }
                // Another node of the same data directory won the race.
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(&path)?,
                Err(err) => return Err(err.into()),
            }
        }
        Err(err) => return Err(err.into()),
    };
    let kid = format!("local-{}", &digest(&String::from_utf8_lossy(&secret))[..8]);
    Ok(SigningKey { kid, secret })
}
