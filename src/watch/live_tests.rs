//! The live probe over aws-smithy-mocks clients: each mock answers successive calls with the
//! next output of its sequence, so one test drives the real reads (Glue, DynamoDB exports,
//! CloudWatch, and the collector behind the diagnosis) through a whole watch, with a clock
//! that only pretends to sleep.

use std::time::Duration;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::operation::list_metrics::{ListMetricsError, ListMetricsOutput};
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataResult};
use aws_sdk_dynamodb::operation::describe_export::DescribeExportOutput;
use aws_sdk_dynamodb::operation::list_exports::{ListExportsError, ListExportsOutput};
use aws_sdk_dynamodb::types::{ExportDescription, ExportStatus, ExportSummary, ExportType};
use aws_sdk_glue::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput;
use aws_sdk_glue::operation::describe_integrations::{
    DescribeIntegrationsError, DescribeIntegrationsOutput,
};
use aws_sdk_glue::primitives::DateTime as SdkDateTime;
use aws_sdk_glue::types::{
    InboundIntegration, Integration as SdkIntegration, IntegrationError, IntegrationStatus,
};
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use chrono::{DateTime, Utc};

use super::live::{Doctor, Live, Pair};
use super::machine::{Followed, Machine, Verdict};
use super::run::{run, Clock, RunOptions};
use crate::collect::clients::{Account, Clients};
use crate::collect::guard::ReadOnlyGuard;
use crate::setup::Setup;

const SRC: &str = "111111111111";
const TGT: &str = "222222222222";
const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
const DB_ARN: &str = "arn:aws:glue:us-east-1:222222222222:database/lake";
const ARN: &str = "arn:aws:glue:us-east-1:111111111111:integration:0f6b1d5e";
const EXPORT_ARN: &str =
    "arn:aws:dynamodb:us-east-1:111111111111:table/orders/export/01795000000000-a1b2c3d4";
/// The fake clock's start; the integration was created a minute earlier.
const T0: i64 = 1_795_000_000;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(T0 + secs, 0).unwrap()
}

fn sdk(secs: i64) -> SdkDateTime {
    SdkDateTime::from_secs(T0 + secs)
}

/// A clock that advances by what it is asked to sleep, and remembers the waits.
struct FakeClock {
    now: DateTime<Utc>,
    waits: Vec<Duration>,
}

impl Clock for FakeClock {
    fn now(&mut self) -> DateTime<Utc> {
        self.now
    }
    fn sleep(&mut self, d: Duration) {
        self.waits.push(d);
        self.now += chrono::Duration::from_std(d).unwrap();
    }
}

#[derive(Default)]
struct Mocks {
    sts: Vec<Rule>,
    dynamodb: Vec<Rule>,
    glue: Vec<Rule>,
    cloudwatch: Vec<Rule>,
}

/// `aws_smithy_mocks::mock_client!`, except that a call no rule answers gets the mock HTTP
/// client's HTTP 418 (an unknown fact, as a real failing call would) instead of a panic: the
/// doctor behind a diagnosis reads much more than a test needs to answer.
macro_rules! lenient_client {
    ($sdk:ident, $rules:expr, $guard:expr) => {{
        let mut mocks = MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .allow_passthrough();
        for rule in $rules {
            mocks = mocks.with_rule(rule);
        }
        $sdk::Client::from_conf(
            $sdk::config::Config::builder()
                .with_test_defaults_v2()
                .http_client(create_mock_http_client())
                .interceptor(mocks)
                .interceptor($guard.clone())
                .retry_config($sdk::config::retry::RetryConfig::standard().with_max_attempts(1))
                .build(),
        )
    }};
}

/// One account's clients over the mocks, all behind the read-only guard.
fn account(id: &str, m: &Mocks, guard: &ReadOnlyGuard) -> Account {
    let none: Vec<Rule> = Vec::new();
    Account {
        clients: Clients {
            sts: lenient_client!(aws_sdk_sts, &m.sts, guard),
            dynamodb: lenient_client!(aws_sdk_dynamodb, &m.dynamodb, guard),
            glue: lenient_client!(aws_sdk_glue, &m.glue, guard),
            iam: lenient_client!(aws_sdk_iam, &none, guard),
            s3: lenient_client!(aws_sdk_s3, &none, guard),
            kms: lenient_client!(aws_sdk_kms, &none, guard),
            lakeformation: lenient_client!(aws_sdk_lakeformation, &none, guard),
            cloudwatch: lenient_client!(aws_sdk_cloudwatch, &m.cloudwatch, guard),
            redshift_serverless: lenient_client!(aws_sdk_redshiftserverless, &none, guard),
            logs: lenient_client!(aws_sdk_cloudwatchlogs, &none, guard),
            limit: crate::collect::limit::Limit::unlimited(),
        },
        side: if id.starts_with('2') {
            crate::collect::actions::Side::Target
        } else {
            crate::collect::actions::Side::Source
        },
        id: id.to_string(),
        region: "us-east-1".to_string(),
        partition: "aws".to_string(),
        down: None,
        progress: crate::collect::progress::Reporter::silent(),
    }
}

fn integration(status: IntegrationStatus) -> SdkIntegration {
    SdkIntegration::builder()
        .integration_arn(ARN)
        .integration_name("orders-to-lake")
        .source_arn(TABLE_ARN)
        .target_arn(DB_ARN)
        .status(status)
        .create_time(sdk(-60))
        .build()
        .unwrap()
}

fn described(status: IntegrationStatus) -> DescribeIntegrationsOutput {
    DescribeIntegrationsOutput::builder()
        .integrations(integration(status))
        .build()
}

fn export_summary(status: ExportStatus) -> ListExportsOutput {
    ListExportsOutput::builder()
        .export_summaries(
            ExportSummary::builder()
                .export_arn(EXPORT_ARN)
                .export_status(status)
                .export_type(ExportType::FullExport)
                .build(),
        )
        .build()
}

fn export_description(done: bool) -> DescribeExportOutput {
    let mut d = ExportDescription::builder()
        .export_arn(EXPORT_ARN)
        .table_arn(TABLE_ARN)
        .export_type(ExportType::FullExport)
        .start_time(sdk(-30));
    d = if done {
        d.export_status(ExportStatus::Completed)
            .end_time(sdk(10))
            .billed_size_bytes(2_500_000)
            .item_count(12_000)
    } else {
        d.export_status(ExportStatus::InProgress)
    };
    DescribeExportOutput::builder()
        .export_description(d.build())
        .build()
}

fn sync_metric() -> Metric {
    let dim = |n: &str, v: &str| Dimension::builder().name(n).value(v).build();
    Metric::builder()
        .namespace("AWS/Glue/ZeroETL")
        .metric_name("LastSyncTimestamp")
        .dimensions(dim("integrationArn", ARN))
        .dimensions(dim("tableName", "orders"))
        .build()
}

fn metric_values(values: &[i64]) -> GetMetricDataOutput {
    let mut result = MetricDataResult::builder().id("m0");
    for v in values {
        result = result.values((T0 + v) as f64).timestamps(sdk(*v));
    }
    GetMetricDataOutput::builder()
        .metric_data_results(result.build())
        .build()
}

fn doctor() -> Doctor {
    Doctor {
        catalog: crate::rules::catalog().unwrap(),
        settings: crate::rules::Settings::default(),
        color: false,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs the watch to its verdict over `live`, off a terminal; returns the verdict, the
/// printed text and the waits.
fn watch(
    live: &mut Live,
    explicit: bool,
    timeout: Option<i64>,
) -> (Verdict, String, Vec<Duration>) {
    let mut clock = FakeClock {
        now: at(0),
        waits: Vec::new(),
    };
    let name = if explicit {
        "0f6b1d5e"
    } else {
        "orders -> lake"
    };
    let mut machine = Machine::new(
        vec![Followed {
            name: name.into(),
            explicit,
        }],
        at(0),
        timeout.map(chrono::Duration::seconds),
    );
    let mut out = Vec::new();
    let verdict = run(
        &mut machine,
        live,
        &mut clock,
        &mut out,
        &RunOptions {
            interval: Duration::from_secs(15),
            max_interval: Duration::from_secs(120),
            terminal: false,
        },
    )
    .unwrap();
    (verdict, String::from_utf8(out).unwrap(), clock.waits)
}

#[test]
fn creating_then_active_then_a_sync_is_done() {
    let guard = ReadOnlyGuard::new();
    let glue = mock!(aws_sdk_glue::Client::describe_integrations)
        .match_requests(|r| r.integration_identifier() == Some(ARN))
        .sequence()
        .output(|| described(IntegrationStatus::Creating))
        .output(|| described(IntegrationStatus::Active))
        .repeatedly()
        .build();
    let list = mock!(aws_sdk_dynamodb::Client::list_exports)
        .match_requests(|r| r.table_arn() == Some(TABLE_ARN))
        .sequence()
        .output(|| export_summary(ExportStatus::InProgress))
        .output(|| export_summary(ExportStatus::Completed))
        .repeatedly()
        .build();
    let describe = mock!(aws_sdk_dynamodb::Client::describe_export)
        .match_requests(|r| r.export_arn() == Some(EXPORT_ARN))
        .sequence()
        .output(|| export_description(false))
        .output(|| export_description(true))
        .repeatedly()
        .build();
    let metrics = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .then_output(|| ListMetricsOutput::builder().metrics(sync_metric()).build());
    let data = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .sequence()
        .output(|| metric_values(&[]))
        .output(|| metric_values(&[30]))
        .repeatedly()
        .build();
    let source = account(
        SRC,
        &Mocks {
            glue: vec![glue.clone()],
            dynamodb: vec![list.clone(), describe.clone()],
            ..Mocks::default()
        },
        &guard,
    );
    let target = account(
        TGT,
        &Mocks {
            cloudwatch: vec![metrics, data.clone()],
            ..Mocks::default()
        },
        &guard,
    );
    let pairs = vec![Pair {
        integration_arn: Some(ARN.into()),
        explicit: true,
        ..Pair::default()
    }];
    let mut live = Live::from_accounts(
        runtime(),
        source,
        Some(target),
        pairs,
        Setup::default(),
        doctor(),
    );
    let (verdict, text, waits) = watch(&mut live, true, None);
    assert_eq!(verdict, Verdict::Done);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            format!("2026-11-18T11:06:40Z 0f6b1d5e: integration {ARN} is CREATING (created 2026-11-18T11:05:40Z)"),
            "2026-11-18T11:06:40Z 0f6b1d5e: source table export IN_PROGRESS (FULL_EXPORT), started 2026-11-18T11:06:10Z".into(),
            "2026-11-18T11:06:55Z 0f6b1d5e: CREATING -> ACTIVE after 1m 15s".into(),
            "2026-11-18T11:06:55Z 0f6b1d5e: source table export COMPLETED (FULL_EXPORT), 2026-11-18T11:06:10Z to 2026-11-18T11:06:50Z: 2.4 MiB, 12000 items".into(),
            "2026-11-18T11:06:55Z 0f6b1d5e: no sync completed yet".into(),
            "2026-11-18T11:07:10Z 0f6b1d5e: last sync 2026-11-18T11:07:10Z".into(),
            "2026-11-18T11:07:10Z 0f6b1d5e: ACTIVE and synced at 2026-11-18T11:07:10Z, after it became ACTIVE: the initial load is done".into(),
            "2026-11-18T11:07:10Z every followed integration is ACTIVE and has completed a sync".into(),
        ]
    );
    // Every poll saw a change, so the wait stayed at the interval.
    assert_eq!(waits, [Duration::from_secs(15); 2]);
    assert_eq!(glue.num_calls(), 3);
    // Exports while CREATING and ACTIVE; the metric only while ACTIVE.
    assert_eq!((list.num_calls(), describe.num_calls()), (3, 3));
    assert_eq!(data.num_calls(), 2);
    // What the learned ARNs are: the doctor would run on this pair.
    assert_eq!(
        live.pairs()[0],
        Pair {
            table_arn: Some(TABLE_ARN.into()),
            database_arn: Some(DB_ARN.into()),
            integration_arn: Some(ARN.into()),
            explicit: true,
        }
    );
    assert!(
        guard.seen().iter().all(|op| [
            "Glue/DescribeIntegrations",
            "DynamoDB/ListExports",
            "DynamoDB/DescribeExport",
            "CloudWatch/ListMetrics",
            "CloudWatch/GetMetricData"
        ]
        .contains(&op.as_str())),
        "{:?}",
        guard.seen()
    );
}

#[test]
fn creating_then_needs_attention_runs_the_doctor() {
    let guard = ReadOnlyGuard::new();
    let attention = || {
        let mut i = integration(IntegrationStatus::NeedsAttention);
        i.errors = Some(vec![IntegrationError::builder()
            .error_code("AccessDenied")
            .error_message("Glue is not authorized to perform: dynamodb:ExportTableToPointInTime")
            .build()]);
        DescribeIntegrationsOutput::builder()
            .integrations(i)
            .build()
    };
    // The pair is found from table -> database (SourceArn filter).
    let glue = mock!(aws_sdk_glue::Client::describe_integrations)
        .match_requests(|r| {
            r.filters()
                .first()
                .is_some_and(|f| f.values() == [TABLE_ARN.to_string()])
        })
        .sequence()
        .output(|| described(IntegrationStatus::Creating))
        .output(attention)
        .repeatedly()
        .build();
    let identity = |account: &'static str| {
        mock!(aws_sdk_sts::Client::get_caller_identity).then_output(move || {
            aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
                .account(account)
                .arn(format!("arn:aws:sts::{account}:assumed-role/zetl-read/s"))
                .build()
        })
    };
    let source = account(
        SRC,
        &Mocks {
            glue: vec![glue.clone()],
            sts: vec![identity(SRC)],
            ..Mocks::default()
        },
        &guard,
    );
    let target = account(
        TGT,
        &Mocks {
            sts: vec![identity(TGT)],
            ..Mocks::default()
        },
        &guard,
    );
    let pairs = vec![Pair {
        table_arn: Some(TABLE_ARN.into()),
        database_arn: Some(DB_ARN.into()),
        ..Pair::default()
    }];
    let mut live = Live::from_accounts(
        runtime(),
        source,
        Some(target),
        pairs,
        Setup::default(),
        doctor(),
    );
    let (verdict, text, _) = watch(&mut live, false, Some(600));
    assert_eq!(verdict, Verdict::Stopped);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..5],
        [
            format!("2026-11-18T11:06:40Z orders -> lake: integration {ARN} is CREATING (created 2026-11-18T11:05:40Z)"),
            // The exports cannot be read (no mock answers): shown, and the watch goes on.
            "2026-11-18T11:06:40Z orders -> lake: source table export: unknown (other: HTTP 418)".into(),
            "2026-11-18T11:06:55Z orders -> lake: CREATING -> NEEDS_ATTENTION after 1m 15s".into(),
            "2026-11-18T11:06:55Z orders -> lake: error AccessDenied: Glue is not authorized to perform: dynamodb:ExportTableToPointInTime".into(),
            "2026-11-18T11:06:55Z orders -> lake is NEEDS_ATTENTION: running the doctor for this pair".into(),
        ]
    );
    assert_eq!(
        lines[5],
        "2026-11-18T11:06:55Z orders -> lake: the doctor's diagnosis of this pair:"
    );
    // The doctor's human report with -q: ZI001 names the integration's error.
    let report = lines[6..].join("\n");
    assert!(report.contains("ZI001"), "{report}");
    assert!(
        report.contains("not authorized to perform: dynamodb:ExportTableToPointInTime"),
        "{report}"
    );
    assert!(
        !report.contains("[✓]"),
        "quiet: no passing checks\n{report}"
    );
}

#[test]
fn active_modifying_active_then_synced() {
    let guard = ReadOnlyGuard::new();
    let glue = mock!(aws_sdk_glue::Client::describe_integrations)
        .sequence()
        .output(|| described(IntegrationStatus::Active))
        .output(|| described(IntegrationStatus::Modifying))
        .output(|| described(IntegrationStatus::Active))
        .repeatedly()
        .build();
    let metrics = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .then_output(|| ListMetricsOutput::builder().metrics(sync_metric()).build());
    // No sync at first; then the old sync (before MODIFYING) twice; then a new one.
    let data = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .sequence()
        .output(|| metric_values(&[]))
        .output(|| metric_values(&[5]))
        .times(2)
        .output(|| metric_values(&[40]))
        .repeatedly()
        .build();
    let source = account(
        SRC,
        &Mocks {
            glue: vec![glue],
            ..Mocks::default()
        },
        &guard,
    );
    let target = account(
        TGT,
        &Mocks {
            cloudwatch: vec![metrics, data.clone()],
            ..Mocks::default()
        },
        &guard,
    );
    let pairs = vec![Pair {
        table_arn: Some(TABLE_ARN.into()),
        database_arn: Some(DB_ARN.into()),
        ..Pair::default()
    }];
    let mut live = Live::from_accounts(
        runtime(),
        source,
        Some(target),
        pairs,
        Setup::default(),
        doctor(),
    );
    let (verdict, text, waits) = watch(&mut live, false, None);
    assert_eq!(verdict, Verdict::Done, "{text}");
    assert!(
        text.contains("orders -> lake: ACTIVE -> MODIFYING after at least 15s"),
        "{text}"
    );
    assert!(
        text.contains("orders -> lake: MODIFYING -> ACTIVE after 15s"),
        "{text}"
    );
    // Poll 4 saw no change (the same old sync): the next wait grew ×1.5.
    assert_eq!(
        waits,
        [15_000, 15_000, 15_000, 22_500].map(Duration::from_millis)
    );
    assert_eq!(
        data.num_calls(),
        4,
        "the metric is not read while MODIFYING"
    );
}

#[test]
fn denied_reads_are_shown_and_the_status_comes_from_the_target_side() {
    let guard = ReadOnlyGuard::new();
    let denied_glue = mock!(aws_sdk_glue::Client::describe_integrations).then_error(|| {
        DescribeIntegrationsError::generic(
            aws_sdk_glue::error::ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform: glue:DescribeIntegrations")
                .build(),
        )
    });
    let inbound = mock!(aws_sdk_glue::Client::describe_inbound_integrations)
        .match_requests(|r| r.target_arn() == Some(DB_ARN))
        .sequence()
        .output(|| {
            DescribeInboundIntegrationsOutput::builder()
                .inbound_integrations(
                    InboundIntegration::builder()
                        .integration_arn(ARN)
                        .source_arn(TABLE_ARN)
                        .target_arn(DB_ARN)
                        .status(IntegrationStatus::Syncing)
                        .create_time(sdk(-60))
                        .build()
                        .unwrap(),
                )
                .build()
        })
        .repeatedly()
        .build();
    let denied_list = mock!(aws_sdk_dynamodb::Client::list_exports).then_error(|| {
        ListExportsError::generic(
            aws_sdk_dynamodb::error::ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform: dynamodb:ListExports")
                .build(),
        )
    });
    let denied_metrics = mock!(aws_sdk_cloudwatch::Client::list_metrics).then_error(|| {
        ListMetricsError::generic(
            aws_sdk_cloudwatch::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("not authorized to perform: cloudwatch:ListMetrics")
                .build(),
        )
    });
    let source = account(
        SRC,
        &Mocks {
            glue: vec![denied_glue],
            dynamodb: vec![denied_list],
            ..Mocks::default()
        },
        &guard,
    );
    let target = account(
        TGT,
        &Mocks {
            glue: vec![inbound],
            cloudwatch: vec![denied_metrics],
            ..Mocks::default()
        },
        &guard,
    );
    let pairs = vec![Pair {
        table_arn: Some(TABLE_ARN.into()),
        database_arn: Some(DB_ARN.into()),
        ..Pair::default()
    }];
    let mut live = Live::from_accounts(
        runtime(),
        source,
        Some(target),
        pairs,
        Setup::default(),
        doctor(),
    );
    let (verdict, text, waits) = watch(&mut live, false, Some(60));
    assert_eq!(verdict, Verdict::TimedOut);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            format!("2026-11-18T11:06:40Z orders -> lake: integration {ARN} is SYNCING (created 2026-11-18T11:05:40Z)"),
            "2026-11-18T11:06:40Z orders -> lake: source table export: unknown (needs dynamodb:ListExports)".into(),
            "2026-11-18T11:07:40Z timed out after 1m 0s; not done yet: orders -> lake".into(),
        ]
    );
    // Back-off: 15, 22.5, then what is left of the minute.
    assert_eq!(
        waits,
        [
            Duration::from_secs(15),
            Duration::from_millis(22_500),
            Duration::from_millis(22_500)
        ]
    );
}
