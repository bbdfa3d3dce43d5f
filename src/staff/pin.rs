//! The staff PIN: 4 to 8 digits, kept only as an argon2id hash under `staff_pin_hash` in kiosk.toml. The digits live
//! in memory only while typed and checked, in buffers wiped on drop.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use zeroize::Zeroizing;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("the PIN must be 4 to 8 digits")]
    Format,
    #[error("the two PINs differ")]
    Mismatch,
    #[error("no PIN was given")]
    Missing,
}

/// A PIN of 4 to 8 digits; its text is wiped when dropped and never printed.
pub struct Pin(Zeroizing<String>);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(****)")
    }
}

impl Pin {
    /// Accepts 4 to 8 ASCII digits, ignoring surrounding white space (a typed line's newline).
    pub fn parse(text: &str) -> Result<Pin, PinError> {
        let digits = text.trim();
        if !(4..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PinError::Format);
        }
        Ok(Pin(Zeroizing::new(digits.to_string())))
    }

    /// The argon2id PHC string to keep in the config file. Slow on purpose (~20–50 ms).
    pub fn hash(&self) -> String {
        Argon2::default()
            .hash_password(self.0.as_bytes(), &SaltString::generate(&mut OsRng))
            .expect("argon2id with default parameters cannot fail on a fresh salt")
            .to_string()
    }

    /// Whether this PIN is the one hashed in `phc`; a malformed hash matches nothing.
    pub fn matches(&self, phc: &str) -> bool {
        PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(self.0.as_bytes(), &parsed).is_ok())
    }
}

/// Reads a new PIN twice, one line each, from `input`; with `prompt` the questions are written there first.
pub fn read_new_pin(input: &mut dyn BufRead, mut prompt: Option<&mut dyn Write>) -> anyhow::Result<Pin> {
    let mut read = |question: &str| -> anyhow::Result<Zeroizing<String>> {
        if let Some(out) = prompt.as_deref_mut() {
            write!(out, "{question}")?;
            out.flush()?;
        }
        let mut line = Zeroizing::new(String::new());
        if input.read_line(&mut line)? == 0 {
            return Err(PinError::Missing.into());
        }
        if let Some(out) = prompt.as_deref_mut() {
            writeln!(out)?;
        }
        Ok(line)
    };
    let first = Pin::parse(&read("New staff PIN (4-8 digits): ")?)?;
    let second = Pin::parse(&read("The same PIN again: ")?)?;
    if first.0.as_str() != second.0.as_str() {
        return Err(PinError::Mismatch.into());
    }
    Ok(first)
}

/// Reads the new PIN from standard input: on a terminal with a prompt and without echo, otherwise two lines.
pub fn read_new_pin_from_stdin() -> anyhow::Result<Pin> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let _echo = EchoOff::new();
        read_new_pin(&mut stdin.lock(), Some(&mut std::io::stderr()))
    } else {
        read_new_pin(&mut stdin.lock(), None)
    }
}

/// Writes `hash` as `staff_pin_hash` into the TOML file at `path` (created if missing), keeping every other key,
/// comment and blank line as it was. The result must still load as the kiosk's config; the file is replaced
/// atomically and stays readable by its owner only.
pub fn write_pin_hash(path: &Path, hash: &str) -> anyhow::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let mut document: toml_edit::DocumentMut =
        text.parse().with_context(|| format!("{} is not valid TOML", path.display()))?;
    document["staff_pin_hash"] = toml_edit::value(hash);
    let updated = document.to_string();
    toml::from_str::<crate::config::Config>(&updated)
        .with_context(|| format!("{} would no longer be a valid kiosk configuration", path.display()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let temporary = path.with_extension("toml.new");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary).with_context(|| format!("writing {}", temporary.display()))?;
        file.write_all(updated.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// Terminal echo switched off for as long as it lives (nothing happens when standard input is not a terminal).
struct EchoOff(Option<libc::termios>);

impl EchoOff {
    fn new() -> Self {
        // SAFETY: tcgetattr/tcsetattr on fd 0 with a zeroed termios the call fills in; failure leaves echo on.
        unsafe {
            let mut saved: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut saved) != 0 {
                return Self(None);
            }
            let mut quiet = saved;
            quiet.c_lflag &= !libc::ECHO;
            quiet.c_lflag |= libc::ECHONL;
            if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &quiet) != 0 {
                return Self(None);
            }
            Self(Some(saved))
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if let Some(saved) = &self.0 {
            // SAFETY: restores the attributes read in `new`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_to_eight_digits_make_a_pin() {
        for good in ["0000", "1234", "12345678", " 4821\n"] {
            assert!(Pin::parse(good).is_ok(), "{good:?}");
        }
        for bad in ["", "123", "123456789", "12a4", "１２３４", "12 34", "-1234"] {
            assert_eq!(Pin::parse(bad).unwrap_err(), PinError::Format, "{bad:?}");
        }
        assert_eq!(format!("{:?}", Pin::parse("4821").unwrap()), "Pin(****)", "a PIN is never printed");
    }

    #[test]
    fn the_hash_matches_only_its_pin() {
        let hash = Pin::parse("4821").unwrap().hash();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("4821"));
        assert!(Pin::parse("4821").unwrap().matches(&hash));
        assert!(!Pin::parse("4822").unwrap().matches(&hash));
        assert!(!Pin::parse("4821").unwrap().matches("not a hash"));
    }

    #[test]
    fn the_new_pin_is_read_twice_and_must_agree() {
        let pin = read_new_pin(&mut "73915\n73915\n".as_bytes(), None).unwrap();
        assert!(pin.matches(&Pin::parse("73915").unwrap().hash()));
        let differ = read_new_pin(&mut "73915\n73916\n".as_bytes(), None).unwrap_err();
        assert_eq!(differ.downcast_ref::<PinError>(), Some(&PinError::Mismatch));
        let short = read_new_pin(&mut "739\n739\n".as_bytes(), None).unwrap_err();
        assert_eq!(short.downcast_ref::<PinError>(), Some(&PinError::Format));
        let missing = read_new_pin(&mut "73915\n".as_bytes(), None).unwrap_err();
        assert_eq!(missing.downcast_ref::<PinError>(), Some(&PinError::Missing));
        let mut asked = Vec::new();
        read_new_pin(&mut "2468\n2468\n".as_bytes(), Some(&mut asked)).unwrap();
        assert!(String::from_utf8(asked).unwrap().contains("again"), "the prompt asks twice");
    }

    #[test]
    fn writing_the_hash_keeps_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        let original =
            "# Терминал в библиотеке (пример)\nkiosk_id = \"k-7\"   # set by the technician\n\nlanguage = \"en\"\n";
        std::fs::write(&path, original).unwrap();
        write_pin_hash(&path, "$argon2id$first").unwrap();
        write_pin_hash(&path, "$argon2id$second").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(original), "comments, spacing and keys kept:\n{text}");
        assert_eq!(text.matches("staff_pin_hash").count(), 1, "replaced, not appended twice:\n{text}");
        let config = crate::config::Config::load(&path).unwrap();
        assert_eq!(config.staff_pin_hash.as_deref(), Some("$argon2id$second"));
        assert_eq!((config.kiosk_id.as_deref(), config.language.as_str()), (Some("k-7"), "en"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_missing_file_is_created_and_a_broken_one_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("etc").join("kiosk.toml");
        write_pin_hash(&path, "$argon2id$x").unwrap();
        assert_eq!(crate::config::Config::load(&path).unwrap().staff_pin_hash.as_deref(), Some("$argon2id$x"));
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, "kiosk_idd = \"typo\"\n").unwrap();
        assert!(write_pin_hash(&broken, "$argon2id$x").is_err(), "an invalid config is not made worse");
        assert_eq!(std::fs::read_to_string(&broken).unwrap(), "kiosk_idd = \"typo\"\n");
    }
}
