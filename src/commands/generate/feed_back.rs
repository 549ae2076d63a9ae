//! The other way round: a generated set written into a snapshot, as the accounts would hold
//! it after applying. The round-trip and idempotence tests feed that back through the doctor
//! and through `generate`.

use crate::snapshot::{Fact, Snapshot};

use super::documents::{Kind, PolicySet};

/// Writes every document of `set` (and the resource property) into `snapshot`, keeping the
/// revision id and policy hash it had.
pub fn apply_to(snapshot: &mut Snapshot, set: &PolicySet) {
    use crate::snapshot::{CatalogPolicy, InlinePolicy, TablePolicy};
    for d in &set.documents {
        match d.kind {
            Kind::DynamodbTablePolicy => {
                if let Some(t) = snapshot.tables.get_mut(&d.resource) {
                    let revision_id = t
                        .resource_policy
                        .known()
                        .and_then(|p| p.as_ref())
                        .and_then(|p| p.revision_id.clone());
                    t.resource_policy = Fact::Known(Some(TablePolicy {
                        policy: d.policy.clone().into(),
                        revision_id,
                    }));
                }
            }
            Kind::GlueCatalogPolicy => {
                let hash = snapshot
                    .catalog_policies
                    .get(&d.resource)
                    .and_then(Fact::known)
                    .and_then(|p| p.as_ref())
                    .and_then(|p| p.policy_hash.clone());
                snapshot.catalog_policies.insert(
                    d.resource.clone(),
                    Fact::Known(Some(CatalogPolicy {
                        policy: d.policy.clone().into(),
                        policy_hash: hash,
                    })),
                );
            }
            Kind::IamRoleTrustPolicy | Kind::IamRoleInlinePolicy | Kind::IamUserInlinePolicy => {
                let Some(Fact::Known(Some(p))) = snapshot.principals.get_mut(&d.resource) else {
                    continue;
                };
                if d.kind == Kind::IamRoleTrustPolicy {
                    p.trust_policy = Some(d.policy.clone().into());
                    continue;
                }
                if let Fact::Known(list) = &mut p.inline_policies {
                    let name = d.policy_name.clone().unwrap_or_default();
                    match list.iter_mut().find(|i| i.name == name) {
                        Some(i) => i.document = d.policy.clone().into(),
                        None => list.push(InlinePolicy {
                            name,
                            document: d.policy.clone().into(),
                        }),
                    }
                }
            }
            Kind::IamManagedPolicy => {}
        }
    }
    for rp in &set.resource_properties {
        snapshot.resource_properties.insert(
            rp.resource_arn.clone(),
            Fact::Known(Some(crate::snapshot::ResourceProperty {
                resource_arn: rp.resource_arn.clone(),
                role_arn: Some(rp.role_arn.clone()),
                kms_arn: None,
                connection_name: None,
                event_bus_arn: None,
            })),
        );
    }
}
