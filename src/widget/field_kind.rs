//! What a field takes, so the on-screen keyboard offers the keys for it and saves taps: a digit pad that puts the
//! dots of a date and the dashes of a SNILS in by itself, a picker for the birth-certificate series, capitals at the
//! start of a name. Only the on-screen keys are helped; what a physical keyboard types is left as typed, and the
//! shared validation rules judge both.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Russian words that each start with a capital (surnames, names, patronymics).
    Name,
    /// Russian text: addresses, who issued a document.
    Text,
    /// Latin letters: logins, passwords, e-mail addresses, resume codes.
    Latin,
    /// Digits only, laid into a mask where `#` is a digit and anything else a separator the pad puts in.
    Digits(&'static str),
    /// A birth-certificate series: a Roman numeral (I, V, X, L, C), the hyphen, two Russian letters ("IV-ЛО").
    Series,
}

pub const DATE: FieldKind = FieldKind::Digits("##.##.####");
pub const SNILS: FieldKind = FieldKind::Digits("###-###-### ##");
pub const PASSPORT_SERIES: FieldKind = FieldKind::Digits("## ##");
pub const SIX_DIGITS: FieldKind = FieldKind::Digits("######");
pub const DIVISION_CODE: FieldKind = FieldKind::Digits("###-###");
pub const PHONE: FieldKind = FieldKind::Digits("# ### ###-##-##");

/// The Roman digits a series can hold, in the order of their value.
pub const ROMAN: [char; 5] = ['I', 'V', 'X', 'L', 'C'];

impl FieldKind {
    /// `value` with `typed` (one character from an on-screen key) added the way this field wants it.
    pub fn append(self, value: &str, typed: char) -> String {
        match self {
            FieldKind::Digits(mask) if typed.is_ascii_digit() && fits_mask(mask, value) => {
                let mut digits: String = value.chars().filter(char::is_ascii_digit).collect();
                if digits.len() < slots(mask) {
                    digits.push(typed);
                }
                lay_into(mask, &digits)
            }
            FieldKind::Series => {
                let typed = typed.to_uppercase().collect::<String>();
                let letter = typed.chars().all(|c| !ROMAN.contains(&c) && c.is_alphabetic());
                if letter && !value.is_empty() && !value.contains('-') {
                    format!("{value}-{typed}")
                } else {
                    format!("{value}{typed}")
                }
            }
            _ => format!("{value}{typed}"),
        }
    }

    /// `value` less its last character; in a mask the separator before the digit goes with it.
    pub fn erase(self, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        match self {
            FieldKind::Digits(mask) if fits_mask(mask, value) => {
                let mut digits: String = value.chars().filter(char::is_ascii_digit).collect();
                digits.pop();
                Some(lay_into(mask, &digits))
            }
            FieldKind::Series if value.ends_with('-') || value.chars().rev().nth(1) == Some('-') => {
                // "IV-Л" loses "Л" and the hyphen the picker put in with it.
                let mut chars = value.chars();
                chars.next_back();
                Some(chars.as_str().trim_end_matches('-').to_string())
            }
            _ => {
                let mut chars = value.chars();
                chars.next_back();
                Some(chars.as_str().to_string())
            }
        }
    }

    /// Whether the next letter typed on the screen keyboard is a capital by itself.
    pub fn capital_next(self, value: &str) -> bool {
        match self {
            FieldKind::Name => value.is_empty() || value.ends_with([' ', '-']),
            FieldKind::Series => true,
            _ => false,
        }
    }
}

fn slots(mask: &str) -> usize {
    mask.chars().filter(|&c| c == '#').count()
}

/// Whether `value` is what the pad would have made of its digits, so laying them out again changes nothing the
/// person typed some other way (a date typed "5.9.2015" on a physical keyboard is left alone).
fn fits_mask(mask: &str, value: &str) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    digits.len() <= slots(mask) && lay_into(mask, &digits) == value
}

/// The digits laid into the mask; a separator is written only once a digit follows it.
fn lay_into(mask: &str, digits: &str) -> String {
    let mut out = String::new();
    let mut digits = digits.chars().peekable();
    let mut pending = String::new();
    for slot in mask.chars() {
        if digits.peek().is_none() {
            break;
        }
        if slot == '#' {
            out.push_str(&pending);
            pending.clear();
            out.extend(digits.next());
        } else {
            pending.push(slot);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(kind: FieldKind, keys: &str) -> String {
        keys.chars().fold(String::new(), |value, key| kind.append(&value, key))
    }

    #[test]
    fn the_pad_puts_in_the_dots_of_a_date_and_stops_at_its_end() {
        assert_eq!(typed(DATE, "0504"), "05.04");
        assert_eq!(typed(DATE, "05042016"), "05.04.2016");
        assert_eq!(typed(DATE, "0504201699"), "05.04.2016", "nothing past the year");
    }

    #[test]
    fn snils_division_code_phone_and_passport_series_get_their_separators() {
        assert_eq!(typed(SNILS, "11223344595"), "112-233-445 95");
        assert_eq!(typed(DIVISION_CODE, "420007"), "420-007");
        assert_eq!(typed(PHONE, "89007654321"), "8 900 765-43-21");
        assert_eq!(typed(PASSPORT_SERIES, "3212"), "32 12");
    }

    #[test]
    fn erasing_takes_the_digit_and_the_separator_before_it() {
        assert_eq!(DATE.erase("05.04.2"), Some("05.04".into()));
        assert_eq!(DATE.erase("05.0"), Some("05".into()));
        assert_eq!(DATE.erase(""), None);
    }

    #[test]
    fn what_a_physical_keyboard_typed_another_way_is_not_rearranged() {
        assert_eq!(DATE.append("5.9.201", '5'), "5.9.2015");
        assert_eq!(DATE.erase("5.9.2015"), Some("5.9.201".into()));
    }

    #[test]
    fn the_series_picker_puts_the_hyphen_before_the_first_letter() {
        assert_eq!(typed(FieldKind::Series, "IIIЛО"), "III-ЛО");
        assert_eq!(typed(FieldKind::Series, "ivло"), "IV-ЛО");
        assert_eq!(FieldKind::Series.erase("III-Л"), Some("III".into()));
        assert_eq!(FieldKind::Series.erase("III"), Some("II".into()));
    }

    #[test]
    fn names_start_each_word_with_a_capital() {
        assert!(FieldKind::Name.capital_next(""));
        assert!(!FieldKind::Name.capital_next("Анна"));
        assert!(FieldKind::Name.capital_next("Анна-"));
        assert!(!FieldKind::Text.capital_next(""));
    }
}
