//! Many pairs from the command line, offline: the twelve-table scenario
//! (fixtures/scenarios/twelve-tables.json with its zetl.toml, one `[[pair]]` per table) through
//! `doctor`, `fix` and `policy generate`, and `--all` over a snapshot's integrations. The live
//! collection of many pairs is tested against moto (tests/moto/pairs_variants.rs).

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::fixture;

use std::collections::BTreeSet;

use assert_cmd::Command;
use serde_json::Value;

const LAKE: &str = "arn:aws:glue:us-east-1:222222222222:database/lake";
const SUPPLIERS: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/suppliers";

fn zetl(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("zetl").unwrap();
    // A temp cwd so no ./zetl.toml is picked up; nothing may reach a real account.
    cmd.current_dir(std::env::temp_dir())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/zetl-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/zetl-test-credentials",
        )
        .env("NO_COLOR", "1")
        .env_remove("AWS_PROFILE");
    cmd.args(args);
    cmd
}

fn scenario() -> [String; 4] {
    [
        "--config".into(),
        fixture("scenarios/twelve-tables.toml"),
        "--from".into(),
        fixture("scenarios/twelve-tables.json"),
    ]
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON on stdout ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn twelve_tables_one_missing_from_the_catalog_policy_is_the_only_error() {
    let s = scenario();
    let out = zetl(&["doctor", "--format", "json"])
        .args(&s)
        .output()
        .unwrap();
    let report = json_of(&out);
    // The gate covers every pair: one error anywhere fails it.
    assert_eq!(out.status.code(), Some(1));
    let pairs: BTreeSet<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["pair"].as_str().unwrap())
        .collect();
    assert_eq!(pairs.len(), 12, "{pairs:?}");
    let rules = report["checks"].as_array().unwrap().len() / 12;
    assert_eq!(report["summary"]["checks"], 12 * rules);
    let problems: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| (f["rule"].as_str().unwrap(), f["pair"].as_str().unwrap()))
        .collect();
    let suppliers_pair = format!("{SUPPLIERS} -> {LAKE}");
    assert_eq!(problems, [("ZT006", suppliers_pair.as_str())]);
    assert_eq!(report["summary"]["unknown"], 0);
    // The fix adds the table to the list the other eleven are in.
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ZT006")
        .unwrap();
    assert_eq!(
        f["evidence"]["fix_changes"][0]["change"],
        "extended_condition"
    );
    assert_eq!(
        f["evidence"]["fix_changes"][0]["added_values"][0],
        SUPPLIERS
    );
    // The human report names the pair it breaks.
    let out = zetl(&["doctor", "-q"]).args(&s).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&suppliers_pair), "{text}");
}

#[test]
fn fix_plans_one_catalog_policy_write() {
    let s = scenario();
    let out = zetl(&["fix"]).args(&s).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("zetl fix: 1 change planned (dry run: nothing is changed)"),
        "{text}"
    );
    assert!(
        text.contains("[1] resource policy of the Data Catalog arn:aws:glue:us-east-1:222222222222:catalog (fixes ZT006)"),
        "{text}"
    );
    // The diff adds the table's ARN to the list, nothing else (the line before it gains a
    // comma).
    let changed = |sign: char| -> BTreeSet<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with(sign) && !l.starts_with("+++") && !l.starts_with("---"))
            .map(|l| l[1..].trim().trim_end_matches(',').to_string())
            .collect()
    };
    let added: Vec<String> = changed('+').difference(&changed('-')).cloned().collect();
    assert_eq!(added, [format!("\"{SUPPLIERS}\"")], "{text}");
    assert!(
        text.contains("expected after: 0 error(s), 0 warning(s)"),
        "{text}"
    );
}

#[test]
fn fix_dir_writes_the_catalog_policy_with_the_table_added_to_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let fixes = dir.path().join("fixes");
    let s = scenario();
    let out = zetl(&["doctor", "--fix-dir", fixes.to_str().unwrap()])
        .args(&s)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let path = fixes.join("catalog-policy.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(
        statements[1]["Condition"]["StringEquals"]["aws:SourceArn"]
            .as_array()
            .unwrap()
            .last()
            .unwrap(),
        SUPPLIERS
    );
    assert!(
        text.contains(&format!("file://{}", path.display())),
        "{text}"
    );
}

#[test]
fn policy_generate_covers_every_pair_with_one_catalog_policy() {
    let out = zetl(&[
        "policy",
        "generate",
        "--config",
        &fixture("scenarios/twelve-tables.toml"),
        "--merge-with",
        &fixture("scenarios/twelve-tables.json"),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let set = json_of(&out);
    assert_eq!(set["pairs"].as_array().unwrap().len(), 12);
    assert_eq!(
        set["pair"]["source_table"],
        "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
    );
    let docs = set["documents"].as_array().unwrap();
    let of = |kind: &str| -> Vec<&Value> { docs.iter().filter(|d| d["kind"] == kind).collect() };
    let tables = of("dynamodb_table_policy");
    assert_eq!(tables.len(), 12);
    let files: BTreeSet<&str> = tables.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(files.len(), 12, "one file per table policy: {files:?}");
    assert!(files.contains("table-policy-suppliers.json"));
    // One catalog policy, changed; its Glue statement names the twelve tables.
    let catalog = of("glue_catalog_policy");
    assert_eq!(catalog.len(), 1);
    assert_eq!(catalog[0]["changed"], true);
    let statements = catalog[0]["policy"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    let glue = statements
        .iter()
        .find(|s| s["Action"] == "glue:AuthorizeInboundIntegration")
        .unwrap();
    let listed = glue["Condition"]["StringEquals"]["aws:SourceArn"]
        .as_array()
        .unwrap();
    assert_eq!(listed.len(), 12);
    assert_eq!(listed.last().unwrap(), SUPPLIERS);
    // Nothing else to change: the other documents already grant everything.
    let changed: Vec<&str> = docs
        .iter()
        .filter(|d| d["changed"] == true && d["kind"] != "iam_managed_policy")
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["catalog policy"]);
}

#[test]
fn all_adds_a_pair_per_integration_of_a_snapshot() {
    // The scenario's snapshot reduced to its first pair; --all finds the eleven integrations
    // (suppliers has none yet).
    let text = std::fs::read_to_string(fixture("scenarios/twelve-tables.json")).unwrap();
    let mut layered: Value = serde_json::from_str(&text).unwrap();
    layered["$extends"] = Value::String(fixture("healthy/cross-account.json"));
    let pairs = &mut layered["$patch"]["setup"]["pairs"];
    pairs.as_array_mut().unwrap().truncate(1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-pair.json");
    std::fs::write(&path, serde_json::to_string(&layered).unwrap()).unwrap();
    let path = path.display().to_string();

    let pairs_of = |args: &[&str]| -> BTreeSet<String> {
        let out = zetl(&["doctor", "--format", "json", "--from", &path])
            .args(args)
            .output()
            .unwrap();
        json_of(&out)["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["pair"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(pairs_of(&[]).len(), 1);
    let all = pairs_of(&["--all"]);
    assert_eq!(all.len(), 11, "{all:?}");
    assert!(!all.iter().any(|p| p.starts_with(SUPPLIERS)));
}

#[test]
fn a_pair_without_a_table_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("zetl.toml");
    std::fs::write(
        &config,
        format!("target_database = \"{LAKE}\"\n\n[[pair]]\ntarget_role = \"r\"\n"),
    )
    .unwrap();
    let out = zetl(&[
        "doctor",
        "--config",
        &config.display().to_string(),
        "--from",
        &fixture("scenarios/twelve-tables.json"),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("pair[0].source_table"), "{err}");
}
