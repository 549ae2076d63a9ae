//! Lake Formation in the target account: admins, grants, registered locations.

use serde_json::json;

use super::actions::{LF_GET_DATA_LAKE_SETTINGS, LF_LIST_PERMISSIONS, LF_LIST_RESOURCES};
use super::call::call;
use super::clients::Account;
use crate::snapshot::{Fact, LakeFormation, LfGrant, LfResource};

/// The three reads together; any failure makes the whole fact unknown (a partial list of
/// grants would read as "not granted").
pub async fn lake_formation(account: &Account) -> Fact<LakeFormation> {
    let lf = &account.clients.lakeformation;
    let (settings, permissions, resources) = futures::join!(
        call(account, LF_GET_DATA_LAKE_SETTINGS, || lf
            .get_data_lake_settings()
            .catalog_id(&account.id)
            .send()),
        call(account, LF_LIST_PERMISSIONS, || lf
            .list_permissions()
            .catalog_id(&account.id)
            .into_paginator()
            .send()
            .try_collect()),
        call(account, LF_LIST_RESOURCES, || lf
            .list_resources()
            .into_paginator()
            .send()
            .try_collect()),
    );
    let (settings, permissions, resources) = match (settings, permissions, resources) {
        (Ok(s), Ok(p), Ok(r)) => (s, p, r),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return Fact::Unknown(e.unknown),
    };
    let admins = settings
        .data_lake_settings()
        .map(|s| {
            s.data_lake_admins()
                .iter()
                .filter_map(|p| p.data_lake_principal_identifier().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let grants = permissions
        .iter()
        .flat_map(|page| page.principal_resource_permissions())
        .filter_map(|g| {
            Some(LfGrant {
                principal: g.principal()?.data_lake_principal_identifier()?.to_string(),
                resource: resource(g.resource()?, &account.id)?,
                permissions: g
                    .permissions()
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                permissions_with_grant_option: g
                    .permissions_with_grant_option()
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
            })
        })
        .collect();
    let registered_locations = resources
        .iter()
        .flat_map(|page| page.resource_info_list())
        .filter_map(|r| r.resource_arn().map(str::to_string))
        .collect();
    Fact::Known(LakeFormation {
        admins,
        permissions: grants,
        registered_locations,
    })
}

/// The resource of a grant; kinds the rules do not use (data cells filters, tag keys) are
/// left out.
fn resource(r: &aws_sdk_lakeformation::types::Resource, account: &str) -> Option<LfResource> {
    let catalog = |id: Option<&str>| id.unwrap_or(account).to_string();
    if let Some(c) = r.catalog() {
        return Some(LfResource::Catalog {
            catalog_id: catalog(c.id()),
        });
    }
    if let Some(d) = r.database() {
        return Some(LfResource::Database {
            catalog_id: catalog(d.catalog_id()),
            name: d.name().to_string(),
        });
    }
    if let Some(t) = r.table() {
        return Some(LfResource::Table {
            catalog_id: catalog(t.catalog_id()),
            database_name: t.database_name().to_string(),
            name: if t.table_wildcard().is_some() {
                None
            } else {
                t.name().map(str::to_string)
            },
        });
    }
    if let Some(t) = r.table_with_columns() {
        return Some(LfResource::Table {
            catalog_id: catalog(t.catalog_id()),
            database_name: t.database_name().to_string(),
            name: Some(t.name().to_string()),
        });
    }
    if let Some(d) = r.data_location() {
        return Some(LfResource::DataLocation {
            catalog_id: catalog(d.catalog_id()),
            resource_arn: d.resource_arn().to_string(),
        });
    }
    if let Some(p) = r.lf_tag_policy() {
        return Some(LfResource::LfTagPolicy {
            catalog_id: catalog(p.catalog_id()),
            resource_type: p.resource_type().as_str().to_string(),
            expression: json!(p
                .expression()
                .iter()
                .map(|t| json!({"TagKey": t.tag_key(), "TagValues": t.tag_values()}))
                .collect::<Vec<_>>()),
        });
    }
    None
}
