//! The kiosk's settings: a TOML file in the platform config dir where every key has a default, overridden by flags.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use url::Url;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The registry's base URL; none starts the embedded demo registry on loopback.
    pub registry_url: Option<String>,
    /// This kiosk's id and secret, as printed by `pdo-registry kiosk add`.
    pub kiosk_id: Option<String>,
    pub kiosk_secret: Option<String>,
    /// The registry's key pins (`sha256/…` of its certificate's public key): when set, the kiosk trusts exactly
    /// these keys instead of the public certificate authorities (see `registry::pins`).
    pub registry_pins: Vec<String>,
    /// OKTMO-style code of the municipality the kiosk stands in.
    pub municipality: Option<String>,
    /// Who processes the applicants' data, named in the notice shown before anything is entered. Required with a
    /// real registry (the notice must show even when the registry cannot be reached); the demo uses its own.
    pub operator_name: Option<String>,
    pub operator_address: Option<String>,
    /// "ru" or "en": the language each session starts in.
    pub language: String,
    /// Each session starts with all text at 150 % (the «Крупный текст» switch, which the person can turn off).
    pub large_text: bool,
    /// Each session starts in the high-contrast theme (the «Контраст» switch).
    pub high_contrast: bool,
    /// Each session starts with speech on (the «Озвучить» switch): for a kiosk with headphones at a jack.
    pub speech: bool,
    /// The visible area of the screen in millimetres, so touch targets can be sized to at least 12 mm.
    pub screen_width_mm: f32,
    pub screen_height_mm: f32,
    /// With no touch or key for this long, a warning is shown; after the grace period the session is wiped.
    pub idle_timeout_secs: u64,
    pub idle_grace_secs: u64,
    /// The IPP printer the forms go to (`ipp://host:631/ipp/print` or `ipps://…`); none: the forms are shown only.
    pub printer: Option<String>,
    /// The document camera: `auto` (the first V4L2 camera), `v4l:INDEX`, or `synthetic:DIR` (plays a folder of
    /// images as frames, for tests and demonstrations without a camera).
    pub camera: String,
    /// argon2id hash of the staff PIN, written by `pdo-kiosk staff set-pin`; none: staff mode is closed.
    pub staff_pin_hash: Option<String>,
    /// Staff mode ends by itself after this long without a touch and the kiosk returns to the applicant's screen.
    pub staff_idle_secs: u64,
    /// How long an unfinished application waits for its resume code before it is deleted.
    pub resume_draft_hours: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            registry_url: None,
            kiosk_id: None,
            kiosk_secret: None,
            registry_pins: Vec::new(),
            municipality: None,
            operator_name: None,
            operator_address: None,
            language: "ru".into(),
            large_text: false,
            high_contrast: false,
            speech: false,
            // A common 21.5-inch 16:9 kiosk panel.
            screen_width_mm: 476.0,
            screen_height_mm: 268.0,
            idle_timeout_secs: 90,
            idle_grace_secs: 30,
            printer: None,
            camera: "auto".into(),
            staff_pin_hash: None,
            staff_idle_secs: 180,
            resume_draft_hours: 24,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path} is not valid kiosk configuration: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("registry URL {0:?} is not a valid URL")]
    BadUrl(String),
    #[error("registry URL {0:?} uses plain http:// to a host that is not loopback; use https://")]
    InsecureRegistry(String),
    #[error("registry URL {0:?} must use https:// (or http:// to loopback)")]
    UnsupportedScheme(String),
    #[error("{0}")]
    OutOfRange(String),
    #[error(transparent)]
    BadPin(#[from] crate::registry::pins::BadPin),
}

impl Config {
    /// Reads `path`; a missing file means all defaults, a malformed one is an error naming the file and key.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(err) => {
                return Err(ConfigError::Unreadable { path: path.into(), reason: err.to_string() });
            }
        };
        let config: Config =
            toml::from_str(&text).map_err(|e| ConfigError::Invalid { path: path.into(), reason: e.to_string() })?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(url) = &self.registry_url {
            registry_url(url)?;
            if self.operator_name.as_deref().unwrap_or("").trim().is_empty()
                || self.operator_address.as_deref().unwrap_or("").trim().is_empty()
            {
                return Err(ConfigError::OutOfRange(
                    "operator_name and operator_address must be set with a registry_url: the privacy notice names them"
                        .into(),
                ));
            }
        }
        let pins = self.pins()?;
        if !pins.is_empty() && !self.registry_url.as_deref().is_some_and(|url| url.starts_with("https://")) {
            return Err(ConfigError::OutOfRange(
                "registry_pins need an https:// registry_url: they pin its key".into(),
            ));
        }
        if !["ru", "en"].contains(&self.language.as_str()) {
            return Err(ConfigError::OutOfRange(format!("language must be \"ru\" or \"en\", not {:?}", self.language)));
        }
        let plausible = 50.0..=3000.0;
        if !plausible.contains(&self.screen_width_mm) || !plausible.contains(&self.screen_height_mm) {
            return Err(ConfigError::OutOfRange("screen size must be between 50 and 3000 mm each way".into()));
        }
        if !(1..=24 * 14).contains(&self.resume_draft_hours) {
            return Err(ConfigError::OutOfRange("resume_draft_hours must be between 1 and 336 (two weeks)".into()));
        }
        if self.staff_idle_secs < 30 {
            return Err(ConfigError::OutOfRange("staff_idle_secs must be at least 30".into()));
        }
        if self.idle_timeout_secs < 15 {
            return Err(ConfigError::OutOfRange("idle_timeout_secs must be at least 15".into()));
        }
        Ok(())
    }
}

impl Config {
    /// The registry's key pins, parsed.
    pub fn pins(&self) -> Result<Vec<crate::registry::pins::Pin>, ConfigError> {
        Ok(self.registry_pins.iter().map(|raw| raw.parse()).collect::<Result<_, _>>()?)
    }
}

/// Parses a registry URL, refusing plain http:// unless the host is loopback (the embedded demo, tests).
pub fn registry_url(raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw).map_err(|_| ConfigError::BadUrl(raw.into()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ConfigError::InsecureRegistry(raw.into())),
        _ => Err(ConfigError::UnsupportedScheme(raw.into())),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_registry_needs_the_operator_for_the_notice() {
        let without = Config { registry_url: Some("https://registry.example.org".into()), ..Config::default() };
        assert!(matches!(without.validate(), Err(ConfigError::OutOfRange(m)) if m.contains("operator_name")));
        let with = Config {
            operator_name: Some("Оператор (пример)".into()),
            operator_address: Some("г. Примерный, ул. Вымышленная, д. 1".into()),
            ..without
        };
        assert!(with.validate().is_ok());
    }

    #[test]
    fn pins_are_checked_at_start_and_need_an_https_registry() {
        let pinned = Config {
            registry_url: Some("https://registry.example.org".into()),
            operator_name: Some("Оператор (пример)".into()),
            operator_address: Some("г. Примерный, ул. Вымышленная, д. 1".into()),
            registry_pins: vec!["sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".into()],
            ..Config::default()
        };
        assert!(pinned.validate().is_ok());
        assert_eq!(pinned.pins().unwrap().len(), 1);

        let malformed = Config { registry_pins: vec!["sha256/abc".into()], ..pinned.clone() };
        assert!(matches!(malformed.validate(), Err(ConfigError::BadPin(_))));

        let loopback = Config { registry_url: Some("http://127.0.0.1:8080".into()), ..pinned.clone() };
        assert!(matches!(loopback.validate(), Err(ConfigError::OutOfRange(m)) if m.contains("registry_pins")));
        let demo = Config { registry_url: None, ..pinned };
        assert!(matches!(demo.validate(), Err(ConfigError::OutOfRange(m)) if m.contains("registry_pins")));
    }

    #[test]
    fn plain_http_is_refused_unless_loopback() {
        assert!(registry_url("https://registry.example.org/").is_ok());
        assert!(registry_url("http://127.0.0.1:8080").is_ok());
        assert!(registry_url("http://127.3.2.1:8080").is_ok());
        assert!(registry_url("http://[::1]:8080").is_ok());
        assert!(registry_url("http://localhost:8080").is_ok());
        assert_eq!(
            registry_url("http://registry.example.org"),
            Err(ConfigError::InsecureRegistry("http://registry.example.org".into()))
        );
        assert!(matches!(registry_url("http://10.0.0.5"), Err(ConfigError::InsecureRegistry(_))));
        assert!(matches!(registry_url("http://localhost.evil.example"), Err(ConfigError::InsecureRegistry(_))));
        assert!(matches!(registry_url("ftp://127.0.0.1"), Err(ConfigError::UnsupportedScheme(_))));
        assert!(matches!(registry_url("not a url"), Err(ConfigError::BadUrl(_))));
    }

    #[test]
    fn missing_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Config::load(&dir.path().join("none.toml")).unwrap(), Config::default());
    }

    #[test]
    fn partial_file_keeps_defaults_for_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, "kiosk_id = \"k-42\"\nidle_timeout_secs = 300\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.kiosk_id.as_deref(), Some("k-42"));
        assert_eq!(config.idle_timeout_secs, 300);
        assert_eq!(config.language, "ru");
    }

    #[test]
    fn typo_in_a_key_is_reported_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, "kiosk_idd = \"k-42\"\n").unwrap();
        let err = Config::load(&path).unwrap_err();
        assert!(matches!(&err, ConfigError::Invalid { reason, .. } if reason.contains("kiosk_idd")), "{err}");
    }

    #[test]
    fn validation_catches_out_of_range_values() {
        let bad_language = Config { language: "de".into(), ..Config::default() };
        assert!(bad_language.validate().is_err());
        let tiny_screen = Config { screen_width_mm: 10.0, ..Config::default() };
        assert!(tiny_screen.validate().is_err());
        assert!(Config::default().validate().is_ok());
    }
}
