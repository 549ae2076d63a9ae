//! Runs the npm oracle (`node tests/oracle/run.mjs`) once over a whole batch of cases.
//! A missing node or oracle is a failure, not a skip: CI must not pass a test it did not run.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

const SETUP_HINT: &str =
    "run scripts/test.sh (it runs `npm ci` in tests/oracle) or `cd tests/oracle && npm ci`";

/// The oracle's answer for one case.
#[derive(Debug, Clone)]
pub struct OracleDecision {
    /// `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or `Error` (the oracle refused the case).
    pub decision: String,
    pub error: Option<Value>,
    /// Context keys the oracle dropped because the reference does not list them for the action.
    pub ignored_keys: Vec<String>,
}

pub fn oracle_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

pub fn decide(cases: &[Value]) -> Vec<OracleDecision> {
    let dir = oracle_dir();
    let installed = dir.join("node_modules/@cloud-copilot/iam-simulate/package.json");
    assert!(
        installed.is_file(),
        "the policy oracle is not installed ({} missing): {SETUP_HINT}",
        installed.display()
    );
    let mut child = Command::new("node")
        .arg(dir.join("run.mjs"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start `node` ({e}): install Node.js, then {SETUP_HINT}")
        });
    let input = serde_json::to_vec(cases).expect("cases serialize");
    // Write from a thread so a large batch cannot deadlock on a full stdout pipe.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("node runs to completion");
    writer
        .join()
        .expect("writer thread")
        .expect("cases written to node");
    assert!(
        output.status.success(),
        "node tests/oracle/run.mjs failed ({}): {}\n{SETUP_HINT}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<Value> =
        serde_json::from_slice(&output.stdout).expect("the oracle prints a JSON array");
    assert_eq!(answers.len(), cases.len(), "one oracle answer per case");
    answers
        .into_iter()
        .map(|a| OracleDecision {
            decision: a["decision"].as_str().unwrap_or("missing").to_string(),
            error: a.get("error").cloned(),
            ignored_keys: a["ignoredContextKeys"]
                .as_array()
                .map(|ks| {
                    ks.iter()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}
