//! `zetl doctor --from` end to end: exit codes, gate flags, selection, output, bad input.

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::fixture;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn doctor(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("zetl").unwrap();
    // A temp cwd so no ./zetl.toml is picked up by accident.
    cmd.current_dir(std::env::temp_dir());
    cmd.arg("doctor").args(args);
    cmd
}

fn json_report(args: &[&str]) -> (serde_json::Value, i32) {
    let out = doctor(args).arg("--format").arg("json").output().unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code().unwrap())
}

/// The rule of every finding, in report order.
fn finding_rules(report: &serde_json::Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

/// The check of `rule` (one pair).
fn check<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == rule)
        .unwrap_or_else(|| panic!("no check {rule}"))
}

/// Exit code of `--from FIXTURE ARGS...`, for gate tables.
fn exit_code(fixture_rel: &str, args: &[&str]) -> i32 {
    let from = fixture(fixture_rel);
    let mut all = vec!["--from", from.as_str()];
    all.extend_from_slice(args);
    json_report(&all).1
}

#[test]
fn healthy_exits_0_and_broken_exits_1() {
    let (_, code) = json_report(&["--from", &fixture("healthy/cross-account.json")]);
    assert_eq!(code, 0);
    let (_, code) = json_report(&["--from", &fixture("demo/cross-account.json")]);
    assert_eq!(code, 1);
}

#[test]
fn fail_on_threshold_and_info_never_counts() {
    // (fixture, flags, exit code)
    let gate: &[(&str, &[&str], i32)] = &[
        // One warning (ZT012).
        ("healthy/aws-docs-variants.json", &[], 0),
        (
            "healthy/aws-docs-variants.json",
            &["--fail-on", "warning"],
            1,
        ),
        ("demo/cross-account.json", &["--fail-on", "never"], 0),
        // ZI006 info on a 16-minute-old integration with no data yet: never fails the gate.
        ("rules/ZI006/fail.json", &["--fail-on", "warning"], 0),
    ];
    for (fixture_rel, args, expected) in gate {
        assert_eq!(
            exit_code(fixture_rel, args),
            *expected,
            "{fixture_rel} {args:?}"
        );
    }
}

#[test]
fn unknown_fails_the_gate_unless_allowed() {
    let f = fixture("rules/ZC001/fail.json");
    let (report, code) = json_report(&["--from", &f]);
    assert_eq!(code, 1);
    assert_eq!(check(&report, "ZS002")["status"], "unknown");
    let gate: &[(&[&str], i32)] = &[
        (&["--allow-unknown"], 0),
        (&["--allow-unknown", "--fail-on", "warning"], 0),
    ];
    for (args, expected) in gate {
        assert_eq!(
            exit_code("rules/ZC001/fail.json", args),
            *expected,
            "{args:?}"
        );
    }
}

#[test]
fn only_and_skip_select_rules_and_families() {
    let demo = fixture("demo/cross-account.json");
    let (report, code) = json_report(&["--from", &demo, "--only", "ZT,ZC"]);
    assert_eq!(code, 0);
    assert_eq!(report["checks"].as_array().unwrap().len(), 52);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    let (report, _) = json_report(&["--from", &demo, "--skip", "ZS005,ZI"]);
    let rules = finding_rules(&report);
    assert_eq!(rules, ["ZS002"]);
    doctor(&["--from", &demo, "--only", "ZQ9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--only"));
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    doctor(&[
        "--from",
        &fixture("healthy/cross-account.json"),
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ])
    .assert()
    .code(0)
    .stdout("");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(report["schema"], "zetl.report/v1");
}

fn bad_input(text: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snap.json");
    std::fs::write(&file, text).unwrap();
    let mut a = doctor(&["--from", file.to_str().unwrap(), "--format", "json"])
        .assert()
        .code(2);
    a = a.stderr(predicate::str::contains("snap.json"));
    for e in expect {
        a = a.stderr(predicate::str::contains(*e));
    }
}

#[test]
fn invalid_snapshots_exit_2_naming_file_and_path() {
    let healthy = std::fs::read_to_string(fixture("healthy/cross-account.json")).unwrap();
    bad_input("{ not json", &["not valid JSON"]);
    bad_input(&healthy[..healthy.len() / 2], &["not valid JSON"]);
    bad_input(
        &healthy.replace("\"probes\": []", "\"probes\": [], \"surprise\": 1"),
        &["surprise"],
    );
    bad_input(
        &healthy.replace(
            "\"source_table\": \"arn:aws:dynamodb:us-east-1:111111111111:table/orders\"",
            "\"source_table\": \"orders-table\"",
        ),
        &["setup.pairs[0].source_table"],
    );
    bad_input(
        &healthy.replace(
            "\"continuous_backups\": \"ENABLED\"",
            "\"continuous_backups\": \"MAYBE\"",
        ),
        &["continuous_backups"],
    );
}

#[test]
fn bad_config_exits_2_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("zetl.toml");
    std::fs::write(
        &cfg,
        "fail_on = \"warning\"\n[severity]\nZT012 = \"fatal\"\n",
    )
    .unwrap();
    doctor(&[
        "--from",
        &fixture("healthy/cross-account.json"),
        "--config",
        cfg.to_str().unwrap(),
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("zetl.toml").and(predicate::str::contains("ZT012")));
}

#[test]
fn config_severity_override_and_suppression() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("zetl.toml");
    let variants = fixture("healthy/aws-docs-variants.json");
    std::fs::write(&cfg, "format = \"json\"\n[severity]\nZT012 = \"error\"\n").unwrap();
    let out = doctor(&["--from", &variants, "--config", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(&cfg, "format = \"json\"\n[severity]\nZT012 = \"error\"\n[[suppress]]\nrule = \"ZT012\"\nreason = \"metrics are not used here\"\n").unwrap();
    let out = doctor(&["--from", &variants, "--config", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = check(&report, "ZT012");
    assert_eq!(c["status"], "suppressed");
    assert_eq!(c["reason"], "metrics are not used here");
}

#[test]
fn flags_override_the_snapshot_setup() {
    // A different role than the resource property names: ZI005 fires.
    let (report, code) = json_report(&[
        "--from",
        &fixture("healthy/cross-account.json"),
        "--target-role",
        "arn:aws:iam::222222222222:role/OtherRole",
    ]);
    assert_eq!(code, 1, "{report}");
    let rules = finding_rules(&report);
    assert!(rules.contains(&"ZI005"), "{rules:?}");
    doctor(&[
        "--from",
        &fixture("healthy/cross-account.json"),
        "--source-table",
        "arn:aws:s3:::nope",
    ])
    .assert()
    .code(2);
}

#[test]
fn live_without_a_source_table_is_a_usage_error() {
    doctor(&["--target-database", "lake"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--source-table"));
}

#[test]
fn live_with_an_unreachable_endpoint_exits_3_and_writes_no_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("snap.json");
    // Port 9 (discard) on loopback: nothing listens, connections are refused at once.
    doctor(&[
        "--source-table",
        "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
        "--target-database",
        "arn:aws:glue:us-east-1:222222222222:database/lake",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--save-snapshot",
        saved.to_str().unwrap(),
    ])
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("AWS_ACCESS_KEY_ID", "testing")
    .env("AWS_SECRET_ACCESS_KEY", "testing")
    .env_remove("AWS_PROFILE")
    .assert()
    .code(3);
    assert!(!saved.exists());
}

/// `zetl doctor` (live) on a machine with no AWS configuration at all: an empty HOME, no
/// AWS_* variable but the one that keeps the chain off instance metadata, an endpoint on a
/// closed loopback port.
fn doctor_without_credentials(extra: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Command::cargo_bin("zetl")
        .unwrap()
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home.path())
        .args([
            "doctor",
            "--source-table",
            "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
            "--target-database",
            "arn:aws:glue:us-east-1:222222222222:database/lake",
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn no_credentials_at_all_is_a_short_error_with_the_next_step() {
    let out = doctor_without_credentials(&[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.lines().count() <= 6, "{stderr}");
    for debug in ["DispatchFailure", "ConnectorError", "Some(", "source:"] {
        assert!(!stderr.contains(debug), "{debug} in {stderr}");
    }
    for next in [
        "--source-profile",
        "--target-profile",
        "AWS_PROFILE",
        "aws sso login",
    ] {
        assert!(stderr.contains(next), "no {next} in {stderr}");
    }
    assert!(
        stderr.starts_with("zetl: could not read either account\n"),
        "{stderr}"
    );
    // With --debug the SDK's error follows each line.
    let debug = String::from_utf8(doctor_without_credentials(&["--debug"]).stderr).unwrap();
    assert!(debug.contains("AWS SDK: "), "{debug}");
    assert!(!debug.contains("--debug to see"), "{debug}");
}

#[test]
fn zc001_names_the_missing_action_and_an_existing_policy_file_that_grants_it() {
    let (report, _) = json_report(&["--from", &fixture("rules/ZC001/fail.json")]);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ZC001")
        .unwrap();
    assert_eq!(
        f["evidence"]["action"],
        "dynamodb:DescribeContinuousBackups"
    );
    let file = f["evidence"]["policy_file"].as_str().unwrap();
    assert_eq!(file, "permissions/zetl-source-readonly.json");
    let policy = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    assert!(policy.contains("\"dynamodb:DescribeContinuousBackups\""));
}

#[test]
fn default_human_format_shows_the_failing_rule_and_its_fix_without_colour() {
    doctor(&["--from", &fixture("demo/cross-account.json"), "--no-color"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("ZS002")
                .and(predicate::str::contains("update-continuous-backups"))
                .and(predicate::str::contains("\u{1b}[").not()),
        );
}

fn demo_human(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = doctor(&["--from", &fixture("demo/cross-account.json"), "--no-color"]);
    cmd.args(args);
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A line that is a JSON dump's structure rather than words (a diff's `-`/`+` prefix aside).
fn is_raw_json(line: &str) -> bool {
    let t = line.trim();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("+ "))
        .unwrap_or(t);
    matches!(t, "{" | "}" | "[" | "]" | "}," | "]," | "{}" | "[]")
        || t.ends_with(": {")
        || t.ends_with(": [")
}

#[test]
fn the_demo_report_fits_two_screens_and_names_its_failures_in_words() {
    let text = demo_human(&[], &[]);
    let lines: Vec<&str> = text.lines().collect();
    // Two screens: 60 lines until ZS013, ZS014, ZT018, ZP006 and ZI010 added a line each;
    // checks skipped for one reason share a line (ZP005, ZP006), so 62.
    assert!(lines.len() <= 62, "{} lines:\n{text}", lines.len());
    for rule in ["ZS002", "ZS005", "ZI001"] {
        assert!(
            text.contains(&format!("[✗] {rule} ")),
            "{rule} missing:\n{text}"
        );
    }
    let raw: Vec<&&str> = lines.iter().filter(|l| is_raw_json(l)).collect();
    assert!(raw.is_empty(), "raw JSON lines {raw:?} in\n{text}");
    // The table policy change as the statements it changes, and ZI001 pointing to ZS005's
    // commands instead of repeating them.
    assert!(text.contains("        - \"aws:SourceAccount\": \"222222222222\"\n        + \"aws:SourceAccount\": \"111111111111\"\n"));
    assert_eq!(
        text.matches("$ aws dynamodb put-resource-policy").count(),
        1
    );
    assert!(text.contains("(the same commands as the fix of ZS005)"));
    // Checks skipped for one reason share a line; -v lists each.
    assert!(
        text.contains("  [-] ZP005, ZP006: skipped (no --target-principal given)\n"),
        "{text}"
    );
    let verbose = demo_human(&["-v"], &[]);
    assert!(verbose
        .contains("[-] ZP005 configurer-cannot-pass-role: skipped (no --target-principal given)"));
    assert!(verbose.contains(
        "[-] ZP006 configurer-cannot-configure-target: skipped (no --target-principal given)"
    ));
}

#[test]
fn verbose_shows_every_check_and_the_complete_policy() {
    let text = demo_human(&["-v"], &[]);
    assert!(text.contains("  [✓] ZT001 The target Glue database exists\n"));
    assert!(text.contains("Complete policy to apply:"));
    assert!(text.contains("\"Version\": \"2012-10-17\""));
}

#[test]
fn quiet_shows_only_failures_and_the_summary() {
    let text = demo_human(&["-q"], &[]);
    assert!(!text.contains("[✓]") && !text.contains("[-]"), "{text}");
    assert!(text.contains("[✗] ZS002"));
    assert!(text
        .ends_with("3 errors, 0 warnings, 1 info, 0 unknown, 5 skipped, 43 passed (52 checks)\n"));
}

fn is_japanese(line: &str) -> bool {
    line.chars()
        .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn a_japanese_locale_gives_japanese_check_lines_and_lang_en_gives_english_back() {
    let ja = demo_human(&[], &[("LANG", "ja_JP.UTF-8")]);
    let check_lines: Vec<&str> = ja
        .lines()
        .filter(|l| {
            l.contains("[✓]") || l.contains("[✗]") || l.contains("[i]") || l.contains("[-]")
        })
        .collect();
    assert!(check_lines.len() > 10, "{ja}");
    for line in &check_lines {
        assert!(is_japanese(line), "not Japanese: {line}");
    }
    assert!(ja.contains("エラー 3 件"), "{ja}");
    // LC_ALL outranks LANG, --lang outranks both.
    let en = demo_human(&[], &[("LANG", "ja_JP.UTF-8"), ("LC_ALL", "C")]);
    assert!(en.contains("[✗] ZS002 Point-in-time recovery is disabled on table orders"));
    let en = demo_human(&["--lang", "en"], &[("LANG", "ja_JP.UTF-8")]);
    assert!(!en.lines().any(is_japanese), "{en}");
    let ja = demo_human(&["--lang", "ja"], &[]);
    assert!(ja.contains("ポイントインタイムリカバリ"));
}

#[test]
fn json_stays_english_under_a_japanese_locale_unless_lang_is_given() {
    let out = doctor(&[
        "--from",
        &fixture("demo/cross-account.json"),
        "--format",
        "json",
    ])
    .env("LANG", "ja_JP.UTF-8")
    .output()
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.lines().any(is_japanese));
    let out = doctor(&[
        "--from",
        &fixture("demo/cross-account.json"),
        "--format",
        "json",
        "--lang",
        "ja",
    ])
    .output()
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = v["findings"][0]["message"].as_str().unwrap();
    assert!(is_japanese(message), "{message}");
    // Field names never change.
    assert!(v["summary"]["findings"]["error"].is_number());
}

#[test]
fn explain_in_japanese() {
    let out = Command::cargo_bin("zetl")
        .unwrap()
        .args(["explain", "ZS005", "--lang", "ja"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.starts_with("ZS005 table-policy-wrong-source-condition: "));
    assert!(text.lines().next().is_some_and(is_japanese), "{text}");
    assert!(text.contains("AWS ドキュメント:"));
}

#[test]
fn fix_dir_writes_the_documents_the_printed_commands_read() {
    let dir = tempfile::tempdir().unwrap();
    let fixes = dir.path().join("fixes");
    let text = demo_human(&["--fix-dir", fixes.to_str().unwrap()], &[]);
    let policy = fixes.join("table-policy.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&policy).unwrap()).unwrap();
    assert_eq!(
        doc["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"],
        "111111111111"
    );
    assert!(
        text.contains(&format!("--policy file://{}", policy.display())),
        "{text}"
    );
    // No hint about documents that were not written.
    assert!(!text.contains("--fix-dir DIR"));
}
