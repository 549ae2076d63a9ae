//! Principal rules: who creates the integration (ZP001-ZP003), who uses the console (ZP004),
//! who configures the target (ZP005, ZP006).

use std::collections::BTreeMap;

use serde_json::json;

use crate::policy::{Decision, MissReason};

use crate::rules::engine::common::{
    denials_are_near_misses, denied, downgrade_to_warning, generic, generic_failure, problem_for,
};
use crate::rules::engine::evaluate::{evaluate_requirement, RequirementResult, Side};
use crate::rules::engine::principals::{resolve, Requester};
use crate::rules::engine::requirement::{PrincipalRole, Requirement};
use crate::rules::messages::sentence;
use crate::rules::outcome::Outcome;
use crate::rules::runner::Ctx;
use crate::snapshot::Fact;

/// ZP001: the creator may glue:CreateIntegration. A policy scoped to other Glue resource
/// types only is a warning (AWS's resource-type list for this action is inconsistent).
pub fn zp001_creator_cannot_create_integration(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let (evals, mut problems) = match generic_failure(scope, &ctx.requirements()) {
        Ok(f) => f,
        Err(o) => return o,
    };
    let other_types = denials_are_near_misses(&evals, |r| match r {
        MissReason::ResourceNotMatched {
            listed,
            not_resource: false,
            ..
        } => listed
            .iter()
            .all(|l| l.starts_with("arn:aws:glue:") && !l.contains(":integration")),
        _ => false,
    });
    if other_types {
        downgrade_to_warning(&mut problems, "other_resource_types");
    }
    Outcome::Fail(problems)
}

/// ZP002: cross-account only, the creator's identity policy allows CreateInboundIntegration.
pub fn zp002_creator_identity_missing_inbound(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    if !scope.values.cross_account() {
        return Outcome::Pass {
            evidence: json!({"cross_account": false, "note": ctx.text("note_same_account", &[])}),
        };
    }
    generic(scope, &ctx.requirements(), Side::Both)
}

/// ZP003 (warning): the catalog policy names specific principals and the creator is not one.
pub fn zp003_creator_not_named_in_catalog_policy(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    if scope.snapshot.setup.source_principal.is_none() {
        return Outcome::Skipped {
            reason: sentence(
                "skip.not_given",
                &[("flag", PrincipalRole::SourcePrincipal.flag())],
            ),
        };
    }
    let reqs = &*ctx.requirements();
    let mut evals = Vec::new();
    for r in reqs {
        match evaluate_requirement(scope, r, Side::ResourceOnly) {
            RequirementResult::Evaluated(mut e) => evals.append(&mut e),
            RequirementResult::Unreadable(u) => {
                return Outcome::Unknown {
                    reason: u.reason,
                    missing_action: u.action,
                }
            }
            RequirementResult::NoRequester(n) => {
                return crate::rules::engine::common::no_requester(n)
            }
        }
    }
    let mut named: Vec<String> = Vec::new();
    for e in evals
        .iter()
        .filter(|e| e.evaluation.decision == Decision::ImplicitlyDenied)
    {
        for m in &e.evaluation.near_misses {
            if let [MissReason::PrincipalNotMatched {
                listed,
                not_principal: false,
                ..
            }] = m.reasons.as_slice()
            {
                for l in listed {
                    if !named.contains(l) {
                        named.push(l.clone());
                    }
                }
            }
        }
    }
    if named.is_empty() {
        return Outcome::Pass {
            evidence: json!({"creator_named": true}),
        };
    }
    let creator = match resolve(scope.snapshot, PrincipalRole::SourcePrincipal, None) {
        Ok(Requester::Iam { facts, .. }) => facts.arn.clone(),
        _ => scope
            .snapshot
            .setup
            .source_principal
            .clone()
            .unwrap_or_default(),
    };
    let failed: Vec<_> = evals.iter().filter(|e| denied(e)).collect();
    let mut p = problem_for(scope, reqs, &failed, Some(&creator));
    p.params.insert("named".into(), named.join(", "));
    p.params.insert("creator".into(), creator);
    p.evidence["named_principals"] = json!(named);
    Outcome::Fail(vec![p])
}

/// ZP004 (info): the console principal can read Redshift Serverless (the "flickering edit
/// page" report). Probes made with its credentials are evidence.
pub fn zp004_console_redshift_serverless_read(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let Some(console) = scope.snapshot.setup.console_principal.clone() else {
        return Outcome::Skipped {
            reason: sentence(
                "skip.not_given",
                &[("flag", PrincipalRole::ConsolePrincipal.flag())],
            ),
        };
    };
    let probes: Vec<_> = scope
        .snapshot
        .probes
        .iter()
        .filter(|p| p.action.starts_with("redshift-serverless:"))
        .filter(|p| same_principal(&p.principal, &console))
        .collect();
    let probe_json = json!(probes
        .iter()
        .map(|p| json!({"action": p.action, "allowed": p.allowed, "message": p.message}))
        .collect::<Vec<_>>());
    let denied_probe = || {
        let mut p = crate::rules::Problem::new("probe_denied", console.clone());
        p.params = BTreeMap::new();
        p.params.insert("principal".into(), console.clone());
        p.params.insert(
            "denied".into(),
            probes
                .iter()
                .filter(|p| !p.allowed)
                .map(|p| p.action.clone())
                .collect::<Vec<_>>()
                .join(", "),
        );
        p.evidence = json!({"probes": probe_json});
        Outcome::Fail(vec![p])
    };
    let any_denied = probes.iter().any(|p| !p.allowed);
    let mut outcome = generic(scope, &ctx.requirements(), Side::Both);
    match &mut outcome {
        Outcome::Pass { evidence } => {
            evidence["probes"] = probe_json.clone();
            if any_denied {
                return denied_probe();
            }
        }
        Outcome::Fail(problems) => {
            for p in problems.iter_mut() {
                p.evidence["probes"] = probe_json.clone();
            }
        }
        // The principal's policies could not be read (often: the doctor runs AS the console
        // principal, without IAM read access), but a denied probe is a direct observation.
        Outcome::Unknown { .. } if any_denied => return denied_probe(),
        _ => {}
    }
    outcome
}

/// A probe's caller (often a session) is the configured principal or a session of it.
fn same_principal(caller: &str, configured: &str) -> bool {
    if caller == configured {
        return true;
    }
    match (
        crate::rules::engine::principals::session_role_arn(caller),
        crate::rules::engine::principals::session_role_arn(configured),
    ) {
        (Some(a), _)
            if configured.ends_with(&format!("/{}", a.rsplit('/').next().unwrap_or_default())) =>
        {
            configured.contains(":role/")
        }
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// ZP005 (warning): the target principal may pass the role to Glue.
pub fn zp005_configurer_cannot_pass_role(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    generic(scope, &ctx.requirements(), Side::Both)
}

/// ZP006 (warning): the principal configuring the target can create the integration's
/// resource and table properties, and update the resource property once one exists.
pub fn zp006_configurer_cannot_configure_target(ctx: &Ctx) -> Outcome {
    let scope = ctx.facts;
    let all = ctx.requirements();
    let without_update: Vec<Requirement> = all
        .iter()
        .filter(|r| r.id != UPDATE_RESOURCE_PROPERTY)
        .cloned()
        .collect();
    match scope.snapshot.resource_properties.get(&scope.database_arn) {
        Some(Fact::Known(Some(_))) => generic(scope, &all, Side::Both),
        Some(Fact::Known(None)) | None => generic(scope, &without_update, Side::Both),
        // Whether UpdateIntegrationResourceProperty is needed depends on a fact not read: a
        // failure without it stands, a pass needs it too.
        Some(Fact::Unknown(u)) => match generic(scope, &without_update, Side::Both) {
            Outcome::Pass { .. } => match generic(scope, &all, Side::Both) {
                pass @ Outcome::Pass { .. } => pass,
                _ => Outcome::from_unknown_fact("glue:GetIntegrationResourceProperty", u),
            },
            other => other,
        },
    }
}

/// ZP006's requirement that counts only when a resource property exists.
const UPDATE_RESOURCE_PROPERTY: &str = "update_resource_property";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_callers_match_sessions_of_the_role() {
        let role = "arn:aws:iam::111111111111:role/Console";
        assert!(same_principal(role, role));
        assert!(same_principal(
            "arn:aws:sts::111111111111:assumed-role/Console/alice",
            role
        ));
        assert!(!same_principal(
            "arn:aws:sts::111111111111:assumed-role/Other/alice",
            role
        ));
    }
}
