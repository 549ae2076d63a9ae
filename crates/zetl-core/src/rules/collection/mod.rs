//! The doctor's own collection and policy hygiene (`ZC`): every check that could not run,
//! reported once per missing IAM action (and which read-only policy file grants it); policies
//! that name principals by unique id or ARNs that match nothing (`hygiene`).

mod hygiene;

pub use hygiene::*;

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::report::Side;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::PairFacts;
use crate::rules::runner::Ctx;
use crate::snapshot::{Unknown, UnknownReason};

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

/// The integration's CloudWatch logs are read in each account and kept on that account's copy
/// of the integration (`integrations.source` / `integrations.target`): a `logs:` read that
/// failed is reported for the account(s) where it did (`true`: source), not by the rule's side.
/// `None` for every other action.
fn per_account_copies(facts: &PairFacts<'_>, action: &str) -> Option<Vec<bool>> {
    if !action.starts_with("logs:") {
        return None;
    }
    let integrations = &facts.snapshot.integrations;
    let sides: Vec<bool> = [(true, &integrations.source), (false, &integrations.target)]
        .into_iter()
        .filter(|(_, list)| {
            let mut found = Vec::new();
            if let Ok(v) = serde_json::to_value(list) {
                collect_unknowns(&v, action, &mut found);
            }
            !found.is_empty()
        })
        .map(|(source, _)| source)
        .collect();
    (!sides.is_empty()).then_some(sides)
}

/// When every fact of the snapshot that could not be read with `action` failed for a reason
/// other than a denial (endpoint error, throttling, credentials): those reasons, e.g.
/// `endpoint_error: HTTP 500`. `None` when the doctor was denied it (or no fact says).
fn call_failures(facts: &PairFacts<'_>, action: &str) -> Option<String> {
    let mut found = Vec::new();
    collect_unknowns(
        &serde_json::to_value(facts.snapshot).ok()?,
        action,
        &mut found,
    );
    let denied = |u: &Unknown| matches!(u.reason, UnknownReason::AccessDenied);
    if found.is_empty() || found.iter().any(denied) {
        return None;
    }
    let mut why: Vec<String> = found
        .iter()
        .map(|u| {
            let reason = serde_json::to_value(&u.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            match &u.message {
                Some(m) => format!("{reason}: {m}"),
                None => reason,
            }
        })
        .collect();
    why.sort();
    why.dedup();
    Some(why.join("; "))
}

/// Every `{"$unknown": {...}}` fact in a serialized snapshot whose action is `action`.
fn collect_unknowns(v: &Value, action: &str, out: &mut Vec<Unknown>) {
    match v {
        Value::Object(map) => {
            if let Some(u) = map.get("$unknown") {
                if let Ok(u) = serde_json::from_value::<Unknown>(u.clone()) {
                    if u.action.as_deref() == Some(action) {
                        out.push(u);
                    }
                }
            }
            map.values().for_each(|x| collect_unknowns(x, action, out));
        }
        Value::Array(items) => items.iter().for_each(|x| collect_unknowns(x, action, out)),
        _ => {}
    }
}

/// The identity zetl read an account with, as `attach-role-policy` / `attach-user-policy`
/// name it: `(true, name)` for a user, `(false, name)` for a role (an assumed-role session is
/// its role). `None` when the snapshot does not say (read offline) or it is neither.
fn caller_identity(caller_arn: Option<&str>) -> Option<(bool, String)> {
    let resource = caller_arn?.split(':').nth(5)?;
    let mut parts = resource.split('/');
    match parts.next()? {
        "assumed-role" => parts.next().map(|role| (false, role.to_string())),
        "role" => resource.rsplit('/').next().map(|r| (false, r.to_string())),
        "user" => resource.rsplit('/').next().map(|u| (true, u.to_string())),
        _ => None,
    }
    .filter(|(_, name)| !name.is_empty())
}

/// A missing read permission: create zetl's read-only policy for that account from `file` and
/// attach it to the identity zetl reads the account with (`YOUR-ROLE` when unknown), with that
/// account's profile.
fn grant_problem(ctx: &Ctx, file: &str, side: Side) -> Problem {
    let facts = ctx.facts;
    let account = match side {
        Side::Source => &facts.snapshot.accounts.source,
        _ => &facts.snapshot.accounts.target,
    };
    let policy_name = file
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".json"))
        .unwrap_or(file);
    let profile = facts
        .values
        .params_for(side, ctx.settings)
        .get("profile")
        .cloned()
        .unwrap_or_default();
    let (user, caller) = caller_identity(account.caller_arn.as_deref())
        .unwrap_or_else(|| (false, "YOUR-ROLE".to_string()));
    let problem = Problem::new("fail", facts.label())
        .param("policy_file", file)
        .param("policy_name", policy_name)
        .param("caller", caller)
        .param("profile", profile);
    if user {
        problem.fix_variant("user")
    } else {
        problem
    }
}

pub fn zc001_fact_not_readable(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    // action -> rules that needed it
    let mut by_action: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (rule_id, outcome) in ctx.earlier {
        if !ctx.selected.contains(rule_id) || *rule_id == ctx.rule.id {
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
    let side_of = |rule_id: &str| ctx.catalog.get(rule_id).map(|r| r.side);
    let mut action_problems: Vec<Problem> = by_action
        .into_iter()
        .flat_map(|(action, rules)| {
            let sides = per_account_copies(facts, &action).unwrap_or_else(|| {
                vec![source_side(&action, rules.first().and_then(|r| side_of(r)))]
            });
            sides.into_iter().map(move |source| (action.clone(), rules.clone(), source))
        })
        .map(|(action, rules, source)| {
            let (file, account, side) = if source {
                (SOURCE_POLICY_FILE, facts.source_account.clone(), Side::Source)
            } else {
                (TARGET_POLICY_FILE, facts.target_account.clone(), Side::Target)
            };
            let reasons: Vec<String> = rules
                .iter()
                .filter_map(|r| match ctx.earlier.get(r) {
                    Some(Outcome::Unknown { reason, .. }) => Some(reason.clone()),
                    _ => None,
                })
                .collect();
            let problem = match call_failures(facts, &action) {
                // The call was made and failed for another reason (HTTP 5xx, throttling, no
                // credentials): granting the action would not help.
                Some(why) => Problem::new("unreadable", facts.label())
                    .param("why", why)
                    .fix_variant("unreadable"),
                None => grant_problem(ctx, file, side),
            };
            problem
                .param("action", action.clone())
                .param("rules", rules.join(", "))
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::rules::{catalog, run, Settings};
    use crate::snapshot::{Fact, Unknown, UnknownReason};

    const HEALTHY: &str = include_str!("../../../../../fixtures/healthy/cross-account.json");

    /// ZC001's finding when the target's integration resource property (ZT013's fact) could
    /// not be read for `reason`.
    fn zc001(reason: UnknownReason, message: &str) -> (String, String) {
        let mut snap = crate::snapshot::from_str(HEALTHY, Path::new("healthy.json")).unwrap();
        let database = "arn:aws:glue:us-east-1:222222222222:database/lake".to_string();
        let unknown = Fact::Unknown(Unknown {
            reason,
            action: Some("glue:GetIntegrationResourceProperty".into()),
            message: Some(message.into()),
        });
        snap.resource_properties.insert(database, unknown);
        let report = run(&snap, catalog().unwrap(), &Settings::default());
        let found: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule == "ZC001")
            .collect();
        assert_eq!(found.len(), 1, "{:?}", report.findings);
        let fix = found[0].fix.as_ref().map(|f| f.summary.clone());
        (found[0].message.clone(), fix.unwrap_or_default())
    }

    #[test]
    fn a_denied_read_names_the_missing_action_and_the_policy_file() {
        let (message, fix) = zc001(UnknownReason::AccessDenied, "not authorized");
        assert!(
            message
                .contains("glue:GetIntegrationResourceProperty is missing in account 222222222222"),
            "{message}"
        );
        assert!(
            fix.contains("permissions/zetl-target-readonly.json"),
            "{fix}"
        );
    }

    #[test]
    fn a_server_error_is_not_reported_as_a_missing_permission() {
        let (message, fix) = zc001(UnknownReason::EndpointError, "HTTP 500");
        assert!(
            message.contains(
                "glue:GetIntegrationResourceProperty failed in account 222222222222 (endpoint_error: HTTP 500)"
            ),
            "{message}"
        );
        assert!(fix.starts_with("Not a missing permission"), "{fix}");
        assert!(!fix.contains("permissions/"), "{fix}");
        let (message, _) = zc001(UnknownReason::Throttled, "Rate exceeded");
        assert!(message.contains("(throttled: Rate exceeded)"), "{message}");
    }
}
