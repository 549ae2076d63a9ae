//! One change of a fix plan: which document or setting, what it holds now, what it will hold,
//! and how it is read from and written into a snapshot (the planner's model of the accounts).

use serde::Serialize;
use serde_json::{json, Value};

use crate::arn::Arn;
use crate::permissions::{
    Action, DDB_PUT_RESOURCE_POLICY, DDB_UPDATE_CONTINUOUS_BACKUPS,
    GLUE_CREATE_INTEGRATION_RESOURCE_PROPERTY, GLUE_PUT_RESOURCE_POLICY,
    GLUE_UPDATE_INTEGRATION_RESOURCE_PROPERTY, IAM_PUT_ROLE_POLICY, IAM_PUT_USER_POLICY,
    IAM_UPDATE_ASSUME_ROLE_POLICY,
};
use crate::policy_edit::limits::siblings_size;
use crate::policy_edit::{FixAction, PolicyCommand, PolicyKind};
use crate::rules::messages::sentence;
use crate::snapshot::{
    CatalogPolicy, Fact, IamPrincipal, InlinePolicy, PitrStatus, PrincipalKind, ResourceProperty,
    Snapshot, StoredPolicy, TablePolicy,
};

/// What a change writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    TablePolicy {
        table_arn: String,
    },
    CatalogPolicy {
        catalog_arn: String,
        /// Lake Formation cross-account grants exist: the put needs EnableHybrid.
        enable_hybrid: bool,
    },
    TrustPolicy {
        role_arn: String,
    },
    InlinePolicy {
        principal_arn: String,
        principal_kind: PrincipalKind,
        policy_name: String,
    },
    PointInTimeRecovery {
        table_arn: String,
    },
    ResourceProperty {
        resource_arn: String,
    },
}

/// Which account a change is made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    Source,
    Target,
}

impl Target {
    /// The target of a finding's fix, and the value it writes (`policy` for policy fixes).
    /// `None` when the fix is not one `zetl fix` applies (bucket or key policies, managed
    /// policy versions: left to their owners).
    pub fn of(
        action: &FixAction,
        policy: Option<&Value>,
        snapshot: &Snapshot,
    ) -> Option<(Target, Value)> {
        match action {
            FixAction::EnablePitr { table_arn } => Some((
                Target::PointInTimeRecovery {
                    table_arn: table_arn.clone(),
                },
                pitr_content(true),
            )),
            FixAction::ResourceProperty {
                resource_arn,
                role_arn,
                ..
            } => Some((
                Target::ResourceProperty {
                    resource_arn: resource_arn.clone(),
                },
                resource_property_content(Some(role_arn)),
            )),
            FixAction::Policy(command) | FixAction::MergeStatements { command, .. } => {
                let policy = policy?.clone();
                let target = match command {
                    PolicyCommand::DynamoDbPutResourcePolicy { table_arn, .. } => {
                        Target::TablePolicy {
                            table_arn: table_arn.clone(),
                        }
                    }
                    PolicyCommand::GluePutResourcePolicy { enable_hybrid, .. } => {
                        Target::CatalogPolicy {
                            catalog_arn: target_catalog_arn(snapshot),
                            enable_hybrid: *enable_hybrid,
                        }
                    }
                    PolicyCommand::IamUpdateAssumeRolePolicy { role_arn } => Target::TrustPolicy {
                        role_arn: role_arn.clone(),
                    },
                    PolicyCommand::IamPutRolePolicy {
                        role_arn,
                        policy_name,
                    } => Target::InlinePolicy {
                        principal_arn: role_arn.clone(),
                        principal_kind: PrincipalKind::Role,
                        policy_name: policy_name.clone(),
                    },
                    PolicyCommand::IamPutUserPolicy {
                        user_arn,
                        policy_name,
                    } => Target::InlinePolicy {
                        principal_arn: user_arn.clone(),
                        principal_kind: PrincipalKind::User,
                        policy_name: policy_name.clone(),
                    },
                    PolicyCommand::S3PutBucketPolicy { .. }
                    | PolicyCommand::KmsPutKeyPolicy { .. }
                    | PolicyCommand::IamCreatePolicyVersion { .. } => return None,
                };
                Some((target, policy))
            }
        }
    }

    pub fn account(&self, snapshot: &Snapshot) -> Account {
        match self {
            Target::TablePolicy { .. } | Target::PointInTimeRecovery { .. } => Account::Source,
            Target::CatalogPolicy { .. } | Target::ResourceProperty { .. } => Account::Target,
            Target::TrustPolicy { role_arn: arn }
            | Target::InlinePolicy {
                principal_arn: arn, ..
            } => {
                if Arn::parse(arn).map(|a| a.account) == Some(snapshot.accounts.source.id.as_str())
                    && snapshot.accounts.source.id != snapshot.accounts.target.id
                {
                    Account::Source
                } else {
                    Account::Target
                }
            }
        }
    }

    /// The size limit a policy target is held to (`None`: not a policy).
    pub fn policy_kind(&self) -> Option<PolicyKind> {
        Some(match self {
            Target::TablePolicy { .. } => PolicyKind::DynamoDbTable,
            Target::CatalogPolicy { .. } => PolicyKind::GlueCatalog,
            Target::TrustPolicy { .. } => PolicyKind::IamTrust,
            Target::InlinePolicy {
                principal_kind: PrincipalKind::Role,
                ..
            } => PolicyKind::IamRoleInline,
            Target::InlinePolicy {
                principal_kind: PrincipalKind::User,
                ..
            } => PolicyKind::IamUserInline,
            Target::PointInTimeRecovery { .. } | Target::ResourceProperty { .. } => return None,
        })
    }

    /// What the principal's other inline policies take of the quota they share with this
    /// one (0 for every other target).
    pub fn siblings_size(&self, snapshot: &Snapshot) -> usize {
        let Target::InlinePolicy {
            principal_arn,
            policy_name,
            ..
        } = self
        else {
            return 0;
        };
        let Some(kind) = self.policy_kind() else {
            return 0;
        };
        principal(snapshot, principal_arn)
            .and_then(|p| p.inline_policies.known())
            .map(|list| siblings_size(list, policy_name, kind))
            .unwrap_or(0)
    }

    /// The IAM action the write needs (printed in the plan and when it is denied).
    pub fn write_action(&self, exists: bool) -> Action {
        match self {
            Target::TablePolicy { .. } => DDB_PUT_RESOURCE_POLICY,
            Target::CatalogPolicy { .. } => GLUE_PUT_RESOURCE_POLICY,
            Target::TrustPolicy { .. } => IAM_UPDATE_ASSUME_ROLE_POLICY,
            Target::InlinePolicy {
                principal_kind: PrincipalKind::Role,
                ..
            } => IAM_PUT_ROLE_POLICY,
            Target::InlinePolicy {
                principal_kind: PrincipalKind::User,
                ..
            } => IAM_PUT_USER_POLICY,
            Target::PointInTimeRecovery { .. } => DDB_UPDATE_CONTINUOUS_BACKUPS,
            Target::ResourceProperty { .. } if exists => GLUE_UPDATE_INTEGRATION_RESOURCE_PROPERTY,
            Target::ResourceProperty { .. } => GLUE_CREATE_INTEGRATION_RESOURCE_PROPERTY,
        }
    }

    /// A short human name: `table policy of arn:...`.
    pub fn describe(&self) -> String {
        match self {
            Target::TablePolicy { table_arn } => {
                sentence("fix_plan.target_table_policy", &[("table", table_arn)])
            }
            Target::CatalogPolicy { catalog_arn, .. } => sentence(
                "fix_plan.target_catalog_policy",
                &[("catalog", catalog_arn)],
            ),
            Target::TrustPolicy { role_arn } => {
                sentence("fix_plan.target_trust_policy", &[("role", role_arn)])
            }
            Target::InlinePolicy {
                principal_arn,
                policy_name,
                ..
            } => sentence(
                "fix_plan.target_inline_policy",
                &[("name", policy_name), ("principal", principal_arn)],
            ),
            Target::PointInTimeRecovery { table_arn } => {
                sentence("fix_plan.target_pitr", &[("table", table_arn)])
            }
            Target::ResourceProperty { resource_arn } => sentence(
                "fix_plan.target_resource_property",
                &[("resource", resource_arn)],
            ),
        }
    }

    /// What the snapshot holds for this target now (`None`: no document / not configured).
    /// Policies come back decoded (IAM stores them URL-encoded) so they compare by content.
    pub fn read(&self, snapshot: &Snapshot) -> Option<Value> {
        match self {
            Target::TablePolicy { table_arn } => snapshot
                .tables
                .get(table_arn)?
                .resource_policy
                .known()?
                .as_ref()
                .map(|p| p.policy.to_value()),
            Target::CatalogPolicy { catalog_arn, .. } => snapshot
                .catalog_policies
                .get(catalog_arn)?
                .known()?
                .as_ref()
                .map(|p| p.policy.to_value()),
            Target::TrustPolicy { role_arn } => principal(snapshot, role_arn)?
                .trust_policy
                .as_ref()
                .map(StoredPolicy::to_value),
            Target::InlinePolicy {
                principal_arn,
                policy_name,
                ..
            } => principal(snapshot, principal_arn)?
                .inline_policies
                .known()?
                .iter()
                .find(|p| &p.name == policy_name)
                .map(|p| p.document.to_value()),
            Target::PointInTimeRecovery { table_arn } => {
                let status = snapshot.tables.get(table_arn)?.continuous_backups.known()?;
                Some(pitr_content(*status == PitrStatus::Enabled))
            }
            Target::ResourceProperty { resource_arn } => snapshot
                .resource_properties
                .get(resource_arn)?
                .known()?
                .as_ref()
                .map(|p| resource_property_content(p.role_arn.as_deref())),
        }
    }

    /// Records `value` as this target's new content in the snapshot. Returns false when the
    /// snapshot has no place for it (the principal or table is not in it).
    pub fn write(&self, snapshot: &mut Snapshot, value: &Value) -> bool {
        match self {
            Target::TablePolicy { table_arn } => {
                let Some(table) = snapshot.tables.get_mut(table_arn) else {
                    return false;
                };
                let revision_id = table
                    .resource_policy
                    .known()
                    .and_then(|p| p.as_ref())
                    .and_then(|p| p.revision_id.clone());
                table.resource_policy = Fact::Known(Some(TablePolicy {
                    policy: value.clone().into(),
                    revision_id,
                }));
                true
            }
            Target::CatalogPolicy { catalog_arn, .. } => {
                let policy_hash = snapshot
                    .catalog_policies
                    .get(catalog_arn)
                    .and_then(|f| f.known())
                    .and_then(|p| p.as_ref())
                    .and_then(|p| p.policy_hash.clone());
                snapshot.catalog_policies.insert(
                    catalog_arn.clone(),
                    Fact::Known(Some(CatalogPolicy {
                        policy: value.clone().into(),
                        policy_hash,
                    })),
                );
                true
            }
            Target::TrustPolicy { role_arn } => match principal_mut(snapshot, role_arn) {
                Some(p) => {
                    p.trust_policy = Some(value.clone().into());
                    true
                }
                None => false,
            },
            Target::InlinePolicy {
                principal_arn,
                policy_name,
                ..
            } => {
                let Some(p) = principal_mut(snapshot, principal_arn) else {
                    return false;
                };
                let Fact::Known(list) = &mut p.inline_policies else {
                    return false;
                };
                match list.iter_mut().find(|i| &i.name == policy_name) {
                    Some(existing) => existing.document = value.clone().into(),
                    None => list.push(InlinePolicy {
                        name: policy_name.clone(),
                        document: value.clone().into(),
                    }),
                }
                true
            }
            Target::PointInTimeRecovery { table_arn } => match snapshot.tables.get_mut(table_arn) {
                Some(t) => {
                    let on = value["PointInTimeRecoveryEnabled"].as_bool() == Some(true);
                    t.continuous_backups = Fact::Known(if on {
                        PitrStatus::Enabled
                    } else {
                        PitrStatus::Disabled
                    });
                    true
                }
                None => false,
            },
            Target::ResourceProperty { resource_arn } => {
                let role_arn = value["TargetProcessingProperties"]["RoleArn"]
                    .as_str()
                    .map(str::to_string);
                let mut property = snapshot
                    .resource_properties
                    .get(resource_arn)
                    .and_then(|f| f.known())
                    .and_then(|p| p.clone())
                    .unwrap_or(ResourceProperty {
                        resource_arn: resource_arn.clone(),
                        role_arn: None,
                        kms_arn: None,
                        connection_name: None,
                        event_bus_arn: None,
                    });
                property.role_arn = role_arn;
                snapshot
                    .resource_properties
                    .insert(resource_arn.clone(), Fact::Known(Some(property)));
                true
            }
        }
    }
}

/// A point-in-time recovery setting as a change shows it (and `zetl fix` compares it).
pub fn pitr_content(enabled: bool) -> Value {
    json!({"PointInTimeRecoveryEnabled": enabled})
}

/// An integration resource property as a change shows it: the role the target writes with.
pub fn resource_property_content(role_arn: Option<&str>) -> Value {
    json!({"TargetProcessingProperties": {"RoleArn": role_arn}})
}

/// The principal's facts. The snapshot keys them by the ARN the setup gave, which may lack
/// the role's path (`role/NAME` for `role/service-role/NAME`); fixes name the full ARN.
fn principal_key(snapshot: &Snapshot, arn: &str) -> Option<String> {
    if snapshot.principals.contains_key(arn) {
        return Some(arn.to_string());
    }
    snapshot
        .principals
        .iter()
        .find(|(_, f)| matches!(f, Fact::Known(Some(p)) if p.arn == arn))
        .map(|(k, _)| k.clone())
}

fn principal<'s>(snapshot: &'s Snapshot, arn: &str) -> Option<&'s IamPrincipal> {
    let key = principal_key(snapshot, arn)?;
    snapshot.principals.get(&key)?.known()?.as_ref()
}

fn principal_mut<'s>(snapshot: &'s mut Snapshot, arn: &str) -> Option<&'s mut IamPrincipal> {
    let key = principal_key(snapshot, arn)?;
    match snapshot.principals.get_mut(&key)? {
        Fact::Known(Some(p)) => Some(p),
        _ => None,
    }
}

/// The target account's Data Catalog ARN as the snapshot keys it.
pub fn target_catalog_arn(snapshot: &Snapshot) -> String {
    let t = &snapshot.accounts.target;
    let suffix = format!(":glue:{}:{}:catalog", t.region, t.id);
    snapshot
        .catalog_policies
        .keys()
        .find(|k| k.ends_with(&suffix))
        .cloned()
        .unwrap_or_else(|| format!("arn:aws{suffix}"))
}

/// One change of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub account: Account,
    pub target: Target,
    /// The rules whose findings this change repairs, in the order they were planned.
    pub rules: Vec<String>,
    /// What the accounts held when they were read (`None`: nothing).
    pub before: Option<Value>,
    pub after: Value,
    /// The IAM action the write needs.
    pub action: String,
    /// The `aws` CLI command that makes the same change by hand.
    pub command: Option<String>,
    /// The document's concurrency token as the check read it (RevisionId, PolicyHash), which
    /// the guarded write sends (in-process only).
    #[serde(skip)]
    pub token: Option<String>,
}
