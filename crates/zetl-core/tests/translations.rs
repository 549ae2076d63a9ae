//! Every text a user reads exists in every language, with the same placeholders: each rule's
//! title, passed, summary, explanation, messages and fix summaries (`rules/<lang>/<ID>.toml`),
//! and every message of `rules/messages/<lang>.toml`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use zetl_core::lang::Lang;
use zetl_core::rules::catalog::Translation;
use zetl_core::rules::messages;
use zetl_core::rules::template::Template;

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

fn names(text: &str) -> BTreeSet<String> {
    Template::parse(text).names().map(str::to_string).collect()
}

fn other_languages() -> impl Iterator<Item = Lang> {
    Lang::ALL.into_iter().filter(|l| *l != Lang::En)
}

/// (what, English, translation) for every text of a rule; `None` = missing.
fn rule_texts(
    rule: &zetl_core::rules::Rule,
    t: &Translation,
) -> Vec<(String, String, Option<String>)> {
    let mut out = vec![
        ("title".into(), rule.title.clone(), t.title.clone()),
        ("passed".into(), rule.passed.clone(), t.passed.clone()),
        ("summary".into(), rule.summary.clone(), t.summary.clone()),
        (
            "explanation".into(),
            rule.explanation.clone(),
            t.explanation.clone(),
        ),
    ];
    for (key, english) in &rule.messages {
        out.push((
            format!("messages.{key}"),
            english.as_str().to_string(),
            t.messages.get(key).cloned(),
        ));
    }
    if let Some(fix) = &rule.fix {
        let summary = |v: Option<&toml::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
        if let Some(default) = &fix.default {
            out.push((
                "fix.summary".into(),
                default.summary.as_str().to_string(),
                summary(t.fix.get("summary")),
            ));
        }
        for (variant, template) in &fix.variants {
            let translated = t
                .fix
                .get(variant)
                .and_then(|v| v.as_table())
                .and_then(|table| summary(table.get("summary")));
            out.push((
                format!("fix.{variant}.summary"),
                template.summary.as_str().to_string(),
                translated,
            ));
        }
    }
    out
}

#[test]
fn every_rule_text_is_translated_with_the_same_placeholders() {
    let english = zetl_core::rules::catalog_in(Lang::En).expect("catalog");
    let mut problems = Vec::new();
    for lang in other_languages() {
        // Loading applies every translation: a key the English lacks fails here.
        let translated = zetl_core::rules::catalog_in(lang)
            .unwrap_or_else(|e| panic!("{} catalog: {e}", lang.code()));
        assert_eq!(translated.rules().len(), english.rules().len());
        for rule in english.rules() {
            let file = rules_dir()
                .join(lang.code())
                .join(format!("{}.toml", rule.id));
            let Ok(text) = std::fs::read_to_string(&file) else {
                problems.push(format!("{} is missing", file.display()));
                continue;
            };
            let t: Translation =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for (what, en, translation) in rule_texts(rule, &t) {
                match translation {
                    None => problems.push(format!("{}: {what} is missing", file.display())),
                    Some(tr) if names(&tr) != names(&en) => problems.push(format!(
                        "{}: {what} has placeholders {:?}, the English {:?}",
                        file.display(),
                        names(&tr),
                        names(&en)
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_message_is_translated_with_the_same_placeholders() {
    let english = messages::all_in(Lang::En);
    let mut problems = Vec::new();
    for lang in other_languages() {
        let translated = messages::all_in(lang);
        for (key, en) in english {
            match translated.get(key) {
                None => problems.push(format!("messages/{}.toml: {key} is missing", lang.code())),
                Some(tr) => {
                    let (a, b) = (names(tr.as_str()), names(en.as_str()));
                    if a != b {
                        problems.push(format!(
                            "messages/{}.toml: {key} has placeholders {a:?}, the English {b:?}",
                            lang.code()
                        ));
                    }
                }
            }
        }
        for key in translated.keys() {
            if !english.contains_key(key) {
                problems.push(format!(
                    "messages/{}.toml: {key} is not in en.toml",
                    lang.code()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn japanese_texts_are_japanese() {
    let ja = zetl_core::rules::catalog_in(Lang::Ja).expect("catalog");
    let en = zetl_core::rules::catalog_in(Lang::En).expect("catalog");
    for (j, e) in ja.rules().iter().zip(en.rules()) {
        assert_ne!(j.title, e.title, "{}: title is not translated", e.id);
        assert!(
            !j.title.is_ascii(),
            "{}: {:?} has no Japanese",
            e.id,
            j.title
        );
    }
}
