//! The decision: which statements apply, and how identity policies, the resource policy and a
//! permission boundary combine (AWS's evaluation logic, same-account vs cross-account).

use serde::Serialize;

use super::context::{RequestContext, RequestVars};
use super::document::{Effect, NamedPolicy, Statement};
use super::explain::{self, NearMiss};
use super::matching::arn_account;
use super::principal::{Principal, PrincipalMatch};
use super::tri::Tri;

/// One request: who does what to which resource, under which context.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub principal: Principal,
    pub action: String,
    pub resource: String,
    /// The resource's account; taken from the resource ARN when `None`.
    pub resource_account: Option<String>,
    pub context: RequestContext,
}

impl Request {
    pub fn new(principal: Principal, action: &str, resource: &str) -> Request {
        Request {
            principal,
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account: None,
            context: RequestContext::new(),
        }
    }

    pub fn with_context(mut self, context: RequestContext) -> Request {
        self.context = context;
        self
    }

    pub fn with_resource_account(mut self, account: &str) -> Request {
        self.resource_account = Some(account.to_string());
        self
    }

    /// The resource's account: given, or read from the ARN.
    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account
            .as_deref()
            .or_else(|| arn_account(&self.resource))
    }
}

/// What the resource policy is, because AWS treats some kinds specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum ResourcePolicyKind {
    /// Table, catalog, bucket policies: same account = identity OR resource policy.
    #[default]
    Generic,
    /// A role trust policy: it must allow `sts:AssumeRole` itself.
    RoleTrust,
    /// A KMS key policy: it must allow itself; naming the account root delegates to IAM.
    KmsKey,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicySet<'a> {
    pub identity: Vec<NamedPolicy<'a>>,
    pub resource: Option<NamedPolicy<'a>>,
    pub resource_kind: ResourcePolicyKind,
    pub boundary: Option<NamedPolicy<'a>>,
}

impl<'a> PolicySet<'a> {
    pub fn new() -> Self {
        PolicySet {
            identity: Vec::new(),
            resource: None,
            resource_kind: ResourcePolicyKind::Generic,
            boundary: None,
        }
    }

    pub fn identity(mut self, p: NamedPolicy<'a>) -> Self {
        self.identity.push(p);
        self
    }

    pub fn resource(mut self, p: NamedPolicy<'a>, kind: ResourcePolicyKind) -> Self {
        self.resource = Some(p);
        self.resource_kind = kind;
        self
    }

    pub fn boundary(mut self, p: NamedPolicy<'a>) -> Self {
        self.boundary = Some(p);
        self
    }
}

impl Default for PolicySet<'_> {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allowed,
    ImplicitlyDenied,
    ExplicitlyDenied,
    /// Depends on condition keys the caller could not supply (`missing_keys_unknown`).
    Unknown,
}

/// A statement, as explanations name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub policy: String,
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
}

impl StatementRef {
    pub(crate) fn new(policy: &str, index: usize, s: &Statement) -> StatementRef {
        StatementRef {
            policy: policy.to_string(),
            index,
            sid: s.sid.clone(),
            effect: s.effect,
        }
    }

    /// `table policy statement 2 ("AllowGlue")`.
    pub fn describe(&self) -> String {
        match &self.sid {
            Some(sid) => format!("{} statement {} ({sid:?})", self.policy, self.index),
            None => format!("{} statement {}", self.policy, self.index),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statement(s) that decided: the matching Deny, or the Allows that granted. For
    /// `Unknown`, the statements whose outcome is unknown. Empty for an implicit deny.
    pub deciding: Vec<StatementRef>,
    /// Condition keys whose absence made the decision unknown.
    pub unknown_keys: Vec<String>,
    /// When not allowed: the closest Allow statements and why each did not apply.
    pub near_misses: Vec<NearMiss>,
    /// Sentences saying why, for people.
    pub explanation: Vec<String>,
}

impl Evaluation {
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allowed
    }
}

/// Which policy a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Identity,
    Boundary,
    Resource,
}

/// One statement's outcome.
#[derive(Debug, Clone)]
pub(crate) struct Applied<'p> {
    pub(crate) source: Source,
    pub(crate) policy: &'p str,
    pub(crate) index: usize,
    pub(crate) statement: &'p Statement,
    pub(crate) value: Tri,
    pub(crate) principal: PrincipalMatch,
}

/// Evaluates one statement: action, resource, principal (resource policies only), then
/// conditions; cheapest first, stopping at the first definite miss.
pub(crate) fn apply_statement(
    s: &Statement,
    request: &Request,
    vars: &RequestVars,
    check_principal: bool,
) -> (Tri, PrincipalMatch) {
    let action_hit = s
        .action
        .patterns
        .iter()
        .any(|p| p.pattern.matches(&request.action, true, vars) == Some(true));
    if action_hit == s.action.negated {
        return (Tri::False, PrincipalMatch::None);
    }
    let mut value = Tri::True;
    if let Some(r) = &s.resource {
        let mut hit = Tri::False;
        for p in &r.patterns {
            match p.pattern.matches(&request.resource, vars) {
                Some(true) => {
                    hit = Tri::True;
                    break;
                }
                Some(false) => {}
                // An unresolved policy variable: no match, or unknown when asked to be honest.
                None if request.context.is_missing_keys_unknown() => hit = Tri::Unknown,
                None => {}
            }
        }
        value = if r.negated { hit.not() } else { hit };
        if value.is_false() {
            return (Tri::False, PrincipalMatch::None);
        }
    }
    let mut pm = PrincipalMatch::Exact;
    if check_principal {
        pm = match &s.principal {
            None => PrincipalMatch::None,
            Some(b) => {
                let m = b.spec.match_principal(&request.principal);
                if b.negated {
                    if m == PrincipalMatch::None {
                        PrincipalMatch::Exact
                    } else {
                        PrincipalMatch::None
                    }
                } else {
                    m
                }
            }
        };
        if pm == PrincipalMatch::None {
            return (Tri::False, pm);
        }
    }
    for c in &s.conditions {
        value = value.and(c.evaluate(&request.context, vars).value);
        if value.is_false() {
            return (Tri::False, pm);
        }
    }
    (value, pm)
}

fn push_policy<'p>(
    applied: &mut Vec<Applied<'p>>,
    source: Source,
    p: &'p NamedPolicy<'_>,
    request: &Request,
    vars: &RequestVars,
) {
    for (index, s) in p.document.statements.iter().enumerate() {
        let (value, principal) = apply_statement(s, request, vars, source == Source::Resource);
        applied.push(Applied {
            source,
            policy: &p.name,
            index,
            statement: s,
            value,
            principal,
        });
    }
}

fn or_all<'a>(items: impl Iterator<Item = &'a Applied<'a>>) -> Tri {
    items.fold(Tri::False, |acc, a| acc.or(a.value))
}

/// Evaluates `request` against `policies` the way AWS does.
pub fn evaluate(request: &Request, policies: &PolicySet) -> Evaluation {
    let vars = RequestVars {
        context: &request.context,
        principal: &request.principal,
    };
    let principal = &request.principal;
    let uses_identity = principal.has_identity_policies();
    let mut applied: Vec<Applied> = Vec::new();
    if uses_identity {
        for p in &policies.identity {
            push_policy(&mut applied, Source::Identity, p, request, &vars);
        }
        if let Some(b) = &policies.boundary {
            push_policy(&mut applied, Source::Boundary, b, request, &vars);
        }
    }
    if let Some(r) = &policies.resource {
        push_policy(&mut applied, Source::Resource, r, request, &vars);
    }

    let is = |a: &&Applied, src: Source, eff: Effect| a.source == src && a.statement.effect == eff;
    let deny = or_all(
        applied
            .iter()
            .filter(|a| a.statement.effect == Effect::Deny),
    );
    let id_allow = or_all(
        applied
            .iter()
            .filter(|a| is(a, Source::Identity, Effect::Allow)),
    );
    let boundary = if uses_identity && policies.boundary.is_some() {
        or_all(
            applied
                .iter()
                .filter(|a| is(a, Source::Boundary, Effect::Allow)),
        )
    } else {
        Tri::True
    };
    let res = |m: PrincipalMatch| {
        or_all(
            applied
                .iter()
                .filter(|a| is(a, Source::Resource, Effect::Allow) && a.principal == m),
        )
    };
    let (res_exact, res_role, res_account) = (
        res(PrincipalMatch::Exact),
        res(PrincipalMatch::Role),
        res(PrincipalMatch::Account),
    );
    let res_any = res_exact.or(res_role).or(res_account);

    // Identity side: policies AND boundary. The account root is not limited by identity
    // policies; services and anonymous callers have none.
    let identity = match principal {
        Principal::Account { .. } => Tri::True,
        _ if uses_identity => id_allow.and(boundary),
        _ => Tri::False,
    };
    let resource_account = request.resource_account();
    let same_account = match (principal.account(), resource_account) {
        (Some(p), Some(r)) => p == r,
        // Unknown resource account: AWS would know; we assume the principal's own.
        _ => true,
    };
    let allow = if !uses_identity && !matches!(principal, Principal::Account { .. }) {
        // Services and anonymous callers: the resource policy alone.
        res_any
    } else if !same_account {
        identity.and(res_any)
    } else {
        let direct = res_exact
            .or(res_role.and(boundary))
            .or(res_account.and(identity));
        match policies.resource_kind {
            ResourcePolicyKind::Generic => identity.or(direct),
            ResourcePolicyKind::RoleTrust | ResourcePolicyKind::KmsKey => direct,
        }
    };
    let decision = match (deny, allow) {
        (Tri::True, _) => Decision::ExplicitlyDenied,
        (_, Tri::False) => Decision::ImplicitlyDenied,
        (Tri::False, Tri::True) => Decision::Allowed,
        _ => Decision::Unknown,
    };

    let sref = |a: &Applied| StatementRef::new(a.policy, a.index, a.statement);
    let deciding: Vec<StatementRef> = match decision {
        Decision::ExplicitlyDenied => applied
            .iter()
            .filter(|a| a.statement.effect == Effect::Deny && a.value.is_true())
            .map(sref)
            .collect(),
        Decision::Allowed => applied
            .iter()
            .filter(|a| a.statement.effect == Effect::Allow && a.value.is_true())
            .map(sref)
            .collect(),
        Decision::Unknown => applied
            .iter()
            .filter(|a| a.value == Tri::Unknown)
            .map(sref)
            .collect(),
        Decision::ImplicitlyDenied => Vec::new(),
    };
    let unknown_keys = if decision == Decision::Unknown {
        explain::unknown_keys(&applied, request, &vars)
    } else {
        Vec::new()
    };
    let facts = explain::Facts {
        same_account,
        resource_account,
        uses_identity,
        kind: policies.resource_kind,
        has_resource_policy: policies.resource.is_some(),
        has_boundary: policies.boundary.is_some(),
        deny,
        identity,
        id_allow,
        boundary,
        res_exact,
        res_role,
        res_account,
    };
    let explanation = explain::sentences(decision, &facts, request, &deciding, &unknown_keys);
    let near_misses = if decision == Decision::Allowed {
        Vec::new()
    } else {
        explain::near_misses(&applied, request, &vars)
    };
    Evaluation {
        decision,
        deciding,
        unknown_keys,
        near_misses,
        explanation,
    }
}
