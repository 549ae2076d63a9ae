//! What an integration logged (rule ZI009): the newest events of its CloudWatch Logs stream, in
//! the source and the target account, read-only and bounded.
//!
//! AWS's Glue monitoring guide (<https://docs.aws.amazon.com/glue/latest/dg/zero-etl-monitoring.html>,
//! "Viewing Amazon CloudWatch logs for an integration") says:
//!
//! > AWS Glue zero-ETL integrations generate Amazon CloudWatch logs for visibility into your
//! > data movement. Log events relating to each successful ingestion or any failures
//! > experienced due to problematic data records at source, or data write errors due to
//! > schema changes or insufficient permissions are emitted to a default log group created in
//! > a customer account.
//! >
//! > For each integration created, the log events for that integration will be collected under
//! > `/aws-glue/zeroETL-integrations/logs/` in Amazon Cloudwatch. Inside the log group, log
//! > messages will be split into log streams. Each integration created has a dedicated log
//! > stream to where all logs for that integration are written. For example, logs for an
//! > integration with IntegrationArn
//! > `arn:aws:glue:us-east-1:123456789012:integration:03cabe77-79e7-4b7a-b3da-8c160bea6bbf` can
//! > be found under /aws-glue/zeroETL-integrations/logs/03cabe77-79e7-4b7a-b3da-8c160bea6bbf.
//! > {IntegrationId} can be referenced from the {integrationArn} generated when an integration
//! > is created.
//! >
//! > For a cross-account scenario, source processing logs are emitted in the source account
//! > where the integration exists and target processing logs are emitted in the target account
//! > where the target database exists.
//!
//! (A later version of the page calls `/aws-glue/zeroETL-integrations/logs/{IntegrationId}`
//! "the complete log stream path".) So the stream is named by the integration id, the last
//! part of its ARN, and both accounts may hold one. Whether the group's name ends in `/` the
//! page leaves open (the group "under `/aws-glue/zeroETL-integrations/logs/`", the path the
//! group and the stream joined by `/`): the collector asks for the page's spelling first and,
//! when that group does not exist, for the one without the slash. Both missing is no failure:
//! nothing was logged there (a known, empty read). The event format (documented by example
//! only) is parsed tolerantly by `IngestionEvent::parse` (`zetl-core`, snapshot/ingestion.rs).
//!
//! GetLogEvents, not FilterLogEvents: it reads one stream newest first (`startFromHead`
//! false), so a bounded read holds the latest outcome of each table; FilterLogEvents returns
//! the oldest events of the window first. Bounds: the 24 hours before the snapshot's time,
//! at most [`MAX_PAGES`] pages of [`PAGE_SIZE`] events per account and integration.

use chrono::{DateTime, Duration, Utc};

use super::actions::LOGS_GET_LOG_EVENTS;
use super::call::{call, next_page};
use super::clients::Account;
use crate::rules::values::LOG_GROUP;
use crate::snapshot::{Fact, IngestionEvent, IngestionLogs, Integration};
use std::collections::BTreeMap;

/// How far back to read.
pub const WINDOW_HOURS: i64 = 24;
/// Events per GetLogEvents call.
pub const PAGE_SIZE: i32 = 50;
/// Calls per stream (backwards from the newest event): at most 100 events.
pub const MAX_PAGES: usize = 2;

/// GetLogEvents' answer when the group or the stream does not exist.
const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// The log group names to try, the page's spelling first.
pub fn log_groups() -> [&'static str; 2] {
    [LOG_GROUP, LOG_GROUP.trim_end_matches('/')]
}

/// The stream of `integration_arn`: its id, the part after the last `:` (or `/`).
pub fn stream_name(integration_arn: &str) -> &str {
    integration_arn
        .rsplit([':', '/'])
        .next()
        .unwrap_or(integration_arn)
}

/// The newest events of the integration's stream in `account`, up to `now`.
pub async fn ingestion_logs(
    account: &Account,
    integration_arn: &str,
    now: DateTime<Utc>,
) -> Fact<IngestionLogs> {
    let stream = stream_name(integration_arn);
    for group in log_groups() {
        match read_stream(account, group, stream, now).await {
            Read::Events(events) => {
                return Fact::Known(IngestionLogs {
                    log_group: Some(group.to_string()),
                    events,
                })
            }
            // The group exists, the stream not (yet): nothing logged for this integration.
            Read::NoStream => {
                return Fact::Known(IngestionLogs {
                    log_group: Some(group.to_string()),
                    events: Vec::new(),
                })
            }
            Read::NoGroup => continue,
            Read::Failed(fact) => return fact,
        }
    }
    Fact::Known(IngestionLogs::default())
}

enum Read {
    Events(Vec<IngestionEvent>),
    NoGroup,
    NoStream,
    Failed(Fact<IngestionLogs>),
}

async fn read_stream(account: &Account, group: &str, stream: &str, now: DateTime<Utc>) -> Read {
    let logs = &account.clients.logs;
    let start = (now - Duration::hours(WINDOW_HOURS)).timestamp_millis();
    // GetLogEvents' end time is exclusive: include an event logged at `now`.
    let end = now.timestamp_millis() + 1;
    let mut events: Vec<IngestionEvent> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = call(account, LOGS_GET_LOG_EVENTS, || {
            logs.get_log_events()
                .log_group_name(group)
                .log_stream_name(stream)
                .start_time(start)
                .end_time(end)
                .limit(PAGE_SIZE)
                .start_from_head(false)
                .set_next_token(token.clone())
                .send()
        })
        .await;
        let out = match page {
            Ok(out) => out,
            Err(e) if e.is(NOT_FOUND) && events.is_empty() && token.is_none() => {
                let message = e.unknown.message.unwrap_or_default().to_ascii_lowercase();
                return if message.contains("stream") && !message.contains("group") {
                    Read::NoStream
                } else {
                    Read::NoGroup
                };
            }
            Err(e) => return Read::Failed(Fact::Unknown(e.unknown)),
        };
        for e in out.events() {
            let millis = e.timestamp().or(e.ingestion_time());
            let Some(time) = millis.and_then(DateTime::from_timestamp_millis) else {
                continue;
            };
            events.push(IngestionEvent::parse(time, e.message().unwrap_or_default()));
        }
        // Backwards; the same token again means the start of the stream was reached.
        match next_page(out.next_backward_token(), &token) {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    events.sort_by_key(|e| e.time);
    Read::Events(events)
}

/// Which integrations' logs to read in which account: every integration of each side's list
/// (the collector keeps those lists to the integrations of the pairs).
pub fn every(
    source_side: &Fact<BTreeMap<String, Integration>>,
    target_side: &Fact<BTreeMap<String, Integration>>,
) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for (source, side) in [(true, source_side), (false, target_side)] {
        for arn in side.known().into_iter().flat_map(|m| m.keys()) {
            out.push((source, arn.clone()));
        }
    }
    out
}

/// Reads what `every` lists (`true`: in the source account). One account that holds both
/// sides (same account and region) is read once per integration.
pub async fn read(
    source: &Account,
    target: &Account,
    wanted: Vec<(bool, String)>,
    now: DateTime<Utc>,
) -> Vec<(bool, String, Fact<IngestionLogs>)> {
    let same = source.id == target.id && source.region == target.region;
    let mut distinct: Vec<(bool, String)> = Vec::new();
    for (in_source, arn) in &wanted {
        let key = (*in_source && !same, arn.clone());
        if !distinct.contains(&key) {
            distinct.push(key);
        }
    }
    let reads = futures::future::join_all(distinct.iter().map(|(in_source, arn)| {
        let account = if *in_source { source } else { target };
        ingestion_logs(account, arn, now)
    }))
    .await;
    wanted
        .into_iter()
        .map(|(in_source, arn)| {
            let key = (in_source && !same, arn.clone());
            let at = distinct.iter().position(|d| *d == key).unwrap_or(0);
            (in_source, arn, reads[at].clone())
        })
        .collect()
}

/// Puts each read on its side's copy of the integration.
pub fn attach(
    source_side: &mut Fact<BTreeMap<String, Integration>>,
    target_side: &mut Fact<BTreeMap<String, Integration>>,
    reads: Vec<(bool, String, Fact<IngestionLogs>)>,
) {
    for (in_source, arn, fact) in reads {
        let side = if in_source {
            &mut *source_side
        } else {
            &mut *target_side
        };
        if let Fact::Known(map) = side {
            if let Some(i) = map.get_mut(&arn) {
                i.ingestion_logs = Some(fact);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_the_integration_id() {
        assert_eq!(
            stream_name(
                "arn:aws:glue:us-east-1:123456789012:integration:03cabe77-79e7-4b7a-b3da-8c160bea6bbf"
            ),
            "03cabe77-79e7-4b7a-b3da-8c160bea6bbf"
        );
        assert_eq!(stream_name("integration/1a012bba"), "1a012bba");
    }

    #[test]
    fn both_spellings_of_the_group_are_tried_the_pages_first() {
        assert_eq!(
            log_groups(),
            [
                "/aws-glue/zeroETL-integrations/logs/",
                "/aws-glue/zeroETL-integrations/logs"
            ]
        );
    }
}
