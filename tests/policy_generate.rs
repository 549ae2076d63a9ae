//! `zetl policy generate`: golden output for the three formats (flags only, and merged with
//! the healthy and a broken snapshot), idempotence, the round trip through the doctor, the
//! size refusal and the CLI's usage errors.

#[path = "../crates/zetl-core/tests/support/aws_cli.rs"]
mod aws_cli;
#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::fixture;

use assert_cmd::Command;
use serde_json::Value;

use zetl::cli::{GenerateArgs, GenerateFormat, SetupArgs};
use zetl::commands::generate::documents::{build, Kind, PolicySet};
use zetl::commands::generate::feed_back::apply_to;
use zetl::commands::generate::{prepared, render};
use zetl::report::{Severity, Status};
use zetl::setup::SetupFields;

const TABLE: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
const DB: &str = "arn:aws:glue:us-east-1:222222222222:database/lake";
const ROLE: &str = "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole";
const CREATOR: &str = "arn:aws:iam::111111111111:role/IntegrationCreator";

/// The healthy setup, flags only.
const SETUP_FLAGS: &[&str] = &[
    "--source-table",
    TABLE,
    "--target-database",
    DB,
    "--target-role",
    ROLE,
    "--source-principal",
    CREATOR,
    "--location",
    "s3://zetl-lake-bucket/lake/",
    "--source-profile",
    "src",
    "--target-profile",
    "tgt",
];

fn zetl(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("zetl").unwrap();
    // A temp cwd so no ./zetl.toml is picked up by accident.
    cmd.current_dir(std::env::temp_dir());
    cmd.args(["policy", "generate"]).args(args);
    cmd
}

/// Runs the binary; stdout, stderr, exit code.
fn run(args: &[&str]) -> (String, String, i32) {
    let out = zetl(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn ok(args: &[&str]) -> String {
    let (stdout, stderr, code) = run(args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

fn with(extra: &[&str], base: &[&str]) -> Vec<String> {
    base.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn golden_flags_only() {
    for (format, name) in [
        ("json", "flags_json"),
        ("cli", "flags_cli"),
        ("terraform", "flags_terraform"),
    ] {
        let args = with(&["--format", format], SETUP_FLAGS);
        insta::assert_snapshot!(name, ok(&strs(&args)));
    }
}

#[test]
fn golden_merged_with_the_healthy_snapshot() {
    let healthy = fixture("healthy/cross-account.json");
    for (format, name) in [
        ("json", "healthy_json"),
        ("cli", "healthy_cli"),
        ("terraform", "healthy_terraform"),
    ] {
        insta::assert_snapshot!(name, ok(&["--merge-with", &healthy, "--format", format]));
    }
}

#[test]
fn golden_merged_with_a_broken_snapshot() {
    // The demo: the table policy names the target account in SourceArn/SourceAccount.
    let broken = fixture("demo/cross-account.json");
    for (format, name) in [
        ("json", "broken_json"),
        ("cli", "broken_cli"),
        ("terraform", "broken_terraform"),
    ] {
        insta::assert_snapshot!(name, ok(&["--merge-with", &broken, "--format", format]));
    }
}

fn args(merge_with: Option<String>, setup: SetupArgs, location: Option<&str>) -> GenerateArgs {
    GenerateArgs {
        setup,
        merge_with,
        location: location.map(String::from),
        format: GenerateFormat::Json,
    }
}

fn flags_setup() -> SetupArgs {
    SetupArgs {
        fields: SetupFields {
            source_table: Some(TABLE.into()),
            target_database: Some(DB.into()),
            target_role: Some(ROLE.into()),
            source_principal: Some(CREATOR.into()),
            console_principal: Some("arn:aws:iam::111111111111:user/console-user".into()),
            target_principal: Some("arn:aws:iam::222222222222:role/Configurer".into()),
            ..SetupFields::default()
        },
        ..SetupArgs::default()
    }
}

/// The set for `args`, and the snapshot it was merged into.
fn set_for(a: &GenerateArgs) -> (PolicySet, zetl::snapshot::Snapshot) {
    let (p, profiles) = prepared(a).unwrap();
    let set = build(&p, &profiles).unwrap_or_else(|r| panic!("{:?}", r.0));
    (set, p.snapshot)
}

/// Generating on a snapshot that already holds the generated documents changes nothing.
#[test]
fn generating_twice_is_identical() {
    let cases = [
        args(None, flags_setup(), Some("s3://zetl-lake-bucket/lake/")),
        args(
            Some(fixture("healthy/cross-account.json")),
            SetupArgs::default(),
            None,
        ),
        args(
            Some(fixture("demo/cross-account.json")),
            SetupArgs::default(),
            None,
        ),
        args(
            Some(fixture("healthy/seed-guide.json")),
            SetupArgs::default(),
            None,
        ),
    ];
    for a in cases {
        let (first, mut snapshot) = set_for(&a);
        apply_to(&mut snapshot, &first);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("merged.json");
        std::fs::write(&file, serde_json::to_string(&snapshot).unwrap()).unwrap();
        let again = args(Some(file.display().to_string()), SetupArgs::default(), None);
        let (second, _) = set_for(&again);
        for (x, y) in first.documents.iter().zip(&second.documents) {
            assert_eq!(x.policy, y.policy, "{}", x.name);
        }
        assert_eq!(first.documents.len(), second.documents.len());
        // The second pass adds nothing; its commands are the same once the role exists.
        assert!(second
            .documents
            .iter()
            .all(|d| !d.changed || d.kind == Kind::IamManagedPolicy));
        if !first.documents.iter().any(|d| d.creates_role) {
            assert_eq!(
                render(&first, GenerateFormat::Terraform),
                render(&second, GenerateFormat::Terraform)
            );
        }
    }
}

/// Every access check of the doctor passes on the generated documents.
fn assert_access_rules_pass(snapshot: &zetl::snapshot::Snapshot, label: &str) {
    let rules = zetl::rules::catalog().unwrap();
    let report = zetl::rules::run(snapshot, rules, &zetl::rules::Settings::default());
    // The rules whose checks evaluate policies (crates/zetl-core/src/rules/engine).
    let access = [
        "ZS003", "ZS004", "ZS005", "ZS006", "ZS007", "ZS011", "ZT004", "ZT005", "ZT006", "ZT007",
        "ZT009", "ZT010", "ZT011", "ZT012", "ZT015", "ZT016", "ZT017", "ZT018", "ZP001", "ZP002",
        "ZP003", "ZP004", "ZP005", "ZP006", "ZC002", "ZC003",
    ];
    let bad: Vec<_> = report
        .findings
        .iter()
        .filter(|f| access.contains(&f.rule.as_str()) && f.severity != Severity::Info)
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect();
    assert!(bad.is_empty(), "{label}: {bad:#?}");
    for c in report
        .checks
        .iter()
        .filter(|c| access.contains(&c.rule.as_str()))
    {
        assert!(
            matches!(c.status, Status::Pass | Status::Skipped) || is_info(rules, &c.rule),
            "{label}: {} is {:?} ({:?})",
            c.rule,
            c.status,
            c.reason
        );
    }
}

fn is_info(rules: &zetl::rules::Catalog, id: &str) -> bool {
    rules.get(id).is_some_and(|r| r.severity == Severity::Info)
}

#[test]
fn generated_documents_pass_every_access_rule() {
    let cases = [
        (
            "flags only",
            args(None, flags_setup(), Some("s3://zetl-lake-bucket/lake/")),
        ),
        (
            "flags only, bare bucket, no principals",
            args(
                None,
                SetupArgs {
                    fields: SetupFields {
                        source_principal: None,
                        console_principal: None,
                        target_principal: None,
                        ..flags_setup().fields
                    },
                    ..flags_setup()
                },
                Some("s3://zetl-lake-bucket"),
            ),
        ),
        (
            "healthy",
            args(
                Some(fixture("healthy/cross-account.json")),
                SetupArgs::default(),
                None,
            ),
        ),
        (
            "seed guide",
            args(
                Some(fixture("healthy/seed-guide.json")),
                SetupArgs::default(),
                None,
            ),
        ),
        (
            "role missing (ZT008)",
            args(
                Some(fixture("rules/ZT008/fail.json")),
                SetupArgs::default(),
                None,
            ),
        ),
        (
            "no catalog policy (ZT004)",
            args(
                Some(fixture("rules/ZT004/fail.json")),
                SetupArgs::default(),
                None,
            ),
        ),
        (
            "no table policy (ZS003)",
            args(
                Some(fixture("rules/ZS003/fail.json")),
                SetupArgs::default(),
                None,
            ),
        ),
        (
            "S3 Tables target without the s3tables grant (ZT018)",
            args(
                Some(fixture("rules/ZT018/fail.json")),
                SetupArgs::default(),
                None,
            ),
        ),
    ];
    for (label, a) in cases {
        let (set, mut snapshot) = set_for(&a);
        apply_to(&mut snapshot, &set);
        assert_access_rules_pass(&snapshot, label);
    }
}

/// An S3 Tables target's role gets AWS's s3tables statement on the table bucket (ZT018); a Glue
/// database target's gets none.
#[test]
fn the_s3tables_grant_is_generated_for_an_s3_tables_target_only() {
    let (set, _) = set_for(&args(
        Some(fixture("rules/ZT018/fail.json")),
        SetupArgs::default(),
        None,
    ));
    let (document, grant) = set
        .documents
        .iter()
        .flat_map(|d| {
            let statements = d.policy["Statement"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            statements.into_iter().map(move |s| (d, s))
        })
        .find(|(_, s)| s["Sid"] == "ZeroEtlS3Tables")
        .unwrap_or_else(|| panic!("no s3tables grant in {:#?}", set.documents));
    assert_eq!(document.resource, ROLE, "{}", document.name);
    assert!(
        document.name.starts_with("inline policy"),
        "{}",
        document.name
    );
    assert_eq!(
        grant["Resource"],
        "arn:aws:s3tables:us-east-1:222222222222:bucket/zetl-table-bucket"
    );
    assert_eq!(grant["Action"].as_array().unwrap().len(), 15, "{grant}");

    let (set, _) = set_for(&args(
        None,
        flags_setup(),
        Some("s3://zetl-lake-bucket/lake/"),
    ));
    let all = serde_json::to_string(&set.documents).unwrap();
    assert!(!all.contains("s3tables:"), "{all}");
}

/// Never a wildcard principal; service statements carry only the documented source keys.
#[test]
fn no_wildcard_principal_and_documented_condition_keys_only() {
    let (set, _) = set_for(&args(
        None,
        flags_setup(),
        Some("s3://zetl-lake-bucket/lake/"),
    ));
    let documented = ["aws:SourceAccount", "aws:SourceArn"];
    for d in &set.documents {
        for s in d.policy["Statement"].as_array().unwrap() {
            let p = &s["Principal"];
            assert_ne!(p, &Value::String("*".into()), "{}", d.name);
            assert_ne!(p["AWS"], Value::String("*".into()), "{}", d.name);
            if p.get("Service").is_some() {
                for (_, keys) in s["Condition"].as_object().into_iter().flatten() {
                    for k in keys.as_object().unwrap().keys() {
                        assert!(documented.contains(&k.as_str()), "{}: {k}", d.name);
                    }
                }
            }
            // DynamoDB's Block Public Access refuses a table policy it deems public; a service
            // statement keeps an exact aws:SourceAccount (no wildcard), which it does not.
            let dynamodb = s["Action"].to_string().contains("dynamodb:");
            if p.get("Service").is_some() && dynamodb {
                let account = &s["Condition"]["StringEquals"]["aws:SourceAccount"];
                assert!(
                    account
                        .as_str()
                        .is_some_and(|a| !a.contains(['*', '?', '$'])),
                    "{}: {s}",
                    d.name
                );
            }
        }
    }
    // The console's read-only statement is in the set (ZP004).
    let all = serde_json::to_string(&set.documents).unwrap();
    assert!(all.contains("redshift-serverless:ListWorkgroups"));
}

#[test]
fn a_merged_document_over_its_limit_is_refused() {
    // The healthy snapshot with a table policy of ~20 KB that lacks Glue's statement.
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("healthy/cross-account.json")).unwrap(),
    )
    .unwrap();
    let reader = |i: usize| {
        serde_json::json!({
            "Sid": format!("Reader{i:03}"),
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::111111111111:role/reader-with-a-rather-long-name-{i:03}")},
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem"],
            "Resource": TABLE
        })
    };
    let size = |f: &Vec<Value>| {
        serde_json::json!({"Version": "2012-10-17", "Statement": f})
            .to_string()
            .len()
    };
    let mut filler = Vec::new();
    // Just under the limit, too close for Glue's statement (~400 bytes) to fit.
    while size(&filler) < 20_200 {
        filler.push(reader(filler.len()));
    }
    assert!(size(&filler) < 20_480, "filler is {} bytes", size(&filler));
    v["tables"][TABLE]["resource_policy"]["policy"]["Statement"] = Value::Array(filler);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    std::fs::write(&file, v.to_string()).unwrap();
    let (stdout, stderr, code) = run(&["--merge-with", file.to_str().unwrap(), "--format", "cli"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "", "no partial set is printed");
    assert!(
        stderr.contains("table policy: the DynamoDB table resource policy would be"),
        "{stderr}"
    );
    assert!(stderr.contains("over the limit of 20480 bytes"), "{stderr}");
}

#[test]
fn missing_setup_fields_are_a_usage_error_naming_them() {
    let (stdout, stderr, code) = run(&["--source-table", TABLE]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("missing setup: --target-database, --target-role"),
        "{stderr}"
    );
    // Without --merge-with the location is needed for the role's S3 statements.
    let (_, stderr, code) = run(&[
        "--source-table",
        TABLE,
        "--target-database",
        DB,
        "--target-role",
        ROLE,
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--location is required"), "{stderr}");
    // A name without any ARN for its account.
    let (_, stderr, code) = run(&[
        "--source-table",
        "orders",
        "--target-database",
        DB,
        "--target-role",
        ROLE,
        "--location",
        "s3://b/",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--source-table \"orders\" is a name"),
        "{stderr}"
    );
    // A bad format value and a broken snapshot file.
    let (_, _, code) = run(&["--format", "yaml"]);
    assert_eq!(code, 2);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema\": ").unwrap();
    let (_, _, code) = run(&["--merge-with", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
}

#[test]
fn the_setup_can_come_from_zetl_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zetl.toml"),
        format!(
            "source_table = \"{TABLE}\"\ntarget_database = \"{DB}\"\ntarget_role = \"{ROLE}\"\nprofile = \"shared\"\n"
        ),
    )
    .unwrap();
    let out = Command::cargo_bin("zetl")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "policy",
            "generate",
            "--location",
            "s3://zetl-lake-bucket/lake/",
            "--format",
            "cli",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("aws dynamodb put-resource-policy --resource-arn arn:aws:dynamodb:us-east-1:111111111111:table/orders --policy file://table-policy.json --expected-revision-id NO_POLICY --region us-east-1 --profile shared"), "{stdout}");
    // No creator named: the catalog policy delegates to the source account.
    assert!(
        stdout.contains("arn:aws:iam::111111111111:root"),
        "{stdout}"
    );
}

#[test]
fn merging_keeps_revision_and_hash_conditions_and_hybrid() {
    // Another creator: the catalog policy gains a statement, the table policy (demo) one too.
    let stdout = ok(&[
        "--merge-with",
        &fixture("demo/cross-account.json"),
        "--source-principal",
        "arn:aws:iam::111111111111:role/OtherCreator",
        "--format",
        "cli",
    ]);
    assert!(
        stdout.contains("--expected-revision-id 1764300000000"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--policy-hash-condition aGVhbHRoeS1jYXRhbG9nLXBvbGljeQ=="),
        "{stdout}"
    );
    assert!(
        stdout.contains("arn:aws:iam::111111111111:role/OtherCreator"),
        "{stdout}"
    );
    let flags = ok(SETUP_FLAGS);
    let v: Value = serde_json::from_str(&flags).unwrap();
    let catalog = catalog_doc(&v);
    assert!(catalog["command"]
        .as_str()
        .unwrap()
        .contains("--policy-exists-condition NOT_EXIST"));
    assert!(catalog.get("enable_hybrid").is_none());
    // A Lake Formation grant to another account: the put needs EnableHybrid.
    let mut snap: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("healthy/cross-account.json")).unwrap(),
    )
    .unwrap();
    snap["lake_formation"]["222222222222"]["permissions"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"principal": "333333333333",
            "resource": {"database": {"catalog_id": "222222222222", "name": "lake"}},
            "permissions": ["DESCRIBE"]}));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lf.json");
    std::fs::write(&file, snap.to_string()).unwrap();
    let v: Value = serde_json::from_str(&ok(&["--merge-with", file.to_str().unwrap()])).unwrap();
    let catalog = catalog_doc(&v);
    assert_eq!(catalog["enable_hybrid"], true);
    assert!(catalog["command"]
        .as_str()
        .unwrap()
        .contains("--enable-hybrid TRUE"));
    let tf = ok(&[
        "--merge-with",
        file.to_str().unwrap(),
        "--format",
        "terraform",
    ]);
    assert!(tf.contains("enable_hybrid = \"TRUE\""), "{tf}");
}

fn catalog_doc(v: &Value) -> Value {
    v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "glue_catalog_policy")
        .unwrap()
        .clone()
}

#[test]
fn merge_with_live_and_nothing_reachable_exits_3_printing_nothing() {
    // Port 9 (discard) on loopback: nothing listens, connections are refused at once.
    let out = zetl(&[
        "--source-table",
        TABLE,
        "--target-database",
        DB,
        "--target-role",
        ROLE,
        "--merge-with",
        "live",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ])
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("AWS_ACCESS_KEY_ID", "testing")
    .env("AWS_SECRET_ACCESS_KEY", "testing")
    .env_remove("AWS_PROFILE")
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_snapshot_without_a_role_needs_target_role() {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("healthy/cross-account.json")).unwrap(),
    )
    .unwrap();
    v["setup"]["pairs"][0]
        .as_object_mut()
        .unwrap()
        .remove("target_role");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("norole.json");
    std::fs::write(&file, v.to_string()).unwrap();
    let (stdout, stderr, code) = run(&["--merge-with", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("missing setup: --target-role"), "{stderr}");
    // Given as a flag (a name: completed with the snapshot's account), it works.
    let v: Value = serde_json::from_str(&ok(&[
        "--merge-with",
        file.to_str().unwrap(),
        "--target-role",
        "ZeroEtlTargetRole",
    ]))
    .unwrap();
    assert!(v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["kind"] == "iam_role_trust_policy"));
}

#[test]
fn an_unreadable_policy_is_not_overwritten() {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("healthy/cross-account.json")).unwrap(),
    )
    .unwrap();
    v["tables"][TABLE]["resource_policy"] = serde_json::json!({"$unknown": {
        "reason": "access_denied", "action": "dynamodb:GetResourcePolicy", "message": "denied"}});
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unknown.json");
    std::fs::write(&file, v.to_string()).unwrap();
    let (stdout, stderr, code) = run(&["--merge-with", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("table policy of arn:aws:dynamodb:us-east-1:111111111111:table/orders: could not be read (AccessDenied on dynamodb:GetResourcePolicy: denied)"),
        "{stderr}"
    );
}

/// The `cli` script is valid POSIX shell: run with a stand-in `aws` on PATH that records its
/// arguments, it writes every changed document to its file (equal to the JSON output's policy)
/// and runs each command once, in order.
#[test]
fn the_cli_script_writes_the_documents_and_runs_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("aws.log");
    let stub = bin.join("aws");
    std::fs::write(
        &stub,
        format!("#!/bin/sh\necho \"aws $*\" >> '{}'\n", log.display()),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let script = dir.path().join("apply.sh");
    std::fs::write(
        &script,
        ok(&with(&["--format", "cli"], SETUP_FLAGS)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = std::process::Command::new("sh")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .status()
        .unwrap();
    assert!(status.success());
    let json: Value = serde_json::from_str(&ok(SETUP_FLAGS)).unwrap();
    let docs = json["documents"].as_array().unwrap();
    let ran = std::fs::read_to_string(&log).unwrap();
    let ran: Vec<&str> = ran.lines().collect();
    let expected: Vec<&str> = docs
        .iter()
        .map(|d| d["command"].as_str().unwrap())
        .collect();
    assert_eq!(&ran[..expected.len()], expected.as_slice());
    assert!(ran[expected.len()].starts_with("aws glue create-integration-resource-property"));
    for d in docs {
        let written =
            std::fs::read_to_string(dir.path().join(d["file"].as_str().unwrap())).unwrap();
        let written: Value = serde_json::from_str(&written).unwrap();
        assert_eq!(written, d["policy"], "{}", d["name"]);
    }
}

/// Every `cli` script `zetl policy generate` prints runs as-is under `sh`, and the real AWS
/// CLI's parser accepts each of its commands: an `aws` wrapper first on PATH runs the venv's
/// CLI against a loopback port nothing listens on and lets the script go on only when the CLI
/// got as far as connecting (a usage error, unknown option, bad shorthand or unreadable
/// `file://` stops the script). Flags only and merged with the healthy, broken, S3 Tables and
/// twelve-table setups; with and without profiles (they change every command).
#[test]
fn every_generated_cli_script_is_accepted_by_the_aws_cli() {
    let Some(aws) = aws_cli::venv_aws() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = aws_cli::write_profiles(dir.path());
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let wrapper = bin.join("aws");
    // Each script logs what the CLI accepted to its own $ZETL_ACCEPTED file.
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\n\
             err=$('{aws}' \"$@\" 2>&1 >/dev/null)\n\
             case \"$err\" in\n\
             *'Could not connect to the endpoint URL'*) echo \"aws $*\" >> \"$ZETL_ACCEPTED\"; exit 0 ;;\n\
             esac\n\
             printf 'aws %s\\n%s\\n' \"$*\" \"$err\" >&2\n\
             exit 1\n",
            aws = aws.display(),
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let endpoint = aws_cli::closed_endpoint();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // Runs a script under sh; the number of commands the CLI accepted, or why it stopped.
    let run_script = |script: &str| -> Result<usize, String> {
        let work = tempfile::tempdir().unwrap();
        let accepted = work.path().join("accepted.log");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(work.path())
            .env_clear()
            .env("PATH", &path)
            .env("HOME", dir.path())
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .env("LANG", "C.UTF-8")
            .env("ZETL_ACCEPTED", &accepted)
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let ran = std::fs::read_to_string(&accepted).unwrap_or_default();
        Ok(ran.lines().count())
    };
    // The wrapper tells a broken command from a good one.
    assert!(
        run_script("set -eu\naws iam create-policy --policy-document file://p.json\n").is_err()
    );

    let profiles = ["--source-profile", "src", "--target-profile", "tgt"];
    let flags = SETUP_FLAGS
        .strip_suffix(&profiles[..])
        .expect("SETUP_FLAGS ends with profiles");
    let merged = |rel: &str| vec!["--merge-with".to_string(), fixture(rel)];
    let mut twelve = merged("scenarios/twelve-tables.json");
    twelve.extend([
        "--config".to_string(),
        fixture("scenarios/twelve-tables.toml"),
    ]);
    let mut setups: Vec<(String, Vec<String>)> = Vec::new();
    for (name, base) in [
        ("flags only", flags.iter().map(|s| s.to_string()).collect()),
        ("healthy", merged("healthy/cross-account.json")),
        ("demo (broken)", merged("demo/cross-account.json")),
        ("S3 Tables", merged("scenarios/s3-tables-target.json")),
        ("twelve tables", twelve),
    ] {
        let with_profiles: Vec<String> = base
            .iter()
            .cloned()
            .chain(profiles.iter().map(|s| s.to_string()))
            .collect();
        setups.push((format!("{name}, no profile"), base));
        setups.push((format!("{name}, profiles"), with_profiles));
    }

    // The CLI takes about a second to start: the scripts run side by side.
    let checked: usize = std::thread::scope(|scope| {
        let runs: Vec<_> = setups
            .iter()
            .map(|(name, args)| {
                let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
                args.extend(["--format", "cli"]);
                let script = ok(&args);
                let run_script = &run_script;
                (name, scope.spawn(move || (run_script(&script), script)))
            })
            .collect();
        runs.into_iter()
            .map(|(name, run)| {
                let (result, script) = run.join().unwrap();
                let expected = script.lines().filter(|l| l.starts_with("aws ")).count();
                assert!(expected > 0, "{name}: no command in the script");
                match result {
                    Ok(n) => assert_eq!(n, expected, "{name}: {expected} commands, {n} ran"),
                    Err(why) => panic!("{name}: the script stopped: {why}\n{script}"),
                }
                expected
            })
            .sum()
    });
    eprintln!("{checked} generated commands accepted by the AWS CLI");
}
