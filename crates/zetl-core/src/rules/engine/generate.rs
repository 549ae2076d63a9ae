//! Every policy document a correct setup needs, built from the access rules' requirements and
//! merged into what the snapshot holds (existing statements and Sids kept): the library side of
//! `zetl policy generate --merge-with FILE|live`.

use serde::Serialize;
use serde_json::Value;

use crate::policy::Decision;
use crate::policy_edit::MergeOutcome;

use crate::rules::catalog::Catalog;
use crate::rules::engine::evaluate::{evaluate_requirement, RequirementResult, Side};
use crate::rules::engine::principals::{named, resolve, Requester};
use crate::rules::engine::requirement::{Applies, PolicySource, PrincipalRole, Requirement};
use crate::rules::engine::synth::{fix_into, plan, statement_for};
use crate::rules::pair::PairFacts;

/// One document to apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generated {
    /// `table policy`, `catalog policy`, `trust policy of ROLE`, `inline policy NAME of ARN`.
    pub document: String,
    pub policy: Value,
    pub command: String,
    /// Where the document goes (renderers pick the resource type from it).
    pub into: PolicySource,
    /// What it is attached to: the table ARN, the catalog ARN, or the IAM role/user ARN as
    /// stored (path included).
    pub owner: String,
    /// The inline policy's name (identity documents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// Whether anything was added to what exists (false: apply is a no-op).
    pub changed: bool,
}

/// The documents a correct setup needs, in the order they are applied: the resource documents
/// (whoever their statements name) and one identity document per principal.
const DOCUMENTS: &[(PolicySource, PrincipalRole)] = &[
    (PolicySource::TablePolicy, PrincipalRole::GlueService),
    (PolicySource::CatalogPolicy, PrincipalRole::GlueService),
    (PolicySource::Trust, PrincipalRole::GlueService),
    (PolicySource::Identity, PrincipalRole::TargetRole),
    (PolicySource::Identity, PrincipalRole::SourcePrincipal),
    (PolicySource::Identity, PrincipalRole::TargetPrincipal),
    (PolicySource::Identity, PrincipalRole::ConsolePrincipal),
];

/// Whether a requirement's grant goes into the document `(into, role)`.
fn belongs(req: &Requirement, into: PolicySource, role: PrincipalRole) -> bool {
    fix_into(req) == into && (into != PolicySource::Identity || req.principal == role)
}

/// Every requirement of the catalog, each once (a rule's own, in catalog order).
fn all_requirements(catalog: &Catalog) -> impl Iterator<Item = &Requirement> {
    catalog.rules().iter().flat_map(|r| r.requirement.iter())
}

/// The documents for this pair. A document whose principal is not named in the setup is left
/// out; one that cannot be built (size limit, unreadable principal) comes back as an error.
pub fn generate(scope: &PairFacts, catalog: &Catalog) -> Vec<Result<Generated, String>> {
    let mut out = Vec::new();
    // The catalog grant names the creator, or the source account (delegation) when none is given.
    let creator = match resolve(scope.snapshot, PrincipalRole::SourcePrincipal, None) {
        Ok(Requester::Iam { facts, .. }) => facts.arn.clone(),
        _ => format!("arn:aws:iam::{}:root", scope.values.source_account),
    };
    for (into, role) in DOCUMENTS {
        if *role != PrincipalRole::GlueService
            && named(scope.snapshot, *role, scope.target_role()).is_none()
        {
            continue;
        }
        let mut statements = Vec::new();
        let mut policy_name = "zetl-zero-etl".to_string();
        {
            for req in all_requirements(catalog) {
                if !belongs(req, *into, *role)
                    || (req.applies == Applies::CrossAccount && !scope.values.cross_account())
                {
                    continue;
                }
                if let Some(n) = req.fix.as_ref().and_then(|f| f.policy_name.clone()) {
                    policy_name = n;
                }
                // Only what is missing: a grant the existing policies already give (however
                // they word it) adds nothing, so the merged document stays minimal.
                if already_allowed(scope, req, *into) {
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
            }
        }
        let v = |k: &str| scope.values.get(k).unwrap_or_default().to_string();
        let (document, owner) = match into {
            PolicySource::TablePolicy => ("table policy".to_string(), v("table_arn")),
            PolicySource::CatalogPolicy => ("catalog policy".to_string(), v("catalog_arn")),
            PolicySource::Trust => (
                format!("trust policy of {}", v("role_arn")),
                stored_arn(scope, PrincipalRole::TargetRole).unwrap_or_else(|| v("role_arn")),
            ),
            _ => (
                format!(
                    "inline policy {policy_name} of {}",
                    named(scope.snapshot, *role, scope.target_role()).unwrap_or_default()
                ),
                stored_arn(scope, *role).unwrap_or_default(),
            ),
        };
        let identity = *into == PolicySource::Identity;
        let planned = match plan(scope, *into, *role, &statements, &policy_name) {
            Ok(p) => p,
            // Name the document: "the role's inline policies together" alone does not say
            // which role.
            Err(e) => {
                out.push(Err(format!("{document}: {e}")));
                continue;
            }
        };
        // Nothing to add: the document as it stands (kept in the set so it is complete), or
        // nothing at all when it does not exist.
        let policy = match &planned.policy {
            Value::Null => continue,
            decoded => decoded.clone(),
        };
        out.push(Ok(Generated {
            document,
            policy,
            command: planned.write.render(),
            into: *into,
            owner,
            policy_name: identity.then(|| policy_name.clone()),
            changed: planned
                .changes
                .iter()
                .any(|c| !matches!(c, MergeOutcome::AlreadyPresent { .. })),
        }));
    }
    out
}

/// Whether the policies that exist already allow every request of `req`. Resource documents
/// are judged on their own (the identity side is another rule's business, as ZT005 does);
/// identity documents together with the resource policies that take part (same account:
/// either suffices).
fn already_allowed(scope: &PairFacts, req: &Requirement, into: PolicySource) -> bool {
    let side = if into == PolicySource::Identity {
        Side::Both
    } else {
        Side::ResourceOnly
    };
    match evaluate_requirement(scope, req, side) {
        RequirementResult::Evaluated(evals) => {
            !evals.is_empty()
                && evals
                    .iter()
                    .all(|e| e.evaluation.decision == Decision::Allowed)
        }
        _ => false,
    }
}

/// The role or user ARN as stored (with its path) for a principal the setup names.
fn stored_arn(scope: &PairFacts, role: PrincipalRole) -> Option<String> {
    match resolve(scope.snapshot, role, scope.target_role()) {
        Ok(Requester::Iam { facts, .. }) => Some(facts.arn.clone()),
        _ => None,
    }
}

/// The statements of every identity requirement of `role` as one standalone policy document,
/// for a managed policy when the setup names nobody to attach them to (the console's
/// read-only statement without `--console-principal`).
pub fn standalone_identity_policy(
    scope: &PairFacts,
    catalog: &Catalog,
    role: PrincipalRole,
) -> Result<Option<Value>, String> {
    let mut statements: Vec<Value> = Vec::new();
    for req in all_requirements(catalog) {
        if !belongs(req, PolicySource::Identity, role) {
            continue;
        }
        if let Some(s) = statement_for(scope, req, None)? {
            if !statements.contains(&s) {
                statements.push(s);
            }
        }
    }
    Ok((!statements.is_empty())
        .then(|| serde_json::json!({"Version": "2012-10-17", "Statement": statements})))
}
