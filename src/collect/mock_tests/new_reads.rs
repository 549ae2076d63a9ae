//! The ZP004 probe, the LastSyncTimestamp metric and S3 Tables targets, each driven through
//! the real collector over aws-smithy-mocks clients (moto has no Redshift Serverless, and no
//! Glue GetCatalog or integration APIs).

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::operation::list_metrics::{ListMetricsError, ListMetricsOutput};
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataResult};
use aws_sdk_redshiftserverless::operation::list_namespaces::{
    ListNamespacesError, ListNamespacesOutput,
};
use aws_sdk_redshiftserverless::operation::list_workgroups::ListWorkgroupsOutput;

use super::*;
use crate::report::{Report, Status};
use crate::rules::{catalog, run, Settings};
use crate::snapshot::{Database, Probe};

const TARGET_CALLER: &str = "arn:aws:sts::222222222222:assumed-role/zetl-read/s";
const CATALOG_ARN: &str =
    "arn:aws:glue:us-east-1:222222222222:catalog/s3tablescatalog/zetl-table-bucket";

fn setup_with_console(console: &str) -> Setup {
    Setup {
        fields: SetupFields {
            console_principal: Some(console.to_string()),
            ..arn_setup().fields
        },
        ..arn_setup()
    }
}

fn denied_meta(action: &str) -> aws_sdk_redshiftserverless::error::ErrorMetadata {
    aws_sdk_redshiftserverless::error::ErrorMetadata::builder()
        .code("AccessDeniedException")
        .message(format!(
            "User: {TARGET_CALLER} is not authorized to perform: {action}"
        ))
        .build()
}

fn namespaces_allowed() -> Rule {
    mock!(aws_sdk_redshiftserverless::Client::list_namespaces)
        .match_requests(|r| r.max_results() == Some(1))
        .then_output(|| {
            ListNamespacesOutput::builder()
                .set_namespaces(Some(Vec::new()))
                .build()
                .unwrap()
        })
}

fn workgroups_allowed() -> Rule {
    mock!(aws_sdk_redshiftserverless::Client::list_workgroups).then_output(|| {
        ListWorkgroupsOutput::builder()
            .set_workgroups(Some(Vec::new()))
            .build()
            .unwrap()
    })
}

/// The target account: `m`'s rules first, every other target read denied (the mocks refuse
/// unmatched calls), and IAM denied for the principals.
fn target_mocks(m: Mocks) -> Mocks {
    use aws_sdk_iam::operation::get_role::GetRoleError;
    let base = target_denied_everything();
    let denied = |action: &str| {
        aws_sdk_iam::error::ErrorMetadata::builder()
            .code("AccessDenied")
            .message(format!("not authorized to perform: {action}"))
            .build()
    };
    let denied_role = mock!(aws_sdk_iam::Client::get_role)
        .then_error(move || GetRoleError::generic(denied("iam:GetRole")));
    // The policy lists run alongside GetRole (one round less): deny them too.
    let denied_inline = mock!(aws_sdk_iam::Client::list_role_policies).then_error(move || {
        aws_sdk_iam::operation::list_role_policies::ListRolePoliciesError::generic(denied(
            "iam:ListRolePolicies",
        ))
    });
    let denied_attached =
        mock!(aws_sdk_iam::Client::list_attached_role_policies).then_error(move || {
            aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesError::generic(
                denied("iam:ListAttachedRolePolicies"),
            )
        });
    Mocks {
        sts: vec![identity(TGT)],
        glue: m.glue.into_iter().chain(base.glue).collect(),
        logs: m.logs.into_iter().chain(base.logs).collect(),
        lakeformation: base.lakeformation,
        iam: vec![denied_role, denied_inline, denied_attached],
        ..m
    }
}

pub(super) fn target_with(m: Mocks) -> Reach {
    reach_with(target_mocks(m))
}

fn rules_report(snapshot: &Snapshot) -> Report {
    run(snapshot, catalog().expect("catalog"), &Settings::default())
}

fn status(report: &Report, rule: &str) -> Status {
    let checks: Vec<_> = report.checks.iter().filter(|c| c.rule == rule).collect();
    assert_eq!(checks.len(), 1, "{rule}");
    checks[0].status
}

#[tokio::test]
async fn probe_as_the_console_principal_records_allowed_calls() {
    // The target credentials are a session of role zetl-read; the console principal is
    // that role under a path.
    let setup = setup_with_console("arn:aws:iam::222222222222:role/ops/zetl-read");
    let plan = Plan::from_setup(&setup).unwrap();
    let snapshot = collect_from(
        &setup,
        &plan,
        reach(no_credentials()),
        target_with(Mocks {
            redshift_serverless: vec![namespaces_allowed(), workgroups_allowed()],
            ..Mocks::default()
        }),
        chrono::Utc::now(),
    )
    .await
    .expect("collects");
    let allowed = |action: &str| Probe {
        principal: TARGET_CALLER.to_string(),
        action: action.to_string(),
        allowed: true,
        message: None,
    };
    assert_eq!(
        snapshot.probes,
        vec![
            allowed("redshift-serverless:ListNamespaces"),
            allowed("redshift-serverless:ListWorkgroups"),
        ]
    );
}

#[tokio::test]
async fn a_denied_probe_is_evidence_and_zp004_reports_it() {
    let setup = setup_with_console("arn:aws:iam::222222222222:role/zetl-read");
    let plan = Plan::from_setup(&setup).unwrap();
    let snapshot = collect_from(
        &setup,
        &plan,
        reach(no_credentials()),
        target_with(Mocks {
            redshift_serverless: vec![
                mock!(aws_sdk_redshiftserverless::Client::list_namespaces).then_error(|| {
                    ListNamespacesError::generic(denied_meta("redshift-serverless:ListNamespaces"))
                }),
                workgroups_allowed(),
            ],
            ..Mocks::default()
        }),
        chrono::Utc::now(),
    )
    .await
    .expect("a denied probe never aborts the run");
    assert_eq!(
        snapshot.probes,
        vec![
            Probe {
                principal: TARGET_CALLER.to_string(),
                action: "redshift-serverless:ListNamespaces".to_string(),
                allowed: false,
                message: Some(format!(
                    "AccessDeniedException: User: {TARGET_CALLER} is not authorized to perform: redshift-serverless:ListNamespaces"
                )),
            },
            Probe {
                principal: TARGET_CALLER.to_string(),
                action: "redshift-serverless:ListWorkgroups".to_string(),
                allowed: true,
                message: None,
            },
        ]
    );
    // The principal's own policies could not be read here (IAM answers nothing), yet the
    // denial seen is reported, with the probes as evidence.
    let report = rules_report(&snapshot);
    assert_eq!(status(&report, "ZP004"), Status::Fail);
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "ZP004")
        .expect("ZP004 finding");
    assert!(
        finding
            .message
            .contains("was denied: redshift-serverless:ListNamespaces"),
        "{}",
        finding.message
    );
    assert_eq!(finding.evidence["probes"][0]["allowed"], false);
    assert_eq!(
        finding.evidence["probes"][1]["action"],
        "redshift-serverless:ListWorkgroups"
    );
}

#[tokio::test]
async fn no_probe_when_the_console_principal_is_not_in_use() {
    let namespaces = namespaces_allowed();
    let workgroups = workgroups_allowed();
    let setup = setup_with_console("arn:aws:iam::111111111111:role/console-user");
    let plan = Plan::from_setup(&setup).unwrap();
    let snapshot = collect_from(
        &setup,
        &plan,
        reach(no_credentials()),
        target_with(Mocks {
            redshift_serverless: vec![namespaces.clone(), workgroups.clone()],
            ..Mocks::default()
        }),
        chrono::Utc::now(),
    )
    .await
    .expect("collects");
    assert!(snapshot.probes.is_empty());
    assert_eq!(namespaces.num_calls() + workgroups.num_calls(), 0);
}

// ------------------------------------------------------------------ LastSyncTimestamp

fn sync_metric(integration: &str, table: &str) -> Metric {
    let dim = |n: &str, v: &str| Dimension::builder().name(n).value(v).build();
    Metric::builder()
        .namespace("AWS/Glue/ZeroETL")
        .metric_name("LastSyncTimestamp")
        .dimensions(dim("integrationArn", integration))
        .dimensions(dim("tableName", table))
        .dimensions(dim("loadType", "CDC"))
        .build()
}

fn list_metrics() -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .match_requests(|r| {
            r.namespace() == Some("AWS/Glue/ZeroETL")
                && r.metric_name() == Some("LastSyncTimestamp")
        })
        .then_output(|| {
            ListMetricsOutput::builder()
                .metrics(sync_metric(INTEGRATION_ARN, "orders"))
                .metrics(sync_metric(
                    "arn:aws:glue:us-east-1:111111111111:integration:other",
                    "orders",
                ))
                .build()
        })
}

fn metric_data(values: Vec<f64>) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        // Only this integration's dimension set is queried.
        .match_requests(|r| {
            let q = r.metric_data_queries();
            q.len() == 1
                && q[0]
                    .metric_stat()
                    .and_then(|s| s.metric())
                    .is_some_and(|m| m.dimensions()[0].value() == Some(INTEGRATION_ARN))
        })
        .then_output(move || {
            let mut result = MetricDataResult::builder().id("m0");
            for (i, v) in values.iter().enumerate() {
                result = result
                    .values(*v)
                    .timestamps(ts(1_795_000_000 - 3600 * i as i64));
            }
            GetMetricDataOutput::builder()
                .metric_data_results(result.build())
                .build()
        })
}

fn cloudwatch_account(rules: Vec<Rule>) -> Account {
    account(
        TGT,
        &Mocks {
            cloudwatch: rules,
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    )
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_000_100, 0).unwrap()
}

#[tokio::test]
async fn last_sync_is_the_newest_metric_value() {
    let data = metric_data(vec![1_794_999_000.0, 1_794_990_000.0]);
    let tgt = cloudwatch_account(vec![list_metrics(), data.clone()]);
    let got = cloudwatch::last_sync(&tgt, INTEGRATION_ARN, now()).await;
    assert_eq!(got, Fact::Known(chrono_ts(1_794_999_000)));
    assert_eq!(data.num_calls(), 1);
}

#[tokio::test]
async fn no_metric_or_no_datapoint_is_known_none() {
    let empty_list = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .then_output(|| ListMetricsOutput::builder().build());
    let data = metric_data(vec![1_794_999_000.0]);
    let tgt = cloudwatch_account(vec![empty_list, data.clone()]);
    assert_eq!(
        cloudwatch::last_sync(&tgt, INTEGRATION_ARN, now()).await,
        Fact::Known(None)
    );
    assert_eq!(data.num_calls(), 0, "nothing to query without a metric");

    let tgt = cloudwatch_account(vec![list_metrics(), metric_data(Vec::new())]);
    assert_eq!(
        cloudwatch::last_sync(&tgt, INTEGRATION_ARN, now()).await,
        Fact::Known(None)
    );
}

#[tokio::test]
async fn denied_metric_read_is_unknown_naming_the_action() {
    let denied = mock!(aws_sdk_cloudwatch::Client::list_metrics).then_error(|| {
        ListMetricsError::generic(
            aws_sdk_cloudwatch::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("not authorized to perform: cloudwatch:ListMetrics")
                .build(),
        )
    });
    let tgt = cloudwatch_account(vec![denied]);
    assert_eq!(
        cloudwatch::last_sync(&tgt, INTEGRATION_ARN, now()).await,
        Fact::Unknown(Unknown {
            reason: UnknownReason::AccessDenied,
            action: Some("cloudwatch:ListMetrics".to_string()),
            message: Some(
                "AccessDenied: not authorized to perform: cloudwatch:ListMetrics".to_string()
            ),
        })
    );
}

// ------------------------------------------------------------------ S3 Tables target

fn s3_tables_target() -> Mocks {
    use aws_sdk_glue::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput;
    use aws_sdk_glue::operation::get_catalog::GetCatalogOutput;
    use aws_sdk_glue::operation::get_integration_resource_property::GetIntegrationResourcePropertyOutput;
    Mocks {
        glue: vec![
            mock!(aws_sdk_glue::Client::get_catalog)
                .match_requests(|r| {
                    r.catalog_id() == Some("222222222222:s3tablescatalog/zetl-table-bucket")
                })
                .then_output(|| {
                    GetCatalogOutput::builder()
                        .catalog(
                            aws_sdk_glue::types::Catalog::builder()
                                .name("zetl-table-bucket")
                                .build()
                                .unwrap(),
                        )
                        .build()
                }),
            mock!(aws_sdk_glue::Client::describe_inbound_integrations)
                .match_requests(|r| r.target_arn() == Some(CATALOG_ARN))
                .then_output(|| {
                    DescribeInboundIntegrationsOutput::builder()
                        .inbound_integrations(
                            InboundIntegration::builder()
                                .integration_arn(INTEGRATION_ARN)
                                .source_arn(TABLE_ARN)
                                .target_arn(CATALOG_ARN)
                                .status(IntegrationStatus::Active)
                                .create_time(ts(1_794_900_000))
                                .build()
                                .unwrap(),
                        )
                        .build()
                }),
            mock!(aws_sdk_glue::Client::get_integration_resource_property)
                .match_requests(|r| r.resource_arn() == Some(CATALOG_ARN))
                .then_output(|| {
                    GetIntegrationResourcePropertyOutput::builder()
                        .resource_arn(CATALOG_ARN)
                        .target_processing_properties(
                            TargetProcessingProperties::builder()
                                .role_arn(
                                    "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole",
                                )
                                .build(),
                        )
                        .build()
                }),
        ],
        cloudwatch: vec![list_metrics(), metric_data(vec![1_794_999_000.0])],
        ..Mocks::default()
    }
}

#[tokio::test]
async fn an_s3_tables_target_is_collected_and_bucket_rules_are_skipped() {
    let setup = Setup {
        fields: SetupFields {
            target_database: Some(CATALOG_ARN.to_string()),
            ..arn_setup().fields
        },
        ..arn_setup()
    };
    let plan = Plan::from_setup(&setup).unwrap();
    let guard = ReadOnlyGuard::new();
    let target = Reach {
        clients: clients(&target_mocks(s3_tables_target()), &guard),
        ..reach_with(Mocks::default())
    };
    let snapshot = collect_from(&setup, &plan, reach(no_credentials()), target, now())
        .await
        .expect("an S3 Tables target is accepted");
    assert_eq!(snapshot.setup.pairs[0].target_database, CATALOG_ARN);
    assert_eq!(
        snapshot.databases[CATALOG_ARN],
        Fact::Known(Some(Database {
            name: "s3tablescatalog/zetl-table-bucket".to_string(),
            catalog_id: TGT.to_string(),
            location_uri: None,
            create_table_default_permissions: Vec::new(),
        }))
    );
    assert!(snapshot.buckets.is_empty());
    assert!(
        !guard.seen().iter().any(|op| op.starts_with("S3/")),
        "no general-purpose bucket read: {:?}",
        guard.seen()
    );
    let property = snapshot.resource_properties[CATALOG_ARN]
        .known()
        .cloned()
        .flatten()
        .expect("resource property");
    assert_eq!(
        property.role_arn.as_deref(),
        Some("arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole")
    );
    let integration = &snapshot.integrations.target.known().expect("known")[INTEGRATION_ARN];
    assert_eq!(integration.target_arn, CATALOG_ARN);
    // The metric read for the integration found, in the target account.
    assert_eq!(
        integration.last_sync,
        Some(Fact::Known(chrono_ts(1_794_999_000)))
    );

    // The rules see it as they see the offline S3 Tables scenario: bucket rules skipped,
    // never failed, and the catalog found.
    let live = rules_report(&snapshot);
    let offline_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/scenarios/s3-tables-target.json");
    let offline = rules_report(&crate::snapshot::load(&offline_path).expect("fixture"));
    for rule in ["ZT001", "ZT002", "ZT003", "ZT010", "ZT017", "ZI006"] {
        assert_eq!(status(&live, rule), status(&offline, rule), "{rule}");
    }
    for rule in ["ZT002", "ZT003", "ZT010", "ZT017"] {
        assert_eq!(status(&live, rule), Status::Skipped, "{rule}");
    }
    assert_eq!(status(&live, "ZT001"), Status::Pass);
}
