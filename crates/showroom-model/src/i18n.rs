//! Fluent localisation for everything the core and the CLI say to people.
//!
//! The `.ftl` files under the repository's `locales/` are embedded at build time, so a
//! binary never depends on files next to it. The UI loads its own `ui.ftl` from the same
//! folders.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unic_langid::LanguageIdentifier;

/// A language the showroom speaks: its interface, its messages and its search analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    Ru,
    #[default]
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::Ru, Lang::En];

    /// The two-letter tag used in catalog text maps.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The locale folder under `locales/`.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::Ru => "ru-RU",
            Lang::En => "en-US",
        }
    }

    /// Reads a tag such as `ru`, `zh-CN`, `en_US.UTF-8` or `ru_RU`; `None` when it is none
    /// of the three languages.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The order in which text maps are read for this language: the language itself,
    /// then English, Russian and Chinese (catalog-format.md).
    pub fn fallback_chain(self) -> [&'static str; 4] {
        [self.code(), "en", "ru", "zh"]
    }
}

struct Localizer {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

const SOURCES: [(Lang, &[&str]); 3] = [
    (
        Lang::En,
        &[
            include_str!("../../../locales/en-US/core.ftl"),
            include_str!("../../../locales/en-US/cli.ftl"),
            include_str!("../../../locales/en-US/inquiry.ftl"),
        ],
    ),
    (
        Lang::Ru,
        &[
            include_str!("../../../locales/ru-RU/core.ftl"),
            include_str!("../../../locales/ru-RU/cli.ftl"),
            include_str!("../../../locales/ru-RU/inquiry.ftl"),
        ],
    ),
    (
        Lang::Zh,
        &[
            include_str!("../../../locales/zh-CN/core.ftl"),
            include_str!("../../../locales/zh-CN/cli.ftl"),
            include_str!("../../../locales/zh-CN/inquiry.ftl"),
        ],
    ),
];

fn localizer() -> &'static Localizer {
    static LOCALIZER: OnceLock<Localizer> = OnceLock::new();
    LOCALIZER.get_or_init(|| {
        let bundles = SOURCES
            .iter()
            .map(|(lang, sources)| {
                let langid: LanguageIdentifier =
                    lang.locale().parse().expect("locale tags are valid");
                let mut bundle = FluentBundle::new_concurrent(vec![langid]);
                // Terminals and logs show the isolation marks as stray characters.
                bundle.set_use_isolating(false);
                for source in *sources {
                    // A syntax error is caught by the locale tests; here the valid
                    // messages of a partly broken file are still used.
                    let resource = FluentResource::try_new(source.to_string())
                        .unwrap_or_else(|(resource, _errors)| resource);
                    bundle
                        .add_resource(resource)
                        .expect("message ids are unique across a locale's files");
                }
                (*lang, bundle)
            })
            .collect();
        Localizer { bundles }
    })
}

/// One argument of a message.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// Formats message `id` in `lang`, falling back to English, then to the id itself so a
/// missing message is visible rather than silent.
pub fn tr(lang: Lang, id: &str, args: &[Arg<'_>]) -> String {
    let loc = localizer();
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    for wanted in [lang, Lang::En] {
        let Some((_, bundle)) = loc.bundles.iter().find(|(l, _)| *l == wanted) else {
            continue;
        };
        let Some(message) = bundle.get_message(id) else {
            continue;
        };
        let Some(pattern) = message.value() else {
            continue;
        };
        let mut errors = Vec::new();
        let text: Cow<'_, str> = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        return text.into_owned();
    }
    id.to_string()
}

/// Shorthand for a string argument.
pub fn s<'a>(name: &'a str, value: impl Into<Cow<'a, str>>) -> Arg<'a> {
    (name, FluentValue::String(value.into()))
}

/// Shorthand for a number argument (plurals are chosen from it).
pub fn n<'a>(name: &'a str, value: impl Into<f64>) -> Arg<'a> {
    (name, FluentValue::from(value.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_system_locale_tags() {
        assert_eq!(Lang::parse("ru_RU.UTF-8"), Some(Lang::Ru));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("C.UTF-8"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn russian_plurals_follow_cldr() {
        let got: Vec<String> = [1, 2, 5, 21, 11]
            .iter()
            .map(|k| tr(Lang::Ru, "count-products", &[n("count", *k)]))
            .collect();
        assert_eq!(
            got,
            ["1 товар", "2 товара", "5 товаров", "21 товар", "11 товаров"]
        );
    }

    #[test]
    fn missing_message_shows_its_id() {
        assert_eq!(tr(Lang::Zh, "no-such-message", &[]), "no-such-message");
    }
}
