//! Glue in both accounts: the target catalog policy and database, the integration resource
//! and table properties, and the integrations each side sees.

use std::collections::BTreeMap;

use aws_sdk_glue::types::IntegrationFilter;

use super::actions::*;
use super::call::{call, next_page, to_chrono, CallError};
use super::clients::Account;
use crate::snapshot::{
    CatalogPolicy, Database, DefaultPermission, Fact, Integration, IntegrationError,
    PartitionField, ResourceProperty, StoredPolicy, TableProperties,
};

/// Pages read at most per listing, so a service that keeps answering with a marker cannot
/// keep the doctor busy forever.
const MAX_PAGES: usize = 100;

const NOT_FOUND: &[&str] = &[
    "EntityNotFoundException",
    "ResourceNotFoundException",
    "IntegrationNotFoundFault",
    "TargetResourceNotFound",
    "TargetResourceNotFoundFault",
];

/// The account's Data Catalog resource policy. `Known(None)`: none (EntityNotFoundException,
/// or an empty / `{}` answer as some emulators give).
pub async fn catalog_policy(account: &Account) -> Fact<Option<CatalogPolicy>> {
    let glue = &account.clients.glue;
    match call(account, GLUE_GET_RESOURCE_POLICY, || {
        glue.get_resource_policy().send()
    })
    .await
    {
        Ok(out) => {
            let text = out.policy_in_json().unwrap_or("").trim();
            let policy = StoredPolicy::from_service(text);
            let empty = text.is_empty() || policy.document().is_ok_and(|o| o.is_empty());
            Fact::Known((!empty).then(|| CatalogPolicy {
                policy,
                policy_hash: out.policy_hash().map(str::to_string),
            }))
        }
        Err(e) if e.is(&["EntityNotFoundException"]) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    }
}

/// GetDatabase in the account's catalog. `Known(None)`: EntityNotFoundException.
pub async fn database(account: &Account, name: &str) -> Fact<Option<Database>> {
    let glue = &account.clients.glue;
    match call(account, GLUE_GET_DATABASE, || {
        glue.get_database()
            .catalog_id(&account.id)
            .name(name)
            .send()
    })
    .await
    {
        Ok(out) => Fact::Known(out.database().map(|d| {
            Database {
                name: d.name().to_string(),
                catalog_id: d.catalog_id().unwrap_or(&account.id).to_string(),
                location_uri: d.location_uri().map(str::to_string),
                create_table_default_permissions: d
                    .create_table_default_permissions()
                    .iter()
                    .map(|p| DefaultPermission {
                        principal: p
                            .principal()
                            .and_then(|x| x.data_lake_principal_identifier())
                            .unwrap_or_default()
                            .to_string(),
                        permissions: p
                            .permissions()
                            .iter()
                            .map(|x| x.as_str().to_string())
                            .collect(),
                    })
                    .collect(),
            }
        })),
        Err(e) if e.is(&["EntityNotFoundException"]) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    }
}

/// DescribeIntegrations in the source account: integrations whose source is `source_arn`,
/// plus the one the user named (if it is visible from here).
pub async fn source_integrations(
    account: &Account,
    source_arn: &str,
    named: Option<&str>,
) -> Fact<BTreeMap<String, Integration>> {
    list_source_integrations(account, Some(source_arn), named.as_slice()).await
}

/// DescribeIntegrations in the source account: those whose source is `source_arn`, or every
/// integration of the account when `None` (the caller keeps what concerns it), plus the
/// ones named that the listing did not hold (if they are visible from here).
pub async fn list_source_integrations(
    account: &Account,
    source_arn: Option<&str>,
    named: &[&str],
) -> Fact<BTreeMap<String, Integration>> {
    let glue = &account.clients.glue;
    let mut all = BTreeMap::new();
    let mut marker: Option<String> = None;
    let filter = source_arn.map(|arn| {
        vec![IntegrationFilter::builder()
            .name("SourceArn")
            .values(arn)
            .build()]
    });
    for _ in 0..MAX_PAGES {
        let page = call(account, GLUE_DESCRIBE_INTEGRATIONS, || {
            glue.describe_integrations()
                .set_filters(filter.clone())
                .set_marker(marker.clone())
                .send()
        })
        .await;
        let out = match page {
            Ok(out) => out,
            Err(e) if e.is(NOT_FOUND) => break,
            Err(e) => return Fact::Unknown(e.unknown),
        };
        for i in out.integrations() {
            all.insert(i.integration_arn().to_string(), integration(i));
        }
        match next_page(out.marker(), &marker) {
            Some(m) => marker = Some(m),
            None => break,
        }
    }
    let mut missing: Vec<&str> = named
        .iter()
        .copied()
        .filter(|a| !all.contains_key(*a))
        .collect();
    missing.sort();
    missing.dedup();
    let read =
        futures::future::join_all(missing.iter().map(|arn| named_integration(account, arn))).await;
    for got in read {
        match got {
            Fact::Known(found) => {
                if let Some(i) = found {
                    all.insert(i.integration_arn.clone(), i);
                }
            }
            Fact::Unknown(u) => return Fact::Unknown(u),
        }
    }
    Fact::Known(all)
}

/// DescribeIntegrations in the source account for one integration ARN. `Known(None)`: not
/// found (or not visible from this account).
pub async fn named_integration(account: &Account, arn: &str) -> Fact<Option<Integration>> {
    let glue = &account.clients.glue;
    match call(account, GLUE_DESCRIBE_INTEGRATIONS, || {
        glue.describe_integrations()
            .integration_identifier(arn)
            .send()
    })
    .await
    {
        Ok(out) => Fact::Known(
            out.integrations()
                .iter()
                .find(|i| i.integration_arn() == arn)
                .or(out.integrations().first())
                .map(integration),
        ),
        Err(e) if e.is(NOT_FOUND) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    }
}

/// DescribeInboundIntegrations in the target account, filtered by the target ARN.
pub async fn target_integrations(
    account: &Account,
    target_arn: &str,
) -> Fact<BTreeMap<String, Integration>> {
    list_target_integrations(account, Some(target_arn)).await
}

/// DescribeInboundIntegrations in the target account: into `target_arn`, or every inbound
/// integration of the account when `None` (the caller keeps what concerns it).
pub async fn list_target_integrations(
    account: &Account,
    target_arn: Option<&str>,
) -> Fact<BTreeMap<String, Integration>> {
    let glue = &account.clients.glue;
    let mut all = BTreeMap::new();
    let mut marker: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = call(account, GLUE_DESCRIBE_INBOUND_INTEGRATIONS, || {
            glue.describe_inbound_integrations()
                .set_target_arn(target_arn.map(str::to_string))
                .set_marker(marker.clone())
                .send()
        })
        .await;
        let out = match page {
            Ok(out) => out,
            Err(e) if e.is(NOT_FOUND) => break,
            Err(e) => return Fact::Unknown(e.unknown),
        };
        for i in out.inbound_integrations() {
            all.insert(i.integration_arn().to_string(), inbound(i));
        }
        match next_page(out.marker(), &marker) {
            Some(m) => marker = Some(m),
            None => break,
        }
    }
    Fact::Known(all)
}

fn errors(list: &[aws_sdk_glue::types::IntegrationError]) -> Vec<IntegrationError> {
    list.iter()
        .map(|e| IntegrationError {
            error_code: e.error_code().map(str::to_string),
            error_message: e.error_message().map(str::to_string),
        })
        .collect()
}

/// The fields DescribeIntegrations and DescribeInboundIntegrations both return (the two SDK
/// types name their accessors alike), converted once; the rest left empty.
macro_rules! shared_fields {
    ($i:expr) => {{
        let i = $i;
        let config = i.integration_config();
        Integration {
            create_time: to_chrono(i.create_time()),
            errors: errors(i.errors()),
            refresh_interval: config
                .and_then(|c| c.refresh_interval())
                .map(str::to_string),
            continuous_sync: config.and_then(|c| c.continuous_sync()),
            ..Integration::new(
                i.integration_arn(),
                i.source_arn(),
                i.target_arn(),
                i.status().as_str(),
            )
        }
    }};
}

/// DescribeIntegrations' view: the shared fields plus the ones only this listing has.
fn integration(i: &aws_sdk_glue::types::Integration) -> Integration {
    Integration {
        integration_name: Some(i.integration_name().to_string()).filter(|n| !n.is_empty()),
        description: i.description().map(str::to_string),
        data_filter: i.data_filter().map(str::to_string),
        kms_key_id: i.kms_key_id().map(str::to_string),
        ..shared_fields!(i)
    }
}

/// DescribeInboundIntegrations' view: only the shared fields.
fn inbound(i: &aws_sdk_glue::types::InboundIntegration) -> Integration {
    shared_fields!(i)
}

/// GetIntegrationResourceProperty for the target resource. `Known(None)`: none configured.
pub async fn resource_property(
    account: &Account,
    resource_arn: &str,
) -> Fact<Option<ResourceProperty>> {
    let glue = &account.clients.glue;
    match call(account, GLUE_GET_INTEGRATION_RESOURCE_PROPERTY, || {
        glue.get_integration_resource_property()
            .resource_arn(resource_arn)
            .send()
    })
    .await
    {
        Ok(out) => {
            let target = out.target_processing_properties();
            let source_role = out
                .source_processing_properties()
                .and_then(|s| s.role_arn());
            Fact::Known(Some(ResourceProperty {
                resource_arn: out.resource_arn().unwrap_or(resource_arn).to_string(),
                role_arn: target
                    .and_then(|t| t.role_arn())
                    .or(source_role)
                    .map(str::to_string),
                kms_arn: target.and_then(|t| t.kms_arn()).map(str::to_string),
                connection_name: target.and_then(|t| t.connection_name()).map(str::to_string),
                event_bus_arn: target.and_then(|t| t.event_bus_arn()).map(str::to_string),
            }))
        }
        Err(e) if e.is(NOT_FOUND) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    }
}

/// GetIntegrationTableProperties for one source table name on the target resource.
/// `Known(None)`: none configured.
pub async fn table_properties(
    account: &Account,
    resource_arn: &str,
    table_name: &str,
) -> Fact<Option<TableProperties>> {
    let glue = &account.clients.glue;
    let got: Result<_, CallError> = call(account, GLUE_GET_INTEGRATION_TABLE_PROPERTIES, || {
        glue.get_integration_table_properties()
            .resource_arn(resource_arn)
            .table_name(table_name)
            .send()
    })
    .await;
    match got {
        Ok(out) => Fact::Known(out.target_table_config().map(|t| {
            TableProperties {
                unnest_spec: t.unnest_spec().map(|u| u.as_str().to_string()),
                partition_spec: t
                    .partition_spec()
                    .iter()
                    .map(|p| PartitionField {
                        field_name: p.field_name().unwrap_or_default().to_string(),
                        function_spec: p.function_spec().map(str::to_string),
                        conversion_spec: p.conversion_spec().map(str::to_string),
                    })
                    .collect(),
                target_table_name: t.target_table_name().map(str::to_string),
            }
        })),
        Err(e) if e.is(NOT_FOUND) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    }
}

/// An S3 Tables target: GetCatalog on the table bucket's child catalog
/// (`ACCOUNT:s3tablescatalog/BUCKET`, the id the Glue guide uses for that catalog), recorded
/// as the database fact so ZT001 reads the same as offline. `Known(None)`:
/// EntityNotFoundException (the bucket is not integrated with the Data Catalog).
pub async fn s3_tables_catalog(account: &Account, name: &str) -> Fact<Option<Database>> {
    let glue = &account.clients.glue;
    match call(account, GLUE_GET_CATALOG, || {
        glue.get_catalog()
            .catalog_id(format!("{}:{name}", account.id))
            .send()
    })
    .await
    {
        Ok(out) => Fact::Known(out.catalog().map(|_| Database {
            name: name.to_string(),
            catalog_id: account.id.clone(),
            location_uri: None,
            create_table_default_permissions: Vec::new(),
        })),
        Err(e) if e.is(&["EntityNotFoundException"]) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    }
}
