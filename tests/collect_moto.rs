//! End to end: the live collector against a moto server (loopback) holding the healthy
//! cross-account setup, reached through sts:AssumeRole into each account as a real run would.
//!
//! Needs the pinned moto venv (`scripts/moto-venv.sh`; `scripts/test.sh` creates it and sets
//! ZETL_REQUIRE_MOTO=1 so a missing emulator fails the suite). Without the venv and without
//! ZETL_REQUIRE_MOTO the test says so and does nothing.
//!
//! The doctor end-to-end test (the real binary over every broken variant) lives in
//! tests/moto/doctor_variants.rs and is part of this test binary.

#[path = "moto/doctor_variants.rs"]
mod doctor_variants;
#[path = "moto/fix_variants.rs"]
mod fix_variants;
#[path = "moto/logs.rs"]
mod ingestion_logs;
#[path = "moto/pairs_variants.rs"]
mod pairs_variants;
#[path = "moto/server.rs"]
mod server;

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use server::{start_moto, Moto};
use zetl::collect::guard::ReadOnlyGuard;
use zetl::collect::{collect_blocking, collect_guarded};
use zetl::permissions::READ_ACTIONS;
use zetl::setup::{Setup as SetupArgs, SetupFields};
use zetl::snapshot::{Fact, PitrStatus, PrincipalKind, UnknownReason};

const SRC: &str = "111111111111";
const TGT: &str = "222222222222";

fn setup_healthy(moto: &Moto, phase: &[&str]) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/setup_healthy.py");
    let out = Command::new(moto.venv.join("bin/python"))
        .arg(script)
        .arg(&moto.endpoint)
        .args(phase)
        .output()
        .expect("run setup_healthy.py");
    assert!(
        out.status.success(),
        "setup_healthy.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("setup output is JSON")
}

fn setup_args(endpoint: Option<&str>) -> SetupArgs {
    SetupArgs {
        fields: SetupFields {
            source_table: Some(format!("arn:aws:dynamodb:us-east-1:{SRC}:table/orders")),
            target_database: Some(format!("arn:aws:glue:us-east-1:{TGT}:database/lake")),
            target_role: Some("zetl-target-role".to_string()),
            source_principal: Some(format!("arn:aws:iam::{SRC}:role/zetl-creator")),
            source_role_arn: Some(format!("arn:aws:iam::{SRC}:role/zetl-read")),
            target_role_arn: Some(format!("arn:aws:iam::{TGT}:role/zetl-read")),
            external_id: Some("zetl-test".to_string()),
            endpoint_url: endpoint.map(str::to_string),
            ..SetupFields::default()
        },
        ..SetupArgs::default()
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn collects_the_healthy_cross_account_setup_from_moto() {
    let Some(moto) = start_moto("collector e2e test") else {
        return;
    };
    // Base credentials for the assume-role calls; nothing may come from this machine's
    // own AWS configuration or instance metadata.
    server::isolate_this_process();
    std::env::remove_var("AWS_ENDPOINT_URL");
    let created = setup_healthy(&moto, &[]);

    let guard = ReadOnlyGuard::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
        .unwrap()
        .to_utc();
    let snap = runtime
        .block_on(collect_guarded(
            &setup_args(Some(&moto.endpoint)),
            now,
            &guard,
        ))
        .expect("collect");

    // Accounts, as the assumed roles see them.
    assert_eq!(snap.collected_at, now);
    assert_eq!(snap.accounts.source.id, SRC);
    assert_eq!(snap.accounts.target.id, TGT);
    assert_eq!(snap.accounts.source.region, "us-east-1");
    let caller = snap.accounts.target.caller_arn.clone().unwrap();
    assert!(
        caller.starts_with(&format!("arn:aws:sts::{TGT}:assumed-role/zetl-read/")),
        "{caller}"
    );

    // Source table: PITR, encryption, decoded resource policy.
    let table_arn = created["table_arn"].as_str().unwrap();
    let table = &snap.tables[table_arn];
    assert_eq!(table.continuous_backups, Fact::Known(PitrStatus::Enabled));
    // Read with the status; moto's answer carries no RecoveryPeriodInDays (read, none given).
    assert_eq!(table.pitr_recovery_period_days, Some(Fact::Known(None)));
    let desc = table.description.known().unwrap().as_ref().unwrap();
    assert_eq!(desc.table_name, "orders");
    assert_eq!(desc.table_arn, table_arn);
    assert_eq!(desc.table_status, "ACTIVE");
    let sse = desc.sse_description.as_ref().unwrap();
    assert_eq!(sse.status, "ENABLED");
    assert_eq!(sse.sse_type.as_deref(), Some("KMS"));
    let key_arn = sse.kms_master_key_arn.clone().unwrap();
    let policy = table.resource_policy.known().unwrap().as_ref().unwrap();
    assert_eq!(policy.policy.stored(), created["table_policy"]);

    // The table's key, read in the source account.
    let key = &snap.kms_keys[&key_arn];
    let meta = key.metadata.known().unwrap();
    assert_eq!(meta.arn, key_arn);
    assert_eq!(meta.key_state, "Enabled");
    // moto reports the default DynamoDB key as CUSTOMER-managed; its alias tells the truth.
    assert_eq!(meta.key_manager, "CUSTOMER");
    assert_eq!(meta.aliases, vec!["alias/aws/dynamodb".to_string()]);
    assert!(key.policy.known().unwrap().stored().is_object());

    // Target catalog: no policy yet (moto answers `{}`, AWS EntityNotFoundException) = none.
    let catalog = format!("arn:aws:glue:us-east-1:{TGT}:catalog");
    assert_eq!(snap.catalog_policies[&catalog], Fact::Known(None));

    // Database and its bucket.
    let db_arn = created["database_arn"].as_str().unwrap();
    let db = snap.databases[db_arn].known().unwrap().as_ref().unwrap();
    assert_eq!(db.name, "lake");
    assert_eq!(db.catalog_id, TGT);
    let bucket_name = created["bucket"].as_str().unwrap();
    assert_eq!(
        db.location_uri.as_deref(),
        Some(format!("s3://{bucket_name}/lake/").as_str())
    );
    let bucket = &snap.buckets[bucket_name];
    assert_eq!(bucket.region, Fact::Known(Some("us-east-1".to_string())));
    assert_eq!(
        bucket.policy,
        Fact::Known(Some(created["bucket_policy"].clone().into()))
    );
    let enc = bucket.encryption.known().unwrap().as_ref().unwrap();
    assert_eq!(enc.sse_algorithm, "AES256");

    // Target role named by name: found with its path, trust and policies decoded.
    let role_key = format!("arn:aws:iam::{TGT}:role/zetl-target-role");
    let role = snap.principals[&role_key]
        .known()
        .unwrap()
        .as_ref()
        .unwrap();
    assert_eq!(
        role.arn,
        format!("arn:aws:iam::{TGT}:role/service-role/zetl-target-role")
    );
    assert_eq!(role.kind, PrincipalKind::Role);
    assert_eq!(
        role.trust_policy,
        Some(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
            .into()
        )
    );
    let inline = role.inline_policies.known().unwrap();
    assert_eq!(inline.len(), 1);
    assert_eq!(inline[0].name, "write-lake");
    assert_eq!(
        inline[0].document.stored()["Statement"][0]["Action"][0],
        "s3:PutObject"
    );
    let attached = role.attached_policies.known().unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(
        attached[0].arn,
        created["managed_policy_arn"].as_str().unwrap()
    );
    assert_eq!(attached[0].version_id.as_deref(), Some("v1"));
    assert_eq!(
        attached[0].document.stored()["Statement"][0]["Action"][0],
        "glue:GetDatabase"
    );
    assert_eq!(role.permissions_boundary, Fact::Known(None));

    // Creator role in the source account.
    let creator = format!("arn:aws:iam::{SRC}:role/zetl-creator");
    let creator = snap.principals[&creator].known().unwrap().as_ref().unwrap();
    assert_eq!(
        creator.inline_policies.known().unwrap()[0].name,
        "create-integration"
    );

    // Lake Formation: the registered bucket.
    let lf = snap.lake_formation[TGT].known().unwrap();
    assert_eq!(
        lf.registered_locations,
        vec![format!("arn:aws:s3:::{bucket_name}")]
    );

    // moto answers HTTP 500 to the Glue integration APIs: unknown, never "none".
    for fact in [
        to_json(&snap.integrations.source),
        to_json(&snap.integrations.target),
        to_json(&snap.resource_properties[db_arn]),
        to_json(&snap.table_properties[db_arn]["orders"]),
    ] {
        assert_eq!(fact["$unknown"]["reason"], "endpoint_error", "{fact}");
    }
    assert_eq!(
        snap.integrations
            .source
            .unknown()
            .unwrap()
            .action
            .as_deref(),
        Some("glue:DescribeIntegrations")
    );
    assert_eq!(
        snap.integrations.target.unknown().unwrap().reason,
        UnknownReason::EndpointError
    );

    // The doctor only read: every operation sent is one of the listed read actions, besides
    // one AssumeRole per account, whose answer also said who it is (no GetCallerIdentity).
    let seen = guard.seen();
    assert!(
        seen.iter()
            .any(|s| s.ends_with("/DescribeContinuousBackups")),
        "{seen:?}"
    );
    let sts: Vec<&String> = seen.iter().filter(|op| op.starts_with("STS/")).collect();
    assert_eq!(sts, ["STS/AssumeRole", "STS/AssumeRole"], "{seen:?}");
    for op in &seen {
        let name = op.rsplit('/').next().unwrap();
        assert!(
            READ_ACTIONS.iter().any(|a| a.operation == name) || name == "AssumeRole",
            "{op} not listed"
        );
    }

    // The snapshot round-trips through its own JSON loader.
    let text = serde_json::to_string_pretty(&snap).unwrap();
    assert_eq!(
        zetl::snapshot::from_str(&text, std::path::Path::new("moto.json")).unwrap(),
        snap
    );

    // Now the catalog policy exists. Read through the standard AWS_ENDPOINT_URL variable,
    // without --endpoint-url (S3 path-style must follow it too).
    let added = setup_healthy(&moto, &["catalog-policy"]);
    std::env::set_var("AWS_ENDPOINT_URL", &moto.endpoint);
    let via_env = collect_blocking(&setup_args(None), now).expect("collect via AWS_ENDPOINT_URL");
    std::env::remove_var("AWS_ENDPOINT_URL");
    let catalog_policy = via_env.catalog_policies[&catalog]
        .known()
        .unwrap()
        .as_ref()
        .unwrap();
    assert_eq!(catalog_policy.policy.stored(), added["catalog_policy"]);
    assert!(catalog_policy
        .policy_hash
        .as_deref()
        .is_some_and(|h| !h.is_empty()));
    assert_eq!(
        via_env.tables[table_arn].continuous_backups,
        Fact::Known(PitrStatus::Enabled)
    );
    assert_eq!(
        via_env.buckets[bucket_name].region,
        Fact::Known(Some("us-east-1".to_string()))
    );

    // A closed loopback port for both accounts: nothing collectable, exit 3, one line per
    // account naming the endpoint and why, no SDK text.
    let err = collect_blocking(&setup_args(Some("http://127.0.0.1:9")), now).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    let msg = err.to_string();
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines.len(), 4, "{msg}");
    assert_eq!(lines[0], "could not read either account");
    assert_eq!(
        lines[1],
        "  source account 111111111111: cannot connect to http://127.0.0.1:9 (connection refused). Check --endpoint-url, AWS_ENDPOINT_URL and the network, then run zetl again."
    );
    assert!(lines[2].starts_with("  target account 222222222222: cannot connect"));
    assert!(!msg.contains("DispatchFailure"), "{msg}");
}
