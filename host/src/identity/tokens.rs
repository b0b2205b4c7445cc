//! Access tokens: short-lived JWTs, HS256 only, signed with one of the
//! configured keys and verified with the key the token's `kid` names.
//!
//! Rotation: add a new key and make it the signing key; tokens signed with
//! the old one verify until the old key is removed from the configuration
//! (retired). A token naming a key that is not configured is refused.

use std::collections::HashMap;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The shortest signing secret the server accepts.
pub const MIN_SECRET_BYTES: usize = 32;

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// The session the token belongs to; revoking it revokes the token.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

/// One configured key.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// Why keys could not be set up.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("signing key `{0}` is shorter than {MIN_SECRET_BYTES} bytes")]
    TooShort(String),
    #[error("the signing key `{0}` is not among the configured keys")]
    UnknownSigningKey(String),
    #[error("two keys are named `{0}`")]
    DuplicateKid(String),
    #[error("signing key `{0}` cannot be used")]
    Unusable(String),
    #[error("no signing key is configured")]
    NoKeys,
}

/// The keys of a deployment and the token rules.
pub struct TokenKeys {
    signing_kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    lifetime_secs: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("signing_kid", &self.signing_kid).finish_non_exhaustive()
    }
}

/// Why a token was refused. Clients only ever learn "401".
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token names no key or an unknown one")]
    UnknownKey,
    #[error("the token is invalid: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
}

impl TokenKeys {
    pub fn new(
        keys: &[SigningKey],
        signing_kid: &str,
        issuer: &str,
        audience: &str,
        lifetime_secs: i64,
    ) -> Result<TokenKeys, KeyError> {
        if keys.is_empty() {
            return Err(KeyError::NoKeys);
        }
        let mut decoding = HashMap::new();
        for key in keys {
            if key.secret.len() < MIN_SECRET_BYTES {
                return Err(KeyError::TooShort(key.kid.clone()));
            }
            let decoding_key =
                DecodingKey::from_secret(&key.secret).map_err(|_| KeyError::Unusable(key.kid.clone()))?;
            if decoding.insert(key.kid.clone(), decoding_key).is_some() {
                return Err(KeyError::DuplicateKid(key.kid.clone()));
            }
        }
        let signing = keys
            .iter()
            .find(|key| key.kid == signing_kid)
            .ok_or_else(|| KeyError::UnknownSigningKey(signing_kid.to_owned()))?;
        // One algorithm, pinned: the header cannot talk us into another one.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Ok(TokenKeys {
            signing_kid: signing_kid.to_owned(),
            encoding: EncodingKey::from_secret(&signing.secret).map_err(|_| KeyError::Unusable(signing.kid.clone()))?,
            decoding,
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            lifetime_secs,
        })
    }

    /// How long an access token lives.
    pub fn lifetime_secs(&self) -> i64 {
        self.lifetime_secs
    }

    /// Issues an access token for `user` in `session`.
    pub fn issue(&self, user: &str, session: &str, now_secs: i64) -> String {
        self.sign(self.audience.clone(), user, session, self.lifetime_secs, now_secs)
    }

    /// Issues a token good for one narrow use only (`scope`, such as
    /// `app:moving-service`): its audience is the platform's followed by
    /// `#scope`, so the platform API refuses it, and so does every other use.
    pub fn issue_scoped(&self, scope: &str, user: &str, session: &str, lifetime_secs: i64, now_secs: i64) -> String {
        self.sign(format!("{}#{scope}", self.audience), user, session, lifetime_secs, now_secs)
    }

    fn sign(&self, aud: String, user: &str, session: &str, lifetime_secs: i64, now_secs: i64) -> String {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud,
            sub: user.to_owned(),
            sid: session.to_owned(),
            iat: now_secs,
            exp: now_secs + lifetime_secs,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.signing_kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).expect("HS256 encoding cannot fail")
    }

    /// Verifies `token`: known `kid`, HS256, signature, `exp`, `iss`, `aud`.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        self.check(token, &self.validation)
    }

    /// Verifies a token issued by [`TokenKeys::issue_scoped`] for `scope`.
    pub fn verify_scoped(&self, token: &str, scope: &str) -> Result<Claims, TokenError> {
        let mut validation = self.validation.clone();
        validation.set_audience(&[format!("{}#{scope}", self.audience)]);
        validation.leeway = 0;
        self.check(token, &validation)
    }

    fn check(&self, token: &str, validation: &Validation) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token)?;
        let key = header.kid.as_deref().and_then(|kid| self.decoding.get(kid)).ok_or(TokenError::UnknownKey)?;
        Ok(jsonwebtoken::decode::<Claims>(token, key, validation)?.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(signing: &str) -> TokenKeys {
        let keys = [
            SigningKey { kid: "2026-a".into(), secret: vec![1; 32] },
            SigningKey { kid: "2026-b".into(), secret: vec![2; 40] },
        ];
        TokenKeys::new(&keys, signing, "courtyard", "courtyard-api", 300).unwrap()
    }

    #[test]
    fn tokens_round_trip_and_old_keys_verify_until_retired() {
        let now = 1_800_000_000_i64.min(time::OffsetDateTime::now_utc().unix_timestamp());
        let old = keys("2026-a").issue("u1", "s1", now);
        let rotated = keys("2026-b");
        assert_eq!(rotated.verify(&old).unwrap().sub, "u1");
        let retired = TokenKeys::new(
            &[SigningKey { kid: "2026-b".into(), secret: vec![2; 40] }],
            "2026-b",
            "courtyard",
            "courtyard-api",
            300,
        )
        .unwrap();
        assert!(matches!(retired.verify(&old), Err(TokenError::UnknownKey)));
    }

    #[test]
    fn a_scoped_token_is_good_for_its_scope_only() {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let keys = keys("2026-a");
        let pass = keys.issue_scoped("app:movers", "u1", "s1", 60, now);
        assert_eq!(keys.verify_scoped(&pass, "app:movers").unwrap().sid, "s1");
        assert!(keys.verify(&pass).is_err(), "the platform API refuses it");
        assert!(keys.verify_scoped(&pass, "app:other").is_err(), "another app refuses it");
        assert!(keys.verify_scoped(&pass, "enter:movers").is_err());
        let platform = keys.issue("u1", "s1", now);
        assert!(keys.verify_scoped(&platform, "app:movers").is_err(), "a platform token opens no app origin");
        let expired = keys.issue_scoped("app:movers", "u1", "s1", 60, now - 120);
        assert!(keys.verify_scoped(&expired, "app:movers").is_err());
    }

    #[test]
    fn short_or_missing_keys_are_refused() {
        let short = [SigningKey { kid: "k".into(), secret: vec![0; 31] }];
        assert_eq!(TokenKeys::new(&short, "k", "i", "a", 60).unwrap_err(), KeyError::TooShort("k".into()));
        let fine = [SigningKey { kid: "k".into(), secret: vec![0; 32] }];
        assert!(matches!(TokenKeys::new(&fine, "other", "i", "a", 60), Err(KeyError::UnknownSigningKey(_))));
        assert!(matches!(TokenKeys::new(&[], "k", "i", "a", 60), Err(KeyError::NoKeys)));
    }
}
