//! The snapshot `zetl policy generate` works on: a "nothing exists yet" snapshot built from the
//! setup alone, or a loaded/collected one. Either way every principal the setup names is
//! present (a missing one as a principal with no policies, remembered as to-be-created), so
//! the access rules' `generate` can merge into it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::arn::Arn;
use crate::rules::values::parse_s3_uri;
use crate::setup::Setup;
use crate::snapshot::{
    Account, Accounts, Bucket, Database, Fact, IamPrincipal, PitrStatus, PrincipalKind, Snapshot,
    SourceTable, TableDescription,
};

/// The snapshot to generate from, and the roles it had to stand in for.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub snapshot: Snapshot,
    /// Role ARNs that do not exist yet: their trust policy is applied with `create-role`.
    pub missing_roles: BTreeSet<String>,
    /// Built from the setup alone (no `--merge-with`).
    pub blank: bool,
}

/// Why the documents cannot be generated from what was given (exit 2).
pub type SetupError = String;

/// Every setup field that is required and absent (in any pair), named as its flag.
pub fn missing_fields(setup: &Setup) -> Vec<&'static str> {
    let pairs = setup.pair_list();
    let mut missing = Vec::new();
    if pairs.is_empty() {
        missing.push("--source-table");
    }
    if pairs.is_empty() || pairs.iter().any(|p| p.target_database.is_none()) {
        missing.push("--target-database");
    }
    if pairs.is_empty() || pairs.iter().any(|p| p.target_role.is_none()) {
        missing.push("--target-role");
    }
    missing
}

/// A snapshot in which nothing exists yet but the tables and the database (with `location`):
/// no policies anywhere, no integration. Accounts and regions come from the ARNs (a name is
/// completed with the account of another ARN of the same side and the region flags).
pub fn blank_snapshot(
    setup: &Setup,
    location: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Snapshot, SetupError> {
    let pairs = setup.pair_list();
    // The pair that names each side's account: the first one given as an ARN.
    let arn_of = |field: fn(&crate::setup::SetupPair) -> Option<&str>| {
        pairs
            .iter()
            .filter_map(field)
            .find(|v| v.starts_with("arn:"))
            .or_else(|| pairs.first().and_then(field))
    };
    let source_table = arn_of(|p| Some(p.source_table.as_str()));
    let target_database = arn_of(|p| p.target_database.as_deref());
    let target_role = arn_of(|p| p.target_role.as_deref());
    let source = account_of(
        source_table,
        "dynamodb",
        &[setup.fields.source_principal.as_deref()],
        setup
            .fields
            .source_region
            .as_deref()
            .or(setup.fields.region.as_deref()),
        "--source-table",
    )?;
    let target = account_of(
        target_database,
        "glue",
        &[target_role, setup.fields.target_principal.as_deref()],
        setup
            .fields
            .target_region
            .as_deref()
            .or(setup.fields.region.as_deref()),
        "--target-database",
    )?;
    // An S3 Tables target has no general-purpose bucket location.
    let s3_tables = target_database.is_some_and(|d| d.contains(":catalog/s3tablescatalog"));
    if location.is_none() && !s3_tables {
        return Err(
            "--location is required without --merge-with: the target database's S3 \
                    location (s3://bucket/prefix/), which the role's S3 statements name"
                .into(),
        );
    }
    let mut snapshot = Snapshot::empty(now, Accounts { source, target }, Default::default());
    super::super::doctor::apply_setup_overrides(&mut snapshot, setup)?;
    let databases: BTreeSet<String> = snapshot
        .setup
        .pairs
        .iter()
        .map(|p| p.target_database.clone())
        .collect();
    if databases.len() > 1 && location.is_some() {
        return Err(format!(
            "--location names one location, but the pairs go into {} databases: merge with \
             what exists instead (--merge-with FILE|live), which knows each database's location",
            databases.len()
        ));
    }
    for pair in snapshot.setup.pairs.clone() {
        let table_name = pair.source_table.rsplit('/').next().unwrap_or_default();
        snapshot.tables.insert(
            pair.source_table.clone(),
            SourceTable {
                description: Fact::Known(Some(TableDescription {
                    table_name: table_name.into(),
                    table_arn: pair.source_table.clone(),
                    table_status: "ACTIVE".into(),
                    sse_description: None,
                    table_size_bytes: None,
                    item_count: None,
                    key_schema: None,
                })),
                continuous_backups: Fact::Known(PitrStatus::Enabled),
                resource_policy: Fact::Known(None),
                pitr_recovery_period_days: None,
            },
        );
        let target_id = snapshot.accounts.target.id.clone();
        let catalog = format!(
            "arn:aws:glue:{}:{target_id}:catalog",
            region_of(&pair.target_database).unwrap_or(&snapshot.accounts.target.region)
        );
        snapshot.catalog_policies.insert(catalog, Fact::Known(None));
        let db_name = pair
            .target_database
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        if let Some(location) = location {
            snapshot.databases.insert(
                pair.target_database.clone(),
                Fact::Known(Some(Database {
                    name: db_name,
                    catalog_id: target_id,
                    location_uri: Some(location.to_string()),
                    create_table_default_permissions: Vec::new(),
                })),
            );
        }
        if let Some((bucket, _)) = location.and_then(parse_s3_uri) {
            snapshot.buckets.insert(
                bucket,
                Bucket {
                    region: Fact::Known(Some(snapshot.accounts.target.region.clone())),
                    policy: Fact::Known(None),
                    encryption: Fact::Known(None),
                },
            );
        }
        snapshot
            .resource_properties
            .insert(pair.target_database, Fact::Known(None));
    }
    Ok(snapshot)
}

/// Makes every principal the setup names present in the snapshot: one that does not exist
/// (or was never read) becomes a principal with no policies, so documents can be built for
/// it; a role among them is remembered, its trust policy then creates it.
pub fn prepare(mut snapshot: Snapshot, blank: bool) -> Prepared {
    let target_roles: BTreeSet<String> = snapshot
        .setup
        .pairs
        .iter()
        .filter_map(|p| p.target_role.clone())
        .collect();
    let mut names: Vec<String> = target_roles.iter().cloned().collect();
    let s = &snapshot.setup;
    names.extend(
        [
            &s.source_principal,
            &s.console_principal,
            &s.target_principal,
        ]
        .into_iter()
        .flatten()
        .cloned(),
    );
    let mut missing_roles = BTreeSet::new();
    for name in names {
        // A session is stored (and granted) as its role.
        let key = crate::rules::engine::principals::session_role_arn(&name).unwrap_or(name);
        if let Some(Fact::Known(Some(_)) | Fact::Unknown(_)) = find(&snapshot, &key) {
            continue;
        }
        let kind = if key.contains(":user/") {
            PrincipalKind::User
        } else {
            PrincipalKind::Role
        };
        // Only the target role gets a trust policy from us, so only it can be created.
        if target_roles.contains(&key) {
            missing_roles.insert(key.clone());
        }
        snapshot
            .principals
            .insert(key.clone(), Fact::Known(Some(empty_principal(&key, kind))));
    }
    Prepared {
        snapshot,
        missing_roles,
        blank,
    }
}

/// A principal as stored under `key`, or under its ARN with a path when `key` has none.
fn find<'s>(snapshot: &'s Snapshot, key: &str) -> Option<&'s Fact<Option<IamPrincipal>>> {
    snapshot.principals.get(key).or_else(|| {
        let (prefix, name) = key.rsplit_once('/')?;
        let kind = prefix.rsplit(':').next()?;
        let account = Arn::parse(key)?.account;
        snapshot.principals.iter().find_map(|(k, f)| {
            (k.starts_with(&format!("arn:aws:iam::{account}:{kind}/"))
                && k.rsplit('/').next() == Some(name))
            .then_some(f)
        })
    })
}

fn empty_principal(arn: &str, kind: PrincipalKind) -> IamPrincipal {
    IamPrincipal {
        arn: arn.to_string(),
        kind,
        unique_id: None,
        trust_policy: None,
        inline_policies: Fact::Known(Vec::new()),
        attached_policies: Fact::Known(Vec::new()),
        permissions_boundary: Fact::Known(None),
        groups: Fact::Known(Vec::new()),
    }
}

fn region_of(arn: &str) -> Option<&str> {
    Arn::parse(arn).map(|p| p.region).filter(|r| !r.is_empty())
}

/// The account and region of one side: from the resource's ARN, else (for a name) the account
/// of another ARN on that side and the region flags.
fn account_of(
    resource: Option<&str>,
    service: &str,
    others: &[Option<&str>],
    region_flag: Option<&str>,
    flag: &str,
) -> Result<Account, SetupError> {
    let value = resource.unwrap_or_default();
    if let Some(p) = Arn::parse(value).filter(|p| p.service == service) {
        return Ok(Account {
            id: p.account.to_string(),
            region: region_flag.unwrap_or(p.region).to_string(),
            caller_arn: None,
        });
    }
    let account = others
        .iter()
        .flatten()
        .filter_map(|a| Arn::parse(a))
        .map(|p| p.account)
        .find(|a| a.len() == 12);
    match (account, region_flag) {
        (Some(id), Some(region)) => Ok(Account {
            id: id.to_string(),
            region: region.to_string(),
            caller_arn: None,
        }),
        _ => Err(format!(
            "{flag} {value:?} is a name: give its ARN so the account and region are known \
             (or --merge-with a snapshot)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::SetupFields;

    fn setup() -> Setup {
        Setup {
            fields: SetupFields {
                source_table: Some("arn:aws:dynamodb:us-east-1:111111111111:table/orders".into()),
                target_database: Some("arn:aws:glue:us-east-1:222222222222:database/lake".into()),
                target_role: Some("arn:aws:iam::222222222222:role/service-role/ZeroEtl".into()),
                source_principal: Some("arn:aws:iam::111111111111:role/Creator".into()),
                ..SetupFields::default()
            },
            ..Setup::default()
        }
    }

    #[test]
    fn blank_snapshot_has_the_setup_and_no_policy() {
        let s = blank_snapshot(&setup(), Some("s3://b/lake/"), Utc::now()).unwrap();
        assert_eq!(s.accounts.source.id, "111111111111");
        assert_eq!(s.accounts.target.region, "us-east-1");
        let table = &s.tables["arn:aws:dynamodb:us-east-1:111111111111:table/orders"];
        assert_eq!(table.resource_policy, Fact::Known(None));
        assert_eq!(
            s.catalog_policies["arn:aws:glue:us-east-1:222222222222:catalog"],
            Fact::Known(None)
        );
        assert!(s.buckets.contains_key("b"));
        let p = prepare(s, true);
        assert!(p
            .missing_roles
            .contains("arn:aws:iam::222222222222:role/service-role/ZeroEtl"));
        assert!(matches!(
            p.snapshot.principals["arn:aws:iam::111111111111:role/Creator"],
            Fact::Known(Some(_))
        ));
    }

    #[test]
    fn names_need_an_account_and_a_location_is_required() {
        let mut s = setup();
        s.fields.source_table = Some("orders".into());
        s.fields.source_principal = None;
        let e = blank_snapshot(&s, Some("s3://b/"), Utc::now()).unwrap_err();
        assert!(e.starts_with("--source-table \"orders\" is a name"), "{e}");
        // With another source-side ARN and a region, a name is enough.
        s.fields.source_principal = Some("arn:aws:iam::111111111111:user/alice".into());
        s.fields.region = Some("eu-west-1".into());
        let snap = blank_snapshot(&s, Some("s3://b/"), Utc::now()).unwrap();
        assert_eq!(
            snap.setup.pairs[0].source_table,
            "arn:aws:dynamodb:eu-west-1:111111111111:table/orders"
        );
        let e = blank_snapshot(&setup(), None, Utc::now()).unwrap_err();
        assert!(e.starts_with("--location is required"), "{e}");
        // An S3 Tables target has no bucket location to give.
        let mut s = setup();
        s.fields.target_database =
            Some("arn:aws:glue:us-east-1:222222222222:catalog/s3tablescatalog/tb".into());
        let snap = blank_snapshot(&s, None, Utc::now()).unwrap();
        assert!(snap.databases.is_empty() && snap.buckets.is_empty());
    }

    #[test]
    fn prepare_keeps_existing_principals_and_marks_missing_roles() {
        let mut s = blank_snapshot(&setup(), Some("s3://b/"), Utc::now()).unwrap();
        s.principals.insert(
            "arn:aws:iam::222222222222:role/service-role/ZeroEtl".into(),
            Fact::Known(None),
        );
        let p = prepare(s, false);
        assert_eq!(
            p.missing_roles.iter().collect::<Vec<_>>(),
            vec!["arn:aws:iam::222222222222:role/service-role/ZeroEtl"]
        );
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            missing_fields(&Setup::default()),
            vec!["--source-table", "--target-database", "--target-role"]
        );
        assert!(missing_fields(&setup()).is_empty());
    }
}
