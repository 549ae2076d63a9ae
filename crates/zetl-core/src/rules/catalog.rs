//! The rule catalog: `rules/<ID>.toml`, embedded in the binary at build time and loaded once
//! ([`catalog`]).
//!
//! All user-facing text of a rule (title, messages, explanation, fix wording) lives in its
//! TOML file, so translations can sit beside it later; templates are parsed when the catalog
//! loads. Loading validates every file; a bad file is a build-time bug that the catalog's own
//! tests catch, reported with its name. docs/rules.md describes every field.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;

use include_dir::{include_dir, Dir};
use serde::Deserialize;

use super::engine::requirement::Requirement;
use super::template::Template;
use crate::lang::Lang;
use crate::report::{RuleSummary, Severity, Side};

pub(crate) static RULES_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../rules");

static EMBEDDED: LazyLock<Result<Catalog, CatalogError>> =
    LazyLock::new(|| Catalog::load_embedded(Lang::En));
static EMBEDDED_JA: LazyLock<Result<Catalog, CatalogError>> =
    LazyLock::new(|| Catalog::load_embedded(Lang::Ja));

/// The catalog embedded in this binary, in the process's language ([`crate::lang::current`]),
/// loaded and validated on first use.
pub fn catalog() -> Result<&'static Catalog, &'static CatalogError> {
    catalog_in(crate::lang::current())
}

/// The embedded catalog with its texts in `lang`.
pub fn catalog_in(lang: Lang) -> Result<&'static Catalog, &'static CatalogError> {
    match lang {
        Lang::En => EMBEDDED.as_ref(),
        Lang::Ja => EMBEDDED_JA.as_ref(),
    }
}

/// One `rules/<ID>.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub slug: String,
    pub severity: Severity,
    pub side: Side,
    /// The problem, short (e.g. "Point-in-time recovery is disabled on the source table").
    pub title: String,
    /// What a passing check shows (e.g. "Point-in-time recovery is enabled on the source
    /// table"). No placeholders: a pass carries no values to fill them with.
    pub passed: String,
    /// One sentence for `zetl rules`.
    pub summary: String,
    /// True when AWS does not document the requirement (the message must say so).
    #[serde(default)]
    pub inference: bool,
    /// Rules whose failure makes this one `skipped`.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Runs after every other rule because it reads their outcomes (rules that link an
    /// integration's errors to their causes, or report the doctor's own unknowns).
    #[serde(default)]
    pub runs_last: bool,
    /// Does not apply to an S3 Tables target (it is about a general-purpose bucket location,
    /// or about a Glue database): `skipped` there, with the rule's `s3_tables` message as the
    /// reason when it has one.
    #[serde(default)]
    pub not_for_s3_tables: bool,
    /// Its findings are facts the doctor could not read: `--allow-unknown` keeps them out of
    /// the exit code.
    #[serde(default)]
    pub reports_unknowns: bool,
    /// The rule evaluates other rules' `[[requirement]]`s (its own list stays empty).
    #[serde(default)]
    pub requirements_from: Vec<String>,
    /// `zetl fix` applies this rule's fix (its findings carry a structured action).
    #[serde(default)]
    pub auto_fix: bool,
    #[serde(default)]
    pub docs: Vec<String>,
    /// Markdown: what it checks, why it matters, how to fix.
    pub explanation: String,
    pub fixtures: Fixtures,
    /// Message templates by key (`fail`, `wrong_account`, ...).
    pub messages: BTreeMap<String, Template>,
    #[serde(default)]
    pub fix: Option<FixSpec>,
    /// Access requirements (evaluated by the policy engine, see `engine`).
    #[serde(default)]
    pub requirement: Vec<Requirement>,
    /// Integration error messages this rule explains (linked by the integration rules).
    #[serde(default)]
    pub explains: Vec<Explains>,
}

/// `[[explains]]`: an integration error this rule may be the cause of. An entry matches when
/// every `all` fragment is in the message (case-insensitive), or the error code is one of
/// `codes`. `fallback` entries count only when no other rule explains the message.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explains {
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    /// Root-cause order among the rules a message links to: lower comes first (what is
    /// missing before what is misconfigured before what is denied).
    pub rank: u32,
    #[serde(default)]
    pub fallback: bool,
}

impl Explains {
    /// Whether this entry matches an error (its message already lower-cased).
    pub fn matches(&self, message_lower: &str, code: Option<&str>) -> bool {
        let by_text = !self.all.is_empty()
            && self
                .all
                .iter()
                .all(|f| message_lower.contains(&f.to_lowercase()));
        let by_code = code.is_some_and(|c| self.codes.iter().any(|k| k.eq_ignore_ascii_case(c)));
        by_text || by_code
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Paths relative to `fixtures/`; each must make the rule fail.
    pub fail: Vec<String>,
    /// Each must make the rule pass.
    pub pass: Vec<String>,
    /// Setups that work: each must make the rule report, but never an error (a false error
    /// on a working setup is the worst defect a linter can have).
    #[serde(default)]
    pub warn: Vec<String>,
    /// Strings the failing fixture's fix must contain.
    #[serde(default)]
    pub fail_fix_contains: Vec<String>,
}

/// `[fix]`: the default template (`summary`, `commands`), plus `[fix.<variant>]` tables
/// chosen by the check.
#[derive(Debug, Clone, PartialEq)]
pub struct FixSpec {
    pub default: Option<FixTemplate>,
    pub variants: BTreeMap<String, FixTemplate>,
}

impl<'de> Deserialize<'de> for FixSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut table = toml::Table::deserialize(deserializer)?;
        let mut default = toml::Table::new();
        for key in ["summary", "commands"] {
            if let Some(v) = table.remove(key) {
                default.insert(key.to_string(), v);
            }
        }
        let default = if default.is_empty() {
            None
        } else {
            Some(
                FixTemplate::deserialize(default)
                    .map_err(|e| D::Error::custom(format!("fix: {e}")))?,
            )
        };
        let mut variants = BTreeMap::new();
        for (name, value) in table {
            let toml::Value::Table(t) = value else {
                return Err(D::Error::custom(format!(
                    "fix.{name}: expected a [fix.{name}] table (or summary/commands)"
                )));
            };
            let t = FixTemplate::deserialize(t)
                .map_err(|e| D::Error::custom(format!("fix.{name}: {e}")))?;
            variants.insert(name, t);
        }
        Ok(FixSpec { default, variants })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixTemplate {
    pub summary: Template,
    #[serde(default)]
    pub commands: Vec<Template>,
}

impl Rule {
    /// The fix template for a variant (`None` = the default `[fix]`).
    pub fn fix_template(&self, variant: Option<&str>) -> Option<&FixTemplate> {
        let fix = self.fix.as_ref()?;
        match variant {
            None => fix.default.as_ref(),
            Some(v) => fix.variants.get(v),
        }
    }

    /// The fix template for a problem's variant, falling back to the default `[fix]`.
    pub fn fix_for(&self, variant: Option<&str>) -> Option<&FixTemplate> {
        variant
            .and_then(|v| self.fix_template(Some(v)))
            .or_else(|| self.fix_template(None))
    }

    pub fn summary_entry(&self) -> RuleSummary {
        RuleSummary {
            id: self.id.clone(),
            slug: self.slug.clone(),
            severity: self.severity,
            side: self.side,
            title: self.title.clone(),
            passed: self.passed.clone(),
            summary: self.summary.clone(),
            docs: self.docs.clone(),
        }
    }
}

/// `rules/<lang>/<ID>.toml`: a rule's texts in another language. Only the texts a user reads;
/// a key the English rule lacks is an error, a missing key keeps the English.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    pub title: Option<String>,
    pub passed: Option<String>,
    pub summary: Option<String>,
    pub explanation: Option<String>,
    #[serde(default)]
    pub messages: BTreeMap<String, String>,
    /// `summary` of the default `[fix]`, and `[fix.<variant>]` tables with their `summary`.
    #[serde(default)]
    pub fix: toml::Table,
}

impl Translation {
    /// Replaces the rule's texts with these.
    pub fn apply(&self, rule: &mut Rule) -> Result<(), String> {
        let texts = [
            (&self.title, &mut rule.title),
            (&self.passed, &mut rule.passed),
            (&self.summary, &mut rule.summary),
            (&self.explanation, &mut rule.explanation),
        ];
        for (text, target) in texts {
            if let Some(text) = text {
                *target = text.clone();
            }
        }
        for (key, text) in &self.messages {
            let slot = rule
                .messages
                .get_mut(key)
                .ok_or_else(|| format!("messages.{key}: the English rule has no such message"))?;
            *slot = Template::parse(text);
        }
        for (key, value) in &self.fix {
            let (variant, summary) = match value {
                toml::Value::String(text) if key == "summary" => (None, text),
                toml::Value::Table(table) => match table.get("summary") {
                    Some(toml::Value::String(text)) if table.len() == 1 => {
                        (Some(key.as_str()), text)
                    }
                    _ => return Err(format!("fix.{key}: expected only a summary string")),
                },
                _ => return Err(format!("fix.{key}: expected summary or [fix.<variant>]")),
            };
            let template = rule
                .fix
                .as_mut()
                .and_then(|fix| match variant {
                    None => fix.default.as_mut(),
                    Some(v) => fix.variants.get_mut(v),
                })
                .ok_or_else(|| format!("fix.{key}: the English rule has no such fix"))?;
            template.summary = Template::parse(summary);
        }
        Ok(())
    }
}

/// A catalog file that is wrong: which file and what.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rules/{}: {}", self.file, self.message)
    }
}

impl std::error::Error for CatalogError {}

#[derive(Debug, Clone)]
pub struct Catalog {
    rules: Vec<Rule>,
}

impl Catalog {
    fn load_embedded(lang: Lang) -> Result<Catalog, CatalogError> {
        let files = RULES_DIR
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .map(|f| {
                let name = f.path().display().to_string();
                let text = f.contents_utf8().ok_or_else(|| CatalogError {
                    file: name.clone(),
                    message: "not UTF-8".into(),
                })?;
                Ok((name, text.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut catalog = Catalog::from_files(files)?;
        if lang != Lang::En {
            for rule in &mut catalog.rules {
                let name = format!("{}/{}.toml", lang.code(), rule.id);
                // A missing translation keeps the English (a test requires every one).
                if let Some(file) = RULES_DIR.get_file(&name) {
                    let text = file.contents_utf8().ok_or_else(|| CatalogError {
                        file: name.clone(),
                        message: "not UTF-8".into(),
                    })?;
                    let translation: Translation =
                        toml::from_str(text).map_err(|e| CatalogError {
                            file: name.clone(),
                            message: e.to_string(),
                        })?;
                    translation.apply(rule).map_err(|m| err(&name, m))?;
                }
            }
        }
        Ok(catalog)
    }

    /// Builds and validates a catalog from `(file name, TOML text)` pairs.
    pub fn from_files(files: Vec<(String, String)>) -> Result<Catalog, CatalogError> {
        let mut rules = Vec::with_capacity(files.len());
        for (file, text) in files {
            let rule: Rule = toml::from_str(&text).map_err(|e| CatalogError {
                file: file.clone(),
                message: e.to_string(),
            })?;
            validate_rule(&file, &rule)?;
            rules.push((file, rule));
        }
        rules.sort_by(|a, b| catalog_order(&a.1.id).cmp(&catalog_order(&b.1.id)));
        let ids: BTreeSet<&str> = rules.iter().map(|(_, r)| r.id.as_str()).collect();
        let mut slugs = BTreeSet::new();
        for (file, rule) in &rules {
            if !slugs.insert(rule.slug.as_str()) {
                return Err(err(
                    file,
                    format!("slug {:?} is used by another rule", rule.slug),
                ));
            }
            for dep in &rule.depends_on {
                if !ids.contains(dep.as_str()) {
                    return Err(err(file, format!("depends_on names unknown rule {dep}")));
                }
            }
            for from in &rule.requirements_from {
                let lends = rules
                    .iter()
                    .find(|(_, r)| &r.id == from)
                    .is_some_and(|(_, r)| !r.requirement.is_empty());
                if !lends {
                    return Err(err(
                        file,
                        format!("requirements_from names {from}, which has no [[requirement]]"),
                    ));
                }
                if !rule.requirement.is_empty() {
                    return Err(err(
                        file,
                        "has both requirements_from and its own [[requirement]]s".into(),
                    ));
                }
            }
        }
        for (file, rule) in &rules {
            if let Some(path) = dependency_cycle(&rules, &rule.id) {
                return Err(err(file, format!("depends_on forms a cycle: {path}")));
            }
        }
        Ok(Catalog {
            rules: rules.into_iter().map(|(_, r)| r).collect(),
        })
    }

    /// A catalog of these rules as they are (tests that run a subset of the catalog).
    pub fn from_rules(rules: Vec<Rule>) -> Catalog {
        Catalog { rules }
    }

    /// Rules in catalog order (see [`catalog_order`]).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The requirements a rule evaluates: its own, or those of the rule its
    /// `requirements_from` names.
    pub fn requirements_of<'a>(&'a self, rule: &'a Rule) -> Cow<'a, [Requirement]> {
        let lent = |id: &String| {
            self.get(id)
                .map(|r| r.requirement.as_slice())
                .unwrap_or(&[])
        };
        match rule.requirements_from.as_slice() {
            [] => Cow::Borrowed(&rule.requirement),
            [one] => Cow::Borrowed(lent(one)),
            many => Cow::Owned(many.iter().flat_map(|id| lent(id).to_vec()).collect()),
        }
    }

    /// By ID or slug (both case-insensitive).
    pub fn get(&self, id_or_slug: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| {
            r.id.eq_ignore_ascii_case(id_or_slug) || r.slug.eq_ignore_ascii_case(id_or_slug)
        })
    }

    pub fn summaries(&self) -> Vec<RuleSummary> {
        self.rules.iter().map(Rule::summary_entry).collect()
    }
}

/// A `depends_on` path from `start` back to itself, if any (the runner orders rules by it).
fn dependency_cycle(rules: &[(String, Rule)], start: &str) -> Option<String> {
    let deps = |id: &str| -> Vec<String> {
        rules
            .iter()
            .find(|(_, r)| r.id == id)
            .map(|(_, r)| r.depends_on.clone())
            .unwrap_or_default()
    };
    let mut stack = vec![vec![start.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().cloned().unwrap_or_default();
        for dep in deps(&last) {
            let mut next = path.clone();
            next.push(dep.clone());
            if dep == start {
                return Some(next.join(" -> "));
            }
            if seen.insert(dep) {
                stack.push(next);
            }
        }
    }
    None
}

fn err(file: &str, message: String) -> CatalogError {
    CatalogError {
        file: file.to_string(),
        message,
    }
}

fn validate_rule(file: &str, rule: &Rule) -> Result<(), CatalogError> {
    let stem = file.trim_end_matches(".toml");
    if stem != rule.id {
        return Err(err(
            file,
            format!("id {:?} does not match the file name", rule.id),
        ));
    }
    if !is_rule_id(&rule.id) {
        return Err(err(
            file,
            format!("id {:?} is not of the form Z[SPTIC]NNN", rule.id),
        ));
    }
    let kebab = !rule.slug.is_empty()
        && !rule.slug.starts_with('-')
        && !rule.slug.ends_with('-')
        && !rule.slug.contains("--")
        && rule
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !kebab {
        return Err(err(file, format!("slug {:?} is not kebab-case", rule.slug)));
    }
    // rules.md: a rule may only be `error` where AWS documents the requirement.
    if rule.inference && rule.severity == Severity::Error {
        return Err(err(
            file,
            "an inference (AWS does not document it) cannot be severity error".into(),
        ));
    }
    if rule.depends_on.contains(&rule.id) {
        return Err(err(file, "depends_on names the rule itself".into()));
    }
    for link in &rule.docs {
        if !link.starts_with("https://") {
            return Err(err(file, format!("docs link {link:?} is not an https URL")));
        }
    }
    if rule.fixtures.fail.is_empty() || rule.fixtures.pass.is_empty() {
        return Err(err(
            file,
            "needs at least one failing and one passing fixture".into(),
        ));
    }
    if rule.passed.trim().is_empty() {
        return Err(err(file, "passed is empty".into()));
    }
    match placeholders(&rule.passed) {
        Ok(names) if names.is_empty() => {}
        Ok(names) => {
            return Err(err(
                file,
                format!(
                    "passed: {{{}}} cannot be filled (a pass carries no values)",
                    names.join("}, {")
                ),
            ))
        }
        Err(m) => return Err(err(file, format!("passed: {m}"))),
    }
    if rule.messages.is_empty() {
        return Err(err(file, "has no [messages]".into()));
    }
    for (key, template) in &rule.messages {
        placeholders(template.as_str()).map_err(|m| err(file, format!("messages.{key}: {m}")))?;
    }
    for r in &rule.requirement {
        for name in crate::rules::engine::requirement::placeholders_used(r) {
            if !crate::rules::engine::requirement::PLACEHOLDERS.contains(&name.as_str()) {
                return Err(err(
                    file,
                    format!("requirement {}: unknown placeholder {{{name}}}", r.id),
                ));
            }
        }
    }
    for (i, e) in rule.explains.iter().enumerate() {
        if e.all.is_empty() && e.codes.is_empty() {
            return Err(err(
                file,
                format!("explains[{i}] needs message fragments (all) or error codes"),
            ));
        }
    }
    if let Some(fix) = &rule.fix {
        let templates = fix
            .default
            .iter()
            .map(|t| ("fix".to_string(), t))
            .chain(fix.variants.iter().map(|(k, t)| (format!("fix.{k}"), t)));
        for (name, t) in templates {
            for text in std::iter::once(&t.summary).chain(t.commands.iter()) {
                placeholders(text.as_str()).map_err(|m| err(file, format!("{name}: {m}")))?;
            }
        }
    }
    Ok(())
}

/// Catalog order: the families as rules.md lists them (source, target, principals,
/// integration, collection), numbers ascending within a family.
pub fn catalog_order(id: &str) -> (usize, &str) {
    let family = ["ZS", "ZT", "ZP", "ZI", "ZC"]
        .iter()
        .position(|f| id.starts_with(f))
        .unwrap_or(usize::MAX);
    (family, id)
}

pub fn is_rule_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 5
        && b[0] == b'Z'
        && matches!(b[1], b'S' | b'P' | b'T' | b'I' | b'C')
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// Template syntax, shared with the runner's `fill`: `{name}` (ASCII letters, digits, `_`) is
/// a placeholder; any other `{` or `}` is literal text, so AWS CLI shorthand such as
/// `Database={CatalogId={target_account},Name={database}}` needs no escaping.
fn placeholder_at(after_brace: &str) -> Option<&str> {
    let end = after_brace.find('}')?;
    let name = &after_brace[..end];
    let is_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    is_name.then_some(name)
}

/// The `{name}` placeholders of a template. Catches the typos a literal brace would hide:
/// names must be lower snake_case, and `{` followed by a lower-case word that does not close
/// (`{sta tus}`, `{table`) is reported rather than printed as text.
pub fn placeholders(template: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        if let Some(name) = placeholder_at(after) {
            if !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(format!(
                    "placeholder {{{name}}} must be lower snake_case in {template:?}"
                ));
            }
            names.push(name);
            rest = &after[name.len() + 1..];
            continue;
        }
        let word = after
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        if word > 0 && after.as_bytes()[0].is_ascii_lowercase() {
            let shown: String = after.chars().take(word + 2).collect();
            return Err(format!("bad placeholder {{{shown}... in {template:?}"));
        }
        rest = after;
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "ZS002"
slug = "pitr-disabled"
severity = "error"
side = "source"
title = "t"
passed = "p"
summary = "s"
explanation = "e"
docs = ["https://docs.aws.amazon.com/x"]
[fixtures]
fail = ["rules/ZS002/fail.json"]
pass = ["rules/ZS002/pass.json"]
[messages]
fail = "PITR is {status} on {table}"
[fix]
summary = "Enable PITR on {table}"
commands = ["aws dynamodb update-continuous-backups --table-name {table}"]
[fix.other]
summary = "x"
"#;

    fn one(text: &str) -> Result<Catalog, CatalogError> {
        Catalog::from_files(vec![("ZS002.toml".into(), text.into())])
    }

    #[test]
    fn loads_a_rule_with_fix_variants() {
        let c = one(GOOD).unwrap();
        let r = c.get("pitr-disabled").unwrap();
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(
            r.fix_template(None).unwrap().summary.as_str(),
            "Enable PITR on {table}"
        );
        assert_eq!(r.fix_template(Some("other")).unwrap().summary.as_str(), "x");
        assert_eq!(
            r.fix_for(Some("none")).unwrap().summary.as_str(),
            "Enable PITR on {table}"
        );
        assert!(c.get("zs002").is_some());
    }

    #[test]
    fn unknown_keys_and_wrong_ids_are_rejected_with_the_file_name() {
        let e = one(&GOOD.replace("summary = \"s\"", "summary = \"s\"\ntypo = 1")).unwrap_err();
        assert!(e.to_string().starts_with("rules/ZS002.toml: "), "{e}");
        let e = Catalog::from_files(vec![("ZS003.toml".into(), GOOD.into())]).unwrap_err();
        assert!(e.message.contains("does not match the file name"), "{e}");
        let e = one(&GOOD.replace("pitr-disabled", "Pitr_Disabled")).unwrap_err();
        assert!(e.message.contains("kebab-case"), "{e}");
        let e = one(&GOOD.replace("{status}", "{sta tus}")).unwrap_err();
        assert!(e.message.contains("bad placeholder"), "{e}");
    }

    #[test]
    fn catalog_level_checks_name_the_file() {
        let a = GOOD.replace("[fixtures]", "depends_on = [\"ZS003\"]\n[fixtures]");
        let b = GOOD
            .replace("ZS002", "ZS003")
            .replace("pitr-disabled", "other")
            .replace("[fixtures]", "depends_on = [\"ZS002\"]\n[fixtures]");
        let e = Catalog::from_files(vec![
            ("ZS002.toml".into(), a.clone()),
            ("ZS003.toml".into(), b),
        ])
        .unwrap_err();
        assert_eq!(e.file, "ZS002.toml");
        assert!(e.message.contains("cycle: ZS002 -> ZS003 -> ZS002"), "{e}");
        let e = one(&a).unwrap_err();
        assert_eq!(e.message, "depends_on names unknown rule ZS003");
        let dup = GOOD.replace("ZS002", "ZS003");
        let e = Catalog::from_files(vec![
            ("ZS002.toml".into(), GOOD.into()),
            ("ZS003.toml".into(), dup),
        ])
        .unwrap_err();
        assert!(
            e.message
                .contains("slug \"pitr-disabled\" is used by another rule"),
            "{e}"
        );
        let e =
            one(&GOOD.replace("summary = \"s\"", "summary = \"s\"\ninference = true")).unwrap_err();
        assert!(e.message.contains("cannot be severity error"), "{e}");
        let e = one(&GOOD.replace("https://docs", "http://docs")).unwrap_err();
        assert!(e.message.contains("not an https URL"), "{e}");
        let e = one(&GOOD.replace("[fix.other]", "[fix.other]\ncommand = 1")).unwrap_err();
        assert!(e.message.contains("fix.other"), "{e}");
    }

    #[test]
    fn passed_is_required_non_empty_and_placeholder_free() {
        let e = one(&GOOD.replace("passed = \"p\"\n", "")).unwrap_err();
        assert!(e.message.contains("missing field `passed`"), "{e}");
        let e = one(&GOOD.replace("passed = \"p\"", "passed = \" \"")).unwrap_err();
        assert_eq!(e.message, "passed is empty");
        let e = one(&GOOD.replace("passed = \"p\"", "passed = \"PITR is on for {table}\""))
            .unwrap_err();
        assert_eq!(
            e.message,
            "passed: {table} cannot be filled (a pass carries no values)"
        );
        let c = one(&GOOD.replace("passed = \"p\"", "passed = \"PITR is on\"")).unwrap();
        assert_eq!(c.summaries()[0].passed, "PITR is on");
    }

    #[test]
    fn placeholders_are_lower_snake_case_and_typos_are_caught() {
        assert_eq!(
            placeholders("Database={CatalogId={target_account},Name={database}}").unwrap(),
            vec!["target_account", "database"]
        );
        assert_eq!(
            placeholders("{\"RoleArn\": 1}").unwrap(),
            Vec::<&str>::new()
        );
        assert!(placeholders("{table")
            .unwrap_err()
            .contains("bad placeholder"));
        assert!(placeholders("{Table}")
            .unwrap_err()
            .contains("lower snake_case"));
    }

    #[test]
    fn the_embedded_catalog_loads_in_rules_md_order() {
        let c = catalog().unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<&str> = c.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.first(), Some(&"ZS001"));
        assert_eq!(ids.last(), Some(&"ZC003"));
        assert_eq!(c.summaries().len(), ids.len());
        assert_eq!(c.get("PITR-DISABLED").map(|r| r.id.as_str()), Some("ZS002"));
    }

    #[test]
    fn rule_ids_have_the_catalog_form() {
        assert!(is_rule_id("ZT017"));
        assert!(!is_rule_id("ZX001"));
        assert!(!is_rule_id("ZS01"));
    }
}
