//! Sentences that belong to no single rule (notes, skip and unknown reasons), from
//! `rules/messages/en.toml`, so every word a user reads is data that can be translated.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::template::Template;

static MESSAGES: LazyLock<BTreeMap<String, Template>> = LazyLock::new(|| {
    load(include_str!("../../../../rules/messages/en.toml"))
        .unwrap_or_else(|e| panic!("rules/messages/en.toml: {e}"))
});

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

/// The message with this key. A key missing from the file is a bug the test below catches;
/// at run time it shows as the key itself rather than a panic.
pub fn message(key: &str) -> Template {
    MESSAGES
        .get(key)
        .cloned()
        .unwrap_or_else(|| Template::parse(key))
}

/// The message with this key, filled with these values (a placeholder without one stays
/// visible as `{name}`).
pub fn sentence(key: &str, values: &[(&str, &str)]) -> String {
    message(key).fill(
        &values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `message("...")` and `sentence("...")` in the sources (this crate's and the
    /// `zetl` crate's at the workspace root) names a key of the file, and every key of the
    /// file is used.
    #[test]
    fn message_keys_in_code_and_file_agree() {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest.join("src");
        let mut used = std::collections::BTreeSet::new();
        let mut stack = vec![root, manifest.join("../../src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // `message("key")`, `sentence("key", ...)`, also with the key on the
                    // next line (as rustfmt breaks long calls).
                    let calls = text
                        .split("message(")
                        .skip(1)
                        .chain(text.split("sentence(").skip(1))
                        .filter_map(|part| part.trim_start().strip_prefix('"'));
                    for part in calls {
                        if let Some(key) = part.split('"').next() {
                            let is_key = key.split_once('.').is_some_and(|(a, b)| {
                                [a, b].iter().all(|s| {
                                    !s.is_empty()
                                        && s.bytes().all(|c| {
                                            c.is_ascii_lowercase()
                                                || c.is_ascii_digit()
                                                || c == b'_'
                                        })
                                })
                            });
                            if is_key {
                                used.insert(key.to_string());
                            }
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
        for key in MESSAGES.keys() {
            assert!(used.contains(key), "en.toml key {key} is used nowhere");
        }
    }
}
