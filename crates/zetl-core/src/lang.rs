//! The language every sentence a user reads is in: English (the catalog's own text) or
//! Japanese (`rules/ja/`, `rules/messages/ja.toml`).
//!
//! One process shows one language, so it is a process-wide setting the CLI makes once, before
//! anything is rendered ([`set`]); the catalog and the messages read it ([`current`]).
//! Libraries and tests that need a given language ask for it explicitly
//! (`rules::catalog_in`, `messages::message_in`).

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The code `--lang` and the translation folders use.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language a POSIX locale name asks for (`ja_JP.UTF-8` -> Japanese); `None` for an
    /// empty name, English for any other.
    pub fn of_locale(name: &str) -> Option<Lang> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        Some(if name.to_ascii_lowercase().starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        })
    }

    /// The language of the locale in `get` (an environment lookup): the first of `LC_ALL`,
    /// `LC_MESSAGES`, `LANG` that is set and not empty decides, as in POSIX.
    pub fn from_locale(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|var| get(var).and_then(|v| Lang::of_locale(&v)))
            .unwrap_or_default()
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Sets the language for the rest of the process.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language set by [`set`]; English until then.
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Ja,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn locale_precedence_follows_posix() {
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "ja_JP.UTF-8")])), Lang::Ja);
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "ja_JP.UTF-8"), ("LC_ALL", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "ja_JP")])),
            Lang::Ja
        );
        // An empty variable does not decide.
        assert_eq!(
            Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "ja")])),
            Lang::Ja
        );
    }
}
