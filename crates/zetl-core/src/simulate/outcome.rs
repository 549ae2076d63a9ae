//! Evaluating one case with the policy engine, and the JSON shape of its result.

use serde::Serialize;

use super::cases::Case;
use crate::policy::{
    evaluate, Decision, NamedPolicy, NearMiss, PolicySet, ResourcePolicyKind, StatementRef,
};

/// What `zetl policy simulate --format json` prints for one case.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub decision: Decision,
    pub explanation: Vec<String>,
    /// The deciding statements: the matching Deny, or the Allows that granted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deciding: Vec<StatementRef>,
    /// When not allowed: the closest Allow statements and why each did not apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub near_misses: Vec<NearMiss>,
    /// How the resource policy was evaluated (when there is one, or when the resource is a
    /// role or KMS key, whose own policy is required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_policy_kind: Option<ResourcePolicyKind>,
    /// Only for `Unknown`, which simulate never asks for (see `simulate_case`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_keys: Vec<String>,
}

/// Evaluates one case. Policies are named by their place in the input (`identityPolicies[1]`,
/// `resourcePolicy`, `permissionBoundary`) so explanations point back into the case.
///
/// The engine answers `Unknown` only for a context built with `missing_keys_unknown(true)`;
/// simulate never builds one (missing keys follow AWS's rules), so every decision is definite.
/// Should the engine ever answer `Unknown` anyway, it is reported as such, never guessed.
pub fn simulate_case(case: &Case) -> Outcome {
    let names: Vec<String> = (0..case.identity_policies.len())
        .map(|i| format!("identityPolicies[{i}]"))
        .collect();
    let mut set = PolicySet::new();
    for (name, doc) in names.iter().zip(&case.identity_policies) {
        set = set.identity(NamedPolicy::new(name.as_str(), doc));
    }
    if let Some(doc) = &case.resource_policy {
        set = set.resource(NamedPolicy::new("resourcePolicy", doc), case.resource_kind);
    }
    // A role always has a trust policy and a KMS key always has a key policy, and only they
    // can grant access: a case without one means "it grants nothing", not "identity suffices".
    set.resource_kind = case.resource_kind;
    if let Some(doc) = &case.permission_boundary {
        set = set.boundary(NamedPolicy::new("permissionBoundary", doc));
    }
    let evaluation = evaluate(&case.request, &set);
    let mut explanation = evaluation.explanation;
    if case.resource_policy.is_none() {
        match case.resource_kind {
            ResourcePolicyKind::RoleTrust => explanation.push(
                "no trust policy was given: only the role's trust policy can allow assuming it"
                    .to_string(),
            ),
            ResourcePolicyKind::KmsKey => explanation.push(
                "no key policy was given: only the key policy can allow access to a KMS key"
                    .to_string(),
            ),
            ResourcePolicyKind::Generic => {}
        }
    }
    Outcome {
        decision: evaluation.decision,
        explanation,
        deciding: evaluation.deciding,
        near_misses: evaluation.near_misses,
        resource_policy_kind: (case.resource_policy.is_some()
            || case.resource_kind != ResourcePolicyKind::Generic)
            .then_some(case.resource_kind),
        unknown_keys: evaluation.unknown_keys,
    }
}

/// Evaluates every case, in order.
pub fn simulate_all(cases: &[Case]) -> Vec<Outcome> {
    cases.iter().map(simulate_case).collect()
}
