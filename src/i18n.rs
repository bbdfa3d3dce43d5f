//! Fluent localisation: Russian by default, English on request. The .ftl files are compiled in, so a kiosk never
//! starts with its words missing.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use pdo_core::domain::Lang;

/// Every locale's files, in the same order; a test checks each id exists in every locale.
pub const SOURCES: &[(Lang, &str, &str)] = &[
    (Lang::Ru, "ru/kiosk.ftl", include_str!("../locales/ru/kiosk.ftl")),
    (Lang::En, "en/kiosk.ftl", include_str!("../locales/en/kiosk.ftl")),
    // Staff mode's words in files of their own: the applicant's files change often, and apart they merge cleanly.
    (Lang::Ru, "ru/staff.ftl", include_str!("../locales/ru/staff.ftl")),
    (Lang::En, "en/staff.ftl", include_str!("../locales/en/staff.ftl")),
];

pub struct I18n {
    lang: Lang,
    ru: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n").field("lang", &self.lang).finish()
    }
}

impl I18n {
    pub fn new(lang: Lang) -> Self {
        Self { lang, ru: bundle(Lang::Ru), en: bundle(Lang::En) }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    pub fn tr(&self, id: &str) -> String {
        self.format(id, None)
    }

    pub fn tr_with<'a>(&self, id: &str, args: impl IntoIterator<Item = (&'a str, FluentValue<'a>)>) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(name, value);
        }
        self.format(id, Some(&fluent_args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = match self.lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, "missing message");
            return format!("⟨{id}⟩");
        };
        let mut errors = vec![];
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "message formatting errors");
        }
        text.into_owned()
    }
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let langid = match lang {
        Lang::Ru => unic_langid::langid!("ru"),
        Lang::En => unic_langid::langid!("en"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Bidi isolation marks are invisible in Cyrillic and Latin text but show up as boxes in some fonts.
    bundle.set_use_isolating(false);
    for (source_lang, name, text) in SOURCES {
        if *source_lang == lang {
            let resource = FluentResource::try_new(text.to_string())
                .unwrap_or_else(|(_, errors)| panic!("locale file {name} does not parse: {errors:?}"));
            bundle.add_resource(resource).unwrap_or_else(|errors| panic!("duplicate ids in {name}: {errors:?}"));
        }
    }
    bundle
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_is_the_default_wording() {
        let i18n = I18n::new(Lang::Ru);
        assert_eq!(i18n.tr("sign-in-title"), "Вход в личный кабинет");
        assert_eq!(i18n.tr("sign-in-submit"), "Войти");
    }

    #[test]
    fn arguments_are_substituted_without_isolation_marks() {
        let i18n = I18n::new(Lang::En);
        let text = i18n.tr_with("cabinet-greeting", [("name", FluentValue::from("Test"))]);
        assert_eq!(text, "Hello, Test!");
    }

    #[test]
    fn a_missing_id_is_visible_not_blank() {
        assert_eq!(I18n::new(Lang::Ru).tr("no-such-id"), "⟨no-such-id⟩");
    }
}
