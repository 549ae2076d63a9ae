//! The source table's DynamoDB exports (ListExports filtered to the table, DescribeExport),
//! read in the source account while an integration's initial load runs.
//!
//! Glue's zero-ETL integration reads a DynamoDB table through exports (which is why it needs
//! point-in-time recovery and `dynamodb:ExportTableToPointInTime` in the table policy). If
//! DynamoDB lists those exports to the table's account, the newest one started since the
//! integration was created is its initial (or re-seed) load; zetl cannot tell an export the
//! integration started from one a person started in the same time, so it says "source table
//! export", not "the integration's export".

use chrono::{DateTime, Utc};

use crate::collect::actions::{DDB_DESCRIBE_EXPORT, DDB_LIST_EXPORTS};
use crate::collect::call::{call, next_page, to_chrono};
use crate::collect::clients::Account;
use crate::snapshot::Fact;
use crate::watch::machine::Export;

/// Pages of ListExports read at most (25 summaries each).
const MAX_PAGES: usize = 4;
/// DescribeExport calls at most per poll.
const MAX_DESCRIBED: usize = 3;

/// The newest export of `table_arn` that started at or after `since` (the integration's
/// CreateTime). `Known(None)`: there is none.
pub async fn newest(
    account: &Account,
    table_arn: &str,
    since: Option<DateTime<Utc>>,
) -> Fact<Option<Export>> {
    let ddb = &account.clients.dynamodb;
    let mut summaries: Vec<(String, bool)> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = call(account, DDB_LIST_EXPORTS, || {
            ddb.list_exports()
                .table_arn(table_arn)
                .max_results(25)
                .set_next_token(token.clone())
                .send()
        })
        .await;
        let out = match page {
            Ok(out) => out,
            Err(e) => return Fact::Unknown(e.unknown),
        };
        for s in out.export_summaries() {
            if let Some(arn) = s.export_arn() {
                let running = s.export_status().map(|x| x.as_str()) == Some("IN_PROGRESS");
                summaries.push((arn.to_string(), running));
            }
        }
        match next_page(out.next_token(), &token) {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    // Running exports first; among the others the greatest ARN (export IDs begin with the
    // start time), then DescribeExport settles which is newest by its StartTime.
    summaries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    summaries.truncate(MAX_DESCRIBED);
    let mut newest: Option<Export> = None;
    for (arn, _) in summaries {
        let described = call(account, DDB_DESCRIBE_EXPORT, || {
            ddb.describe_export().export_arn(&arn).send()
        })
        .await;
        let out = match described {
            Ok(out) => out,
            Err(e) if e.is(&["ExportNotFoundException"]) => continue,
            Err(e) => return Fact::Unknown(e.unknown),
        };
        let Some(d) = out.export_description() else {
            continue;
        };
        let export = Export {
            arn: d.export_arn().unwrap_or(&arn).to_string(),
            status: d
                .export_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            export_type: d.export_type().map(|t| t.as_str().to_string()),
            start_time: d.start_time().and_then(to_chrono),
            end_time: d.end_time().and_then(to_chrono),
            billed_size_bytes: d.billed_size_bytes().and_then(|n| u64::try_from(n).ok()),
            item_count: d.item_count().and_then(|n| u64::try_from(n).ok()),
            failure: match (d.failure_code(), d.failure_message()) {
                (None, None) => None,
                (code, message) => Some(
                    [code, message]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(": "),
                ),
            },
        };
        let recent = match (since, export.start_time) {
            (Some(since), Some(start)) => start >= since,
            _ => true,
        };
        if recent
            && newest
                .as_ref()
                .is_none_or(|n| export.start_time > n.start_time)
        {
            newest = Some(export);
        }
    }
    Fact::Known(newest)
}
