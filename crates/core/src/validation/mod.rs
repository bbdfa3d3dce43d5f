//! Validation rules shared by the kiosk (to show a message next to the field at once) and the registry (which trusts
//! nothing). Every validator trims its input, returns the one normalised spelling that is stored, or one
//! [`FieldError`] that names what is expected. Validators never read the clock: "today" is a parameter, so the
//! registry can check an offline submission against the day it was captured.
//!
//! Callers Unicode-NFC normalise text before validating it (the API does so for every text field); these rules
//! compare code points and would otherwise reject a decomposed "й" or "ё" typed by some keyboards.

mod birth_certificate;
mod contact;
mod dates;
mod document;
mod email_typo;
mod error;
mod forms;
mod messages;
mod names;
mod passport;
mod snils;

use std::collections::BTreeMap;

pub use birth_certificate::{birth_certificate_number, birth_certificate_series};
pub use contact::{email, phone};
pub use dates::{birth_date, issued_on, parse_date};
pub use document::{DocumentInput, ValidDocument, paths, validate_child_document};
pub use email_typo::suggest_email;
pub use error::{FieldError, FieldFormat};
pub use forms::{ValidChild, nfc, validate_applicant, validate_child, validate_document, validate_email};
pub use messages::field_bodies;
pub use names::{NAME_MAX_CHARS, TEXT_MAX_CHARS, optional_person_name, person_name, text, text_with_limit};
pub use passport::{division_code, passport_number, passport_series};
pub use snils::{snils, snils_checksum};

/// Errors of a whole form, keyed by the field's path as the API names it (`document.series`, `child.snils`), so a
/// screen can put each message next to its field.
pub type FieldErrors = BTreeMap<String, FieldError>;

/// Makes any validator accept an empty field as "not given": for optional fields such as the patronymic.
pub fn optional<T>(input: &str, validate: impl FnOnce(&str) -> Result<T, FieldError>) -> Result<Option<T>, FieldError> {
    if input.trim().is_empty() { Ok(None) } else { validate(input).map(Some) }
}

/// The trimmed input, or `Required` when nothing but spaces was typed.
fn required(input: &str) -> Result<&str, FieldError> {
    let trimmed = input.trim();
    if trimmed.is_empty() { Err(FieldError::Required) } else { Ok(trimmed) }
}

/// `input` with every whitespace character removed, for numbers people type in groups ("32 10", "123 456").
fn without_whitespace(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `text` is exactly `len` ASCII digits. Other scripts' digits (Arabic-Indic, full-width) are refused:
/// documents are printed with ASCII digits and the registry compares them byte for byte.
fn is_digits(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_turns_an_empty_field_into_none() {
        assert_eq!(optional("   ", passport_number), Ok(None));
        assert_eq!(optional("", passport_number), Ok(None));
        assert_eq!(optional(" 123456 ", passport_number), Ok(Some("123456".to_owned())));
        assert_eq!(optional("12345", passport_number), Err(FieldError::InvalidFormat(FieldFormat::PassportNumber)));
    }

    #[test]
    fn helpers_trim_and_count_ascii_digits_only() {
        assert_eq!(required("  x "), Ok("x"));
        assert_eq!(required(" \t\n"), Err(FieldError::Required));
        assert_eq!(without_whitespace(" 1 2\u{a0}3 "), "123");
        assert!(is_digits("0123", 4));
        assert!(!is_digits("012", 4));
        assert!(!is_digits("١٢٣٤", 4), "Arabic-Indic digits are not document digits");
        assert!(!is_digits("１２３４", 4), "full-width digits are not document digits");
    }
}
