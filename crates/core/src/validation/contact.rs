//! How the registry reaches the applicant: e-mail (the confirmation link) and phone (printed on the application).

use super::{FieldError, FieldFormat, required};

/// The longest address SMTP can deliver to.
const EMAIL_MAX_CHARS: usize = 254;

/// A pragmatic e-mail check that catches kiosk typos (a space, a comma for a dot, a missing @ or dot) without
/// refusing unusual but real addresses; the confirmation e-mail is the real test. The domain is lower-cased because
/// mail servers ignore its case; the part before @ is kept as typed because, in principle, it may be case-sensitive.
pub fn email(input: &str) -> Result<String, FieldError> {
    let typed = required(input)?;
    if typed.chars().count() > EMAIL_MAX_CHARS {
        return Err(FieldError::TooLong { max: EMAIL_MAX_CHARS });
    }
    let (local, domain) = typed.split_once('@').ok_or(FieldError::InvalidEmail)?;
    let local_ok = !local.is_empty()
        && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"@,;:<>()[]\\\"".contains(c));
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|top| top.chars().count() >= 2);
    if local_ok && domain_ok { Ok(format!("{local}@{domain}")) } else { Err(FieldError::InvalidEmail) }
}

/// A Russian phone number typed any usual way ("+7 (900) 123-45-67", "8 900 123 45 67", "89001234567"), returned as
/// "+79001234567". Ten digits without the leading 8 or +7 are refused: a leading 8 with a digit missing would read
/// as a different, valid-looking number.
pub fn phone(input: &str) -> Result<String, FieldError> {
    let invalid = FieldError::InvalidFormat(FieldFormat::Phone);
    let typed = required(input)?;
    let (plus, rest) = match typed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, typed),
    };
    let digits: String = rest.chars().filter(|&c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')'))).collect();
    if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid);
    }
    let national = match (plus, &digits[..1]) {
        (true, "7") | (false, "7" | "8") => &digits[1..],
        _ => return Err(invalid),
    };
    Ok(format!("+7{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_the_domain() {
        assert_eq!(email("primer@mail.ru"), Ok("primer@mail.ru".to_owned()));
        assert_eq!(email("  Mama.Primer+kiosk@Example.RU "), Ok("Mama.Primer+kiosk@example.ru".to_owned()));
        assert_eq!(email("roditel@ПРИМЕР.РФ"), Ok("roditel@пример.рф".to_owned()));
        assert_eq!(email("a@b-c.example.org"), Ok("a@b-c.example.org".to_owned()));
    }

    #[test]
    fn rejects_typical_typos() {
        for address in [
            "primer.mail.ru",
            "primer@mail",
            "primer@mail,ru",
            "primer@@mail.ru",
            "pri mer@mail.ru",
            "primer@mail.ru.",
            "primer@.mail.ru",
            "primer@mail..ru",
            "@mail.ru",
            "primer@",
            "primer@mail.r",
            "primer,2@mail.ru",
        ] {
            assert_eq!(email(address), Err(FieldError::InvalidEmail), "{address}");
        }
        assert_eq!(email(""), Err(FieldError::Required));
    }

    #[test]
    fn addresses_are_at_most_254_characters() {
        let longest = format!("{}@example.ru", "a".repeat(254 - "@example.ru".len()));
        assert_eq!(email(&longest), Ok(longest.clone()));
        assert_eq!(email(&format!("a{longest}")), Err(FieldError::TooLong { max: 254 }));
    }

    #[test]
    fn accepts_usual_ways_of_writing_a_phone() {
        let expected = Ok("+79001234567".to_owned());
        for typed in [
            "+7 (900) 123-45-67",
            "8 900 123 45 67",
            "89001234567",
            "+79001234567",
            "7 900 123-45-67",
            " 8(900)1234567 ",
        ] {
            assert_eq!(phone(typed), expected, "{typed}");
        }
        assert_eq!(phone("8 (3842) 00-00-00"), Ok("+73842000000".to_owned()), "a landline with a city code");
    }

    #[test]
    fn rejects_phones_of_the_wrong_length_or_prefix() {
        let invalid = Err(FieldError::InvalidFormat(FieldFormat::Phone));
        for typed in [
            "9001234567",
            "8 900 123 45 6",
            "8 900 123 45 678",
            "+8 900 123 45 67",
            "+1 900 123 45 67",
            "6 900 123 45 67",
            "+7 900 123 45 6x",
            "7+9001234567",
            "++79001234567",
            "+",
        ] {
            assert_eq!(phone(typed), invalid, "{typed}");
        }
        assert_eq!(phone(" "), Err(FieldError::Required));
    }
}
