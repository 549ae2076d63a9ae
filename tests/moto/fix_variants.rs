//! End to end: `zetl fix --apply --yes` (the real binary) repairs each broken setup moto can
//! express, the doctor afterwards reports no error, and a second `zetl fix` has nothing left
//! to change. Built on tests/moto/setup_variants.py (one pair of accounts per variant, so the
//! variants run in parallel on one moto server).

use std::process::Output;

use serde_json::Value;

use super::server::{build_variants, in_parallel, start_moto, zetl_on};

/// (variant, the rule the doctor reports before the fix; it must be gone afterwards).
const FIXABLE: &[(&str, &str)] = &[
    ("pitr-off", "ZS002"),
    ("table-policy-missing", "ZS003"),
    ("table-policy-target-account", "ZS005"),
    ("table-policy-string-equals-wildcard", "ZS005"),
    ("table-policy-explicit-deny", "ZS007"),
    ("catalog-policy-missing", "ZT004"),
    ("catalog-policy-without-authorize", "ZT006"),
    ("catalog-policy-without-create-inbound", "ZT005"),
    ("role-wrong-trust", "ZT009"),
    ("role-without-s3-write", "ZT010"),
    ("creator-without-create-integration", "ZP001"),
    ("creator-without-create-inbound", "ZP002"),
];

/// Accounts 3333333333NN / 4444444444NN: apart from the doctor variants' accounts.
const ACCOUNTS: (&str, &str) = ("3333333333", "4444444444");

fn failing(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["severity"] == "error" || (f["severity"] == "warning" && f["rule"] != "ZC001")
        })
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// What one variant went through: (variant, problems found).
fn fix_one(endpoint: &str, name: &str, rule: &str, setup: &Value) -> Vec<String> {
    let mut wrong = Vec::new();
    let text = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let dry = zetl_on(endpoint, setup, &["fix"]);
    let plan = text(&dry);
    if dry.status.code() != Some(0)
        || !plan.contains(&format!("fixes {rule}")) && !plan.contains(&format!(", {rule}"))
    {
        wrong.push(format!(
            "{name}: dry run does not plan a fix for {rule}:\n{plan}"
        ));
    }
    let applied = zetl_on(endpoint, setup, &["fix", "--apply", "--yes"]);
    let out = text(&applied);
    if applied.status.code() != Some(0) || !out.contains("applied:") {
        wrong.push(format!(
            "{name}: fix --apply exited {:?}:\n{out}",
            applied.status.code()
        ));
    }
    // moto reads every write back at once: no wait for it to become visible, no warning.
    if out.contains("not yet visible") || out.contains("could not be read back") {
        wrong.push(format!(
            "{name}: a write did not read back as written:\n{out}"
        ));
    }
    // stderr (no terminal): exactly one line per write sent, and nothing else (no wait).
    let stdout = String::from_utf8_lossy(&applied.stdout);
    let stderr = String::from_utf8_lossy(&applied.stderr);
    let writes = stdout.lines().filter(|l| l.contains("] applied: ")).count();
    if stderr.lines().count() != writes || !stderr.lines().all(|l| l.starts_with("zetl: writing "))
    {
        wrong.push(format!(
            "{name}: expected {writes} write line(s) on stderr, got:\n{stderr}"
        ));
    }
    let doctor = zetl_on(
        endpoint,
        setup,
        &["doctor", "--format", "json", "--allow-unknown"],
    );
    match serde_json::from_slice::<Value>(&doctor.stdout) {
        Ok(report) => {
            let left = failing(&report);
            if !left.is_empty() {
                wrong.push(format!(
                    "{name}: after the fix the doctor still reports {left:?}"
                ));
            }
        }
        Err(e) => wrong.push(format!(
            "{name}: no JSON report after the fix ({e}): {}",
            text(&doctor)
        )),
    }
    let again = zetl_on(endpoint, setup, &["fix", "--apply", "--yes"]);
    let out = text(&again);
    if again.status.code() != Some(0) || !out.contains("nothing to change automatically") {
        wrong.push(format!("{name}: a second fix is not a no-op:\n{out}"));
    }
    wrong
}

#[test]
fn fix_apply_repairs_each_fixable_moto_variant_and_twice_is_a_no_op() {
    let Some(moto) = start_moto("fix e2e test over the moto variants") else {
        return;
    };
    let built = build_variants(&moto, FIXABLE.iter().map(|(name, _)| *name), ACCOUNTS);
    let wrong: Vec<String> = in_parallel(FIXABLE, |(name, rule)| {
        fix_one(moto.endpoint.as_str(), name, rule, &built[*name])
    })
    .concat();
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// The setup of one built variant as the library takes it.
fn setup_args(endpoint: &str, setup: &Value) -> zetl::setup::Setup {
    let arg = |k: &str| setup[k].as_str().map(str::to_string);
    zetl::setup::Setup {
        fields: zetl::setup::SetupFields {
            source_table: arg("source_table"),
            target_database: arg("target_database"),
            target_role: arg("target_role"),
            source_principal: arg("source_principal"),
            source_role_arn: arg("source_role_arn"),
            target_role_arn: arg("target_role_arn"),
            external_id: Some("zetl-test".into()),
            endpoint_url: Some(endpoint.into()),
            ..zetl::setup::SetupFields::default()
        },
        ..zetl::setup::Setup::default()
    }
}

/// A concurrent edit between plan and apply survives: once as a different document (the
/// re-read before the write catches it), once as the same text under a new revision (moto
/// enforces ExpectedRevisionId, so the write itself is refused).
#[test]
fn a_table_policy_changed_between_plan_and_apply_is_never_overwritten() {
    use zetl::fix::live::{apply, Applied, Writer};
    use zetl::fix::Target;
    let Some(moto) = start_moto("fix concurrency test on moto") else {
        return;
    };
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/nonexistent/zetl-test-config"),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/zetl-test-credentials",
        ),
    ] {
        std::env::set_var(k, v);
    }
    let built = build_variants(
        &moto,
        ["table-policy-target-account"],
        ("5555555555", "6666666666"),
    );
    let setup = setup_args(&moto.endpoint, &built["table-policy-target-account"]);
    let snap = zetl::collect::collect_blocking(&setup, chrono::Utc::now()).expect("collect");
    let rules = zetl::rules::catalog().unwrap();
    let settings = zetl::rules::runner::Settings::default();
    let planned = zetl::fix::plan(&snap, rules, &settings, &settings);
    let change = planned
        .changes
        .iter()
        .find(|c| matches!(c.target, Target::TablePolicy { .. }))
        .expect("a table policy change for ZS005")
        .clone();
    let table = setup.fields.source_table.clone().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (source, target) = runtime.block_on(Writer::connect(&setup, &snap));
    let read_policy = || {
        runtime.block_on(async {
            let o = source
                .dynamodb
                .get_resource_policy()
                .resource_arn(&table)
                .send()
                .await
                .expect("read the table policy");
            (
                serde_json::from_str::<Value>(o.policy().unwrap()).unwrap(),
                o.revision_id().unwrap().to_string(),
            )
        })
    };
    let put = |doc: &Value| {
        runtime.block_on(async {
            source
                .dynamodb
                .put_resource_policy()
                .resource_arn(&table)
                .policy(doc.to_string())
                .send()
                .await
                .expect("concurrent put");
        })
    };

    // 1. Someone adds a statement after the plan was made.
    let (original, _) = read_policy();
    let mut theirs = original.clone();
    theirs["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
        "Sid": "ConcurrentEdit", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:root", snap.accounts.source.id)},
        "Action": "dynamodb:DescribeTable", "Resource": table.clone()}));
    put(&theirs);
    let result = runtime.block_on(apply(
        std::slice::from_ref(&change),
        &source,
        &target,
        &snap,
    ));
    assert!(
        matches!(&result[..], [Applied::Conflict(m)] if m.contains("changed since it was read")),
        "{result:?}"
    );
    assert_eq!(
        read_policy().0,
        theirs,
        "the concurrent statement must survive"
    );

    // 2. The same text as planned from, but written again meanwhile (new revision): the
    // re-read matches, moto refuses the stale ExpectedRevisionId.
    put(&original);
    let (now, revision) = read_policy();
    assert_eq!(now, original);
    let stale = snap.tables[&table]
        .resource_policy
        .known()
        .unwrap()
        .as_ref()
        .unwrap();
    assert_ne!(stale.revision_id.as_deref(), Some(revision.as_str()));
    let result = runtime.block_on(apply(
        std::slice::from_ref(&change),
        &source,
        &target,
        &snap,
    ));
    assert!(
        matches!(&result[..], [Applied::Conflict(m)] if m.contains("PolicyNotFoundException")),
        "{result:?}"
    );
    assert_eq!(
        read_policy(),
        (original, revision),
        "nothing was overwritten"
    );
}
