//! `zetl fix` from the command line, offline (`--from`): the plan, selection, and the usage
//! errors that keep it from writing by accident. Applying is tested against moto
//! (tests/moto/fix_variants.rs) and aws-smithy-mocks (src/repair/live_tests.rs).

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::fixture;

use assert_cmd::Command;
use predicates::prelude::*;

fn fix(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("zetl").unwrap();
    // A temp cwd so no ./zetl.toml is picked up; nothing may reach a real account.
    cmd.current_dir(std::env::temp_dir())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/zetl-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/zetl-test-credentials",
        )
        .env_remove("AWS_PROFILE");
    cmd.arg("fix").args(args);
    cmd
}

#[test]
fn dry_run_from_a_snapshot_prints_the_plan_as_a_diff() {
    fix(&["--from", &fixture("demo/cross-account.json")])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("zetl fix: 2 changes planned (dry run: nothing is changed)")
                .and(predicate::str::contains(
                    "Source account 111111111111 (us-east-1)",
                ))
                .and(predicate::str::contains("(fixes ZS002)"))
                .and(predicate::str::contains("(fixes ZS005)"))
                .and(predicate::str::contains(
                    "-  \"PointInTimeRecoveryEnabled\": false",
                ))
                .and(predicate::str::contains(
                    "+  \"PointInTimeRecoveryEnabled\": true",
                ))
                .and(predicate::str::contains("needs dynamodb:PutResourcePolicy"))
                .and(predicate::str::contains(
                    "expected after: 1 error(s), 0 warning(s)",
                ))
                .and(predicate::str::contains("Run `zetl fix --apply`")),
        );
}

#[test]
fn a_healthy_setup_has_nothing_to_change() {
    fix(&["--from", &fixture("healthy/cross-account.json")])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("nothing to change automatically")
                .and(predicate::str::contains("--apply").not()),
        );
}

#[test]
fn only_selects_the_rules_to_fix() {
    fix(&[
        "--from",
        &fixture("demo/cross-account.json"),
        "--only",
        "ZS002",
    ])
    .assert()
    .code(0)
    .stdout(
        predicate::str::contains("1 change planned")
            .and(predicate::str::contains("(fixes ZS005)").not()),
    );
    fix(&[
        "--from",
        &fixture("demo/cross-account.json"),
        "--only",
        "ZX9",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("--only: \"ZX9\""));
}

#[test]
fn apply_never_runs_on_a_snapshot_or_without_confirmation() {
    fix(&[
        "--from",
        &fixture("demo/cross-account.json"),
        "--apply",
        "--yes",
    ])
    .assert()
    .code(2)
    .stdout("")
    .stderr(predicate::str::contains("drop --from"));
    // stdin is a pipe here, not a terminal: --apply needs --yes, and nothing is read or
    // written (no account is reachable, and the error comes before any collection).
    fix(&[
        "--source-table",
        "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
        "--target-database",
        "arn:aws:glue:us-east-1:222222222222:database/lake",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--apply",
    ])
    .write_stdin("yes\n")
    .assert()
    .code(2)
    .stdout("")
    .stderr(predicate::str::contains("--apply needs --yes"));
}

#[test]
fn a_bad_snapshot_is_a_usage_error_naming_the_file() {
    fix(&["--from", "/nonexistent/snap.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/snap.json"));
}
