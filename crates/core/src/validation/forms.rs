//! Whole request bodies checked at once, with every error keyed by its API path, so the kiosk can show each message
//! next to its field and the registry answers `422 validation` naming them all. Text is NFC-normalised first.

use super::{
    FieldError, FieldErrors, ValidDocument, birth_date, division_code, email, optional_person_name, parse_date,
    passport_number, passport_series, person_name, phone, snils, text, validate_child_document,
};
use crate::api::{Applicant, ApplicantRequest, ChildRequest, DocumentRequest, Passport};
use crate::domain::{AccountKind, DocumentKind, PASSPORT_AGE, age_on, eligibility};
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

/// The NFC form of `text`, as the API stores every text field.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// A child as stored, in normalised spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidChild {
    pub last_name: String,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub birth_date: NaiveDate,
    pub snils: String,
    pub address: String,
}

/// Collects field errors under a path prefix while the values that passed are kept.
struct Checker<'a> {
    prefix: &'a str,
    errors: FieldErrors,
}

impl Checker<'_> {
    fn check<T>(&mut self, field: &str, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.errors.insert(format!("{}{field}", self.prefix), e)).ok()
    }
}

pub fn validate_child(request: &ChildRequest, today: NaiveDate) -> Result<ValidChild, FieldErrors> {
    let mut c = Checker { prefix: "child.", errors: FieldErrors::new() };
    let last_name = c.check("last_name", person_name(&nfc(&request.last_name)));
    let first_name = c.check("first_name", person_name(&nfc(&request.first_name)));
    let patronymic = c.check("patronymic", optional_person_name(&nfc(request.patronymic.as_deref().unwrap_or(""))));
    let born = c.check("birth_date", parse_date(&request.birth_date).and_then(|d| birth_date(d, today)));
    let born = born.and_then(|d| c.check("birth_date", eligibility(d, today).map(|()| d)));
    let snils = c.check("snils", snils(&request.snils));
    let address = c.check("address", text(&nfc(&request.address)));
    match (last_name, first_name, patronymic, born, snils, address) {
        (Some(last_name), Some(first_name), Some(patronymic), Some(birth_date), Some(snils), Some(address)) => {
            Ok(ValidChild { last_name, first_name, patronymic, birth_date, snils, address })
        }
        _ => Err(c.errors),
    }
}

/// A child's document as sent to the API (dates as strings), checked against the child's age on `today`.
pub fn validate_document(
    request: &DocumentRequest,
    child_birth_date: NaiveDate,
    today: NaiveDate,
) -> Result<ValidDocument, FieldErrors> {
    let issued = parse_date(&request.issued_on);
    let series = nfc(&request.series);
    let issued_by = nfc(&request.issued_by);
    let input = super::DocumentInput {
        kind: request.kind,
        series: &series,
        number: &request.number,
        // A date that does not parse is reported below; the placeholder only lets the other fields be checked.
        issued_on: *issued.as_ref().unwrap_or(&child_birth_date),
        issued_by: &issued_by,
        division_code: request.division_code.as_deref(),
    };
    let result = validate_child_document(&input, child_birth_date, today);
    match (issued, result) {
        (Ok(_), result) => result,
        (Err(error), result) => {
            let mut errors = result.err().unwrap_or_default();
            errors.insert(super::paths::ISSUED_ON.to_owned(), error);
            Err(errors)
        }
    }
}

/// The applicant's own details; a child applying for themself (`AccountKind::Child`) must be 14 to 17.
pub fn validate_applicant(
    request: &ApplicantRequest,
    kind: AccountKind,
    today: NaiveDate,
) -> Result<Applicant, FieldErrors> {
    let mut c = Checker { prefix: "applicant.", errors: FieldErrors::new() };
    let last_name = c.check("last_name", person_name(&nfc(&request.last_name)));
    let first_name = c.check("first_name", person_name(&nfc(&request.first_name)));
    let patronymic = c.check("patronymic", optional_person_name(&nfc(request.patronymic.as_deref().unwrap_or(""))));
    let born = c.check("birth_date", parse_date(&request.birth_date).and_then(|d| birth_date(d, today)));
    let born = born.and_then(|d| {
        let age = age_on(d, today);
        let verdict = if age < PASSPORT_AGE {
            Err(FieldError::TooYoung)
        } else if kind == AccountKind::Child && age >= crate::domain::AGE_LIMIT {
            Err(FieldError::TooOld)
        } else {
            Ok(d)
        };
        c.check("birth_date", verdict)
    });
    let passport = &request.passport;
    if passport.kind != DocumentKind::Passport {
        c.check::<()>("passport.kind", Err(FieldError::DocumentNotAllowedForAge { expected: DocumentKind::Passport }));
    }
    let series = c.check("passport.series", passport_series(&passport.series));
    let number = c.check("passport.number", passport_number(&passport.number));
    let issued_on = c.check(
        "passport.issued_on",
        parse_date(&passport.issued_on).and_then(|d| super::issued_on(d, born.unwrap_or(d), today)),
    );
    let issued_by = c.check("passport.issued_by", text(&nfc(&passport.issued_by)));
    let code = c.check("passport.division_code", division_code(passport.division_code.as_deref().unwrap_or("")));
    let address = c.check("address", text(&nfc(&request.address)));
    let phone = c.check("phone", phone(&request.phone));
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let (Some(last_name), Some(first_name), Some(patronymic), Some(birth_date)) =
        (last_name, first_name, patronymic, born)
    else {
        unreachable!("no errors means every field passed")
    };
    Ok(Applicant {
        last_name,
        first_name,
        patronymic,
        birth_date,
        passport: Passport {
            kind: DocumentKind::Passport,
            series: series.unwrap_or_default(),
            number: number.unwrap_or_default(),
            issued_on: issued_on.unwrap_or(birth_date),
            issued_by: issued_by.unwrap_or_default(),
            division_code: code.unwrap_or_default(),
        },
        address: address.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
    })
}

/// An e-mail address under the path the API uses for it.
pub fn validate_email(input: &str) -> Result<String, FieldErrors> {
    email(&nfc(input)).map_err(|e| FieldErrors::from([("email".to_owned(), e)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn child() -> ChildRequest {
        ChildRequest {
            last_name: "Пробный".into(),
            first_name: "Яромир".into(),
            patronymic: None,
            birth_date: "2017-04-03".into(),
            snils: "112-233-445 95".into(),
            address: "г. Примерный, ул. Вымышленная, д. 1".into(),
        }
    }

    fn applicant() -> ApplicantRequest {
        ApplicantRequest {
            last_name: "Пробная".into(),
            first_name: "Любава".into(),
            patronymic: Some("Олеговна".into()),
            birth_date: "1990-01-15".into(),
            passport: DocumentRequest {
                kind: DocumentKind::Passport,
                series: "32 10".into(),
                number: "123456".into(),
                issued_on: "2010-02-01".into(),
                issued_by: "Отделом УФМС по Примерной области".into(),
                division_code: Some("420-001".into()),
            },
            address: "г. Примерный, ул. Вымышленная, д. 1".into(),
            phone: "8 900 123 45 67".into(),
        }
    }

    #[test]
    fn a_valid_child_is_normalised() {
        let valid = validate_child(&child(), today()).unwrap();
        assert_eq!(valid.snils, "112-233-445 95");
        assert_eq!(valid.birth_date, NaiveDate::from_ymd_opt(2017, 4, 3).unwrap());
    }

    #[test]
    fn every_bad_child_field_is_reported_under_its_path() {
        let bad = ChildRequest {
            last_name: "Smith".into(),
            first_name: "".into(),
            birth_date: "31.02.2017".into(),
            snils: "112-233-445 96".into(),
            address: "x".repeat(301),
            ..child()
        };
        let errors = validate_child(&bad, today()).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|(k, v)| format!("{k}={}", v.code())).collect();
        assert_eq!(
            codes,
            [
                "child.address=too_long",
                "child.birth_date=date_does_not_exist",
                "child.first_name=required",
                "child.last_name=not_cyrillic",
                "child.snils=invalid_checksum"
            ]
        );
    }

    #[test]
    fn a_child_too_old_for_the_certificate_is_refused() {
        let old = ChildRequest { birth_date: "2008-11-25".into(), ..child() };
        assert_eq!(validate_child(&old, today()).unwrap_err()["child.birth_date"], FieldError::TooOld);
    }

    #[test]
    fn decomposed_letters_pass_after_nfc() {
        let decomposed = ChildRequest { first_name: "Зои\u{306}".into(), ..child() };
        assert_eq!(validate_child(&decomposed, today()).unwrap().first_name, "Зой");
    }

    #[test]
    fn applicant_is_normalised_and_a_child_applicant_must_be_14_to_17() {
        let valid = validate_applicant(&applicant(), AccountKind::Parent, today()).unwrap();
        assert_eq!(valid.phone, "+79001234567");
        assert_eq!(valid.passport.series, "3210");
        let adult_as_child = validate_applicant(&applicant(), AccountKind::Child, today()).unwrap_err();
        assert_eq!(adult_as_child["applicant.birth_date"], FieldError::TooOld);
        let young = ApplicantRequest { birth_date: "2015-01-01".into(), ..applicant() };
        assert_eq!(
            validate_applicant(&young, AccountKind::Parent, today()).unwrap_err()["applicant.birth_date"],
            FieldError::TooYoung
        );
    }

    #[test]
    fn applicant_passport_errors_carry_the_nested_path() {
        let mut bad = applicant();
        bad.passport.division_code = None;
        bad.passport.issued_on = "2030-01-01".into();
        let errors = validate_applicant(&bad, AccountKind::Parent, today()).unwrap_err();
        assert_eq!(errors["applicant.passport.division_code"], FieldError::Required);
        assert_eq!(errors["applicant.passport.issued_on"], FieldError::DateInFuture);
    }

    #[test]
    fn document_with_an_unreadable_date_still_reports_its_other_fields() {
        let request = DocumentRequest {
            kind: DocumentKind::BirthCertificate,
            series: "IV-ЛО".into(),
            number: "12345".into(),
            issued_on: "вчера".into(),
            issued_by: "Отдел ЗАГС".into(),
            division_code: None,
        };
        let errors = validate_document(&request, NaiveDate::from_ymd_opt(2017, 4, 3).unwrap(), today()).unwrap_err();
        assert!(errors.contains_key("document.issued_on") && errors.contains_key("document.number"), "{errors:?}");
    }
}
