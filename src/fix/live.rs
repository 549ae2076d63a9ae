//! Applying a plan to the accounts. Every write is guarded so a concurrent edit is never
//! overwritten:
//!
//! - before each write the document is read again and compared with what the plan was made
//!   from; a difference stops the run (`Conflict`, nothing written);
//! - the write itself carries the service's condition where there is one: DynamoDB
//!   `ExpectedRevisionId` (`NO_POLICY` when none existed), Glue `PolicyHashCondition` or
//!   `PolicyExistsCondition`. IAM has no such condition: there the re-read is the guard.

use serde_json::Value;

use super::change::{pitr_content, resource_property_content, Change, Target};
use crate::collect::accounts::{sdk_config, AccountOptions};
use crate::collect::call::{call, CallError};
use crate::collect::clients::{Account, Clients};
use crate::collect::guard::ReadOnlyGuard;
use crate::collect::limit::DEFAULT_CONCURRENCY;
use crate::collect::plan::{Named, Plan};
use crate::collect::progress::Reporter;
use crate::collect::{dynamodb, glue, iam};
use crate::permissions::Side;
use crate::policy_edit::command::name_from_arn;
use crate::setup::Setup;
use crate::snapshot::{PitrStatus, PrincipalKind, Snapshot, Unknown, UnknownReason};

/// One account as `zetl fix --apply` reaches it. Every call, read or write, is a
/// `collect::call::call` of `account`: it takes a slot of the account's request limit and a
/// failure is classified as the collector classifies its own.
#[derive(Debug, Clone)]
pub struct Writer {
    /// The account as the collector sees it: the re-reads are the collector's own reads, with
    /// its read-only clients and progress reporter.
    pub account: Account,
    /// The write clients (no read-only guard: `zetl fix --apply` writes).
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub glue: aws_sdk_glue::Client,
    pub iam: aws_sdk_iam::Client,
}

impl Writer {
    /// Both accounts' writers, reached like the collector reaches them (profiles, assumed
    /// roles, endpoint, `--concurrency`), in the regions the snapshot found. Nothing is
    /// reported as progress: the command logs each write itself.
    pub async fn connect(setup: &Setup, snapshot: &Snapshot) -> (Writer, Writer) {
        // Each side's partition, as the collector takes it: from its resource ARN.
        let plan = Plan::from_setup(setup).ok();
        futures::join!(
            Writer::reach(
                setup,
                Side::Source,
                &snapshot.accounts.source,
                plan.as_ref().map(|p| &p.table)
            ),
            Writer::reach(
                setup,
                Side::Target,
                &snapshot.accounts.target,
                plan.as_ref().map(|p| &p.database)
            ),
        )
    }

    async fn reach(
        setup: &Setup,
        side: Side,
        known: &crate::snapshot::Account,
        named: Option<&Named>,
    ) -> Writer {
        let options = AccountOptions::for_side(setup, side, Some(&known.region));
        let conf = sdk_config(&options).await;
        let clients = Clients::from_config(&conf, options.s3_path_style(), &ReadOnlyGuard::new())
            .limited(setup.concurrency.unwrap_or(DEFAULT_CONCURRENCY));
        Writer {
            account: Account {
                clients,
                side,
                id: known.id.clone(),
                region: known.region.clone(),
                partition: named
                    .and_then(|n| n.arn.as_ref())
                    .map_or_else(|| "aws".to_string(), |a| a.partition.clone()),
                down: None,
                progress: Reporter::silent(),
            },
            dynamodb: aws_sdk_dynamodb::Client::new(&conf),
            glue: aws_sdk_glue::Client::new(&conf),
            iam: aws_sdk_iam::Client::new(&conf),
        }
    }
}

pub use super::Applied;

/// Applies the changes in order; stops at the first conflict (the rest were planned from the
/// same, now stale, reading).
pub async fn apply(
    changes: &[Change],
    source: &Writer,
    target: &Writer,
    original: &Snapshot,
) -> Vec<Applied> {
    apply_reporting(changes, source, target, original, &|_, _| {}).await
}

/// `apply`, calling `on_write(i, change)` just before the `i`-th change's write is sent (after
/// its re-read found the document unchanged), so the command can log each write as it happens.
pub async fn apply_reporting(
    changes: &[Change],
    source: &Writer,
    target: &Writer,
    original: &Snapshot,
    on_write: &dyn Fn(usize, &Change),
) -> Vec<Applied> {
    let mut out = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let writer = match change.account {
            super::Account::Source => source,
            super::Account::Target => target,
        };
        let result = apply_one(writer, change, original, || on_write(i, change)).await;
        let stop = matches!(result, Applied::Conflict(_));
        out.push(result);
        if stop {
            break;
        }
    }
    out
}

async fn apply_one(
    w: &Writer,
    change: &Change,
    original: &Snapshot,
    writing: impl FnOnce(),
) -> Applied {
    let now = match read(&w.account, &change.target).await {
        Ok(now) => now,
        Err(unknown) => return failed(unknown),
    };
    if now.content != change.before {
        return Applied::Conflict(format!(
            "the {} changed since it was read; nothing was written. Run `zetl fix` again to plan against the new content.",
            change.target.describe()
        ));
    }
    writing();
    let result = write(w, change, original, now.token).await;
    match result {
        Ok(()) => Applied::Done,
        Err(e) if is_condition_failure(&change.target, &e) => Applied::Conflict(format!(
            "the {} changed while it was being written ({}); nothing was overwritten. Run `zetl fix` again.",
            change.target.describe(),
            e.code.as_deref().unwrap_or("condition failed")
        )),
        Err(e) => failed(e.unknown),
    }
}

/// A call that failed, as the collector classified it: its message (the service's own, or for
/// a call that got no answer one sentence with the next step; the SDK's error with
/// `--debug`), and the action the credentials lack when the service denied it.
fn failed(unknown: Unknown) -> Applied {
    Applied::Failed {
        missing_action: unknown
            .action
            .filter(|_| unknown.reason == UnknownReason::AccessDenied),
        message: unknown.message.unwrap_or_default(),
    }
}

/// The service's answer when its write condition does not hold.
fn is_condition_failure(target: &Target, e: &CallError) -> bool {
    let message = e.unknown.message.as_deref().unwrap_or_default();
    match target {
        // ExpectedRevisionId mismatch (or NO_POLICY while one exists).
        Target::TablePolicy { .. } => e.is(&["PolicyNotFoundException"]),
        Target::CatalogPolicy { .. } => {
            e.is(&["ConditionCheckFailureException", "ConcurrentModificationException"])
                // moto answers a failed PolicyExistsCondition this way.
                || (e.is(&["ResourceNumberLimitExceededException"])
                    && (message.contains("already exists") || message.contains("does not exist")))
        }
        Target::ResourceProperty { .. } => e.is(&["ConflictException", "AlreadyExistsException"]),
        _ => false,
    }
}

/// What a target holds now, and the service's concurrency token for it.
struct Reading {
    content: Option<Value>,
    token: Option<String>,
}

/// Reads a target again with the collector's own reads, so the document compares with the
/// plan's `before` (which the collector read the same way).
async fn read(account: &Account, target: &Target) -> Result<Reading, Unknown> {
    let content = |content| Reading {
        content,
        token: None,
    };
    Ok(match target {
        Target::TablePolicy { table_arn } => {
            let policy = dynamodb::table_policy(account, table_arn)
                .await
                .into_result()?;
            Reading {
                token: policy.as_ref().and_then(|p| p.revision_id.clone()),
                content: policy.map(|p| p.policy.to_value()),
            }
        }
        Target::CatalogPolicy { .. } => {
            let policy = glue::catalog_policy(account).await.into_result()?;
            Reading {
                token: policy.as_ref().and_then(|p| p.policy_hash.clone()),
                content: policy.map(|p| p.policy.to_value()),
            }
        }
        Target::TrustPolicy { role_arn } => content(
            iam::trust_policy(account, name_from_arn(role_arn))
                .await
                .map_err(|e| e.unknown)?
                .map(|p| p.to_value()),
        ),
        Target::InlinePolicy {
            principal_arn,
            principal_kind,
            policy_name,
        } => content(
            iam::inline_policy(
                account,
                *principal_kind,
                name_from_arn(principal_arn),
                policy_name,
            )
            .await
            .map_err(|e| e.unknown)?
            .map(|p| p.to_value()),
        ),
        Target::PointInTimeRecovery { table_arn } => {
            let (status, _) = dynamodb::continuous_backups(account, table_arn)
                .await
                .map_err(|e| e.unknown)?;
            content(Some(pitr_content(status == PitrStatus::Enabled)))
        }
        Target::ResourceProperty { resource_arn } => content(
            glue::resource_property(account, resource_arn)
                .await
                .into_result()?
                .map(|p| resource_property_content(p.role_arn.as_deref())),
        ),
    })
}

/// Sends the change's write, guarded by the service's condition where there is one, as a
/// call of the account (its request limit, the collector's classification of a failure).
async fn write(
    w: &Writer,
    change: &Change,
    original: &Snapshot,
    token: Option<String>,
) -> Result<(), CallError> {
    let account = &w.account;
    let action = change.target.write_action(change.before.is_some());
    let document = || serde_json::to_string(&change.after).unwrap_or_default();
    match &change.target {
        Target::TablePolicy { table_arn } => {
            // The revision the plan was made from; NO_POLICY makes the put fail if a policy
            // appeared meanwhile.
            // The token the check read (carried by the plan), else the plan's snapshot's.
            let expected = match &change.before {
                None => Some("NO_POLICY".to_string()),
                Some(_) => change
                    .token
                    .clone()
                    .or_else(|| {
                        original
                            .tables
                            .get(table_arn)
                            .and_then(|t| t.resource_policy.known())
                            .and_then(|p| p.as_ref())
                            .and_then(|p| p.revision_id.clone())
                    })
                    .or(token),
            };
            let put = w
                .dynamodb
                .put_resource_policy()
                .resource_arn(table_arn)
                .policy(document())
                .set_expected_revision_id(expected);
            call(account, action, || put.send()).await.map(drop)
        }
        Target::CatalogPolicy {
            catalog_arn,
            enable_hybrid,
        } => {
            use aws_sdk_glue::types::{EnableHybridValues, ExistCondition};
            let hash = change
                .token
                .clone()
                .or_else(|| {
                    original
                        .catalog_policies
                        .get(catalog_arn)
                        .and_then(|f| f.known())
                        .and_then(|p| p.as_ref())
                        .and_then(|p| p.policy_hash.clone())
                })
                .or(token);
            let mut put = w.glue.put_resource_policy().policy_in_json(document());
            put = match (&change.before, hash) {
                (None, _) => put.policy_exists_condition(ExistCondition::NotExist),
                (Some(_), Some(h)) => put
                    .policy_hash_condition(h)
                    .policy_exists_condition(ExistCondition::MustExist),
                (Some(_), None) => put.policy_exists_condition(ExistCondition::MustExist),
            };
            if *enable_hybrid {
                put = put.enable_hybrid(EnableHybridValues::True);
            }
            call(account, action, || put.send()).await.map(drop)
        }
        Target::TrustPolicy { role_arn } => {
            let put = w
                .iam
                .update_assume_role_policy()
                .role_name(name_from_arn(role_arn))
                .policy_document(document());
            call(account, action, || put.send()).await.map(drop)
        }
        Target::InlinePolicy {
            principal_arn,
            principal_kind: PrincipalKind::Role,
            policy_name,
        } => {
            let put = w
                .iam
                .put_role_policy()
                .role_name(name_from_arn(principal_arn))
                .policy_name(policy_name)
                .policy_document(document());
            call(account, action, || put.send()).await.map(drop)
        }
        Target::InlinePolicy {
            principal_arn,
            principal_kind: PrincipalKind::User,
            policy_name,
        } => {
            let put = w
                .iam
                .put_user_policy()
                .user_name(name_from_arn(principal_arn))
                .policy_name(policy_name)
                .policy_document(document());
            call(account, action, || put.send()).await.map(drop)
        }
        Target::PointInTimeRecovery { table_arn } => {
            let spec = aws_sdk_dynamodb::types::PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .build()
                .map_err(|e| CallError::unsent(action, e.to_string()))?;
            let update = w
                .dynamodb
                .update_continuous_backups()
                .table_name(table_arn)
                .point_in_time_recovery_specification(spec);
            call(account, action, || update.send()).await.map(drop)
        }
        Target::ResourceProperty { resource_arn } => {
            let role = change.after["TargetProcessingProperties"]["RoleArn"]
                .as_str()
                .unwrap_or_default();
            let props = aws_sdk_glue::types::TargetProcessingProperties::builder()
                .role_arn(role)
                .build();
            if change.before.is_some() {
                let update = w
                    .glue
                    .update_integration_resource_property()
                    .resource_arn(resource_arn)
                    .target_processing_properties(props);
                call(account, action, || update.send()).await.map(drop)
            } else {
                let create = w
                    .glue
                    .create_integration_resource_property()
                    .resource_arn(resource_arn)
                    .target_processing_properties(props);
                call(account, action, || create.send()).await.map(drop)
            }
        }
    }
}

/// How long `settle` waits between reads of a written document that does not show the write
/// yet: AWS applies writes eventually (DynamoDB may answer `PolicyNotFoundException` and IAM
/// or Glue the old document right after a put). Five reads after the first, 15 s in all.
pub const SETTLE_DELAYS: [std::time::Duration; 5] = [
    std::time::Duration::from_secs(1),
    std::time::Duration::from_secs(2),
    std::time::Duration::from_secs(3),
    std::time::Duration::from_secs(4),
    std::time::Duration::from_secs(5),
];

pub use super::Visible;

/// A sleep the caller provides (tokio's in the command, an instant one in tests).
pub type Sleep<'a> =
    &'a (dyn Fn(std::time::Duration) -> futures::future::BoxFuture<'static, ()> + Sync);

/// After the writes: reads every applied change's document again until it shows the write,
/// waiting `delays` between rounds (bounded), so the doctor run afterwards does not call a
/// fix ineffective only because AWS had not propagated it yet. `None` for a change that was
/// not applied. `on_wait(delay)` is called before each sleep.
pub async fn settle(
    changes: &[Change],
    results: &[Applied],
    source: &Writer,
    target: &Writer,
    delays: &[std::time::Duration],
    sleep: Sleep<'_>,
    on_wait: &dyn Fn(std::time::Duration),
) -> Vec<Option<Visible>> {
    let mut out: Vec<Option<Visible>> = vec![None; changes.len()];
    let mut pending: Vec<usize> = (0..changes.len())
        .filter(|&i| matches!(results.get(i), Some(Applied::Done)))
        .collect();
    let mut waited = std::time::Duration::ZERO;
    let mut round = 0;
    loop {
        let mut still = Vec::new();
        for &i in &pending {
            let change = &changes[i];
            let writer = match change.account {
                super::Account::Source => source,
                super::Account::Target => target,
            };
            match read(&writer.account, &change.target).await {
                Ok(now) => {
                    let now = now.content;
                    if now.as_ref() == Some(&change.after) {
                        out[i] = Some(Visible::Yes);
                    } else if now.is_none() || now == change.before {
                        still.push(i);
                    } else {
                        out[i] = Some(Visible::Changed);
                    }
                }
                Err(unknown) => {
                    out[i] = Some(Visible::Unreadable(unknown.message.unwrap_or_default()))
                }
            }
        }
        pending = still;
        let Some(delay) = delays.get(round).copied().filter(|_| !pending.is_empty()) else {
            break;
        };
        on_wait(delay);
        sleep(delay).await;
        waited += delay;
        round += 1;
    }
    for i in pending {
        out[i] = Some(Visible::NotYet { waited });
    }
    out
}
