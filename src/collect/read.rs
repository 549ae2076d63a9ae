//! What the pairs need, each resource read once: one catalog policy, one Lake Formation
//! configuration, each table, database, bucket, key and principal once however many pairs
//! share it, every integration of both sides in one listing and their sync times in one
//! metric read. The reads of all pairs run together (each as soon as what it depends on is
//! known, at most `--concurrency` calls in flight per account), so the number of sequential
//! rounds does not grow with the number of pairs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;

use super::clients::Account;
use super::plan::Plan;
use super::{
    collect_database, collect_principal, collect_source, glue, integration_facts, lakeformation,
    probes, CollectError,
};
use crate::setup::Setup;
use crate::snapshot::{
    Account as AccountFacts, Accounts, Fact, Integration, Pair, Setup as SnapshotSetup, Snapshot,
};

/// Each resource read once, however many pairs ask for it: the first asker reads, the
/// others wait for the same answer.
pub struct Once<T> {
    cells: Mutex<HashMap<String, Arc<OnceCell<T>>>>,
}

impl<T: Clone> Once<T> {
    pub fn new() -> Self {
        Once {
            cells: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key`, read with `read` by whoever asks first.
    pub async fn get<F, Fut>(&self, key: &str, read: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            cells.entry(key.to_string()).or_default().clone()
        };
        cell.get_or_init(read).await.clone()
    }
}

impl<T: Clone> Default for Once<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads what every pair needs (with `--all`, first the integrations that name more pairs)
/// and builds the snapshot.
pub async fn pairs(
    setup: &Setup,
    plan: &Plan,
    source: &Account,
    target: &Account,
    callers: [Option<String>; 2],
    now: DateTime<Utc>,
) -> Result<Snapshot, CollectError> {
    let role_arn = |r: &String| {
        if r.starts_with("arn:") {
            r.clone()
        } else {
            format!("arn:{}:iam::{}:role/{}", target.partition, target.id, r)
        }
    };
    let mut given: Vec<Pair> = Vec::new();
    for p in &plan.pairs {
        let pair = Pair {
            source_table: format!(
                "arn:{}:dynamodb:{}:{}:table/{}",
                source.partition, source.region, source.id, p.table.name
            ),
            // An S3 Tables target is named by its catalog ARN everywhere (integration
            // TargetArn, resource and table properties), as offline snapshots key it.
            target_database: format!(
                "arn:{}:glue:{}:{}:{}/{}",
                target.partition,
                target.region,
                target.id,
                if p.s3_tables { "catalog" } else { "database" },
                p.database.name
            ),
            target_role: p.target_role.as_ref().map(role_arn),
            integration: p.integration.clone(),
        };
        if !given.contains(&pair) {
            given.push(pair);
        }
    }

    // Integrations: filtered by the table (database) when the setup names only one, else one
    // listing of the account kept to what concerns the pairs.
    let tables: BTreeSet<String> = given.iter().map(|p| p.source_table.clone()).collect();
    let databases: BTreeSet<String> = given.iter().map(|p| p.target_database.clone()).collect();
    let named: Vec<&str> = given
        .iter()
        .filter_map(|p| p.integration.as_deref())
        .collect();
    let only = |set: &BTreeSet<String>| {
        (!plan.all && set.len() == 1)
            .then(|| set.first().cloned())
            .flatten()
    };
    let (source_filter, target_filter) = (only(&tables), only(&databases));
    let keep = |i: &Integration| {
        tables.contains(&i.source_arn)
            || databases.contains(&i.target_arn)
            || named.contains(&i.integration_arn.as_str())
            || (plan.all && crate::pairs::between(i, &source.id, &target.id))
    };
    let lists = async {
        let (s, t) = futures::join!(
            glue::list_source_integrations(source, source_filter.as_deref(), &named),
            glue::list_target_integrations(target, target_filter.as_deref()),
        );
        (kept(s, keep), kept(t, keep))
    };

    let (pairs, read, (source_integrations, target_integrations)) = if plan.all {
        let (mut s, mut t) = lists.await;
        let mut pairs = given;
        let role = setup.fields.target_role.as_ref().map(role_arn);
        let found =
            crate::pairs::integration_pairs([&s, &t], &source.id, &target.id, role.as_deref());
        crate::pairs::extend(&mut pairs, found);
        if pairs.is_empty() {
            return Err(CollectError::Setup(format!(
                "--all found no integration from a DynamoDB table of account {} into a Glue \
                 target of account {}, and no pair is given (--source-table or [[pair]])",
                source.id, target.id
            )));
        }
        let ((), read) = futures::join!(
            integration_facts(source, target, &mut s, &mut t, now),
            read_all(&pairs, setup, source, target, &callers)
        );
        (pairs, read, (s, t))
    } else {
        // ZI006's metric and ZI009's logs need the integrations' ARNs: they are read as soon
        // as both lists are in, alongside the other reads, not after them.
        let integrations = async {
            let (mut s, mut t) = lists.await;
            integration_facts(source, target, &mut s, &mut t, now).await;
            (s, t)
        };
        // The longest chains first: a call waiting for a slot of the account's limit is
        // served in this order (see limit.rs).
        let (integrations, read) = futures::join!(
            integrations,
            read_all(&given, setup, source, target, &callers)
        );
        (given, read, integrations)
    };

    let [source_caller, target_caller] = callers;
    let mut snapshot = Snapshot::empty(
        now,
        Accounts {
            source: AccountFacts {
                id: source.id.clone(),
                region: source.region.clone(),
                caller_arn: source_caller,
            },
            target: AccountFacts {
                id: target.id.clone(),
                region: target.region.clone(),
                caller_arn: target_caller,
            },
        },
        SnapshotSetup {
            pairs,
            source_principal: setup.fields.source_principal.clone(),
            console_principal: setup.fields.console_principal.clone(),
            target_principal: setup.fields.target_principal.clone(),
        },
    );
    snapshot.tool_version = Some(env!("CARGO_PKG_VERSION").to_string());
    snapshot.integrations.source = source_integrations;
    snapshot.integrations.target = target_integrations;
    snapshot.probes = read.probes;
    snapshot.tables = read.tables;
    snapshot.kms_keys = read.keys;
    snapshot.principals = read.principals;
    snapshot
        .catalog_policies
        .insert(target.catalog_arn(), read.catalog_policy);
    snapshot
        .lake_formation
        .insert(target.id.clone(), read.lake_formation);
    for (arn, db) in read.databases {
        snapshot.databases.insert(arn.clone(), db.database);
        if let Some((name, bucket)) = db.bucket {
            snapshot.buckets.insert(name, bucket);
        }
        snapshot
            .resource_properties
            .insert(arn, db.resource_property);
        snapshot.kms_keys.extend(db.keys);
    }
    snapshot.table_properties = read.table_properties;
    Ok(snapshot)
}

/// Only the integrations `keep` wants (an unknown list stays unknown).
fn kept(
    list: Fact<BTreeMap<String, Integration>>,
    keep: impl Fn(&Integration) -> bool,
) -> Fact<BTreeMap<String, Integration>> {
    match list {
        Fact::Known(mut map) => {
            map.retain(|_, i| keep(i));
            Fact::Known(map)
        }
        unknown => unknown,
    }
}

/// Everything but the integrations, for every pair, each resource once.
struct Read {
    tables: BTreeMap<String, crate::snapshot::SourceTable>,
    keys: BTreeMap<String, crate::snapshot::KmsKey>,
    catalog_policy: Fact<Option<crate::snapshot::CatalogPolicy>>,
    lake_formation: Fact<crate::snapshot::LakeFormation>,
    databases: BTreeMap<String, super::DatabaseFacts>,
    table_properties:
        BTreeMap<String, BTreeMap<String, Fact<Option<crate::snapshot::TableProperties>>>>,
    principals: BTreeMap<String, Fact<Option<crate::snapshot::IamPrincipal>>>,
    probes: Vec<crate::snapshot::Probe>,
}

/// `table/NAME` of a table ARN; `(NAME, S3 Tables?)` of a database or S3 Tables catalog ARN.
fn table_name(arn: &str) -> &str {
    arn.rsplit_once(":table/").map_or(arn, |(_, n)| n)
}

fn target_name(arn: &str) -> (String, bool) {
    let resource = crate::arn::Arn::parse(arn).map_or(arn, |a| a.resource);
    match resource.strip_prefix("catalog/") {
        Some(catalog) => (catalog.to_string(), true),
        None => (
            resource
                .strip_prefix("database/")
                .unwrap_or(resource)
                .to_string(),
            false,
        ),
    }
}

async fn read_all(
    pairs: &[Pair],
    setup: &Setup,
    source: &Account,
    target: &Account,
    callers: &[Option<String>; 2],
) -> Read {
    let tables: BTreeSet<&str> = pairs.iter().map(|p| p.source_table.as_str()).collect();
    let databases: BTreeSet<&str> = pairs.iter().map(|p| p.target_database.as_str()).collect();
    let table_properties: BTreeSet<(&str, &str)> = pairs
        .iter()
        .map(|p| (p.target_database.as_str(), table_name(&p.source_table)))
        .collect();
    let principals: BTreeSet<String> = pairs
        .iter()
        .filter_map(|p| p.target_role.clone())
        .chain(
            [
                &setup.fields.source_principal,
                &setup.fields.console_principal,
                &setup.fields.target_principal,
            ]
            .into_iter()
            .flatten()
            .cloned(),
        )
        .collect();
    // Keys and buckets that several tables or databases name are read once per account.
    let (source_keys, target_keys, buckets) = (Once::new(), Once::new(), Once::new());

    let tables_side = futures::future::join_all(tables.iter().map(|arn| async {
        let facts = collect_source(source, table_name(arn), arn, &source_keys).await;
        (arn.to_string(), facts)
    }));
    let databases_side = futures::future::join_all(databases.iter().map(|arn| async {
        let (name, s3_tables) = target_name(arn);
        let facts = collect_database(target, &name, arn, s3_tables, &buckets, &target_keys).await;
        (arn.to_string(), facts)
    }));
    let table_properties_side =
        futures::future::join_all(table_properties.iter().map(|(db, table)| async move {
            let fact = glue::table_properties(target, db, table).await;
            (db.to_string(), table.to_string(), fact)
        }));
    let principals_side = futures::future::join_all(
        principals
            .iter()
            .map(|arn| collect_principal(arn, source, target)),
    );
    let probe_side = probes(
        setup.fields.console_principal.as_deref(),
        [
            (source, callers[0].as_deref()),
            (target, callers[1].as_deref()),
        ],
    );
    // The longest chains first (principals: role, policies, versions; databases: database,
    // bucket, key; tables: table, key), then the standalone reads.
    let (
        principals_read,
        databases_read,
        tables_read,
        catalog_policy,
        lake_formation,
        table_properties_read,
        probes,
    ) = futures::join!(
        principals_side,
        databases_side,
        tables_side,
        glue::catalog_policy(target),
        lakeformation::lake_formation(target),
        table_properties_side,
        probe_side,
    );

    let mut read = Read {
        tables: BTreeMap::new(),
        keys: BTreeMap::new(),
        catalog_policy,
        lake_formation,
        databases: BTreeMap::new(),
        table_properties: BTreeMap::new(),
        principals: principals.into_iter().zip(principals_read).collect(),
        probes,
    };
    for (arn, facts) in tables_read {
        read.tables.insert(arn, facts.table);
        read.keys.extend(facts.keys);
    }
    read.databases.extend(databases_read);
    for (db, table, fact) in table_properties_read {
        read.table_properties
            .entry(db)
            .or_default()
            .insert(table, fact);
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn once_reads_each_key_once() {
        let once: Once<usize> = Once::new();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let read = |v: usize| {
            let calls = &calls;
            move || async move {
                calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::task::yield_now().await;
                v
            }
        };
        let got = futures::future::join_all([
            once.get("a", read(1)),
            once.get("a", read(2)),
            once.get("b", read(3)),
        ])
        .await;
        assert_eq!(got, [1, 1, 3]);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn names_from_arns() {
        assert_eq!(
            table_name("arn:aws:dynamodb:us-east-1:1:table/orders"),
            "orders"
        );
        assert_eq!(
            target_name("arn:aws:glue:us-east-1:2:database/lake"),
            ("lake".to_string(), false)
        );
        assert_eq!(
            target_name("arn:aws:glue:us-east-1:2:catalog/s3tablescatalog/b"),
            ("s3tablescatalog/b".to_string(), true)
        );
    }
}
