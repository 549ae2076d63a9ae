//! Policy hygiene over every policy the pair involves: principals named by unique id (ZC002)
//! and ARNs that match nothing (ZC003).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::policy_edit::document::{policy_object, statements};
use crate::policy_edit::merge::replace_statement;
use crate::policy_edit::PolicyKind;
use crate::snapshot::Fact;

use crate::rules::engine::policies::{self, LoadedPolicy};
use crate::rules::engine::scan::{bad_arns, unique_id_principals};
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::PairFacts;
use crate::rules::runner::Ctx;
use crate::rules::values::statement_name;

/// The readable policies of the pair, with the resource each belongs to and its kind.
fn pair_policies(scope: &PairFacts) -> Vec<(String, LoadedPolicy, Option<PolicyKind>)> {
    let s = scope.snapshot;
    let v = &scope.values;
    let mut out = Vec::new();
    let mut push = |owner: &str, p: Result<Option<LoadedPolicy>, _>, kind| {
        if let Ok(Some(p)) = p {
            out.push((owner.to_string(), p, kind));
        }
    };
    push(
        v.get("table_arn").unwrap_or_default(),
        policies::table_policy(s, v),
        Some(PolicyKind::DynamoDbTable),
    );
    push(
        v.get("catalog_arn").unwrap_or_default(),
        policies::catalog_policy(s, v),
        Some(PolicyKind::GlueCatalog),
    );
    push(
        v.get("bucket_arn").unwrap_or_default(),
        policies::bucket_policy(s, v),
        Some(PolicyKind::S3Bucket),
    );
    let mut names: Vec<String> = Vec::new();
    names.extend(scope.target_role().map(String::from));
    names.extend(s.setup.source_principal.clone());
    names.extend(s.setup.target_principal.clone());
    for name in names {
        if let Some(Fact::Known(Some(p))) = s.principals.get(&name) {
            if p.trust_policy.is_some() {
                push(
                    &p.arn,
                    policies::trust_policy(p).map(Some),
                    Some(PolicyKind::IamTrust),
                );
            }
            if let Ok(id) = policies::identity(p) {
                for ip in id.policies {
                    push(&p.arn, Ok(Some(ip)), None);
                }
            }
        }
    }
    out
}

/// ZC002: a principal named by unique id (the role or user was deleted).
pub fn zc002_principal_by_unique_id(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let mut problems = Vec::new();
    for (owner, p, kind) in pair_policies(scope) {
        for (index, id) in unique_id_principals(&p.document) {
            let current = scope.snapshot.principals.values().find_map(|f| match f {
                Fact::Known(Some(x)) if x.unique_id.as_deref() == Some(id.as_str()) => {
                    Some(x.arn.clone())
                }
                _ => None,
            });
            let mut params = BTreeMap::new();
            params.insert("unique_id".into(), id.clone());
            params.insert("policy".into(), p.name.clone());
            params.insert("statement".into(), statement_name(None, index));
            let mut problem = Problem {
                resource: owner.clone(),
                evidence: json!({"policy": p.name, "statement_index": index, "unique_id": id, "current_arn": current}),
                ..Problem::new("fail", "")
            };
            if let (Some(arn), Some(kind)) = (&current, kind) {
                params.insert("current_arn".into(), arn.clone());
                if let Some(fixed) = replace_unique_id(&p.json, index, &id, arn, kind) {
                    problem.fix_policy = Some(fixed);
                    problem
                        .writes
                        .extend(crate::rules::engine::synth::put_write(scope, kind, &owner));
                }
            }
            problem.params = params;
            problems.push(problem);
        }
    }
    if problems.is_empty() {
        Outcome::Pass {
            evidence: json!({"unique_id_principals": []}),
        }
    } else {
        Outcome::Fail(problems)
    }
}

fn replace_unique_id(
    policy: &Value,
    index: usize,
    id: &str,
    arn: &str,
    kind: PolicyKind,
) -> Option<Value> {
    let stmt = statements(&policy_object(policy).ok()?).get(index)?.clone();
    let text = serde_json::to_string(stmt.get("Principal")?).ok()?;
    let replaced: Value =
        serde_json::from_str(&text.replace(&format!("\"{id}\""), &format!("\"{arn}\""))).ok()?;
    let mut new = stmt.clone();
    new.as_object_mut()?.insert("Principal".into(), replaced);
    replace_statement(policy, index, &new, kind).ok()
}

/// ZC003 (info): an ARN that does not parse or names a resource type that does not exist.
pub fn zc003_arn_matches_nothing(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let database = scope
        .values
        .get("database_name")
        .unwrap_or_default()
        .to_string();
    let mut problems = Vec::new();
    for (owner, p, kind) in pair_policies(scope) {
        for bad in bad_arns(&p.document, &database) {
            let mut params = BTreeMap::new();
            params.insert("arn".into(), bad.arn.clone());
            params.insert("why".into(), bad.why.clone());
            params.insert("policy".into(), p.name.clone());
            params.insert("statement".into(), statement_name(None, bad.index));
            params.insert(
                "corrected".into(),
                bad.corrected
                    .clone()
                    .unwrap_or_else(|| ctx.text("no_single_correction", &[])),
            );
            let fix_policy = match (&bad.corrected, kind) {
                (Some(c), Some(kind)) => replace_resource(&p.json, bad.index, &bad.arn, c, kind),
                _ => None,
            };
            let writes = match (&fix_policy, kind) {
                (Some(_), Some(kind)) => {
                    crate::rules::engine::synth::put_write(scope, kind, &owner)
                        .into_iter()
                        .collect()
                }
                _ => Vec::new(),
            };
            problems.push(Problem {
                params,
                resource: owner.clone(),
                evidence: json!({"policy": p.name, "statement_index": bad.index, "arn": bad.arn, "why": bad.why, "corrected": bad.corrected}),
                fix_policy,
                writes,
                ..Problem::new("fail", "")
            });
        }
    }
    if problems.is_empty() {
        Outcome::Pass {
            evidence: json!({"bad_arns": []}),
        }
    } else {
        Outcome::Fail(problems)
    }
}

/// The policy with one Resource entry of statement `index` replaced.
fn replace_resource(
    policy: &Value,
    index: usize,
    old: &str,
    new: &str,
    kind: PolicyKind,
) -> Option<Value> {
    let mut stmt = statements(&policy_object(policy).ok()?).get(index)?.clone();
    let resource = stmt.get_mut("Resource")?;
    match resource {
        Value::String(s) if s == old => *s = new.to_string(),
        Value::Array(items) => {
            for item in items.iter_mut() {
                if item.as_str() == Some(old) {
                    *item = Value::String(new.to_string());
                }
            }
        }
        _ => return None,
    }
    replace_statement(policy, index, &stmt, kind).ok()
}
