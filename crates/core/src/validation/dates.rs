//! Dates typed by people and the rules between them. "Today" is always a parameter: the kiosk passes the region's
//! date now, the registry the region's date when an offline application was captured.

use chrono::NaiveDate;

use super::{FieldError, FieldFormat, required};

/// Reads a date written the Russian way ("05.09.2015", "5.9.2015") or as in the API ("2015-09-05"). The year must
/// have four digits: "05.09.15" would otherwise mean the year 15.
pub fn parse_date(input: &str) -> Result<NaiveDate, FieldError> {
    let invalid = FieldError::InvalidFormat(FieldFormat::Date);
    let typed = required(input)?;
    let (year, month, day) = if let Some([day, month, year]) = split3(typed, '.') {
        (year, month, day)
    } else if let Some([year, month, day]) = split3(typed, '-') {
        (year, month, day)
    } else {
        return Err(invalid);
    };
    let number = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4..=4), number(month, 1..=2), number(day, 1..=2)) else {
        return Err(invalid);
    };
    let year = i32::try_from(year).map_err(|_| invalid)?;
    // Written the right way but not a day of the calendar (31.02, 00.05, 15.13): say so, not "write it like this".
    NaiveDate::from_ymd_opt(year, month, day).ok_or(FieldError::DateDoesNotExist)
}

/// A birth date: not after today.
pub fn birth_date(birth: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if birth > today { Err(FieldError::DateInFuture) } else { Ok(birth) }
}

/// A document's date of issue: not after today, and not before the holder was born.
pub fn issued_on(issued: NaiveDate, birth: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if issued > today {
        Err(FieldError::DateInFuture)
    } else if issued < birth {
        Err(FieldError::DateBeforeBirth)
    } else {
        Ok(issued)
    }
}

/// The three parts of `text` split at `separator`, if there are exactly three.
fn split3(text: &str, separator: char) -> Option<[&str; 3]> {
    let mut parts = text.split(separator);
    let three = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(three)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_russian_and_iso_dates() {
        assert_eq!(parse_date("05.09.2015"), Ok(date(2015, 9, 5)));
        assert_eq!(parse_date(" 5.9.2015 "), Ok(date(2015, 9, 5)));
        assert_eq!(parse_date("2015-09-05"), Ok(date(2015, 9, 5)));
        assert_eq!(parse_date("29.02.2016"), Ok(date(2016, 2, 29)));
    }

    #[test]
    fn a_well_written_day_that_does_not_exist_is_told_apart_from_a_badly_written_one() {
        for typed in ["29.02.2015", "31.02.2015", "31.04.2016", "00.01.2016", "01.13.2016", "2015-02-30"] {
            assert_eq!(parse_date(typed), Err(FieldError::DateDoesNotExist), "{typed}");
        }
        let message = FieldError::DateDoesNotExist.message(crate::domain::Lang::Ru);
        assert!(message.contains("Такого дня нет"), "{message}");
    }

    #[test]
    fn refuses_ambiguous_dates() {
        let invalid = Err(FieldError::InvalidFormat(FieldFormat::Date));
        for typed in [
            "05.09.15",
            "05/09/2015",
            "2015.09.05",
            "5 сентября 2015",
            "05.09.2015.",
            "+5.09.2015",
            "05.09.+201",
            "2015-9-5-1",
            "１5.09.2015",
        ] {
            assert_eq!(parse_date(typed), invalid, "{typed}");
        }
        assert_eq!(parse_date(""), Err(FieldError::Required));
    }

    #[test]
    fn birth_date_is_not_in_the_future() {
        let today = date(2025, 6, 1);
        assert_eq!(birth_date(today, today), Ok(today));
        assert_eq!(birth_date(date(2025, 6, 2), today), Err(FieldError::DateInFuture));
    }

    #[test]
    fn issue_date_lies_between_birth_and_today() {
        let birth = date(2016, 3, 10);
        let today = date(2025, 6, 1);
        assert_eq!(issued_on(birth, birth, today), Ok(birth), "issued on the day of birth");
        assert_eq!(issued_on(today, birth, today), Ok(today), "issued today");
        assert_eq!(issued_on(date(2016, 3, 9), birth, today), Err(FieldError::DateBeforeBirth));
        assert_eq!(issued_on(date(2025, 6, 2), birth, today), Err(FieldError::DateInFuture));
    }
}
