//! The one parameter map of a source -> target pair: the values behind every `{placeholder}`
//! of requirements, messages and fix commands, with one meaning each (`{role}` is the role
//! ARN, `{role_name}` its name, `{table}` the table name, `{table_arn}` its ARN, ...). Real
//! ARNs come from the snapshot; what AWS names later (export id, integration id, Iceberg data
//! file) gets the representative names docs/rules.md fixes.

use std::collections::BTreeMap;

use super::messages::sentence;
use super::runner::Settings;
use super::template::Params;
use crate::arn::Arn;
use crate::policy_edit::command::shell_word;
use crate::report::Side;
use crate::snapshot::{Pair, Snapshot};

/// How messages name a policy statement: `statement 0 ("Sid")`, or `statement 0` without a Sid.
pub fn statement_name(sid: Option<&str>, index: usize) -> String {
    let index = index.to_string();
    match sid {
        Some(sid) => sentence("name.statement_sid", &[("index", &index), ("sid", sid)]),
        None => sentence("name.statement", &[("index", &index)]),
    }
}

/// Representative export id: a real one looks like this (timestamp + random suffix).
pub const REPRESENTATIVE_EXPORT_ID: &str = "01700000000000-a1b2c3d4";
/// Representative integration id for preflight (no integration yet).
pub const REPRESENTATIVE_INTEGRATION_ID: &str = "a1b2c3d4-5678-90ab-cdef-0123456789ab";
/// Where Glue writes target-processing logs.
pub const LOG_GROUP: &str = "/aws-glue/zeroETL-integrations/logs/";

/// The placeholder values of a pair, plus the integration that exists for it, if any.
#[derive(Debug, Clone, Default)]
pub struct PairValues {
    pub values: BTreeMap<String, String>,
    /// The real integration ARN, when one exists for this pair.
    pub integration: Option<String>,
    pub source_account: String,
    pub target_account: String,
    /// The target is an S3 Tables catalog (bucket/database rules do not apply).
    pub s3_tables_target: bool,
}

impl PairValues {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn cross_account(&self) -> bool {
        self.source_account != self.target_account
    }

    /// The map a rule's texts are filled with: the pair's values plus `{profile}` (the
    /// ` --profile NAME` of the account a rule on `side` fixes; empty without one) and
    /// `{source_profile}` / `{target_profile}`.
    pub fn params_for(&self, side: Side, settings: &Settings) -> Params {
        let flag = |p: &Option<String>| {
            p.as_deref()
                .map(|p| format!(" --profile {}", shell_word(p)))
                .unwrap_or_default()
        };
        let mut p = self.values.clone();
        let profile = match side {
            Side::Source | Side::Principal => &settings.source_profile,
            _ => &settings.target_profile,
        };
        p.insert("profile".into(), flag(profile));
        p.insert("source_profile".into(), flag(&settings.source_profile));
        p.insert("target_profile".into(), flag(&settings.target_profile));
        p
    }
}

pub fn pair_values(snapshot: &Snapshot, pair: &Pair) -> PairValues {
    let mut v = BTreeMap::new();
    let mut put = |k: &str, val: String| {
        v.insert(k.to_string(), val);
    };
    let source = &snapshot.accounts.source;
    let target = &snapshot.accounts.target;

    let table_arn = pair.source_table.clone();
    let (src_region, src_account, table_name) = match Arn::parse(&table_arn) {
        Some(p) => (
            p.region.to_string(),
            p.account.to_string(),
            p.resource
                .strip_prefix("table/")
                .unwrap_or(p.resource)
                .to_string(),
        ),
        None => (source.region.clone(), source.id.clone(), table_arn.clone()),
    };
    let db_arn = pair.target_database.clone();
    let (tgt_region, tgt_account, db_resource) = match Arn::parse(&db_arn) {
        Some(p) => (
            p.region.to_string(),
            p.account.to_string(),
            p.resource.to_string(),
        ),
        None => (target.region.clone(), target.id.clone(), db_arn.clone()),
    };
    let s3_tables_target = db_resource.starts_with("catalog/s3tablescatalog");
    let database_name = db_resource
        .strip_prefix("database/")
        .unwrap_or(&db_resource)
        .to_string();

    put("region", src_region.clone());
    put("source_region", src_region.clone());
    put("target_region", tgt_region.clone());
    put("source_account", src_account.clone());
    put("target_account", tgt_account.clone());
    put("table_arn", table_arn.clone());
    put("table_name", table_name.clone());
    put("table", table_name.clone());
    put(
        "export_arn",
        format!("{table_arn}/export/{REPRESENTATIVE_EXPORT_ID}"),
    );
    let integration = existing_integration(snapshot, pair);
    put(
        "integration_arn",
        integration.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:glue:{src_region}:{src_account}:integration:{REPRESENTATIVE_INTEGRATION_ID}"
            )
        }),
    );
    put(
        "integration_arn_pattern",
        format!("arn:aws:glue:{src_region}:{src_account}:integration:*"),
    );
    // What a fixed table policy should name: the real integration while it can recover, else
    // the pattern (a FAILED integration is recreated under a new ARN).
    let live = existing_integration_status(snapshot, pair).is_some_and(|s| s != "FAILED");
    put(
        "integration_source_arn",
        match (&integration, live) {
            (Some(arn), true) => arn.clone(),
            _ => format!("arn:aws:glue:{src_region}:{src_account}:integration:*"),
        },
    );
    put(
        "catalog_arn",
        format!("arn:aws:glue:{tgt_region}:{tgt_account}:catalog"),
    );
    put("database_arn", db_arn.clone());
    put("database_name", database_name.clone());
    // How messages name the database: for S3 Tables `s3tablescatalog/BUCKET`.
    put(
        "database",
        db_resource
            .strip_prefix("catalog/")
            .unwrap_or(&database_name)
            .to_string(),
    );

    // S3 Tables: the table bucket behind `catalog/s3tablescatalog/BUCKET`, in the target account.
    if let Some(table_bucket) = db_resource
        .strip_prefix("catalog/s3tablescatalog/")
        .filter(|b| !b.is_empty() && !b.contains('/'))
    {
        put("table_bucket", table_bucket.to_string());
        put(
            "table_bucket_arn",
            format!("arn:aws:s3tables:{tgt_region}:{tgt_account}:bucket/{table_bucket}"),
        );
    }

    let target_table_name = snapshot
        .table_properties
        .get(&db_arn)
        .and_then(|m| m.get(&table_name))
        .and_then(|f| f.known())
        .and_then(|p| p.as_ref())
        .and_then(|p| p.target_table_name.clone())
        .unwrap_or_else(|| target_identifier(&table_name));
    put(
        "target_table_arn",
        format!(
            "arn:aws:glue:{tgt_region}:{tgt_account}:table/{database_name}/{target_table_name}"
        ),
    );
    put(
        "target_tables_arn",
        format!("arn:aws:glue:{tgt_region}:{tgt_account}:table/{database_name}/*"),
    );
    put("target_table_name", target_table_name.clone());

    let location = snapshot
        .databases
        .get(&db_arn)
        .and_then(|f| f.known())
        .and_then(|d| d.as_ref())
        .and_then(|d| d.location_uri.clone());
    if let Some((bucket, prefix)) = location.as_deref().and_then(parse_s3_uri) {
        let folder = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        put("bucket", bucket.clone());
        put("bucket_arn", format!("arn:aws:s3:::{bucket}"));
        put("prefix", prefix.clone());
        put("s3_prefix", folder.clone());
        put(
            "object_arn",
            format!("arn:aws:s3:::{bucket}/{folder}{target_table_name}/data/00000-0.parquet"),
        );
        put(
            "location_objects_arn",
            format!("arn:aws:s3:::{bucket}/{folder}*"),
        );
        if let Some(key) = snapshot
            .buckets
            .get(&bucket)
            .and_then(|b| b.encryption.known())
            .and_then(|e| e.as_ref())
            .filter(|e| e.sse_algorithm.starts_with("aws:kms"))
            .and_then(|e| e.kms_master_key_id.clone())
        {
            put("bucket_key_arn", key_arn(&key, &tgt_region, &tgt_account));
        }
    }
    put(
        "log_group_arn",
        format!("arn:aws:logs:{tgt_region}:{tgt_account}:log-group:{LOG_GROUP}"),
    );
    put(
        "log_streams_arn",
        format!("arn:aws:logs:{tgt_region}:{tgt_account}:log-group:{LOG_GROUP}:*"),
    );
    if let Some(role) = &pair.target_role {
        put("role", role.clone());
        put("role_arn", role.clone());
        put(
            "role_name",
            role.rsplit('/').next().unwrap_or(role).to_string(),
        );
    }
    if let Some(kms) = snapshot
        .resource_properties
        .get(&db_arn)
        .and_then(|f| f.known())
        .and_then(|p| p.as_ref())
        .and_then(|p| p.kms_arn.clone())
    {
        put("target_key_arn", key_arn(&kms, &tgt_region, &tgt_account));
    }
    if let Some(key) = snapshot
        .tables
        .get(&table_arn)
        .and_then(|t| t.description.known())
        .and_then(|d| d.as_ref())
        .and_then(|d| d.sse_description.as_ref())
        .and_then(|s| s.kms_master_key_arn.clone())
    {
        put("source_key_arn", key_arn(&key, &src_region, &src_account));
    }
    put("now", crate::time::timestamp(snapshot.collected_at));

    PairValues {
        values: v,
        integration,
        source_account: src_account,
        target_account: tgt_account,
        s3_tables_target,
    }
}

/// The integration for this pair: the one named, else the one whose source and target match.
pub fn existing_integration(snapshot: &Snapshot, pair: &Pair) -> Option<String> {
    if let Some(named) = &pair.integration {
        return Some(named.clone());
    }
    let sides = [&snapshot.integrations.source, &snapshot.integrations.target];
    sides
        .iter()
        .filter_map(|f| f.known())
        .flat_map(|m| m.values())
        .find(|i| i.source_arn == pair.source_table && i.target_arn == pair.target_database)
        .map(|i| i.integration_arn.clone())
}

fn existing_integration_status(snapshot: &Snapshot, pair: &Pair) -> Option<String> {
    let arn = existing_integration(snapshot, pair)?;
    let sides = [&snapshot.integrations.source, &snapshot.integrations.target];
    sides
        .iter()
        .filter_map(|f| f.known())
        .find_map(|m| m.get(&arn))
        .map(|i| i.status.clone())
}

/// `s3://bucket/some/prefix/` -> (`bucket`, `some/prefix`).
pub fn parse_s3_uri(uri: &str) -> Option<(String, String)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return None;
    }
    Some((bucket.to_string(), prefix.trim_matches('/').to_string()))
}

/// The name a DynamoDB zero-ETL integration gives the target table when no table property
/// names one: AWS converts an upper-case letter to lower case and any other character that is
/// not a lower-case letter, digit or `_` to `_` (Redshift guide, SVV_INTEGRATION_TABLE_MAPPING,
/// which lists "Amazon DynamoDB to Amazon SageMaker Lakehouse"). A clash with an existing
/// name gets a UUID appended by AWS; that cannot be foreseen.
pub fn target_identifier(source: &str) -> String {
    source
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            l @ ('a'..='z' | '0'..='9' | '_') => l,
            _ => '_',
        })
        .collect()
}

/// A key id, alias or ARN as an ARN (bucket encryption may name the key by id).
fn key_arn(key: &str, region: &str, account: &str) -> String {
    if key.starts_with("arn:") {
        key.to_string()
    } else if key.starts_with("alias/") {
        format!("arn:aws:kms:{region}:{account}:{key}")
    } else {
        format!("arn:aws:kms:{region}:{account}:key/{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_uris() {
        assert_eq!(
            parse_s3_uri("s3://b/p/q/"),
            Some(("b".into(), "p/q".into()))
        );
        assert_eq!(parse_s3_uri("s3://b"), Some(("b".into(), "".into())));
        assert_eq!(parse_s3_uri("s3://b/"), Some(("b".into(), "".into())));
        assert_eq!(parse_s3_uri("https://b"), None);
    }

    #[test]
    fn target_names_follow_aws_identifier_rules() {
        // AWS's own examples: Bar -> bar, fooBar -> foobar, Bar@1 -> bar_1, foo_bar@ -> foo_bar_.
        for (source, target) in [
            ("foo", "foo"),
            ("Bar", "bar"),
            ("fooBar", "foobar"),
            ("foo_1", "foo_1"),
            ("Bar@1", "bar_1"),
            ("foo_bar@", "foo_bar_"),
            ("order-items.v2", "order_items_v2"),
        ] {
            assert_eq!(target_identifier(source), target, "{source}");
        }
    }

    #[test]
    fn key_ids_become_arns() {
        assert_eq!(
            key_arn("1234", "us-east-1", "2"),
            "arn:aws:kms:us-east-1:2:key/1234"
        );
        assert_eq!(key_arn("arn:aws:kms:x", "r", "a"), "arn:aws:kms:x");
    }
}
