//! An existing integration (`ZI`): its status, what its errors mean (linked to the rules that
//! explain them, see `errors`), timing, and preflight information when none exists yet.

pub mod errors;
mod ingestion;

pub use ingestion::zi009_ingestion_failed;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::policy_edit::command::{kept_target_properties, shell_word, shorthand_value};
use crate::report::Severity;
use crate::rules::messages::sentence;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::{same_role, PairFacts};
use crate::rules::runner::Ctx;
use crate::snapshot::{Fact, Integration, KeyElement, PartitionField, TableProperties};
use crate::time::timestamp;

/// DynamoDB's documented default refresh interval, in minutes.
const DEFAULT_REFRESH_INTERVAL: &str = "15";

/// The pair's integration, or the outcome when there is none / it cannot be known.
fn integration<'s>(ctx: &Ctx, facts: &PairFacts<'s>) -> Result<&'s Integration, Outcome> {
    match &facts.integration {
        Fact::Unknown(u) => Err(Outcome::from_unknown_fact("glue:DescribeIntegrations", u)),
        Fact::Known(None) => Err(Outcome::skipped(ctx.text("skip_no_integration", &[]))),
        Fact::Known(Some(found)) => Ok(found.integration),
    }
}

fn status_evidence(i: &Integration) -> Value {
    json!({"integration_arn": i.integration_arn, "status": i.status})
}

pub fn zi001_integration_needs_attention(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let i = match integration(ctx, facts) {
        Ok(i) => i,
        Err(o) => return o,
    };
    if i.status != "NEEDS_ATTENTION" {
        return Outcome::pass(status_evidence(i));
    }
    let messages: Vec<(Option<String>, String)> = i
        .errors
        .iter()
        .filter_map(|e| e.error_message.clone().map(|m| (e.error_code.clone(), m)))
        .collect();
    if messages.is_empty() {
        return Outcome::fail(
            Problem::new("no_errors", i.integration_arn.clone()).evidence(status_evidence(i)),
        );
    }
    let problems = messages
        .into_iter()
        .map(|(code, message)| {
            let linked = errors::explain(ctx, &message, code.as_deref());
            let problem = Problem::new(linked.key(), i.integration_arn.clone())
                .param("error_message", message.clone())
                .param("error_code", code.clone().unwrap_or_default());
            linked.onto(problem).evidence(json!({
                "integration_arn": i.integration_arn,
                "status": i.status,
                "error_code": code,
                "error_message": message,
                "failing_rules": linked.failing,
                "other_rules": linked.other,
                "linked_fixes": linked.fixes,
            }))
        })
        .collect();
    Outcome::Fail(problems)
}

/// Shell single-quoting for values put into commands.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The optional arguments of create-integration that reproduce `i`: what the snapshot holds
/// of it. `IntegrationConfig` carries what the original had (`RefreshInterval`,
/// `ContinuousSync`), nothing more: AWS's own default applies when it had no interval.
/// The snapshot model does not hold the integration's `AdditionalEncryptionContext` or tags,
/// so the command cannot carry `--additional-encryption-context` or `--tags` (the fix
/// summary says so).
fn create_options(i: &Integration) -> String {
    let mut out = String::new();
    if let Some(d) = &i.description {
        out.push_str(&format!(" --description {}", quote(d)));
    }
    if let Some(f) = &i.data_filter {
        out.push_str(&format!(" --data-filter {}", quote(f)));
    }
    if let Some(k) = &i.kms_key_id {
        out.push_str(&format!(" --kms-key-id {}", shell_word(k)));
    }
    let mut config = Vec::new();
    if let Some(interval) = &i.refresh_interval {
        config.push(format!("RefreshInterval={}", shorthand_value(interval)));
    }
    if let Some(sync) = i.continuous_sync {
        config.push(format!("ContinuousSync={sync}"));
    }
    if !config.is_empty() {
        out.push_str(&format!(
            " --integration-config {}",
            shell_word(&config.join(","))
        ));
    }
    out
}

fn integration_name(i: &Integration) -> String {
    i.integration_name.clone().unwrap_or_else(|| {
        i.integration_arn
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .to_string()
    })
}

/// Whether the table policy pins this integration's ARN in a condition (a recreated
/// integration gets a new ARN, so the policy must change too).
fn policy_names(facts: &PairFacts<'_>, integration_arn: &str) -> bool {
    let Some(Fact::Known(Some(p))) = facts.table().map(|t| &t.resource_policy) else {
        return false;
    };
    p.policy.to_value().to_string().contains(integration_arn)
}

fn recreate_problem(key: &str, facts: &PairFacts<'_>, i: &Integration) -> Problem {
    let mut p = Problem::new(key, i.integration_arn.clone())
        .param("integration_arn", i.integration_arn.clone())
        .param("integration_name", integration_name(i))
        .param("source_arn", facts.table_arn.clone())
        .param("target_arn", facts.database_arn.clone())
        .param("integration_source", i.source_arn.clone())
        .param("integration_target", i.target_arn.clone())
        .param("create_options", create_options(i));
    if policy_names(facts, &i.integration_arn) {
        p = p
            .fix_variant("source_arn_pinned")
            .param("old_integration_arn", i.integration_arn.clone());
    }
    p
}

pub fn zi002_integration_failed(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let i = match integration(ctx, facts) {
        Ok(i) => i,
        Err(o) => return o,
    };
    if i.status != "FAILED" {
        return Outcome::pass(status_evidence(i));
    }
    let errors: Vec<&str> = i
        .errors
        .iter()
        .filter_map(|e| e.error_message.as_deref())
        .collect();
    // Each error linked to the rules that explain it, as for NEEDS_ATTENTION: a cause that
    // still fails here makes a recreated integration fail again.
    let (mut failing, mut other): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    for e in &i.errors {
        let message = e.error_message.as_deref().unwrap_or_default();
        let (f, o) = errors::link(
            ctx.catalog,
            message,
            e.error_code.as_deref(),
            &|id: &str| ctx.failed(id),
        );
        for (from, into) in [(f, &mut failing), (o, &mut other)] {
            for id in from {
                if !into.contains(&id) {
                    into.push(id);
                }
            }
        }
    }
    other.retain(|id| !failing.contains(id));
    let key = if failing.is_empty() {
        "fail"
    } else {
        "fail_cause_present"
    };
    Outcome::fail(
        recreate_problem(key, facts, i)
            .param("failing_rules", failing.join(", "))
            .param("other_rules", other.join(", "))
            .evidence(json!({
                "integration_arn": i.integration_arn,
                "status": i.status,
                "errors": errors,
                "failing_rules": failing,
                "other_rules": other,
                "table_policy_names_integration": policy_names(facts, &i.integration_arn),
            })),
    )
}

fn minutes_since(now: DateTime<Utc>, then: DateTime<Utc>) -> i64 {
    (now - then).num_minutes()
}

pub fn zi003_integration_creating_too_long(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let i = match integration(ctx, facts) {
        Ok(i) => i,
        Err(o) => return o,
    };
    if i.status != "CREATING" {
        return Outcome::pass(status_evidence(i));
    }
    let Some(created) = i.create_time else {
        return Outcome::unknown(sentence("unknown.creating_without_create_time", &[]), None);
    };
    let minutes = minutes_since(facts.now(), created);
    let threshold = ctx.settings.creating_threshold_minutes;
    let evidence = json!({"status": i.status, "create_time": created, "minutes": minutes, "threshold_minutes": threshold});
    if minutes > i64::from(threshold) {
        Outcome::fail(
            Problem::new("fail", i.integration_arn.clone())
                .param("integration_arn", i.integration_arn.clone())
                .param("minutes", minutes.to_string())
                .param("threshold", threshold.to_string())
                .param("create_time", timestamp(created))
                .evidence(evidence),
        )
    } else {
        Outcome::pass(evidence)
    }
}

pub fn zi004_integration_wrong_source_or_target(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let i = match integration(ctx, facts) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let evidence = json!({
        "integration_arn": i.integration_arn,
        "integration_source": i.source_arn,
        "integration_target": i.target_arn,
        "expected_source": facts.table_arn,
        "expected_target": facts.database_arn,
    });
    if i.source_arn == facts.table_arn && i.target_arn == facts.database_arn {
        Outcome::pass(evidence)
    } else {
        Outcome::fail(recreate_problem("fail", facts, i).evidence(evidence))
    }
}

pub fn zi005_integration_role_differs(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let i = match integration(ctx, facts) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let Some(wanted) = &facts.target_role else {
        return Outcome::skipped(sentence("skip.no_target_role_to_compare", &[]));
    };
    let property = match facts.resource_property() {
        Fact::Known(p) => p,
        Fact::Unknown(u) => {
            return Outcome::from_unknown_fact("glue:GetIntegrationResourceProperty", &u)
        }
    };
    let configured = property.and_then(|p| p.role_arn.clone());
    let evidence = json!({"integration_arn": i.integration_arn, "configured_role": configured, "expected_role": wanted});
    match configured {
        Some(c) if !same_role(&c, wanted) => Outcome::fail(
            Problem::new("fail", facts.database_arn.clone())
                .param("integration_arn", i.integration_arn.clone())
                .param("configured_role", c)
                .param("kept_properties", kept_target_properties(property))
                .evidence(evidence),
        ),
        // No property at all with an integration in place is unusual but not this rule's case.
        _ => Outcome::pass(evidence),
    }
}

pub fn zi006_replication_timing(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let i = match integration(ctx, facts) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let interval = i
        .refresh_interval
        .clone()
        .unwrap_or_else(|| DEFAULT_REFRESH_INTERVAL.to_string());
    let last_sync = i
        .last_sync
        .as_ref()
        .and_then(|f| f.known().copied().flatten());
    let evidence = json!({
        "integration_arn": i.integration_arn,
        "status": i.status,
        "refresh_interval_minutes": interval,
        "refresh_interval_configured": i.refresh_interval.is_some(),
        "create_time": i.create_time,
        "last_sync": last_sync,
    });
    let base = Problem::new("active", i.integration_arn.clone())
        .param("integration_arn", i.integration_arn.clone())
        .param("refresh_interval", interval)
        .param("status", i.status.clone());
    let problem = if i.continuous_sync == Some(false) {
        // An on-demand snapshot copies the table once; there is no interval to wait for.
        Problem {
            message_key: "on_demand".into(),
            ..base
        }
        .fix_variant("on_demand")
    } else if i.status == "ACTIVE" && last_sync.is_some() {
        // Data is flowing: nothing here is mistaken for a fault.
        return Outcome::pass(evidence);
    } else if i.status == "SYNCING" {
        Problem {
            message_key: "syncing".into(),
            ..base
        }
    } else if i.status == "FAILED" {
        // Nothing more arrives: a FAILED integration is recreated, never resumed.
        let key = if last_sync.is_some() {
            "failed_delivered"
        } else {
            "failed"
        };
        Problem {
            message_key: key.into(),
            ..base
        }
        .param("last_sync", last_sync.map(timestamp).unwrap_or_default())
        .fix_variant("failed")
    } else if let (false, Some(t)) = (i.status == "ACTIVE", last_sync) {
        // It delivered data before: the target keeps it; this is not "no data until ACTIVE".
        Problem {
            message_key: "not_active_delivered".into(),
            ..base
        }
        .param("last_sync", timestamp(t))
    } else if i.status != "ACTIVE" {
        Problem {
            message_key: "not_active".into(),
            ..base
        }
    } else if matches!(i.last_sync, Some(Fact::Known(None))) {
        let created = i.create_time.map(timestamp).unwrap_or_default();
        Problem {
            message_key: "active_not_synced".into(),
            ..base
        }
        .param("create_time", created)
    } else {
        base
    };
    Outcome::fail(problem.evidence(evidence))
}

/// A create-integration name for the pair: letters, digits and dashes.
fn suggested_name(facts: &PairFacts<'_>) -> String {
    let raw = format!("{}-to-{}", facts.table_name, facts.database_name);
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(128);
    name
}

pub fn zi007_no_integration_yet(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    match &facts.integration {
        Fact::Unknown(u) => Outcome::from_unknown_fact("glue:DescribeIntegrations", u),
        Fact::Known(Some(found)) => Outcome::pass(status_evidence(found.integration)),
        Fact::Known(None) => Outcome::fail(
            Problem::new("fail", facts.table_arn.clone())
                .param("integration_name", suggested_name(facts))
                .evidence(json!({"integration": null, "source_arn": facts.table_arn, "target_arn": facts.database_arn})),
        ),
    }
}

/// The source table's integration table properties as GetIntegrationTableProperties gave them
/// (`None`: there are none), or the outcome when they were not read.
fn table_properties<'s>(facts: &PairFacts<'s>) -> Result<Option<&'s TableProperties>, Outcome> {
    let Some(by_table) = facts.snapshot.table_properties.get(&facts.database_arn) else {
        return Err(Outcome::unknown(
            sentence(
                "unknown.no_table_properties_entry",
                &[("database", &facts.database_arn)],
            ),
            Some("glue:GetIntegrationTableProperties".into()),
        ));
    };
    match by_table.get(&facts.table_name) {
        Some(Fact::Known(Some(p))) => Ok(Some(p)),
        Some(Fact::Unknown(u)) => Err(Outcome::from_unknown_fact(
            "glue:GetIntegrationTableProperties",
            u,
        )),
        Some(Fact::Known(None)) | None => Ok(None),
    }
}

pub fn zi008_table_properties_missing(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    match table_properties(facts) {
        Err(o) => o,
        Ok(Some(p)) => Outcome::pass(json!({"table_properties": p})),
        // AWS asks for them before CreateIntegration cross-account, and for every CLI, API
        // or IaC user in the same account too (the console's wizard creates them itself).
        Ok(None) => Outcome::fail(
            Problem::new(
                if facts.cross_account() { "fail" } else { "same_account" },
                facts.database_arn.clone(),
            )
                .evidence(json!({"resource_arn": facts.database_arn, "table_name": facts.table_name, "table_properties": null})),
        ),
    }
}

/// The partition functions AWS allows a `ConversionSpec` with (IntegrationPartition).
const TIMESTAMP_FUNCTIONS: [&str; 4] = ["year", "month", "day", "hour"];

/// ZI010: a partition field of the table properties has a `ConversionSpec` only with a
/// timestamp partition function (AWS's API reference, IntegrationPartition).
pub fn zi010_table_properties_conversion_spec(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let properties = match table_properties(facts) {
        Ok(Some(p)) => p,
        Ok(None) => return Outcome::skipped(ctx.text("skip_no_properties", &[])),
        Err(o) => return o,
    };
    let misplaced = |f: &PartitionField| {
        f.conversion_spec.is_some()
            && !f
                .function_spec
                .as_deref()
                .is_some_and(|function| TIMESTAMP_FUNCTIONS.contains(&function))
    };
    // AWS also advises against `identity` on high-cardinality columns, primary keys first:
    // information, judged against the table's key schema.
    let identity: Vec<&PartitionField> = properties
        .partition_spec
        .iter()
        .filter(|f| f.function_spec.as_deref() == Some("identity"))
        .collect();
    let key_schema = match key_schema(facts) {
        Ok(k) => k,
        Err(_) if identity.is_empty() => None,
        // An unread key schema leaves only the identity advice open: a definite failure below
        // is still reported.
        Err(o)
            if !properties.partition_spec.iter().any(misplaced)
                && properties.partition_spec.len() <= MAX_PARTITION_FIELDS =>
        {
            return o
        }
        Err(_) => None,
    };
    let on_key: Vec<Problem> = identity
        .iter()
        .filter_map(|f| {
            let key = key_schema?
                .iter()
                .find(|k| k.attribute_name == f.field_name)?;
            let mut p = Problem::new(
                if key.key_type == "RANGE" {
                    "identity_on_sort_key"
                } else {
                    "identity_on_partition_key"
                },
                facts.database_arn.clone(),
            )
            .param("field", f.field_name.clone())
            .fix_variant("identity_on_key")
            .evidence(json!({"partition_field": f, "key": key, "table_name": facts.table_name}));
            p.severity = Some(Severity::Info);
            Some(p)
        })
        .collect();
    // AWS: "The maximum number of partition columns is limited to 10."
    let too_many = (properties.partition_spec.len() > MAX_PARTITION_FIELDS).then(|| {
        Problem::new("too_many_fields", facts.database_arn.clone())
            .param("count", properties.partition_spec.len().to_string())
            .param("max", MAX_PARTITION_FIELDS.to_string())
            .fix_variant("too_many_fields")
            .evidence(json!({"partition_spec": properties.partition_spec, "table_name": facts.table_name}))
    });
    if !properties.partition_spec.iter().any(misplaced) {
        let problems: Vec<Problem> = too_many.into_iter().chain(on_key).collect();
        if !problems.is_empty() {
            return Outcome::Fail(problems);
        }
        return Outcome::pass(json!({"partition_spec": properties.partition_spec}));
    }
    // AWS: "Partition specifications cannot be changed after an integration is created": with
    // an integration, the corrected properties take effect in a new one.
    let existing = match &facts.integration {
        Fact::Known(Some(found)) => Some(found.integration.integration_arn.clone()),
        _ => None,
    };
    // The corrected configuration: the same, without the misplaced ConversionSpecs.
    let corrected = json!({
        "UnnestSpec": properties.unnest_spec,
        "PartitionSpec": properties.partition_spec.iter().map(|f| json!({
            "FieldName": f.field_name,
            "FunctionSpec": f.function_spec,
            "ConversionSpec": if misplaced(f) { None } else { f.conversion_spec.clone() },
        })).collect::<Vec<_>>(),
        "TargetTableName": properties.target_table_name,
    });
    let config = shell_word(&without_nulls(corrected).to_string());
    Outcome::Fail(
        properties
            .partition_spec
            .iter()
            .filter(|f| misplaced(f))
            .map(|f| {
                let conversion = f.conversion_spec.clone().unwrap_or_default();
                let problem = match &f.function_spec {
                    Some(function) => Problem::new("fail", facts.database_arn.clone())
                        .param("function", function.clone()),
                    None => Problem::new("no_function", facts.database_arn.clone()),
                };
                let problem = problem
                    .param("field", f.field_name.clone())
                    .param("conversion", conversion)
                    .param("target_table_config", config.clone())
                    .evidence(json!({"partition_field": f, "table_name": facts.table_name}));
                match &existing {
                    Some(arn) => problem
                        .param("integration", arn.clone())
                        .fix_variant("recreate"),
                    None => problem,
                }
            })
            .chain(too_many)
            .chain(on_key)
            .collect(),
    )
}

/// The most partition fields a table's properties may hold (AWS's partitioning limitations).
const MAX_PARTITION_FIELDS: usize = 10;

/// The source table's primary key as DescribeTable gave it: `Ok(None)` when the table does not
/// exist (ZS001), the outcome when it was not read.
fn key_schema<'s>(facts: &PairFacts<'s>) -> Result<Option<&'s Vec<KeyElement>>, Outcome> {
    let not_read = || {
        Outcome::unknown(
            sentence("unknown.no_key_schema", &[("table", &facts.table_arn)]),
            Some("dynamodb:DescribeTable".into()),
        )
    };
    let Some(table) = facts.table() else {
        return Err(not_read());
    };
    match &table.description {
        Fact::Known(None) => Ok(None),
        Fact::Known(Some(d)) => d.key_schema.as_ref().map(Some).ok_or_else(not_read),
        Fact::Unknown(u) => Err(Outcome::from_unknown_fact("dynamodb:DescribeTable", u)),
    }
}

/// `value` without its `null` members (AWS rejects a `null` in a request's JSON).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}
