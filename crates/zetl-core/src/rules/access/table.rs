//! The access checks' registry table, and the `[[requirement]]` tables they read from the
//! embedded rule files (`rules/<ID>.toml`).

use std::sync::OnceLock;

use crate::rules::catalog::Catalog;
use crate::rules::runner::{CheckContext, CheckFn};
use crate::rules::PairFacts;

use super::super::requirement::Requirement;
use super::common::Requirements;
use super::outcome::Outcome;
use super::synth::Profiles;
use super::{rules_hygiene, rules_principal, rules_source, rules_target, Scope};

/// The rule catalog, loaded once; its rules' `[[requirement]]` tables drive the access checks.
pub fn embedded() -> Result<&'static Catalog, &'static str> {
    static CATALOG: OnceLock<Result<Catalog, String>> = OnceLock::new();
    CATALOG
        .get_or_init(|| Catalog::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(String::as_str)
}

impl Requirements for Catalog {
    fn requirements(&self, rule: &str) -> &[Requirement] {
        self.get(rule)
            .map(|r| r.requirement.as_slice())
            .unwrap_or(&[])
    }
}

/// An access check over a pair's scope and the rules' requirements.
pub type AccessCheck = fn(&Scope, &dyn Requirements) -> Outcome;

/// Runs an access check for one pair with the embedded requirements.
fn run(check: AccessCheck, facts: &PairFacts<'_>, ctx: &CheckContext<'_>) -> Outcome {
    let table = match embedded() {
        Ok(t) => t,
        Err(e) => {
            return Outcome::Unknown {
                reason: format!("the rule catalog is invalid: {e}"),
                missing_action: None,
            }
        }
    };
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
    use crate::rules::requirement::{placeholders_used, PLACEHOLDERS};

    #[test]
    fn every_requirement_uses_known_placeholders() {
        let catalog = embedded().unwrap();
        for rule in catalog.rules() {
            for r in &rule.requirement {
                for name in placeholders_used(r) {
                    assert!(
                        PLACEHOLDERS.contains(&name.as_str()),
                        "{}: unknown placeholder {{{name}}}",
                        rule.id
                    );
                }
            }
        }
    }

    #[test]
    fn requirement_driven_rules_have_requirements() {
        let catalog = embedded().unwrap();
        for id in [
            "ZS004", "ZT005", "ZT006", "ZT009", "ZT010", "ZT011", "ZT012", "ZT015", "ZT017",
            "ZP001", "ZP002", "ZP004", "ZP005",
        ] {
            assert!(
                !catalog.requirements(id).is_empty(),
                "{id} has no [[requirement]]"
            );
        }
    }

    #[test]
    fn every_access_check_is_a_catalog_rule() {
        let catalog = embedded().unwrap();
        for (id, _) in CHECKS {
            assert!(catalog.get(id).is_some(), "{id}");
        }
    }
}
