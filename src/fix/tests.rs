//! The planner over the rule fixtures: every rule marked `auto_fix` is repaired by the plan of
//! its failing fixture (checked by running the doctor on the planned snapshot), no other rule
//! is ever changed, and planning the planned snapshot again changes nothing.

use std::path::{Path, PathBuf};

use super::{plan, Account, Target};
use crate::report::Status;
use crate::rules::runner::Settings;
use crate::snapshot::{self, Snapshot};

fn fixture(rel: &str) -> Snapshot {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    snapshot::load(Path::new(&path)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn specs() -> &'static crate::rules::Catalog {
    crate::rules::catalog().expect("catalog")
}

fn all() -> Settings {
    Settings::default()
}

#[test]
fn every_auto_fix_rule_is_repaired_and_no_other_rule_is_touched() {
    let catalog = specs();
    let rules = specs();
    let mut wrong = Vec::new();
    for rule in catalog.rules() {
        for rel in &rule.fixtures.fail {
            let snap = fixture(rel);
            let p = plan(&snap, rules, &all(), &all());
            let cites = p.changes.iter().any(|c| c.rules.contains(&rule.id));
            if !rule.auto_fix {
                if cites {
                    wrong.push(format!("{} ({rel}): not auto_fix but planned", rule.id));
                }
                continue;
            }
            if !cites {
                wrong.push(format!("{} ({rel}): no change planned", rule.id));
            }
            // Never widens access to anyone: no wildcard principal in what is written.
            // (A Deny may name `*`: narrowing one is how ZS007 is fixed.)
            for c in &p.changes {
                let statements = c.after["Statement"].as_array().cloned().unwrap_or_default();
                for s in statements.iter().filter(|s| s["Effect"] == "Allow") {
                    let who = &s["Principal"];
                    if who == "*" || who["AWS"] == "*" {
                        wrong.push(format!("{} ({rel}): wildcard principal in {s}", rule.id));
                    }
                }
            }
            let status: Vec<Status> = p
                .after
                .checks
                .iter()
                .filter(|c| c.rule == rule.id)
                .map(|c| c.status)
                .collect();
            if status.is_empty() || status.iter().any(|s| *s != Status::Pass) {
                wrong.push(format!("{} ({rel}): after the plan {status:?}", rule.id));
            }
            // Planning what the plan produces finds nothing more to do (idempotent).
            let again = plan(&p.planned, rules, &all(), &all());
            if !again.is_empty() {
                wrong.push(format!(
                    "{} ({rel}): second plan {:?}",
                    rule.id, again.changes
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn healthy_setups_need_no_change() {
    for rel in ["healthy/cross-account.json", "healthy/seed-guide.json"] {
        let p = plan(&fixture(rel), specs(), &all(), &all());
        assert!(p.is_empty(), "{rel}: {:?}", p.changes);
    }
    // AWS's documented variant without the CloudWatch metrics grant works (ZT012 is only a
    // warning); the plan offers exactly that grant, in a policy of its own.
    let p = plan(
        &fixture("healthy/aws-docs-variants.json"),
        specs(),
        &all(),
        &all(),
    );
    assert_eq!(p.changes.len(), 1, "{:?}", p.changes);
    assert_eq!(p.changes[0].rules, ["ZT012"]);
    assert!(p.changes[0].before.is_none());
    assert_eq!(
        p.changes[0].after["Statement"][0]["Action"],
        "cloudwatch:PutMetricData"
    );
}

#[test]
fn demo_plan_enables_pitr_and_corrects_the_table_policy_source_first() {
    let snap = fixture("demo/cross-account.json");
    let p = plan(&snap, specs(), &all(), &all());
    let table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
    let summary: Vec<(Account, Target, Vec<String>)> = p
        .changes
        .iter()
        .map(|c| (c.account, c.target.clone(), c.rules.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                Account::Source,
                Target::PointInTimeRecovery {
                    table_arn: table.into()
                },
                vec!["ZS002".to_string()]
            ),
            (
                Account::Source,
                Target::TablePolicy {
                    table_arn: table.into()
                },
                vec!["ZS005".to_string()]
            ),
        ]
    );
    assert_eq!(p.changes[0].action, "dynamodb:UpdateContinuousBackups");
    assert_eq!(p.changes[1].action, "dynamodb:PutResourcePolicy");
    // The corrected condition names the source account; everything else is kept.
    let after = &p.changes[1].after["Statement"][0]["Condition"]["StringEquals"];
    assert_eq!(after["aws:SourceAccount"], "111111111111");
    let before = p.changes[1].before.as_ref().unwrap();
    assert_eq!(
        before["Statement"].as_array().unwrap().len(),
        p.changes[1].after["Statement"].as_array().unwrap().len()
    );
    // The table-policy write carries the RevisionId the check read with the policy (the guarded
    // write sends it); PITR has no token.
    assert_eq!(p.changes[0].token, None);
    assert_eq!(p.changes[1].token.as_deref(), Some("1764300000000"));
    // Only the integration's own state (NEEDS_ATTENTION until AWS retries) remains.
    let left: Vec<&str> = p.remaining().map(|f| f.rule.as_str()).collect();
    assert_eq!(left, ["ZI001"]);
}

#[test]
fn one_document_fixed_for_several_rules_merges_every_fix() {
    // No catalog policy at all: ZT004 fails and ZT005/ZT006 are skipped; once ZT004's policy
    // is planned they are evaluated on it and must pass, all in one catalog-policy change.
    let snap = fixture("rules/ZT004/fail.json");
    let p = plan(&snap, specs(), &all(), &all());
    assert_eq!(p.changes.len(), 1, "{:?}", p.changes);
    assert!(p.changes[0].before.is_none());
    assert_eq!(p.changes[0].action, "glue:PutResourcePolicy");
    for rule in ["ZT004", "ZT005", "ZT006"] {
        assert!(
            p.after
                .checks
                .iter()
                .any(|c| c.rule == rule && c.status == Status::Pass),
            "{rule} after: {:?}",
            p.after
                .checks
                .iter()
                .filter(|c| c.rule == rule)
                .collect::<Vec<_>>()
        );
    }
    // Never a wildcard principal.
    let text = p.changes[0].after.to_string();
    assert!(!text.contains(r#""Principal":"*""#), "{text}");
}

#[test]
fn only_limits_the_plan_to_the_selected_rules() {
    let snap = fixture("demo/cross-account.json");
    let select = Settings {
        only: vec!["ZS002".into()],
        ..Settings::default()
    };
    let p = plan(&snap, specs(), &all(), &select);
    assert_eq!(p.changes.len(), 1);
    assert_eq!(p.changes[0].rules, ["ZS002"]);
    let select = Settings {
        only: vec!["ZT".into()],
        ..Settings::default()
    };
    assert!(plan(&snap, specs(), &all(), &select).is_empty());
}

#[test]
fn a_suppressed_finding_is_not_fixed() {
    let snap = fixture("rules/ZS002/fail.json");
    let settings = Settings {
        suppressions: vec![crate::rules::runner::Suppression {
            rule: "ZS002".into(),
            reason: "PITR is enabled by our backup pipeline".into(),
            resource: None,
        }],
        ..Settings::default()
    };
    assert!(plan(&snap, specs(), &settings, &all()).is_empty());
}

#[test]
fn demo_plan_text() {
    let snap = fixture("demo/cross-account.json");
    let p = plan(&snap, specs(), &all(), &all());
    insta::assert_snapshot!(super::render::plan_text(&p, &snap, true));
}

#[test]
fn a_role_given_without_its_path_is_still_found() {
    // The setup names `role/NAME`; IAM (and the fix) name `role/service-role/NAME`.
    let mut snap = fixture("rules/ZT010/fail.json");
    let full = "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole";
    let short = "arn:aws:iam::222222222222:role/ZeroEtlTargetRole";
    let facts = snap
        .principals
        .remove(full)
        .expect("the role in the fixture");
    snap.principals.insert(short.into(), facts);
    snap.setup.pairs[0].target_role = Some(short.into());
    let p = plan(&snap, specs(), &all(), &all());
    assert_eq!(p.changes.len(), 1, "{:?}", p.changes);
    assert_eq!(p.changes[0].rules, ["ZT010"]);
    assert!(p
        .after
        .checks
        .iter()
        .any(|c| c.rule == "ZT010" && c.status == Status::Pass));
}

/// The twelve-table scenario with its zetl.toml's pairs applied, as `zetl fix` sees it.
fn twelve_tables() -> Snapshot {
    let mut snap = fixture("scenarios/twelve-tables.json");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("fixtures/scenarios/twelve-tables.toml"))
        .expect("the scenario's zetl.toml");
    let config = crate::config::parse(&text).expect("a valid zetl.toml");
    let setup = crate::commands::doctor::merge_setup(&Default::default(), &config);
    assert_eq!(setup.pair_list().len(), 12);
    crate::commands::doctor::apply_setup_overrides(&mut snap, &setup).expect("overrides");
    snap
}

const CATALOG: &str = "arn:aws:glue:us-east-1:222222222222:catalog";

/// The `aws:SourceArn` list of the catalog policy's Glue statement.
fn authorized_tables(policy: &serde_json::Value) -> Vec<String> {
    let glue = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["Action"] == "glue:AuthorizeInboundIntegration"
                || s["Action"][0] == "glue:AuthorizeInboundIntegration"
        })
        .expect("a Glue statement");
    match &glue["Condition"]["StringEquals"]["aws:SourceArn"] {
        serde_json::Value::String(s) => vec![s.clone()],
        v => v
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
    }
}

#[test]
fn the_table_missing_from_a_shared_catalog_policy_joins_its_source_arn_list() {
    let snap = twelve_tables();
    let p = plan(&snap, specs(), &all(), &all());
    assert_eq!(p.changes.len(), 1, "{:?}", p.changes);
    let change = &p.changes[0];
    assert_eq!(change.rules, ["ZT006"]);
    assert!(
        matches!(&change.target, Target::CatalogPolicy { catalog_arn, .. } if catalog_arn == CATALOG)
    );
    // The same two statements; the Glue one now names all twelve tables.
    let before = change.before.as_ref().unwrap();
    assert_eq!(before["Statement"].as_array().unwrap().len(), 2);
    assert_eq!(change.after["Statement"].as_array().unwrap().len(), 2);
    let tables = authorized_tables(&change.after);
    assert_eq!(tables.len(), 12);
    assert_eq!(
        tables.last().unwrap(),
        "arn:aws:dynamodb:us-east-1:111111111111:table/suppliers"
    );
    assert_eq!(
        p.remaining().count(),
        0,
        "{:?}",
        p.remaining().collect::<Vec<_>>()
    );
}

#[test]
fn twelve_pairs_changing_one_catalog_policy_make_one_write() {
    // No Glue statement at all: each of the twelve pairs fails ZT006 with its own fix.
    let mut snap = twelve_tables();
    let Some(crate::snapshot::Fact::Known(Some(policy))) = snap.catalog_policies.get_mut(CATALOG)
    else {
        panic!("the scenario's catalog policy")
    };
    let mut doc = policy.policy.to_value();
    doc["Statement"].as_array_mut().unwrap().truncate(1);
    policy.policy = doc.into();
    let before = crate::rules::run(&snap, specs(), &all());
    let failing: Vec<&str> = before
        .findings
        .iter()
        .filter(|f| f.rule == "ZT006")
        .filter_map(|f| f.pair.as_deref())
        .collect();
    assert_eq!(failing.len(), 12, "{failing:?}");

    let p = plan(&snap, specs(), &all(), &all());
    assert_eq!(
        p.changes.len(),
        1,
        "one catalog-policy write: {:?}",
        p.changes
    );
    assert_eq!(p.changes[0].rules, ["ZT006"]);
    assert_eq!(p.changes[0].action, "glue:PutResourcePolicy");
    // One statement for Glue listing every table, after the creator's.
    let after = &p.changes[0].after;
    assert_eq!(after["Statement"].as_array().unwrap().len(), 2, "{after}");
    assert_eq!(authorized_tables(after).len(), 12);
    assert!(
        p.after
            .checks
            .iter()
            .filter(|c| c.rule == "ZT006")
            .all(|c| c.status == Status::Pass),
        "ZT006 after the plan"
    );
    assert_eq!(p.remaining().count(), 0);
    // Planning the planned snapshot again changes nothing.
    assert!(plan(&p.planned, specs(), &all(), &all()).is_empty());
}
