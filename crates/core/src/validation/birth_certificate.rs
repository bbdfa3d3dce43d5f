//! The Russian birth certificate: series like "IV-ЛО" (a Roman numeral, a hyphen, two Russian capitals) and a
//! six-digit number.

use super::{FieldError, FieldFormat, is_digits, required, without_whitespace};

/// The longest Roman numeral the series can hold: CCCLXXXVIII (388) is 11 letters. Anything longer is refused
/// before it is summed, so no input can overflow the sum.
const ROMAN_MAX_LEN: usize = 11;

/// Validates the series and returns it as `ROMAN-ЛЛ` in capitals.
///
/// People type it on a Russian keyboard and switch layouts halfway, so we forgive what cannot be told apart on
/// paper: lower case; Cyrillic Х, С (and Ukrainian І) in the Roman part; Latin A, B, C, E, H, K, M, O, P, T, X, Y in
/// the letter part; any dash or a space instead of the hyphen. The Roman numeral must be written the standard way
/// (IV, not IIII; X, not VV) because the registry compares series as text.
pub fn birth_certificate_series(input: &str) -> Result<String, FieldError> {
    let invalid = FieldError::InvalidFormat(FieldFormat::BirthCertificateSeries);
    let typed = required(input)?;
    let (roman_part, letters_part) =
        typed.split_once(is_dash).or_else(|| typed.split_once(char::is_whitespace)).ok_or(invalid)?;
    let roman: String = roman_part.trim().chars().map(roman_look_alike).collect::<Option<_>>().ok_or(invalid)?;
    let letters: String = letters_part.trim().chars().map(russian_capital).collect::<Option<_>>().ok_or(invalid)?;
    if roman_value(&roman).is_none() || letters.chars().count() != 2 {
        return Err(invalid);
    }
    Ok(format!("{roman}-{letters}"))
}

/// Six digits; spaces typed between groups are dropped.
pub fn birth_certificate_number(input: &str) -> Result<String, FieldError> {
    let digits = without_whitespace(required(input)?);
    if is_digits(&digits, 6) { Ok(digits) } else { Err(FieldError::InvalidFormat(FieldFormat::BirthCertificateNumber)) }
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}')
}

/// The Latin Roman digit a typed letter stands for, if any.
fn roman_look_alike(c: char) -> Option<char> {
    match c {
        'I' | 'i' | 'І' | 'і' => Some('I'),
        'V' | 'v' => Some('V'),
        'X' | 'x' | 'Х' | 'х' => Some('X'),
        'L' | 'l' => Some('L'),
        'C' | 'c' | 'С' | 'с' => Some('C'),
        _ => None,
    }
}

/// The Russian capital a typed letter stands for: Russian letters in either case, and the Latin letters that look
/// the same in print.
fn russian_capital(c: char) -> Option<char> {
    let latin_twin = match c.to_ascii_uppercase() {
        'A' => Some('А'),
        'B' => Some('В'),
        'C' => Some('С'),
        'E' => Some('Е'),
        'H' => Some('Н'),
        'K' => Some('К'),
        'M' => Some('М'),
        'O' => Some('О'),
        'P' => Some('Р'),
        'T' => Some('Т'),
        'X' => Some('Х'),
        'Y' => Some('У'),
        _ => None,
    };
    match c {
        'А'..='Я' | 'Ё' => Some(c),
        'а'..='я' => char::from_u32(c as u32 - ('а' as u32 - 'А' as u32)),
        'ё' => Some('Ё'),
        _ => latin_twin,
    }
}

/// The value of a Roman numeral of I, V, X, L, C written the standard way, or `None`.
fn roman_value(roman: &str) -> Option<u32> {
    if roman.is_empty() || roman.len() > ROMAN_MAX_LEN {
        return None;
    }
    let digit = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        _ => None,
    };
    let values: Vec<u32> = roman.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &value) in values.iter().enumerate() {
        if values.get(i + 1).is_some_and(|&next| next > value) {
            total -= value as i64;
        } else {
            total += value as i64;
        }
    }
    // Summing accepts "IIII", "VV" and "IC"; only the standard spelling of the sum round-trips.
    let total = u32::try_from(total).ok()?;
    (to_roman(total)? == roman).then_some(total)
}

/// The standard spelling of 1..=399 with I, V, X, L, C (400 would need D).
fn to_roman(mut value: u32) -> Option<String> {
    if !(1..=399).contains(&value) {
        return None;
    }
    const STEPS: [(u32, &str); 9] =
        [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
    let mut roman = String::new();
    for (step, letters) in STEPS {
        while value >= step {
            roman.push_str(letters);
            value -= step;
        }
    }
    Some(roman)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVALID: Result<String, FieldError> = Err(FieldError::InvalidFormat(FieldFormat::BirthCertificateSeries));

    #[test]
    fn accepts_standard_series() {
        assert_eq!(birth_certificate_series("IV-ЛО"), Ok("IV-ЛО".to_owned()));
        assert_eq!(birth_certificate_series(" I-ЖТ "), Ok("I-ЖТ".to_owned()));
        assert_eq!(birth_certificate_series("XCIX-ЁЯ"), Ok("XCIX-ЁЯ".to_owned()));
        assert_eq!(birth_certificate_series("CCCXCIX-АА"), Ok("CCCXCIX-АА".to_owned()));
        assert_eq!(birth_certificate_series("LXXII-ПВ"), Ok("LXXII-ПВ".to_owned()));
    }

    #[test]
    fn forgives_case_layout_and_dashes() {
        let expected = Ok("XIV-СН".to_owned());
        assert_eq!(birth_certificate_series("xiv-сн"), expected);
        assert_eq!(birth_certificate_series("ХIV-СН"), expected, "Cyrillic Х in the Roman part");
        assert_eq!(birth_certificate_series("хiv-CH"), expected, "Latin C and H in the letter part");
        assert_eq!(birth_certificate_series("XIV – СН"), expected, "an en dash with spaces");
        assert_eq!(birth_certificate_series("XIV СН"), expected, "a space for the hyphen");
        assert_eq!(birth_certificate_series("ІІ-ЕК"), Ok("II-ЕК".to_owned()), "Ukrainian І");
        assert_eq!(birth_certificate_series("cx-ab"), Ok("CX-АВ".to_owned()));
    }

    #[test]
    fn rejects_non_standard_roman_numerals() {
        for series in ["IIII-ЛО", "VV-ЛО", "IC-ЛО", "IL-ЛО", "XXXX-ЛО", "VX-ЛО", "IIV-ЛО", "CCCC-ЛО", "LL-ЛО"]
        {
            assert_eq!(birth_certificate_series(series), INVALID, "{series}");
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for series in [
            "IVЛО",
            "IV-Л",
            "IV-ЛОЛ",
            "IV-",
            "-ЛО",
            "IV-Л1",
            "IV-ЛΟ",
            "4-ЛО",
            "IM-ЛО",
            "D-ЛО",
            "IV-ЛО-ЛО",
            "IV--ЛО",
            "I V-ЛО",
        ] {
            assert_eq!(birth_certificate_series(series), INVALID, "{series}");
        }
        assert_eq!(birth_certificate_series("  "), Err(FieldError::Required));
    }

    #[test]
    fn roman_numerals_round_trip_for_every_value() {
        for value in 1..=399 {
            let roman = to_roman(value).unwrap();
            assert!(roman.len() <= ROMAN_MAX_LEN, "{roman}");
            assert_eq!(roman_value(&roman), Some(value), "{roman}");
        }
        assert_eq!(to_roman(0), None);
        assert_eq!(to_roman(400), None);
        assert_eq!(roman_value("CCCLXXXVIII"), Some(388));
        assert_eq!(roman_value("CCCLXXXVIIII"), None);
    }

    #[test]
    fn number_is_six_digits() {
        assert_eq!(birth_certificate_number("654321"), Ok("654321".to_owned()));
        assert_eq!(birth_certificate_number(" 654 321 "), Ok("654321".to_owned()));
        assert_eq!(birth_certificate_number(""), Err(FieldError::Required));
        let invalid = Err(FieldError::InvalidFormat(FieldFormat::BirthCertificateNumber));
        assert_eq!(birth_certificate_number("65432"), invalid);
        assert_eq!(birth_certificate_number("6543210"), invalid);
        assert_eq!(birth_certificate_number("65432I"), invalid);
    }
}
