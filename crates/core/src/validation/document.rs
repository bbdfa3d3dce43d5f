//! A child's identity document checked as a whole: every field at once, so the screen shows every problem in one go
//! instead of one per press of "Далее".

use chrono::NaiveDate;

use super::{
    FieldError, FieldErrors, birth_certificate_number, birth_certificate_series, division_code, issued_on,
    passport_number, passport_series, text,
};
use crate::domain::{DocumentKind, allowed_documents};

/// Field paths of a child's document, as the API's `fields` object names them.
pub mod paths {
    pub const KIND: &str = "document.kind";
    pub const SERIES: &str = "document.series";
    pub const NUMBER: &str = "document.number";
    pub const ISSUED_ON: &str = "document.issued_on";
    pub const ISSUED_BY: &str = "document.issued_by";
    pub const DIVISION_CODE: &str = "document.division_code";
}

/// The document as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentInput<'a> {
    pub kind: DocumentKind,
    pub series: &'a str,
    pub number: &'a str,
    pub issued_on: NaiveDate,
    pub issued_by: &'a str,
    /// Read only for a passport; a birth certificate has no division code.
    pub division_code: Option<&'a str>,
}

/// The document in its normalised spelling, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDocument {
    pub kind: DocumentKind,
    pub series: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub issued_by: String,
    /// `Some` exactly when `kind` is a passport.
    pub division_code: Option<String>,
}

/// Checks a child's document against its formats and against the child's age on `today` (the region's date when the
/// data was entered), returning every field error keyed by its path.
///
/// A division code sent with a birth certificate is dropped rather than refused: the kiosk keeps what was typed
/// when the parent switches the kind back and forth, and the field is not shown for a certificate.
pub fn validate_child_document(
    input: &DocumentInput<'_>,
    child_birth_date: NaiveDate,
    today: NaiveDate,
) -> Result<ValidDocument, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut check = |path: &str, result: Result<String, FieldError>| {
        result.map_err(|error| errors.insert(path.to_owned(), error)).ok()
    };

    let is_passport = input.kind == DocumentKind::Passport;
    let series = if is_passport {
        check(paths::SERIES, passport_series(input.series))
    } else {
        check(paths::SERIES, birth_certificate_series(input.series))
    };
    let number = if is_passport {
        check(paths::NUMBER, passport_number(input.number))
    } else {
        check(paths::NUMBER, birth_certificate_number(input.number))
    };
    let issued_by = check(paths::ISSUED_BY, text(input.issued_by));
    let division_code = if is_passport {
        check(paths::DIVISION_CODE, division_code(input.division_code.unwrap_or(""))).map(Some)
    } else {
        Some(None)
    };

    let allowed = allowed_documents(child_birth_date, today);
    if !allowed.contains(&input.kind) {
        let expected = allowed.first().copied().unwrap_or(DocumentKind::BirthCertificate);
        errors.insert(paths::KIND.to_owned(), FieldError::DocumentNotAllowedForAge { expected });
    }
    let issued = issued_on(input.issued_on, child_birth_date, today)
        .map_err(|error| errors.insert(paths::ISSUED_ON.to_owned(), error))
        .ok();

    match (series, number, issued, issued_by, division_code) {
        (Some(series), Some(number), Some(issued_on), Some(issued_by), Some(division_code)) if errors.is_empty() => {
            Ok(ValidDocument { kind: input.kind, series, number, issued_on, issued_by, division_code })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::FieldFormat;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2025, 6, 1)
    }

    fn certificate<'a>() -> DocumentInput<'a> {
        DocumentInput {
            kind: DocumentKind::BirthCertificate,
            series: "iv-ло",
            number: "123 456",
            issued_on: date(2016, 3, 20),
            issued_by: " Отдел ЗАГС г. Примерного ",
            division_code: None,
        }
    }

    fn passport<'a>() -> DocumentInput<'a> {
        DocumentInput {
            kind: DocumentKind::Passport,
            series: "32 10",
            number: "654321",
            issued_on: date(2025, 5, 1),
            issued_by: "ГУ МВД России по Примерной области",
            division_code: Some("420001"),
        }
    }

    #[test]
    fn a_valid_birth_certificate_comes_back_normalised() {
        let document = validate_child_document(&certificate(), date(2016, 3, 10), today()).unwrap();
        assert_eq!(
            document,
            ValidDocument {
                kind: DocumentKind::BirthCertificate,
                series: "IV-ЛО".to_owned(),
                number: "123456".to_owned(),
                issued_on: date(2016, 3, 20),
                issued_by: "Отдел ЗАГС г. Примерного".to_owned(),
                division_code: None,
            }
        );
    }

    #[test]
    fn a_division_code_typed_for_a_birth_certificate_is_dropped() {
        let input = DocumentInput { division_code: Some("not a code"), ..certificate() };
        let document = validate_child_document(&input, date(2016, 3, 10), today()).unwrap();
        assert_eq!(document.division_code, None);
    }

    #[test]
    fn a_valid_passport_comes_back_normalised() {
        let document = validate_child_document(&passport(), date(2010, 4, 1), today()).unwrap();
        assert_eq!(document.series, "3210");
        assert_eq!(document.division_code.as_deref(), Some("420-001"));
    }

    #[test]
    fn every_bad_field_is_reported_under_its_path() {
        let input = DocumentInput {
            series: "IIII-ЛО",
            number: "12345",
            issued_on: date(2016, 3, 1),
            issued_by: "",
            ..certificate()
        };
        let errors = validate_child_document(&input, date(2016, 3, 10), today()).unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert_eq!(errors[paths::SERIES], FieldError::InvalidFormat(FieldFormat::BirthCertificateSeries));
        assert_eq!(errors[paths::NUMBER], FieldError::InvalidFormat(FieldFormat::BirthCertificateNumber));
        assert_eq!(errors[paths::ISSUED_ON], FieldError::DateBeforeBirth);
        assert_eq!(errors[paths::ISSUED_BY], FieldError::Required);
    }

    #[test]
    fn a_passport_needs_its_division_code() {
        let input = DocumentInput { division_code: None, ..passport() };
        let errors = validate_child_document(&input, date(2010, 4, 1), today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[paths::DIVISION_CODE], FieldError::Required);
    }

    #[test]
    fn a_passport_of_a_child_under_14_is_refused() {
        let input = DocumentInput { issued_on: date(2025, 1, 10), ..passport() };
        let errors = validate_child_document(&input, date(2011, 6, 2), today()).unwrap_err();
        assert_eq!(
            errors[paths::KIND],
            FieldError::DocumentNotAllowedForAge { expected: DocumentKind::BirthCertificate }
        );
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn a_birth_certificate_is_accepted_through_day_90_after_the_fourteenth_birthday() {
        // 14th birthday on 3 March 2025; 1 June 2025 is day 90 after it.
        let birth = date(2011, 3, 3);
        assert!(validate_child_document(&certificate(), birth, today()).is_ok());
        let next_day = today().succ_opt().unwrap();
        let errors = validate_child_document(&certificate(), birth, next_day).unwrap_err();
        assert_eq!(errors[paths::KIND], FieldError::DocumentNotAllowedForAge { expected: DocumentKind::Passport });
    }

    #[test]
    fn a_document_from_the_future_is_refused() {
        let input = DocumentInput { issued_on: date(2025, 6, 2), ..passport() };
        let errors = validate_child_document(&input, date(2010, 4, 1), today()).unwrap_err();
        assert_eq!(errors[paths::ISSUED_ON], FieldError::DateInFuture);
    }
}
