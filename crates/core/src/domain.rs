//! Facts of the domain that both the kiosk and the registry decide by: which document a child shows, who may apply,
//! which day "today" is in Kuzbass, and which language a message is written in.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::FieldError;

/// The Latin capital a Cyrillic capital looks like (А В С Е Н К М Р Т Х У), so a code printed in Latin letters can
/// be typed on a Russian keyboard; every other character as it is. Codes people copy from paper or a screen (the
/// phone sign-in code, resume codes) are read through it.
pub fn latin_look_alike(c: char) -> char {
    match c {
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'К' => 'K',
        'М' => 'M',
        'Р' => 'P',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        other => other,
    }
}

/// Kuzbass lives at UTC+7 (Asia/Novokuznetsk) all year: no daylight saving since 2014, so a fixed offset is exact.
pub const REGION_UTC_OFFSET_HOURS: i32 = 7;

/// The region's offset as chrono wants it.
pub const REGION_UTC_OFFSET: FixedOffset = match FixedOffset::east_opt(REGION_UTC_OFFSET_HOURS * 3600) {
    Some(offset) => offset,
    None => panic!("the region's offset is less than a day"),
};

/// The certificate is for children from their 5th birthday…
pub const MIN_AGE: u32 = 5;
/// …until (not including) their 18th birthday.
pub const AGE_LIMIT: u32 = 18;
/// From this birthday the child's own passport is the identity document.
pub const PASSPORT_AGE: u32 = 14;
/// Days after the 14th birthday during which the birth certificate is still accepted, while the passport is made.
pub const BIRTH_CERTIFICATE_GRACE_DAYS: i64 = 90;

/// The child's identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    BirthCertificate,
    Passport,
}

impl DocumentKind {
    /// The same spelling as in JSON, for places that are not serde (logs, query strings).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BirthCertificate => "birth_certificate",
            Self::Passport => "passport",
        }
    }
}

/// Who holds an account: a parent, or a child of 14 or more applying for themself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Parent,
    Child,
}

/// Language of every message shown or returned. Russian is the default: most applicants read only Russian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// Picks the language from an HTTP `Accept-Language` header: English only when the header prefers it to
    /// Russian; anything unknown, malformed or missing means Russian. Of equal weights the one listed first wins.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let lang = if primary.eq_ignore_ascii_case("ru") {
                Lang::Ru
            } else if primary.eq_ignore_ascii_case("en") {
                Lang::En
            } else {
                continue;
            };
            let Some(weight) = quality(parts) else {
                continue;
            };
            if weight > 0.0 && best.is_none_or(|(_, best_weight)| weight > best_weight) {
                best = Some((lang, weight));
            }
        }
        best.map_or(Lang::Ru, |(lang, _)| lang)
    }
}

/// The `q=` weight of one `Accept-Language` item (1 when absent); `None` when it is malformed, so the item is
/// ignored rather than guessed at.
fn quality<'a>(params: impl Iterator<Item = &'a str>) -> Option<f32> {
    let mut weight = 1.0;
    for param in params {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("q") {
            weight = value.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q))?;
        }
    }
    Some(weight)
}

/// Today's date in the region. Ages are counted on this date, so a parent at a kiosk at 01:00 local time (18:00 UTC
/// the day before) sees the same answer as the registry.
pub fn region_today(now: DateTime<Utc>) -> NaiveDate {
    // Only the last hours of chrono's range overflow; no real clock gets there, but a validator must not panic.
    now.naive_utc().checked_add_offset(REGION_UTC_OFFSET).map_or(NaiveDate::MAX, |local| local.date())
}

/// Full years between `birth` and `on`; 0 when `on` is before `birth`.
/// Someone born on 29 February gets a year older on 1 March of a non-leap year (the project's rule, see the domain
/// brief): comparing (month, day) pairs gives exactly that, because (2, 28) is still before (2, 29).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on < birth {
        return 0;
    }
    let years = on.year() - birth.year();
    let birthday_not_yet = (on.month(), on.day()) < (birth.month(), birth.day());
    // `on >= birth`, so `years` is at least 1 whenever the birthday has not come yet this year.
    u32::try_from(years - i32::from(birthday_not_yet)).unwrap_or(0)
}

/// The date of the `years`-th birthday: 1 March for a 29 February birthday in a non-leap year. `None` only past the
/// end of chrono's calendar.
pub fn birthday(birth: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = birth.year().checked_add(i32::try_from(years).ok()?)?;
    birth.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// Documents accepted as the child's identity document on the date `on`, the usual one first.
/// The grace period counts the 14th birthday as day 0, so day 90 after it is the last day the birth certificate
/// is still accepted and day 91 is the first day it is not.
pub fn allowed_documents(birth: NaiveDate, on: NaiveDate) -> Vec<DocumentKind> {
    if age_on(birth, on) < PASSPORT_AGE {
        return vec![DocumentKind::BirthCertificate];
    }
    let in_grace = birthday(birth, PASSPORT_AGE)
        .is_some_and(|fourteenth| (on - fourteenth).num_days() <= BIRTH_CERTIFICATE_GRACE_DAYS);
    if in_grace { vec![DocumentKind::Passport, DocumentKind::BirthCertificate] } else { vec![DocumentKind::Passport] }
}

/// Whether a child born on `birth` may get a certificate on the date `on`: from the 5th birthday up to the day
/// before the 18th.
pub fn eligibility(birth: NaiveDate, on: NaiveDate) -> Result<(), FieldError> {
    if birth > on {
        return Err(FieldError::DateInFuture);
    }
    match age_on(birth, on) {
        age if age < MIN_AGE => Err(FieldError::TooYoung),
        age if age >= AGE_LIMIT => Err(FieldError::TooOld),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Days, TimeZone};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn document_kind_and_account_kind_serialise_in_snake_case() {
        assert_eq!(serde_json::to_string(&DocumentKind::BirthCertificate).unwrap(), "\"birth_certificate\"");
        assert_eq!(serde_json::to_string(&DocumentKind::Passport).unwrap(), "\"passport\"");
        assert_eq!(serde_json::to_string(&AccountKind::Parent).unwrap(), "\"parent\"");
        assert_eq!(serde_json::from_str::<AccountKind>("\"child\"").unwrap(), AccountKind::Child);
        assert_eq!(
            serde_json::from_str::<DocumentKind>("\"birth_certificate\"").unwrap(),
            DocumentKind::BirthCertificate
        );
        assert!(serde_json::from_str::<DocumentKind>("\"BirthCertificate\"").is_err());
        assert_eq!(DocumentKind::Passport.as_str(), "passport");
    }

    #[test]
    fn cyrillic_look_alikes_read_as_latin_and_nothing_else_changes() {
        let read: String = "АВСЕНКМРТХУ".chars().map(latin_look_alike).collect();
        assert_eq!(read, "ABCEHKMPTXY");
        let kept: String = "ДЖЗ7b-".chars().map(latin_look_alike).collect();
        assert_eq!(kept, "ДЖЗ7b-");
    }

    #[test]
    fn region_today_is_the_date_at_utc_plus_seven() {
        let evening_utc = Utc.with_ymd_and_hms(2025, 3, 31, 16, 59, 59).unwrap();
        assert_eq!(region_today(evening_utc), date(2025, 3, 31));
        let one_am_local = Utc.with_ymd_and_hms(2025, 3, 31, 17, 0, 0).unwrap();
        assert_eq!(region_today(one_am_local), date(2025, 4, 1));
        assert_eq!(region_today(DateTime::<Utc>::MAX_UTC), NaiveDate::MAX);
    }

    #[test]
    fn age_counts_full_years() {
        let birth = date(2015, 6, 10);
        assert_eq!(age_on(birth, date(2015, 6, 10)), 0);
        assert_eq!(age_on(birth, date(2020, 6, 9)), 4);
        assert_eq!(age_on(birth, date(2020, 6, 10)), 5);
        assert_eq!(age_on(birth, date(2021, 1, 1)), 5);
        assert_eq!(age_on(birth, date(2014, 1, 1)), 0, "before birth");
    }

    #[test]
    fn leap_day_birthday_comes_on_first_of_march_in_common_years() {
        let birth = date(2012, 2, 29);
        assert_eq!(age_on(birth, date(2013, 2, 28)), 0);
        assert_eq!(age_on(birth, date(2013, 3, 1)), 1);
        assert_eq!(age_on(birth, date(2016, 2, 28)), 3);
        assert_eq!(age_on(birth, date(2016, 2, 29)), 4, "in a leap year the birthday is on the day");
        assert_eq!(age_on(birth, date(2026, 2, 28)), 13);
        assert_eq!(age_on(birth, date(2026, 3, 1)), 14);
        assert_eq!(birthday(birth, 14), Some(date(2026, 3, 1)));
        assert_eq!(birthday(birth, 4), Some(date(2016, 2, 29)));
        assert_eq!(birthday(NaiveDate::MAX, 14), None);
    }

    #[test]
    fn eligibility_starts_on_the_fifth_birthday() {
        let birth = date(2019, 9, 1);
        assert_eq!(eligibility(birth, date(2024, 8, 31)), Err(FieldError::TooYoung));
        assert_eq!(eligibility(birth, date(2024, 9, 1)), Ok(()));
        assert_eq!(eligibility(birth, date(2024, 9, 2)), Ok(()));
    }

    #[test]
    fn eligibility_ends_on_the_eighteenth_birthday() {
        let birth = date(2007, 9, 1);
        assert_eq!(eligibility(birth, date(2025, 8, 31)), Ok(()));
        assert_eq!(eligibility(birth, date(2025, 9, 1)), Err(FieldError::TooOld));
        assert_eq!(eligibility(birth, date(2025, 9, 2)), Err(FieldError::TooOld));
    }

    #[test]
    fn eligibility_rejects_a_birth_date_in_the_future() {
        assert_eq!(eligibility(date(2030, 1, 1), date(2025, 1, 1)), Err(FieldError::DateInFuture));
    }

    #[test]
    fn eligibility_for_a_leap_day_child() {
        let birth = date(2008, 2, 29);
        assert_eq!(eligibility(birth, date(2013, 2, 28)), Err(FieldError::TooYoung));
        assert_eq!(eligibility(birth, date(2013, 3, 1)), Ok(()));
        assert_eq!(eligibility(birth, date(2026, 2, 28)), Ok(()));
        assert_eq!(eligibility(birth, date(2026, 3, 1)), Err(FieldError::TooOld));
    }

    #[test]
    fn birth_certificate_only_before_the_fourteenth_birthday() {
        let birth = date(2011, 4, 20);
        assert_eq!(allowed_documents(birth, date(2025, 4, 19)), vec![DocumentKind::BirthCertificate]);
        assert_eq!(
            allowed_documents(birth, date(2025, 4, 20)),
            vec![DocumentKind::Passport, DocumentKind::BirthCertificate]
        );
        assert_eq!(
            allowed_documents(birth, date(2025, 4, 21)),
            vec![DocumentKind::Passport, DocumentKind::BirthCertificate]
        );
    }

    #[test]
    fn birth_certificate_accepted_through_day_90_after_the_fourteenth_birthday() {
        let birth = date(2011, 4, 20);
        let fourteenth = date(2025, 4, 20);
        let day_90 = fourteenth.checked_add_days(Days::new(90)).unwrap();
        let day_91 = fourteenth.checked_add_days(Days::new(91)).unwrap();
        assert_eq!(day_90, date(2025, 7, 19));
        assert!(allowed_documents(birth, day_90).contains(&DocumentKind::BirthCertificate));
        assert_eq!(allowed_documents(birth, day_91), vec![DocumentKind::Passport]);
        assert_eq!(allowed_documents(birth, date(2028, 1, 1)), vec![DocumentKind::Passport]);
    }

    #[test]
    fn grace_period_of_a_leap_day_child_counts_from_first_of_march() {
        let birth = date(2012, 2, 29);
        assert_eq!(allowed_documents(birth, date(2026, 2, 28)), vec![DocumentKind::BirthCertificate]);
        // 1 March 2026 + 90 days = 30 May 2026.
        assert!(allowed_documents(birth, date(2026, 5, 30)).contains(&DocumentKind::BirthCertificate));
        assert_eq!(allowed_documents(birth, date(2026, 5, 31)), vec![DocumentKind::Passport]);
    }

    #[test]
    fn accept_language_defaults_to_russian() {
        assert_eq!(Lang::from_accept_language(""), Lang::Ru);
        assert_eq!(Lang::from_accept_language("de-DE, fr;q=0.8"), Lang::Ru);
        assert_eq!(Lang::from_accept_language("*"), Lang::Ru);
        assert_eq!(Lang::from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"), Lang::Ru);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Ru, "q=0 means not acceptable");
        assert_eq!(Lang::from_accept_language("en;q=banana"), Lang::Ru, "a malformed weight is ignored");
        assert_eq!(Lang::default(), Lang::Ru);
    }

    #[test]
    fn accept_language_picks_english_when_preferred() {
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,ru;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("ru;q=0.3, EN-us;q=0.7"), Lang::En);
        assert_eq!(Lang::from_accept_language("de, en;q=0.5"), Lang::En, "English is the best we have");
        assert_eq!(Lang::from_accept_language("en, ru"), Lang::En, "equal weights: first listed wins");
        assert_eq!(Lang::En.as_str(), "en");
    }
}

/// "Фамилия Имя Отчество": the parts that are there, trimmed, one space apart.
pub fn full_name(last: &str, first: &str, patronymic: Option<&str>) -> String {
    [last, first, patronymic.unwrap_or("")]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod full_name_tests {
    #[test]
    fn parts_are_joined_without_gaps_for_a_missing_patronymic() {
        assert_eq!(super::full_name("Зарубин", " Тихон ", None), "Зарубин Тихон");
        assert_eq!(super::full_name("Зарубин", "Тихон", Some("Ильич")), "Зарубин Тихон Ильич");
        assert_eq!(super::full_name("Зарубин", "Тихон", Some(" ")), "Зарубин Тихон");
    }
}
