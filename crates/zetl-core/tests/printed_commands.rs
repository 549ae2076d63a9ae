//! Every `aws ...` command zetl prints works when pasted: it runs as-is in bash and the AWS
//! CLI's own parser accepts it. For each bundled fixture (the rule fixtures, the demo, the
//! scenarios, the healthy setups) the doctor runs with `--source-profile src --target-profile
//! tgt` and without profiles (`{profile}` changes the commands); each fix command, and each
//! command of the documents `zetl policy generate` builds in this library, is run with
//! `bash -c` by the pinned AWS CLI v1 of the test venv (`scripts/moto-venv.sh`, found through
//! `ZETL_MOTO_VENV` as the moto tests do) against a loopback port nothing listens on. The CLI
//! must get as far as connecting ("Could not connect to the endpoint URL"): a usage error,
//! an unknown option, a bad shorthand or a missing `file://` fails the test.
//!
//! The `file://NAME` a command reads is written first into the command's directory: the
//! finding's `fix.policy`, the repository's file of that name (`permissions/...`), or else an
//! empty policy document. `zetl policy generate --format cli`'s own additions (create-role,
//! create-policy, the resource property command) are built in the `zetl` crate: its whole
//! script is run the same way by `tests/policy_generate.rs`
//! (`every_generated_cli_script_is_accepted_by_the_aws_cli`).
//!
//! Without the venv the test says so and does nothing, unless `ZETL_REQUIRE_MOTO` is set
//! (`scripts/test.sh` sets it): then a missing CLI fails.

#[path = "support/aws_cli.rs"]
mod aws_cli;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use zetl_core::rules::engine::generate::generate;
use zetl_core::rules::{catalog, run, PairFacts, Settings};

fn repo() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).to_path_buf()
}

/// The bundled snapshots: every rule fixture, the demo, the scenarios and the healthy setups
/// (not the benchmark's maximum-size snapshot).
fn fixtures() -> Vec<PathBuf> {
    let root = repo().join("fixtures");
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = ["rules", "demo", "scenarios", "healthy"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// One command to run, with the files it reads, and where it came from.
#[derive(Debug, Clone)]
struct Job {
    command: String,
    /// `file://NAME` -> content.
    files: BTreeMap<String, String>,
}

const EMPTY_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": []}"#;

/// The `NAME`s of the `file://NAME` arguments of a command.
fn file_args(command: &str) -> Vec<String> {
    command
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("file://"))
        .map(|n| n.trim_matches('\'').to_string())
        .collect()
}

fn job(command: &str, policy: Option<&serde_json::Value>) -> Job {
    let files = file_args(command)
        .into_iter()
        .map(|name| {
            let in_repo = repo().join(&name);
            let content = if let Some(p) = policy {
                serde_json::to_string_pretty(p).unwrap()
            } else if in_repo.is_file() {
                std::fs::read_to_string(in_repo).unwrap()
            } else {
                EMPTY_POLICY.to_string()
            };
            (name, content)
        })
        .collect();
    Job {
        command: command.to_string(),
        files,
    }
}

/// Identical commands are run once (with the files of the first finding that printed it: the
/// CLI reads a `file://` argument as text, its content does not change what it parses).
fn add(
    jobs: &mut BTreeMap<String, (Job, BTreeSet<String>)>,
    command: &str,
    policy: Option<&serde_json::Value>,
    from: String,
) {
    jobs.entry(command.to_string())
        .or_insert_with(|| (job(command, policy), BTreeSet::new()))
        .1
        .insert(from);
}

/// Every command the doctor prints on the bundled fixtures (with and without profiles), and
/// the library's `policy generate` document commands, deduplicated; each with the fixtures
/// that print it.
fn jobs() -> BTreeMap<String, (Job, BTreeSet<String>)> {
    let catalog = catalog().unwrap();
    let with_profiles = Settings {
        source_profile: Some("src".into()),
        target_profile: Some("tgt".into()),
        ..Settings::default()
    };
    let mut jobs = BTreeMap::new();
    for file in fixtures() {
        let snapshot = zetl_core::snapshot::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let name = file
            .strip_prefix(repo().join("fixtures"))
            .unwrap()
            .display()
            .to_string();
        for settings in [&with_profiles, &Settings::default()] {
            let report = run(&snapshot, catalog, settings);
            for finding in &report.findings {
                let Some(fix) = &finding.fix else { continue };
                for command in &fix.commands {
                    let from = format!("{name}: {} ({})", finding.rule, finding.resource);
                    add(&mut jobs, command, fix.policy.as_ref(), from);
                }
            }
            for pair in &snapshot.setup.pairs {
                let scope = PairFacts::new(&snapshot, pair).with_profiles(settings);
                for generated in generate(&scope, catalog).into_iter().flatten() {
                    let from = format!("{name}: policy generate ({})", generated.document);
                    add(&mut jobs, &generated.command, Some(&generated.policy), from);
                }
            }
        }
    }
    jobs
}

/// Where the CLI runs: the venv's `aws` first on PATH, fake credentials, profiles `src` and
/// `tgt`, every endpoint a closed loopback port, no retries, no instance metadata, nothing
/// from this machine's AWS configuration.
struct Env {
    dir: tempfile::TempDir,
    path: String,
    endpoint: String,
}

impl Env {
    fn new(venv: &Path) -> Env {
        let dir = tempfile::tempdir().unwrap();
        aws_cli::write_profiles(dir.path());
        let system_path = std::env::var("PATH").unwrap_or_default();
        Env {
            path: format!("{}:{system_path}", venv.join("bin").display()),
            endpoint: aws_cli::closed_endpoint(),
            dir,
        }
    }

    fn command(&self, script: &str, cwd: &Path) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(script)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", &self.path)
            .env("HOME", self.dir.path())
            .env("LANG", "C.UTF-8")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_RETRY_MODE", "standard")
            .env("AWS_CONFIG_FILE", self.dir.path().join("config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "")
            .stdin(Stdio::null());
        cmd
    }

    /// `Ok` when the CLI parsed the command and tried to connect; `Err(why)` otherwise.
    fn check(&self, job: &Job) -> Result<(), String> {
        if !job.command.starts_with("aws ") {
            return Err("not an aws command".into());
        }
        let work = tempfile::tempdir().unwrap();
        for (name, content) in &job.files {
            let path = work.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let out = self
            .command(&job.command, work.path())
            .output()
            .expect("run bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() && stderr.contains("Could not connect to the endpoint URL") {
            Ok(())
        } else {
            Err(format!(
                "exit {:?}, stderr: {}",
                out.status.code(),
                stderr.trim()
            ))
        }
    }
}

/// Runs `check` on every job with a few threads (the CLI takes ~0.5 s to start).
fn check_all(env: &Env, jobs: &[&Job]) -> Vec<(usize, String)> {
    let next = Mutex::new(0usize);
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get() * 2)
        .unwrap_or(4)
        .clamp(2, 8);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(job) = jobs.get(i) else { break };
                if let Err(why) = env.check(job) {
                    failures.lock().unwrap().push((i, why));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    failures
}

#[test]
fn every_printed_command_is_accepted_by_the_aws_cli() {
    if aws_cli::venv_aws().is_none() {
        return;
    }
    let venv = aws_cli::venv();
    let env = Env::new(&venv);

    // The check tells a broken command from a good one: the unquoted shorthand bash splits
    // with brace expansion (what ZT014 printed), and a create-policy without its name.
    let broken = [
        "aws lakeformation grant-permissions --principal DataLakePrincipalIdentifier=arn:aws:iam::222222222222:role/R --resource Database={CatalogId=222222222222,Name=lake} --permissions DESCRIBE --region us-east-1",
        "aws iam create-policy --policy-document file://p.json",
    ];
    for command in broken {
        assert!(
            env.check(&job(command, None)).is_err(),
            "accepted a broken command: {command}"
        );
    }

    let jobs = jobs();
    let list: Vec<&Job> = jobs.values().map(|(j, _)| j).collect();
    eprintln!("checking {} distinct printed commands", list.len());
    assert!(
        list.len() > 50,
        "only {} commands found in the fixtures",
        list.len()
    );
    // Every kind of command the rules print is among them.
    for needle in [
        "aws lakeformation grant-permissions",
        "aws iam create-policy --policy-name",
        "aws iam attach-role-policy",
        "aws iam attach-user-policy",
        "aws glue update-integration-resource-property",
        "aws glue create-integration ",
        "aws glue update-database",
        "aws dynamodb put-resource-policy",
        "aws glue put-resource-policy",
        "--profile src",
    ] {
        assert!(
            list.iter().any(|j| j.command.contains(needle)),
            "no printed command contains {needle:?}"
        );
    }
    let failures = check_all(&env, &list);
    let report: Vec<String> = failures
        .iter()
        .map(|(i, why)| {
            let job = list[*i];
            let from: Vec<&String> = jobs[&job.command].1.iter().take(3).collect();
            format!("$ {}\n  printed by {from:?}\n  {why}", job.command)
        })
        .collect();
    assert!(
        report.is_empty(),
        "{} of {} printed commands are not accepted by the AWS CLI:\n{}",
        report.len(),
        list.len(),
        report.join("\n")
    );
    eprintln!("{} printed commands accepted by the AWS CLI", list.len());
}
