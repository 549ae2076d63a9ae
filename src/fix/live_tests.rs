//! The guarded writes against aws-smithy-mocks clients: what moto cannot show (its Glue
//! integration APIs do not exist; its conditions differ from AWS's error codes) — a service
//! condition failing at write time, a document changed before the write, a denied write
//! naming the missing action, and the resource property created or updated.

use aws_sdk_dynamodb::error::ErrorMetadata;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use serde_json::{json, Value};

use super::change::{Account, Change, Target};
use super::live::{apply, Applied, Writer};
use crate::collect::clients::{Account as CollectorAccount, Clients};
use crate::collect::guard::ReadOnlyGuard;
use crate::collect::progress::Reporter;
use crate::permissions::Side;
use crate::snapshot::Snapshot;

const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
const DB_ARN: &str = "arn:aws:glue:us-east-1:222222222222:database/lake";
const ROLE_ARN: &str = "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole";

fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

/// A writer whose clients answer from the rules: the re-reads through the collector's
/// read-only clients (guarded as the collector's are), the writes through unguarded ones, both
/// from the same rules.
fn writer(dynamodb: &[Rule], glue: &[Rule], iam: &[Rule]) -> Writer {
    guarded_writer(dynamodb, glue, iam).0
}

/// [`writer`], and the read-only guard of its re-reads.
fn guarded_writer(dynamodb: &[Rule], glue: &[Rule], iam: &[Rule]) -> (Writer, ReadOnlyGuard) {
    let guard = ReadOnlyGuard::new();
    let conf = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .build();
    let mut clients = Clients::from_config(&conf, false, &guard);
    clients.dynamodb = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, dynamodb, |c| c
        .interceptor(guard.clone()));
    clients.glue = mock_client!(aws_sdk_glue, RuleMode::MatchAny, glue, |c| c
        .interceptor(guard.clone()));
    clients.iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, iam, |c| c
        .interceptor(guard.clone()));
    let writer = Writer {
        account: CollectorAccount {
            clients,
            side: Side::Source,
            id: "111111111111".into(),
            region: "us-east-1".into(),
            partition: "aws".into(),
            down: None,
            progress: Reporter::silent(),
        },
        dynamodb: mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, dynamodb),
        glue: mock_client!(aws_sdk_glue, RuleMode::MatchAny, glue),
        iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, iam),
    };
    (writer, guard)
}

fn healthy() -> Snapshot {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/healthy/cross-account.json");
    crate::snapshot::load(&path).expect("healthy fixture")
}

fn policy(sid: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": sid, "Effect": "Allow",
        "Principal": {"Service": "glue.amazonaws.com"}, "Action": "dynamodb:DescribeTable",
        "Resource": TABLE_ARN}]})
}

fn change(target: Target, account: Account, before: Option<Value>, after: Value) -> Change {
    Change {
        account,
        action: target.write_action(before.is_some()).iam.to_string(),
        target,
        rules: vec!["ZS004".into()],
        before,
        after,
        command: None,
        token: None,
    }
}

fn table_change(before: Option<Value>) -> Change {
    change(
        Target::TablePolicy {
            table_arn: TABLE_ARN.into(),
        },
        Account::Source,
        before,
        policy("New"),
    )
}

/// GetResourcePolicy answering `policy` at `revision`.
fn table_policy_read(policy: &Value, revision: &str) -> Rule {
    let (text, revision) = (policy.to_string(), revision.to_string());
    mock!(aws_sdk_dynamodb::Client::get_resource_policy).then_output(move || {
        aws_sdk_dynamodb::operation::get_resource_policy::GetResourcePolicyOutput::builder()
            .policy(text.clone())
            .revision_id(revision.clone())
            .build()
    })
}

/// PutResourcePolicy that succeeds.
fn table_policy_put() -> Rule {
    mock!(aws_sdk_dynamodb::Client::put_resource_policy).then_output(|| {
        aws_sdk_dynamodb::operation::put_resource_policy::PutResourcePolicyOutput::builder().build()
    })
}

/// Stored table policy whose revision is `revision`.
fn snapshot_with_revision(revision: &str, stored: &Value) -> Snapshot {
    let mut snap = healthy();
    let table = snap.tables.get_mut(TABLE_ARN).expect("table");
    table.resource_policy = crate::snapshot::Fact::Known(Some(crate::snapshot::TablePolicy {
        policy: stored.clone().into(),
        revision_id: Some(revision.into()),
    }));
    snap
}

#[tokio::test]
async fn table_policy_put_carries_the_revision_read_and_a_condition_failure_is_a_conflict() {
    use aws_sdk_dynamodb::operation::put_resource_policy::PutResourcePolicyError;
    let old = policy("Old");
    let read = table_policy_read(&old, "rev-2");
    // The write names the revision the plan was made from (rev-1), not the one just read:
    // the service refuses it because someone wrote rev-2 in between.
    let put = mock!(aws_sdk_dynamodb::Client::put_resource_policy)
        .match_requests(|r| r.expected_revision_id() == Some("rev-1"))
        .then_error(|| {
            PutResourcePolicyError::generic(meta(
                "PolicyNotFoundException",
                "Requested update for policy with revision id rev-1, but the policy has revision id rev-2",
            ))
        });
    let w = writer(&[read, put.clone()], &[], &[]);
    let snap = snapshot_with_revision("rev-1", &old);
    let result = apply(&[table_change(Some(old))], &w, &w, &snap).await;
    assert_eq!(put.num_calls(), 1);
    match &result[..] {
        [Applied::Conflict(m)] => {
            assert!(m.contains("changed while it was being written"), "{m}");
            assert!(m.contains("PolicyNotFoundException"), "{m}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_document_changed_since_the_plan_is_not_written_and_the_run_stops() {
    let read = mock!(aws_sdk_dynamodb::Client::get_resource_policy).then_output(|| {
        aws_sdk_dynamodb::operation::get_resource_policy::GetResourcePolicyOutput::builder()
            .policy(policy("SomeoneElse").to_string())
            .revision_id("rev-9")
            .build()
    });
    let put = table_policy_put();
    let pitr = mock!(aws_sdk_dynamodb::Client::update_continuous_backups).then_output(|| {
        aws_sdk_dynamodb::operation::update_continuous_backups::UpdateContinuousBackupsOutput::builder().build()
    });
    let w = writer(&[read, put.clone(), pitr.clone()], &[], &[]);
    let snap = snapshot_with_revision("rev-1", &policy("Old"));
    let second = change(
        Target::PointInTimeRecovery {
            table_arn: TABLE_ARN.into(),
        },
        Account::Source,
        Some(json!({"PointInTimeRecoveryEnabled": false})),
        json!({"PointInTimeRecoveryEnabled": true}),
    );
    let result = apply(&[table_change(Some(policy("Old"))), second], &w, &w, &snap).await;
    assert_eq!(
        put.num_calls(),
        0,
        "a changed document must never be written"
    );
    assert_eq!(pitr.num_calls(), 0, "the run stops at the first conflict");
    assert_eq!(result.len(), 1);
    assert!(
        matches!(&result[0], Applied::Conflict(m) if m.contains("changed since it was read")),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_new_table_policy_is_put_with_no_policy_as_expected_revision() {
    use aws_sdk_dynamodb::operation::get_resource_policy::GetResourcePolicyError;
    let read = mock!(aws_sdk_dynamodb::Client::get_resource_policy).then_error(|| {
        GetResourcePolicyError::generic(meta("PolicyNotFoundException", "no policy"))
    });
    let put = mock!(aws_sdk_dynamodb::Client::put_resource_policy)
        .match_requests(|r| {
            r.expected_revision_id() == Some("NO_POLICY")
                && r.policy()
                    .and_then(|p| serde_json::from_str::<Value>(p).ok())
                    == Some(policy("New"))
        })
        .then_output(|| {
            aws_sdk_dynamodb::operation::put_resource_policy::PutResourcePolicyOutput::builder()
                .revision_id("rev-1")
                .build()
        });
    let w = writer(&[read, put.clone()], &[], &[]);
    let mut snap = healthy();
    snap.tables.get_mut(TABLE_ARN).unwrap().resource_policy = crate::snapshot::Fact::Known(None);
    let result = apply(&[table_change(None)], &w, &w, &snap).await;
    assert_eq!(result, [Applied::Done]);
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn catalog_policy_put_uses_the_hash_and_its_condition_failure_is_a_conflict() {
    use aws_sdk_glue::operation::put_resource_policy::PutResourcePolicyError;
    let old = json!({"Version": "2012-10-17", "Statement": []});
    let read = mock!(aws_sdk_glue::Client::get_resource_policy).then_output({
        let text = old.to_string();
        move || {
            aws_sdk_glue::operation::get_resource_policy::GetResourcePolicyOutput::builder()
                .policy_in_json(text.clone())
                .policy_hash("hash-now")
                .build()
        }
    });
    let put = mock!(aws_sdk_glue::Client::put_resource_policy)
        .match_requests(|r| {
            r.policy_hash_condition() == Some("hash-read")
                && r.policy_exists_condition()
                    == Some(&aws_sdk_glue::types::ExistCondition::MustExist)
                && r.enable_hybrid() == Some(&aws_sdk_glue::types::EnableHybridValues::True)
        })
        .then_error(|| {
            PutResourcePolicyError::ConditionCheckFailureException(
                aws_sdk_glue::types::error::ConditionCheckFailureException::builder()
                    .message("hash mismatch")
                    .meta(meta("ConditionCheckFailureException", "hash mismatch"))
                    .build(),
            )
        });
    let w = writer(&[], &[read, put.clone()], &[]);
    let mut snap = healthy();
    let catalog = super::change::target_catalog_arn(&snap);
    snap.catalog_policies.insert(
        catalog.clone(),
        crate::snapshot::Fact::Known(Some(crate::snapshot::CatalogPolicy {
            policy: old.clone().into(),
            policy_hash: Some("hash-read".into()),
        })),
    );
    let c = change(
        Target::CatalogPolicy {
            catalog_arn: catalog,
            enable_hybrid: true,
        },
        Account::Target,
        Some(old),
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}),
    );
    let result = apply(&[c], &w, &w, &snap).await;
    assert_eq!(put.num_calls(), 1);
    assert!(
        matches!(&result[..], [Applied::Conflict(m)] if m.contains("ConditionCheckFailureException")),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_denied_write_names_the_missing_action() {
    use aws_sdk_iam::operation::get_role_policy::GetRolePolicyError;
    use aws_sdk_iam::operation::put_role_policy::PutRolePolicyError;
    let read = mock!(aws_sdk_iam::Client::get_role_policy).then_error(|| {
        GetRolePolicyError::NoSuchEntityException(
            aws_sdk_iam::types::error::NoSuchEntityException::builder()
                .message("not found")
                .meta(meta("NoSuchEntity", "not found"))
                .build(),
        )
    });
    let put = mock!(aws_sdk_iam::Client::put_role_policy).then_error(|| {
        PutRolePolicyError::generic(meta(
            "AccessDenied",
            "not authorized to perform iam:PutRolePolicy",
        ))
    });
    let w = writer(&[], &[], &[read, put]);
    let c = change(
        Target::InlinePolicy {
            principal_arn: ROLE_ARN.into(),
            principal_kind: crate::snapshot::PrincipalKind::Role,
            policy_name: "zetl-zero-etl-target".into(),
        },
        Account::Target,
        None,
        json!({"Version": "2012-10-17", "Statement": []}),
    );
    let result = apply(&[c], &w, &w, &healthy()).await;
    match &result[..] {
        [Applied::Failed {
            missing_action: Some(a),
            ..
        }] => assert_eq!(a, "iam:PutRolePolicy"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn resource_property_is_created_when_absent_and_updated_when_present() {
    use aws_sdk_glue::operation::get_integration_resource_property::{
        GetIntegrationResourcePropertyError, GetIntegrationResourcePropertyOutput,
    };
    let absent = mock!(aws_sdk_glue::Client::get_integration_resource_property).then_error(|| {
        GetIntegrationResourcePropertyError::generic(meta("EntityNotFoundException", "none"))
    });
    let create = mock!(aws_sdk_glue::Client::create_integration_resource_property)
        .match_requests(|r| {
            r.resource_arn() == Some(DB_ARN)
                && r.target_processing_properties().and_then(|t| t.role_arn()) == Some(ROLE_ARN)
        })
        .then_output(|| {
            aws_sdk_glue::operation::create_integration_resource_property::CreateIntegrationResourcePropertyOutput::builder()
                .resource_arn(DB_ARN)
                .build()
                .expect("output")
        });
    let w = writer(&[], &[absent, create.clone()], &[]);
    let wanted = json!({"TargetProcessingProperties": {"RoleArn": ROLE_ARN}});
    let target = Target::ResourceProperty {
        resource_arn: DB_ARN.into(),
    };
    let c = change(target.clone(), Account::Target, None, wanted.clone());
    assert_eq!(apply(&[c], &w, &w, &healthy()).await, [Applied::Done]);
    assert_eq!(create.num_calls(), 1);

    let old_role = "arn:aws:iam::222222222222:role/old";
    let present =
        mock!(aws_sdk_glue::Client::get_integration_resource_property).then_output(move || {
            GetIntegrationResourcePropertyOutput::builder()
                .resource_arn(DB_ARN)
                .target_processing_properties(
                    aws_sdk_glue::types::TargetProcessingProperties::builder()
                        .role_arn(old_role)
                        .build(),
                )
                .build()
        });
    let update = mock!(aws_sdk_glue::Client::update_integration_resource_property)
        .match_requests(|r| r.target_processing_properties().and_then(|t| t.role_arn()) == Some(ROLE_ARN))
        .then_output(|| {
            aws_sdk_glue::operation::update_integration_resource_property::UpdateIntegrationResourcePropertyOutput::builder()
                .resource_arn(DB_ARN)
                .build()

        });
    let w = writer(&[], &[present, update.clone()], &[]);
    let before = json!({"TargetProcessingProperties": {"RoleArn": old_role}});
    let c = change(target, Account::Target, Some(before), wanted);
    assert_eq!(apply(&[c], &w, &w, &healthy()).await, [Applied::Done]);
    assert_eq!(update.num_calls(), 1);
}

#[tokio::test]
async fn each_write_is_reported_as_it_is_sent_and_a_stale_document_is_not() {
    use super::live::apply_reporting;
    let old = policy("Old");
    let read = table_policy_read(&old, "rev-1");
    let put = table_policy_put();
    let w = writer(&[read, put.clone()], &[], &[]);
    let snap = snapshot_with_revision("rev-1", &old);
    let reported = std::cell::RefCell::new(Vec::new());
    let log = |i: usize, c: &Change| {
        // The write has not been sent yet when it is reported.
        assert_eq!(put.num_calls(), 0);
        reported.borrow_mut().push((i, c.target.describe()));
    };
    let result = apply_reporting(&[table_change(Some(old))], &w, &w, &snap, &log).await;
    assert_eq!(result, [Applied::Done]);
    assert_eq!(put.num_calls(), 1);
    assert_eq!(
        *reported.borrow(),
        [(0, table_change(None).target.describe())]
    );

    // A document someone changed is not written, so there is nothing to report.
    let read = mock!(aws_sdk_dynamodb::Client::get_resource_policy).then_output(|| {
        aws_sdk_dynamodb::operation::get_resource_policy::GetResourcePolicyOutput::builder()
            .policy(policy("SomeoneElse").to_string())
            .revision_id("rev-9")
            .build()
    });
    let w = writer(&[read], &[], &[]);
    let reported = std::cell::RefCell::new(Vec::new());
    let log = |i: usize, _: &Change| reported.borrow_mut().push(i);
    let result = apply_reporting(&[table_change(Some(policy("Old")))], &w, &w, &snap, &log).await;
    assert!(matches!(&result[..], [Applied::Conflict(_)]), "{result:?}");
    assert!(reported.borrow().is_empty());
}

/// A sleep that records the delays asked for and returns at once.
fn recording_sleep(
    slept: &std::sync::Arc<std::sync::Mutex<Vec<std::time::Duration>>>,
) -> impl Fn(std::time::Duration) -> futures::future::BoxFuture<'static, ()> + Sync {
    let slept = slept.clone();
    move |d| {
        slept.lock().unwrap().push(d);
        Box::pin(async {})
    }
}

#[tokio::test]
async fn a_new_table_policy_not_yet_readable_is_read_again_until_it_shows() {
    use super::live::{settle, Visible, SETTLE_DELAYS};
    use aws_sdk_dynamodb::operation::get_resource_policy::{
        GetResourcePolicyError, GetResourcePolicyOutput,
    };
    // Right after the put, DynamoDB still answers PolicyNotFoundException; then the document.
    let read = mock!(aws_sdk_dynamodb::Client::get_resource_policy)
        .sequence()
        .error(|| GetResourcePolicyError::generic(meta("PolicyNotFoundException", "no policy")))
        .output(|| {
            GetResourcePolicyOutput::builder()
                .policy(policy("New").to_string())
                .revision_id("rev-2")
                .build()
        })
        .repeatedly()
        .build();
    let w = writer(std::slice::from_ref(&read), &[], &[]);
    let slept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sleep = recording_sleep(&slept);
    let waits = std::sync::Mutex::new(0);
    let seen = settle(
        &[table_change(None)],
        &[Applied::Done],
        &w,
        &w,
        &SETTLE_DELAYS,
        &sleep,
        &|_| *waits.lock().unwrap() += 1,
    )
    .await;
    assert_eq!(seen, [Some(Visible::Yes)]);
    assert_eq!(
        read.num_calls(),
        2,
        "one read not found, one read of the document"
    );
    assert_eq!(*slept.lock().unwrap(), [SETTLE_DELAYS[0]]);
    assert_eq!(*waits.lock().unwrap(), 1);
}

#[tokio::test]
async fn an_old_document_read_back_is_waited_for_boundedly_then_called_not_yet_visible() {
    use super::live::{settle, Visible};
    use aws_sdk_iam::operation::get_role_policy::GetRolePolicyOutput;
    // IAM keeps answering the old inline policy: the wait ends after the delays given.
    let old = policy("Old");
    let read = mock!(aws_sdk_iam::Client::get_role_policy).then_output({
        let text = old.to_string();
        move || {
            GetRolePolicyOutput::builder()
                .role_name("ZeroEtlTargetRole")
                .policy_name("zetl")
                .policy_document(text.clone())
                .build()
                .unwrap()
        }
    });
    let w = writer(&[], &[], std::slice::from_ref(&read));
    let inline = change(
        Target::InlinePolicy {
            principal_arn: ROLE_ARN.into(),
            principal_kind: crate::snapshot::PrincipalKind::Role,
            policy_name: "zetl".into(),
        },
        Account::Target,
        Some(old.clone()),
        policy("New"),
    );
    let delays = [
        std::time::Duration::from_secs(2),
        std::time::Duration::from_secs(4),
    ];
    let slept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sleep = recording_sleep(&slept);
    let seen = settle(
        &[inline],
        &[Applied::Done],
        &w,
        &w,
        &delays,
        &sleep,
        &|_| {},
    )
    .await;
    assert_eq!(
        seen,
        [Some(Visible::NotYet {
            waited: std::time::Duration::from_secs(6)
        })]
    );
    assert_eq!(read.num_calls(), 3, "a first read and one after each delay");
    assert_eq!(*slept.lock().unwrap(), delays);
}

#[tokio::test]
async fn changes_not_applied_are_not_read_back_and_a_visible_write_needs_no_wait() {
    use super::live::{settle, Visible, SETTLE_DELAYS};
    let pitr = mock!(aws_sdk_dynamodb::Client::describe_continuous_backups)
        .then_output(crate::collect::mock_tests::pitr_enabled);
    let read = mock!(aws_sdk_dynamodb::Client::get_resource_policy).then_output(|| {
        aws_sdk_dynamodb::operation::get_resource_policy::GetResourcePolicyOutput::builder().build()
    });
    let w = writer(&[pitr.clone(), read.clone()], &[], &[]);
    let enable = change(
        Target::PointInTimeRecovery {
            table_arn: TABLE_ARN.into(),
        },
        Account::Source,
        Some(json!({"PointInTimeRecoveryEnabled": false})),
        json!({"PointInTimeRecoveryEnabled": true}),
    );
    let failed = Applied::Failed {
        message: "denied".into(),
        missing_action: Some("dynamodb:PutResourcePolicy".into()),
    };
    let slept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sleep = recording_sleep(&slept);
    let seen = settle(
        &[enable, table_change(None)],
        &[Applied::Done, failed],
        &w,
        &w,
        &SETTLE_DELAYS,
        &sleep,
        &|_| {},
    )
    .await;
    assert_eq!(seen, [Some(Visible::Yes), None]);
    assert_eq!(pitr.num_calls(), 1);
    assert_eq!(read.num_calls(), 0, "a write that failed is not read back");
    assert!(slept.lock().unwrap().is_empty());
}

/// The re-read is the collector's read: a denied one names the read action the credentials
/// lack (as the doctor would), and nothing is written.
#[tokio::test]
async fn a_denied_re_read_names_the_read_action_and_nothing_is_written() {
    use aws_sdk_iam::operation::get_role::GetRoleError;
    let read = mock!(aws_sdk_iam::Client::get_role).then_error(|| {
        GetRoleError::generic(meta(
            "AccessDenied",
            "User: arn:aws:iam::222222222222:user/ci is not authorized to perform: iam:GetRole",
        ))
    });
    let put = mock!(aws_sdk_iam::Client::update_assume_role_policy).then_output(|| {
        aws_sdk_iam::operation::update_assume_role_policy::UpdateAssumeRolePolicyOutput::builder()
            .build()
    });
    let w = writer(&[], &[], &[read, put.clone()]);
    let c = change(
        Target::TrustPolicy {
            role_arn: ROLE_ARN.into(),
        },
        Account::Target,
        Some(policy("Old")),
        policy("New"),
    );
    let result = apply(&[c], &w, &w, &healthy()).await;
    assert_eq!(
        result,
        [Applied::Failed {
            message: "AccessDenied: User: arn:aws:iam::222222222222:user/ci is not authorized to perform: iam:GetRole".into(),
            missing_action: Some("iam:GetRole".into()),
        }]
    );
    assert_eq!(put.num_calls(), 0);
}

/// The writer's calls are the account's calls: its progress reporter hears of the re-read
/// (the write is logged by the command, not reported as a read), and the re-read went
/// through the collector's read-only clients.
#[tokio::test]
async fn the_re_read_is_reported_as_the_collectors_reads_are_and_the_write_is_not() {
    #[derive(Default)]
    struct Lines(std::sync::Mutex<Vec<String>>);
    impl crate::collect::progress::Progress for Lines {
        fn step(&self, line: &str) {
            self.0.lock().unwrap().push(line.to_string());
        }
    }
    let old = policy("Old");
    let read = table_policy_read(&old, "rev-1");
    let put = table_policy_put();
    let lines = std::sync::Arc::new(Lines::default());
    let (mut w, guard) = guarded_writer(&[read, put.clone()], &[], &[]);
    w.account.progress = Reporter::new(lines.clone());
    let snap = snapshot_with_revision("rev-1", &old);
    let result = apply(&[table_change(Some(old))], &w, &w, &snap).await;
    assert_eq!(result, [Applied::Done]);
    assert_eq!(put.num_calls(), 1);
    assert_eq!(
        *lines.0.lock().unwrap(),
        ["source account 111111111111: reading the table policy"]
    );
    assert_eq!(guard.seen(), ["DynamoDB/GetResourcePolicy"]);
}
