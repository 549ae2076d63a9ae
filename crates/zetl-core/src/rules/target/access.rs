//! Target-account access rules: the catalog policy (ZT004-ZT007, ZT016), the target role's
//! trust and permissions (ZT009-ZT012), and the keys it must use (ZT015, ZT017).

use std::collections::BTreeMap;

use serde_json::json;

use crate::policy::{Decision, MissReason, Principal};
use crate::policy_edit::command::{CommandTarget, PolicyCommand, TypedCommand};
use crate::policy_edit::document::statements;
use crate::policy_edit::merge::{remove_statement, replace_statement};
use crate::policy_edit::PolicyKind;
use crate::snapshot::Fact;

use crate::rules::engine::common::{
    denials_are_near_misses, denied, downgrade_to_warning, gather, generic, generic_failure, judge,
    problem_for,
};
use crate::rules::engine::evaluate::{evaluate_as, Evaluated, RequirementResult, Side};
use crate::rules::engine::policies::{catalog_policy, present};
use crate::rules::engine::principals::{NoRequester, Requester};
use crate::rules::engine::requirement::{PolicySource, PrincipalRole, Requirement};
use crate::rules::engine::scan::{broad_catalog_grants, extra_service_grants};
use crate::rules::engine::synth::plan;
use crate::rules::messages::sentence;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::PairFacts;
use crate::rules::runner::Ctx;
use crate::rules::values::statement_name;

fn target_cmd(scope: &PairFacts) -> CommandTarget {
    CommandTarget::new(
        scope.values.get("target_region").unwrap_or_default(),
        scope.profiles.target.as_deref(),
    )
}

/// The catalog-policy write, in the target account.
fn catalog_policy_write(scope: &PairFacts) -> TypedCommand {
    let stored = scope
        .snapshot
        .catalog_policies
        .get(scope.values.get("catalog_arn").unwrap_or_default())
        .and_then(|f| f.known())
        .and_then(|p| p.as_ref());
    PolicyCommand::GluePutResourcePolicy {
        policy_hash: stored.and_then(|p| p.policy_hash.clone()),
        create: stored.is_none(),
        enable_hybrid: crate::rules::engine::synth::lake_formation_cross_account(
            scope.snapshot,
            &scope.values,
        ),
    }
    .at(target_cmd(scope))
}

/// The principal a catalog grant names for the creator: the given one (its role ARN for a
/// session), else the source account root (delegation to its identity policies).
fn creator_for_grant(scope: &PairFacts) -> String {
    match crate::rules::engine::principals::resolve(
        scope.snapshot,
        PrincipalRole::SourcePrincipal,
        None,
    ) {
        Ok(Requester::Iam { facts, .. }) => facts.arn.clone(),
        _ => format!("arn:aws:iam::{}:root", scope.values.source_account),
    }
}

/// ZT004: the Data Catalog has a resource policy.
pub fn zt004_catalog_policy_missing(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    match catalog_policy(scope.snapshot, &scope.values) {
        Err(u) => u.into(),
        Ok(Some(_)) => Outcome::Pass {
            evidence: json!({"catalog_policy": "present"}),
        },
        Ok(None) => {
            let mut p = Problem {
                params: BTreeMap::new(),
                resource: scope.values.get("catalog_arn").unwrap_or_default().into(),
                evidence: json!({"catalog_policy": null}),
                ..Problem::new("fail", "")
            };
            let creator = creator_for_grant(scope);
            let mut stmts = Vec::new();
            // The creator's grant names the creator; Glue's names the service.
            for r in ctx.requirements().iter() {
                let who =
                    (r.principal == PrincipalRole::SourcePrincipal).then_some(creator.as_str());
                if let Ok(Some(s)) = crate::rules::engine::synth::statement_for(scope, r, who) {
                    stmts.push(s);
                }
            }
            match plan(
                scope,
                PolicySource::CatalogPolicy,
                PrincipalRole::GlueService,
                &stmts,
                "",
            ) {
                Ok(fix) => fix.attach_to(&mut p),
                Err(e) => {
                    p.params.insert("fix_error".into(), e.to_string());
                }
            }
            Outcome::Fail(vec![p])
        }
    }
}

/// Evaluates ZT005's requirements for `requester` on the catalog-policy side (cross-account)
/// or with identity too (same account).
fn creator_evals(
    scope: &PairFacts,
    reqs: &[Requirement],
    requester: &Requester,
) -> Result<Vec<Evaluated>, Outcome> {
    let side = if scope.values.cross_account() {
        Side::ResourceOnly
    } else {
        Side::Both
    };
    let mut out = Vec::new();
    for r in reqs {
        match evaluate_as(scope, r, side, requester) {
            RequirementResult::Evaluated(mut e) => out.append(&mut e),
            RequirementResult::Unreadable(u) => return Err(u.into()),
            RequirementResult::NoRequester(n) => {
                return Err(crate::rules::engine::common::no_requester(n))
            }
        }
    }
    Ok(out)
}

/// Whether an allowed decision needed `aws:SourceArn` (AWS's example conditions on it; whether
/// Glue sends it for the creator is undocumented).
fn depends_on_source_arn(scope: &PairFacts, reqs: &[Requirement], requester: &Requester) -> bool {
    let without: Vec<Requirement> = reqs
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.context
                .retain(|k, _| !k.eq_ignore_ascii_case("aws:SourceArn"));
            r
        })
        .collect();
    creator_evals(scope, &without, requester)
        .map(|e| e.iter().any(|x| x.evaluation.decision != Decision::Allowed))
        .unwrap_or(false)
}

/// ZT005: the creator may CreateInboundIntegration on the target catalog and database.
pub fn zt005_catalog_policy_denies_creator(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let reqs = &*ctx.requirements();
    let given = scope.snapshot.setup.source_principal.is_some();
    let requester = if given {
        match crate::rules::engine::principals::resolve(
            scope.snapshot,
            PrincipalRole::SourcePrincipal,
            None,
        ) {
            Ok(r) => r,
            // Cross-account only the catalog policy is evaluated here: the ARN is enough
            // when the creator's own policies could not be read.
            Err(NoRequester::Unreadable(name, u)) if scope.values.cross_account() => {
                match Principal::parse(&name) {
                    Ok(p) => Requester::Representative(p),
                    Err(_) => {
                        return crate::rules::engine::common::no_requester(NoRequester::Unreadable(
                            name, u,
                        ))
                    }
                }
            }
            Err(n) => return crate::rules::engine::common::no_requester(n),
        }
    } else {
        // Someone in the source account: account grants are evaluated as delegation.
        Requester::Representative(Principal::Role {
            arn: format!(
                "arn:aws:iam::{}:role/zetl-representative-creator",
                scope.values.source_account
            ),
            account: scope.values.source_account.clone(),
            name: "zetl-representative-creator".into(),
        })
    };
    let evals = match creator_evals(scope, reqs, &requester) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let failed: Vec<&Evaluated> = evals.iter().filter(|e| denied(e)).collect();
    if !given && !failed.is_empty() {
        let names_specific = failed.iter().any(|e| {
            e.evaluation.near_misses.iter().any(|m| {
                m.reasons
                    .iter()
                    .all(|r| matches!(r, MissReason::PrincipalNotMatched { .. }))
            })
        });
        if names_specific {
            return Outcome::Unknown {
                reason: sentence("unknown.catalog_names_specific_principals", &[]),
                missing_action: None,
            };
        }
    }
    if failed.is_empty() {
        let mut outcome = judge(scope, reqs, &evals, None);
        if let Outcome::Pass { evidence } = &mut outcome {
            evidence["delegated_to_account"] = json!(!given);
            if depends_on_source_arn(scope, reqs, &requester) {
                evidence["depends_on_source_arn"] = json!(true);
                evidence["note"] = json!(ctx.text("note_source_arn", &[]));
            }
        }
        return outcome;
    }
    let creator = creator_for_grant(scope);
    Outcome::Fail(vec![problem_for(scope, reqs, &failed, Some(&creator))])
}

/// ZT006: Glue may AuthorizeInboundIntegration on the catalog and database.
pub fn zt006_catalog_policy_denies_glue_authorize(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    generic(scope, &ctx.requirements(), Side::Both)
}

/// ZT007: a catalog grant to everyone or a whole foreign account, unconditioned, beyond
/// what zero-ETL needs.
pub fn zt007_catalog_policy_too_broad(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let loaded = match present(catalog_policy(scope.snapshot, &scope.values), || {
        ctx.text("skip_no_catalog_policy", &[])
    }) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let grants = broad_catalog_grants(&loaded.document, &scope.values.target_account);
    if grants.is_empty() {
        return Outcome::Pass {
            evidence: json!({"broad_grants": []}),
        };
    }
    let catalog = scope
        .values
        .get("catalog_arn")
        .unwrap_or_default()
        .to_string();
    let database = scope
        .values
        .get("database_arn")
        .unwrap_or_default()
        .to_string();
    let mut policy = loaded.json.clone();
    for g in &grants {
        let current = crate::policy_edit::document::policy_object(&policy)
            .ok()
            .map(|d| statements(&d));
        let Some(mut stmt) = current.and_then(|s| s.get(g.index).cloned()) else {
            continue;
        };
        if let Some(obj) = stmt.as_object_mut() {
            obj.remove("NotAction");
            obj.insert("Action".into(), json!("glue:CreateInboundIntegration"));
            obj.remove("NotResource");
            obj.insert("Resource".into(), json!([catalog, database]));
            if g.grantee == "*" {
                obj.insert("Principal".into(), json!({"AWS": creator_for_grant(scope)}));
            }
        }
        if let Ok(p) = replace_statement(&policy, g.index, &stmt, PolicyKind::GlueCatalog) {
            policy = p;
        }
    }
    let mut params = BTreeMap::new();
    params.insert(
        "statement".into(),
        grants
            .iter()
            .map(|g| statement_name(g.sid.as_deref(), g.index))
            .collect::<Vec<_>>()
            .join(", "),
    );
    params.insert("grantee".into(), grants[0].grantee.clone());
    params.insert("actions".into(), grants[0].actions.join(", "));
    Outcome::Fail(vec![Problem {
        params,
        resource: catalog.clone(),
        evidence: json!({"broad_grants": grants}),
        fix_policy: Some(policy),
        writes: vec![catalog_policy_write(scope)],
        ..Problem::new("fail", "")
    }])
}

/// ZT016 (info): grants some guides add that AWS does not require.
pub fn zt016_catalog_policy_extra_grants(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let loaded = match present(catalog_policy(scope.snapshot, &scope.values), || {
        ctx.text("skip_no_catalog_policy", &[])
    }) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let extra = extra_service_grants(&loaded.document);
    if extra.is_empty() {
        return Outcome::Pass {
            evidence: json!({"extra_grants": []}),
        };
    }
    let mut policy = loaded.json.clone();
    for &i in extra.iter().rev() {
        if let Ok(p) = remove_statement(&policy, i) {
            policy = p;
        }
    }
    let mut params = BTreeMap::new();
    params.insert(
        "statement".into(),
        extra
            .iter()
            .map(|&i| statement_name(loaded.document.statements[i].sid.as_deref(), i))
            .collect::<Vec<_>>()
            .join(", "),
    );
    Outcome::Fail(vec![Problem {
        params,
        resource: scope.values.get("catalog_arn").unwrap_or_default().into(),
        evidence: json!({"extra_grants": extra}),
        fix_policy: Some(policy),
        writes: vec![catalog_policy_write(scope)],
        ..Problem::new("fail", "")
    }])
}

/// ZT009: Glue may assume the target role.
pub fn zt009_target_role_trust(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    generic(scope, &ctx.requirements(), Side::Both)
}

/// ZT010: the role may list the location and read/write/delete objects under it. A grant on
/// part of the table's folder only (names AWS chooses) is a warning, not an error.
pub fn zt010_target_role_s3(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    if scope.values.s3_tables_target {
        return Outcome::Skipped {
            reason: sentence("skip.s3_tables_no_bucket", &[]),
        };
    }
    let (evals, mut problems) = match generic_failure(scope, &ctx.requirements()) {
        Ok(f) => f,
        Err(o) => return o,
    };
    let folder = format!(
        "arn:aws:s3:::{}/{}{}/",
        scope.values.get("bucket").unwrap_or_default(),
        scope.values.get("s3_prefix").unwrap_or_default(),
        scope.values.get("target_table_name").unwrap_or_default()
    );
    // The table's own folder in key-prefix form, for s3:prefix conditions.
    let bucket_arn = format!(
        "arn:aws:s3:::{}/",
        scope.values.get("bucket").unwrap_or_default()
    );
    let key_folder = folder
        .strip_prefix(&bucket_arn)
        .unwrap_or_default()
        .to_string();
    let only_narrow = denials_are_near_misses(&evals, |r| match r {
        MissReason::ResourceNotMatched {
            listed,
            not_resource: false,
            ..
        } => listed.iter().any(|l| l.starts_with(&folder)),
        MissReason::ConditionFailed { key, expected, .. } => {
            key.eq_ignore_ascii_case("s3:prefix")
                && expected.iter().any(|x| x.starts_with(&key_folder))
        }
        _ => false,
    });
    if only_narrow {
        downgrade_to_warning(&mut problems, "narrow_scope");
    }
    Outcome::Fail(problems)
}

/// ZT011: the role may read the database and manage the target table.
pub fn zt011_target_role_glue(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    if scope.values.s3_tables_target {
        return Outcome::Skipped {
            reason: sentence("skip.s3_tables_table_permissions", &[]),
        };
    }
    generic(scope, &ctx.requirements(), Side::Both)
}

/// ZT018: for an S3 Tables target, the role has AWS's documented `s3tables` actions on the table
/// bucket.
pub fn zt018_s3_tables_role_permissions(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    if !scope.values.s3_tables_target {
        return Outcome::skipped(ctx.text("skip_not_s3_tables", &[]));
    }
    generic(scope, &ctx.requirements(), Side::Both)
}

/// ZT012 (warning): metrics and logs.
pub fn zt012_target_role_logs_metrics(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    generic(scope, &ctx.requirements(), Side::Both)
}

/// ZT015: the target KMS key configured on the resource property.
pub fn zt015_target_role_target_key(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    if scope.values.get("target_key_arn").is_none() {
        return Outcome::Pass {
            evidence: json!({"target_key": null}),
        };
    }
    key_check(scope, &ctx.requirements())
}

/// ZT017: the location bucket's default SSE-KMS customer key.
pub fn zt017_target_role_bucket_key(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    if scope.values.s3_tables_target {
        return Outcome::Skipped {
            reason: sentence("skip.s3_tables_no_bucket", &[]),
        };
    }
    let Some(key) = scope.values.get("bucket_key_arn") else {
        return Outcome::Pass {
            evidence: json!({"bucket_key": null}),
        };
    };
    if let Some(Fact::Known(m)) = scope.snapshot.kms_keys.get(key).map(|k| &k.metadata) {
        if m.key_manager != "CUSTOMER" {
            return Outcome::Pass {
                evidence: json!({"bucket_key": key, "key_manager": m.key_manager}),
            };
        }
    }
    key_check(scope, &ctx.requirements())
}

/// A key check: identity + key policy; the fix is the identity statement (key policies
/// are the key owner's to change: the evidence says when the key policy is what denies).
fn key_check(scope: &PairFacts, reqs: &[Requirement]) -> Outcome {
    let evals = match gather(scope, reqs, Side::Both) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let mut outcome = judge(scope, reqs, &evals, None);
    if let Outcome::Fail(problems) = &mut outcome {
        for p in problems.iter_mut() {
            p.evidence["key_policy_must_allow"] = json!("a KMS key policy must allow the role (or name the account root to delegate to IAM); an identity statement alone is not enough when it does not");
        }
    }
    outcome
}
