//! `zetl watch` on the real binary: bad input exits 2 with a message naming what is wrong,
//! before any AWS call. (The watch itself is tested over scripted observations and
//! aws-smithy-mocks clients in `src/watch/`; moto has no Glue integration APIs.)

use assert_cmd::Command;
use predicates::prelude::*;

/// `zetl watch ARGS` in an empty directory (no ./zetl.toml), every AWS endpoint a closed
/// loopback port: nothing can leave the machine.
fn watch(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("zetl").unwrap();
    cmd.current_dir(dir)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .arg("watch")
        .args(args);
    cmd
}

const INTEGRATION: &str = "arn:aws:glue:us-east-1:111111111111:integration:0f6b1d5e";

#[test]
fn bad_input_exits_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &[],
            "zetl: nothing to watch: give --integration ARN, or --source-table and --target-database (as flags or in zetl.toml)\n",
        ),
        (
            &["--source-table", "orders"],
            "zetl: nothing to watch: give --integration ARN, or --source-table and --target-database (as flags or in zetl.toml)\n",
        ),
        (
            &["--integration", INTEGRATION, "--interval", "soon"],
            "zetl: --interval \"soon\" is not a duration (for example 30s, 5m, 1h30m)\n",
        ),
        (
            &["--integration", INTEGRATION, "--timeout", "0s"],
            "zetl: --timeout must be longer than 0\n",
        ),
        (
            &["--integration", "arn:aws:glue:us-east-1:111111111111:database/lake"],
            "zetl: --integration arn:aws:glue:us-east-1:111111111111:database/lake is not a Glue integration ARN (arn:aws:glue:REGION:ACCOUNT:integration:ID)\n",
        ),
        // Checked by the collector's plan before any account is reached.
        (
            &[
                "--source-table",
                "arn:aws:glue:us-east-1:111111111111:table/orders",
                "--target-database",
                "lake",
            ],
            "zetl: --source-table \"arn:aws:glue:us-east-1:111111111111:table/orders\" is not an ARN of the form arn:aws:dynamodb:REGION:ACCOUNT:table/NAME\n",
        ),
    ];
    for (args, stderr) in cases {
        watch(dir.path(), args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(*stderr);
    }
}

#[test]
fn a_bad_config_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zetl.toml"), "source_tabel = \"orders\"\n").unwrap();
    watch(dir.path(), &[]).assert().code(2).stdout("").stderr(
        predicate::str::contains("zetl.toml").and(predicate::str::contains("source_tabel")),
    );
    // The pair from zetl.toml is what is watched: a bad value there is bad input too.
    std::fs::write(
        dir.path().join("zetl.toml"),
        "source_table = \"orders\"\ntarget_database = \"arn:aws:glue:us-east-1:222222222222:table/x\"\n",
    )
    .unwrap();
    watch(dir.path(), &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--target-database"));
}

#[test]
fn help_lists_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    watch(dir.path(), &["--help"]).assert().code(0).stdout(
        predicate::str::contains("--interval <DURATION>")
            .and(predicate::str::contains("--timeout <DURATION>"))
            .and(predicate::str::contains("--integration <ARN>")),
    );
}
