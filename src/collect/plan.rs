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
    /// The table that names the source account (the first pair's given as an ARN, else the
    /// first pair's; empty with `--all` and no pair).
    pub table: Named,
    /// Likewise for the target account. For an S3 Tables target, `name` is
    /// `s3tablescatalog/BUCKET`.
    pub database: Named,
    /// The first pair's target is an S3 Tables catalog, not a Glue database on a
    /// general-purpose bucket.
    pub s3_tables: bool,
    /// Every pair the setup names, each once, in order.
    pub pairs: Vec<PlanPair>,
    /// `--all`: also every existing integration between the two accounts.
    pub all: bool,
}

/// One source table -> target pair to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPair {
    pub table: Named,
    pub database: Named,
    pub s3_tables: bool,
    /// As given (ARN or name).
    pub target_role: Option<String>,
    pub integration: Option<String>,
}

/// The resource part of an S3 Tables target ARN before the bucket name.
pub const S3_TABLES_PREFIX: &str = "catalog/s3tablescatalog/";

impl Plan {
    pub fn from_setup(setup: &Setup) -> Result<Plan, CollectError> {
        let given = setup.pair_list();
        if given.is_empty() && !setup.all {
            return Err(CollectError::Setup(
                "--source-table is required to collect facts".into(),
            ));
        }
        let mut pairs: Vec<PlanPair> = Vec::new();
        for p in &given {
            let database = p.target_database.as_deref().ok_or_else(|| {
                CollectError::Setup("--target-database is required to collect facts".into())
            })?;
            let (database, s3_tables) = parse_target(database)?;
            let pair = PlanPair {
                table: parse(&p.source_table, "dynamodb", "table/", "--source-table")?,
                database,
                s3_tables,
                target_role: p.target_role.clone(),
                integration: p.integration.clone(),
            };
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
        // One run reads one source and one target account: every ARN must agree on them.
        let table = one_account(pairs.iter().map(|p| &p.table), "--source-table")?;
        let database = one_account(pairs.iter().map(|p| &p.database), "--target-database")?;
        let s3_tables = pairs.first().is_some_and(|p| p.s3_tables);
        Ok(Plan {
            table,
            database,
            s3_tables,
            pairs,
            all: setup.all,
        })
    }
}

/// A Glue database or an S3 Tables catalog (`catalog/s3tablescatalog/BUCKET`).
fn parse_target(database: &str) -> Result<(Named, bool), CollectError> {
    let s3_tables =
        crate::arn::Arn::parse(database).is_some_and(|a| a.resource.starts_with(S3_TABLES_PREFIX));
    if s3_tables {
        let mut named = parse(database, "glue", S3_TABLES_PREFIX, "--target-database")?;
        named.name = format!("s3tablescatalog/{}", named.name);
        return Ok((named, true));
    }
    Ok((
        parse(database, "glue", "database/", "--target-database")?,
        false,
    ))
}

/// The resource that names the side's account: the first one given as an ARN (every other
/// ARN must name the same partition, region and account), else the first one, else none.
fn one_account<'a>(
    mut named: impl Iterator<Item = &'a Named> + Clone,
    flag: &str,
) -> Result<Named, CollectError> {
    let first = named.clone().next().cloned().unwrap_or(Named {
        name: String::new(),
        arn: None,
    });
    let Some(with_arn) = named.clone().find(|n| n.arn.is_some()) else {
        return Ok(first);
    };
    if let Some(other) = named.find(|n| n.arn.is_some() && n.arn != with_arn.arn) {
        let (a, b) = (with_arn.arn.as_ref(), other.arn.as_ref());
        let show = |p: Option<&ArnParts>| {
            p.map(|p| format!("account {} in {}", p.account, p.region))
                .unwrap_or_default()
        };
        return Err(CollectError::Setup(format!(
            "{flag}: {} is in {}, {} in {}: one run reads one source and one target account \
             (run once per account and region)",
            with_arn.name,
            show(a),
            other.name,
            show(b)
        )));
    }
    Ok(with_arn.clone())
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
    let bad = || {
        CollectError::Setup(format!(
            "{flag} {value:?} is not an ARN of the form arn:aws:{service}:REGION:ACCOUNT:{prefix}NAME"
        ))
    };
    let parts = crate::arn::Arn::parse(value)
        .filter(|p| p.service == service)
        .ok_or_else(bad)?;
    let name = parts.resource_after(prefix).ok_or_else(bad)?;
    if name.is_empty() || name.contains('/') || parts.region.is_empty() || parts.account.is_empty()
    {
        return Err(bad());
    }
    Ok(Named {
        name: name.to_string(),
        arn: Some(ArnParts {
            partition: parts.partition.to_string(),
            region: parts.region.to_string(),
            account: parts.account.to_string(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::{SetupFields, SetupPair};

    fn setup(table: &str, db: &str) -> Setup {
        Setup {
            fields: SetupFields {
                source_table: Some(table.into()),
                target_database: Some(db.into()),
                ..SetupFields::default()
            },
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

    fn pair(table: &str, db: Option<&str>) -> SetupPair {
        SetupPair {
            source_table: table.into(),
            target_database: db.map(str::to_string),
            ..SetupPair::default()
        }
    }

    #[test]
    fn pairs_are_planned_once_each_and_must_share_the_accounts() {
        let lake = "arn:aws:glue:us-east-1:222222222222:database/lake";
        let setup = Setup {
            pairs: vec![
                pair("orders", Some(lake)),
                pair(
                    "arn:aws:dynamodb:us-east-1:111111111111:table/customers",
                    Some(lake),
                ),
                pair("orders", Some(lake)),
            ],
            ..Setup::default()
        };
        let p = Plan::from_setup(&setup).unwrap();
        assert_eq!(p.pairs.len(), 2);
        // The account comes from the pair that gives an ARN.
        assert_eq!(p.table.name, "customers");
        assert_eq!(p.table.arn.as_ref().unwrap().account, "111111111111");
        assert_eq!(p.database.name, "lake");

        let mut other = setup.clone();
        other.pairs.push(pair(
            "arn:aws:dynamodb:eu-west-1:111111111111:table/items",
            Some(lake),
        ));
        let e = Plan::from_setup(&other).unwrap_err();
        assert!(e.to_string().starts_with("--source-table: customers is in account 111111111111 in us-east-1, items in account 111111111111 in eu-west-1"), "{e}");

        let mut no_db = setup.clone();
        no_db.pairs.push(pair("items", None));
        let e = Plan::from_setup(&no_db).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--target-database is required to collect facts"
        );
    }

    #[test]
    fn all_needs_no_pair() {
        let p = Plan::from_setup(&Setup {
            all: true,
            ..Setup::default()
        })
        .unwrap();
        assert!(p.pairs.is_empty() && p.all);
        assert_eq!((p.table.name.as_str(), p.table.arn.clone()), ("", None));
    }
}
