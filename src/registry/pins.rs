//! `registry_pins`: the kiosk trusts the registry by its key, not by a certificate authority.
//!
//! A pin is the SHA-256 of the registry certificate's SubjectPublicKeyInfo, in base64 (`sha256/…`, as curl's
//! `--pinnedpubkey` and HPKP write it). With pins set, a server certificate is accepted when its key is one of the
//! pins — the rule of DANE-EE (3 1 1): the key is the trust, so a self-signed certificate or one from a municipal CA
//! works, a renewal under the same key keeps kiosks online, and a second pin lets the next key be rolled out before
//! the switch. The handshake's signatures are still verified, so only the holder of the pinned key gets through.

use base64::Engine;
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// One pinned key: the SHA-256 of a SubjectPublicKeyInfo.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin([u8; 32]);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sha256/{}", base64::engine::general_purpose::STANDARD.encode(self.0))
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "registry pin {0:?} is not a SHA-256 key pin: write it as sha256/ followed by 44 characters of base64, as \
     `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | \
     base64` prints it"
)]
pub struct BadPin(pub String);

impl std::str::FromStr for Pin {
    type Err = BadPin;

    fn from_str(raw: &str) -> Result<Self, BadPin> {
        let trimmed = raw.trim();
        let encoded = trimmed.strip_prefix("sha256/").unwrap_or(trimmed);
        let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| BadPin(raw.into()))?;
        bytes.try_into().map(Pin).map_err(|_| BadPin(raw.into()))
    }
}

impl Pin {
    /// The pin of a DER certificate's key; `None` when the certificate cannot be parsed.
    pub fn of_certificate(der: &[u8]) -> Option<Pin> {
        let der = CertificateDer::from(der);
        let cert = webpki::EndEntityCert::try_from(&der).ok()?;
        Some(Pin(Sha256::digest(cert.subject_public_key_info().as_ref()).into()))
    }
}

/// A TLS client configuration that accepts exactly the pinned keys.
pub fn client_config(pins: Vec<Pin>) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = PinnedKeys { pins, algorithms: provider.signature_verification_algorithms };
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth()
}

#[derive(Debug)]
struct PinnedKeys {
    pins: Vec<Pin>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedKeys {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match Pin::of_certificate(end_entity) {
            Some(seen) if self.pins.contains(&seen) => Ok(ServerCertVerified::assertion()),
            Some(seen) => {
                // The pin is public (anyone connecting sees the key); logging it tells staff what the registry has.
                tracing::warn!(%seen, "the registry's key is not one of registry_pins: not connecting");
                Err(rustls::Error::General("the registry's key is not pinned".into()))
            }
            None => Err(rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_with_or_without_the_prefix_and_print_with_it() {
        let raw = "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        let pin: Pin = raw.parse().unwrap();
        assert_eq!(pin.to_string(), raw);
        assert_eq!("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".parse::<Pin>().unwrap(), pin);
    }

    #[test]
    fn malformed_pins_are_refused_with_how_to_make_one() {
        for bad in ["", "sha256/", "sha256/abc", "md5/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "sha256/!!"] {
            let err = bad.parse::<Pin>().unwrap_err();
            assert!(err.to_string().contains("openssl dgst -sha256"), "{err}");
        }
    }

    #[test]
    fn a_certificate_that_is_not_der_has_no_pin() {
        assert_eq!(Pin::of_certificate(b"not a certificate"), None);
    }
}
