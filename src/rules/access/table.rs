//! The access checks' registry table, and the `[[requirement]]` tables they read from the
//! embedded rule files (`rules/<ID>.toml`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use include_dir::{include_dir, Dir};
use serde::Deserialize;

use crate::rules::runner::{CheckContext, CheckFn};
use crate::rules::PairFacts;

use super::super::requirement::Requirement;
use super::common::Requirements;
use super::outcome::Outcome;
use super::synth::Profiles;
use super::{rules_hygiene, rules_principal, rules_source, rules_target, Scope};

static RULE_FILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// Only the requirement part of a rule file; the catalog owns (and validates) the rest.
#[derive(Deserialize)]
struct RequirementPart {
    #[serde(default)]
    requirement: Vec<Requirement>,
}

/// Requirements by rule ID, or why a rule file's requirements could not be read.
pub struct EmbeddedRequirements {
    by_rule: BTreeMap<String, Result<Vec<Requirement>, String>>,
}

impl EmbeddedRequirements {
    pub fn parse(files: impl Iterator<Item = (String, String)>) -> Self {
        let mut by_rule = BTreeMap::new();
        for (id, text) in files {
            let parsed = toml::from_str::<RequirementPart>(&text)
                .map(|p| p.requirement)
                .map_err(|e| format!("rules/{id}.toml: {e}"));
            by_rule.insert(id, parsed);
        }
        EmbeddedRequirements { by_rule }
    }

    /// The first rule file whose requirements do not parse.
    pub fn error(&self) -> Option<&str> {
        self.by_rule
            .values()
            .find_map(|r| r.as_ref().err().map(String::as_str))
    }
}

impl Requirements for EmbeddedRequirements {
    fn requirements(&self, rule: &str) -> &[Requirement] {
        match self.by_rule.get(rule) {
            Some(Ok(r)) => r,
            _ => &[],
        }
    }
}

pub fn embedded() -> &'static EmbeddedRequirements {
    static TABLE: OnceLock<EmbeddedRequirements> = OnceLock::new();
    TABLE.get_or_init(|| {
        EmbeddedRequirements::parse(RULE_FILES.files().filter_map(|f| {
            let name = f.path().file_name()?.to_str()?;
            let id = name.strip_suffix(".toml")?;
            Some((id.to_string(), f.contents_utf8()?.to_string()))
        }))
    })
}

/// An access check over a pair's scope and the rules' requirements.
pub type AccessCheck = fn(&Scope, &dyn Requirements) -> Outcome;

/// Runs an access check for one pair with the embedded requirements.
fn run(check: AccessCheck, facts: &PairFacts<'_>, ctx: &CheckContext<'_>) -> Outcome {
    let table = embedded();
    if let Some(e) = table.error() {
        return Outcome::Unknown {
            reason: format!("the rule data is invalid: {e}"),
            missing_action: None,
        };
    }
    let profiles = Profiles {
        source: ctx.settings.source_profile.clone(),
        target: ctx.settings.target_profile.clone(),
    };
    let scope = Scope::new(facts.snapshot, facts.pair, profiles);
    check(&scope, table)
}

macro_rules! checks {
    ($($id:literal => $f:path),* $(,)?) => {
        /// Every access check, by rule ID (added to the runner's registry).
        pub const CHECKS: &[(&str, CheckFn)] = &[
            $(($id, {
                fn wrapper(facts: &PairFacts<'_>, ctx: &CheckContext<'_>) -> Outcome {
                    run($f, facts, ctx)
                }
                wrapper
            })),*
        ];

        /// The same checks, callable on a scope directly (tests, `zetl policy generate`).
        pub const ACCESS_CHECKS: &[(&str, AccessCheck)] = &[$(($id, $f)),*];
    };
}

checks! {
    "ZS003" => rules_source::zs003,
    "ZS004" => rules_source::zs004,
    "ZS005" => rules_source::zs005,
    "ZS006" => rules_source::zs006,
    "ZS007" => rules_source::zs007,
    "ZS011" => rules_source::zs011,
    "ZT004" => rules_target::zt004,
    "ZT005" => rules_target::zt005,
    "ZT006" => rules_target::zt006,
    "ZT007" => rules_target::zt007,
    "ZT009" => rules_target::zt009,
    "ZT010" => rules_target::zt010,
    "ZT011" => rules_target::zt011,
    "ZT012" => rules_target::zt012,
    "ZT015" => rules_target::zt015,
    "ZT016" => rules_target::zt016,
    "ZT017" => rules_target::zt017,
    "ZP001" => rules_principal::zp001,
    "ZP002" => rules_principal::zp002,
    "ZP003" => rules_principal::zp003,
    "ZP004" => rules_principal::zp004,
    "ZP005" => rules_principal::zp005,
    "ZC002" => rules_hygiene::zc002,
    "ZC003" => rules_hygiene::zc003,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_requirement_parses_and_uses_known_placeholders() {
        let t = embedded();
        assert_eq!(t.error(), None);
        for (id, reqs) in &t.by_rule {
            for r in reqs.as_ref().unwrap() {
                for name in super::super::super::requirement::placeholders_used(r) {
                    assert!(
                        super::super::super::requirement::PLACEHOLDERS.contains(&name.as_str()),
                        "{id}: unknown placeholder {{{name}}}"
                    );
                }
            }
        }
    }

    #[test]
    fn requirement_driven_rules_have_requirements() {
        for id in [
            "ZS004", "ZT005", "ZT006", "ZT009", "ZT010", "ZT011", "ZT012", "ZT015", "ZT017",
            "ZP001", "ZP002", "ZP004", "ZP005",
        ] {
            assert!(
                !embedded().requirements(id).is_empty(),
                "{id} has no [[requirement]]"
            );
        }
    }
}
