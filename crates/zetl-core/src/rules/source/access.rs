//! Source-account access rules: the table policy (ZS003-ZS007) and the table key (ZS011).

use std::collections::BTreeMap;

use crate::policy_edit::FixAction;
use serde_json::{json, Value};

use crate::policy::{
    evaluate, Decision, NamedPolicy, PolicyDocument, PolicySet, Request, ResourcePolicyKind,
};
use crate::policy_edit::command::{CommandTarget, PolicyCommand, TypedCommand};
use crate::policy_edit::deny_edit::DenyEdit;
use crate::policy_edit::document::{policy_object, statements};
use crate::policy_edit::merge::{merge_statement, remove_statement, replace_statement};
use crate::policy_edit::{correct_conditions, exclude_glue_from_deny, ConditionEdit, PolicyKind};
use crate::snapshot::Fact;

use super::conditions::{wrong_source, WrongSource};
use crate::rules::engine::common::{
    fix_for_failing, gather, generic, request_evidence, unknown_keys_outcome,
};
use crate::rules::engine::evaluate::{Evaluated, Side};
use crate::rules::engine::policies::{key_policy, present, table_policy};
use crate::rules::engine::principals::GLUE_SERVICE;
use crate::rules::engine::scan::unscoped_service_grants;
use crate::rules::engine::synth::statement_for;
use crate::rules::messages::sentence;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::PairFacts;
use crate::rules::runner::Ctx;

/// The write of the pair's table policy, guarded by the revision that was read.
fn table_policy_put(scope: &PairFacts) -> PolicyCommand {
    let revision = scope
        .snapshot
        .tables
        .get(scope.values.get("table_arn").unwrap_or_default())
        .and_then(|t| t.resource_policy.known())
        .and_then(|p| p.as_ref())
        .and_then(|p| p.revision_id.clone());
    PolicyCommand::DynamoDbPutResourcePolicy {
        table_arn: scope.values.get("table_arn").unwrap_or_default().into(),
        expected_revision_id: revision,
    }
}

/// The table-policy write, in the source account.
fn table_policy_write(scope: &PairFacts) -> TypedCommand {
    table_policy_put(scope).at(source_target(scope))
}

fn source_target(scope: &PairFacts) -> CommandTarget {
    CommandTarget::new(
        scope.values.get("source_region").unwrap_or_default(),
        scope.profiles.source.as_deref(),
    )
}

/// ZS003: the table has a resource-based policy at all.
pub fn zs003_table_policy_missing(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    match table_policy(scope.snapshot, &scope.values) {
        Err(u) => u.into(),
        Ok(Some(_)) => Outcome::Pass {
            evidence: json!({"table_policy": "present"}),
        },
        Ok(None) => {
            let export = &*ctx.requirements();
            let ids: Vec<&str> = export.iter().map(|r| r.id.as_str()).collect();
            let mut p = Problem {
                message_key: "fail".into(),
                params: BTreeMap::new(),
                resource: scope.values.get("table_arn").unwrap_or_default().into(),
                evidence: json!({"table_policy": null}),
                ..Problem::new("fail", "")
            };
            match fix_for_failing(scope, export, &ids, None) {
                Ok(Some(fix)) => fix.attach_to(&mut p),
                Ok(None) => {}
                Err(e) => {
                    p.params.insert("fix_error".into(), e);
                }
            }
            Outcome::Fail(vec![p])
        }
    }
}

/// The ZS004 requests, or the outcome that stops a check before them.
fn export_requests(ctx: &Ctx) -> Result<(Vec<Evaluated>, Value), Outcome> {
    let scope = ctx.facts;
    let stored = present(table_policy(scope.snapshot, &scope.values), || {
        ctx.text("skip_no_table_policy", &[])
    })?
    .json;
    let evals = gather(scope, &ctx.requirements(), Side::Both)?;
    Ok((evals, stored))
}

/// Re-evaluates a Glue request against another version of the table policy.
fn reevaluate(e: &Evaluated, policy: &Value, resource: Option<&str>) -> Option<Decision> {
    let doc = PolicyDocument::from_value(policy).ok()?;
    let set = PolicySet::new().resource(
        NamedPolicy::new("table policy", &doc),
        ResourcePolicyKind::Generic,
    );
    let principal = crate::policy::Principal::Service {
        service: GLUE_SERVICE.into(),
    };
    let request = Request::new(principal, &e.action, resource.unwrap_or(&e.resource))
        .with_context(e.context.clone());
    Some(evaluate(&request, &set).decision)
}

/// The policy without its Deny statements (what ZS004 judges; Denies are ZS007's).
fn without_denies(stored: &Value) -> Option<Value> {
    let mut doc = policy_object(stored).ok()?;
    let kept: Vec<Value> = statements(&doc)
        .into_iter()
        .filter(|s| s.get("Effect").and_then(Value::as_str) != Some("Deny"))
        .collect();
    doc.insert("Statement".into(), Value::Array(kept));
    Some(Value::Object(doc))
}

/// ZS004: Glue may export the table and describe the export.
pub fn zs004_table_policy_denies_glue_export(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let (evals, stored) = match export_requests(ctx) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let mut failing: Vec<&Evaluated> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut handled_elsewhere: Vec<String> = Vec::new();
    for e in &evals {
        match e.evaluation.decision {
            Decision::Allowed | Decision::Unknown => {}
            // No policy change can fix it (Glue's requests never meet AWS's own rules).
            Decision::DeniedByAws => failing.push(e),
            Decision::ExplicitlyDenied => {
                let allowed_without = without_denies(&stored).and_then(|p| reevaluate(e, &p, None))
                    == Some(Decision::Allowed);
                if allowed_without {
                    handled_elsewhere
                        .push(ctx.text("handled_by_deny_rule", &[("action", &e.action)]));
                } else {
                    failing.push(e);
                }
            }
            Decision::ImplicitlyDenied => {
                if e.evaluation
                    .near_misses
                    .iter()
                    .any(|m| wrong_source(m, &scope.values).is_some())
                {
                    handled_elsewhere
                        .push(ctx.text("handled_by_condition_rule", &[("action", &e.action)]));
                    continue;
                }
                let table_arn = scope.values.get("table_arn").unwrap_or_default();
                let on_table = e.action.eq_ignore_ascii_case("dynamodb:DescribeExport")
                    && reevaluate(e, &stored, Some(table_arn)) == Some(Decision::Allowed);
                if on_table {
                    warnings.push(ctx.text("describe_export_on_table", &[]));
                } else {
                    failing.push(e);
                }
            }
        }
    }
    if failing.is_empty() {
        if let Some(u) = unknown_keys_outcome(&evals) {
            return u;
        }
        return Outcome::Pass {
            evidence: json!({
                "requests": evals.iter().map(|e| json!({"request": e.request_json(), "decision": e.evaluation.decision})).collect::<Vec<_>>(),
                "warnings": warnings,
                "reported_by_other_rules": handled_elsewhere,
            }),
        };
    }
    let mut params = BTreeMap::new();
    params.insert(
        "actions".into(),
        failing
            .iter()
            .map(|e| e.action.clone())
            .collect::<Vec<_>>()
            .join(", "),
    );
    params.insert("principal".into(), GLUE_SERVICE.into());
    let mut p = Problem {
        message_key: "fail".into(),
        resource: scope.values.get("table_arn").unwrap_or_default().into(),
        evidence: json!({
            "denied": failing.iter().map(|e| request_evidence(e)).collect::<Vec<_>>(),
            "warnings": warnings,
        }),
        ..Problem::new("fail", "")
    };
    let ids: Vec<&str> = failing.iter().map(|e| e.requirement.as_str()).collect();
    match fix_for_failing(scope, &ctx.requirements(), &ids, None) {
        Ok(Some(fix)) => {
            p.evidence["fix_changes"] = json!(fix.changes);
            fix.attach_to(&mut p);
        }
        Ok(None) => {}
        Err(e) => {
            params.insert("fix_error".into(), e);
        }
    }
    p.params = params;
    Outcome::Fail(vec![p])
}

/// ZS005: a Glue statement whose source condition names the wrong account, region, service
/// or resource, or uses StringEquals with a `*`.
pub fn zs005_table_policy_wrong_source_condition(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let (evals, stored) = match export_requests(ctx) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let mut found: Vec<WrongSource> = Vec::new();
    for e in evals
        .iter()
        .filter(|e| e.evaluation.decision == Decision::ImplicitlyDenied)
    {
        for m in &e.evaluation.near_misses {
            if let Some(w) = wrong_source(m, &scope.values) {
                if !found.iter().any(|f| f.statement_index == w.statement_index) {
                    found.push(w);
                }
            }
        }
    }
    if found.is_empty() {
        return Outcome::Pass {
            evidence: json!({"wrong_source_conditions": []}),
        };
    }
    let mut policy = stored.clone();
    let mut fix_error = None;
    for w in &found {
        let current = policy_object(&policy).ok().map(|d| statements(&d));
        let Some(stmt) = current.and_then(|s| s.get(w.statement_index).cloned()) else {
            continue;
        };
        let fixed = correct_conditions(&stmt, &w.edits);
        match replace_statement(
            &policy,
            w.statement_index,
            &fixed,
            PolicyKind::DynamoDbTable,
        ) {
            Ok(p) => policy = p,
            Err(e) => fix_error = Some(e.to_string()),
        }
    }
    let problems = found
        .iter()
        .map(|w| {
            let mut params = BTreeMap::new();
            params.insert(
                "statement".into(),
                statement_name(w.sid.as_deref(), w.statement_index),
            );
            params.insert("problems".into(), w.problems.join("; "));
            params.insert(
                "corrections".into(),
                w.edits
                    .iter()
                    .map(ConditionEdit::describe)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            if let Some(e) = &fix_error {
                params.insert("fix_error".into(), e.clone());
            }
            Problem {
                message_key: "fail".into(),
                params,
                resource: scope.values.get("table_arn").unwrap_or_default().into(),
                evidence: json!({"statement_index": w.statement_index, "sid": w.sid,
                                  "problems": w.problems, "corrections": w.edits}),
                fix_policy: fix_error.is_none().then(|| policy.clone()),
                writes: vec![table_policy_write(scope)],
                apply: fix_error
                    .is_none()
                    .then(|| FixAction::Policy(table_policy_put(scope))),
                ..Problem::new("fail", "")
            }
        })
        .collect();
    Outcome::Fail(problems)
}

fn statement_name(sid: Option<&str>, index: usize) -> String {
    crate::rules::values::statement_name(sid, index)
}

/// ZS006: a statement grants Glue (or everyone) access with no confused-deputy condition.
pub fn zs006_table_policy_confused_deputy(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let loaded = match present(table_policy(scope.snapshot, &scope.values), || {
        ctx.text("skip_no_table_policy", &[])
    }) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let found = unscoped_service_grants(&loaded.document);
    if found.is_empty() {
        return Outcome::Pass {
            evidence: json!({"unscoped_statements": []}),
        };
    }
    let account = scope.values.source_account.clone();
    let arn = scope
        .values
        .get("integration_source_arn")
        .unwrap_or_default()
        .to_string();
    let edits = [
        ConditionEdit {
            key: "aws:SourceAccount".into(),
            old_operator: String::new(),
            old_values: vec![],
            new_operator: "StringEquals".into(),
            new_values: vec![account],
        },
        ConditionEdit {
            key: "aws:SourceArn".into(),
            old_operator: String::new(),
            old_values: vec![],
            new_operator: "ArnLike".into(),
            new_values: vec![arn],
        },
    ];
    let mut policy = loaded.json.clone();
    for &i in &found {
        let stmt = policy_object(&policy)
            .ok()
            .and_then(|d| statements(&d).get(i).cloned());
        if let Some(stmt) = stmt {
            if let Ok(p) = replace_statement(
                &policy,
                i,
                &correct_conditions(&stmt, &edits),
                PolicyKind::DynamoDbTable,
            ) {
                policy = p;
            }
        }
    }
    let names: Vec<String> = found
        .iter()
        .map(|&i| statement_name(loaded.document.statements[i].sid.as_deref(), i))
        .collect();
    let mut params = BTreeMap::new();
    params.insert("statement".into(), names.join(", "));
    Outcome::Fail(vec![Problem {
        message_key: "fail".into(),
        params,
        resource: scope.values.get("table_arn").unwrap_or_default().into(),
        evidence: json!({"unscoped_statements": found}),
        fix_policy: Some(policy),
        writes: vec![table_policy_write(scope)],
        ..Problem::new("fail", "")
    }])
}

/// ZS007: an explicit Deny in the table policy matches one of Glue's export requests.
pub fn zs007_table_policy_explicit_deny(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let (evals, stored) = match export_requests(ctx) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let denied: Vec<&Evaluated> = evals
        .iter()
        .filter(|e| e.evaluation.decision == Decision::ExplicitlyDenied)
        .collect();
    if denied.is_empty() {
        return Outcome::Pass {
            evidence: json!({"explicit_denies": []}),
        };
    }
    let mut indices: Vec<usize> = denied
        .iter()
        .flat_map(|e| e.evaluation.deciding.iter())
        .filter(|s| s.policy == "table policy")
        .map(|s| s.index)
        .collect();
    indices.sort_unstable();
    indices.dedup();
    let mut names = Vec::new();
    let mut edits = Vec::new();
    let mut policy = stored.clone();
    let mut removals = Vec::new();
    let current = policy_object(&stored)
        .map(|d| statements(&d))
        .unwrap_or_default();
    for &i in &indices {
        let Some(stmt) = current.get(i) else { continue };
        names.push(statement_name(stmt.get("Sid").and_then(Value::as_str), i));
        match exclude_glue_from_deny(stmt, GLUE_SERVICE) {
            DenyEdit::Narrowed { statement } => {
                edits.push(
                    json!({"statement_index": i, "edit": "narrowed", "statement": statement}),
                );
                if let Ok(p) = replace_statement(&policy, i, &statement, PolicyKind::DynamoDbTable)
                {
                    policy = p;
                }
            }
            DenyEdit::Removed => {
                edits.push(json!({"statement_index": i, "edit": "removed"}));
                removals.push(i);
            }
        }
    }
    for &i in removals.iter().rev() {
        if let Ok(p) = remove_statement(&policy, i) {
            policy = p;
        }
    }
    // The edit must really stop the Deny from matching Glue.
    let still_denied = denied
        .iter()
        .any(|e| reevaluate(e, &policy, None) == Some(Decision::ExplicitlyDenied));
    let mut params = BTreeMap::new();
    params.insert("statement".into(), names.join(", "));
    params.insert(
        "actions".into(),
        denied
            .iter()
            .map(|e| e.action.clone())
            .collect::<Vec<_>>()
            .join(", "),
    );
    Outcome::Fail(vec![Problem {
        message_key: "fail".into(),
        params,
        resource: scope.values.get("table_arn").unwrap_or_default().into(),
        evidence: json!({
            "denied": denied.iter().map(|e| request_evidence(e)).collect::<Vec<_>>(),
            "edits": edits,
            "fix_verified": !still_denied,
        }),
        fix_policy: Some(policy),
        writes: vec![table_policy_write(scope)],
        apply: Some(FixAction::Policy(table_policy_put(scope))),
        ..Problem::new("fail", "")
    }])
}

/// ZS011 (warning, inference): the table's customer-managed key policy lets Glue decrypt with
/// the key.
pub fn zs011_table_key_policy_no_glue(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let Some(key) = scope.values.get("source_key_arn") else {
        return Outcome::Pass {
            evidence: json!({"key": "AWS owned (no customer-managed key)"}),
        };
    };
    match scope.snapshot.kms_keys.get(key).map(|k| &k.metadata) {
        // An AWS-managed key's policy cannot be edited (and ZS008 already fails on it).
        Some(Fact::Known(m)) if m.key_manager != "CUSTOMER" || m.is_aws_managed() => {
            return Outcome::Pass {
                evidence: json!({"key": key, "key_manager": m.key_manager}),
            }
        }
        Some(Fact::Unknown(u)) => {
            return Outcome::Unknown {
                reason: u
                    .message
                    .clone()
                    .unwrap_or_else(|| sentence("unknown.key_not_described", &[("key", key)])),
                missing_action: Some(u.action.clone().unwrap_or_else(|| "kms:DescribeKey".into())),
            }
        }
        None => {
            return Outcome::Unknown {
                reason: sentence("unknown.not_in_snapshot", &[("what", key)]),
                missing_action: Some("kms:DescribeKey".into()),
            }
        }
        Some(Fact::Known(_)) => {}
    }
    // The key policy must let Glue decrypt (an inference: AWS documents the statement for
    // Redshift): evaluated like any access requirement. The engine does not rewrite key
    // policies, so the fix merges the requirement's statement here.
    let requirements = ctx.requirements();
    let mut problems = match generic(scope, &requirements, Side::Both) {
        Outcome::Fail(problems) => problems,
        other => return other,
    };
    let loaded = match key_policy(scope.snapshot, key) {
        Ok(p) => p,
        Err(u) => return u.into(),
    };
    let statement = requirements
        .iter()
        .find_map(|r| statement_for(scope, r, None).ok().flatten());
    for p in problems.iter_mut().filter(|p| p.message_key == "fail") {
        p.evidence["inference"] = json!(true);
        let Some(statement) = &statement else {
            continue;
        };
        match merge_statement(Some(&loaded.json), statement, PolicyKind::KmsKey) {
            Ok((doc, _)) => {
                p.fix_policy = Some(doc);
                p.writes.push(
                    PolicyCommand::KmsPutKeyPolicy {
                        key_id: key.to_string(),
                    }
                    .at(source_target(scope)),
                );
            }
            Err(e) => {
                p.params.insert("fix_error".into(), e.to_string());
            }
        }
    }
    Outcome::Fail(problems)
}
