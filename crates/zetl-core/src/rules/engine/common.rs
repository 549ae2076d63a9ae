//! Pieces every access check shares: gathering requirement results into an outcome, the
//! evidence a finding carries, and the fix built from the failing requirements.

use crate::policy_edit::{FixAction, TypedCommand};
use crate::rules::messages::sentence;
use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::policy::{Decision, MissReason};

use crate::policy_edit::document::{policy_object, statements};
use crate::policy_edit::merge::replace_statement;
use crate::policy_edit::{
    exclude_glue_from_deny, exclude_principal_from_deny, DenyEdit, PolicyKind,
};
use crate::rules::engine::evaluate::{evaluate_requirement, Evaluated, RequirementResult, Side};
use crate::rules::engine::policies;
use crate::rules::engine::principals::NoRequester;
use crate::rules::engine::principals::GLUE_SERVICE;
use crate::rules::engine::requirement::{Applies, PolicySource, Requirement};
use crate::rules::engine::synth::put_write;
use crate::rules::engine::synth::{fix_into, plan, statement_for, PlannedFix};
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::PairFacts;

/// Evaluates the requirements that apply to this pair; an outcome when they cannot be.
pub fn gather(
    scope: &PairFacts,
    reqs: &[Requirement],
    side: Side,
) -> Result<Vec<Evaluated>, Outcome> {
    let mut out = Vec::new();
    for req in reqs {
        if req.applies == Applies::CrossAccount && !scope.values.cross_account() {
            continue;
        }
        match evaluate_requirement(scope, req, side) {
            RequirementResult::Evaluated(mut e) => out.append(&mut e),
            RequirementResult::Unreadable(u) => {
                return Err(Outcome::Unknown {
                    reason: u.reason,
                    missing_action: u.action,
                })
            }
            RequirementResult::NoRequester(n) => return Err(no_requester(n)),
        }
    }
    Ok(out)
}

pub fn no_requester(n: NoRequester) -> Outcome {
    match n {
        NoRequester::NotGiven(role) => Outcome::Skipped {
            reason: sentence("skip.not_given", &[("flag", role.flag())]),
        },
        NoRequester::DoesNotExist(name) => Outcome::Skipped {
            reason: sentence("skip.does_not_exist", &[("name", &name)]),
        },
        NoRequester::Unreadable(name, u) => Outcome::Unknown {
            reason: u
                .message
                .unwrap_or_else(|| sentence("unknown.not_read", &[("what", &name)])),
            missing_action: u.action,
        },
        NoRequester::Invalid(name, why) => Outcome::Unknown {
            reason: sentence(
                "unknown.not_iam_principal",
                &[("name", &name), ("why", &why)],
            ),
            missing_action: None,
        },
    }
}

/// A request and its decision, as a finding's evidence shows it.
pub fn request_evidence(e: &Evaluated) -> Value {
    json!({
        "requirement": e.requirement,
        "request": e.request_json(),
        "decision": e.evaluation.decision,
        "deciding": e.evaluation.deciding.iter().map(|s| s.describe()).collect::<Vec<_>>(),
        "near_misses": e.evaluation.near_misses.iter().map(|m| json!({
            "statement": m.statement.describe(),
            "reasons": m.reasons.iter().map(|r| r.describe()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unknown_keys": e.evaluation.unknown_keys,
        "explanation": e.evaluation.explanation,
    })
}

pub fn denied(e: &Evaluated) -> bool {
    matches!(
        e.evaluation.decision,
        Decision::ImplicitlyDenied | Decision::ExplicitlyDenied | Decision::DeniedByAws
    )
}

/// `Unknown` when some decision turns on a key zetl cannot know (and none is denied).
pub fn unknown_keys_outcome(evals: &[Evaluated]) -> Option<Outcome> {
    let mut keys: Vec<String> = Vec::new();
    for e in evals
        .iter()
        .filter(|e| e.evaluation.decision == Decision::Unknown)
    {
        for k in &e.evaluation.unknown_keys {
            if !keys.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                keys.push(k.clone());
            }
        }
    }
    if evals
        .iter()
        .all(|e| e.evaluation.decision != Decision::Unknown)
    {
        return None;
    }
    Some(Outcome::Unknown {
        reason: if keys.is_empty() {
            sentence("unknown.undecidable", &[])
        } else {
            sentence(
                "unknown.unknown_condition_keys",
                &[("keys", &keys.join(", "))],
            )
        },
        missing_action: None,
    })
}

/// The fix for the failing requirements: their statements merged into their document.
pub fn fix_for_failing(
    scope: &PairFacts,
    reqs: &[Requirement],
    failing: &[&str],
    principal_override: Option<&str>,
) -> Result<Option<PlannedFix>, String> {
    let mut statements = Vec::new();
    let mut into: Option<PolicySource> = None;
    let mut role = None;
    let mut policy_name = "zetl-zero-etl".to_string();
    for req in reqs.iter().filter(|r| failing.contains(&r.id.as_str())) {
        let Some(stmt) = statement_for(scope, req, principal_override)? else {
            continue;
        };
        if !statements.contains(&stmt) {
            statements.push(stmt);
        }
        into.get_or_insert(fix_into(req));
        role.get_or_insert(req.principal);
        if let Some(n) = req.fix.as_ref().and_then(|f| f.policy_name.clone()) {
            policy_name = n;
        }
    }
    let (Some(into), Some(role)) = (into, role) else {
        return Ok(None);
    };
    plan(scope, into, role, &statements, &policy_name)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The standard access check: every request of every requirement must be allowed.
pub fn generic(scope: &PairFacts, reqs: &[Requirement], side: Side) -> Outcome {
    let evals = match gather(scope, reqs, side) {
        Ok(e) => e,
        Err(o) => return o,
    };
    judge(scope, reqs, &evals, None)
}

/// [`generic`] for rules that refine a failure (ZP001, ZT010): the failing problems with the
/// evaluated requests behind them, or the final outcome when there is no failure.
pub fn generic_failure(
    scope: &PairFacts,
    reqs: &[Requirement],
) -> Result<(Vec<Evaluated>, Vec<Problem>), Outcome> {
    let evals = gather(scope, reqs, Side::Both)?;
    match judge(scope, reqs, &evals, None) {
        Outcome::Fail(problems) => Ok((evals, problems)),
        other => Err(other),
    }
}

/// True when every denied request is an implicit deny with a near miss whose every reason
/// passes `near`: access is granted, only scoped a little elsewhere (ZP001, ZT010 then warn).
pub fn denials_are_near_misses(evals: &[Evaluated], near: impl Fn(&MissReason) -> bool) -> bool {
    evals.iter().filter(|e| denied(e)).all(|e| {
        e.evaluation.decision == Decision::ImplicitlyDenied
            && e.evaluation
                .near_misses
                .iter()
                .any(|m| m.reasons.iter().all(&near))
    })
}

/// Turns every problem into a warning with the rule's `message_key` message.
pub fn downgrade_to_warning(problems: &mut [Problem], message_key: &str) {
    for p in problems {
        p.message_key = message_key.into();
        p.severity = Some(crate::report::Severity::Warning);
    }
}

/// Turns evaluated requests into an outcome with the synthesised fix.
pub fn judge(
    scope: &PairFacts,
    reqs: &[Requirement],
    evals: &[Evaluated],
    principal_override: Option<&str>,
) -> Outcome {
    let failed: Vec<&Evaluated> = evals.iter().filter(|e| denied(e)).collect();
    if failed.is_empty() {
        if let Some(u) = unknown_keys_outcome(evals) {
            return u;
        }
        return Outcome::Pass {
            evidence: json!({"requests": evals.iter().map(|e| json!({
                "request": e.request_json(),
                "decision": e.evaluation.decision,
                "deciding": e.evaluation.deciding.iter().map(|s| s.describe()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()}),
        };
    }
    Outcome::Fail(vec![problem_for(scope, reqs, &failed, principal_override)])
}

pub fn problem_for(
    scope: &PairFacts,
    reqs: &[Requirement],
    failed: &[&Evaluated],
    principal_override: Option<&str>,
) -> Problem {
    let mut params = BTreeMap::new();
    let explicit: Vec<String> = failed
        .iter()
        .filter(|e| e.evaluation.decision == Decision::ExplicitlyDenied)
        .flat_map(|e| e.evaluation.deciding.iter().map(|s| s.describe()))
        .collect();
    params.insert("principal".into(), failed[0].principal.clone());
    params.insert("denied".into(), denied_list(failed));
    // Each action once, in the order the requests were made (one request per resource).
    let mut actions: Vec<String> = Vec::new();
    for e in failed {
        if !actions.contains(&e.action) {
            actions.push(e.action.clone());
        }
    }
    params.insert("actions".into(), actions.join(", "));
    let mut failing: Vec<&str> = failed.iter().map(|e| e.requirement.as_str()).collect();
    failing.dedup();
    let mut evidence =
        json!({"denied": failed.iter().map(|e| request_evidence(e)).collect::<Vec<_>>()});
    let mut problem = Problem::new("fail", finding_resource(scope, reqs, failed));
    if !explicit.is_empty() {
        problem.message_key = "explicit_deny".into();
        params.insert("deny_statements".into(), explicit.join(", "));
        if let Some((policy, write, action)) = deny_fix(scope, failed) {
            problem.fix_policy = Some(policy);
            problem.writes.push(write);
            problem.apply = Some(action);
        }
    } else {
        match fix_for_failing(scope, reqs, &failing, principal_override) {
            Ok(Some(fix)) => {
                evidence["fix_changes"] = json!(fix.changes);
                fix.attach_to(&mut problem);
            }
            Ok(None) => {}
            Err(e) => {
                params.insert("fix_error".into(), e.clone());
                evidence["fix_error"] = json!(e);
            }
        }
    }
    // Only lesser grants fail (listed by AWS, not needed by a working setup): say so.
    let lesser: Vec<&Requirement> = reqs
        .iter()
        .filter(|r| failing.contains(&r.id.as_str()))
        .collect();
    if !lesser.is_empty() && lesser.iter().all(|r| r.severity.is_some()) {
        problem.severity = lesser.iter().filter_map(|r| r.severity).max();
        if let (Some(key), true) = (&lesser[0].message, explicit.is_empty()) {
            problem.message_key = key.clone();
        }
    }
    problem.params = params;
    problem.evidence = evidence;
    problem
}

/// When every deciding Deny sits in one resource policy of the pair: that policy with each
/// Deny narrowed so it stops matching this requester (Glue, or the IAM principal's ARN).
/// Denies in identity policies are left to their owner: the message names them.
fn deny_fix(scope: &PairFacts, failed: &[&Evaluated]) -> Option<(Value, TypedCommand, FixAction)> {
    let refs: Vec<_> = failed
        .iter()
        .filter(|e| e.evaluation.decision == Decision::ExplicitlyDenied)
        .flat_map(|e| e.evaluation.deciding.iter())
        .collect();
    let name = refs.first()?.policy.clone();
    if refs.iter().any(|r| r.policy != name) {
        return None;
    }
    let (s, v) = (scope.snapshot, &scope.values);
    let (loaded, kind, owner) = match name.as_str() {
        "table policy" => (
            policies::table_policy(s, v).ok()??,
            PolicyKind::DynamoDbTable,
            v.get("table_arn")?,
        ),
        "catalog policy" => (
            policies::catalog_policy(s, v).ok()??,
            PolicyKind::GlueCatalog,
            v.get("catalog_arn")?,
        ),
        "bucket policy" => (
            policies::bucket_policy(s, v).ok()??,
            PolicyKind::S3Bucket,
            v.get("bucket_arn")?,
        ),
        _ => return None,
    };
    let principal_arn = failed[0]
        .context
        .get("aws:PrincipalArn")
        .and_then(|c| c.values().first().cloned());
    let mut indices: Vec<usize> = refs.iter().map(|r| r.index).collect();
    indices.sort_unstable();
    indices.dedup();
    let mut policy = loaded.json.clone();
    for i in indices {
        let stmt = statements(&policy_object(&policy).ok()?).get(i)?.clone();
        let narrowed = match &principal_arn {
            Some(arn) => exclude_principal_from_deny(&stmt, arn),
            None => match exclude_glue_from_deny(&stmt, GLUE_SERVICE) {
                DenyEdit::Narrowed { statement } => statement,
                DenyEdit::Removed => return None,
            },
        };
        policy = replace_statement(&policy, i, &narrowed, kind).ok()?;
    }
    let write = put_write(scope, kind, owner)?;
    Some((policy, write.clone(), FixAction::Policy(write.command)))
}

/// `s3:PutObject, s3:DeleteObject on ARN; s3:ListBucket on ARN2`: actions grouped by resource.
fn denied_list(failed: &[&Evaluated]) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for e in failed {
        match groups.iter_mut().find(|(r, _)| *r == e.resource) {
            Some((_, actions)) if !actions.contains(&e.action) => actions.push(e.action.clone()),
            Some(_) => {}
            None => groups.push((e.resource.clone(), vec![e.action.clone()])),
        }
    }
    groups
        .iter()
        .map(|(r, a)| {
            sentence(
                "name.actions_on",
                &[("actions", &a.join(", ")), ("resource", r)],
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the finding is about: the thing the fix changes (the principal for an identity
/// statement, else the resource whose policy changes).
fn finding_resource(scope: &PairFacts, reqs: &[Requirement], failed: &[&Evaluated]) -> String {
    let into = reqs
        .iter()
        .find(|r| r.id == failed[0].requirement)
        .map(fix_into);
    let value = |k: &str| scope.values.get(k).map(String::from);
    match into {
        Some(PolicySource::Identity) => failed[0]
            .context
            .get("aws:PrincipalArn")
            .and_then(|v| v.values().first().cloned()),
        Some(PolicySource::TablePolicy) => value("table_arn"),
        Some(PolicySource::CatalogPolicy) => value("catalog_arn"),
        Some(PolicySource::Trust) => value("role_arn"),
        _ => None,
    }
    .unwrap_or_else(|| failed[0].resource.clone())
}
