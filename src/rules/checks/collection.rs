//! ZC001: every check that could not run, reported once per missing IAM action (what the
//! doctor's own role lacks and which read-only policy file grants it), plus the checks that
//! could not run for another reason. Runs after every other rule.
//!
//! Message keys and params:
//! - `fail` {action, rules, policy_file, account} (one per missing action)
//! - `not_verifiable` {rule, reason} (one per unknown check with no missing action)

use std::collections::BTreeMap;

use serde_json::json;

use crate::report::Side;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::PairFacts;
use crate::rules::runner::{CheckContext, CheckFn};

pub const CHECKS: &[(&str, CheckFn)] = &[("ZC001", zc001_unknown_facts)];

pub const SOURCE_POLICY_FILE: &str = "permissions/zetl-source-readonly.json";
pub const TARGET_POLICY_FILE: &str = "permissions/zetl-target-readonly.json";

/// Which account's read-only policy grants `action` for a rule on `side`.
fn source_side(action: &str, side: Option<Side>) -> bool {
    let action = action.to_ascii_lowercase();
    if action.starts_with("dynamodb:") || action == "glue:describeintegrations" {
        return true;
    }
    if action.starts_with("s3:")
        || action.starts_with("lakeformation:")
        || action.starts_with("glue:")
    {
        return false;
    }
    matches!(side, Some(Side::Source))
}

fn zc001_unknown_facts(facts: &PairFacts<'_>, ctx: &CheckContext<'_>) -> Outcome {
    // action -> rules that needed it
    let mut by_action: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (rule_id, outcome) in ctx.earlier {
        if !ctx.selected.contains(rule_id) || rule_id == "ZC001" {
            continue;
        }
        let Outcome::Unknown {
            reason,
            missing_action,
        } = outcome
        else {
            continue;
        };
        match missing_action {
            Some(action) => by_action
                .entry(action.clone())
                .or_default()
                .push(rule_id.clone()),
            None => problems.push(
                Problem::new("not_verifiable", facts.label())
                    .param("rule", rule_id.clone())
                    .param("reason", reason.clone())
                    .fix_variant("not_verifiable")
                    .evidence(json!({"rule": rule_id, "reason": reason})),
            ),
        }
    }
    let side_of = |rule_id: &str| ctx.rules.iter().find(|r| r.id == rule_id).map(|r| r.side);
    let mut action_problems: Vec<Problem> = by_action
        .into_iter()
        .map(|(action, rules)| {
            let source = source_side(&action, rules.first().and_then(|r| side_of(r)));
            let (file, account) = if source {
                (SOURCE_POLICY_FILE, facts.source_account.clone())
            } else {
                (TARGET_POLICY_FILE, facts.target_account.clone())
            };
            let reasons: Vec<String> = rules
                .iter()
                .filter_map(|r| match ctx.earlier.get(r) {
                    Some(Outcome::Unknown { reason, .. }) => Some(reason.clone()),
                    _ => None,
                })
                .collect();
            Problem::new("fail", facts.label())
                .param("action", action.clone())
                .param("rules", rules.join(", "))
                .param("policy_file", file)
                .param("account", account.clone())
                .evidence(json!({"action": action, "rules": rules, "account": account, "policy_file": file, "reasons": reasons}))
        })
        .collect();
    action_problems.append(&mut problems);
    if action_problems.is_empty() {
        Outcome::pass(json!({"unknown_checks": 0}))
    } else {
        Outcome::Fail(action_problems)
    }
}
