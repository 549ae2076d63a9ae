//! The live [`Probe`]: reads the followed integrations with the collector's own functions
//! (`collect::glue`, `collect::cloudwatch`) and clients (read-only guard, retries, assumed
//! roles), the source table's exports (`watch::exports`), and runs the doctor — collector,
//! rules, human report with `-q` — for a pair that needs attention.
//!
//! Per poll and pair: the integration from DescribeIntegrations in the source account (by ARN
//! for `--integration`, else filtered by the table and matched to the database), or, when that
//! cannot be read, from DescribeInboundIntegrations in the target account; then, while it is
//! CREATING, ACTIVE or SYNCING, the source table's newest export since its CreateTime; and
//! while it is ACTIVE, its LastSyncTimestamp metric (target account).

use std::future::Future;

use chrono::{DateTime, Utc};

use super::exports;
use super::machine::{Observation, ACTIVE};
use super::run::Probe;
use crate::collect::accounts::{base_config, AccountOptions};
use crate::collect::actions::Side;
use crate::collect::clients::Account;
use crate::collect::guard::ReadOnlyGuard;
use crate::collect::plan::{ArnParts, Named, Plan};
use crate::collect::{self, cloudwatch, glue, CollectError, Reach};
use crate::report::{Format, RenderOptions};
use crate::rules::messages::sentence;
use crate::rules::runner::Settings;
use crate::rules::Catalog;
use crate::setup::Setup;
use crate::snapshot::{Fact, Integration, Unknown};

/// One followed pair as the reads know it; `--integration` fills in the table and database
/// from the integration's SourceArn and TargetArn at the first read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pair {
    pub table_arn: Option<String>,
    pub database_arn: Option<String>,
    pub integration_arn: Option<String>,
    /// Read by ARN (`--integration`); otherwise found from table -> database.
    pub explicit: bool,
}

/// What the doctor run for a pair that needs attention uses: the catalog and the doctor's
/// settings from the flags and zetl.toml.
#[derive(Debug, Clone)]
pub struct Doctor {
    pub catalog: &'static Catalog,
    pub settings: Settings,
    pub color: bool,
}

pub struct Live {
    rt: tokio::runtime::Runtime,
    source: Account,
    /// `None` until the target database is known (`--integration` alone).
    target: Option<Account>,
    pairs: Vec<Pair>,
    /// Profiles, roles, regions, endpoint (and the doctor's setup keys) for every pair.
    setup: Setup,
    guard: ReadOnlyGuard,
    doctor: Doctor,
}

impl Live {
    /// Reaches the accounts. What a pair names by flags is resolved now; the target of an
    /// `--integration` once its first read gave its TargetArn. Exit 3 (`NoAccess`) when the
    /// integrations cannot be read at all.
    pub fn connect(setup: &Setup, pairs: Vec<Pair>, doctor: Doctor) -> Result<Live, CollectError> {
        let rt = collect::runtime().map_err(CollectError::NoAccess)?;
        let guard = ReadOnlyGuard::new();
        let (source, target, pairs) = rt.block_on(connect(setup, pairs, &guard))?;
        Ok(Live {
            rt,
            source,
            target,
            pairs,
            setup: setup.clone(),
            guard,
            doctor,
        })
    }

    /// A probe over accounts already reached (tests: clients over aws-smithy-mocks).
    pub fn from_accounts(
        rt: tokio::runtime::Runtime,
        source: Account,
        target: Option<Account>,
        pairs: Vec<Pair>,
        setup: Setup,
        doctor: Doctor,
    ) -> Live {
        Live {
            rt,
            source,
            target,
            pairs,
            setup,
            guard: ReadOnlyGuard::new(),
            doctor,
        }
    }

    /// The pairs, with what the reads learned.
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// Reaches the target account once a pair names its database.
    fn ensure_target(&mut self) -> Result<(), CollectError> {
        if self.target.is_some() {
            return Ok(());
        }
        let Some(database) = self.pairs.iter().find_map(|p| p.database_arn.clone()) else {
            return Ok(());
        };
        let named = named_by_arn(&database);
        let target = self.rt.block_on(reach_side(
            &self.setup,
            Side::Target,
            &named,
            &self.guard,
            "the target database",
        ))?;
        self.target = Some(target);
        Ok(())
    }

    fn run_doctor(&mut self, i: usize, now: DateTime<Utc>) -> Result<String, String> {
        let pair = self.pairs[i].clone();
        let (Some(table), Some(database)) = (pair.table_arn, pair.database_arn) else {
            return Err(sentence("watch.diagnosis_no_pair", &[]));
        };
        self.ensure_target().map_err(|e| e.to_string())?;
        let target = self.target.as_ref().unwrap_or(&self.source);
        let mut setup = self.setup.clone();
        // The diagnosis is about this pair alone.
        setup.pairs.clear();
        setup.all = false;
        setup.fields.source_table = Some(table);
        setup.fields.target_database = Some(database);
        setup.fields.integration = pair.integration_arn;
        let plan = Plan::from_setup(&setup).map_err(|e| e.to_string())?;
        let reach = |a: &Account| Reach {
            clients: a.clients.clone(),
            region: Some(a.region.clone()),
            role: None,
            profile: None,
            endpoint: None,
            progress: a.progress.clone(),
        };
        let snapshot = self
            .rt
            .block_on(collect::collect_from(
                &setup,
                &plan,
                reach(&self.source),
                reach(target),
                now,
            ))
            .map_err(|e| e.to_string())?;
        let report = crate::rules::run(&snapshot, self.doctor.catalog, &self.doctor.settings);
        Ok(crate::report::render(
            &report,
            &self.doctor.catalog.summaries(),
            Format::Human,
            &RenderOptions {
                color: self.doctor.color,
                verbose: false,
                quiet: true,
                ..RenderOptions::default()
            },
        ))
    }
}

impl Probe for Live {
    fn observe(&mut self, which: &[usize], now: DateTime<Utc>) -> Vec<(usize, Observation)> {
        // A target that cannot be reached leaves its reads unread; the source still answers.
        let _ = self.ensure_target();
        let (source, target, pairs) = (&self.source, self.target.as_ref(), &self.pairs);
        let reads = futures::future::join_all(
            which
                .iter()
                .map(|&i| observe_pair(source, target, &pairs[i], now)),
        );
        let observations = self.rt.block_on(reads);
        for (&i, obs) in which.iter().zip(&observations) {
            if let Fact::Known(Some(integration)) = &obs.integration {
                let pair = &mut self.pairs[i];
                pair.table_arn = Some(integration.source_arn.clone());
                pair.database_arn = Some(integration.target_arn.clone());
                pair.integration_arn = Some(integration.integration_arn.clone());
            }
        }
        which.iter().copied().zip(observations).collect()
    }

    fn diagnose(&mut self, i: usize, now: DateTime<Utc>) -> Result<String, String> {
        self.run_doctor(i, now)
    }
}

/// One poll of one pair.
pub async fn observe_pair(
    source: &Account,
    target: Option<&Account>,
    pair: &Pair,
    now: DateTime<Utc>,
) -> Observation {
    let integration = read_integration(source, target, pair).await;
    let Fact::Known(Some(found)) = &integration else {
        return Observation {
            integration,
            export: None,
            last_sync: None,
        };
    };
    let status = found.status.as_str();
    let last_sync = optional(status == ACTIVE && target.is_some(), || async {
        match target {
            Some(t) => cloudwatch::last_sync(t, &found.integration_arn, now).await,
            None => Fact::Known(None),
        }
    });
    let export = optional(["CREATING", ACTIVE, "SYNCING"].contains(&status), || {
        exports::newest(source, &found.source_arn, found.create_time)
    });
    let (last_sync, export) = futures::join!(last_sync, export);
    Observation {
        integration,
        export,
        last_sync,
    }
}

async fn optional<T, F, Fut>(read: bool, f: F) -> Option<T>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    if read {
        Some(f().await)
    } else {
        None
    }
}

/// The pair's integration: from the source account, else from the target account's inbound
/// view. `Known(None)`: none.
async fn read_integration(
    source: &Account,
    target: Option<&Account>,
    pair: &Pair,
) -> Fact<Option<Integration>> {
    let wanted = |i: &Integration| match (&pair.integration_arn, pair.explicit) {
        (Some(arn), true) => &i.integration_arn == arn,
        _ => {
            pair.table_arn.as_ref() == Some(&i.source_arn)
                && pair.database_arn.as_ref() == Some(&i.target_arn)
        }
    };
    let from_source = match (&pair.integration_arn, pair.explicit, &pair.table_arn) {
        (Some(arn), true, _) => glue::named_integration(source, arn).await,
        (_, false, Some(table)) => glue::source_integrations(source, table, None)
            .await
            .map(|all| newest(all.into_values().filter(|i| wanted(i)))),
        _ => Fact::Unknown(Unknown::not_collected(sentence(
            "watch.nothing_to_read",
            &[],
        ))),
    };
    if from_source.unknown().is_none() {
        return from_source;
    }
    match (target, &pair.database_arn) {
        (Some(target), Some(database)) => match glue::target_integrations(target, database).await {
            Fact::Known(all) => Fact::Known(newest(all.into_values().filter(|i| wanted(i)))),
            Fact::Unknown(_) => from_source,
        },
        _ => from_source,
    }
}

/// A pair normally has one integration; if there are several, the newest is followed.
fn newest(found: impl Iterator<Item = Integration>) -> Option<Integration> {
    found.max_by(|a, b| {
        a.create_time
            .cmp(&b.create_time)
            .then_with(|| a.integration_arn.cmp(&b.integration_arn))
    })
}

/// Reaches both accounts and completes the pairs' ARNs (as the collector names them).
async fn connect(
    setup: &Setup,
    mut pairs: Vec<Pair>,
    guard: &ReadOnlyGuard,
) -> Result<(Account, Option<Account>, Vec<Pair>), CollectError> {
    if let Some(arn) = pairs
        .iter()
        .find(|p| p.explicit)
        .and_then(|p| p.integration_arn.clone())
    {
        // The integration lives in the source account: its ARN fixes account and region.
        let source = reach_side(
            setup,
            Side::Source,
            &named_by_arn(&arn),
            guard,
            "the integration",
        )
        .await?;
        if let Some(down) = &source.down {
            return Err(CollectError::NoAccess(source_unreachable(down)));
        }
        // Its TargetArn names the target account: reached now, so the first poll can read
        // the metric too. If this read fails, the polls try again.
        let mut target = None;
        if let Fact::Known(Some(found)) = glue::named_integration(&source, &arn).await {
            for pair in pairs.iter_mut().filter(|p| p.explicit) {
                pair.table_arn = Some(found.source_arn.clone());
                pair.database_arn = Some(found.target_arn.clone());
            }
            let named = named_by_arn(&found.target_arn);
            target = reach_side(setup, Side::Target, &named, guard, "the target database")
                .await
                .ok();
        }
        return Ok((source, target, pairs));
    }
    let plan = Plan::from_setup(setup)?;
    let (source, target) = futures::join!(
        reach_side(setup, Side::Source, &plan.table, guard, "the source table"),
        reach_side(
            setup,
            Side::Target,
            &plan.database,
            guard,
            "the target database"
        ),
    );
    let (source, target) = (source?, target?);
    if let (Some(down), Some(_)) = (&source.down, &target.down) {
        return Err(CollectError::NoAccess(source_unreachable(down)));
    }
    // The pairs follow the setup's, in order (the plan's first when there are fewer).
    for (i, pair) in pairs.iter_mut().enumerate() {
        let planned = plan.pairs.get(i);
        let (table, database) = match planned {
            Some(p) => (&p.table, &p.database),
            None => (&plan.table, &plan.database),
        };
        let s3_tables = planned.map_or(plan.s3_tables, |p| p.s3_tables);
        pair.table_arn.get_or_insert_with(|| {
            format!(
                "arn:{}:dynamodb:{}:{}:table/{}",
                source.partition, source.region, source.id, table.name
            )
        });
        pair.database_arn.get_or_insert_with(|| {
            format!(
                "arn:{}:glue:{}:{}:{}/{}",
                target.partition,
                target.region,
                target.id,
                if s3_tables { "catalog" } else { "database" },
                database.name
            )
        });
    }
    Ok((source, Some(target), pairs))
}

fn source_unreachable(down: &Unknown) -> String {
    sentence(
        "watch.source_unreachable",
        &[("detail", &super::machine::why(down))],
    )
}

/// One account: its configuration, the role to assume, who the caller is.
async fn reach_side(
    setup: &Setup,
    side: Side,
    named: &Named,
    guard: &ReadOnlyGuard,
    what: &str,
) -> Result<Account, CollectError> {
    let options =
        AccountOptions::for_side(setup, side, named.arn.as_ref().map(|a| a.region.as_str()));
    let conf = base_config(&options).await;
    let reach = Reach::new(
        &conf,
        &options,
        guard,
        &crate::collect::progress::Reporter::silent(),
    );
    collect::resolve(side, named, reach, what)
        .await
        .map(|(account, _caller)| account)
}

/// What an ARN fixes of its account: partition, region, account id.
fn named_by_arn(arn: &str) -> Named {
    let arn = crate::arn::Arn::parse(arn).map(|p| ArnParts {
        partition: p.partition.to_string(),
        region: p.region.to_string(),
        account: p.account.to_string(),
    });
    Named {
        name: String::new(),
        arn,
    }
}
