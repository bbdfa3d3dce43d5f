//! The Russian internal passport: series, number and the issuing division's code.

use super::{FieldError, FieldFormat, is_digits, required, without_whitespace};

/// Four digits. The passport prints them in two pairs ("32 10"), so spaces are dropped: stored as "3210".
pub fn passport_series(input: &str) -> Result<String, FieldError> {
    let digits = without_whitespace(required(input)?);
    if is_digits(&digits, 4) { Ok(digits) } else { Err(FieldError::InvalidFormat(FieldFormat::PassportSeries)) }
}

/// Six digits, printed without spaces; spaces typed by habit between groups are dropped.
pub fn passport_number(input: &str) -> Result<String, FieldError> {
    let digits = without_whitespace(required(input)?);
    if is_digits(&digits, 6) { Ok(digits) } else { Err(FieldError::InvalidFormat(FieldFormat::PassportNumber)) }
}

/// The code of the division that issued the passport, `NNN-NNN`. Typed with a hyphen, a space or nothing between
/// the halves; stored with the hyphen, as printed.
pub fn division_code(input: &str) -> Result<String, FieldError> {
    let typed = required(input)?;
    let digits: String = without_whitespace(typed).chars().filter(|&c| c != '-').collect();
    let hyphens = typed.matches('-').count();
    let hyphen_in_place =
        hyphens == 0 || (hyphens == 1 && typed.split('-').next().is_some_and(|half| half.trim().len() == 3));
    if is_digits(&digits, 6) && hyphen_in_place {
        Ok(format!("{}-{}", &digits[..3], &digits[3..]))
    } else {
        Err(FieldError::InvalidFormat(FieldFormat::DivisionCode))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_is_four_digits_with_an_optional_space() {
        assert_eq!(passport_series("3210"), Ok("3210".to_owned()));
        assert_eq!(passport_series(" 32 10 "), Ok("3210".to_owned()));
        assert_eq!(passport_series(""), Err(FieldError::Required));
        let invalid = Err(FieldError::InvalidFormat(FieldFormat::PassportSeries));
        assert_eq!(passport_series("321"), invalid);
        assert_eq!(passport_series("32100"), invalid);
        assert_eq!(passport_series("32-10"), invalid);
        assert_eq!(passport_series("З210"), invalid, "Cyrillic З for 3");
    }

    #[test]
    fn number_is_six_digits() {
        assert_eq!(passport_number("123456"), Ok("123456".to_owned()));
        assert_eq!(passport_number(" 012345\t"), Ok("012345".to_owned()), "a leading zero is kept");
        assert_eq!(passport_number("123 456"), Ok("123456".to_owned()));
        assert_eq!(passport_number("   "), Err(FieldError::Required));
        let invalid = Err(FieldError::InvalidFormat(FieldFormat::PassportNumber));
        assert_eq!(passport_number("12345"), invalid);
        assert_eq!(passport_number("1234567"), invalid);
        assert_eq!(passport_number("12345б"), invalid);
    }

    #[test]
    fn division_code_gets_its_hyphen() {
        let expected = Ok("420-001".to_owned());
        assert_eq!(division_code("420-001"), expected);
        assert_eq!(division_code("420001"), expected);
        assert_eq!(division_code(" 420 001 "), expected);
        assert_eq!(division_code("420 - 001"), expected);
        assert_eq!(division_code(""), Err(FieldError::Required));
        let invalid = Err(FieldError::InvalidFormat(FieldFormat::DivisionCode));
        assert_eq!(division_code("42-0001"), invalid, "the hyphen splits 3 and 3");
        assert_eq!(division_code("420--001"), invalid);
        assert_eq!(division_code("420-01"), invalid);
        assert_eq!(division_code("420-0011"), invalid);
        assert_eq!(division_code("-420001"), invalid);
        assert_eq!(division_code("42О-001"), invalid, "Cyrillic О for zero");
    }
}
