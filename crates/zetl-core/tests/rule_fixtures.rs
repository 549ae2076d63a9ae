//! One snapshot per rule fixture (`fixtures/rules/<ID>/*.json`): what that rule reports on it
//! (status, message, fix summary, commands, the policy to apply), so every change to a rule's
//! text or fix is reviewed as a diff. One rule alone: `INSTA_GLOB_FILTER='ZS005/*' cargo test
//! -p zetl-core --test rule_fixtures`.
//!
//! And nothing a user reads keeps an unfilled `{placeholder}`: every bundled snapshot, in every
//! format.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use zetl_core::report::{render, Format, RenderOptions, Report};
use zetl_core::rules::{catalog, run, Settings};

fn repo() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).to_path_buf()
}

fn report_for(file: &Path) -> Report {
    let snapshot = zetl_core::snapshot::load(file).unwrap_or_else(|e| panic!("{e}"));
    run(&snapshot, catalog().unwrap(), &Settings::default())
}

/// What `rule` reports on a snapshot, as plain text.
fn rule_text(report: &Report, rule: &str) -> String {
    let mut out = String::new();
    for check in report.checks.iter().filter(|c| c.rule == rule) {
        let _ = write!(out, "status: {:?}", check.status);
        if let Some(reason) = &check.reason {
            let _ = write!(out, " ({reason})");
        }
        out.push('\n');
    }
    for f in report.findings.iter().filter(|f| f.rule == rule) {
        let _ = writeln!(out, "\n{} on {}", f.severity.name(), f.resource);
        let _ = writeln!(out, "message: {}", f.message);
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "fix: {}", fix.summary);
            for c in &fix.commands {
                let _ = writeln!(out, "  $ {c}");
            }
            if let Some(policy) = &fix.policy {
                let _ = writeln!(
                    out,
                    "policy:\n{}",
                    serde_json::to_string_pretty(policy).unwrap()
                );
            }
        }
    }
    out
}

#[test]
fn each_rule_fixture_reports_what_its_snapshot_says() {
    insta::glob!("../../../fixtures/rules", "*/*.json", |path| {
        let rule = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap();
        insta::assert_snapshot!(rule_text(&report_for(path), rule));
    });
}

/// `{name}` where name is lower snake_case: a placeholder no value filled.
fn unfilled(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        if let Some(end) = after.find('}') {
            let name = &after[..end];
            let is_name = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if is_name {
                found.push(format!("{{{name}}}"));
            }
        }
        rest = after;
    }
    found
}

#[test]
fn an_unfilled_placeholder_is_found_and_json_or_policy_variables_are_not() {
    assert_eq!(
        unfilled(r#"Role {role} {"Version": 1} ${aws:username} {Bad}"#),
        ["{role}"]
    );
}

#[test]
fn no_bundled_snapshot_renders_an_unfilled_placeholder() {
    let mut files = Vec::new();
    let mut stack = vec![repo().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 50, "fixtures not found");
    let summaries = catalog().unwrap().summaries();
    let mut bad = Vec::new();
    for file in &files {
        let report = report_for(file);
        for format in [Format::Human, Format::Json, Format::Sarif, Format::Markdown] {
            let options = RenderOptions {
                verbose: true,
                ..RenderOptions::default()
            };
            let text = render(&report, &summaries, format, &options);
            for name in unfilled(&text) {
                bad.push(format!("{} ({format:?}): {name}", file.display()));
            }
        }
    }
    bad.dedup();
    assert!(bad.is_empty(), "unfilled placeholders:\n{}", bad.join("\n"));
}

/// The status and reason of `rule`'s one check on `snapshot`.
fn check_of(
    snapshot: &zetl_core::snapshot::Snapshot,
    rule: &str,
) -> (zetl_core::report::Status, String) {
    let report = run(snapshot, catalog().unwrap(), &Settings::default());
    let check = report
        .checks
        .iter()
        .find(|c| c.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} check"));
    (check.status, check.reason.clone().unwrap_or_default())
}

/// A fact the new rules need that could not be read makes them unknown (naming the IAM
/// action), never pass — also on a fixture where the readable answer would fail.
#[test]
fn unreadable_facts_make_zs014_and_zt019_unknown() {
    use zetl_core::report::Status;
    use zetl_core::snapshot::{load, Fact, Unknown};
    let fixtures = repo().join("fixtures/rules");
    let table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";

    // ZS014: a snapshot from before the recovery period was collected, and a denied read.
    let mut s = load(&fixtures.join("ZS014/fail.json")).unwrap();
    s.tables.get_mut(table).unwrap().pitr_recovery_period_days = None;
    let (status, reason) = check_of(&s, "ZS014");
    assert_eq!(status, Status::Unknown);
    assert!(reason.contains("recovery period"), "{reason}");
    let denied = Unknown::access_denied("dynamodb:DescribeContinuousBackups", "denied");
    s.tables.get_mut(table).unwrap().pitr_recovery_period_days = Some(Fact::Unknown(denied));
    let (status, reason) = check_of(&s, "ZS014");
    assert_eq!(status, Status::Unknown);
    assert!(reason.contains("access_denied"), "{reason}");

    // ZT019: DescribeKey denied on the target key.
    let key = "arn:aws:kms:us-east-1:222222222222:key/11111111-2222-3333-4444-555555555555";
    let mut s = load(&fixtures.join("ZT019/fail.json")).unwrap();
    s.kms_keys.get_mut(key).unwrap().metadata =
        Fact::Unknown(Unknown::access_denied("kms:DescribeKey", "denied"));
    let (status, reason) = check_of(&s, "ZT019");
    assert_eq!(status, Status::Unknown);
    assert!(reason.contains("kms:DescribeKey"), "{reason}");
    // ... and a key the snapshot does not hold at all.
    s.kms_keys.remove(key);
    assert_eq!(check_of(&s, "ZT019").0, Status::Unknown);
}
