//! Differential test of zetl's policy engine against an independent implementation, the npm
//! package @cloud-copilot/iam-simulate (pinned in tests/oracle/package.json, used only as a
//! black-box test oracle; none of its code or data is in this repository).
//!
//! A seeded generator produces thousands of cases in `zetl policy simulate`'s input format;
//! zetl decides them through the same library function as the CLI, the oracle decides them in
//! one node process, and every case must agree except disagreements listed, with reason and
//! AWS documentation, in tests/oracle/exclusions.json.

#[path = "differential/exclusions.rs"]
mod exclusions;
#[path = "differential/generate.rs"]
mod generate;
#[path = "differential/oracle.rs"]
mod oracle;
#[path = "differential/rng.rs"]
mod rng;
#[path = "differential/world.rs"]
mod world;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use zetl_core::simulate::simulate_text;

const SEED: u64 = 0x5EED_2E71_0000_0001;
const CASES: usize = 2_400;

/// Whether the two decisions agree. The oracle has no word for zetl's `DeniedByAws` (AWS's own
/// rules above the policies): it agrees when the oracle denies too, either way; when the
/// oracle allows, only an exclusion citing AWS can excuse it.
fn agrees(zetl: &str, oracle: &str) -> bool {
    zetl == oracle
        || (zetl == "DeniedByAws" && matches!(oracle, "ImplicitlyDenied" | "ExplicitlyDenied"))
}

/// The decision as the contract spells it.
fn decision_name(outcome: &zetl_core::simulate::Outcome) -> String {
    serde_json::to_value(outcome.decision)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn zetl_agrees_with_the_oracle() {
    let generated = generate::generate(SEED, CASES);
    let cases: Vec<Value> = generated.iter().map(|g| g.case.clone()).collect();

    let text = serde_json::to_string(&cases).expect("cases serialize");
    let ours =
        simulate_text(&text).unwrap_or_else(|e| panic!("zetl refused a generated case: {e}"));
    assert!(ours.batch);
    if let Some(e) = ours.invalid().next() {
        panic!("zetl refused a generated case: {e}");
    }
    let outcomes: Vec<&zetl_core::simulate::Outcome> = ours.outcomes().collect();
    assert_eq!(outcomes.len(), CASES);
    let theirs = oracle::decide(&cases);

    // The oracle must have evaluated every case as given; otherwise the generator strayed
    // outside what the Service Authorization Reference allows and the comparison means nothing.
    for (i, t) in theirs.iter().enumerate() {
        assert!(
            t.decision != "Error",
            "the oracle refused case [{i}] ({:?}): {}",
            t.error,
            generated[i].case
        );
        assert!(
            t.ignored_keys.is_empty(),
            "the oracle dropped context keys {:?} of case [{i}]: {}",
            t.ignored_keys,
            generated[i].case
        );
    }

    let list = exclusions::load();
    let mut excused: BTreeMap<&str, usize> =
        list.exclusions.iter().map(|e| (e.id.as_str(), 0)).collect();
    let mut failures: Vec<String> = Vec::new();
    let mut agree = 0usize;
    let mut denied_by_aws_agree = 0usize;
    let mut by_decision: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (g, (o, t))) in generated
        .iter()
        .zip(outcomes.iter().zip(&theirs))
        .enumerate()
    {
        let z = decision_name(o);
        *by_decision.entry(z.clone()).or_default() += 1;
        if agrees(&z, &t.decision) {
            agree += 1;
            denied_by_aws_agree += usize::from(z != t.decision);
            continue;
        }
        match list
            .exclusions
            .iter()
            .find(|e| e.excuses(&g.tags, &z, &t.decision))
        {
            Some(e) => *excused.entry(e.id.as_str()).or_default() += 1,
            None => failures.push(format!(
                "case [{i}] zetl={z} oracle={} tags={:?}\n  case: {}\n  zetl says: {:?}",
                t.decision, g.tags, g.case, o.explanation
            )),
        }
    }
    // For investigating: ZETL_DIFFERENTIAL_DUMP=FILE writes every disagreement as JSON lines.
    if let Ok(path) = std::env::var("ZETL_DIFFERENTIAL_DUMP") {
        let lines: Vec<String> = generated
            .iter()
            .zip(outcomes.iter().zip(&theirs))
            .enumerate()
            .filter(|(_, (_, (o, t)))| !agrees(&decision_name(o), &t.decision))
            .map(|(i, (g, (o, t)))| {
                serde_json::json!({"index": i, "zetl": decision_name(o), "oracle": t.decision,
                    "tags": g.tags, "case": g.case, "explanation": o.explanation})
                .to_string()
            })
            .collect();
        std::fs::write(&path, lines.join("\n")).expect("dump written");
    }
    let excused_total: usize = excused.values().sum();
    println!(
        "differential: {CASES} cases, {agree} agree ({:.2}%; {denied_by_aws_agree} of them DeniedByAws where the oracle denies too), {excused_total} excused by {} exclusion(s), {} unexplained; zetl decisions {by_decision:?}; excused per exclusion {excused:?}",
        100.0 * agree as f64 / CASES as f64,
        list.exclusions.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) disagree with the oracle and no exclusion explains them (first 10):\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let unused: Vec<&&str> = excused
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| id)
        .collect();
    assert!(
        unused.is_empty(),
        "exclusions that excuse no case must be removed: {unused:?}"
    );
    // The generator must keep every decision well represented, or agreement is cheap.
    for d in ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"] {
        let n = by_decision.get(d).copied().unwrap_or(0);
        assert!(n >= CASES / 10, "only {n} {d} cases: {by_decision:?}");
    }
    let n = by_decision.get("DeniedByAws").copied().unwrap_or(0);
    assert!(
        n >= CASES / 50,
        "only {n} DeniedByAws cases: {by_decision:?}"
    );
}

#[test]
fn generator_covers_every_principal_kind_and_operator_family() {
    let generated = generate::generate(SEED, CASES);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for g in &generated {
        for t in &g.tags {
            *seen.entry(t.as_str()).or_default() += 1;
        }
    }
    let required = [
        "principal:user",
        "principal:role",
        "principal:session",
        "principal:root",
        "principal:service",
        "principal:anonymous",
        "account:same",
        "account:cross",
        "kind:generic",
        "kind:role-trust",
        "kind:kms-key",
        "op:String",
        "op:Numeric",
        "op:Date",
        "op:Bool",
        "op:Binary",
        "op:IpAddress",
        "op:Arn",
        "op:Null",
        "set:ForAllValues",
        "set:ForAnyValue",
        "ifexists",
        "notaction",
        "notresource",
        "notprincipal",
        "deny",
        "boundary",
        "resource-policy",
        "var",
        "var-arn-prefix",
        "session-role-principal",
        "session-role-path",
        "scenario:sts-caller-identity",
        "scenario:iam-aws-managed-policy",
        "scenario:iam-service-linked-role",
        "scenario:kms-aws-managed-key",
    ];
    let missing: Vec<&str> = required
        .iter()
        .filter(|t| seen.get(*t).copied().unwrap_or(0) < 20)
        .copied()
        .collect();
    assert!(
        missing.is_empty(),
        "under-covered (< 20 cases): {missing:?}; seen {seen:?}"
    );
    // Service principals come with the keys that scope them.
    let scoped = generated
        .iter()
        .filter(|g| g.tags.contains("principal:service"))
        .filter(|g| g.case["request"]["context"].get("aws:SourceArn").is_some())
        .count();
    assert!(
        scoped >= 100,
        "only {scoped} service-principal cases carry aws:SourceArn"
    );
    // The root user asks to assume roles (AWS refuses it whatever the trust policy says).
    let root_assume = generated
        .iter()
        .filter(|g| g.tags.contains("principal:root") && g.tags.contains("scenario:sts"))
        .count();
    assert!(
        root_assume >= 20,
        "only {root_assume} root AssumeRole cases"
    );
    // Same seed, same cases.
    let again = generate::generate(SEED, 50);
    let first: Vec<&Value> = generated.iter().take(50).map(|g| &g.case).collect();
    let second: Vec<&Value> = again.iter().map(|g| &g.case).collect();
    assert_eq!(first, second);
    let tags: BTreeSet<&str> = seen.keys().copied().collect();
    assert!(tags.contains("scenario:s3-object") && tags.contains("scenario:sts"));
}
