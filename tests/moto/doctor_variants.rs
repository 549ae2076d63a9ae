//! End to end: the real `zetl` binary (`zetl doctor --format json`) against one moto server
//! holding the healthy cross-account setup and each broken variant moto can express, built by
//! tests/moto/setup_variants.py. Each variant lives in its own pair of accounts (reached
//! through sts:AssumeRole), so one server serves them all without resets and the doctor runs
//! in parallel. Asserts the exact set of failing rules (error and warning findings) per
//! variant, and the exact set of rules moto leaves unknown. Each live run also saves its
//! snapshot (`--save-snapshot`), and `--from` that snapshot must give the same report.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::prelude::CommandCargoExt;
use serde_json::Value;

use super::server::{build_variants, in_parallel, isolate, start_moto, variant_accounts, zetl_on};

/// (variant, the rules that must fail with an error or warning besides ZC001).
const VARIANTS: &[(&str, &[&str])] = &[
    ("healthy", &[]),
    ("pitr-off", &["ZS002"]),
    // ZS004-ZS007 are skipped (dependent on ZS003), not failed.
    ("table-policy-missing", &["ZS003"]),
    ("table-policy-target-account", &["ZS005"]),
    ("table-policy-string-equals-wildcard", &["ZS005"]),
    ("table-policy-explicit-deny", &["ZS007"]),
    // ZS009 is skipped for the AWS-managed key; ZS011 gives no key-policy advice for it.
    ("aws-managed-key", &["ZS008"]),
    // ZT003, ZT010, ZT017 are skipped (dependent on ZT002).
    ("database-without-location", &["ZT002"]),
    ("bucket-other-region", &["ZT003"]),
    // moto answers GetResourcePolicy with `{}` when there is none: read as "no policy".
    ("catalog-policy-missing", &["ZT004"]),
    ("catalog-policy-without-authorize", &["ZT006"]),
    ("catalog-policy-without-create-inbound", &["ZT005"]),
    // ZT009-ZT012 and ZT015 are skipped (dependent on ZT008).
    ("role-missing", &["ZT008"]),
    ("role-wrong-trust", &["ZT009"]),
    ("role-without-s3-write", &["ZT010"]),
    ("creator-without-create-integration", &["ZP001"]),
    ("creator-without-create-inbound", &["ZP002"]),
];

/// What moto cannot answer, in every variant: it replies HTTP 500 to the Glue integration
/// APIs (the SDK retries, then the fact is `unknown` with reason endpoint_error), so
/// - ZI001-ZI007 need DescribeIntegrations (source) / DescribeInboundIntegrations (target),
/// - ZT013 and ZT019 need GetIntegrationResourceProperty,
/// - ZI008 and ZI010 need GetIntegrationTableProperties,
/// - ZI009 needs the integrations (whose log streams it reads),
/// - ZS014 needs the integration's refresh interval,
///
/// and ZC001 (warning) reports those unreadable facts. Nothing else may be unknown.
const MOTO_UNKNOWN: &[&str] = &[
    "ZI001", "ZI002", "ZI003", "ZI004", "ZI005", "ZI006", "ZI007", "ZI008", "ZI009", "ZI010",
    "ZS014", "ZT013", "ZT019",
];

/// Accounts 1111111111NN / 2222222222NN.
const ACCOUNTS: (&str, &str) = ("1111111111", "2222222222");

fn ids<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items.into_iter().map(str::to_string).collect()
}

/// The exit code and JSON report of one doctor run.
fn outcome(out: &Output) -> (i32, Value) {
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "zetl printed no JSON report ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// One variant: the live run (saving its snapshot to `saved`), then the replay of that
/// snapshot with no AWS access at all (no endpoint, no setup flags).
struct Run {
    live: (i32, Value),
    replayed: (i32, Value),
}

fn doctor(endpoint: &str, setup: &Value, saved: &Path) -> Run {
    let saved = saved.to_str().expect("UTF-8 temp path");
    let live = zetl_on(
        endpoint,
        setup,
        &[
            "doctor",
            "--format",
            "json",
            "--allow-unknown",
            "--save-snapshot",
            saved,
        ],
    );
    // Not a terminal: no progress, so stderr holds only errors, and there are none.
    assert!(
        live.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&live.stderr)
    );
    let live = outcome(&live);
    let mut replay = Command::cargo_bin("zetl").expect("the zetl binary");
    isolate(&mut replay).args([
        "doctor",
        "--from",
        saved,
        "--format",
        "json",
        "--allow-unknown",
    ]);
    let replayed = outcome(&replay.output().expect("run zetl --from"));
    Run { live, replayed }
}

/// Where the replayed report differs from the live one: the exit code, every check status,
/// every finding (and anything else in the report). Only `source_file` may differ: it names
/// the snapshot file in the replay.
fn replay_differences(run: &Run) -> Vec<String> {
    let mut wrong = Vec::new();
    if run.live.0 != run.replayed.0 {
        wrong.push(format!(
            "exit {} live, {} replayed",
            run.live.0, run.replayed.0
        ));
    }
    let strip = |report: &Value| {
        let mut r = report.clone();
        r.as_object_mut()
            .expect("report object")
            .remove("source_file");
        r
    };
    let (live, replayed) = (strip(&run.live.1), strip(&run.replayed.1));
    for list in ["checks", "findings"] {
        let (a, b) = (&live[list], &replayed[list]);
        let (a, b) = (a.as_array().expect(list), b.as_array().expect(list));
        if a.len() != b.len() {
            wrong.push(format!("{} {list} live, {} replayed", a.len(), b.len()));
        }
        for (x, y) in a.iter().zip(b).filter(|(x, y)| x != y) {
            wrong.push(format!("{list}: live {x}\n  replayed {y}"));
        }
    }
    if wrong.is_empty() && live != replayed {
        wrong.push(format!(
            "reports differ: live {live}\n  replayed {replayed}"
        ));
    }
    wrong
}

fn rules_where(report: &Value, list: &str, key: &str, keep: &[&str]) -> BTreeSet<String> {
    report[list]
        .as_array()
        .expect("report list")
        .iter()
        .filter(|x| keep.contains(&x[key].as_str().unwrap_or("")))
        .map(|x| x["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn doctor_reports_exactly_the_broken_rules_of_each_moto_variant() {
    let Some(moto) = start_moto("doctor e2e test over the moto variants") else {
        return;
    };
    let built = build_variants(&moto, VARIANTS.iter().map(|(name, _)| *name), ACCOUNTS);
    let saved = tempfile::tempdir().expect("temp dir");

    // The doctor mostly waits (on moto, and on the SDK's retries of the HTTP 500s): run all
    // variants at once.
    let runs: Vec<Run> = in_parallel(VARIANTS, |(name, _)| {
        let file = saved.path().join(format!("{name}.json"));
        doctor(moto.endpoint.as_str(), &built[*name], &file)
    });

    let mut wrong = Vec::new();
    for (i, ((name, expected), run)) in VARIANTS.iter().zip(&runs).enumerate() {
        wrong.extend(
            replay_differences(run)
                .into_iter()
                .map(|d| format!("{name}: --from the saved snapshot: {d}")),
        );
        let (code, report) = (&run.live.0, &run.live.1);
        let (src, tgt) = variant_accounts(ACCOUNTS, i);
        assert_eq!(report["accounts"]["source"], src.as_str(), "{name}");
        assert_eq!(report["accounts"]["target"], tgt.as_str(), "{name}");

        let mut want = ids(expected.iter().copied());
        want.insert("ZC001".to_string());
        let failing = rules_where(report, "findings", "severity", &["error", "warning"]);
        if failing != want {
            wrong.push(format!("{name}: failing {failing:?}, expected {want:?}"));
        }
        let unknown = rules_where(report, "checks", "status", &["unknown"]);
        // With PITR off, ZS014 is skipped (it depends on ZS002) before it asks for the
        // integration.
        let expected: BTreeSet<String> = ids(MOTO_UNKNOWN.iter().copied())
            .into_iter()
            .filter(|id| !(id == "ZS014" && failing.contains("ZS002")))
            .collect();
        if unknown != expected {
            wrong.push(format!(
                "{name}: unknown {unknown:?}, expected {MOTO_UNKNOWN:?}"
            ));
        }
        // The healthy setup's key policy lets Glue decrypt (ZS011 passes) and no integration can
        // be read (no ZI006/ZI007 note): no variant has an info finding.
        let info = rules_where(report, "findings", "severity", &["info"]);
        if !info.is_empty() {
            wrong.push(format!("{name}: unexpected info findings {info:?}"));
        }
        // Exit code (with --allow-unknown): 1 exactly when an error was found.
        let errors = report["summary"]["findings"]["error"].as_u64().unwrap();
        let want_code = i32::from(errors > 0);
        if *code != want_code || (name == &"healthy") != (errors == 0) {
            wrong.push(format!("{name}: exit {code} with {errors} errors"));
        }
        // moto's HTTP 500s are reported as failed calls, not as missing permissions.
        for f in report["findings"].as_array().unwrap() {
            let message = f["message"].as_str().unwrap_or("");
            if f["rule"] == "ZC001" && !message.contains("(endpoint_error: HTTP 500)") {
                wrong.push(format!("{name}: ZC001 says {message:?}"));
            }
        }
        // Every unknown is explained by the failing call, never as a pass.
        for check in report["checks"].as_array().unwrap() {
            if check["status"] == "unknown" {
                let reason = check["reason"].as_str().unwrap_or("");
                if !reason.contains("endpoint_error") {
                    wrong.push(format!("{name}: {check} is not a moto HTTP 500"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
