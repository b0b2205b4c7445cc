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

/// The node's own token signing key, created on first start (mode 0600).
pub(super) fn local_key(data_dir: &Path) -> anyhow::Result<SigningKey> {
    let secret = local_secret(data_dir, "signing.key", || random_token().into_bytes())?;
    let kid = format!("local-{}", &digest(&String::from_utf8_lossy(&secret))[..8]);
    Ok(SigningKey { kid, secret })
}

/// A secret kept in `<data_dir>/<name>`, created by `fresh` on first use
/// (mode 0600).
///
/// Written to a private file first and then linked into place, so nodes
/// starting together on one data directory all end up with the one secret
/// that was linked first, never with a half-written one.
pub fn local_secret(data_dir: &Path, name: &str, fresh: impl FnOnce() -> Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join(name);
    let secret = match std::fs::read(&path) {
        Ok(secret) => secret,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let draft = data_dir.join(format!(".{name}.{}", uuid::Uuid::new_v4().simple()));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&draft)?;
            file.write_all(&fresh())?;
            file.sync_all()?;
            drop(file);
            let linked = std::fs::hard_link(&draft, &path);
            let _ = std::fs::remove_file(&draft);
            match linked {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(err.into()),
            }
            std::fs::read(&path)?
        }
        Err(err) => return Err(err.into()),
    };
    anyhow::ensure!(!secret.is_empty(), "{} is empty; remove it to have a new one made", path.display());
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_starting_together_share_one_private_key() {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<SigningKey> = std::thread::scope(|scope| {
            let starting: Vec<_> = (0..4).map(|_| scope.spawn(|| local_key(dir.path()).unwrap())).collect();
            starting.into_iter().map(|node| node.join().unwrap()).collect()
        });
        assert!(keys.iter().all(|key| key.secret == keys[0].secret && key.kid == keys[0].kid));
        assert!(keys[0].secret.len() >= crate::identity::MIN_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("signing.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key is readable by its owner only");
        }
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no drafts left behind");
    }

    #[test]
    fn activation_codes_avoid_look_alikes() {
        let code = activation_code();
        assert_eq!(code.len(), 19);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
    }
}
