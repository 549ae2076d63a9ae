//! Live collection: the only code that talks to AWS. Fills a `Snapshot` from both accounts
//! concurrently, one module per service; every fact it cannot read becomes
//! `Fact::Unknown` with the reason (and the IAM action when the doctor was denied), so one
//! failing call never aborts the run. Only "could not reach either account" (or credentials
//! for the wrong account) is an error: `CollectError`, exit 3.

pub mod accounts;
pub use crate::permissions as actions;
pub mod advice;
pub mod call;
pub mod cause;
pub mod clients;
pub mod cloudwatch;
pub mod dynamodb;
pub mod glue;
pub mod guard;
pub mod iam;
pub mod kms;
pub mod lakeformation;
pub mod limit;
pub mod logs;
pub mod plan;
pub mod probe;
pub mod progress;
pub mod read;
pub mod s3;
pub mod sts;

#[cfg(test)]
pub(crate) mod mock_tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::rules::messages::sentence;
use crate::setup::Setup;
use crate::snapshot::{Fact, Snapshot, Unknown, UnknownReason};
use accounts::{base_config, AccountOptions};
use actions::Side;
use advice::Context;
use call::CallError;
use clients::{Account, Clients};
use guard::ReadOnlyGuard;
use plan::Plan;
use progress::Reporter;

/// Why nothing could be collected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectError {
    /// The setup does not say what to read (exit 2).
    #[error("{0}")]
    Setup(String),
    /// Neither account could be read, or credentials are for the wrong account (exit 3).
    #[error("{0}")]
    NoAccess(String),
}

impl CollectError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CollectError::Setup(_) => 2,
            CollectError::NoAccess(_) => 3,
        }
    }
}

/// Reads both accounts live.
pub async fn collect(setup: &Setup, now: DateTime<Utc>) -> Result<Snapshot, CollectError> {
    collect_guarded(setup, now, &ReadOnlyGuard::new()).await
}

/// The tokio runtime synchronous callers (doctor, fix) run AWS calls on.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// `collect` for synchronous callers: runs it on its own tokio runtime.
pub fn collect_blocking(setup: &Setup, now: DateTime<Utc>) -> Result<Snapshot, CollectError> {
    collect_blocking_with(setup, now, Reporter::silent())
}

/// `collect_blocking` telling `progress` what it reads.
pub fn collect_blocking_with(
    setup: &Setup,
    now: DateTime<Utc>,
    progress: Reporter,
) -> Result<Snapshot, CollectError> {
    runtime()
        .map_err(CollectError::NoAccess)?
        .block_on(collect_with(setup, now, &ReadOnlyGuard::new(), progress))
}

/// `collect` with a caller-supplied guard, so tests can see every operation that was sent.
pub async fn collect_guarded(
    setup: &Setup,
    now: DateTime<Utc>,
    guard: &ReadOnlyGuard,
) -> Result<Snapshot, CollectError> {
    collect_with(setup, now, guard, Reporter::silent()).await
}

/// `collect_guarded` telling `progress` what it reads.
pub async fn collect_with(
    setup: &Setup,
    now: DateTime<Utc>,
    guard: &ReadOnlyGuard,
    progress: Reporter,
) -> Result<Snapshot, CollectError> {
    let plan = Plan::from_setup(setup)?;
    let src_opts = AccountOptions::for_side(
        setup,
        Side::Source,
        plan.table.arn.as_ref().map(|a| a.region.as_str()),
    );
    let tgt_opts = AccountOptions::for_side(
        setup,
        Side::Target,
        plan.database.arn.as_ref().map(|a| a.region.as_str()),
    );
    let (src_conf, tgt_conf) = futures::join!(base_config(&src_opts), base_config(&tgt_opts));
    let concurrency = setup.concurrency.unwrap_or(limit::DEFAULT_CONCURRENCY);
    let mut source = Reach::new(&src_conf, &src_opts, guard, &progress);
    let mut target = Reach::new(&tgt_conf, &tgt_opts, guard, &progress);
    source.clients = source.clients.limited(concurrency);
    target.clients = target.clients.limited(concurrency);
    collect_from(setup, &plan, source, target, now).await
}

/// The clients of one side before its account is known.
pub struct Reach {
    /// Signing with the base credentials (profile or AWS chain).
    pub clients: Clients,
    /// The configured region (ARN, flags, then the AWS chain).
    pub region: Option<String>,
    /// `--<side>-role-arn`: assumed first; its credentials then sign every read.
    pub role: Option<RoleToAssume>,
    /// The profile in use, for advice when the credentials fail (flags, else AWS_PROFILE).
    pub profile: Option<String>,
    /// Where the calls go when not to AWS (flag or AWS_ENDPOINT_URL[_STS]), for advice.
    pub endpoint: Option<String>,
    /// Told about every call.
    pub progress: Reporter,
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Reach {
    /// One side's clients from its configuration, with the role to assume when one is given.
    pub fn new(
        conf: &aws_config::SdkConfig,
        opts: &AccountOptions,
        guard: &ReadOnlyGuard,
        progress: &Reporter,
    ) -> Reach {
        Reach {
            clients: Clients::from_config(conf, opts.s3_path_style(), guard),
            region: conf.region().map(|r| r.to_string()),
            role: opts.role_arn.clone().map(|arn| RoleToAssume {
                arn,
                external_id: opts.external_id.clone(),
            }),
            profile: opts.profile.clone().or_else(|| env_value("AWS_PROFILE")),
            endpoint: opts
                .endpoint_url
                .clone()
                .or_else(|| env_value("AWS_ENDPOINT_URL_STS"))
                .or_else(|| env_value("AWS_ENDPOINT_URL")),
            progress: progress.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleToAssume {
    pub arn: String,
    pub external_id: Option<String>,
}

/// Resolves both accounts (AssumeRole or GetCallerIdentity) and reads everything, each read
/// as soon as what it depends on is known.
pub async fn collect_from(
    setup: &Setup,
    plan: &Plan,
    source: Reach,
    target: Reach,
    now: DateTime<Utc>,
) -> Result<Snapshot, CollectError> {
    let (source_table, target_database) = (
        sentence("error.what_source_table", &[]),
        sentence("error.what_target_database", &[]),
    );
    let (source, target) = futures::join!(
        resolve(Side::Source, &plan.table, source, &source_table),
        resolve(Side::Target, &plan.database, target, &target_database),
    );
    let (source, source_caller) = source?;
    let (target, target_caller) = target?;
    if let (Some(s), Some(t)) = (&source.down, &target.down) {
        let line = |u: &Unknown| u.message.clone().unwrap_or_default();
        return Err(CollectError::NoAccess(run_error(
            &sentence("error.either_account", &[]),
            &[line(s), line(t)],
        )));
    }

    read::pairs(
        setup,
        plan,
        &source,
        &target,
        [source_caller, target_caller],
        now,
    )
    .await
}

/// ZP004: when the credentials in use for an account are the console principal, probe
/// Redshift Serverless with them (once, even when both sides use the same credentials).
async fn probes(
    console: Option<&str>,
    sides: [(&Account, Option<&str>); 2],
) -> Vec<crate::snapshot::Probe> {
    let Some(console) = console else {
        return Vec::new();
    };
    let found = sides.into_iter().find_map(|(account, caller)| {
        caller
            .filter(|c| probe::caller_is(c, console))
            .map(|c| (account, c))
    });
    match found {
        Some((account, caller)) => probe::redshift_serverless(account, caller).await,
        None => Vec::new(),
    }
}

/// What needs the integrations' ARNs, read as soon as both lists are in and alongside the
/// other reads: ZI006's metric and ZI009's log streams.
async fn integration_facts(
    source: &Account,
    target: &Account,
    source_side: &mut Fact<BTreeMap<String, crate::snapshot::Integration>>,
    target_side: &mut Fact<BTreeMap<String, crate::snapshot::Integration>>,
    now: DateTime<Utc>,
) {
    let wanted = logs::every(source_side, target_side);
    let ((), logged) = futures::join!(
        last_sync(target, source_side, target_side, now),
        logs::read(source, target, wanted, now),
    );
    logs::attach(source_side, target_side, logged);
}

/// ZI006: the LastSyncTimestamp metric (target account) of every integration found, on
/// both sides' copies. Nothing is read when there is no integration.
async fn last_sync(
    target: &Account,
    source_side: &mut Fact<BTreeMap<String, crate::snapshot::Integration>>,
    target_side: &mut Fact<BTreeMap<String, crate::snapshot::Integration>>,
    now: DateTime<Utc>,
) {
    let mut arns: Vec<String> = [&*source_side, &*target_side]
        .into_iter()
        .filter_map(|f| f.known())
        .flat_map(|m| m.keys().cloned())
        .collect();
    arns.sort();
    arns.dedup();
    let reads = cloudwatch::last_syncs(target, &arns, now).await;
    for (arn, fact) in arns.iter().zip(reads) {
        for side in [&mut *source_side, &mut *target_side] {
            if let Fact::Known(map) = side {
                if let Some(i) = map.get_mut(arn) {
                    i.last_sync = Some(fact.clone());
                }
            }
        }
    }
}

/// Settles who the doctor is in one side's account (the AssumeRole answer when a role is
/// given, else GetCallerIdentity: one round either way), its id, region and partition. An
/// account that cannot be reached is `down` (its facts unknown, with one line saying why
/// and what to do) when its resource ARN names it; otherwise nothing can go on.
pub async fn resolve(
    side: Side,
    named: &plan::Named,
    reach: Reach,
    what: &str,
) -> Result<(Account, Option<String>), CollectError> {
    let arn_account = named.arn.as_ref().map(|a| a.account.clone());
    let ctx = Context {
        side,
        account: arn_account.as_deref(),
        profile: reach.profile.as_deref(),
        role: reach.role.as_ref().map(|r| r.arn.as_str()),
        endpoint: reach.endpoint.as_deref(),
    };
    // Checked before any call: without a region the SDK cannot even name the endpoint.
    let region = named
        .arn
        .as_ref()
        .map(|a| a.region.clone())
        .or(reach.region.clone())
        .ok_or_else(|| {
            let flag = format!("--{}-region", side.name());
            let problem = sentence("error.no_region", &[("what", what), ("region_flag", &flag)]);
            CollectError::Setup(on_account(&ctx, &problem))
        })?;
    let mut account = Account {
        clients: reach.clients,
        side,
        id: arn_account.clone().unwrap_or_default(),
        region,
        partition: named
            .arn
            .as_ref()
            .map(|a| a.partition.clone())
            .unwrap_or_else(|| "aws".to_string()),
        down: None,
        progress: reach.progress,
    };
    let identity = match &reach.role {
        Some(role) => {
            let assumed = sts::assume_role(&account, &role.arn, role.external_id.as_deref()).await;
            assumed.map(|(who, credentials)| {
                account.clients = account.clients.with_credentials(&credentials);
                who
            })
        }
        None => sts::caller_identity(&account).await,
    };
    let (id, caller) = match (&identity, arn_account.clone()) {
        (Ok(who), Some(expected)) if who.account != expected => {
            return Err(CollectError::NoAccess(sts::account_mismatch(
                side, &expected, what, who,
            )));
        }
        (Ok(who), _) => (who.account.clone(), Some(who.arn.clone())),
        (Err(e), Some(expected)) => {
            account.down = Some(down(e, &ctx));
            (expected, None)
        }
        (Err(e), None) => {
            let line = down(e, &ctx).message.unwrap_or_default();
            let needs = sentence("error.needs_account", &[("what", what)]);
            return Err(CollectError::NoAccess(run_error(&line, &[needs])));
        }
    };
    account.id = id;
    Ok((account, caller))
}

/// The fact every call of an unreachable account records: the line saying why and what to
/// do (with `--debug`, followed by the SDK's error).
fn down(e: &CallError, ctx: &Context) -> Unknown {
    let line = advice::line(&e.cause, ctx);
    let message = match &e.unknown.message {
        Some(detail) if crate::debug::enabled() && *detail != line => {
            sentence("error.debug_detail", &[("line", &line), ("detail", detail)])
        }
        _ => line,
    };
    let reason = match &e.unknown.reason {
        r @ (UnknownReason::EndpointError | UnknownReason::Throttled) => r.clone(),
        _ => UnknownReason::NoCredentials,
    };
    Unknown {
        reason,
        action: None,
        message: Some(message),
    }
}

fn on_account(ctx: &Context, problem: &str) -> String {
    let account = advice::account_label(ctx.side, ctx.account);
    sentence(
        "error.on_account",
        &[("account", &account), ("problem", problem)],
    )
}

/// A run-level error: a headline, then indented lines, then how to see the SDK's errors.
fn run_error(headline: &str, lines: &[String]) -> String {
    let mut out = headline.to_string();
    for line in lines {
        out.push_str("\n  ");
        out.push_str(line);
    }
    if !crate::debug::enabled() {
        out.push_str("\n  ");
        out.push_str(&sentence("error.debug_hint", &[]));
    }
    out
}

struct SourceFacts {
    table: crate::snapshot::SourceTable,
    keys: Vec<(String, crate::snapshot::KmsKey)>,
}

async fn collect_source(
    account: &Account,
    table_name: &str,
    table_arn: &str,
    keys: &read::Once<(String, crate::snapshot::KmsKey)>,
) -> SourceFacts {
    // The table's key is read as soon as DescribeTable named it (once, if tables share it).
    let (table, key) = dynamodb::source_table_then(account, table_name, table_arn, |d| {
        let key_arn = d
            .known()
            .and_then(|d| d.as_ref())
            .and_then(|d| d.sse_description.as_ref())
            .and_then(|s| s.kms_master_key_arn.clone());
        async move {
            match key_arn {
                Some(arn) => Some(keys.get(&arn, || kms::key(account, &arn)).await),
                None => None,
            }
        }
    })
    .await;
    SourceFacts {
        table,
        keys: key.into_iter().collect(),
    }
}

/// What one target database (or S3 Tables catalog) holds: the database, its bucket, its
/// integration resource property, and their keys.
struct DatabaseFacts {
    database: Fact<Option<crate::snapshot::Database>>,
    bucket: Option<(String, crate::snapshot::Bucket)>,
    resource_property: Fact<Option<crate::snapshot::ResourceProperty>>,
    keys: Vec<(String, crate::snapshot::KmsKey)>,
}

async fn collect_database(
    account: &Account,
    database_name: &str,
    database_arn: &str,
    s3_tables: bool,
    buckets: &read::Once<crate::snapshot::Bucket>,
    keys: &read::Once<(String, crate::snapshot::KmsKey)>,
) -> DatabaseFacts {
    // The bucket depends on the database's location, the bucket key on the bucket. An S3
    // Tables target has no general-purpose bucket: its catalog stands for the database and
    // the bucket facts stay out of the snapshot (the rules skip them, as offline). Databases
    // that share a bucket or a key read it once.
    let database_then_bucket = async {
        if s3_tables {
            return (
                glue::s3_tables_catalog(account, database_name).await,
                None,
                None,
            );
        }
        let database = glue::database(account, database_name).await;
        let bucket_name = database
            .known()
            .and_then(|d| d.as_ref())
            .and_then(|d| d.location_uri.as_deref())
            .and_then(s3::bucket_of);
        let bucket = match bucket_name {
            Some(name) => Some((
                name.clone(),
                buckets.get(&name, || s3::bucket(account, &name)).await,
            )),
            None => None,
        };
        let key_ref = bucket
            .as_ref()
            .and_then(|(_, b)| b.encryption.known().cloned().flatten())
            .filter(|e| e.sse_algorithm.starts_with("aws:kms"))
            .and_then(|e| e.kms_master_key_id);
        let key = match key_ref {
            Some(k) => Some(keys.get(&k, || kms::key(account, &k)).await),
            None => None,
        };
        (database, bucket, key)
    };
    let property_then_key = async {
        let property = glue::resource_property(account, database_arn).await;
        let key_ref = property
            .known()
            .and_then(|p| p.as_ref())
            .and_then(|p| p.kms_arn.clone());
        let key = match key_ref {
            Some(k) => Some(keys.get(&k, || kms::key(account, &k)).await),
            None => None,
        };
        (property, key)
    };
    let ((database, bucket, bucket_key), (resource_property, property_key)) =
        futures::join!(database_then_bucket, property_then_key);
    DatabaseFacts {
        database,
        bucket,
        resource_property,
        keys: bucket_key.into_iter().chain(property_key).collect(),
    }
}

/// Reads a principal in whichever of the two accounts owns it.
async fn collect_principal(
    arn: &str,
    source: &Account,
    target: &Account,
) -> Fact<Option<crate::snapshot::IamPrincipal>> {
    let Some(who) = iam::parse_principal(arn) else {
        return Fact::Unknown(Unknown {
            reason: UnknownReason::NotCollected,
            action: None,
            message: Some(format!("{arn} is not an IAM role or user ARN")),
        });
    };
    let account = if who.account == target.id {
        target
    } else if who.account == source.id {
        source
    } else {
        return Fact::Unknown(Unknown {
            reason: UnknownReason::NotCollected,
            action: None,
            message: Some(format!(
                "{arn} is in account {}, neither the source ({}) nor the target ({}) account",
                who.account, source.id, target.id
            )),
        });
    };
    iam::principal(account, &who).await
}
