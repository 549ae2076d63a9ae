//! Principal rules: who creates the integration (ZP001-ZP003), who uses the console (ZP004),
//! who configures the target (ZP005).

use serde_json::json;

use crate::policy::{Decision, MissReason};

use super::super::requirement::PrincipalRole;
use super::common::{
    denials_are_near_misses, denied, downgrade_to_warning, generic, generic_failure, problem_for,
    Requirements,
};
use super::evaluate::{evaluate_requirement, RequirementResult, Side};
use super::outcome::Outcome;
use super::principals::{resolve, Requester};
use super::Scope;

/// ZP001: the creator may glue:CreateIntegration. A policy scoped to other Glue resource
/// types only is a warning (AWS's resource-type list for this action is inconsistent).
pub fn zp001(scope: &Scope, reqs: &dyn Requirements) -> Outcome {
    let (evals, mut problems) = match generic_failure(scope, reqs.requirements("ZP001")) {
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
pub fn zp002(scope: &Scope, reqs: &dyn Requirements) -> Outcome {
    if !scope.values.cross_account() {
        return Outcome::Pass {
            evidence: json!({"cross_account": false, "note": "same account: the catalog policy alone can grant it (ZT005)"}),
        };
    }
    generic(scope, reqs.requirements("ZP002"), Side::Both)
}

/// ZP003 (warning): the catalog policy names specific principals and the creator is not one.
pub fn zp003(scope: &Scope, reqs: &dyn Requirements) -> Outcome {
    if scope.snapshot.setup.source_principal.is_none() {
        return Outcome::Skipped {
            reason: "no --source-principal given".into(),
        };
    }
    let reqs = reqs.requirements("ZT005");
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
            RequirementResult::NoRequester(n) => return super::common::no_requester(n),
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
pub fn zp004(scope: &Scope, reqs: &dyn Requirements) -> Outcome {
    let Some(console) = scope.snapshot.setup.console_principal.clone() else {
        return Outcome::Skipped {
            reason: "no --console-principal given".into(),
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
        p.params = super::common::base_params(scope);
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
    let mut outcome = generic(scope, reqs.requirements("ZP004"), Side::Both);
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
        super::principals::session_role_arn(caller),
        super::principals::session_role_arn(configured),
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
pub fn zp005(scope: &Scope, reqs: &dyn Requirements) -> Outcome {
    generic(scope, reqs.requirements("ZP005"), Side::Both)
}

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
