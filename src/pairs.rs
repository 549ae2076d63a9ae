//! The pairs of a run besides those the setup names: with `--all`, one pair per existing
//! integration between the two accounts, found in the integrations each side lists. Shared by
//! live collection and by `--from` (a saved snapshot holds the same lists).

use std::collections::BTreeMap;

use crate::arn::Arn;
use crate::snapshot::{Fact, Integration, Pair, Snapshot};

/// Whether an integration runs from a DynamoDB table of `source_account` into a Glue target
/// (database or S3 Tables catalog) of `target_account`.
pub fn between(i: &Integration, source_account: &str, target_account: &str) -> bool {
    let table = Arn::parse(&i.source_arn).is_some_and(|p| {
        p.service == "dynamodb" && p.account == source_account && p.resource.starts_with("table/")
    });
    let target = Arn::parse(&i.target_arn).is_some_and(|p| {
        p.service == "glue"
            && p.account == target_account
            && (p.resource.starts_with("database/")
                || p.resource.starts_with("catalog/s3tablescatalog/"))
    });
    table && target
}

/// One pair per integration between the accounts in either side's list (each once, by table
/// and target), naming the integration and `target_role` as its role.
pub fn integration_pairs(
    lists: [&Fact<BTreeMap<String, Integration>>; 2],
    source_account: &str,
    target_account: &str,
    target_role: Option<&str>,
) -> Vec<Pair> {
    let mut out: Vec<Pair> = Vec::new();
    for i in lists
        .into_iter()
        .filter_map(Fact::known)
        .flat_map(|m| m.values())
    {
        if !between(i, source_account, target_account)
            || out
                .iter()
                .any(|p| p.integration.as_deref() == Some(&i.integration_arn))
        {
            continue;
        }
        out.push(Pair {
            source_table: i.source_arn.clone(),
            target_database: i.target_arn.clone(),
            target_role: target_role.map(str::to_string),
            integration: Some(i.integration_arn.clone()),
        });
    }
    out.sort_by(|a, b| {
        (&a.source_table, &a.target_database, &a.integration).cmp(&(
            &b.source_table,
            &b.target_database,
            &b.integration,
        ))
    });
    out
}

/// Appends the integration pairs a list of pairs does not have yet: a pair for the same table
/// and target that names no integration (or the same one) already covers it.
pub fn extend(pairs: &mut Vec<Pair>, found: Vec<Pair>) {
    // A placeholder pair with no table (a snapshot read without one) gives way.
    pairs.retain(|p| !p.source_table.is_empty());
    for f in found {
        let covered = pairs.iter().any(|p| {
            p.source_table == f.source_table
                && p.target_database == f.target_database
                && (p.integration.is_none() || p.integration == f.integration)
        });
        if !covered {
            pairs.push(f);
        }
    }
}

/// `--all` over a snapshot: its pairs plus one per integration between its two accounts.
pub fn add_integration_pairs(snapshot: &mut Snapshot, target_role: Option<&str>) {
    let found = integration_pairs(
        [&snapshot.integrations.source, &snapshot.integrations.target],
        &snapshot.accounts.source.id,
        &snapshot.accounts.target.id,
        target_role,
    );
    extend(&mut snapshot.setup.pairs, found);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integration(arn: &str, source: &str, target: &str) -> Integration {
        Integration::new(arn, source, target, "ACTIVE")
    }

    const LAKE: &str = "arn:aws:glue:us-east-1:222222222222:database/lake";

    #[test]
    fn every_integration_between_the_accounts_is_a_pair_once() {
        let t = |n: &str| format!("arn:aws:dynamodb:us-east-1:111111111111:table/{n}");
        let i = |n: &str| format!("arn:aws:glue:us-east-1:111111111111:integration:{n}");
        let source = Fact::Known(BTreeMap::from([
            (i("b"), integration(&i("b"), &t("orders"), LAKE)),
            (i("a"), integration(&i("a"), &t("items"), LAKE)),
            // Another target account, an Aurora source: not between these accounts.
            (
                i("c"),
                integration(
                    &i("c"),
                    &t("x"),
                    "arn:aws:glue:us-east-1:333333333333:database/lake",
                ),
            ),
            (
                i("d"),
                integration(
                    &i("d"),
                    "arn:aws:rds:us-east-1:111111111111:cluster:c",
                    LAKE,
                ),
            ),
        ]));
        let target = Fact::Known(BTreeMap::from([(
            i("b"),
            integration(&i("b"), &t("orders"), LAKE),
        )]));
        let found = integration_pairs(
            [&source, &target],
            "111111111111",
            "222222222222",
            Some("arn:aws:iam::222222222222:role/r"),
        );
        let tables: Vec<&str> = found.iter().map(|p| p.source_table.as_str()).collect();
        assert_eq!(tables, [t("items"), t("orders")]);
        assert_eq!(found[1].integration.as_deref(), Some(i("b").as_str()));
        assert_eq!(
            found[0].target_role.as_deref(),
            Some("arn:aws:iam::222222222222:role/r")
        );

        // A pair the setup already names for orders -> lake covers its integration.
        let mut pairs = vec![Pair {
            source_table: t("orders"),
            target_database: LAKE.into(),
            target_role: None,
            integration: None,
        }];
        extend(&mut pairs, found);
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[1].source_table, t("items"));
    }
}
