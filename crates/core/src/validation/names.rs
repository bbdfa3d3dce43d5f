//! People's names and free text (addresses, who issued a document).

use super::{FieldError, FieldFormat, optional, required};

/// Longest last, first or middle name accepted, in characters (the API's limit).
pub const NAME_MAX_CHARS: usize = 100;
/// Longest free text accepted, in characters (the API's limit).
pub const TEXT_MAX_CHARS: usize = 300;

/// A last, first or middle name as written in Russian documents: Russian letters (Ё included), hyphens (double
/// surnames), spaces (patronymics with "оглы") and apostrophes (both ' and ’, as phones type either). Runs of
/// spaces become one.
/// Only the Russian alphabet is allowed, not all of Cyrillic: Russian documents spell names in it, and it keeps out
/// look-alikes such as Ukrainian і that would make two spellings of one name.
pub fn person_name(input: &str) -> Result<String, FieldError> {
    let name = required(input)?.split_whitespace().collect::<Vec<_>>().join(" ");
    let allowed = |c: char| is_russian_letter(c) || matches!(c, '-' | ' ' | '\'' | '’');
    if !name.chars().all(allowed) || !name.chars().any(is_russian_letter) {
        return Err(FieldError::NotCyrillic);
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(FieldError::TooLong { max: NAME_MAX_CHARS });
    }
    Ok(name)
}

/// A name that may be left empty, such as the patronymic: `Ok(None)` when nothing was typed.
pub fn optional_person_name(input: &str) -> Result<Option<String>, FieldError> {
    optional(input, person_name)
}

/// Required free text of at most [`TEXT_MAX_CHARS`] characters, trimmed and otherwise kept as typed.
pub fn text(input: &str) -> Result<String, FieldError> {
    text_with_limit(input, TEXT_MAX_CHARS)
}

/// Required free text of at most `max` characters on one line: line breaks and other control characters would
/// break the printed forms.
pub fn text_with_limit(input: &str, max: usize) -> Result<String, FieldError> {
    let text = required(input)?;
    if text.chars().any(char::is_control) {
        return Err(FieldError::InvalidFormat(FieldFormat::SingleLineText));
    }
    if text.chars().count() > max {
        return Err(FieldError::TooLong { max });
    }
    Ok(text.to_owned())
}

fn is_russian_letter(c: char) -> bool {
    matches!(c, 'А'..='я' | 'Ё' | 'ё')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_russian_names_with_hyphens_spaces_and_apostrophes() {
        assert_eq!(person_name("Ёлкина"), Ok("Ёлкина".to_owned()));
        assert_eq!(person_name("  Сидорова-Ключевская "), Ok("Сидорова-Ключевская".to_owned()));
        assert_eq!(person_name("Д'Артаньянова"), Ok("Д'Артаньянова".to_owned()));
        assert_eq!(person_name("Д’Артаньянова"), Ok("Д’Артаньянова".to_owned()));
        assert_eq!(person_name("Мамед   \t Оглы"), Ok("Мамед Оглы".to_owned()));
        assert_eq!(person_name("артём"), Ok("артём".to_owned()), "case is kept as typed");
    }

    #[test]
    fn rejects_latin_digits_and_signs() {
        for name in ["Ivanova", "Иванова1", "Ивaнова", "Иванова.", "Iванова", "---", "' -'", "Іван"]
        {
            assert_eq!(person_name(name), Err(FieldError::NotCyrillic), "{name}");
        }
        assert_eq!(person_name(" \t "), Err(FieldError::Required));
    }

    #[test]
    fn names_are_at_most_100_characters() {
        let longest = "Я".repeat(NAME_MAX_CHARS);
        assert_eq!(person_name(&longest), Ok(longest.clone()));
        assert_eq!(person_name(&format!("{longest}я")), Err(FieldError::TooLong { max: 100 }));
        let spaced = format!("{}     {}", "Я".repeat(49), "Я".repeat(50));
        assert_eq!(person_name(&spaced).map(|n| n.chars().count()), Ok(100), "limit counts after collapsing");
    }

    #[test]
    fn patronymic_may_be_left_empty() {
        assert_eq!(optional_person_name(""), Ok(None));
        assert_eq!(optional_person_name("   "), Ok(None));
        assert_eq!(optional_person_name(" Сергеевна "), Ok(Some("Сергеевна".to_owned())));
        assert_eq!(optional_person_name("Sergeevna"), Err(FieldError::NotCyrillic));
    }

    #[test]
    fn text_is_required_trimmed_and_limited() {
        assert_eq!(text("  г. Примерный, ул. Выдуманная, д. 1  "), Ok("г. Примерный, ул. Выдуманная, д. 1".to_owned()));
        assert_eq!(text("ул.  Новая"), Ok("ул.  Новая".to_owned()), "inner spaces are kept as typed");
        assert_eq!(text(""), Err(FieldError::Required));
        let longest = "а".repeat(TEXT_MAX_CHARS);
        assert_eq!(text(&longest), Ok(longest.clone()));
        assert_eq!(text(&format!("{longest}б")), Err(FieldError::TooLong { max: 300 }));
        assert_eq!(text("ул. Новая\nд. 1"), Err(FieldError::InvalidFormat(FieldFormat::SingleLineText)));
        assert_eq!(text_with_limit("абв", 2), Err(FieldError::TooLong { max: 2 }));
    }
}
