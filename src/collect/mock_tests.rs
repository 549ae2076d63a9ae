//! Collector behaviour the emulator cannot show: the Glue integration APIs, integration
//! errors and statuses, throttling then success, access denied naming the action, S3 region
//! redirects, and the read-only guard. Each test drives the real collector code over
//! aws-smithy-mocks clients.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_dynamodb::error::ErrorMetadata;
use aws_sdk_glue::primitives::DateTime as SdkDateTime;
use aws_sdk_glue::types::{
    InboundIntegration, Integration as SdkIntegration, IntegrationConfig,
    IntegrationError as SdkIntegrationError, IntegrationPartition, IntegrationStatus,
    SourceProcessingProperties, TargetProcessingProperties, TargetTableConfig, UnnestSpec,
};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};

use super::clients::{Account, Clients};
use super::guard::ReadOnlyGuard;
use super::*;
use crate::setup::SetupFields;
use crate::snapshot::{Integration, IntegrationError, PartitionField, PitrStatus};

mod errors;
mod logs_reads;
mod new_reads;

const SRC: &str = "111111111111";
const TGT: &str = "222222222222";
const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
const DB_ARN: &str = "arn:aws:glue:us-east-1:222222222222:database/lake";
const INTEGRATION_ARN: &str =
    "arn:aws:glue:us-east-1:111111111111:integration:0f6b1d5e-aaaa-bbbb-cccc-000000000001";

/// Mock rules per service; services without rules get a client that is never called.
#[derive(Default)]
struct Mocks {
    sts: Vec<Rule>,
    dynamodb: Vec<Rule>,
    glue: Vec<Rule>,
    lakeformation: Vec<Rule>,
    s3: Vec<Rule>,
    cloudwatch: Vec<Rule>,
    logs: Vec<Rule>,
    redshift_serverless: Vec<Rule>,
    iam: Vec<Rule>,
}

/// Retries as in production (standard, 3 attempts) but with millisecond backoff.
fn fast_retry() -> aws_sdk_dynamodb::config::retry::RetryConfig {
    aws_sdk_dynamodb::config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
}

fn clients(m: &Mocks, guard: &ReadOnlyGuard) -> Clients {
    let none: Vec<Rule> = Vec::new();
    Clients {
        sts: mock_client!(aws_sdk_sts, RuleMode::MatchAny, &m.sts, |c| c
            .retry_config(fast_retry())
            .interceptor(guard.clone())),
        dynamodb: mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, &m.dynamodb, |c| c
            .retry_config(fast_retry())
            .interceptor(guard.clone())),
        glue: mock_client!(aws_sdk_glue, RuleMode::MatchAny, &m.glue, |c| c
            .retry_config(fast_retry())
            .interceptor(guard.clone())),
        iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, &m.iam),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, &m.s3),
        kms: mock_client!(aws_sdk_kms, RuleMode::MatchAny, &none),
        lakeformation: mock_client!(aws_sdk_lakeformation, RuleMode::MatchAny, &m.lakeformation),
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, &m.cloudwatch, |c| c
            .interceptor(guard.clone())),
        logs: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, &m.logs, |c| c
            .interceptor(guard.clone())),
        redshift_serverless: mock_client!(
            aws_sdk_redshiftserverless,
            RuleMode::MatchAny,
            &m.redshift_serverless,
            |c| c.interceptor(guard.clone())
        ),
        limit: super::limit::Limit::unlimited(),
    }
}

fn account(id: &str, m: &Mocks, guard: &ReadOnlyGuard) -> Account {
    Account {
        clients: clients(m, guard),
        side: if id == TGT {
            Side::Target
        } else {
            Side::Source
        },
        id: id.to_string(),
        region: "us-east-1".to_string(),
        partition: "aws".to_string(),
        down: None,
        progress: Reporter::silent(),
    }
}

fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

fn ts(secs: i64) -> SdkDateTime {
    SdkDateTime::from_secs(secs)
}

fn chrono_ts(secs: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(secs, 0)
}

#[tokio::test]
async fn describe_integrations_maps_status_errors_and_config() {
    use aws_sdk_glue::operation::describe_integrations::DescribeIntegrationsOutput;
    let rule = mock!(aws_sdk_glue::Client::describe_integrations)
        .match_requests(|r| {
            r.filters().first().is_some_and(|f| {
                f.name() == Some("SourceArn") && f.values() == [TABLE_ARN.to_string()]
            })
        })
        .then_output(|| {
            DescribeIntegrationsOutput::builder()
                .integrations(
                    SdkIntegration::builder()
                        .integration_arn(INTEGRATION_ARN)
                        .integration_name("orders-to-lake")
                        .source_arn(TABLE_ARN)
                        .target_arn(DB_ARN)
                        .status(IntegrationStatus::NeedsAttention)
                        .create_time(ts(1_790_000_000))
                        .kms_key_id("arn:aws:kms:us-east-1:111111111111:key/k1")
                        .integration_config(
                            IntegrationConfig::builder()
                                .refresh_interval("15")
                                .continuous_sync(true)
                                .build(),
                        )
                        .errors(
                            SdkIntegrationError::builder()
                                .error_code("AccessDenied")
                                .error_message("Glue is not authorized to perform: dynamodb:ExportTableToPointInTime")
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let guard = ReadOnlyGuard::new();
    let src = account(
        SRC,
        &Mocks {
            glue: vec![rule],
            ..Mocks::default()
        },
        &guard,
    );
    let got = glue::source_integrations(&src, TABLE_ARN, None).await;
    let expected = Integration {
        integration_arn: INTEGRATION_ARN.to_string(),
        integration_name: Some("orders-to-lake".to_string()),
        source_arn: TABLE_ARN.to_string(),
        target_arn: DB_ARN.to_string(),
        status: "NEEDS_ATTENTION".to_string(),
        create_time: chrono_ts(1_790_000_000),
        errors: vec![IntegrationError {
            error_code: Some("AccessDenied".to_string()),
            error_message: Some(
                "Glue is not authorized to perform: dynamodb:ExportTableToPointInTime".to_string(),
            ),
        }],
        description: None,
        data_filter: None,
        kms_key_id: Some("arn:aws:kms:us-east-1:111111111111:key/k1".to_string()),
        refresh_interval: Some("15".to_string()),
        continuous_sync: Some(true),
        last_sync: None,
        ingestion_logs: None,
    };
    assert_eq!(
        got,
        Fact::Known(BTreeMap::from([(INTEGRATION_ARN.to_string(), expected)]))
    );
    assert_eq!(guard.seen(), vec!["Glue/DescribeIntegrations".to_string()]);
}

#[tokio::test]
async fn inbound_integrations_follow_the_marker_and_filter_by_target() {
    use aws_sdk_glue::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput;
    let inbound = |n: u32, status: IntegrationStatus| {
        InboundIntegration::builder()
            .integration_arn(format!("{INTEGRATION_ARN}{n}"))
            .source_arn(TABLE_ARN)
            .target_arn(DB_ARN)
            .status(status)
            .create_time(ts(1_790_000_000))
            .build()
            .unwrap()
    };
    let first = mock!(aws_sdk_glue::Client::describe_inbound_integrations)
        .match_requests(|r| r.target_arn() == Some(DB_ARN) && r.marker().is_none())
        .then_output(move || {
            DescribeInboundIntegrationsOutput::builder()
                .inbound_integrations(inbound(1, IntegrationStatus::Active))
                .marker("page-2")
                .build()
        });
    let second = mock!(aws_sdk_glue::Client::describe_inbound_integrations)
        .match_requests(|r| r.target_arn() == Some(DB_ARN) && r.marker() == Some("page-2"))
        .then_output(move || {
            DescribeInboundIntegrationsOutput::builder()
                .inbound_integrations(inbound(2, IntegrationStatus::Failed))
                .build()
        });
    let tgt = account(
        TGT,
        &Mocks {
            glue: vec![first, second],
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let got = glue::target_integrations(&tgt, DB_ARN).await;
    let map = got.known().expect("known");
    let statuses: Vec<(&str, &str)> = map
        .values()
        .map(|i| (i.integration_arn.as_str(), i.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (format!("{INTEGRATION_ARN}1").as_str(), "ACTIVE"),
            (format!("{INTEGRATION_ARN}2").as_str(), "FAILED"),
        ]
    );
}

#[tokio::test]
async fn resource_property_is_read_and_absent_is_known_none() {
    use aws_sdk_glue::operation::get_integration_resource_property::{
        GetIntegrationResourcePropertyError, GetIntegrationResourcePropertyOutput,
    };
    let present = mock!(aws_sdk_glue::Client::get_integration_resource_property)
        .match_requests(|r| r.resource_arn() == Some(DB_ARN))
        .then_output(|| {
            GetIntegrationResourcePropertyOutput::builder()
                .resource_arn(DB_ARN)
                .source_processing_properties(
                    SourceProcessingProperties::builder()
                        .role_arn("arn:aws:iam::222222222222:role/unused-source")
                        .build(),
                )
                .target_processing_properties(
                    TargetProcessingProperties::builder()
                        .role_arn("arn:aws:iam::222222222222:role/zetl-target")
                        .kms_arn("arn:aws:kms:us-east-1:222222222222:key/t1")
                        .build(),
                )
                .build()
        });
    let absent = mock!(aws_sdk_glue::Client::get_integration_resource_property)
        .match_requests(|r| r.resource_arn() != Some(DB_ARN))
        .then_error(|| {
            GetIntegrationResourcePropertyError::generic(meta(
                "EntityNotFoundException",
                "Integration resource property not found",
            ))
        });
    let tgt = account(
        TGT,
        &Mocks {
            glue: vec![present, absent],
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let got = glue::resource_property(&tgt, DB_ARN).await;
    assert_eq!(
        got,
        Fact::Known(Some(crate::snapshot::ResourceProperty {
            resource_arn: DB_ARN.to_string(),
            role_arn: Some("arn:aws:iam::222222222222:role/zetl-target".to_string()),
            kms_arn: Some("arn:aws:kms:us-east-1:222222222222:key/t1".to_string()),
            connection_name: None,
            event_bus_arn: None,
        }))
    );
    let other = "arn:aws:glue:us-east-1:222222222222:database/other";
    assert_eq!(
        glue::resource_property(&tgt, other).await,
        Fact::Known(None)
    );
}

#[tokio::test]
async fn table_properties_are_read() {
    use aws_sdk_glue::operation::get_integration_table_properties::GetIntegrationTablePropertiesOutput;
    let rule = mock!(aws_sdk_glue::Client::get_integration_table_properties)
        .match_requests(|r| r.resource_arn() == Some(DB_ARN) && r.table_name() == Some("orders"))
        .then_output(|| {
            GetIntegrationTablePropertiesOutput::builder()
                .resource_arn(DB_ARN)
                .table_name("orders")
                .target_table_config(
                    TargetTableConfig::builder()
                        .unnest_spec(UnnestSpec::Toplevel)
                        .target_table_name("orders_iceberg")
                        .partition_spec(
                            IntegrationPartition::builder()
                                .field_name("created_at")
                                .function_spec("day")
                                .conversion_spec("epoch_milli")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let tgt = account(
        TGT,
        &Mocks {
            glue: vec![rule],
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let got = glue::table_properties(&tgt, DB_ARN, "orders").await;
    assert_eq!(
        got,
        Fact::Known(Some(crate::snapshot::TableProperties {
            unnest_spec: Some("TOPLEVEL".to_string()),
            partition_spec: vec![PartitionField {
                field_name: "created_at".to_string(),
                function_spec: Some("day".to_string()),
                conversion_spec: Some("epoch_milli".to_string()),
            }],
            target_table_name: Some("orders_iceberg".to_string()),
        }))
    );
}

#[tokio::test]
async fn integration_api_server_error_is_endpoint_error_after_retries() {
    let rule = mock!(aws_sdk_glue::Client::describe_inbound_integrations)
        .sequence()
        .http_status(500, None)
        .repeatedly()
        .build();
    let tgt = account(
        TGT,
        &Mocks {
            glue: vec![rule],
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let got = glue::target_integrations(&tgt, DB_ARN).await;
    let u = got.unknown().expect("unknown");
    assert_eq!(u.reason, UnknownReason::EndpointError);
    assert_eq!(
        u.action.as_deref(),
        Some("glue:DescribeInboundIntegrations")
    );
}

/// DescribeContinuousBackups: point-in-time recovery enabled, no recovery period given.
pub(crate) fn pitr_enabled(
) -> aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsOutput {
    pitr_enabled_for(None)
}

/// DescribeContinuousBackups: point-in-time recovery enabled, with `RecoveryPeriodInDays` when
/// given.
fn pitr_enabled_for(
    days: Option<i32>,
) -> aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsOutput {
    use aws_sdk_dynamodb::types::{
        ContinuousBackupsDescription, ContinuousBackupsStatus, PointInTimeRecoveryDescription,
        PointInTimeRecoveryStatus,
    };
    aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsOutput::builder()
        .continuous_backups_description(
            ContinuousBackupsDescription::builder()
                .continuous_backups_status(ContinuousBackupsStatus::Enabled)
                .point_in_time_recovery_description(
                    PointInTimeRecoveryDescription::builder()
                        .point_in_time_recovery_status(PointInTimeRecoveryStatus::Enabled)
                        .set_recovery_period_in_days(days)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .build()
}

/// Rules for the two table reads other than the one under test.
fn other_table_reads() -> Vec<Rule> {
    use aws_sdk_dynamodb::operation::get_resource_policy::GetResourcePolicyError;
    vec![
        mock!(aws_sdk_dynamodb::Client::describe_table).then_output(|| {
            aws_sdk_dynamodb::operation::describe_table::DescribeTableOutput::builder()
                .table(
                    aws_sdk_dynamodb::types::TableDescription::builder()
                        .table_name("orders")
                        .table_arn(TABLE_ARN)
                        .table_status(aws_sdk_dynamodb::types::TableStatus::Active)
                        .build(),
                )
                .build()
        }),
        mock!(aws_sdk_dynamodb::Client::get_resource_policy).then_error(|| {
            GetResourcePolicyError::generic(meta("PolicyNotFoundException", "no policy"))
        }),
    ]
}

#[tokio::test]
async fn the_pitr_recovery_period_is_read_with_the_status() {
    let backups = mock!(aws_sdk_dynamodb::Client::describe_continuous_backups)
        .then_output(|| pitr_enabled_for(Some(3)));
    let mut rules = other_table_reads();
    rules.push(backups);
    let src = account(
        SRC,
        &Mocks {
            dynamodb: rules,
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let table = dynamodb::source_table(&src, "orders", TABLE_ARN).await;
    assert_eq!(table.continuous_backups, Fact::Known(PitrStatus::Enabled));
    assert_eq!(table.pitr_recovery_period_days, Some(Fact::Known(Some(3))));

    // Without RecoveryPeriodInDays in the answer: read, none given.
    let mut rules = other_table_reads();
    rules.push(
        mock!(aws_sdk_dynamodb::Client::describe_continuous_backups).then_output(pitr_enabled),
    );
    let src = account(
        SRC,
        &Mocks {
            dynamodb: rules,
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let table = dynamodb::source_table(&src, "orders", TABLE_ARN).await;
    assert_eq!(table.pitr_recovery_period_days, Some(Fact::Known(None)));
}

#[tokio::test]
async fn throttling_then_success_gives_the_fact() {
    use aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsError;
    let backups = mock!(aws_sdk_dynamodb::Client::describe_continuous_backups)
        .sequence()
        .error(|| {
            DescribeContinuousBackupsError::generic(meta("ThrottlingException", "Rate exceeded"))
        })
        .output(pitr_enabled)
        .build();
    let mut rules = other_table_reads();
    rules.push(backups.clone());
    let src = account(
        SRC,
        &Mocks {
            dynamodb: rules,
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let table = dynamodb::source_table(&src, "orders", TABLE_ARN).await;
    assert_eq!(table.continuous_backups, Fact::Known(PitrStatus::Enabled));
    assert_eq!(backups.num_calls(), 2);
    assert_eq!(table.resource_policy, Fact::Known(None));
    assert_eq!(
        table
            .description
            .known()
            .and_then(|d| d.as_ref())
            .map(|d| d.table_status.as_str()),
        Some("ACTIVE")
    );
}

#[tokio::test]
async fn throttled_past_retries_is_unknown_throttled() {
    use aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsError;
    let backups = mock!(aws_sdk_dynamodb::Client::describe_continuous_backups)
        .sequence()
        .error(|| {
            DescribeContinuousBackupsError::generic(meta("ThrottlingException", "Rate exceeded"))
        })
        .repeatedly()
        .build();
    let mut rules = other_table_reads();
    rules.push(backups.clone());
    let src = account(
        SRC,
        &Mocks {
            dynamodb: rules,
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let table = dynamodb::source_table(&src, "orders", TABLE_ARN).await;
    assert_eq!(
        table.continuous_backups,
        Fact::Unknown(Unknown {
            reason: UnknownReason::Throttled,
            action: Some("dynamodb:DescribeContinuousBackups".to_string()),
            message: Some("ThrottlingException: Rate exceeded".to_string()),
        })
    );
    assert_eq!(backups.num_calls(), 3);
}

#[tokio::test]
async fn access_denied_names_the_action_and_other_facts_survive() {
    use aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsError;
    let message = "User: arn:aws:sts::111111111111:assumed-role/zetl-read/s is not authorized to perform: dynamodb:DescribeContinuousBackups on resource: arn:aws:dynamodb:us-east-1:111111111111:table/orders";
    let backups =
        mock!(aws_sdk_dynamodb::Client::describe_continuous_backups).then_error(move || {
            DescribeContinuousBackupsError::generic(meta("AccessDeniedException", message))
        });
    let mut rules = other_table_reads();
    rules.push(backups);
    let src = account(
        SRC,
        &Mocks {
            dynamodb: rules,
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let table = dynamodb::source_table(&src, "orders", TABLE_ARN).await;
    assert_eq!(
        table.continuous_backups,
        Fact::Unknown(Unknown {
            reason: UnknownReason::AccessDenied,
            action: Some("dynamodb:DescribeContinuousBackups".to_string()),
            message: Some(format!("AccessDeniedException: {message}")),
        })
    );
    assert!(table.description.known().is_some());
    assert_eq!(table.resource_policy, Fact::Known(None));
}

#[tokio::test]
async fn the_guard_refuses_a_write_before_it_is_sent() {
    let guard = ReadOnlyGuard::new();
    let put = mock!(aws_sdk_dynamodb::Client::put_item)
        .then_output(|| aws_sdk_dynamodb::operation::put_item::PutItemOutput::builder().build());
    let src = account(
        SRC,
        &Mocks {
            dynamodb: vec![put],
            ..Mocks::default()
        },
        &guard,
    );
    let err = src
        .clients
        .dynamodb
        .put_item()
        .table_name("orders")
        .send()
        .await
        .expect_err("a write must be refused");
    let text = aws_sdk_dynamodb::error::DisplayErrorContext(&err).to_string();
    // The refusal comes from the guard before serialization: no request was built or sent,
    // and the mocked success never reached the caller.
    assert!(text.contains("failed to construct request"), "{text}");
    assert!(
        text.contains("zetl is read-only and refuses DynamoDB:PutItem"),
        "{text}"
    );
    assert!(guard.seen().is_empty());
}

fn identity(account: &'static str) -> Rule {
    mock!(aws_sdk_sts::Client::get_caller_identity).then_output(move || {
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
            .account(account)
            .arn(format!("arn:aws:sts::{account}:assumed-role/zetl-read/s"))
            .user_id("AROAEXAMPLE:s")
            .build()
    })
}

fn no_credentials() -> Rule {
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    mock!(aws_sdk_sts::Client::get_caller_identity).then_error(|| {
        GetCallerIdentityError::generic(
            aws_sdk_sts::error::ErrorMetadata::builder()
                .code("InvalidClientTokenId")
                .message("The security token included in the request is invalid.")
                .build(),
        )
    })
}

fn reach(sts: Rule) -> Reach {
    reach_with(Mocks {
        sts: vec![sts],
        ..Mocks::default()
    })
}

fn reach_with(m: Mocks) -> Reach {
    Reach {
        clients: clients(&m, &ReadOnlyGuard::new()),
        region: Some("us-east-1".to_string()),
        role: None,
        profile: None,
        endpoint: None,
        progress: Reporter::silent(),
    }
}

/// Every target read denied, as for a doctor role with no permission at all.
fn target_denied_everything() -> Mocks {
    use aws_sdk_glue::operation as g;
    use aws_sdk_lakeformation::operation as l;
    fn denied(action: &str) -> aws_sdk_glue::error::ErrorMetadata {
        meta(
            "AccessDeniedException",
            &format!("not authorized to perform: {action}"),
        )
    }
    Mocks {
        sts: vec![identity(TGT)],
        dynamodb: Vec::new(),
        cloudwatch: Vec::new(),
        logs: vec![
            mock!(aws_sdk_cloudwatchlogs::Client::get_log_events).then_error(|| {
                aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsError::generic(
                    aws_sdk_cloudwatchlogs::error::ErrorMetadata::builder()
                        .code("AccessDeniedException")
                        .message("not authorized to perform: logs:GetLogEvents")
                        .build(),
                )
            }),
        ],
        redshift_serverless: Vec::new(),
        iam: Vec::new(),
        glue: vec![
            mock!(aws_sdk_glue::Client::get_resource_policy).then_error(|| {
                g::get_resource_policy::GetResourcePolicyError::generic(denied(
                    "glue:GetResourcePolicy",
                ))
            }),
            mock!(aws_sdk_glue::Client::get_database).then_error(|| {
                g::get_database::GetDatabaseError::generic(denied("glue:GetDatabase"))
            }),
            mock!(aws_sdk_glue::Client::get_integration_resource_property).then_error(|| {
                g::get_integration_resource_property::GetIntegrationResourcePropertyError::generic(
                    denied("glue:GetIntegrationResourceProperty"),
                )
            }),
            mock!(aws_sdk_glue::Client::get_integration_table_properties).then_error(|| {
                g::get_integration_table_properties::GetIntegrationTablePropertiesError::generic(
                    denied("glue:GetIntegrationTableProperties"),
                )
            }),
            mock!(aws_sdk_glue::Client::describe_inbound_integrations).then_error(|| {
                g::describe_inbound_integrations::DescribeInboundIntegrationsError::generic(denied(
                    "glue:DescribeInboundIntegrations",
                ))
            }),
        ],
        lakeformation: vec![
            mock!(aws_sdk_lakeformation::Client::get_data_lake_settings).then_error(|| {
                l::get_data_lake_settings::GetDataLakeSettingsError::generic(denied(
                    "lakeformation:GetDataLakeSettings",
                ))
            }),
            mock!(aws_sdk_lakeformation::Client::list_permissions).then_error(|| {
                l::list_permissions::ListPermissionsError::generic(denied(
                    "lakeformation:ListPermissions",
                ))
            }),
            mock!(aws_sdk_lakeformation::Client::list_resources).then_error(|| {
                l::list_resources::ListResourcesError::generic(denied(
                    "lakeformation:ListResources",
                ))
            }),
        ],
        s3: Vec::new(),
    }
}

fn arn_setup() -> Setup {
    Setup {
        fields: SetupFields {
            source_table: Some(TABLE_ARN.to_string()),
            target_database: Some(DB_ARN.to_string()),
            ..SetupFields::default()
        },
        ..Setup::default()
    }
}

#[tokio::test]
async fn no_credentials_for_both_accounts_is_a_collect_error() {
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let err = collect_from(
        &setup,
        &plan,
        reach(no_credentials()),
        reach(no_credentials()),
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert_eq!(
        err.to_string(),
        "could not read either account
  source account 111111111111: AWS rejected the credentials (InvalidClientTokenId): they are invalid or expired. Renew them, or pass --source-profile with working ones.
  target account 222222222222: AWS rejected the credentials (InvalidClientTokenId): they are invalid or expired. Renew them, or pass --target-profile with working ones.
  Run with --debug to see the AWS SDK's errors."
    );
}

#[tokio::test]
async fn credentials_for_the_wrong_account_are_a_clear_error() {
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let err = collect_from(
        &setup,
        &plan,
        reach(identity("999999999999")),
        reach(identity(TGT)),
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert_eq!(
        err.to_string(),
        "the source credentials are for account 999999999999 (arn:aws:sts::999999999999:assumed-role/zetl-read/s), but the source table is in account 111111111111; pass --source-profile or --source-role-arn for account 111111111111"
    );
}

/// AssumeRole into `zetl-read` of `account`, answered as STS does; the external id must be
/// the one configured.
fn assumed(account: &'static str) -> Rule {
    use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
    use aws_sdk_sts::types::{AssumedRoleUser, Credentials};
    mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|r| {
            r.role_session_name() == Some("zetl-doctor") && r.external_id() == Some("ext-1")
        })
        .then_output(move || {
            AssumeRoleOutput::builder()
                .assumed_role_user(
                    AssumedRoleUser::builder()
                        .assumed_role_id("AROAEXAMPLE:zetl-doctor")
                        .arn(format!(
                            "arn:aws:sts::{account}:assumed-role/zetl-read/zetl-doctor"
                        ))
                        .build()
                        .unwrap(),
                )
                .credentials(
                    Credentials::builder()
                        .access_key_id("ASIAEXAMPLE")
                        .secret_access_key("secret")
                        .session_token("token")
                        .expiration(aws_sdk_sts::primitives::DateTime::from_secs(4_000_000_000))
                        .build()
                        .unwrap(),
                )
                .build()
        })
}

/// A side reached by assuming `arn:aws:iam::ROLE_ACCOUNT:role/zetl-read` (external id
/// `ext-1`); the caller of the guard sees every operation sent.
fn reach_assuming(role_account: &str, m: Mocks, guard: &ReadOnlyGuard) -> Reach {
    Reach {
        clients: clients(&m, guard),
        region: Some("us-east-1".to_string()),
        role: Some(RoleToAssume {
            arn: format!("arn:aws:iam::{role_account}:role/zetl-read"),
            external_id: Some("ext-1".to_string()),
        }),
        profile: None,
        endpoint: None,
        progress: Reporter::silent(),
    }
}

#[tokio::test]
async fn an_assumed_role_names_the_account_without_get_caller_identity() {
    // Only AssumeRole is answered in STS: a GetCallerIdentity would fail the source side.
    let guard = ReadOnlyGuard::new();
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let mut table_reads = other_table_reads();
    table_reads.push(
        mock!(aws_sdk_dynamodb::Client::describe_continuous_backups).then_output(pitr_enabled),
    );
    let no_integrations = mock!(aws_sdk_glue::Client::describe_integrations).then_output(|| {
        aws_sdk_glue::operation::describe_integrations::DescribeIntegrationsOutput::builder()
            .build()
    });
    let source = reach_assuming(
        SRC,
        Mocks {
            sts: vec![assumed(SRC)],
            dynamodb: table_reads,
            glue: vec![no_integrations],
            ..Mocks::default()
        },
        &guard,
    );
    let snapshot = collect_from(
        &setup,
        &plan,
        source,
        reach_with(target_denied_everything()),
        chrono::Utc::now(),
    )
    .await
    .expect("collects");
    assert_eq!(
        snapshot.tables[TABLE_ARN].continuous_backups,
        Fact::Known(PitrStatus::Enabled)
    );
    assert_eq!(snapshot.accounts.source.id, SRC);
    assert_eq!(
        snapshot.accounts.source.caller_arn.as_deref(),
        Some("arn:aws:sts::111111111111:assumed-role/zetl-read/zetl-doctor")
    );
    let sts_calls: Vec<String> = guard
        .seen()
        .into_iter()
        .filter(|op| op.starts_with("STS/"))
        .collect();
    assert_eq!(sts_calls, vec!["STS/AssumeRole".to_string()]);
}

#[tokio::test]
async fn an_assumed_role_in_the_wrong_account_is_a_clear_error() {
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let source = reach_assuming(
        "999999999999",
        Mocks {
            sts: vec![assumed("999999999999")],
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let err = collect_from(
        &setup,
        &plan,
        source,
        reach(identity(TGT)),
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert_eq!(
        err.to_string(),
        "the source credentials are for account 999999999999 (arn:aws:sts::999999999999:assumed-role/zetl-read/zetl-doctor), but the source table is in account 111111111111; pass --source-profile or --source-role-arn for account 111111111111"
    );
}

#[tokio::test]
async fn a_denied_assume_role_leaves_that_account_unreachable() {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let denied = mock!(aws_sdk_sts::Client::assume_role).then_error(|| {
        AssumeRoleError::generic(meta(
            "AccessDenied",
            "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole",
        ))
    });
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let source = reach_assuming(
        SRC,
        Mocks {
            sts: vec![denied],
            ..Mocks::default()
        },
        &ReadOnlyGuard::new(),
    );
    let snapshot = collect_from(
        &setup,
        &plan,
        source,
        reach_with(target_denied_everything()),
        chrono::Utc::now(),
    )
    .await
    .expect("the target account is enough to run");
    assert_eq!(snapshot.accounts.source.caller_arn, None);
    let u = snapshot.tables[TABLE_ARN]
        .description
        .unknown()
        .expect("unknown");
    assert_eq!(u.reason, UnknownReason::NoCredentials);
    assert!(
        u.message
            .as_deref()
            .is_some_and(|m| m.contains("sts:AssumeRole")),
        "{u:?}"
    );
}

#[tokio::test]
async fn one_unreachable_account_and_denied_reads_never_abort_the_run() {
    // The source account is down (nothing is sent there); in the target every read is
    // denied. The run still completes, each fact unknown with its own reason and action.
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let snapshot = collect_from(
        &setup,
        &plan,
        reach(no_credentials()),
        reach_with(target_denied_everything()),
        chrono::Utc::now(),
    )
    .await
    .expect("one account is enough to run");
    let table = &snapshot.tables[TABLE_ARN];
    let u = table.continuous_backups.unknown().expect("unknown");
    assert_eq!(u.reason, UnknownReason::NoCredentials);
    assert_eq!(u.action, None);
    assert_eq!(
        snapshot.integrations.source.unknown().map(|u| &u.reason),
        Some(&UnknownReason::NoCredentials)
    );
    assert_eq!(snapshot.accounts.source.id, SRC);
    assert_eq!(snapshot.accounts.source.caller_arn, None);
    assert_eq!(
        snapshot.accounts.target.caller_arn.as_deref(),
        Some("arn:aws:sts::222222222222:assumed-role/zetl-read/s")
    );
    let denied = |f: Option<&Unknown>| {
        let u = f.expect("unknown");
        assert_eq!(u.reason, UnknownReason::AccessDenied);
        u.action.clone().expect("action")
    };
    let catalog = "arn:aws:glue:us-east-1:222222222222:catalog";
    assert_eq!(
        denied(snapshot.catalog_policies[catalog].unknown()),
        "glue:GetResourcePolicy"
    );
    assert_eq!(
        denied(snapshot.databases[DB_ARN].unknown()),
        "glue:GetDatabase"
    );
    assert_eq!(
        denied(snapshot.resource_properties[DB_ARN].unknown()),
        "glue:GetIntegrationResourceProperty"
    );
    assert_eq!(
        denied(snapshot.table_properties[DB_ARN]["orders"].unknown()),
        "glue:GetIntegrationTableProperties"
    );
    assert_eq!(
        denied(snapshot.integrations.target.unknown()),
        "glue:DescribeInboundIntegrations"
    );
    assert!(denied(snapshot.lake_formation[TGT].unknown()).starts_with("lakeformation:"));
    assert!(snapshot.buckets.is_empty());
    assert_eq!(snapshot.setup.pairs[0].source_table, TABLE_ARN);
    assert_eq!(snapshot.setup.pairs[0].target_database, DB_ARN);
}

mod bucket_reads {
    use aws_sdk_s3::operation::get_bucket_encryption::{
        GetBucketEncryptionError, GetBucketEncryptionOutput,
    };
    use aws_sdk_s3::operation::get_bucket_location::GetBucketLocationOutput;
    use aws_sdk_s3::operation::get_bucket_policy::{GetBucketPolicyError, GetBucketPolicyOutput};
    use aws_sdk_s3::types::{
        BucketLocationConstraint, ServerSideEncryption, ServerSideEncryptionByDefault,
        ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    };

    use super::*;
    use crate::snapshot::BucketEncryption;

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[]}"#;

    fn location(constraint: Option<BucketLocationConstraint>) -> Rule {
        mock!(aws_sdk_s3::Client::get_bucket_location).then_output(move || {
            GetBucketLocationOutput::builder()
                .set_location_constraint(constraint.clone())
                .build()
        })
    }

    fn encryption_output() -> GetBucketEncryptionOutput {
        let default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()
            .unwrap();
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(default)
            .build();
        GetBucketEncryptionOutput::builder()
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()
                    .unwrap(),
            )
            .build()
    }

    fn aes256() -> Fact<Option<BucketEncryption>> {
        Fact::Known(Some(BucketEncryption {
            sse_algorithm: "AES256".into(),
            kms_master_key_id: None,
            bucket_key_enabled: None,
        }))
    }

    #[tokio::test]
    async fn a_bucket_in_the_account_region_is_read_in_one_round() {
        let policy = mock!(aws_sdk_s3::Client::get_bucket_policy)
            .then_output(|| GetBucketPolicyOutput::builder().policy(POLICY).build());
        let encryption =
            mock!(aws_sdk_s3::Client::get_bucket_encryption).then_output(encryption_output);
        let m = Mocks {
            s3: vec![location(None), policy.clone(), encryption.clone()],
            ..Mocks::default()
        };
        let b = s3::bucket(&account(TGT, &m, &ReadOnlyGuard::new()), "lake").await;
        assert_eq!(b.region, Fact::Known(Some("us-east-1".into())));
        assert_eq!(
            b.policy,
            Fact::Known(Some(serde_json::from_str(POLICY).unwrap()))
        );
        assert_eq!(b.encryption, aes256());
        assert_eq!((policy.num_calls(), encryption.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn a_bucket_in_another_region_is_read_again_from_its_region() {
        // From the account's region S3 answers a redirect; from the bucket's, the data.
        let redirect = || meta("PermanentRedirect", "use the bucket's endpoint");
        let policy = mock!(aws_sdk_s3::Client::get_bucket_policy)
            .sequence()
            .error(move || GetBucketPolicyError::generic(redirect()))
            .output(|| GetBucketPolicyOutput::builder().policy(POLICY).build())
            .build();
        let encryption = mock!(aws_sdk_s3::Client::get_bucket_encryption)
            .sequence()
            .error(move || GetBucketEncryptionError::generic(redirect()))
            .output(encryption_output)
            .build();
        let m = Mocks {
            s3: vec![
                location(Some(BucketLocationConstraint::EuWest1)),
                policy.clone(),
                encryption.clone(),
            ],
            ..Mocks::default()
        };
        let b = s3::bucket(&account(TGT, &m, &ReadOnlyGuard::new()), "lake").await;
        assert_eq!(b.region, Fact::Known(Some("eu-west-1".into())));
        assert_eq!(
            b.policy,
            Fact::Known(Some(serde_json::from_str(POLICY).unwrap()))
        );
        assert_eq!(b.encryption, aes256());
        assert_eq!((policy.num_calls(), encryption.num_calls()), (2, 2));
    }
}
