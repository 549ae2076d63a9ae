//! What to read, from the setup flags: the table and database (ARN or name), the account and
//! region each ARN fixes, and the principals to inspect. The target may also be an S3 Tables
//! table bucket's catalog, `arn:P:glue:R:A:catalog/s3tablescatalog/BUCKET`.

use super::CollectError;
use crate::setup::Setup;

/// A resource named by ARN or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The name (`orders`, `lake`).
    pub name: String,
    /// Partition, region and account when an ARN was given.
    pub arn: Option<ArnParts>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnParts {
    pub partition: String,
    pub region: String,
    pub account: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub table: Named,
    /// For an S3 Tables target, `name` is `s3tablescatalog/BUCKET`.
    pub database: Named,
    /// The target is an S3 Tables catalog, not a Glue database on a general-purpose bucket.
    pub s3_tables: bool,
}

/// The resource part of an S3 Tables target ARN before the bucket name.
pub const S3_TABLES_PREFIX: &str = "catalog/s3tablescatalog/";

impl Plan {
    pub fn from_setup(setup: &Setup) -> Result<Plan, CollectError> {
        let table = setup.source_table.as_deref().ok_or_else(|| {
            CollectError::Setup("--source-table is required to collect facts".into())
        })?;
        let database = setup.target_database.as_deref().ok_or_else(|| {
            CollectError::Setup("--target-database is required to collect facts".into())
        })?;
        let s3_tables = database.starts_with("arn:")
            && database
                .splitn(6, ':')
                .nth(5)
                .is_some_and(|r| r.starts_with(S3_TABLES_PREFIX));
        let database = if s3_tables {
            let mut named = parse(database, "glue", S3_TABLES_PREFIX, "--target-database")?;
            named.name = format!("s3tablescatalog/{}", named.name);
            named
        } else {
            parse(database, "glue", "database/", "--target-database")?
        };
        Ok(Plan {
            table: parse(table, "dynamodb", "table/", "--source-table")?,
            database,
            s3_tables,
        })
    }
}

/// `arn:P:SERVICE:R:A:PREFIXNAME` or a bare name.
fn parse(value: &str, service: &str, prefix: &str, flag: &str) -> Result<Named, CollectError> {
    if !value.starts_with("arn:") {
        if value.is_empty() || value.contains(['/', ':']) {
            return Err(CollectError::Setup(format!(
                "{flag} {value:?} is neither an ARN nor a plain name"
            )));
        }
        return Ok(Named {
            name: value.to_string(),
            arn: None,
        });
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let bad = || {
        CollectError::Setup(format!(
            "{flag} {value:?} is not an ARN of the form arn:aws:{service}:REGION:ACCOUNT:{prefix}NAME"
        ))
    };
    if parts.len() != 6 || parts[2] != service {
        return Err(bad());
    }
    let name = parts[5].strip_prefix(prefix).ok_or_else(bad)?;
    if name.is_empty() || name.contains('/') || parts[3].is_empty() || parts[4].is_empty() {
        return Err(bad());
    }
    Ok(Named {
        name: name.to_string(),
        arn: Some(ArnParts {
            partition: parts[1].to_string(),
            region: parts[3].to_string(),
            account: parts[4].to_string(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(table: &str, db: &str) -> Setup {
        Setup {
            source_table: Some(table.into()),
            target_database: Some(db.into()),
            ..Setup::default()
        }
    }

    #[test]
    fn arns_fix_account_and_region() {
        let p = Plan::from_setup(&setup(
            "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
            "arn:aws:glue:us-east-1:222222222222:database/lake",
        ))
        .unwrap();
        assert_eq!(p.table.name, "orders");
        assert_eq!(p.table.arn.as_ref().unwrap().account, "111111111111");
        assert_eq!(p.database.name, "lake");
        assert_eq!(p.database.arn.as_ref().unwrap().region, "us-east-1");
    }

    #[test]
    fn an_s3_tables_catalog_is_a_target() {
        let p = Plan::from_setup(&setup(
            "orders",
            "arn:aws:glue:us-east-1:222222222222:catalog/s3tablescatalog/zetl-table-bucket",
        ))
        .unwrap();
        assert!(p.s3_tables);
        assert_eq!(p.database.name, "s3tablescatalog/zetl-table-bucket");
        assert_eq!(p.database.arn.as_ref().unwrap().account, "222222222222");
        assert!(
            !Plan::from_setup(&setup("orders", "lake"))
                .unwrap()
                .s3_tables
        );
    }

    #[test]
    fn names_are_accepted_and_bad_values_rejected() {
        let p = Plan::from_setup(&setup("orders", "lake")).unwrap();
        assert_eq!((p.table.arn, p.database.arn), (None, None));
        let e = Plan::from_setup(&setup("arn:aws:glue:us-east-1:1:table/x", "lake")).unwrap_err();
        assert!(e.to_string().contains("--source-table"), "{e}");
        let e = Plan::from_setup(&setup("orders", "arn:aws:glue:us-east-1:2:catalog")).unwrap_err();
        assert!(e.to_string().contains("--target-database"), "{e}");
        let e = Plan::from_setup(&setup(
            "orders",
            "arn:aws:glue:us-east-1:222222222222:catalog/s3tablescatalog/b/namespace",
        ))
        .unwrap_err();
        assert!(
            e.to_string().contains("catalog/s3tablescatalog/NAME"),
            "{e}"
        );
        let e = Plan::from_setup(&Setup::default()).unwrap_err();
        assert_eq!(e.to_string(), "--source-table is required to collect facts");
    }
}
