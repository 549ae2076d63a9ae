//! The catalog-driven test: every rule in the catalog fails on each of its `fixtures.fail`
//! files (with a finding whose fix contains each `fail_fix_contains` string) and passes on
//! each of its `fixtures.pass` files. A rule without its fixture files fails the test.

use std::path::{Path, PathBuf};

use zetl_core::report::{Report, Severity, Status};
use zetl_core::rules::{catalog, run, Settings};

fn fixtures() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("fixtures")
}

fn report_for(file: &Path) -> Report {
    let snapshot = zetl_core::snapshot::load(file).unwrap_or_else(|e| panic!("{e}"));
    run(&snapshot, catalog().expect("catalog"), &Settings::default())
}

fn status_of(report: &Report, rule: &str) -> Status {
    let checks: Vec<_> = report.checks.iter().filter(|c| c.rule == rule).collect();
    assert_eq!(checks.len(), 1, "{rule} must appear exactly once in checks");
    checks[0].status
}

/// A `warn` fixture is a working setup the rule reports on: never with an error.
#[test]
fn warn_fixtures_report_without_an_error() {
    let catalog = catalog().expect("catalog");
    let mut wrong = Vec::new();
    for rule in catalog.rules() {
        for rel in &rule.fixtures.warn {
            let report = report_for(&fixtures().join(rel));
            if status_of(&report, &rule.id) != Status::Fail {
                wrong.push(format!("{}: {rel} does not report", rule.id));
            }
            for f in report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
            {
                wrong.push(format!(
                    "{}: {rel}: error from {}: {}",
                    rule.id, f.rule, f.message
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_rule_fails_on_its_failing_fixtures_and_passes_on_its_passing_ones() {
    let catalog = catalog().expect("catalog");
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for rule in catalog.rules() {
        for rel in rule.fixtures.fail.iter().chain(&rule.fixtures.pass) {
            if !fixtures().join(rel).is_file() {
                missing.push(format!("{}: fixtures/{rel}", rule.id));
            }
        }
        for rel in &rule.fixtures.fail {
            let path = fixtures().join(rel);
            if !path.is_file() {
                continue;
            }
            let report = report_for(&path);
            let status = status_of(&report, &rule.id);
            if status != Status::Fail {
                wrong.push(format!(
                    "{}: {rel} gives {status:?}, expected Fail",
                    rule.id
                ));
                continue;
            }
            let fixes: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.rule == rule.id)
                .map(|f| serde_json::to_string(&f.fix).unwrap())
                .collect();
            for needle in &rule.fixtures.fail_fix_contains {
                if !fixes.iter().any(|f| f.contains(needle.as_str())) {
                    wrong.push(format!("{}: {rel}: no fix contains {needle:?}", rule.id));
                }
            }
        }
        for rel in &rule.fixtures.pass {
            let path = fixtures().join(rel);
            if !path.is_file() {
                continue;
            }
            let status = status_of(&report_for(&path), &rule.id);
            if status != Status::Pass {
                wrong.push(format!(
                    "{}: {rel} gives {status:?}, expected Pass",
                    rule.id
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without their fixture files:\n{}",
        missing.join("\n")
    );
    assert!(
        wrong.is_empty(),
        "rules that do not behave on their fixtures:\n{}",
        wrong.join("\n")
    );
}

fn counts(name: &str) -> (usize, usize, usize, Vec<String>) {
    let report = report_for(&fixtures().join("healthy").join(name));
    let ids = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let bad: Vec<String> = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Unknown))
        .map(|c| format!("{} {:?}", c.rule, c.status))
        .collect();
    (
        ids(Severity::Error),
        ids(Severity::Warning),
        ids(Severity::Info),
        bad,
    )
}

#[test]
fn healthy_cross_account_has_no_error_and_no_warning() {
    let (e, w, i, bad) = counts("cross-account.json");
    assert_eq!((e, w, i), (0, 0, 0), "{bad:?}");
    assert!(bad.is_empty(), "{bad:?}");
}

/// The S3 Tables scenario is a working setup written from AWS's S3 Tables target section
/// (catalog policy and creator on `catalog/s3tablescatalog/*`, the role with AWS's s3tables
/// statement): no rule may call it broken.
#[test]
fn the_s3_tables_scenario_has_no_error_and_no_warning() {
    let report = report_for(&fixtures().join("scenarios/s3-tables-target.json"));
    let bad: Vec<String> = report
        .findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Error | Severity::Warning))
        .map(|f| format!("{} {:?}: {}", f.rule, f.severity, f.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn seed_guide_policies_give_no_error_or_warning() {
    let (e, w, i, bad) = counts("seed-guide.json");
    // Infos: ZT016 (extra catalog grants) and ZC003 (the `table/NAME` ARN matches nothing).
    assert_eq!((e, w, i), (0, 0, 2), "{bad:?}");
    assert_eq!(bad, ["ZT016 Fail", "ZC003 Fail"]);
}

#[test]
fn aws_docs_variants_give_no_error() {
    let (e, w, i, bad) = counts("aws-docs-variants.json");
    // The only warning: no CloudWatch metrics grant (ZT012 is never an error).
    assert_eq!((e, w, i), (0, 1, 0), "{bad:?}");
    assert_eq!(bad, ["ZT012 Fail"]);
}

#[test]
fn s3_tables_target_skips_general_purpose_bucket_rules() {
    let report = report_for(&fixtures().join("scenarios/s3-tables-target.json"));
    for rule in ["ZT002", "ZT003", "ZT010", "ZT017"] {
        assert_eq!(status_of(&report, rule), Status::Skipped, "{rule}");
    }
    assert_eq!(status_of(&report, "ZT001"), Status::Pass);
}

#[test]
fn every_catalog_rule_appears_once_per_pair() {
    let report = report_for(&fixtures().join("healthy/cross-account.json"));
    let catalog = catalog().expect("catalog");
    assert_eq!(report.checks.len(), catalog.rules().len());
    assert_eq!(
        report.notes.len(),
        1,
        "only the SCP/RCP/session-policy note: {:?}",
        report.notes
    );
}

/// In one account the console's "Fix it for me" does what ZT004 asks: its message says so
/// there (`same_account_note`), and only there.
#[test]
fn same_account_findings_mention_what_the_console_does() {
    let cross = report_for(&fixtures().join("rules/ZT004/fail.json"));
    let text = serde_json::to_string(
        &zetl_core::snapshot::load(&fixtures().join("rules/ZT004/fail.json")).unwrap(),
    )
    .unwrap()
    .replace("222222222222", "111111111111");
    let one: zetl_core::snapshot::Snapshot = serde_json::from_str(&text).unwrap();
    let same = run(&one, catalog().unwrap(), &Settings::default());
    let message = |r: &Report| {
        r.findings
            .iter()
            .find(|f| f.rule == "ZT004")
            .map(|f| f.message.clone())
            .unwrap_or_default()
    };
    assert!(
        !message(&cross).contains("Fix it for me"),
        "{}",
        message(&cross)
    );
    assert!(
        message(&same).contains("Fix it for me"),
        "{}",
        message(&same)
    );
}

/// ZP006 needs glue:UpdateIntegrationResourceProperty only once a resource property exists:
/// when that cannot be read, a configurer who lacks it is `unknown` (never pass), and one who
/// has every grant passes.
#[test]
fn zp006_is_unknown_when_the_resource_property_is_unreadable_and_update_is_denied() {
    let unreadable = |rel: &str| {
        let mut snapshot = zetl_core::snapshot::load(&fixtures().join(rel)).expect("fixture");
        let db = "arn:aws:glue:us-east-1:222222222222:database/lake".to_string();
        snapshot.resource_properties.insert(
            db,
            serde_json::from_value(serde_json::json!({"$unknown": {
                "reason": "access_denied",
                "action": "glue:GetIntegrationResourceProperty"
            }}))
            .expect("an unknown fact"),
        );
        run(&snapshot, catalog().expect("catalog"), &Settings::default())
    };
    let report = unreadable("rules/ZP006/fail-update.json");
    assert_eq!(status_of(&report, "ZP006"), Status::Unknown);
    let report = unreadable("rules/ZP006/pass.json");
    assert_eq!(status_of(&report, "ZP006"), Status::Pass);
    // Denied a create action: a failure whatever the resource property.
    let report = unreadable("rules/ZP006/fail.json");
    assert_eq!(status_of(&report, "ZP006"), Status::Fail);
}

/// ZI010 judges an `identity` partition field against the table's key schema: a snapshot
/// without it (collected before zetl read it) leaves the check `unknown`, never pass.
#[test]
fn zi010_is_unknown_for_identity_partitioning_without_the_key_schema() {
    let mut snapshot =
        zetl_core::snapshot::load(&fixtures().join("rules/ZI010/pass-identity.json"))
            .expect("fixture");
    let table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
    if let Some(zetl_core::snapshot::Fact::Known(Some(d))) =
        snapshot.tables.get_mut(table).map(|t| &mut t.description)
    {
        d.key_schema = None;
    } else {
        panic!("the fixture describes {table}");
    }
    let report = run(&snapshot, catalog().expect("catalog"), &Settings::default());
    assert_eq!(status_of(&report, "ZI010"), Status::Unknown);
}

/// Every policy of a snapshot stored as IAM returns it: URL-encoded JSON text.
fn url_encode_policies(v: &mut serde_json::Value) {
    use serde_json::Value;
    let Value::Object(map) = v else {
        if let Value::Array(items) = v {
            items.iter_mut().for_each(url_encode_policies);
        }
        return;
    };
    for (key, field) in map.iter_mut() {
        let is_policy = matches!(key.as_str(), "policy" | "document" | "trust_policy")
            && field.is_object()
            && field.get("$unknown").is_none();
        if is_policy {
            let text = field.to_string();
            *field = Value::String(
                percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
                    .to_string(),
            );
        } else {
            url_encode_policies(field);
        }
    }
}

/// A snapshot decodes its policies once, on load: a fixture whose policies are stored as the
/// service's (URL-encoded) text reports exactly like the one holding the JSON objects.
#[test]
fn url_encoded_policies_report_like_decoded_ones() {
    let catalog = catalog().expect("catalog");
    let mut files = Vec::new();
    let mut dirs = vec![fixtures()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 100, "the bundled fixtures: {}", files.len());
    let mut encoded_some = 0;
    for file in files {
        let snapshot = zetl_core::snapshot::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let mut value = serde_json::to_value(&snapshot).unwrap();
        let before = value.clone();
        url_encode_policies(&mut value);
        encoded_some += usize::from(value != before);
        let encoded = zetl_core::snapshot::from_str(&value.to_string(), &file)
            .unwrap_or_else(|e| panic!("{e}"));
        let settings = Settings::default();
        assert_eq!(
            zetl_core::report::json::render(&run(&encoded, catalog, &settings)),
            zetl_core::report::json::render(&run(&snapshot, catalog, &settings)),
            "{}",
            file.display()
        );
    }
    assert!(
        encoded_some > 100,
        "policies were encoded in {encoded_some} fixtures"
    );
}
