//! Many pairs end to end against moto: twelve tables of one source account into one database
//! of the target account (tests/moto/setup_variants.py `tables-12-missing-last`: one catalog
//! policy listing every table but the last for Glue, one target role, one creator, one KMS
//! key), collected in-process with twelve pairs. The read-only guard records every operation
//! sent: what the pairs share is read once, each table once. The doctor on what was read
//! reports exactly one error, ZT006 on the last table's pair; `zetl fix --apply` (the real
//! binary, the pairs in a zetl.toml) repairs it with one write of the catalog policy.

use std::collections::BTreeMap;

use zetl::collect::collect_guarded;
use zetl::collect::guard::ReadOnlyGuard;
use zetl::report::Severity;
use zetl::rules::runner::Settings;
use zetl::setup::{Setup, SetupFields, SetupPair};

use super::server::{build_variants, isolate, isolate_this_process, start_moto};

#[test]
fn twelve_tables_are_collected_with_what_they_share_read_once() {
    let Some(moto) = start_moto("many-pairs collector e2e test") else {
        return;
    };
    // Base credentials for the assume-role calls, nothing from this machine's AWS
    // configuration.
    isolate_this_process();
    let variant = "tables-12-missing-last";
    let built = build_variants(&moto, [variant], ("5555555555", "6666666666"));
    let v = &built[variant];
    let s = |k: &str| v[k].as_str().unwrap().to_string();
    let tables: Vec<String> = v["source_tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert_eq!(tables.len(), 12);
    let setup = Setup {
        fields: SetupFields {
            source_principal: Some(s("source_principal")),
            source_role_arn: Some(s("source_role_arn")),
            target_role_arn: Some(s("target_role_arn")),
            external_id: Some("zetl-test".into()),
            endpoint_url: Some(moto.endpoint.clone()),
            ..SetupFields::default()
        },
        pairs: tables
            .iter()
            .map(|t| SetupPair {
                source_table: t.clone(),
                target_database: Some(s("target_database")),
                target_role: Some("zetl-target-role".into()),
                integration: None,
            })
            .collect(),
        concurrency: Some(4),
        ..Setup::default()
    };

    let guard = ReadOnlyGuard::new();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
        .unwrap()
        .to_utc();
    let snap = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(collect_guarded(&setup, now, &guard))
        .expect("collect");

    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for op in guard.seen() {
        *count.entry(op).or_default() += 1;
    }
    let n = |op: &str| count.get(op).copied().unwrap_or(0);
    // Shared: one catalog policy, one database and its bucket, one Lake Formation setting,
    // the target role and the creator once each, the tables' one key once.
    assert_eq!(n("Glue/GetResourcePolicy"), 1, "{count:?}");
    assert_eq!(n("Glue/GetDatabase"), 1, "{count:?}");
    assert_eq!(n("Glue/GetIntegrationResourceProperty"), 1, "{count:?}");
    assert_eq!(n("S3/GetBucketPolicy"), 1, "{count:?}");
    assert_eq!(n("LakeFormation/GetDataLakeSettings"), 1, "{count:?}");
    assert_eq!(n("IAM/GetRole"), 2, "target role and creator: {count:?}");
    assert_eq!(n("IAM/ListRolePolicies"), 2, "{count:?}");
    assert_eq!(n("KMS/DescribeKey"), 1, "{count:?}");
    assert_eq!(n("KMS/GetKeyPolicy"), 1, "{count:?}");
    // Per table: its three reads and its table properties; the integrations listed once per
    // side (several tables: one listing of the source account, not one per table).
    for op in [
        "DynamoDB/DescribeTable",
        "DynamoDB/DescribeContinuousBackups",
        "DynamoDB/GetResourcePolicy",
        "Glue/GetIntegrationTableProperties",
    ] {
        assert_eq!(n(op), 12, "{op}: {count:?}");
    }
    assert_eq!(n("Glue/DescribeIntegrations"), 1, "{count:?}");
    assert_eq!(n("Glue/DescribeInboundIntegrations"), 1, "{count:?}");
    assert_eq!(n("STS/AssumeRole"), 2, "{count:?}");

    // Every pair, every table in the snapshot; the catalog policy once.
    assert_eq!(snap.setup.pairs.len(), 12);
    assert_eq!(snap.tables.len(), 12);
    assert_eq!(snap.catalog_policies.len(), 1);
    assert_eq!(
        snap.table_properties
            .values()
            .map(|m| m.len())
            .sum::<usize>(),
        12
    );

    // The doctor: exactly one error, ZT006 on the last table's pair (besides what moto
    // cannot answer, which is unknown and reported by ZC001 as a warning).
    let catalog = zetl::rules::catalog().unwrap();
    let report = zetl::rules::run(&snap, catalog, &Settings::default());
    let errors: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule.clone(), f.pair.clone().unwrap_or_default()))
        .collect();
    let last = format!("{} -> {}", tables[11], s("target_database"));
    assert_eq!(errors, [("ZT006".to_string(), last)]);

    // zetl fix --apply with the same pairs in a zetl.toml: one change, one write.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("zetl.toml");
    let mut toml = format!(
        "target_database = {:?}\ntarget_role = \"zetl-target-role\"\nsource_principal = {:?}\n\
         source_role_arn = {:?}\ntarget_role_arn = {:?}\nexternal_id = \"zetl-test\"\n\
         endpoint_url = {:?}\n",
        s("target_database"),
        s("source_principal"),
        s("source_role_arn"),
        s("target_role_arn"),
        moto.endpoint
    );
    for t in &tables {
        toml.push_str(&format!("\n[[pair]]\nsource_table = {t:?}\n"));
    }
    std::fs::write(&config, toml).unwrap();
    let run = |args: &[&str]| {
        use assert_cmd::prelude::CommandCargoExt;
        let mut cmd = std::process::Command::cargo_bin("zetl").unwrap();
        isolate(&mut cmd)
            .args(args)
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap()
    };
    let applied = run(&["fix", "--apply", "--yes"]);
    let out = String::from_utf8_lossy(&applied.stdout).to_string();
    assert_eq!(applied.status.code(), Some(0), "{out}");
    assert!(out.contains("zetl fix: 1 change planned"), "{out}");
    let writes: Vec<&str> = out.lines().filter(|l| l.contains("applied:")).collect();
    assert_eq!(
        writes,
        ["[1] applied: resource policy of the Data Catalog arn:aws:glue:us-east-1:666666666601:catalog"],
        "{out}"
    );
    let doctor = run(&["doctor", "--format", "json", "--allow-unknown"]);
    let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).unwrap();
    assert_eq!(report["summary"]["findings"]["error"], 0, "{report}");
}
