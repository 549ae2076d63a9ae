//! The target account (`ZT`): the Glue database, its location and bucket, the catalog policy,
//! the target role and its permissions, the integration resource property and Lake Formation.
//! Access checks are in `access`.

mod access;
mod lake_formation;

pub use access::*;
pub use lake_formation::*;

use crate::policy_edit::command::{kept_target_properties, shorthand_value};
use crate::policy_edit::FixAction;
use serde_json::json;

use crate::rules::messages::sentence;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::{same_role, Location, PairFacts};
use crate::rules::runner::Ctx;
use crate::snapshot::{Database, Fact};

/// The target database, or the outcome to return when it is absent or unreadable.
pub(crate) fn existing_database<'s>(
    ctx: &Ctx,
    facts: &PairFacts<'s>,
) -> Result<&'s Database, Outcome> {
    match facts.database() {
        Fact::Known(Some(d)) => Ok(d),
        Fact::Known(None) => Err(Outcome::skipped(ctx.text("skip_no_database", &[]))),
        Fact::Unknown(u) => Err(Outcome::from_unknown_fact(database_read(facts), &u)),
    }
}

/// The read behind the database fact: an S3 Tables target's catalog is read with GetCatalog.
fn database_read(facts: &PairFacts<'_>) -> &'static str {
    if facts.s3_tables_target {
        "glue:GetCatalog"
    } else {
        "glue:GetDatabase"
    }
}

pub fn zt001_target_database_missing(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    match facts.database() {
        Fact::Known(Some(d)) => Outcome::pass(json!({
            "name": d.name,
            "location_uri": d.location_uri,
            "s3_tables_target": facts.s3_tables_target,
        })),
        Fact::Known(None) if facts.s3_tables_target => {
            // GetCatalog on ACCOUNT:s3tablescatalog/BUCKET found nothing: the account's S3
            // Tables integration with the Data Catalog is off, or the bucket does not exist.
            // The pair's `{table_bucket}`; a catalog ARN that names more than a bucket has
            // none, and the message names the catalog as given.
            let bucket = facts
                .values
                .get("table_bucket")
                .unwrap_or(&facts.database_name)
                .to_string();
            Outcome::fail(
                Problem::new("not_found_s3_tables", facts.database_arn.clone())
                    .param("table_bucket", bucket.clone())
                    .fix_variant("s3_tables")
                    .evidence(json!({
                        "database_arn": facts.database_arn,
                        "table_bucket": bucket,
                        "found": false,
                    })),
            )
        }
        Fact::Known(None) => Outcome::fail(
            Problem::new("not_found", facts.database_arn.clone())
                .evidence(json!({"database_arn": facts.database_arn, "found": false})),
        ),
        Fact::Unknown(u) => Outcome::from_unknown_fact(database_read(facts), &u),
    }
}

/// What `update-database --database-input` must carry besides `Name` and `LocationUri` so the
/// update (which replaces the whole definition) keeps it: the database's
/// `CreateTableDefaultPermissions`, as the rest of the shorthand the fix template holds in
/// single quotes (`,CreateTableDefaultPermissions=[{Principal={...},Permissions=[ALL]}]`;
/// empty when there are none). The snapshot holds no description or parameters (the fix
/// summary says so).
fn kept_database_input(db: &Database) -> String {
    if db.create_table_default_permissions.is_empty() {
        return String::new();
    }
    let value = |s: &str| shorthand_value(s).replace('\'', r"'\''");
    let entries: Vec<String> = db
        .create_table_default_permissions
        .iter()
        .map(|p| {
            let permissions: Vec<String> = p.permissions.iter().map(|x| value(x)).collect();
            format!(
                "{{Principal={{DataLakePrincipalIdentifier={}}},Permissions=[{}]}}",
                value(&p.principal),
                permissions.join(",")
            )
        })
        .collect();
    format!(",CreateTableDefaultPermissions=[{}]", entries.join(","))
}

pub fn zt002_database_location_missing(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let db = match existing_database(ctx, facts) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let uri = db
        .location_uri
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if uri.is_empty() {
        return Outcome::fail(
            Problem::new("missing", facts.database_arn.clone())
                .param("kept_database_input", kept_database_input(db))
                .evidence(json!({"location_uri": db.location_uri})),
        );
    }
    match Location::parse(uri) {
        Ok(l) => {
            Outcome::pass(json!({"location_uri": uri, "bucket": l.bucket, "prefix": l.prefix}))
        }
        Err(error) => Outcome::fail(
            Problem::new("invalid", facts.database_arn.clone())
                .param("location_uri", uri)
                .param("kept_database_input", kept_database_input(db))
                .param("error", error.clone())
                .evidence(json!({"location_uri": uri, "error": error})),
        ),
    }
}

pub fn zt003_location_bucket_wrong_region(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let db = match existing_database(ctx, facts) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let Some(location) = &facts.location else {
        return Outcome::skipped(ctx.text("skip_no_location", &[]));
    };
    let Some(bucket) = facts.snapshot.buckets.get(&location.bucket) else {
        return Outcome::unknown(
            sentence("unknown.no_bucket_entry", &[("bucket", &location.bucket)]),
            Some("s3:GetBucketLocation".into()),
        );
    };
    let region = match &bucket.region {
        Fact::Known(r) => r,
        Fact::Unknown(u) => return Outcome::from_unknown_fact("s3:GetBucketLocation", u),
    };
    match region {
        None => Outcome::fail(
            Problem::new("not_found", location.bucket_arn())
                .param("bucket", location.bucket.clone())
                .evidence(json!({"bucket": location.bucket, "found": false})),
        ),
        Some(r) if *r != facts.target_region => Outcome::fail(
            Problem::new("wrong_region", location.bucket_arn())
                .fix_variant("wrong_region")
                .param("bucket", location.bucket.clone())
                .param("kept_database_input", kept_database_input(db))
                .param("bucket_region", r.clone())
                .param("database_region", facts.target_region.clone())
                .evidence(json!({"bucket": location.bucket, "bucket_region": r, "database_region": facts.target_region})),
        ),
        Some(r) => Outcome::pass(json!({"bucket": location.bucket, "bucket_region": r})),
    }
}

pub fn zt008_target_role_missing(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let Some(role) = facts.effective_target_role() else {
        return Outcome::unknown(sentence("unknown.no_target_role", &[]), None);
    };
    match facts.snapshot.principals.get(&role) {
        None => Outcome::unknown(
            sentence("unknown.no_role_entry", &[("role", &role)]),
            Some("iam:GetRole".into()),
        ),
        Some(Fact::Unknown(u)) => Outcome::from_unknown_fact("iam:GetRole", u),
        Some(Fact::Known(None)) => Outcome::fail(
            Problem::new("not_found", role.clone())
                .param("role", role.clone())
                .evidence(json!({"role_arn": role, "found": false})),
        ),
        Some(Fact::Known(Some(p))) => Outcome::pass(json!({"role_arn": p.arn})),
    }
}

pub fn zt013_target_not_configured(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    if let Err(o) = existing_database(ctx, facts) {
        if !facts.s3_tables_target {
            return o;
        }
    }
    let property = match facts.resource_property() {
        Fact::Known(p) => p,
        Fact::Unknown(u) => {
            return Outcome::from_unknown_fact("glue:GetIntegrationResourceProperty", &u)
        }
    };
    let role = facts.target_role.clone().unwrap_or_default();
    // Applicable by `zetl fix` only when the role to configure is known.
    let configure = |exists: bool| {
        facts
            .target_role
            .as_ref()
            .map(|r| FixAction::ResourceProperty {
                resource_arn: facts.database_arn.clone(),
                role_arn: r.clone(),
                exists,
            })
    };
    let Some(property) = property else {
        return Outcome::fail(Problem {
            apply: configure(false),
            ..Problem::new("missing", facts.database_arn.clone())
                .evidence(json!({"resource_arn": facts.database_arn, "resource_property": null}))
        });
    };
    let Some(configured) = property.role_arn.clone() else {
        return Outcome::fail(Problem {
            apply: configure(true),
            ..Problem::new("no_role", facts.database_arn.clone())
                .fix_variant("update")
                .param("kept_properties", kept_target_properties(Some(property)))
                .evidence(json!({"resource_arn": facts.database_arn, "role_arn": null}))
        });
    };
    match &facts.target_role {
        // Once an integration exists, a different role is ZI005's business; a missing
        // property or role is still this rule's (an existing integration is no excuse).
        Some(wanted)
            if !same_role(wanted, &configured) && facts.existing_integration().is_some() =>
        {
            Outcome::pass(
                json!({"resource_arn": property.resource_arn, "role_arn": configured,
                "role_differs": true}),
            )
        }
        Some(wanted) if !same_role(wanted, &configured) => Outcome::fail(Problem {
            apply: configure(true),
            ..Problem::new("wrong_role", facts.database_arn.clone())
                .param("configured_role", configured.clone())
                .fix_variant("update")
                .param("kept_properties", kept_target_properties(Some(property)))
                .evidence(json!({"configured_role": configured, "expected_role": role}))
        }),
        _ => Outcome::pass(json!({"resource_arn": property.resource_arn, "role_arn": configured})),
    }
}

/// The key `kms_arn` names in the snapshot: by its ARN (as DescribeKey keys it), else by an
/// alias ARN that one of the read keys carries.
fn described_key<'s>(facts: &PairFacts<'s>, kms_arn: &str) -> Option<&'s crate::snapshot::KmsKey> {
    let keys = &facts.snapshot.kms_keys;
    keys.get(kms_arn).or_else(|| {
        let alias = kms_arn
            .split_once(":alias/")
            .map(|(_, a)| format!("alias/{a}"))?;
        keys.values().find(|k| {
            k.metadata
                .known()
                .is_some_and(|m| m.aliases.contains(&alias))
        })
    })
}

/// ZT019: the target KMS key of the resource property is enabled (AWS: "provide an enabled
/// KMS Key").
pub fn zt019_target_kms_key_not_enabled(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let property = match facts.resource_property() {
        Fact::Known(p) => p,
        Fact::Unknown(u) => {
            return Outcome::from_unknown_fact("glue:GetIntegrationResourceProperty", &u)
        }
    };
    let Some(kms_arn) = property.and_then(|p| p.kms_arn.clone()) else {
        return Outcome::pass(json!({"target_key": null}));
    };
    let arn = facts
        .values
        .get("target_key_arn")
        .map(str::to_string)
        .unwrap_or_else(|| kms_arn.clone());
    let metadata = match described_key(facts, &arn).map(|k| &k.metadata) {
        Some(Fact::Known(m)) => m,
        Some(Fact::Unknown(u)) => return Outcome::from_unknown_fact("kms:DescribeKey", u),
        None => {
            return Outcome::unknown(
                sentence("unknown.no_key_entry", &[("key", &arn)]),
                Some("kms:DescribeKey".into()),
            )
        }
    };
    let evidence = json!({"target_key": arn, "key_state": metadata.key_state});
    if metadata.key_state == "Enabled" {
        return Outcome::pass(evidence);
    }
    let key_region = arn
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .or_else(|| facts.values.get("target_region").map(str::to_string))
        .unwrap_or_default();
    let mut problem = Problem::new("fail", arn.clone())
        .param("key_arn", metadata.arn.clone())
        .param("key_state", metadata.key_state.clone())
        .param("key_region", key_region)
        .evidence(evidence);
    if metadata.key_state == "PendingDeletion" {
        problem = problem.fix_variant("pending_deletion");
    }
    Outcome::fail(problem)
}
