//! Every policy document a correct setup needs, built from the access rules' requirements and
//! merged into what the snapshot holds (existing statements and Sids kept): the library side of
//! `zetl policy generate --merge-with FILE|live`.

use serde::Serialize;
use serde_json::Value;

use super::super::requirement::{Applies, PolicySource, PrincipalRole};
use super::common::Requirements;
use super::principals::{named, resolve, Requester};
use super::synth::{fix_into, plan, statement_for};
use super::Scope;

/// One document to apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generated {
    /// `table policy`, `catalog policy`, `trust policy of ROLE`, `inline policy NAME of ARN`.
    pub document: String,
    pub policy: Value,
    pub command: String,
}

/// (rules whose requirements go into one document, the document, who it is about)
const DOCUMENTS: &[(&[&str], PolicySource, PrincipalRole)] = &[
    (
        &["ZS004"],
        PolicySource::TablePolicy,
        PrincipalRole::GlueService,
    ),
    (
        &["ZT005", "ZT006"],
        PolicySource::CatalogPolicy,
        PrincipalRole::GlueService,
    ),
    (&["ZT009"], PolicySource::Trust, PrincipalRole::GlueService),
    (
        &["ZT010", "ZT011", "ZT012", "ZT015", "ZT017"],
        PolicySource::Identity,
        PrincipalRole::TargetRole,
    ),
    (
        &["ZP001", "ZP002"],
        PolicySource::Identity,
        PrincipalRole::SourcePrincipal,
    ),
    (
        &["ZP005"],
        PolicySource::Identity,
        PrincipalRole::TargetPrincipal,
    ),
];

/// The documents for this pair. A document whose principal is not named in the setup is left
/// out; one that cannot be built (size limit, unreadable principal) comes back as an error.
pub fn generate(scope: &Scope, reqs: &dyn Requirements) -> Vec<Result<Generated, String>> {
    let mut out = Vec::new();
    // The catalog grant names the creator, or the source account (delegation) when none is given.
    let creator = match resolve(scope.snapshot, PrincipalRole::SourcePrincipal, None) {
        Ok(Requester::Iam { facts, .. }) => facts.arn.clone(),
        _ => format!("arn:aws:iam::{}:root", scope.values.source_account),
    };
    for (rules, into, role) in DOCUMENTS {
        if *role != PrincipalRole::GlueService
            && named(scope.snapshot, *role, scope.target_role()).is_none()
        {
            continue;
        }
        let mut statements = Vec::new();
        let mut policy_name = "zetl-zero-etl".to_string();
        for rule in *rules {
            for req in reqs.requirements(rule) {
                if fix_into(req) != *into
                    || (req.applies == Applies::CrossAccount && !scope.values.cross_account())
                {
                    continue;
                }
                let who =
                    (req.principal == PrincipalRole::SourcePrincipal).then_some(creator.as_str());
                match statement_for(scope, req, who) {
                    Ok(Some(s)) if !statements.contains(&s) => statements.push(s),
                    Ok(_) => {}
                    // A placeholder this setup lacks (no target key): that grant is not needed.
                    Err(_) => {}
                }
                if let Some(n) = req.fix.as_ref().and_then(|f| f.policy_name.clone()) {
                    policy_name = n;
                }
            }
        }
        if statements.is_empty() {
            continue;
        }
        let document = match into {
            PolicySource::TablePolicy => "table policy".to_string(),
            PolicySource::CatalogPolicy => "catalog policy".to_string(),
            PolicySource::Trust => format!(
                "trust policy of {}",
                scope.values.get("role_arn").unwrap_or_default()
            ),
            _ => format!(
                "inline policy {policy_name} of {}",
                named(scope.snapshot, *role, scope.target_role()).unwrap_or_default()
            ),
        };
        out.push(
            plan(scope, *into, *role, &statements, &policy_name)
                .map(|p| Generated {
                    document,
                    policy: p.policy,
                    command: p.command,
                })
                .map_err(|e| e.to_string()),
        );
    }
    out
}
