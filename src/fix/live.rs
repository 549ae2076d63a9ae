//! Applying a plan to the accounts. Every write is guarded so a concurrent edit is never
//! overwritten:
//!
//! - before each write the document is read again and compared with what the plan was made
//!   from; a difference stops the run (`Conflict`, nothing written);
//! - the write itself carries the service's condition where there is one: DynamoDB
//!   `ExpectedRevisionId` (`NO_POLICY` when none existed), Glue `PolicyHashCondition` or
//!   `PolicyExistsCondition`. IAM has no such condition: there the re-read is the guard.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use serde_json::Value;

use super::change::{decoded, Change, Target};
use crate::collect::accounts::{sdk_config, AccountOptions};
use crate::collect::advice::{self, Context};
use crate::collect::cause::{self, Cause};
use crate::permissions::Side;
use crate::policy_edit::command::name_from_arn;
use crate::setup::Setup;
use crate::snapshot::{PrincipalKind, Snapshot};

/// The write clients of one account (no read-only guard: `zetl fix --apply` writes).
#[derive(Debug, Clone)]
pub struct Writer {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub glue: aws_sdk_glue::Client,
    pub iam: aws_sdk_iam::Client,
}

impl Writer {
    pub fn from_config(conf: &aws_config::SdkConfig) -> Writer {
        Writer {
            dynamodb: aws_sdk_dynamodb::Client::new(conf),
            glue: aws_sdk_glue::Client::new(conf),
            iam: aws_sdk_iam::Client::new(conf),
        }
    }

    /// Both accounts' writers, reached like the collector reaches them (profiles, assumed
    /// roles, endpoint), in the regions the snapshot found.
    pub async fn connect(setup: &Setup, snapshot: &Snapshot) -> (Writer, Writer) {
        let src =
            AccountOptions::for_side(setup, Side::Source, Some(&snapshot.accounts.source.region));
        let tgt =
            AccountOptions::for_side(setup, Side::Target, Some(&snapshot.accounts.target.region));
        let (s, t) = futures::join!(sdk_config(&src), sdk_config(&tgt));
        (Writer::from_config(&s), Writer::from_config(&t))
    }
}

pub use super::Applied;

/// A failed AWS call, reduced to what the messages need.
#[derive(Debug, Clone)]
struct CallFailure {
    code: Option<String>,
    /// The service's `Code: message`, else the innermost error's text (short).
    message: String,
    cause: Cause,
    /// The SDK's whole error, shown with `--debug`.
    detail: String,
}

impl CallFailure {
    fn from<E>(err: &SdkError<E, HttpResponse>) -> CallFailure
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let message = match err {
            SdkError::ServiceError(se) => cause::service_message(
                se.err().code(),
                se.err().message(),
                se.raw().status().as_u16(),
            ),
            other => cause::innermost(other),
        };
        CallFailure {
            code: err.code().map(str::to_string),
            message,
            cause: Cause::of(err),
            detail: DisplayErrorContext(err).to_string(),
        }
    }

    fn is(&self, codes: &[&str]) -> bool {
        self.code.as_deref().is_some_and(|c| codes.contains(&c))
    }

    fn access_denied(&self) -> bool {
        self.is(cause::ACCESS_DENIED)
    }
}

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
    let now = match read(w, &change.target).await {
        Ok(now) => now,
        Err(f) => return failed(&f, read_action(&change.target), change.account),
    };
    if now.content.map(|v| decoded(&v)) != change.before {
        return Applied::Conflict(format!(
            "the {} changed since it was read; nothing was written. Run `zetl fix` again to plan against the new content.",
            change.target.describe()
        ));
    }
    writing();
    let result = write(w, change, original, now.token).await;
    match result {
        Ok(()) => Applied::Done,
        Err(f) if is_condition_failure(&change.target, &f) => Applied::Conflict(format!(
            "the {} changed while it was being written ({}); nothing was overwritten. Run `zetl fix` again.",
            change.target.describe(),
            f.code.as_deref().unwrap_or("condition failed")
        )),
        Err(f) => failed(&f, &change.action, change.account),
    }
}

/// The service's own message, or for a call that got no answer one sentence with the next
/// step (the SDK's whole error with `--debug`).
fn failed(f: &CallFailure, action: &str, account: super::Account) -> Applied {
    let side = match account {
        super::Account::Source => Side::Source,
        super::Account::Target => Side::Target,
    };
    let message = if crate::debug::enabled() {
        f.detail.clone()
    } else if f.code.is_some() {
        f.message.clone()
    } else {
        advice::problem(&f.cause, &Context::side(side))
    };
    Applied::Failed {
        message,
        missing_action: f.access_denied().then(|| action.to_string()),
    }
}

/// The service's answer when its write condition does not hold.
fn is_condition_failure(target: &Target, f: &CallFailure) -> bool {
    match target {
        // ExpectedRevisionId mismatch (or NO_POLICY while one exists).
        Target::TablePolicy { .. } => f.is(&["PolicyNotFoundException"]),
        Target::CatalogPolicy { .. } => {
            f.is(&["ConditionCheckFailureException", "ConcurrentModificationException"])
                // moto answers a failed PolicyExistsCondition this way.
                || (f.is(&["ResourceNumberLimitExceededException"])
                    && (f.message.contains("already exists") || f.message.contains("does not exist")))
        }
        Target::ResourceProperty { .. } => f.is(&["ConflictException", "AlreadyExistsException"]),
        _ => false,
    }
}

/// `Ok(())` for a write the service accepted, the failure otherwise.
trait Done {
    fn done(self) -> Result<(), CallFailure>;
}

impl<T, E> Done for Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn done(self) -> Result<(), CallFailure> {
        self.map(|_| ()).map_err(|e| CallFailure::from(&e))
    }
}

/// What a target holds now, and the service's concurrency token for it.
struct Reading {
    content: Option<Value>,
    token: Option<String>,
}

fn read_action(target: &Target) -> &'static str {
    match target {
        Target::TablePolicy { .. } => "dynamodb:GetResourcePolicy",
        Target::CatalogPolicy { .. } => "glue:GetResourcePolicy",
        Target::TrustPolicy { .. } => "iam:GetRole",
        Target::InlinePolicy {
            principal_kind: PrincipalKind::Role,
            ..
        } => "iam:GetRolePolicy",
        Target::InlinePolicy { .. } => "iam:GetUserPolicy",
        Target::PointInTimeRecovery { .. } => "dynamodb:DescribeContinuousBackups",
        Target::ResourceProperty { .. } => "glue:GetIntegrationResourceProperty",
    }
}

impl Reading {
    const ABSENT: Reading = Reading {
        content: None,
        token: None,
    };
}

/// The service's "there is none" answer (one of `codes`) is a reading: nothing there.
fn absent_if(f: CallFailure, codes: &[&str]) -> Result<Reading, CallFailure> {
    if f.is(codes) {
        Ok(Reading::ABSENT)
    } else {
        Err(f)
    }
}

fn policy_value(text: &str) -> Value {
    decoded(&Value::String(text.to_string()))
}

async fn read(w: &Writer, target: &Target) -> Result<Reading, CallFailure> {
    match target {
        Target::TablePolicy { table_arn } => {
            match w
                .dynamodb
                .get_resource_policy()
                .resource_arn(table_arn)
                .send()
                .await
            {
                Ok(o) => Ok(Reading {
                    content: o.policy().map(policy_value),
                    token: o.revision_id().map(str::to_string),
                }),
                Err(e) => absent_if(CallFailure::from(&e), &["PolicyNotFoundException"]),
            }
        }
        Target::CatalogPolicy { .. } => match w.glue.get_resource_policy().send().await {
            Ok(o) => Ok(match o.policy_in_json().filter(|p| !p.trim().is_empty()) {
                Some(p) => Reading {
                    content: Some(policy_value(p)),
                    token: o.policy_hash().map(str::to_string),
                },
                None => Reading::ABSENT,
            }),
            Err(e) => absent_if(CallFailure::from(&e), &["EntityNotFoundException"]),
        },
        Target::TrustPolicy { role_arn } => {
            let o = w
                .iam
                .get_role()
                .role_name(name_from_arn(role_arn))
                .send()
                .await
                .map_err(|e| CallFailure::from(&e))?;
            Ok(Reading {
                content: o
                    .role()
                    .and_then(|r| r.assume_role_policy_document())
                    .map(policy_value),
                token: None,
            })
        }
        Target::InlinePolicy {
            principal_arn,
            principal_kind,
            policy_name,
        } => {
            let name = name_from_arn(principal_arn);
            let got = match principal_kind {
                PrincipalKind::Role => w
                    .iam
                    .get_role_policy()
                    .role_name(name)
                    .policy_name(policy_name)
                    .send()
                    .await
                    .map(|o| o.policy_document().to_string())
                    .map_err(|e| CallFailure::from(&e)),
                PrincipalKind::User => w
                    .iam
                    .get_user_policy()
                    .user_name(name)
                    .policy_name(policy_name)
                    .send()
                    .await
                    .map(|o| o.policy_document().to_string())
                    .map_err(|e| CallFailure::from(&e)),
            };
            match got {
                Ok(text) => Ok(Reading {
                    content: Some(policy_value(&text)),
                    token: None,
                }),
                Err(f) => absent_if(f, &["NoSuchEntity"]),
            }
        }
        Target::PointInTimeRecovery { table_arn } => {
            let o = w
                .dynamodb
                .describe_continuous_backups()
                .table_name(table_arn)
                .send()
                .await
                .map_err(|e| CallFailure::from(&e))?;
            let on = o
                .continuous_backups_description()
                .and_then(|d| d.point_in_time_recovery_description())
                .and_then(|p| p.point_in_time_recovery_status())
                .is_some_and(|s| s.as_str() == "ENABLED");
            Ok(Reading {
                content: Some(serde_json::json!({"PointInTimeRecoveryEnabled": on})),
                token: None,
            })
        }
        Target::ResourceProperty { resource_arn } => {
            match w
                .glue
                .get_integration_resource_property()
                .resource_arn(resource_arn)
                .send()
                .await
            {
                Ok(o) => Ok(Reading {
                    content: Some(serde_json::json!({"TargetProcessingProperties": {
                        "RoleArn": o.target_processing_properties().and_then(|t| t.role_arn())
                    }})),
                    token: None,
                }),
                Err(e) => absent_if(
                    CallFailure::from(&e),
                    &["EntityNotFoundException", "ResourceNotFoundException"],
                ),
            }
        }
    }
}

async fn write(
    w: &Writer,
    change: &Change,
    original: &Snapshot,
    token: Option<String>,
) -> Result<(), CallFailure> {
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
            w.dynamodb
                .put_resource_policy()
                .resource_arn(table_arn)
                .policy(document())
                .set_expected_revision_id(expected)
                .send()
                .await
                .done()
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
            put.send().await.done()
        }
        Target::TrustPolicy { role_arn } => w
            .iam
            .update_assume_role_policy()
            .role_name(name_from_arn(role_arn))
            .policy_document(document())
            .send()
            .await
            .done(),
        Target::InlinePolicy {
            principal_arn,
            principal_kind: PrincipalKind::Role,
            policy_name,
        } => w
            .iam
            .put_role_policy()
            .role_name(name_from_arn(principal_arn))
            .policy_name(policy_name)
            .policy_document(document())
            .send()
            .await
            .done(),
        Target::InlinePolicy {
            principal_arn,
            principal_kind: PrincipalKind::User,
            policy_name,
        } => w
            .iam
            .put_user_policy()
            .user_name(name_from_arn(principal_arn))
            .policy_name(policy_name)
            .policy_document(document())
            .send()
            .await
            .done(),
        Target::PointInTimeRecovery { table_arn } => {
            let spec = aws_sdk_dynamodb::types::PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .build()
                .map_err(|e| CallFailure {
                    code: None,
                    message: e.to_string(),
                    cause: Cause::Other(e.to_string()),
                    detail: e.to_string(),
                })?;
            w.dynamodb
                .update_continuous_backups()
                .table_name(table_arn)
                .point_in_time_recovery_specification(spec)
                .send()
                .await
                .done()
        }
        Target::ResourceProperty { resource_arn } => {
            let role = change.after["TargetProcessingProperties"]["RoleArn"]
                .as_str()
                .unwrap_or_default();
            let props = aws_sdk_glue::types::TargetProcessingProperties::builder()
                .role_arn(role)
                .build();
            if change.before.is_some() {
                w.glue
                    .update_integration_resource_property()
                    .resource_arn(resource_arn)
                    .target_processing_properties(props)
                    .send()
                    .await
                    .done()
            } else {
                w.glue
                    .create_integration_resource_property()
                    .resource_arn(resource_arn)
                    .target_processing_properties(props)
                    .send()
                    .await
                    .done()
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
            match read(writer, &change.target).await {
                Ok(now) => {
                    let now = now.content.map(|v| decoded(&v));
                    if now.as_ref() == Some(&decoded(&change.after)) {
                        out[i] = Some(Visible::Yes);
                    } else if now.is_none() || now == change.before {
                        still.push(i);
                    } else {
                        out[i] = Some(Visible::Changed);
                    }
                }
                Err(f) => out[i] = Some(Visible::Unreadable(f.message)),
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
