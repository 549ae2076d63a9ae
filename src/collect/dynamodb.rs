//! The source table: DescribeTable, DescribeContinuousBackups, GetResourcePolicy (the last two
//! also alone: `zetl fix` reads them again before writing).

use std::future::Future;

use aws_sdk_dynamodb::types::PointInTimeRecoveryStatus;

use super::actions::{
    DDB_DESCRIBE_CONTINUOUS_BACKUPS, DDB_DESCRIBE_TABLE, DDB_GET_RESOURCE_POLICY,
};
use super::call::{call, to_chrono, CallError};
use super::clients::Account;
use crate::snapshot::{
    Fact, KeyElement, PitrStatus, SourceTable, SseDescription, StoredPolicy, TableDescription,
    TablePolicy,
};

/// Reads the three table facts concurrently. `table_name` is used for the Describe calls
/// (the table is in the caller's account), the ARN for the resource policy.
pub async fn source_table(account: &Account, table_name: &str, table_arn: &str) -> SourceTable {
    source_table_then(account, table_name, table_arn, |_| async {})
        .await
        .0
}

/// [`source_table`], and `then` run on the description as soon as DescribeTable answered
/// (the table's key needs nothing else), alongside the two other table reads.
pub async fn source_table_then<T, F, Fut>(
    account: &Account,
    table_name: &str,
    table_arn: &str,
    then: F,
) -> (SourceTable, T)
where
    F: FnOnce(&Fact<Option<TableDescription>>) -> Fut,
    Fut: Future<Output = T>,
{
    let ddb = &account.clients.dynamodb;
    let described = async {
        let description = match call(account, DDB_DESCRIBE_TABLE, || {
            ddb.describe_table().table_name(table_name).send()
        })
        .await
        {
            Ok(out) => Fact::Known(out.table().map(table_description)),
            Err(e) if e.is(&["ResourceNotFoundException"]) => Fact::Known(None),
            Err(e) => Fact::Unknown(e.unknown),
        };
        let after = then(&description).await;
        (description, after)
    };
    let ((description, after), backups, resource_policy) = futures::join!(
        described,
        continuous_backups(account, table_name),
        table_policy(account, table_arn),
    );
    let (continuous_backups, pitr_recovery_period_days) = match backups {
        Ok((status, period)) => (Fact::Known(status), Fact::Known(period)),
        Err(CallError { unknown, .. }) => (Fact::Unknown(unknown.clone()), Fact::Unknown(unknown)),
    };
    let table = SourceTable {
        description,
        continuous_backups,
        pitr_recovery_period_days: Some(pitr_recovery_period_days),
        resource_policy,
    };
    (table, after)
}

/// DescribeContinuousBackups of the table (`table`: its name, or its ARN): whether
/// point-in-time recovery is on, and its recovery period when DynamoDB gives one.
pub async fn continuous_backups(
    account: &Account,
    table: &str,
) -> Result<(PitrStatus, Option<u32>), CallError> {
    let ddb = &account.clients.dynamodb;
    let out = call(account, DDB_DESCRIBE_CONTINUOUS_BACKUPS, || {
        ddb.describe_continuous_backups().table_name(table).send()
    })
    .await?;
    Ok((pitr_status(&out), recovery_period_days(&out)))
}

/// The table's resource policy (GetResourcePolicy) and its revision. `Known(None)`: none
/// (PolicyNotFoundException).
pub async fn table_policy(account: &Account, table_arn: &str) -> Fact<Option<TablePolicy>> {
    let ddb = &account.clients.dynamodb;
    match call(account, DDB_GET_RESOURCE_POLICY, || {
        ddb.get_resource_policy().resource_arn(table_arn).send()
    })
    .await
    {
        Ok(out) => Fact::Known(out.policy().map(|p| TablePolicy {
            policy: StoredPolicy::from_service(p),
            revision_id: out.revision_id().map(str::to_string),
        })),
        Err(e) if e.is(&["PolicyNotFoundException"]) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    }
}

fn table_description(t: &aws_sdk_dynamodb::types::TableDescription) -> TableDescription {
    TableDescription {
        table_name: t.table_name().unwrap_or_default().to_string(),
        table_arn: t.table_arn().unwrap_or_default().to_string(),
        table_status: t
            .table_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        sse_description: t.sse_description().map(|s| SseDescription {
            status: s
                .status()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            sse_type: s.sse_type().map(|x| x.as_str().to_string()),
            kms_master_key_arn: s.kms_master_key_arn().map(str::to_string),
            inaccessible_encryption_date_time: s
                .inaccessible_encryption_date_time()
                .and_then(to_chrono),
        }),
        table_size_bytes: t.table_size_bytes().and_then(|n| u64::try_from(n).ok()),
        item_count: t.item_count().and_then(|n| u64::try_from(n).ok()),
        key_schema: (!t.key_schema().is_empty()).then(|| {
            t.key_schema()
                .iter()
                .map(|k| KeyElement {
                    attribute_name: k.attribute_name().to_string(),
                    key_type: k.key_type().as_str().to_string(),
                })
                .collect()
        }),
    }
}

fn pitr_status(
    out: &aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsOutput,
) -> PitrStatus {
    let enabled = out
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        == Some(&PointInTimeRecoveryStatus::Enabled);
    if enabled {
        PitrStatus::Enabled
    } else {
        PitrStatus::Disabled
    }
}

/// `PointInTimeRecoveryDescription.RecoveryPeriodInDays`, when DynamoDB gives one.
fn recovery_period_days(
    out: &aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsOutput,
) -> Option<u32> {
    out.continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.recovery_period_in_days())
        .and_then(|d| u32::try_from(d).ok())
}
