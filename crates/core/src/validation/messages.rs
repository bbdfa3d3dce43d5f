//! What a parent reads next to a refused field. Each sentence says what is expected, in everyday words, with an
//! invented example where a format is involved; it never repeats what was typed.

use super::{FieldError, FieldErrors, FieldFormat};
use crate::api::FieldErrorBody;
use crate::domain::{DocumentKind, Lang};
use std::collections::BTreeMap;

/// Every refused field as the API words it (`422 validation`): its code and the sentence in `lang`, by path. The
/// registry answers with it; the kiosk's offline way refuses with the same.
pub fn field_bodies(errors: &FieldErrors, lang: Lang) -> BTreeMap<String, FieldErrorBody> {
    errors
        .iter()
        .map(|(path, e)| (path.clone(), FieldErrorBody { code: e.code().into(), message: e.message(lang) }))
        .collect()
}

impl FieldError {
    /// A short, friendly sentence in `lang` telling what to type instead.
    pub fn message(&self, lang: Lang) -> String {
        use FieldError::*;
        let sentence = match (self, lang) {
            (TooLong { max }, Lang::Ru) => {
                return format!("Слишком длинно: здесь помещается не больше {max} знаков. Сократите, пожалуйста.");
            }
            (TooLong { max }, Lang::En) => {
                return format!("This is too long: at most {max} characters fit here. Please shorten it.");
            }
            (InvalidFormat(format), _) => format_message(*format, lang),
            (DocumentNotAllowedForAge { expected }, _) => document_message(*expected, lang),
            (Required, Lang::Ru) => "Это поле нужно заполнить.",
            (Required, Lang::En) => "Please fill in this field.",
            (InvalidChecksum, Lang::Ru) => {
                "В номере СНИЛС, похоже, ошибка в какой-то цифре. Сверьте все 11 цифр с документом СНИЛС."
            }
            (InvalidChecksum, Lang::En) => {
                "This SNILS number seems to have a wrong digit. Please check all 11 digits against the SNILS document."
            }
            (NotCyrillic, Lang::Ru) => {
                "Пишите русскими буквами, как в документе. Кроме букв можно только дефис, пробел и апостроф."
            }
            (NotCyrillic, Lang::En) => {
                "Please use Russian letters, as in the document. Besides letters, only a hyphen, a space and an \
             apostrophe are allowed."
            }
            (TooYoung, Lang::Ru) => {
                "Сертификат дают детям с 5 лет, а ребёнку 5 лет ещё не исполнилось. Подайте заявку после дня рождения."
            }
            (TooYoung, Lang::En) => {
                "The certificate is for children aged 5 and over, and the child is not 5 yet. Please apply after the \
             birthday."
            }
            (TooOld, Lang::Ru) => "Сертификат дают только до 18 лет, а ребёнку уже исполнилось 18.",
            (TooOld, Lang::En) => "The certificate is only for children under 18, and the child has already turned 18.",
            (DateDoesNotExist, Lang::Ru) => "Такого дня нет в календаре. Проверьте число и месяц.",
            (DateDoesNotExist, Lang::En) => "There is no such day in the calendar. Please check the day and month.",
            (DateInFuture, Lang::Ru) => "Этот день ещё не наступил. Проверьте число, месяц и год.",
            (DateInFuture, Lang::En) => "This day has not come yet. Please check the day, month and year.",
            (DateBeforeBirth, Lang::Ru) => {
                "Документ не могли выдать раньше, чем родился ребёнок. Проверьте дату выдачи и дату рождения."
            }
            (DateBeforeBirth, Lang::En) => {
                "The document cannot have been issued before the child was born. Please check the date of issue and \
             the date of birth."
            }
            (InvalidEmail, Lang::Ru) => {
                "Адрес почты пишется без пробелов, с одним знаком @ и точкой после него, например primer@mail.ru."
            }
            (InvalidEmail, Lang::En) => {
                "An e-mail address has no spaces, one @ sign and a dot after it, for example name@example.ru."
            }
        };
        sentence.to_owned()
    }
}

fn format_message(format: FieldFormat, lang: Lang) -> &'static str {
    use FieldFormat::*;
    match (format, lang) {
        (Snils, Lang::Ru) => {
            "Номер СНИЛС — это 11 цифр. Перепишите их из документа СНИЛС; чёрточки и пробелы можно не ставить."
        }
        (Snils, Lang::En) => {
            "A SNILS number has 11 digits. Copy them from the SNILS document; hyphens and spaces are optional."
        }
        (PassportSeries, Lang::Ru) => "Серия паспорта — 4 цифры, они напечатаны перед номером. Например: 32 10.",
        (PassportSeries, Lang::En) => "The passport series is 4 digits printed before the number, for example 32 10.",
        (PassportNumber, Lang::Ru) => "Номер паспорта — 6 цифр, например 123456.",
        (PassportNumber, Lang::En) => "The passport number is 6 digits, for example 123456.",
        (DivisionCode, Lang::Ru) => {
            "Код подразделения — 6 цифр, например 420-001. Он напечатан в паспорте рядом с датой выдачи."
        }
        (DivisionCode, Lang::En) => {
            "The division code is 6 digits, for example 420-001. It is printed in the passport next to the date \
             of issue."
        }
        (BirthCertificateSeries, Lang::Ru) => {
            "Серия свидетельства о рождении: римское число латинскими буквами (I, V, X, L, C), чёрточка и две \
             русские буквы. Например: IV-ЛО."
        }
        (BirthCertificateSeries, Lang::En) => {
            "The birth certificate series is a Roman numeral in Latin letters (I, V, X, L, C), a hyphen and two \
             Russian letters, for example IV-ЛО."
        }
        (BirthCertificateNumber, Lang::Ru) => "Номер свидетельства о рождении — 6 цифр, например 123456.",
        (BirthCertificateNumber, Lang::En) => "The birth certificate number is 6 digits, for example 123456.",
        (Phone, Lang::Ru) => {
            "Номер телефона — 11 цифр, начиная с +7 или 8. Например: +7 900 123-45-67 или 8 900 123-45-67."
        }
        (Phone, Lang::En) => {
            "A phone number has 11 digits and starts with +7 or 8, for example +7 900 123-45-67 or \
             8 900 123-45-67."
        }
        (Date, Lang::Ru) => "Напишите дату так: число, месяц и год через точку. Например: 05.09.2015.",
        (Date, Lang::En) => "Please write the date as day, month and year with dots, for example 05.09.2015.",
        (SingleLineText, Lang::Ru) => "Напишите это в одну строку, без переносов и других служебных знаков.",
        (SingleLineText, Lang::En) => "Please write this on one line, without line breaks or other special characters.",
    }
}

fn document_message(expected: DocumentKind, lang: Lang) -> &'static str {
    match (expected, lang) {
        (DocumentKind::BirthCertificate, Lang::Ru) => {
            "Ребёнку ещё нет 14 лет, поэтому нужно его свидетельство о рождении, а не паспорт."
        }
        (DocumentKind::BirthCertificate, Lang::En) => {
            "The child is under 14, so the child's birth certificate is needed, not a passport."
        }
        (DocumentKind::Passport, Lang::Ru) => {
            "Ребёнку уже 14 лет или больше, поэтому нужен его паспорт. Свидетельство о рождении принимают только \
             в первые 90 дней после 14-летия."
        }
        (DocumentKind::Passport, Lang::En) => {
            "The child is 14 or older, so the child's passport is needed. A birth certificate is accepted only \
             during the first 90 days after the 14th birthday."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::tests::every_error;
    use super::*;

    #[test]
    fn every_error_has_a_russian_and_an_english_sentence() {
        for error in every_error() {
            let ru = error.message(Lang::Ru);
            let en = error.message(Lang::En);
            assert!(ru.chars().any(|c| ('а'..='я').contains(&c)), "{error:?}: {ru}");
            assert!(!en.chars().any(|c| ('а'..='я').contains(&c)), "{error:?}: {en}");
            assert!(ru.ends_with('.') && en.ends_with('.'), "{error:?}");
            assert_ne!(ru, en);
        }
    }

    #[test]
    fn messages_of_different_errors_differ() {
        let all = every_error();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.message(Lang::Ru), b.message(Lang::Ru), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn too_long_says_the_limit() {
        assert!(FieldError::TooLong { max: 300 }.message(Lang::Ru).contains("300"));
        assert!(FieldError::TooLong { max: 100 }.message(Lang::En).contains("100"));
    }

    #[test]
    fn format_messages_show_an_example() {
        let series = FieldError::InvalidFormat(FieldFormat::BirthCertificateSeries);
        assert!(series.message(Lang::Ru).contains("IV-ЛО"));
        assert!(series.message(Lang::En).contains("IV-ЛО"));
        let phone = FieldError::InvalidFormat(FieldFormat::Phone);
        assert!(phone.message(Lang::Ru).contains("+7"));
    }

    #[test]
    fn document_message_names_the_expected_document() {
        let need_passport = FieldError::DocumentNotAllowedForAge { expected: DocumentKind::Passport };
        assert!(need_passport.message(Lang::Ru).contains("паспорт"));
        let need_certificate = FieldError::DocumentNotAllowedForAge { expected: DocumentKind::BirthCertificate };
        assert!(need_certificate.message(Lang::En).contains("birth certificate"));
    }
}
