//! The fix for unmet requirements, synthesised from the same requirement data: the minimal
//! statement, merged into the document it belongs in, and the command that applies it.

use serde::Serialize;
use serde_json::Value;

use crate::policy_edit::command::{CommandTarget, PolicyCommand, TypedCommand};
use crate::policy_edit::limits::{siblings_size, PolicyKind};
use crate::policy_edit::merge::{merge_statement, MergeOutcome};
use crate::policy_edit::statement::{StatementPrincipal, StatementSpec};
use crate::policy_edit::{check_size, FixAction, FixError};
use crate::rules::outcome::Problem;
use crate::snapshot::{Fact, IamPrincipal, PrincipalKind, Snapshot, StoredPolicy};

use crate::rules::engine::principals::{resolve, Requester, GLUE_SERVICE};
use crate::rules::engine::requirement::{
    expand, ContextTemplate, PolicySource, PrincipalRole, Requirement,
};
use crate::rules::pair::PairFacts;
use crate::rules::values::PairValues;

/// A complete policy document to apply and the command that applies it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedFix {
    pub into: PolicySource,
    pub policy: Value,
    /// The write, bound to its account: rendered into the fix's command, applied by `zetl fix`.
    #[serde(skip)]
    pub write: TypedCommand,
    pub changes: Vec<MergeOutcome>,
    /// The statements merged into the existing document to give `policy`.
    #[serde(skip)]
    pub statements: Vec<Value>,
}

impl PlannedFix {
    /// Gives `problem` this fix: the document, the write that applies it, and the statements
    /// `zetl fix` merges into the document it reads again.
    pub fn attach_to(self, problem: &mut Problem) {
        problem.fix_policy = Some(self.policy);
        problem.writes.push(self.write.clone());
        problem.apply = Some(FixAction::MergeStatements {
            command: self.write.command,
            statements: self.statements,
        });
    }
}

/// The document a requirement's fix goes into.
pub fn fix_into(req: &Requirement) -> PolicySource {
    if let Some(into) = req.fix.as_ref().and_then(|f| f.into) {
        return into;
    }
    match req.principal {
        PrincipalRole::GlueService => req
            .policies
            .iter()
            .copied()
            .find(|p| *p != PolicySource::Identity)
            .unwrap_or(PolicySource::Identity),
        _ => PolicySource::Identity,
    }
}

/// The statement that grants `req` (None when the requirement has no fix template).
pub fn statement_for(
    scope: &PairFacts,
    req: &Requirement,
    principal_override: Option<&str>,
) -> Result<Option<Value>, String> {
    let (snapshot, values, target_role) = (scope.snapshot, &scope.values, scope.target_role());
    let Some(fix) = &req.fix else {
        return Ok(None);
    };
    let into = fix_into(req);
    let ex = |t: &String| expand(t, &values.values);
    let actions: Vec<String> = fix.actions.as_ref().unwrap_or(&req.actions).clone();
    let resources: Vec<String> = fix
        .resources
        .as_ref()
        .unwrap_or(&req.resources)
        .iter()
        .map(ex)
        .collect::<Result<_, _>>()?;
    let mut spec = StatementSpec {
        sid: fix.sid.clone(),
        principal: None,
        actions,
        resources: if into == PolicySource::Trust {
            Vec::new()
        } else {
            resources
        },
        conditions: Default::default(),
    };
    if into != PolicySource::Identity {
        spec.principal = Some(match req.principal {
            PrincipalRole::GlueService => StatementPrincipal::Service(GLUE_SERVICE.into()),
            _ => StatementPrincipal::Aws(match principal_override {
                Some(p) => p.to_string(),
                None => statement_principal_arn(snapshot, req, target_role)?,
            }),
        });
    }
    for (op, keys) in &fix.condition {
        for (key, t) in keys {
            let vals: Vec<String> = match t {
                ContextTemplate::One(s) => vec![expand(s, &values.values)?],
                ContextTemplate::Many(list) => list.iter().map(ex).collect::<Result<_, _>>()?,
            };
            spec.conditions
                .entry(op.clone())
                .or_default()
                .insert(key.clone(), vals);
        }
    }
    Ok(Some(if into == PolicySource::Trust {
        spec.to_json_for_trust()
    } else {
        spec.to_json()
    }))
}

/// How a resource policy names the principal: the role ARN (with path) for a role or a
/// session of it, the user ARN for a user. Never `*`.
fn statement_principal_arn(
    snapshot: &Snapshot,
    req: &Requirement,
    target_role: Option<&str>,
) -> Result<String, String> {
    match resolve(snapshot, req.principal, target_role) {
        Ok(Requester::Iam { facts, .. }) => Ok(facts.arn.clone()),
        Ok(Requester::Service(_)) => Ok(GLUE_SERVICE.to_string()),
        Ok(Requester::Representative(p)) => Ok(p.principal_arn().unwrap_or_default()),
        Err(e) => Err(format!("no principal to name: {e:?}")),
    }
}

/// Merges `statements` into the document `into` names and renders the command.
pub fn plan(
    scope: &PairFacts,
    into: PolicySource,
    principal_role: PrincipalRole,
    statements: &[Value],
    policy_name: &str,
) -> Result<PlannedFix, FixError> {
    let (snapshot, values, target_role) = (scope.snapshot, &scope.values, scope.target_role());
    let profiles = &scope.profiles;
    let src = CommandTarget::new(
        values.get("source_region").unwrap_or_default(),
        profiles.source.as_deref(),
    );
    let tgt = CommandTarget::new(
        values.get("target_region").unwrap_or_default(),
        profiles.target.as_deref(),
    );
    let (existing, kind, cmd, on_source, siblings): (
        Option<&StoredPolicy>,
        PolicyKind,
        PolicyCommand,
        bool,
        usize,
    ) = match into {
        PolicySource::TablePolicy => {
            let stored = snapshot
                .tables
                .get(values.get("table_arn").unwrap_or_default())
                .and_then(|t| t.resource_policy.known())
                .and_then(|p| p.as_ref());
            let cmd = PolicyCommand::DynamoDbPutResourcePolicy {
                table_arn: values.get("table_arn").unwrap_or_default().into(),
                // No policy yet: NO_POLICY makes the put fail if one appeared meanwhile.
                expected_revision_id: match stored {
                    Some(p) => p.revision_id.clone(),
                    None => Some("NO_POLICY".to_string()),
                },
            };
            (
                stored.map(|p| &p.policy),
                PolicyKind::DynamoDbTable,
                cmd,
                true,
                0,
            )
        }
        PolicySource::CatalogPolicy => {
            let stored = snapshot
                .catalog_policies
                .get(values.get("catalog_arn").unwrap_or_default())
                .and_then(|f| f.known())
                .and_then(|p| p.as_ref());
            let cmd = PolicyCommand::GluePutResourcePolicy {
                policy_hash: stored.and_then(|p| p.policy_hash.clone()),
                create: stored.is_none(),
                enable_hybrid: lake_formation_cross_account(snapshot, values),
            };
            (
                stored.map(|p| &p.policy),
                PolicyKind::GlueCatalog,
                cmd,
                false,
                0,
            )
        }
        PolicySource::BucketPolicy => {
            let bucket = values.get("bucket").unwrap_or_default();
            let stored = snapshot
                .buckets
                .get(bucket)
                .and_then(|b| b.policy.known())
                .and_then(Option::as_ref);
            let cmd = PolicyCommand::S3PutBucketPolicy {
                bucket: bucket.into(),
            };
            (stored, PolicyKind::S3Bucket, cmd, false, 0)
        }
        PolicySource::KeyPolicy => {
            return Err(FixError::NotAPolicy(
                "key policies are not rewritten by zetl; add the statement by hand".into(),
            ))
        }
        PolicySource::Trust => {
            let role = values.get("role_arn").unwrap_or_default();
            let stored = iam_facts(snapshot, role).and_then(|p| p.trust_policy.as_ref());
            let cmd = PolicyCommand::IamUpdateAssumeRolePolicy {
                role_arn: role.into(),
            };
            (stored, PolicyKind::IamTrust, cmd, false, 0)
        }
        PolicySource::Identity => {
            let requester = resolve(snapshot, principal_role, target_role)
                .map_err(|e| FixError::NotAPolicy(format!("no principal to attach to: {e:?}")))?;
            let Requester::Iam { facts, .. } = requester else {
                return Err(FixError::NotAPolicy(
                    "a service principal has no identity policy".into(),
                ));
            };
            let in_source = crate::arn::Arn::parse(&facts.arn)
                .is_some_and(|a| a.account == values.source_account);
            let inline = facts.inline_policies.known().map_or(&[][..], Vec::as_slice);
            let existing = inline
                .iter()
                .find(|p| p.name == policy_name)
                .map(|p| &p.document);
            let kind = match facts.kind {
                PrincipalKind::Role => PolicyKind::IamRoleInline,
                PrincipalKind::User => PolicyKind::IamUserInline,
            };
            // Inline policies share one quota: count the others.
            let siblings = siblings_size(inline, policy_name, kind);
            let cmd = match facts.kind {
                PrincipalKind::Role => PolicyCommand::IamPutRolePolicy {
                    role_arn: facts.arn.clone(),
                    policy_name: policy_name.into(),
                },
                PrincipalKind::User => PolicyCommand::IamPutUserPolicy {
                    user_arn: facts.arn.clone(),
                    policy_name: policy_name.into(),
                },
            };
            (existing, kind, cmd, in_source, siblings)
        }
    };
    let mut doc = existing.map(decoded).transpose()?;
    let mut changes = Vec::new();
    for s in statements {
        let (merged, outcome) = merge_statement(doc.as_ref(), s, kind)?;
        doc = Some(merged);
        changes.push(outcome);
    }
    let policy = doc.unwrap_or(Value::Null);
    check_size(&policy, kind, siblings)?;
    Ok(PlannedFix {
        into,
        policy,
        write: cmd.at(if on_source { src } else { tgt }),
        changes,
        statements: statements.to_vec(),
    })
}

/// A stored policy as the document a fix edits, or why it cannot be edited.
fn decoded(stored: &StoredPolicy) -> Result<Value, FixError> {
    stored
        .document()
        .map(|m| Value::Object(m.clone()))
        .map_err(|e| FixError::NotAPolicy(e.to_string()))
}

fn iam_facts<'s>(snapshot: &'s Snapshot, arn: &str) -> Option<&'s IamPrincipal> {
    match snapshot.principals.get(arn) {
        Some(Fact::Known(Some(p))) => Some(p),
        _ => None,
    }
}

/// Lake Formation grants to another account exist: PutResourcePolicy then needs
/// `--enable-hybrid TRUE`.
pub fn lake_formation_cross_account(snapshot: &Snapshot, values: &PairValues) -> bool {
    let target = values.target_account.as_str();
    snapshot
        .lake_formation
        .get(target)
        .and_then(|f| f.known())
        .is_some_and(|lf| {
            lf.permissions.iter().any(|g| {
                let p = g.principal.as_str();
                let account = if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
                    Some(p)
                } else {
                    crate::arn::Arn::parse(p).map(|a| a.account)
                };
                account.is_some_and(|a| !a.is_empty() && a != target)
            })
        })
}

/// The command that writes back a resource policy of the pair.
/// The write of a resource policy of the pair, bound to the account it runs in.
pub fn put_write(scope: &PairFacts, kind: PolicyKind, owner: &str) -> Option<TypedCommand> {
    let v = &scope.values;
    let src = CommandTarget::new(
        v.get("source_region").unwrap_or_default(),
        scope.profiles.source.as_deref(),
    );
    let tgt = CommandTarget::new(
        v.get("target_region").unwrap_or_default(),
        scope.profiles.target.as_deref(),
    );
    // The document exists (these writes edit it): the put carries the token read with it, so
    // it fails instead of overwriting a change made since.
    let cmd = match kind {
        PolicyKind::DynamoDbTable => PolicyCommand::DynamoDbPutResourcePolicy {
            table_arn: owner.to_string(),
            expected_revision_id: scope
                .snapshot
                .tables
                .get(owner)
                .and_then(|t| t.resource_policy.known())
                .and_then(|p| p.as_ref())
                .and_then(|p| p.revision_id.clone()),
        },
        PolicyKind::GlueCatalog => PolicyCommand::GluePutResourcePolicy {
            policy_hash: scope
                .snapshot
                .catalog_policies
                .get(v.get("catalog_arn").unwrap_or_default())
                .and_then(|f| f.known())
                .and_then(|p| p.as_ref())
                .and_then(|p| p.policy_hash.clone()),
            create: false,
            enable_hybrid: lake_formation_cross_account(scope.snapshot, v),
        },
        PolicyKind::S3Bucket => PolicyCommand::S3PutBucketPolicy {
            bucket: v.get("bucket").unwrap_or_default().to_string(),
        },
        PolicyKind::IamTrust => PolicyCommand::IamUpdateAssumeRolePolicy {
            role_arn: owner.to_string(),
        },
        _ => return None,
    };
    let on = if kind == PolicyKind::DynamoDbTable {
        src
    } else {
        tgt
    };
    Some(cmd.at(on))
}
