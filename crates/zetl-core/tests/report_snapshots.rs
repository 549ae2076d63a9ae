//! Snapshot tests of the JSON report per scenario fixture (cargo-deny style). Nothing is
//! redacted: the report's time is the snapshot's collected_at.

use std::path::Path;

use zetl_core::rules::{catalog, run, Settings};

fn report(rel: &str) -> serde_json::Value {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("fixtures")
        .join(rel);
    let snapshot = zetl_core::snapshot::load(&path).unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_value(run(&snapshot, catalog().unwrap(), &Settings::default())).unwrap()
}

#[test]
fn healthy_cross_account() {
    insta::assert_json_snapshot!(report("healthy/cross-account.json"));
}

#[test]
fn healthy_seed_guide() {
    insta::assert_json_snapshot!(report("healthy/seed-guide.json"));
}

#[test]
fn healthy_aws_docs_variants() {
    insta::assert_json_snapshot!(report("healthy/aws-docs-variants.json"));
}

#[test]
fn demo_cross_account() {
    insta::assert_json_snapshot!(report("demo/cross-account.json"));
}

#[test]
fn s3_tables_target() {
    insta::assert_json_snapshot!(report("scenarios/s3-tables-target.json"));
}

#[test]
fn needs_attention_pitr_off_failed_and_fresh() {
    insta::assert_json_snapshot!("zi001_needs_attention", report("rules/ZI001/fail.json"));
    insta::assert_json_snapshot!("zi002_failed", report("rules/ZI002/fail.json"));
    insta::assert_json_snapshot!("zi006_fresh_active", report("rules/ZI006/fail.json"));
    insta::assert_json_snapshot!("zt002_no_location", report("rules/ZT002/fail.json"));
}
