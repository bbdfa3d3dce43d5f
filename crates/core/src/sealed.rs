//! Sealed boxes for applications taken offline: the kiosk seals with the registry's public key (so its disk holds
//! nothing readable) and only the registry, holding the secret key, can open them. libsodium-compatible.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use crypto_box::aead::OsRng;
use crypto_box::{PublicKey, SecretKey};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the public key is not 32 bytes of base64")]
    BadKey,
    #[error("the box cannot be opened with this key")]
    Unsealable,
}

/// A new key pair: the secret's 32 bytes and the public key in base64, as the kiosk config carries it.
pub fn generate() -> ([u8; 32], String) {
    let secret = SecretKey::generate(&mut OsRng);
    (secret.to_bytes(), STANDARD.encode(secret.public_key().as_bytes()))
}

pub fn public_key_of(secret: &[u8; 32]) -> String {
    STANDARD.encode(SecretKey::from_bytes(*secret).public_key().as_bytes())
}

pub fn seal(public_key_base64: &str, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let bytes: [u8; 32] =
        STANDARD.decode(public_key_base64).ok().and_then(|b| b.try_into().ok()).ok_or(SealError::BadKey)?;
    PublicKey::from_bytes(bytes).seal(&mut OsRng, plaintext).map_err(|_| SealError::BadKey)
}

pub fn unseal(secret: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    SecretKey::from_bytes(*secret).unseal(sealed).map_err(|_| SealError::Unsealable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_opens_only_with_its_key_and_only_untouched() {
        let (secret, public) = generate();
        let (other, _) = generate();
        let sealed = seal(&public, "Заявление 1000001".as_bytes()).unwrap();
        assert_eq!(sealed.len(), "Заявление 1000001".len() + 48);
        assert_eq!(unseal(&secret, &sealed).unwrap(), "Заявление 1000001".as_bytes());
        assert_eq!(unseal(&other, &sealed), Err(SealError::Unsealable));
        let mut tampered = sealed.clone();
        tampered[40] ^= 1;
        assert_eq!(unseal(&secret, &tampered), Err(SealError::Unsealable));
        assert_eq!(public_key_of(&secret), public);
        assert_eq!(seal("not base64!", b"x"), Err(SealError::BadKey));
    }
}
