//! What each screen says when it opens: its title, then what to do there. Named by the screen's module name, the
//! names `pdo-kiosk say --screen` takes.

use crate::i18n::I18n;

/// Every screen of the applicant's flow: module name, title message, instruction message.
pub const SCREENS: [(&str, &str, &str); 15] = [
    ("welcome", "welcome-title", "say-welcome"),
    ("sign_in", "sign-in-title", "say-sign-in"),
    ("qr_sign_in", "qr-title", "say-qr-sign-in"),
    ("cabinet", "cabinet-services", "say-cabinet"),
    ("applicant", "applicant-title", "say-applicant"),
    ("children", "children-title", "say-children"),
    ("child_form", "child-form-title", "say-child-form"),
    ("document", "document-choose-title", "say-document"),
    ("capture", "capture-title", "say-capture"),
    ("application", "application-title", "say-application"),
    ("confirm", "confirm-title", "say-confirm"),
    ("certificate", "certificate-title", "say-certificate"),
    ("issued", "result-title", "say-issued"),
    ("print", "print-title", "say-print"),
    ("resume", "resume-title", "say-resume"),
];

/// The words the screen `name` says when it opens, in the language of `i18n`; `None` for a name that is no screen.
pub fn screen_words(i18n: &I18n, name: &str) -> Option<String> {
    let (_, title, instruction) = SCREENS.iter().find(|(screen, _, _)| *screen == name)?;
    Some(format!("{}. {}", i18n.tr(title), i18n.tr(instruction)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdo_core::domain::Lang;

    #[test]
    fn every_screen_has_its_words_in_both_languages() {
        for lang in [Lang::Ru, Lang::En] {
            let i18n = I18n::new(lang);
            for (name, title, instruction) in SCREENS {
                let words = screen_words(&i18n, name).unwrap();
                assert!(!i18n.tr(title).is_empty() && !i18n.tr(instruction).is_empty(), "{name}");
                // A missing message would come back as its id.
                assert!(!words.contains("say-") && !words.contains("-title"), "{name} ({lang:?}): {words}");
            }
        }
        assert!(screen_words(&I18n::new(Lang::Ru), "nowhere").is_none());
    }

    #[test]
    fn the_names_are_the_screens_module_names() {
        let modules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/screen/mod.rs")).unwrap();
        for (name, _, _) in SCREENS {
            assert!(modules.contains(&format!("mod {name};")), "no screen module {name}");
        }
    }
}
