//! A second look at an e-mail address before it is sent: a mistyped mail domain (gmail.ru, mail.ry, yandx.ru) means
//! the confirmation letter never arrives, and a parent at a kiosk may not notice until much later. The kiosk offers
//! the likely intended address; the person decides.

/// Domains that are right as they are: never "corrected", even when close to another one (mail.ru and gmail.com).
const KNOWN_DOMAINS: &[&str] = &[
    "mail.ru",
    "gmail.com",
    "yandex.ru",
    "ya.ru",
    "yandex.com",
    "bk.ru",
    "inbox.ru",
    "list.ru",
    "internet.ru",
    "rambler.ru",
    "icloud.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "mail.com",
];

/// Providers that live under one domain only: the name typed with another ending ("gmail.ru") means this one.
const SINGLE_HOME: &[(&str, &str)] = &[
    ("gmail", "gmail.com"),
    ("googlemail", "gmail.com"),
    ("rambler", "rambler.ru"),
    ("bk", "bk.ru"),
    ("inbox", "inbox.ru"),
    ("list", "list.ru"),
    ("icloud", "icloud.com"),
    ("outlook", "outlook.com"),
    ("hotmail", "hotmail.com"),
];

/// The address with its domain corrected, when the domain looks like a typo of a common mail domain; `None` when it
/// is a known domain or not close to any (a school's or a company's own domain is left alone).
pub fn suggest_email(address: &str) -> Option<String> {
    let (local, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.to_lowercase();
    if local.is_empty() || KNOWN_DOMAINS.contains(&domain.as_str()) {
        return None;
    }
    let name = domain.rsplit_once('.').map_or(domain.as_str(), |(name, _)| name);
    if let Some((_, home)) = SINGLE_HOME.iter().find(|(provider, _)| *provider == name) {
        return Some(format!("{local}@{home}"));
    }
    // The closest known domain within two edits; a tie means no clear intent, so nothing is suggested.
    let mut best: Option<(&str, usize)> = None;
    let mut tie = false;
    for known in KNOWN_DOMAINS {
        let distance = edit_distance(&domain, known);
        match best {
            _ if distance > 2 => {}
            Some((_, d)) if distance > d => {}
            Some((_, d)) if distance == d => tie = true,
            _ => {
                best = Some((known, distance));
                tie = false;
            }
        }
    }
    match best {
        Some((known, _)) if !tie => Some(format!("{local}@{known}")),
        _ => None,
    }
}

/// Edits (insert, delete, substitute, swap of neighbours) between two short strings: optimal string alignment.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_typos_get_the_intended_domain() {
        for (typed, meant) in [
            ("pochta.roditelya@gmail.ru", "pochta.roditelya@gmail.com"),
            ("pochta@gmial.com", "pochta@gmail.com"),
            ("pochta@gmail.co", "pochta@gmail.com"),
            ("pochta@mail.ry", "pochta@mail.ru"),
            ("pochta@yandx.ru", "pochta@yandex.ru"),
            ("pochta@yandex.ry", "pochta@yandex.ru"),
            ("pochta@rambler.com", "pochta@rambler.ru"),
            ("pochta@inbox.com", "pochta@inbox.ru"),
            ("Pochta@GMAIL.RU", "Pochta@gmail.com"),
        ] {
            assert_eq!(suggest_email(typed).as_deref(), Some(meant), "{typed}");
        }
    }

    #[test]
    fn right_and_unknown_domains_are_left_alone() {
        for typed in [
            "pochta@mail.ru",
            "pochta@gmail.com",
            "pochta@yandex.com",
            "pochta@ya.ru",
            "pochta@bk.ru",
            "uchitel@shkola-primer.ru",
            "not an address",
            "@gmail.ru",
        ] {
            assert_eq!(suggest_email(typed), None, "{typed}");
        }
    }

    #[test]
    fn the_distance_counts_a_swap_as_one_edit() {
        assert_eq!(edit_distance("gmial", "gmail"), 1);
        assert_eq!(edit_distance("mail.ru", "gmail.com"), 4);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
