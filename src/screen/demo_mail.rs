//! The demo has no real mail: the embedded registry writes its letters as .eml files beside its database. So that
//! the demo can be completed at the kiosk, the e-mail step shows the code from the newest letter to the address,
//! marked as a demo aid (`confirm` looks for it as it polls). Never with a real registry (`Env::demo_mail` is `None` then).

use std::path::Path;

/// The code in the newest letter to `email` in `dir`.
pub fn demo_code(dir: &Path, email: &str) -> Option<String> {
    let mut letters: Vec<_> = std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).collect();
    letters.retain(|p| p.extension().is_some_and(|x| x == "eml"));
    letters.sort();
    letters.iter().rev().find_map(|path| {
        let raw = std::fs::read(path).ok()?;
        let message = mail_parser::MessageParser::default().parse(&raw)?;
        let to = message.to()?.first()?.address()?.to_owned();
        if !to.eq_ignore_ascii_case(email) {
            return None;
        }
        let body = message.body_text(0)?;
        let after = body.split("код подтверждения:").nth(1)?;
        let code: String = after.trim_start().chars().take_while(char::is_ascii_digit).collect();
        (code.len() == 6).then_some(code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(to: &str, code: &str) -> String {
        format!(
            "To: {to}\r\nSubject: =?utf-8?b?0JfQsNGP0LLQutCw?=\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: 8bit\r\n\r\nСсылка: http://127.0.0.1/confirm/a123456b\r\n\
             Или введите на терминале код подтверждения: {code}\r\n"
        )
    }

    #[test]
    fn the_newest_letter_to_the_address_gives_the_code() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("00000001.eml"), letter("roditel.test@mail.ru", "111111")).unwrap();
        std::fs::write(dir.path().join("00000002.eml"), letter("other.test@mail.ru", "222222")).unwrap();
        std::fs::write(dir.path().join("00000003.eml"), letter("roditel.test@mail.ru", "333333")).unwrap();
        assert_eq!(demo_code(dir.path(), "roditel.test@mail.ru").as_deref(), Some("333333"));
        assert_eq!(demo_code(dir.path(), "nobody.test@mail.ru"), None);
        assert_eq!(demo_code(&dir.path().join("missing"), "roditel.test@mail.ru"), None);
    }
}
