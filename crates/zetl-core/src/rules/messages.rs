//! Sentences that belong to no single rule (notes, skip and unknown reasons, the report's own
//! words, errors), from `rules/messages/<lang>.toml`, so every word a user reads is data that
//! can be translated. A key missing from a translation falls back to the English (a test
//! requires every key in every language).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::catalog::RULES_DIR;
use super::template::Template;
use crate::lang::Lang;

type Messages = BTreeMap<String, Template>;

static MESSAGES: LazyLock<Messages> = LazyLock::new(|| embedded(Lang::En));
static MESSAGES_JA: LazyLock<Messages> = LazyLock::new(|| embedded(Lang::Ja));

/// `rules/messages/<lang>.toml` as embedded; a broken file is a build-time bug the tests below
/// catch.
fn embedded(lang: Lang) -> Messages {
    let name = format!("messages/{}.toml", lang.code());
    match RULES_DIR.get_file(&name).and_then(|f| f.contents_utf8()) {
        Some(text) => load(text).unwrap_or_else(|e| panic!("rules/{name}: {e}")),
        None => Messages::new(),
    }
}

fn table(lang: Lang) -> &'static Messages {
    match lang {
        Lang::En => &MESSAGES,
        Lang::Ja => &MESSAGES_JA,
    }
}

/// Every key with its template in `lang` (only what that file has).
pub fn all_in(lang: Lang) -> &'static BTreeMap<String, Template> {
    table(lang)
}

/// `family.key` -> template.
fn load(text: &str) -> Result<BTreeMap<String, Template>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for (family, entries) in table {
        let toml::Value::Table(entries) = entries else {
            return Err(format!("{family}: expected a [{family}] table"));
        };
        for (key, value) in entries {
            let toml::Value::String(text) = value else {
                return Err(format!("{family}.{key}: expected a string"));
            };
            out.insert(format!("{family}.{key}"), Template::parse(&text));
        }
    }
    Ok(out)
}

/// The message with this key, in the process's language. A key missing from the file is a bug
/// the test below catches; at run time it shows as the key itself rather than a panic.
pub fn message(key: &str) -> Template {
    message_in(crate::lang::current(), key)
}

/// The message with this key in `lang` (the English when the translation lacks it).
pub fn message_in(lang: Lang, key: &str) -> Template {
    table(lang)
        .get(key)
        .or_else(|| MESSAGES.get(key))
        .cloned()
        .unwrap_or_else(|| Template::parse(key))
}

/// The label the human report gives an evidence key (`[evidence]`), if it shows that key.
pub fn evidence_label(key: &str) -> Option<String> {
    let key = format!("evidence.{key}");
    table(crate::lang::current())
        .get(&key)
        .or_else(|| MESSAGES.get(&key))
        .map(|t| t.as_str().to_string())
}

/// The message with this key, filled with these values (a placeholder without one stays
/// visible as `{name}`).
pub fn sentence(key: &str, values: &[(&str, &str)]) -> String {
    sentence_in(crate::lang::current(), key, values)
}

/// [`sentence`] in `lang`.
pub fn sentence_in(lang: Lang, key: &str, values: &[(&str, &str)]) -> String {
    message_in(lang, key).fill(
        &values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `"family.key"` string in the sources of both crates (this one and the CLI's
    /// `src/`), for a family the file has, names a key of the file; every key of the file is
    /// used somewhere.
    #[test]
    fn message_keys_in_code_and_file_agree() {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let families: std::collections::BTreeSet<&str> = MESSAGES
            .keys()
            .filter_map(|k| k.split_once('.').map(|(f, _)| f))
            .collect();
        let is_key = |s: &str| {
            s.split_once('.').is_some_and(|(family, key)| {
                families.contains(family)
                    && !key.is_empty()
                    && key
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
            })
        };
        let mut used = std::collections::BTreeSet::new();
        let mut stack = vec![manifest.join("src"), manifest.join("../../src")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // Every quoted word that looks like a key of a known family.
                    for literal in text.split('"').skip(1).step_by(2) {
                        if is_key(literal) {
                            used.insert(literal.to_string());
                        }
                    }
                }
            }
        }
        for key in &used {
            assert!(
                MESSAGES.contains_key(key),
                "message key {key} is not in en.toml"
            );
        }
        // `[evidence]` labels are looked up by the evidence's own keys (evidence_label).
        for key in MESSAGES.keys().filter(|k| !k.starts_with("evidence.")) {
            assert!(used.contains(key), "en.toml key {key} is used nowhere");
        }
    }
}
