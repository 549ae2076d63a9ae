//! When an integration last synced (rule ZI006): the `LastSyncTimestamp` metric in namespace
//! `AWS/Glue/ZeroETL`, read in the target account (where the target-side processing reports).
//!
//! The Glue monitoring guide (https://docs.aws.amazon.com/glue/latest/dg/zero-etl-monitoring.html,
//! facts §4) lists the namespace, the metrics `InsertCount`, `UpdateCount`, `DeleteCount`,
//! `IngestionSucceeded`, `IngestionFailed`, `LastSyncTimestamp`, and the dimensions
//! `integrationArn`, `loadType`, `tableName`. A metric is only found with ALL its dimensions,
//! so the collector lists the metric's dimension sets (ListMetrics) and keeps those whose
//! integration dimension is this integration (name compared without case, as the guide and
//! the brief spell it differently), then reads their maximum (GetMetricData).
//! The guide gives no unit for the value: it is read as epoch seconds, or epoch milliseconds
//! when it is too large to be seconds; a value that is neither falls back to the time of the
//! newest datapoint.

use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, MetricStat, ScanBy};
use chrono::{DateTime, Duration, Utc};

use super::actions::{CW_GET_METRIC_DATA, CW_LIST_METRICS};
use super::call::{call, next_page, to_chrono};
use super::clients::Account;
use crate::snapshot::Fact;

pub const NAMESPACE: &str = "AWS/Glue/ZeroETL";
pub const METRIC: &str = "LastSyncTimestamp";
const INTEGRATION_DIMENSION: &str = "integrationArn";

/// How far back to look: longer than the longest refresh interval (8640 minutes = 6 days).
const WINDOW_DAYS: i64 = 7;
/// One datapoint per hour per dimension set is plenty for a "last" value.
const PERIOD_SECONDS: i32 = 3600;
/// Pages read at most per listing.
const MAX_PAGES: usize = 20;
/// GetMetricData takes at most 500 queries per call.
const MAX_QUERIES: usize = 500;

/// The newest sync time of `integration_arn` up to `now`. `Known(None)`: no datapoint.
pub async fn last_sync(
    account: &Account,
    integration_arn: &str,
    now: DateTime<Utc>,
) -> Fact<Option<DateTime<Utc>>> {
    last_syncs(account, &[integration_arn.to_string()], now)
        .await
        .pop()
        .unwrap_or(Fact::Known(None))
}

/// The newest sync time of each integration, in order, however many there are: the metric's
/// dimension sets are listed once (ListMetrics names no integration) and the datapoints of
/// every integration's sets are read together (one GetMetricData per 500 sets).
pub async fn last_syncs(
    account: &Account,
    integration_arns: &[String],
    now: DateTime<Utc>,
) -> Vec<Fact<Option<DateTime<Utc>>>> {
    let n = integration_arns.len();
    if n == 0 {
        return Vec::new();
    }
    let cw = &account.clients.cloudwatch;
    let all_unknown = |u: crate::snapshot::Unknown| vec![Fact::Unknown(u); n];
    // Each dimension set with the index of the integration it belongs to.
    let mut metrics: Vec<(usize, Metric)> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = call(account, CW_LIST_METRICS, || {
            cw.list_metrics()
                .namespace(NAMESPACE)
                .metric_name(METRIC)
                .set_next_token(token.clone())
                .send()
        })
        .await;
        let out = match page {
            Ok(out) => out,
            Err(e) => return all_unknown(e.unknown),
        };
        metrics.extend(out.metrics().iter().filter_map(|m| {
            integration_arns
                .iter()
                .position(|arn| is_for(m, arn))
                .map(|i| (i, m.clone()))
        }));
        match next_page(out.next_token(), &token) {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    let mut newest: Vec<Option<DateTime<Utc>>> = vec![None; n];
    let start = sdk_time(now - Duration::days(WINDOW_DAYS));
    let end = sdk_time(now);
    for chunk in metrics.chunks(MAX_QUERIES) {
        let queries: Vec<MetricDataQuery> = chunk
            .iter()
            .enumerate()
            .map(|(i, (_, metric))| {
                MetricDataQuery::builder()
                    .id(format!("m{i}"))
                    .metric_stat(
                        MetricStat::builder()
                            .metric(metric.clone())
                            .period(PERIOD_SECONDS)
                            .stat("Maximum")
                            .build(),
                    )
                    .return_data(true)
                    .build()
            })
            .collect();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = call(account, CW_GET_METRIC_DATA, || {
                cw.get_metric_data()
                    .set_metric_data_queries(Some(queries.clone()))
                    .start_time(start)
                    .end_time(end)
                    .scan_by(ScanBy::TimestampDescending)
                    .set_next_token(token.clone())
                    .send()
            })
            .await;
            let out = match page {
                Ok(out) => out,
                Err(e) => return all_unknown(e.unknown),
            };
            for result in out.metric_data_results() {
                // The query id says whose dimension set it is; a single set needs no id.
                let owner = result
                    .id()
                    .and_then(|id| id.strip_prefix('m')?.parse::<usize>().ok())
                    .and_then(|q| chunk.get(q))
                    .or((chunk.len() == 1).then(|| &chunk[0]))
                    .map(|(owner, _)| *owner);
                let Some(owner) = owner else { continue };
                for (value, at) in result.values().iter().zip(result.timestamps()) {
                    let t = sync_time(*value, now).or_else(|| to_chrono(at));
                    newest[owner] = newest[owner].max(t);
                }
            }
            match next_page(out.next_token(), &token) {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    newest.into_iter().map(Fact::Known).collect()
}

fn is_for(metric: &Metric, integration_arn: &str) -> bool {
    metric.dimensions().iter().any(|d| {
        d.name()
            .is_some_and(|n| n.eq_ignore_ascii_case(INTEGRATION_DIMENSION))
            && d.value() == Some(integration_arn)
    })
}

/// The metric value as a time: epoch seconds, or milliseconds when too large for seconds.
/// `None` when it is neither a plausible past time nor at most a day ahead of `now`.
pub fn sync_time(value: f64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    // 1e11 seconds is the year 5138; 1e11 milliseconds is 1973.
    let millis = if value >= 1e11 { value } else { value * 1000.0 };
    let t = DateTime::from_timestamp_millis(millis as i64)?;
    let earliest = DateTime::from_timestamp(1_577_836_800, 0)?; // 2020-01-01, before zero-ETL
    (t >= earliest && t <= now + Duration::days(1)).then_some(t)
}

fn sdk_time(t: DateTime<Utc>) -> aws_sdk_cloudwatch::primitives::DateTime {
    aws_sdk_cloudwatch::primitives::DateTime::from_millis(t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_seconds_and_milliseconds_are_both_read() {
        let now = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let t = DateTime::from_timestamp(1_794_999_000, 0).unwrap();
        assert_eq!(sync_time(1_794_999_000.0, now), Some(t));
        assert_eq!(sync_time(1_794_999_000_000.0, now), Some(t));
        assert_eq!(sync_time(0.0, now), None);
        assert_eq!(sync_time(f64::NAN, now), None);
        assert_eq!(sync_time(42.0, now), None);
        assert_eq!(sync_time(1_900_000_000.0, now), None);
    }
}
