//! Property tests of the shared rules: generated valid values pass, one wrong digit fails, normalising twice changes
//! nothing, and no input whatever makes a validator panic. All values are generated, none belongs to a person.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use pdo_core::domain::{
    BIRTH_CERTIFICATE_GRACE_DAYS, DocumentKind, Lang, PASSPORT_AGE, age_on, allowed_documents, birthday, eligibility,
    region_today,
};
use pdo_core::validation::{
    self, DocumentInput, FieldError, birth_certificate_number, birth_certificate_series, division_code, email,
    optional_person_name, parse_date, passport_number, passport_series, person_name, phone, snils, text,
    validate_child_document,
};
use proptest::prelude::*;

/// The checksum as the rule is worded, written apart from the crate's so one cannot hide a mistake of the other.
fn reference_checksum(first_nine: &[u8]) -> u8 {
    fn reduce(sum: u32) -> u32 {
        if sum < 100 {
            sum
        } else if sum == 100 || sum == 101 {
            0
        } else {
            reduce(sum % 101)
        }
    }
    reduce(weighted_sum(first_nine)) as u8
}

fn weighted_sum(first_nine: &[u8]) -> u32 {
    first_nine.iter().enumerate().map(|(i, &d)| u32::from(d) * (9 - i as u32)).sum()
}

fn digits_to_string(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// Eleven SNILS digits with a correct control number.
fn valid_snils_digits() -> impl Strategy<Value = Vec<u8>> {
    prop::array::uniform9(0u8..=9).prop_map(|first_nine| {
        let control = reference_checksum(&first_nine);
        let mut digits = first_nine.to_vec();
        digits.extend([control / 10, control % 10]);
        digits
    })
}

/// The ways people write a SNILS: with all separators, none, or spaces only.
fn spell_snils(digits: &[u8], style: u8) -> String {
    let d = digits_to_string(digits);
    match style % 4 {
        0 => format!("{}-{}-{} {}", &d[0..3], &d[3..6], &d[6..9], &d[9..]),
        1 => d,
        2 => format!(" {} {} {} {} ", &d[0..3], &d[3..6], &d[6..9], &d[9..]),
        _ => format!("{}-{}-{}-{}", &d[0..3], &d[3..6], &d[6..9], &d[9..]),
    }
}

fn roman(value: u32) -> String {
    const HUNDREDS: [&str; 4] = ["", "C", "CC", "CCC"];
    const TENS: [&str; 10] = ["", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"];
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    let v = value as usize;
    format!("{}{}{}", HUNDREDS[v / 100], TENS[v / 10 % 10], ONES[v % 10])
}

const RUSSIAN_CAPITALS: &str = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ";

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
        .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
}

/// Dates a child or a document could plausibly carry, leap days included.
fn plausible_date() -> impl Strategy<Value = NaiveDate> {
    let from = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap().num_days_from_ce();
    let to = NaiveDate::from_ymd_opt(2040, 12, 31).unwrap().num_days_from_ce();
    (from..=to).prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
}

type Validator = fn(&str) -> Result<String, FieldError>;

fn optional_name_as_string(input: &str) -> Result<String, FieldError> {
    optional_person_name(input).map(Option::unwrap_or_default)
}

fn parse_date_as_iso(input: &str) -> Result<String, FieldError> {
    parse_date(input).map(|date| date.format("%Y-%m-%d").to_string())
}

const VALIDATORS: [(&str, Validator); 13] = [
    ("snils", snils),
    ("passport_series", passport_series),
    ("passport_number", passport_number),
    ("division_code", division_code),
    ("birth_certificate_series", birth_certificate_series),
    ("birth_certificate_number", birth_certificate_number),
    ("person_name", person_name),
    ("optional_person_name", optional_name_as_string),
    ("text", text),
    ("email", email),
    ("phone", phone),
    ("parse_date", parse_date_as_iso),
    ("text_with_limit_5", |s| validation::text_with_limit(s, 5)),
];

/// Whatever the input, a validator returns a value it accepts unchanged, or an error with words for a person.
fn assert_total_and_idempotent(name: &str, validate: Validator, input: &str) -> Result<(), TestCaseError> {
    match validate(input) {
        Ok(normalised) => prop_assert_eq!(validate(&normalised), Ok(normalised.clone()), "{} of {:?}", name, input),
        Err(error) => {
            prop_assert!(!error.message(Lang::Ru).is_empty() && !error.message(Lang::En).is_empty());
            prop_assert!(FieldError::CODES.contains(&error.code()));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_valid_snils_passes_in_any_spelling(digits in valid_snils_digits(), style in any::<u8>()) {
        let d = digits_to_string(&digits);
        let expected = format!("{}-{}-{} {}", &d[0..3], &d[3..6], &d[6..9], &d[9..]);
        prop_assert_eq!(snils(&spell_snils(&digits, style)), Ok(expected));
    }

    /// One wrong digit is caught, except the rule's own blind spot: sums 100 and 101 both give 00, so raising or
    /// lowering the ninth digit by one between those sums cannot be seen.
    #[test]
    fn changing_any_one_digit_of_a_valid_snils_fails(
        digits in valid_snils_digits(),
        position in 0usize..11,
        shift in 1u8..=9,
        style in any::<u8>(),
    ) {
        let mut changed = digits.clone();
        changed[position] = (digits[position] + shift) % 10;
        let sums = (weighted_sum(&digits[..9]) % 101, weighted_sum(&changed[..9]) % 101);
        let blind_spot = position == 8 && matches!(sums, (100, 0) | (0, 100));
        let result = snils(&spell_snils(&changed, style));
        if blind_spot {
            prop_assert!(result.is_ok());
        } else {
            prop_assert_eq!(result, Err(FieldError::InvalidChecksum));
        }
    }

    #[test]
    fn no_string_breaks_a_validator(input in any::<String>()) {
        for (name, validate) in VALIDATORS {
            assert_total_and_idempotent(name, validate, &input)?;
        }
        let _ = Lang::from_accept_language(&input);
    }

    #[test]
    fn no_near_miss_breaks_a_validator(input in "[ 0-9IVXLCivxlcХСхсА-Яа-яЁёA-Za-z@.+()'’–-]{0,40}") {
        for (name, validate) in VALIDATORS {
            assert_total_and_idempotent(name, validate, &input)?;
        }
    }

    #[test]
    fn generated_passport_fields_pass_and_normalise_once(
        series in "[ ]{0,2}[0-9]{2} ?[0-9]{2}[ ]{0,2}",
        number in "[ ]{0,2}[0-9]{6}[ ]{0,2}",
        code in "[ ]{0,2}[0-9]{3}( ?- ?| )?[0-9]{3}[ ]{0,2}",
    ) {
        for (validate, input) in [(passport_series as Validator, &series), (passport_number, &number), (division_code, &code)] {
            let normalised = validate(input);
            prop_assert!(normalised.is_ok(), "{:?}", input);
            assert_total_and_idempotent("passport", validate, input)?;
        }
        prop_assert_eq!(division_code(&code).unwrap().len(), 7);
    }

    #[test]
    fn generated_birth_certificate_series_pass_in_any_case_and_layout(
        value in 1u32..=399,
        letters in prop::array::uniform2(prop::sample::select(RUSSIAN_CAPITALS.chars().collect::<Vec<_>>())),
        lowercase in any::<bool>(),
        cyrillic_look_alikes in any::<bool>(),
        dash in prop::sample::select(vec!["-", " - ", "–", " ", "—"]),
        number in "[0-9]{6}",
    ) {
        let expected = format!("{}-{}{}", roman(value), letters[0], letters[1]);
        let mut roman_typed = roman(value);
        if cyrillic_look_alikes {
            roman_typed = roman_typed.replace('X', "Х").replace('C', "С");
        }
        let mut letters_typed: String = letters.iter().collect();
        if lowercase {
            roman_typed = roman_typed.to_lowercase();
            letters_typed = letters_typed.to_lowercase();
        }
        let typed = format!(" {roman_typed}{dash}{letters_typed} ");
        prop_assert_eq!(birth_certificate_series(&typed), Ok(expected.clone()));
        prop_assert_eq!(birth_certificate_series(&expected), Ok(expected));
        prop_assert_eq!(birth_certificate_number(&number), Ok(number.clone()));
    }

    #[test]
    fn roman_numerals_with_a_letter_added_or_removed_fail_unless_still_standard(
        value in 1u32..=399,
        extra in prop::sample::select(vec!['I', 'V', 'X', 'L', 'C']),
        position in any::<prop::sample::Index>(),
    ) {
        let standard = roman(value);
        let mut altered = standard.clone();
        altered.insert(position.index(standard.len() + 1), extra);
        let is_standard = (1..=399).any(|v| roman(v) == altered);
        let result = birth_certificate_series(&format!("{altered}-АБ"));
        prop_assert_eq!(result.is_ok(), is_standard, "{}", altered);
    }

    #[test]
    fn generated_names_pass_and_collapse_spaces_once(
        name in "[ ]{0,3}[А-ЯЁа-яё]{1,20}([ '’-]{1,3}[А-ЯЁа-яё]{1,20}){0,2}[ ]{0,3}",
    ) {
        let normalised = person_name(&name);
        prop_assert!(normalised.is_ok(), "{:?}", name);
        let normalised = normalised.unwrap();
        prop_assert!(!normalised.contains("  ") && normalised.trim() == normalised);
        assert_total_and_idempotent("person_name", person_name, &name)?;
    }

    #[test]
    fn generated_contacts_pass_and_normalise_once(
        local in "[a-zA-Z0-9._+-]{1,20}",
        domain in "[a-zA-Z0-9-]{1,10}(\\.[a-zA-Z0-9-]{1,10}){0,2}\\.[a-zA-Z]{2,6}",
        prefix in prop::sample::select(vec!["+7", "8", "7", "+7 "]),
        national in "[0-9]{10}",
        separated in any::<bool>(),
    ) {
        let address = format!("{local}@{domain}");
        prop_assert_eq!(email(&address), Ok(format!("{local}@{}", domain.to_lowercase())));
        assert_total_and_idempotent("email", email, &address)?;
        let typed = if separated {
            format!("{prefix} ({}) {}-{}-{}", &national[..3], &national[3..6], &national[6..8], &national[8..])
        } else {
            format!("{prefix}{national}")
        };
        prop_assert_eq!(phone(&typed), Ok(format!("+7{national}")));
        assert_total_and_idempotent("phone", phone, &typed)?;
    }

    #[test]
    fn dates_read_back_as_written(date in plausible_date()) {
        prop_assert_eq!(parse_date(&date.format("%d.%m.%Y").to_string()), Ok(date));
        prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
    }

    #[test]
    fn age_goes_up_by_one_exactly_on_each_birthday(birth in plausible_date(), years in 1u32..=30) {
        let day = birthday(birth, years).unwrap();
        prop_assert_eq!(age_on(birth, day), years);
        prop_assert_eq!(age_on(birth, day.pred_opt().unwrap()), years - 1);
    }

    #[test]
    fn allowed_documents_follow_the_age_rule(birth in plausible_date(), on in plausible_date()) {
        let allowed = allowed_documents(birth, on);
        let age = age_on(birth, on);
        prop_assert_eq!(allowed.contains(&DocumentKind::Passport), age >= PASSPORT_AGE);
        let fourteenth = birthday(birth, PASSPORT_AGE).unwrap();
        let grace_ends = fourteenth.checked_add_days(Days::new(BIRTH_CERTIFICATE_GRACE_DAYS as u64)).unwrap();
        prop_assert_eq!(allowed.contains(&DocumentKind::BirthCertificate), on <= grace_ends);
        prop_assert_eq!(eligibility(birth, on).is_ok(), birth <= on && (5..18).contains(&age));
    }

    #[test]
    fn no_date_breaks_the_domain_rules(birth in any_date(), on in any_date(), seconds in any::<i64>()) {
        let age = age_on(birth, on);
        prop_assert!(!allowed_documents(birth, on).is_empty());
        prop_assert_eq!(eligibility(birth, on).is_ok(), birth <= on && (5..18).contains(&age));
        if let Some(now) = DateTime::<Utc>::from_timestamp(seconds % 9_000_000_000_000, 0) {
            let today = region_today(now);
            prop_assert!(today >= now.date_naive());
        }
    }

    #[test]
    fn no_document_breaks_the_whole_check(
        kind in prop::sample::select(vec![DocumentKind::BirthCertificate, DocumentKind::Passport]),
        series in any::<String>(),
        number in any::<String>(),
        issued_by in ".{0,310}",
        code in proptest::option::of(any::<String>()),
        issued in any_date(),
        birth in any_date(),
        today in any_date(),
    ) {
        let input = DocumentInput {
            kind,
            series: &series,
            number: &number,
            issued_on: issued,
            issued_by: &issued_by,
            division_code: code.as_deref(),
        };
        match validate_child_document(&input, birth, today) {
            Ok(document) => {
                prop_assert_eq!(document.kind, kind);
                prop_assert_eq!(document.division_code.is_some(), kind == DocumentKind::Passport);
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                prop_assert!(errors.keys().all(|path| path.starts_with("document.")));
            }
        }
    }
}
