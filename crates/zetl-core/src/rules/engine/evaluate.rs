//! The one generic routine: a requirement becomes concrete requests (rules.md "How access
//! rules evaluate"), each evaluated with the policy engine against the policies that take part.

use crate::rules::messages::sentence;
use serde::Serialize;
use serde_json::{json, Value};

use crate::policy::{
    evaluate, ContextValue, Evaluation, NamedPolicy, PolicyDocument, PolicySet, Principal, Request,
    RequestContext, ResourcePolicyKind,
};
use crate::snapshot::Snapshot;

use crate::rules::engine::policies::{self, LoadedPolicy, Unreadable};
use crate::rules::engine::principals::{resolve, NoRequester, Requester, GLUE_SERVICE};
use crate::rules::engine::requirement::{expand, ContextTemplate, PolicySource, Requirement};
use crate::rules::pair::PairFacts;
use crate::rules::values::PairValues;

/// Which side of a cross-account decision to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// AWS's real combination of every policy that takes part.
    Both,
    /// The resource policy alone (the identity side is another rule's business): identity
    /// counts as allowing, so an account grant is evaluated as delegation.
    ResourceOnly,
}

/// One concrete request and its decision.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluated {
    pub requirement: String,
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub context: RequestContext,
    #[serde(flatten)]
    pub evaluation: Evaluation,
}

impl Evaluated {
    /// The request as evidence shows it.
    pub fn request_json(&self) -> Value {
        json!({
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": self.context,
        })
    }
}

/// What evaluating a requirement gave.
#[derive(Debug)]
pub enum RequirementResult {
    Evaluated(Vec<Evaluated>),
    /// A fact or placeholder was not available.
    Unreadable(Unreadable),
    NoRequester(NoRequester),
}

/// Policies loaded for one requirement; documents are owned here and borrowed by PolicySets.
struct Loaded {
    identity: Vec<LoadedPolicy>,
    boundary: Option<LoadedPolicy>,
    resource: Option<LoadedPolicy>,
    kind: ResourcePolicyKind,
}

/// An identity policy that allows everything, standing in for the side another rule checks.
fn allow_all() -> PolicyDocument {
    // A fixed, valid document: parsing cannot fail.
    PolicyDocument::from_value(&json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    .unwrap_or(PolicyDocument {
        version: None,
        id: None,
        statements: Vec::new(),
    })
}

pub fn evaluate_requirement(scope: &PairFacts, req: &Requirement, side: Side) -> RequirementResult {
    match resolve(scope.snapshot, req.principal, scope.target_role()) {
        Ok(r) => evaluate_as(scope, req, side, &r),
        Err(e) => RequirementResult::NoRequester(e),
    }
}

/// Evaluates `req` for a given requester (used for representative principals).
pub fn evaluate_as(
    scope: &PairFacts,
    req: &Requirement,
    side: Side,
    requester: &Requester,
) -> RequirementResult {
    let (snapshot, values) = (scope.snapshot, &scope.values);
    let resources: Result<Vec<String>, String> = req
        .resources
        .iter()
        .map(|r| expand(r, &values.values))
        .collect();
    let resources = match resources {
        Ok(r) => r,
        Err(e) => return RequirementResult::Unreadable(placeholder_missing(e)),
    };
    let mut out = Vec::new();
    for resource in &resources {
        let loaded = match load(snapshot, values, req, requester, resource) {
            Ok(l) => l,
            Err(u) => return RequirementResult::Unreadable(u),
        };
        let context = match context_for(values, req, requester) {
            Ok(c) => c,
            Err(e) => return RequirementResult::Unreadable(placeholder_missing(e)),
        };
        let stand_in = allow_all();
        let mut set = PolicySet::new();
        let identity_only = req.policies.iter().all(|p| *p == PolicySource::Identity);
        if side == Side::ResourceOnly {
            set = set.identity(NamedPolicy::new(
                "(identity side: checked by another rule)",
                &stand_in,
            ));
        } else {
            for p in &loaded.identity {
                set = set.identity(NamedPolicy::new(p.name.clone(), &p.document));
            }
            if let Some(b) = &loaded.boundary {
                set = set.boundary(NamedPolicy::new(b.name.clone(), &b.document));
            }
        }
        if let Some(r) = &loaded.resource {
            set = set.resource(NamedPolicy::new(r.name.clone(), &r.document), loaded.kind);
        }
        for action in &req.actions {
            let mut request = Request::new(requester.principal().clone(), action, resource)
                .with_context(context.clone());
            // S3 ARNs carry no account: the bucket is taken to be the role's account's.
            // Identity-only requirements check the identity side alone: the request is
            // treated as made in the principal's own account.
            if let Some(acct) = requester.principal().account() {
                if identity_only || resource.starts_with("arn:aws:s3:::") {
                    request = request.with_resource_account(acct);
                }
            }
            let evaluation = evaluate(&request, &set);
            out.push(Evaluated {
                requirement: req.id.clone(),
                principal: requester.principal().display(),
                action: action.clone(),
                resource: resource.clone(),
                context: context.clone(),
                evaluation,
            });
        }
    }
    RequirementResult::Evaluated(out)
}

fn placeholder_missing(e: String) -> Unreadable {
    Unreadable {
        what: sentence("fact.requirement_value", &[]),
        action: None,
        reason: e,
    }
}

fn load(
    snapshot: &Snapshot,
    values: &PairValues,
    req: &Requirement,
    requester: &Requester,
    resource: &str,
) -> Result<Loaded, Unreadable> {
    let mut loaded = Loaded {
        identity: Vec::new(),
        boundary: None,
        resource: None,
        kind: ResourcePolicyKind::Generic,
    };
    for source in &req.policies {
        match source {
            PolicySource::Identity => {
                if let Requester::Iam { facts, .. } = requester {
                    let id = policies::identity(facts)?;
                    loaded.identity = id.policies;
                    loaded.boundary = id.boundary;
                }
            }
            PolicySource::TablePolicy => {
                loaded.resource = policies::table_policy(snapshot, values)?
            }
            PolicySource::CatalogPolicy => {
                loaded.resource = policies::catalog_policy(snapshot, values)?
            }
            PolicySource::BucketPolicy => {
                loaded.resource = policies::bucket_policy(snapshot, values)?
            }
            PolicySource::KeyPolicy => {
                loaded.resource = Some(policies::key_policy(snapshot, resource)?);
                loaded.kind = ResourcePolicyKind::KmsKey;
            }
            PolicySource::Trust => {
                let role = values.get("role_arn").unwrap_or_default();
                let facts = match snapshot.principals.get(role).map(|f| f.as_result()) {
                    Some(Ok(Some(p))) => p,
                    Some(Ok(None)) | None => {
                        return Err(Unreadable {
                            what: sentence("fact.trust_policy", &[]),
                            action: Some("iam:GetRole".into()),
                            reason: sentence("unknown.role_not_read", &[("role", role)]),
                        })
                    }
                    Some(Err(u)) => {
                        return Err(Unreadable {
                            what: sentence("fact.trust_policy", &[]),
                            action: Some(u.action.clone().unwrap_or_else(|| "iam:GetRole".into())),
                            reason: u.message.clone().unwrap_or_default(),
                        })
                    }
                };
                loaded.resource = Some(policies::trust_policy(facts)?);
                loaded.kind = ResourcePolicyKind::RoleTrust;
            }
        }
    }
    Ok(loaded)
}

/// The request context: exactly the standard keys of rules.md plus the requirement's own;
/// any other key a statement turns on makes the decision unknown (naming it).
fn context_for(
    values: &PairValues,
    req: &Requirement,
    requester: &Requester,
) -> Result<RequestContext, String> {
    let now = values.get("now").unwrap_or_default().to_string();
    let mut ctx = RequestContext::new().missing_keys_unknown(true);
    match requester.principal() {
        Principal::Service { .. } => {
            ctx.insert("aws:PrincipalIsAWSService", "true".into());
            ctx.insert("aws:PrincipalServiceName", GLUE_SERVICE.into());
        }
        p => {
            if let Some(a) = p.account() {
                ctx.insert("aws:PrincipalAccount", a.into());
            }
            if let Some(arn) = p.principal_arn() {
                ctx.insert("aws:PrincipalArn", arn.into());
            }
        }
    }
    ctx.insert("aws:SecureTransport", "true".into());
    ctx.insert("aws:CurrentTime", now.into());
    for (key, template) in &req.context {
        let v = match template {
            ContextTemplate::One(t) => ContextValue::Single(expand(t, &values.values)?),
            ContextTemplate::Many(ts) => ContextValue::Multi(
                ts.iter()
                    .map(|t| expand(t, &values.values))
                    .collect::<Result<_, _>>()?,
            ),
        };
        ctx.insert(key, v);
    }
    Ok(ctx)
}
