//! The policy documents that take part in a requirement, read from the snapshot and parsed.
//! A fact that could not be read makes the check unknown, naming the read action it needs.

use crate::policy::{PolicyDocument, PolicyError};
use crate::rules::messages::sentence;
use crate::rules::outcome::Outcome;
use crate::snapshot::{Fact, IamPrincipal, PrincipalKind, Snapshot, StoredPolicy, Unknown};

use crate::rules::values::PairValues;

/// A parsed document with the name explanations show, and its decoded JSON (what fixes edit).
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    pub name: String,
    pub document: PolicyDocument,
    pub json: serde_json::Value,
}

/// Why a policy could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub what: String,
    /// The IAM action the doctor needs to read it, when that is the reason.
    pub action: Option<String>,
    pub reason: String,
}

impl Unreadable {
    fn from_unknown(what: &str, default_action: &str, u: &Unknown) -> Self {
        Unreadable {
            what: what.to_string(),
            action: Some(
                u.action
                    .clone()
                    .unwrap_or_else(|| default_action.to_string()),
            ),
            reason: u
                .message
                .clone()
                .unwrap_or_else(|| sentence("unknown.not_read", &[("what", what)])),
        }
    }

    fn not_collected(what: &str, action: &str) -> Self {
        Unreadable {
            what: what.to_string(),
            action: Some(action.to_string()),
            reason: sentence("unknown.not_in_snapshot", &[("what", what)]),
        }
    }

    fn invalid(what: &str, e: PolicyError) -> Self {
        Unreadable {
            what: what.to_string(),
            action: None,
            reason: sentence(
                "unknown.not_parsed",
                &[("what", what), ("error", &e.to_string())],
            ),
        }
    }
}

impl From<Unreadable> for Outcome {
    fn from(u: Unreadable) -> Outcome {
        Outcome::Unknown {
            reason: u.reason,
            missing_action: u.action,
        }
    }
}

/// The policy a check inspects, or the check's outcome without it: unknown when it could not
/// be read, skipped (for the reason `skipped` gives) when there is none.
pub fn present(
    read: Result<Option<LoadedPolicy>, Unreadable>,
    skipped: impl FnOnce() -> String,
) -> Result<LoadedPolicy, Outcome> {
    match read {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(Outcome::Skipped { reason: skipped() }),
        Err(u) => Err(u.into()),
    }
}

fn parse(name: &str, stored: &StoredPolicy) -> Result<LoadedPolicy, Unreadable> {
    let decoded = stored
        .document()
        .map_err(|e| Unreadable::invalid(name, e.clone()))?;
    let document = PolicyDocument::from_map(decoded).map_err(|e| Unreadable::invalid(name, e))?;
    Ok(LoadedPolicy {
        name: name.to_string(),
        document,
        json: serde_json::Value::Object(decoded.clone()),
    })
}

pub fn table_policy(s: &Snapshot, v: &PairValues) -> Result<Option<LoadedPolicy>, Unreadable> {
    let table = v.get("table_arn").unwrap_or_default();
    let Some(t) = s.tables.get(table) else {
        return Err(Unreadable::not_collected(
            &sentence("fact.table_policy", &[]),
            "dynamodb:GetResourcePolicy",
        ));
    };
    match &t.resource_policy {
        Fact::Known(None) => Ok(None),
        Fact::Known(Some(p)) => parse("table policy", &p.policy).map(Some),
        Fact::Unknown(u) => Err(Unreadable::from_unknown(
            &sentence("fact.table_policy", &[]),
            "dynamodb:GetResourcePolicy",
            u,
        )),
    }
}

pub fn catalog_policy(s: &Snapshot, v: &PairValues) -> Result<Option<LoadedPolicy>, Unreadable> {
    let catalog = v.get("catalog_arn").unwrap_or_default();
    match s.catalog_policies.get(catalog) {
        None => Err(Unreadable::not_collected(
            &sentence("fact.catalog_policy", &[]),
            "glue:GetResourcePolicy",
        )),
        Some(Fact::Known(None)) => Ok(None),
        Some(Fact::Known(Some(p))) => parse("catalog policy", &p.policy).map(Some),
        Some(Fact::Unknown(u)) => Err(Unreadable::from_unknown(
            &sentence("fact.catalog_policy", &[]),
            "glue:GetResourcePolicy",
            u,
        )),
    }
}

pub fn bucket_policy(s: &Snapshot, v: &PairValues) -> Result<Option<LoadedPolicy>, Unreadable> {
    let Some(bucket) = v.get("bucket") else {
        return Ok(None);
    };
    match s.buckets.get(bucket).map(|b| &b.policy) {
        None => Err(Unreadable::not_collected(
            &sentence("fact.bucket_policy", &[]),
            "s3:GetBucketPolicy",
        )),
        Some(Fact::Known(None)) => Ok(None),
        Some(Fact::Known(Some(p))) => parse("bucket policy", p).map(Some),
        Some(Fact::Unknown(u)) => Err(Unreadable::from_unknown(
            &sentence("fact.bucket_policy", &[]),
            "s3:GetBucketPolicy",
            u,
        )),
    }
}

pub fn key_policy(s: &Snapshot, key_arn: &str) -> Result<LoadedPolicy, Unreadable> {
    match s.kms_keys.get(key_arn).map(|k| &k.policy) {
        None => Err(Unreadable::not_collected(
            &sentence("fact.key_policy", &[]),
            "kms:GetKeyPolicy",
        )),
        Some(Fact::Known(p)) => parse("key policy", p),
        Some(Fact::Unknown(u)) => Err(Unreadable::from_unknown(
            &sentence("fact.key_policy", &[]),
            "kms:GetKeyPolicy",
            u,
        )),
    }
}

pub fn trust_policy(p: &IamPrincipal) -> Result<LoadedPolicy, Unreadable> {
    match &p.trust_policy {
        Some(t) => parse("trust policy", t),
        None => Err(Unreadable::not_collected(
            &sentence("fact.trust_policy", &[]),
            "iam:GetRole",
        )),
    }
}

/// Identity policies of a principal: inline, attached, and for users their groups'.
pub struct Identity {
    pub policies: Vec<LoadedPolicy>,
    pub boundary: Option<LoadedPolicy>,
}

pub fn identity(p: &IamPrincipal) -> Result<Identity, Unreadable> {
    let (who, list_inline, list_attached, get_self) = match p.kind {
        PrincipalKind::Role => (
            "role",
            "iam:ListRolePolicies",
            "iam:ListAttachedRolePolicies",
            "iam:GetRole",
        ),
        PrincipalKind::User => (
            "user",
            "iam:ListUserPolicies",
            "iam:ListAttachedUserPolicies",
            "iam:GetUser",
        ),
    };
    let short = p.arn.rsplit('/').next().unwrap_or(&p.arn);
    let mut policies = Vec::new();
    let inline = p.inline_policies.as_result().map_err(|u| {
        Unreadable::from_unknown(&sentence("fact.inline_policies", &[]), list_inline, u)
    })?;
    for ip in inline {
        policies.push(parse(
            &format!("{who} {short} inline {}", ip.name),
            &ip.document,
        )?);
    }
    let attached = p.attached_policies.as_result().map_err(|u| {
        Unreadable::from_unknown(&sentence("fact.attached_policies", &[]), list_attached, u)
    })?;
    for mp in attached {
        policies.push(parse(
            &format!("{who} {short} managed {}", mp.arn),
            &mp.document,
        )?);
    }
    if p.kind == PrincipalKind::User {
        let groups = p.groups.as_result().map_err(|u| {
            Unreadable::from_unknown(
                &sentence("fact.user_groups", &[]),
                "iam:ListGroupsForUser",
                u,
            )
        })?;
        for g in groups {
            let gname = g.arn.rsplit('/').next().unwrap_or(&g.arn);
            for ip in &g.inline_policies {
                policies.push(parse(
                    &format!("group {gname} inline {}", ip.name),
                    &ip.document,
                )?);
            }
            for mp in &g.attached_policies {
                policies.push(parse(
                    &format!("group {gname} managed {}", mp.arn),
                    &mp.document,
                )?);
            }
        }
    }
    let boundary = match &p.permissions_boundary {
        Fact::Known(None) => None,
        Fact::Known(Some(b)) => Some(parse(
            &format!("permissions boundary {}", b.arn),
            &b.document,
        )?),
        Fact::Unknown(u) => {
            return Err(Unreadable::from_unknown(
                &sentence("fact.permissions_boundary", &[]),
                get_self,
                u,
            ))
        }
    };
    Ok(Identity { policies, boundary })
}
