//! The one error type of every field rule. It never holds what was typed, so it can be logged without leaking
//! personal data; the text shown to people comes from [`FieldError::message`].

use std::fmt;

use crate::domain::DocumentKind;

/// Why a field was refused. [`FieldError::code`] is the stable snake_case code of the API's `fields` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldError {
    /// Nothing was typed.
    Required,
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// Not written the way this kind of field is written; the format tells the message what to show.
    InvalidFormat(FieldFormat),
    /// A SNILS whose control number does not match its first nine digits: a typo in one of them.
    InvalidChecksum,
    /// A name with letters other than Russian ones, or with no letters at all.
    NotCyrillic,
    /// The child is under 5.
    TooYoung,
    /// The child is 18 or older.
    TooOld,
    /// Written as a date, but no such day exists (31.02.2015): the person wrote it right and must be told so.
    DateDoesNotExist,
    /// A date after today.
    DateInFuture,
    /// A document issued before the child was born.
    DateBeforeBirth,
    /// The wrong document for the child's age; `expected` is the one to ask for.
    DocumentNotAllowedForAge { expected: DocumentKind },
    /// Not an e-mail address.
    InvalidEmail,
}

/// The fields that have a written format, so an `invalid_format` message can say what is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldFormat {
    Snils,
    PassportSeries,
    PassportNumber,
    DivisionCode,
    BirthCertificateSeries,
    BirthCertificateNumber,
    Phone,
    Date,
    /// Free text (an address, who issued a document) holding line breaks or other control characters, which
    /// would break the printed forms.
    SingleLineText,
}

impl FieldError {
    /// Every code [`FieldError::code`] can return, for the OpenAPI document.
    pub const CODES: &'static [&'static str] = &[
        "required",
        "too_long",
        "invalid_format",
        "invalid_checksum",
        "not_cyrillic",
        "too_young",
        "too_old",
        "date_does_not_exist",
        "date_in_future",
        "date_before_birth",
        "document_not_allowed_for_age",
        "invalid_email",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong { .. } => "too_long",
            Self::InvalidFormat(_) => "invalid_format",
            Self::InvalidChecksum => "invalid_checksum",
            Self::NotCyrillic => "not_cyrillic",
            Self::TooYoung => "too_young",
            Self::TooOld => "too_old",
            Self::DateDoesNotExist => "date_does_not_exist",
            Self::DateInFuture => "date_in_future",
            Self::DateBeforeBirth => "date_before_birth",
            Self::DocumentNotAllowedForAge { .. } => "document_not_allowed_for_age",
            Self::InvalidEmail => "invalid_email",
        }
    }
}

/// The code, not the sentence: `Display` ends up in logs, and logs are in one language.
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for FieldError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One value of every variant and every format, for tests that must cover them all.
    pub(crate) fn every_error() -> Vec<FieldError> {
        let formats = [
            FieldFormat::Snils,
            FieldFormat::PassportSeries,
            FieldFormat::PassportNumber,
            FieldFormat::DivisionCode,
            FieldFormat::BirthCertificateSeries,
            FieldFormat::BirthCertificateNumber,
            FieldFormat::Phone,
            FieldFormat::Date,
            FieldFormat::SingleLineText,
        ];
        let mut all = vec![
            FieldError::Required,
            FieldError::TooLong { max: 100 },
            FieldError::InvalidChecksum,
            FieldError::NotCyrillic,
            FieldError::TooYoung,
            FieldError::TooOld,
            FieldError::DateDoesNotExist,
            FieldError::DateInFuture,
            FieldError::DateBeforeBirth,
            FieldError::DocumentNotAllowedForAge { expected: DocumentKind::BirthCertificate },
            FieldError::DocumentNotAllowedForAge { expected: DocumentKind::Passport },
            FieldError::InvalidEmail,
        ];
        all.extend(formats.map(FieldError::InvalidFormat));
        all
    }

    #[test]
    fn codes_are_listed_snake_case_and_distinct() {
        let mut seen: Vec<&str> = every_error().iter().map(FieldError::code).collect();
        seen.sort_unstable();
        seen.dedup();
        let mut listed = FieldError::CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(seen, listed);
        for code in FieldError::CODES {
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
        }
    }

    #[test]
    fn display_is_the_code() {
        assert_eq!(FieldError::TooLong { max: 300 }.to_string(), "too_long");
        assert_eq!(FieldError::InvalidFormat(FieldFormat::Snils).to_string(), "invalid_format");
    }
}
