//! The integration's CloudWatch Logs stream (rule ZI009), driven through the real collector
//! over aws-smithy-mocks clients: events found and parsed, no log group, access denied, the
//! paging bound, and both accounts read in a whole collection.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::operation::get_log_events::{GetLogEventsError, GetLogEventsOutput};
use aws_sdk_cloudwatchlogs::types::OutputLogEvent;

use super::*;
use crate::snapshot::{IngestionEvent, IngestionLogs};

const STREAM: &str = "0f6b1d5e-aaaa-bbbb-cccc-000000000001";
const GROUP: &str = "/aws-glue/zeroETL-integrations/logs/";
const FAILED: &str = r#"{"integrationArn":"arn:aws:glue:us-east-1:111111111111:integration:0f6b1d5e-aaaa-bbbb-cccc-000000000001","messageType":"IngestionFailed","details":{"tableName":"orders","errorMessage":"Failed to ingest data with error: Target Glue database not found.","error_code":"client_error"}}"#;
const STARTED: &str = r#"{"messageType":"IngestionStarted","details":{"tableName":"orders","message":"Ingestion Job started"}}"#;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_000_100, 0).unwrap()
}

fn event(secs: i64, message: &str) -> OutputLogEvent {
    OutputLogEvent::builder()
        .timestamp(secs * 1000)
        .message(message)
        .ingestion_time(secs * 1000 + 500)
        .build()
}

fn logs_account(id: &str, rules: Vec<Rule>) -> Account {
    account(
        id,
        &Mocks {
            logs: rules,
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    )
}

fn not_found(what: &'static str) -> impl Fn() -> GetLogEventsError + Send + Sync {
    move || {
        GetLogEventsError::generic(
            aws_sdk_cloudwatchlogs::error::ErrorMetadata::builder()
                .code("ResourceNotFoundException")
                .message(format!("The specified log {what} does not exist."))
                .build(),
        )
    }
}

/// The newest page, then the start of the stream (the same token back).
fn two_pages() -> (Rule, Rule) {
    let newest = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| {
            r.log_group_name() == Some(GROUP)
                && r.log_stream_name() == Some(STREAM)
                && r.start_from_head() == Some(false)
                && r.limit() == Some(50)
                && r.next_token().is_none()
                // The last 24 hours up to the snapshot's time.
                && r.start_time() == Some((1_795_000_100 - 24 * 3600) * 1000)
                && r.end_time() == Some(1_795_000_100 * 1000 + 1)
        })
        .then_output(|| {
            GetLogEventsOutput::builder()
                .events(event(1_794_999_000, STARTED))
                .events(event(1_794_999_060, FAILED))
                .next_backward_token("b/1")
                .next_forward_token("f/1")
                .build()
        });
    let older = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.next_token() == Some("b/1"))
        .then_output(|| {
            GetLogEventsOutput::builder()
                .events(event(1_794_998_000, "not json at all"))
                .next_backward_token("b/1")
                .build()
        });
    (newest, older)
}

#[tokio::test]
async fn events_are_read_newest_first_and_parsed() {
    let (newest, older) = two_pages();
    let src = logs_account(SRC, vec![newest.clone(), older.clone()]);
    let got = logs::ingestion_logs(&src, INTEGRATION_ARN, now()).await;
    let t = |s: i64| chrono_ts(s).unwrap();
    assert_eq!(
        got,
        Fact::Known(IngestionLogs {
            log_group: Some(GROUP.to_string()),
            events: vec![
                IngestionEvent {
                    time: t(1_794_998_000),
                    event_type: None,
                    table: None,
                    message: Some("not json at all".to_string()),
                    error_code: None,
                },
                IngestionEvent {
                    time: t(1_794_999_000),
                    event_type: Some("IngestionStarted".to_string()),
                    table: Some("orders".to_string()),
                    message: Some("Ingestion Job started".to_string()),
                    error_code: None,
                },
                IngestionEvent {
                    time: t(1_794_999_060),
                    event_type: Some("IngestionFailed".to_string()),
                    table: Some("orders".to_string()),
                    message: Some(
                        "Failed to ingest data with error: Target Glue database not found."
                            .to_string()
                    ),
                    error_code: Some("client_error".to_string()),
                },
            ],
        })
    );
    assert_eq!((newest.num_calls(), older.num_calls()), (1, 1));
}

#[tokio::test]
async fn no_log_group_is_a_known_empty_read_after_both_spellings() {
    let with_slash = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.log_group_name() == Some(GROUP))
        .then_error(not_found("group"));
    let without = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.log_group_name() == Some("/aws-glue/zeroETL-integrations/logs"))
        .then_error(not_found("group"));
    let tgt = logs_account(TGT, vec![with_slash.clone(), without.clone()]);
    assert_eq!(
        logs::ingestion_logs(&tgt, INTEGRATION_ARN, now()).await,
        Fact::Known(IngestionLogs::default())
    );
    assert_eq!((with_slash.num_calls(), without.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_group_without_the_stream_is_read_once() {
    let no_stream = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.log_group_name() == Some(GROUP))
        .then_error(not_found("stream"));
    let other =
        mock!(aws_sdk_cloudwatchlogs::Client::get_log_events).then_error(not_found("group"));
    let tgt = logs_account(TGT, vec![no_stream.clone(), other.clone()]);
    assert_eq!(
        logs::ingestion_logs(&tgt, INTEGRATION_ARN, now()).await,
        Fact::Known(IngestionLogs {
            log_group: Some(GROUP.to_string()),
            events: Vec::new(),
        })
    );
    assert_eq!((no_stream.num_calls(), other.num_calls()), (1, 0));
}

#[tokio::test]
async fn denied_log_read_is_unknown_naming_the_action() {
    let denied = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events).then_error(|| {
        GetLogEventsError::generic(
            aws_sdk_cloudwatchlogs::error::ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("User: arn:aws:sts::222222222222:assumed-role/zetl-read/s is not authorized to perform: logs:GetLogEvents")
                .build(),
        )
    });
    let tgt = logs_account(TGT, vec![denied]);
    let got = logs::ingestion_logs(&tgt, INTEGRATION_ARN, now()).await;
    let u = got.unknown().expect("unknown, never an empty read");
    assert_eq!(u.reason, UnknownReason::AccessDenied);
    assert_eq!(u.action.as_deref(), Some("logs:GetLogEvents"));
}

#[tokio::test]
async fn paging_stops_after_two_pages() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let endless = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events).then_output(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) as i64;
        let mut out = GetLogEventsOutput::builder().next_backward_token(format!("b/{n}"));
        for i in 0..50 {
            out = out.events(event(1_794_990_000 - n * 100 + i, STARTED));
        }
        out.build()
    });
    let tgt = logs_account(TGT, vec![endless.clone()]);
    let got = logs::ingestion_logs(&tgt, INTEGRATION_ARN, now()).await;
    let read = got.known().expect("known");
    assert_eq!(endless.num_calls(), logs::MAX_PAGES);
    assert_eq!(read.events.len(), 100);
    assert!(read.events.windows(2).all(|w| w[0].time <= w[1].time));
}

/// A whole collection: the integration found on both sides is read in both accounts, each read
/// kept on its side's copy; no log group in the source account is a known empty read.
#[tokio::test]
async fn both_accounts_logs_are_read_and_kept_on_their_copies() {
    use aws_sdk_glue::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput;
    use aws_sdk_glue::operation::describe_integrations::DescribeIntegrationsOutput;
    let source_list = mock!(aws_sdk_glue::Client::describe_integrations).then_output(|| {
        DescribeIntegrationsOutput::builder()
            .integrations(
                SdkIntegration::builder()
                    .integration_arn(INTEGRATION_ARN)
                    .integration_name("orders-to-lake")
                    .source_arn(TABLE_ARN)
                    .target_arn(DB_ARN)
                    .status(IntegrationStatus::Active)
                    .create_time(ts(1_794_900_000))
                    .build()
                    .unwrap(),
            )
            .build()
    });
    let target_list =
        mock!(aws_sdk_glue::Client::describe_inbound_integrations).then_output(|| {
            DescribeInboundIntegrationsOutput::builder()
                .inbound_integrations(
                    InboundIntegration::builder()
                        .integration_arn(INTEGRATION_ARN)
                        .source_arn(TABLE_ARN)
                        .target_arn(DB_ARN)
                        .status(IntegrationStatus::Active)
                        .create_time(ts(1_794_900_000))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let source_logs =
        mock!(aws_sdk_cloudwatchlogs::Client::get_log_events).then_error(not_found("group"));
    let (newest, older) = two_pages();
    let pitr =
        mock!(aws_sdk_dynamodb::Client::describe_continuous_backups).then_output(pitr_enabled);
    let source = reach_with(Mocks {
        sts: vec![identity(SRC)],
        dynamodb: other_table_reads().into_iter().chain([pitr]).collect(),
        glue: vec![source_list],
        logs: vec![source_logs.clone()],
        ..Mocks::default()
    });
    let no_metric = mock!(aws_sdk_cloudwatch::Client::list_metrics).then_output(|| {
        aws_sdk_cloudwatch::operation::list_metrics::ListMetricsOutput::builder().build()
    });
    // Every other target read denied.
    let target = super::new_reads::target_with(Mocks {
        glue: vec![target_list],
        logs: vec![newest, older],
        cloudwatch: vec![no_metric],
        ..Mocks::default()
    });
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let snapshot = collect_from(&setup, &plan, source, target, now())
        .await
        .expect("collects");
    let copy = |side: &Fact<BTreeMap<String, Integration>>| {
        side.known().expect("known")[INTEGRATION_ARN]
            .ingestion_logs
            .clone()
            .expect("read")
    };
    assert_eq!(
        copy(&snapshot.integrations.source),
        Fact::Known(IngestionLogs::default())
    );
    assert_eq!(
        source_logs.num_calls(),
        2,
        "both spellings in the source account"
    );
    let target = copy(&snapshot.integrations.target);
    let events = &target.known().expect("known").events;
    assert_eq!(events.len(), 3);
    assert!(events[2].is_failure());

    // The rules see the failure, linked to the rules that usually cause it.
    let report = crate::rules::run(
        &snapshot,
        crate::rules::catalog().unwrap(),
        &crate::rules::Settings::default(),
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "ZI009")
        .expect("ZI009 reports the failure");
    assert!(
        finding.message.contains("Table orders failed to ingest")
            && finding.message.contains("Target Glue database not found"),
        "{}",
        finding.message
    );
}
