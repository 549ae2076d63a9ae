//! The decision: which statements apply, and how identity policies, the resource policy and a
//! permission boundary combine (AWS's evaluation logic, same-account vs cross-account).

use serde::Serialize;

use super::aws_rules;
use super::context::{ContextValue, RequestContext, RequestVars};
use super::document::{Effect, NamedPolicy, Statement};
use super::explain::{self, NearMiss};
use super::matching::{arn_account, ArnText};
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
    /// AWS refuses the request whatever the policies say: the account root user assuming a
    /// role, changing an AWS managed policy, a service-linked role, or an AWS managed KMS key
    /// or its alias. The explanation names the rule; no statement decides.
    DeniedByAws,
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
        let index = self.index.to_string();
        match &self.sid {
            Some(sid) => crate::rules::messages::sentence(
                "policy.statement_with_sid",
                &[
                    ("policy", &self.policy),
                    ("index", &index),
                    ("sid", &format!("{sid:?}")),
                ],
            ),
            None => crate::rules::messages::sentence(
                "policy.statement",
                &[("policy", &self.policy), ("index", &index)],
            ),
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
    resource: &ArnText,
    vars: &RequestVars,
    check_principal: bool,
    has_boundary: bool,
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
            match p.pattern.matches_split(resource, vars) {
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
            // AWS: a resource-policy Deny with NotPrincipal always denies a principal that
            // has a permissions boundary, whatever NotPrincipal lists.
            Some(b) if b.negated && s.effect == Effect::Deny && has_boundary => {
                PrincipalMatch::Exact
            }
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
    resource: &ArnText,
    vars: &RequestVars,
    has_boundary: bool,
) {
    for (index, s) in p.document.statements.iter().enumerate() {
        let (value, principal) = apply_statement(
            s,
            request,
            resource,
            vars,
            source == Source::Resource,
            has_boundary,
        );
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

/// What `evaluate_with` computes besides the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluateOptions {
    /// Rank the closest Allow statements when not allowed (costs a second pass over every
    /// statement; bulk simulations that print only the decision can skip it).
    pub near_misses: bool,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        EvaluateOptions { near_misses: true }
    }
}

/// Evaluates `request` against `policies` the way AWS does, with near misses.
///
/// For an assumed-role session, an `aws:PrincipalArn` context value naming the session's role
/// with its path (same account, same role name) is taken as the role's ARN, as AWS knows it:
/// statements naming `arn:aws:iam::A:role/PATH/NAME` then match the session.
pub fn evaluate(request: &Request, policies: &PolicySet) -> Evaluation {
    evaluate_with(request, policies, EvaluateOptions::default())
}

/// `request` with its session principal's role ARN taken from `aws:PrincipalArn`, when the
/// context gives that role with a path the session ARN cannot carry
/// (`arn:aws:sts::A:assumed-role/NAME/S` vs `arn:aws:iam::A:role/PATH/NAME`): AWS matches
/// Principal elements naming the role by that ARN. A role ARN the caller already supplied
/// (`Principal::with_role_arn`) is kept. `None` when nothing changes.
fn with_context_role_arn(request: &Request) -> Option<Request> {
    let Principal::AssumedRole {
        role_arn,
        account,
        role_name,
        ..
    } = &request.principal
    else {
        return None;
    };
    let path_unknown = role_arn.ends_with(&format!(":role/{role_name}"));
    let Some(ContextValue::Single(given)) = request.context.get("aws:PrincipalArn") else {
        return None;
    };
    if !path_unknown || given == role_arn || arn_account(given) != Some(account.as_str()) {
        return None;
    }
    let principal = request.principal.clone().with_role_arn(given);
    (principal != request.principal).then(|| Request {
        principal,
        ..request.clone()
    })
}

/// `evaluate`, choosing the optional parts.
pub fn evaluate_with(
    request: &Request,
    policies: &PolicySet,
    options: EvaluateOptions,
) -> Evaluation {
    let by_policies = match with_context_role_arn(request) {
        Some(r) => evaluate_policies(&r, policies, options),
        None => evaluate_policies(request, policies, options),
    };
    let Some(rule) = aws_rules::decide(request) else {
        return by_policies;
    };
    // AWS decides before the policies: no statement decides, no statement could fix it. What
    // the policies alone would say is kept as the second sentence.
    let mut explanation = vec![rule.why];
    explanation.extend(
        by_policies
            .explanation
            .into_iter()
            .next()
            .map(|s| format!("the policies alone: {s}")),
    );
    Evaluation {
        decision: rule.decision,
        deciding: Vec::new(),
        unknown_keys: Vec::new(),
        near_misses: Vec::new(),
        explanation,
    }
}

/// The policies' decision for `request` as given.
fn evaluate_policies(
    request: &Request,
    policies: &PolicySet,
    options: EvaluateOptions,
) -> Evaluation {
    let vars = RequestVars {
        context: &request.context,
        principal: &request.principal,
    };
    let principal = &request.principal;
    let uses_identity = principal.has_identity_policies();
    let mut applied: Vec<Applied> = Vec::new();
    let res_text = ArnText::new(&request.resource);
    let has_boundary = uses_identity && policies.boundary.is_some();
    if uses_identity {
        for p in &policies.identity {
            push_policy(
                &mut applied,
                Source::Identity,
                p,
                request,
                &res_text,
                &vars,
                has_boundary,
            );
        }
        if let Some(b) = &policies.boundary {
            push_policy(
                &mut applied,
                Source::Boundary,
                b,
                request,
                &res_text,
                &vars,
                has_boundary,
            );
        }
    }
    if let Some(r) = &policies.resource {
        push_policy(
            &mut applied,
            Source::Resource,
            r,
            request,
            &res_text,
            &vars,
            has_boundary,
        );
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
        Decision::ImplicitlyDenied | Decision::DeniedByAws => Vec::new(),
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
    let near_misses = if decision == Decision::Allowed || !options.near_misses {
        Vec::new()
    } else {
        explain::near_misses(&applied, request, &res_text, &vars)
    };
    Evaluation {
        decision,
        deciding,
        unknown_keys,
        near_misses,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::document::PolicyDocument;
    use crate::policy::explain::MissReason;
    use serde_json::json;

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    fn doc(v: serde_json::Value) -> PolicyDocument {
        PolicyDocument::from_value(&v).unwrap()
    }

    fn allow(action: &str, resource: &str) -> PolicyDocument {
        doc(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}),
        )
    }

    fn res_allow(principal: serde_json::Value, action: &str, resource: &str) -> PolicyDocument {
        doc(
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "R", "Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}]}),
        )
    }

    fn req(principal: &str, action: &str, resource: &str) -> Request {
        Request::new(Principal::parse(principal).unwrap(), action, resource)
    }

    fn user(acct: &str) -> String {
        format!("arn:aws:iam::{acct}:user/alice")
    }

    fn bucket_obj() -> &'static str {
        "arn:aws:s3:::bucket/key"
    }

    fn run(
        r: &Request,
        identity: &[&PolicyDocument],
        resource: Option<&PolicyDocument>,
        kind: ResourcePolicyKind,
        boundary: Option<&PolicyDocument>,
    ) -> Evaluation {
        let mut set = PolicySet::new();
        set.resource_kind = kind;
        for (i, d) in identity.iter().enumerate() {
            set = set.identity(NamedPolicy::new(format!("identity{i}"), d));
        }
        if let Some(d) = resource {
            set = set.resource(NamedPolicy::new("resource policy", d), kind);
        }
        if let Some(d) = boundary {
            set = set.boundary(NamedPolicy::new("boundary", d));
        }
        evaluate(r, &set)
    }

    use ResourcePolicyKind::{Generic, KmsKey, RoleTrust};

    #[test]
    fn same_account_identity_or_resource() {
        let id = allow("s3:GetObject", "arn:aws:s3:::bucket/*");
        let r = req(&user(A), "s3:getobject", bucket_obj()).with_resource_account(A);
        let e = run(&r, &[&id], None, Generic, None);
        assert_eq!(e.decision, Decision::Allowed);
        assert_eq!(
            e.deciding,
            vec![StatementRef {
                policy: "identity0".into(),
                index: 0,
                sid: None,
                effect: Effect::Allow
            }]
        );
        assert!(e.explanation[1].starts_with("same-account request"));
        let rp = res_allow(
            json!({"AWS": user(A)}),
            "s3:GetObject",
            "arn:aws:s3:::bucket/*",
        );
        assert_eq!(
            run(&r, &[], Some(&rp), Generic, None).decision,
            Decision::Allowed
        );
        // Naming the account delegates to identity policies.
        let rp_acct = res_allow(json!({"AWS": A}), "s3:GetObject", "arn:aws:s3:::bucket/*");
        let e = run(&r, &[], Some(&rp_acct), Generic, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert!(
            e.explanation
                .iter()
                .any(|s| s.contains("delegates to that account's identity policies")),
            "{:?}",
            e.explanation
        );
        assert_eq!(
            run(&r, &[&id], Some(&rp_acct), Generic, None).decision,
            Decision::Allowed
        );
        assert_eq!(
            run(&r, &[], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
    }

    #[test]
    fn cross_account_needs_both() {
        let cat = format!("arn:aws:glue:us-east-1:{B}:catalog");
        let r = req(&user(A), "glue:CreateInboundIntegration", &cat);
        let id = allow("glue:CreateInboundIntegration", "*");
        let rp = res_allow(
            json!({"AWS": format!("arn:aws:iam::{A}:root")}),
            "glue:CreateInboundIntegration",
            &cat,
        );
        assert_eq!(
            run(&r, &[&id], Some(&rp), Generic, None).decision,
            Decision::Allowed
        );
        let e = run(&r, &[], Some(&rp), Generic, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert!(
            e.explanation.contains(
                &"cross-account request: the resource policy allows but no identity policy does"
                    .to_string()
            ),
            "{:?}",
            e.explanation
        );
        let e = run(&r, &[&id], None, Generic, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert!(e
            .explanation
            .iter()
            .any(|s| s.contains("an identity policy allows but there is no resource policy")));
        // resource_account given explicitly overrides (S3 ARNs carry no account).
        let r = req(&user(A), "s3:GetObject", bucket_obj()).with_resource_account(B);
        let id = allow("s3:GetObject", "*");
        assert_eq!(
            run(&r, &[&id], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
    }

    #[test]
    fn service_principals_use_the_resource_policy_alone() {
        let table = format!("arn:aws:dynamodb:us-east-1:{A}:table/t");
        let r = req("glue.amazonaws.com", "dynamodb:DescribeTable", &table);
        let id = allow("*", "*");
        assert_eq!(
            run(&r, &[&id], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
        let rp = res_allow(
            json!({"Service": "glue.amazonaws.com"}),
            "dynamodb:DescribeTable",
            &table,
        );
        let e = run(&r, &[], Some(&rp), Generic, None);
        assert_eq!(e.decision, Decision::Allowed);
        assert_eq!(e.deciding[0].sid.as_deref(), Some("R"));
        let rp_other = res_allow(
            json!({"Service": "redshift.amazonaws.com"}),
            "dynamodb:DescribeTable",
            &table,
        );
        let e = run(&r, &[], Some(&rp_other), Generic, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert!(matches!(
            &e.near_misses[0].reasons[0],
            MissReason::PrincipalNotMatched { .. }
        ));
    }

    #[test]
    fn explicit_deny_wins_everywhere() {
        let r = req(&user(A), "s3:GetObject", bucket_obj()).with_resource_account(A);
        let id = allow("s3:*", "*");
        let deny = doc(
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "D", "Effect": "Deny", "Action": "s3:Get*", "Resource": "*"}]}),
        );
        let e = run(&r, &[&id, &deny], None, Generic, None);
        assert_eq!(e.decision, Decision::ExplicitlyDenied);
        assert_eq!(e.deciding[0].policy, "identity1");
        assert!(e.explanation[0].contains("explicit Deny overrides"));
        let rdeny = doc(
            json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}),
        );
        assert_eq!(
            run(&r, &[&id], Some(&rdeny), Generic, None).decision,
            Decision::ExplicitlyDenied
        );
        assert_eq!(
            run(&r, &[&id], None, Generic, Some(&deny)).decision,
            Decision::ExplicitlyDenied
        );
        // A resource-policy Deny naming the account applies to its principals.
        let acct_deny = doc(
            json!({"Statement": [{"Effect": "Deny", "Principal": {"AWS": A}, "Action": "s3:*", "Resource": "*"}]}),
        );
        assert_eq!(
            run(&r, &[&id], Some(&acct_deny), Generic, None).decision,
            Decision::ExplicitlyDenied
        );
    }

    #[test]
    fn boundaries() {
        let r = req(&user(A), "s3:GetObject", bucket_obj()).with_resource_account(A);
        let id = allow("s3:*", "*");
        let narrow = allow("s3:PutObject", "*");
        let e = run(&r, &[&id], None, Generic, Some(&narrow));
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert!(e
            .explanation
            .iter()
            .any(|s| s == "an identity policy allows it, but the permission boundary does not"));
        assert_eq!(
            run(&r, &[&id], None, Generic, Some(&allow("s3:Get*", "*"))).decision,
            Decision::Allowed
        );
        // Same account: a resource policy naming the user is not limited by the boundary.
        let rp = res_allow(json!({"AWS": user(A)}), "s3:GetObject", "*");
        assert_eq!(
            run(&r, &[], Some(&rp), Generic, Some(&narrow)).decision,
            Decision::Allowed
        );
        // ... naming the role of a session is; naming the session is not.
        let s = req(
            &format!("arn:aws:sts::{A}:assumed-role/etl/s1"),
            "s3:GetObject",
            bucket_obj(),
        )
        .with_resource_account(A);
        let by_role = res_allow(
            json!({"AWS": format!("arn:aws:iam::{A}:role/etl")}),
            "s3:GetObject",
            "*",
        );
        assert_eq!(
            run(&s, &[], Some(&by_role), Generic, None).decision,
            Decision::Allowed
        );
        let e = run(&s, &[], Some(&by_role), Generic, Some(&narrow));
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert!(
            e.explanation
                .iter()
                .any(|x| x.contains("permission boundary does not allow it")),
            "{:?}",
            e.explanation
        );
        let by_session = res_allow(
            json!({"AWS": format!("arn:aws:sts::{A}:assumed-role/etl/s1")}),
            "s3:GetObject",
            "*",
        );
        assert_eq!(
            run(&s, &[], Some(&by_session), Generic, Some(&narrow)).decision,
            Decision::Allowed
        );
        // A Deny with NotPrincipal always denies a principal with a boundary.
        let np = doc(
            json!({"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": user(A)}, "Action": "s3:*", "Resource": "*"}]}),
        );
        assert_eq!(
            run(&r, &[&id], Some(&np), Generic, None).decision,
            Decision::Allowed
        );
        assert_eq!(
            run(&r, &[&id], Some(&np), Generic, Some(&id)).decision,
            Decision::ExplicitlyDenied
        );
    }

    #[test]
    fn role_trust_must_allow_explicitly() {
        let role = format!("arn:aws:iam::{A}:role/target");
        let trust_glue = doc(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        );
        let g = req("glue.amazonaws.com", "sts:AssumeRole", &role);
        assert_eq!(
            run(&g, &[], Some(&trust_glue), RoleTrust, None).decision,
            Decision::Allowed
        );
        let u = req(&user(A), "sts:AssumeRole", &role);
        let id = allow("sts:AssumeRole", "*");
        let e = run(&u, &[&id], Some(&trust_glue), RoleTrust, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert!(e
            .explanation
            .iter()
            .any(|s| s.contains("must allow explicitly")));
        let trust_acct = res_allow(json!({"AWS": A}), "sts:AssumeRole", "*");
        assert_eq!(
            run(&u, &[&id], Some(&trust_acct), RoleTrust, None).decision,
            Decision::Allowed
        );
        assert_eq!(
            run(&u, &[], Some(&trust_acct), RoleTrust, None).decision,
            Decision::ImplicitlyDenied
        );
        let trust_user = res_allow(json!({"AWS": user(A)}), "sts:AssumeRole", "*");
        assert_eq!(
            run(&u, &[], Some(&trust_user), RoleTrust, None).decision,
            Decision::Allowed
        );
        assert_eq!(
            run(&u, &[&id], None, RoleTrust, None).decision,
            Decision::ImplicitlyDenied
        );
        let x = req(&user(B), "sts:AssumeRole", &role);
        let trust_b = res_allow(json!({"AWS": user(B)}), "sts:AssumeRole", "*");
        assert_eq!(
            run(&x, &[], Some(&trust_b), RoleTrust, None).decision,
            Decision::ImplicitlyDenied
        );
        assert_eq!(
            run(&x, &[&id], Some(&trust_b), RoleTrust, None).decision,
            Decision::Allowed
        );
    }

    #[test]
    fn kms_key_policy_root_delegation() {
        let key = format!("arn:aws:kms:us-east-1:{A}:key/k");
        let r = req(
            &format!("arn:aws:sts::{A}:assumed-role/etl/s"),
            "kms:Decrypt",
            &key,
        );
        let root = res_allow(
            json!({"AWS": format!("arn:aws:iam::{A}:root")}),
            "kms:*",
            "*",
        );
        let id = allow("kms:Decrypt", &key);
        assert_eq!(
            run(&r, &[&id], Some(&root), KmsKey, None).decision,
            Decision::Allowed
        );
        assert_eq!(
            run(&r, &[], Some(&root), KmsKey, None).decision,
            Decision::ImplicitlyDenied
        );
        assert_eq!(
            run(&r, &[&id], None, KmsKey, None).decision,
            Decision::ImplicitlyDenied
        );
        let only_admin = res_allow(
            json!({"AWS": format!("arn:aws:iam::{A}:role/admin")}),
            "kms:*",
            "*",
        );
        assert_eq!(
            run(&r, &[&id], Some(&only_admin), KmsKey, None).decision,
            Decision::ImplicitlyDenied
        );
        let named = res_allow(
            json!({"AWS": format!("arn:aws:iam::{A}:role/etl")}),
            "kms:Decrypt",
            "*",
        );
        assert_eq!(
            run(&r, &[], Some(&named), KmsKey, None).decision,
            Decision::Allowed
        );
    }

    #[test]
    fn not_elements() {
        let r = req(&user(A), "s3:GetObject", bucket_obj()).with_resource_account(A);
        let not_action =
            doc(json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}));
        assert_eq!(
            run(&r, &[&not_action], None, Generic, None).decision,
            Decision::Allowed
        );
        let not_action_s3 = doc(
            json!({"Statement": [{"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"}]}),
        );
        let e = run(&r, &[&not_action_s3], None, Generic, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert_eq!(
            e.near_misses[0].reasons,
            vec![MissReason::ActionNotMatched {
                action: "s3:GetObject".into(),
                listed: vec!["s3:*".into()],
                not_action: true
            }]
        );
        let not_res = doc(
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::other/*"}]}),
        );
        assert_eq!(
            run(&r, &[&not_res], None, Generic, None).decision,
            Decision::Allowed
        );
        let not_res_hit = doc(
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::bucket/*"}]}),
        );
        assert_eq!(
            run(&r, &[&not_res_hit], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
        let not_principal = doc(
            json!({"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": user(B)}, "Action": "s3:*", "Resource": "*"}]}),
        );
        assert_eq!(
            run(&r, &[], Some(&not_principal), Generic, None).decision,
            Decision::Allowed
        );
        let np_me = doc(
            json!({"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": user(A)}, "Action": "s3:*", "Resource": "*"}]}),
        );
        assert_eq!(
            run(&r, &[], Some(&np_me), Generic, None).decision,
            Decision::ImplicitlyDenied
        );
    }

    #[test]
    fn data_perimeter_deny_and_unknown_keys() {
        let table = format!("arn:aws:dynamodb:us-east-1:{A}:table/t");
        let policy = doc(json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowGlue", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "dynamodb:DescribeTable", "Resource": table},
            {"Sid": "Perimeter", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
        ]}));
        let glue_ctx = RequestContext::new()
            .with("aws:PrincipalIsAWSService", "true")
            .with("aws:PrincipalServiceName", "glue.amazonaws.com")
            .missing_keys_unknown(true);
        let r = req("glue.amazonaws.com", "dynamodb:DescribeTable", &table).with_context(glue_ctx);
        let e = run(&r, &[], Some(&policy), Generic, None);
        assert_eq!(e.decision, Decision::Allowed, "{:?}", e.explanation);
        // A principal request: the deny depends on the org id, which was not supplied.
        let u_ctx = RequestContext::new()
            .with("aws:PrincipalAccount", A)
            .missing_keys_unknown(true);
        let u = req(&user(A), "dynamodb:DescribeTable", &table).with_context(u_ctx);
        let id = allow("dynamodb:*", "*");
        let e = run(&u, &[&id], Some(&policy), Generic, None);
        assert_eq!(e.decision, Decision::Unknown);
        assert_eq!(
            e.unknown_keys,
            vec![
                "aws:PrincipalOrgID".to_string(),
                "aws:PrincipalIsAWSService".to_string()
            ]
        );
        assert_eq!(e.deciding[0].sid.as_deref(), Some("Perimeter"));
        // With AWS's missing-key rules instead: StringNotEquals on a missing key is true,
        // BoolIfExists too: the deny fires.
        let u = req(&user(A), "dynamodb:DescribeTable", &table);
        assert_eq!(
            run(&u, &[&id], Some(&policy), Generic, None).decision,
            Decision::ExplicitlyDenied
        );
        // Unknown does not rescue a request nothing allows.
        let nothing = req(&user(A), "dynamodb:DescribeTable", &table)
            .with_context(RequestContext::new().missing_keys_unknown(true));
        assert_eq!(
            run(&nothing, &[], Some(&policy), Generic, None).decision,
            Decision::ImplicitlyDenied
        );
    }

    #[test]
    fn near_misses_rank_and_explain() {
        let table = format!("arn:aws:dynamodb:us-east-1:{A}:table/t");
        let policy = doc(json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Far", "Effect": "Allow", "Principal": {"AWS": user(B)}, "Action": "s3:*", "Resource": "arn:aws:s3:::x"},
            {"Sid": "Close", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "dynamodb:ExportTableToPointInTime", "Resource": table,
             "Condition": {"StringEquals": {"aws:SourceArn": format!("arn:aws:glue:us-east-1:{B}:integration:*")}, "StringLike": {"aws:SourceAccount": B}}}
        ]}));
        let ctx = RequestContext::new().with("aws:SourceAccount", A).with(
            "aws:SourceArn",
            format!("arn:aws:glue:us-east-1:{A}:integration:abc").as_str(),
        );
        let r = req(
            "glue.amazonaws.com",
            "dynamodb:ExportTableToPointInTime",
            &table,
        )
        .with_context(ctx);
        let e = run(&r, &[], Some(&policy), Generic, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        assert_eq!(e.near_misses[0].statement.sid.as_deref(), Some("Close"));
        assert_eq!(
            e.near_misses[0].reasons,
            vec![
                MissReason::ConditionFailed {
                    operator: "StringEquals".into(),
                    key: "aws:SourceArn".into(),
                    expected: vec![format!("arn:aws:glue:us-east-1:{B}:integration:*")],
                    actual: Some(vec![format!("arn:aws:glue:us-east-1:{A}:integration:abc")]),
                    note: Some("StringEquals does not expand *; use StringLike/ArnLike".into()),
                },
                MissReason::ConditionFailed {
                    operator: "StringLike".into(),
                    key: "aws:SourceAccount".into(),
                    expected: vec![B.into()],
                    actual: Some(vec![A.into()]),
                    note: Some(format!(
                        "names account {B}, the request comes from account {A}"
                    )),
                },
            ]
        );
        assert_eq!(e.near_misses[1].statement.sid.as_deref(), Some("Far"));
        assert_eq!(e.near_misses[1].reasons.len(), 3);
        // A missing key is named as such.
        let r = req(
            "glue.amazonaws.com",
            "dynamodb:ExportTableToPointInTime",
            &table,
        );
        let e = run(&r, &[], Some(&policy), Generic, None);
        assert_eq!(
            e.near_misses[0].reasons[0],
            MissReason::ConditionKeyMissing {
                operator: "StringEquals".into(),
                key: "aws:SourceArn".into()
            }
        );
        assert!(e.near_misses[0]
            .describe()
            .starts_with("resource policy statement 1 (\"Close\") does not apply: "));
    }

    #[test]
    fn principal_notes() {
        let cat = format!("arn:aws:glue:us-east-1:{B}:catalog");
        let rp = res_allow(
            json!({"AWS": format!("arn:aws:iam::{B}:root")}),
            "glue:*",
            &cat,
        );
        let r = req(&user(A), "glue:CreateInboundIntegration", &cat);
        let e = run(&r, &[&allow("glue:*", "*")], Some(&rp), Generic, None);
        let MissReason::PrincipalNotMatched { note, .. } = &e.near_misses[0].reasons[0] else {
            panic!("{:?}", e.near_misses)
        };
        assert_eq!(
            note.as_deref(),
            Some(format!("names account {B}, the request comes from account {A}").as_str())
        );
        let by_path = res_allow(
            json!({"AWS": format!("arn:aws:iam::{A}:role/team/etl")}),
            "glue:*",
            &cat,
        );
        let s = req(
            &format!("arn:aws:sts::{A}:assumed-role/etl/s"),
            "glue:CreateInboundIntegration",
            &cat,
        );
        let e = run(&s, &[&allow("glue:*", "*")], Some(&by_path), Generic, None);
        assert_eq!(e.decision, Decision::ImplicitlyDenied);
        let MissReason::PrincipalNotMatched { note, .. } = &e.near_misses[0].reasons[0] else {
            panic!()
        };
        assert!(note
            .as_deref()
            .unwrap()
            .contains("supply the role ARN with its path"));
        let s = Request {
            principal: s
                .principal
                .with_role_arn(&format!("arn:aws:iam::{A}:role/team/etl")),
            ..s
        };
        assert_eq!(
            run(&s, &[&allow("glue:*", "*")], Some(&by_path), Generic, None).decision,
            Decision::Allowed
        );
        // The request's aws:PrincipalArn gives the path just as well; one naming another
        // account's or another role is not adopted.
        let from_context = |arn: &str| {
            req(
                &format!("arn:aws:sts::{A}:assumed-role/etl/s"),
                "glue:CreateInboundIntegration",
                &cat,
            )
            .with_context(RequestContext::new().with("aws:PrincipalArn", arn))
        };
        let decide =
            |r: &Request| run(r, &[&allow("glue:*", "*")], Some(&by_path), Generic, None).decision;
        assert_eq!(
            decide(&from_context(&format!("arn:aws:iam::{A}:role/team/etl"))),
            Decision::Allowed
        );
        assert_eq!(
            decide(&from_context(&format!("arn:aws:iam::{B}:role/team/etl"))),
            Decision::ImplicitlyDenied
        );
        assert_eq!(
            decide(&from_context(&format!("arn:aws:iam::{A}:role/team/other"))),
            Decision::ImplicitlyDenied
        );
    }

    #[test]
    fn variables_in_resources() {
        let d = allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*");
        let ok =
            req(&user(A), "s3:GetObject", "arn:aws:s3:::home/alice/f").with_resource_account(A);
        assert_eq!(
            run(&ok, &[&d], None, Generic, None).decision,
            Decision::Allowed
        );
        let other =
            req(&user(A), "s3:GetObject", "arn:aws:s3:::home/bob/f").with_resource_account(A);
        assert_eq!(
            run(&other, &[&d], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
        // Version 2008-10-17: the text is literal.
        let old = doc(
            json!({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}),
        );
        assert_eq!(
            run(&ok, &[&old], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
        // A role session has no aws:username: the element does not match.
        let s = req(
            &format!("arn:aws:sts::{A}:assumed-role/r/s"),
            "s3:GetObject",
            "arn:aws:s3:::home/alice/f",
        )
        .with_resource_account(A);
        assert_eq!(
            run(&s, &[&d], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
        let acct = allow("s3:GetObject", "arn:aws:s3:::b-${aws:PrincipalAccount}/*");
        let r = req(&user(A), "s3:GetObject", &format!("arn:aws:s3:::b-{A}/k"))
            .with_resource_account(A);
        assert_eq!(
            run(&r, &[&acct], None, Generic, None).decision,
            Decision::Allowed
        );
    }

    #[test]
    fn root_and_anonymous_and_federated() {
        let r = req(A, "s3:GetObject", bucket_obj()).with_resource_account(A);
        assert_eq!(
            run(&r, &[], None, Generic, None).decision,
            Decision::Allowed
        );
        let key = format!("arn:aws:kms:us-east-1:{A}:key/k");
        let rk = req(&format!("arn:aws:iam::{A}:root"), "kms:Decrypt", &key);
        assert_eq!(
            run(&rk, &[], None, KmsKey, None).decision,
            Decision::ImplicitlyDenied
        );
        let root_policy = res_allow(json!({"AWS": A}), "kms:*", "*");
        assert_eq!(
            run(&rk, &[], Some(&root_policy), KmsKey, None).decision,
            Decision::Allowed
        );
        let anon = req("*", "s3:GetObject", bucket_obj());
        let public = res_allow(json!("*"), "s3:GetObject", "arn:aws:s3:::bucket/*");
        assert_eq!(
            run(&anon, &[], Some(&public), Generic, None).decision,
            Decision::Allowed
        );
        assert_eq!(
            run(&anon, &[&allow("*", "*")], None, Generic, None).decision,
            Decision::ImplicitlyDenied
        );
        let fed = req(
            &format!("arn:aws:sts::{A}:federated-user/alice"),
            "s3:GetObject",
            bucket_obj(),
        )
        .with_resource_account(A);
        let by_user = res_allow(json!({"AWS": user(A)}), "s3:GetObject", "*");
        assert_eq!(
            run(&fed, &[], Some(&by_user), Generic, None).decision,
            Decision::Allowed
        );
    }
}
