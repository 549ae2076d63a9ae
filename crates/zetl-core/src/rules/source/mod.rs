//! The source account (`ZS`): the table, point-in-time recovery, the table's resource policy
//! and its encryption key. Access checks are in `access`, the `aws:SourceArn` /
//! `aws:SourceAccount` diagnosis in `conditions`.

mod access;
mod conditions;

pub use access::*;

use crate::policy_edit::FixAction;
use serde_json::json;

use crate::report::Severity;
use crate::rules::messages::sentence;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::PairFacts;
use crate::rules::runner::Ctx;
use crate::snapshot::{Fact, KeyMetadata, PitrStatus, SourceTable, TableDescription};

/// The table description, or the outcome to return when it is not available.
fn description<'s>(facts: &PairFacts<'s>) -> Result<Option<&'s TableDescription>, Outcome> {
    let Some(table) = facts.table() else {
        return Err(Outcome::unknown(
            sentence("unknown.no_table_entry", &[("table", &facts.table_arn)]),
            Some("dynamodb:DescribeTable".into()),
        ));
    };
    match &table.description {
        Fact::Known(d) => Ok(d.as_ref()),
        Fact::Unknown(u) => Err(Outcome::from_unknown_fact("DescribeTable", u)),
    }
}

pub fn zs001_source_table_not_active(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let d = match description(facts) {
        Ok(d) => d,
        Err(o) => return o,
    };
    match d {
        None => Outcome::fail(
            Problem::new("not_found", facts.table_arn.clone())
                .param("region", facts.source_region.clone())
                .evidence(json!({"table_arn": facts.table_arn, "found": false})),
        ),
        // UPDATING keeps the table available for data operations and CREATING ends in ACTIVE
        // by itself: AWS documents neither as blocking an integration, so a warning.
        Some(d) if matches!(d.table_status.as_str(), "UPDATING" | "CREATING") => Outcome::fail(
            Problem::new(&d.table_status.to_lowercase(), facts.table_arn.clone())
                .param("status", d.table_status.clone())
                .fix_variant("wait")
                .severity(Severity::Warning)
                .evidence(json!({"table_status": d.table_status})),
        ),
        Some(d) if d.table_status != "ACTIVE" => Outcome::fail(
            Problem::new("not_active", facts.table_arn.clone())
                .param("status", d.table_status.clone())
                .fix_variant("not_active")
                .evidence(json!({"table_status": d.table_status})),
        ),
        Some(d) => Outcome::pass(json!({"table_status": d.table_status})),
    }
}

/// The source table for a check of its continuous backups: unknown when it was not read,
/// skipped when it does not exist (ZS001 says so).
fn existing_table<'a>(ctx: &Ctx<'a>) -> Result<&'a SourceTable, Outcome> {
    let facts = ctx.facts;
    let Some(table) = facts.table() else {
        return Err(Outcome::unknown(
            sentence("unknown.no_table_entry", &[("table", &facts.table_arn)]),
            Some("dynamodb:DescribeContinuousBackups".into()),
        ));
    };
    if matches!(table.description, Fact::Known(None)) {
        return Err(Outcome::skipped(ctx.text("skip_no_table", &[])));
    }
    Ok(table)
}

pub fn zs002_pitr_disabled(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let table = match existing_table(ctx) {
        Ok(t) => t,
        Err(o) => return o,
    };
    match &table.continuous_backups {
        Fact::Unknown(u) => Outcome::from_unknown_fact("DescribeContinuousBackups", u),
        Fact::Known(PitrStatus::Enabled) => {
            Outcome::pass(json!({"point_in_time_recovery_status": "ENABLED"}))
        }
        Fact::Known(PitrStatus::Disabled) => Outcome::fail(
            Problem::new("fail", facts.table_arn.clone())
                .param("status", "disabled")
                .evidence(json!({"point_in_time_recovery_status": "DISABLED"}))
                .apply(FixAction::EnablePitr {
                    table_arn: facts.table_arn.clone(),
                }),
        ),
    }
}

/// The table's KMS key: `Ok(None)` for the AWS owned key (no SSEDescription or no key ARN).
fn table_key<'s>(
    ctx: &Ctx,
    facts: &PairFacts<'s>,
) -> Result<Option<(String, Fact<&'s KeyMetadata>)>, Outcome> {
    let d = match description(facts)? {
        Some(d) => d,
        None => return Err(Outcome::skipped(ctx.text("skip_no_table", &[]))),
    };
    let Some(arn) = d
        .sse_description
        .as_ref()
        .and_then(|s| s.kms_master_key_arn.clone())
    else {
        return Ok(None);
    };
    let metadata = match facts.snapshot.kms_keys.get(&arn) {
        Some(k) => match &k.metadata {
            Fact::Known(m) => Fact::Known(m),
            Fact::Unknown(u) => Fact::Unknown(u.clone()),
        },
        None => Fact::Unknown(crate::snapshot::Unknown {
            reason: crate::snapshot::UnknownReason::NotCollected,
            action: Some("kms:DescribeKey".into()),
            message: Some(sentence("unknown.no_key_entry", &[("key", &arn)])),
        }),
    };
    Ok(Some((arn, metadata)))
}

pub fn zs008_table_aws_managed_key(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let (arn, metadata) = match table_key(ctx, facts) {
        Ok(Some(k)) => k,
        Ok(None) => return Outcome::pass(json!({"encryption": "AWS owned key"})),
        Err(o) => return o,
    };
    let m = match metadata {
        Fact::Known(m) => m,
        Fact::Unknown(u) => return Outcome::from_unknown_fact("kms:DescribeKey", &u),
    };
    if m.is_aws_managed() {
        Outcome::fail(
            Problem::new("fail", facts.table_arn.clone())
                .param("key_arn", arn.clone())
                .evidence(
                    json!({"kms_key_arn": arn, "key_manager": m.key_manager, "aliases": m.aliases}),
                ),
        )
    } else {
        Outcome::pass(json!({"kms_key_arn": arn, "key_manager": m.key_manager}))
    }
}

pub fn zs009_table_key_unusable(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let inaccessible = facts
        .table()
        .and_then(|t| t.description.known())
        .and_then(|d| d.as_ref())
        .and_then(|d| d.sse_description.as_ref())
        .and_then(|s| s.inaccessible_encryption_date_time);
    let (arn, metadata) = match table_key(ctx, facts) {
        Ok(Some(k)) => k,
        Ok(None) => return Outcome::pass(json!({"encryption": "AWS owned key"})),
        Err(o) => return o,
    };
    if let Some(since) = inaccessible {
        return Outcome::fail(
            Problem::new("inaccessible", facts.table_arn.clone())
                .param("key_arn", arn.clone())
                .param("since", crate::time::timestamp(since))
                .evidence(json!({"kms_key_arn": arn, "inaccessible_encryption_date_time": since})),
        );
    }
    let m = match metadata {
        Fact::Known(m) => m,
        Fact::Unknown(u) => return Outcome::from_unknown_fact("kms:DescribeKey", &u),
    };
    if m.is_aws_managed() {
        return Outcome::skipped(ctx.text("skip_aws_managed_key", &[]));
    }
    if m.key_state == "Enabled" {
        return Outcome::pass(json!({"kms_key_arn": arn, "key_state": m.key_state}));
    }
    let mut problem = Problem::new("fail", arn.clone())
        .param("key_arn", arn.clone())
        .param("key_state", m.key_state.clone())
        .evidence(json!({"kms_key_arn": arn, "key_state": m.key_state}));
    if m.key_state == "PendingDeletion" {
        problem = problem.fix_variant("pending_deletion");
    }
    Outcome::fail(problem)
}

/// AWS's 100 TB, read as DynamoDB measures (binary units): the larger reading, so a table AWS
/// still accepts is never reported.
const MAX_TABLE_BYTES: u64 = 100 * (1 << 40);

pub fn zs012_table_too_large(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let d = match description(facts) {
        Ok(Some(d)) => d,
        Ok(None) => return Outcome::skipped(ctx.text("skip_no_table", &[])),
        Err(o) => return o,
    };
    let Some(bytes) = d.table_size_bytes else {
        return Outcome::unknown(
            ctx.text("size_not_known", &[]),
            Some("dynamodb:DescribeTable".into()),
        );
    };
    let evidence = json!({"table_size_bytes": bytes});
    if bytes <= MAX_TABLE_BYTES {
        return Outcome::pass(evidence);
    }
    Outcome::fail(
        Problem::new("fail", facts.table_arn.clone())
            .param(
                "size",
                format!("{:.1} TiB", bytes as f64 / (1u64 << 40) as f64),
            )
            .param("bytes", bytes.to_string())
            .evidence(evidence),
    )
}

/// Zero-ETL replicates only tables whose names are shorter than this many characters (AWS's
/// limitations page: a Data Catalog limit on the target table's name).
const MAX_TABLE_NAME_CHARS: usize = 255;

/// ZS013: the name the target table gets (the table properties' `TargetTableName`, else the
/// source table's name) is shorter than 255 characters.
pub fn zs013_table_name_too_long(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let source_length = facts.table_name.chars().count();
    let properties = facts
        .snapshot
        .table_properties
        .get(&facts.database_arn)
        .and_then(|by_table| by_table.get(&facts.table_name));
    let renamed = match properties {
        Some(Fact::Known(Some(p))) => p.target_table_name.as_deref(),
        Some(Fact::Known(None)) => None,
        // The properties could rename the target table: needed only when the source name is
        // too long.
        Some(Fact::Unknown(u)) if source_length >= MAX_TABLE_NAME_CHARS => {
            return Outcome::from_unknown_fact("glue:GetIntegrationTableProperties", u);
        }
        None if source_length >= MAX_TABLE_NAME_CHARS => {
            return Outcome::unknown(
                ctx.text("properties_not_known", &[]),
                Some("glue:GetIntegrationTableProperties".into()),
            );
        }
        Some(Fact::Unknown(_)) | None => None,
    };
    match renamed {
        Some(target) => {
            let length = target.chars().count();
            let evidence = json!({
                "table_name_length": source_length,
                "target_table_name": target,
                "target_table_name_length": length,
            });
            if length < MAX_TABLE_NAME_CHARS {
                return Outcome::pass(evidence);
            }
            Outcome::fail(
                Problem::new("target_name", facts.database_arn.clone())
                    .param("target_table_name", target.to_string())
                    .param("length", length.to_string())
                    .fix_variant("target_name")
                    .evidence(evidence),
            )
        }
        None => {
            let evidence = json!({"table_name_length": source_length});
            if source_length < MAX_TABLE_NAME_CHARS {
                return Outcome::pass(evidence);
            }
            Outcome::fail(
                Problem::new("fail", facts.table_arn.clone())
                    .param("length", source_length.to_string())
                    .evidence(evidence),
            )
        }
    }
}

pub fn zs010_cross_region_pair(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let evidence =
        json!({"source_region": facts.source_region, "target_region": facts.target_region});
    if facts.source_region == facts.target_region {
        Outcome::pass(evidence)
    } else {
        Outcome::fail(
            Problem::new("fail", facts.database_arn.clone())
                .param("source_region", facts.source_region.clone())
                .param("target_region", facts.target_region.clone())
                .evidence(evidence),
        )
    }
}

/// DynamoDB's refresh interval when the integration names none (minutes).
const DEFAULT_REFRESH_MINUTES: u64 = 15;
/// DynamoDB's recovery period when PITR is on and none was configured (days).
const DEFAULT_RECOVERY_DAYS: u32 = 35;
const MINUTES_PER_DAY: u64 = 1440;

/// ZS014: the table's PITR recovery period covers the integration's refresh interval (an
/// inference: exports only reach back within the recovery window, and the integration waits
/// the interval between exports).
pub fn zs014_pitr_window_shorter_than_refresh(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let table = match existing_table(ctx) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let i = match &facts.integration {
        Fact::Unknown(u) => return Outcome::from_unknown_fact("glue:DescribeIntegrations", u),
        Fact::Known(None) => return Outcome::skipped(ctx.text("skip_no_integration", &[])),
        Fact::Known(Some(found)) => found.integration,
    };
    if i.continuous_sync == Some(false) {
        return Outcome::skipped(ctx.text("skip_on_demand", &[]));
    }
    let minutes = match &i.refresh_interval {
        None => DEFAULT_REFRESH_MINUTES,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(m) => m,
            Err(_) => {
                return Outcome::unknown(
                    ctx.text("interval_not_parsed", &[("refresh_interval", text)]),
                    None,
                )
            }
        },
    };
    let evidence = |days: Option<u32>| {
        json!({
            "integration_arn": i.integration_arn,
            "refresh_interval_minutes": minutes,
            "refresh_interval_configured": i.refresh_interval.is_some(),
            "recovery_period_days": days,
        })
    };
    // One day is the shortest recovery period DynamoDB allows: it covers any interval up to a
    // day, whatever the table's period (so an unread period does not matter then).
    if minutes <= MINUTES_PER_DAY {
        return Outcome::pass(evidence(None));
    }
    match &table.continuous_backups {
        Fact::Unknown(u) => return Outcome::from_unknown_fact("DescribeContinuousBackups", u),
        Fact::Known(PitrStatus::Disabled) => {
            return Outcome::skipped(ctx.text("skip_pitr_disabled", &[]))
        }
        Fact::Known(PitrStatus::Enabled) => {}
    }
    let days = match &table.pitr_recovery_period_days {
        None => {
            return Outcome::unknown(
                ctx.text("period_not_in_snapshot", &[]),
                Some("dynamodb:DescribeContinuousBackups".into()),
            )
        }
        Some(Fact::Unknown(u)) => {
            return Outcome::from_unknown_fact("DescribeContinuousBackups", u)
        }
        Some(Fact::Known(d)) => d.unwrap_or(DEFAULT_RECOVERY_DAYS),
    };
    if minutes <= u64::from(days) * MINUTES_PER_DAY {
        return Outcome::pass(evidence(Some(days)));
    }
    let needed = minutes.div_ceil(MINUTES_PER_DAY);
    Outcome::fail(
        Problem::new("fail", facts.table_arn.clone())
            .param("days", days.to_string())
            .param("integration_arn", i.integration_arn.clone())
            .param("refresh_interval", minutes.to_string())
            .param("interval_days", format!("{:.1}", minutes as f64 / 1440.0))
            .param("needed_days", needed.to_string())
            .evidence(evidence(Some(days))),
    )
}
