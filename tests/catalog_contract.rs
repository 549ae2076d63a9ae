//! The rule catalog is a contract (rules.md): exactly these IDs with these severities, stable
//! slugs, and the CLI surfaces that show them. A rename shows up in review as a snapshot diff.

use assert_cmd::Command;
use zetl::report::Severity;
use zetl::rules::catalog::{placeholders, Catalog};

/// Every rule of rules.md with its severity.
const RULES_MD: &[(&str, Severity)] = &[
    ("ZS001", Severity::Error),
    ("ZS002", Severity::Error),
    ("ZS003", Severity::Error),
    ("ZS004", Severity::Error),
    ("ZS005", Severity::Error),
    ("ZS006", Severity::Warning),
    ("ZS007", Severity::Error),
    ("ZS008", Severity::Error),
    ("ZS009", Severity::Error),
    ("ZS010", Severity::Warning),
    ("ZS011", Severity::Warning),
    ("ZS012", Severity::Error),
    ("ZS013", Severity::Error),
    ("ZS014", Severity::Warning),
    ("ZT001", Severity::Error),
    ("ZT002", Severity::Error),
    ("ZT003", Severity::Error),
    ("ZT004", Severity::Error),
    ("ZT005", Severity::Error),
    ("ZT006", Severity::Error),
    ("ZT007", Severity::Warning),
    ("ZT008", Severity::Error),
    ("ZT009", Severity::Error),
    ("ZT010", Severity::Error),
    ("ZT011", Severity::Error),
    ("ZT012", Severity::Warning),
    ("ZT013", Severity::Error),
    ("ZT014", Severity::Error),
    ("ZT015", Severity::Warning),
    ("ZT016", Severity::Info),
    ("ZT017", Severity::Warning),
    ("ZT018", Severity::Error),
    ("ZT019", Severity::Error),
    ("ZP001", Severity::Error),
    ("ZP002", Severity::Error),
    ("ZP003", Severity::Warning),
    ("ZP004", Severity::Info),
    ("ZP005", Severity::Warning),
    ("ZP006", Severity::Warning),
    ("ZI001", Severity::Error),
    ("ZI002", Severity::Error),
    ("ZI003", Severity::Warning),
    ("ZI004", Severity::Error),
    ("ZI005", Severity::Warning),
    ("ZI006", Severity::Info),
    ("ZI007", Severity::Info),
    ("ZI008", Severity::Warning),
    ("ZI009", Severity::Error),
    ("ZI010", Severity::Warning),
    ("ZC001", Severity::Warning),
    ("ZC002", Severity::Warning),
    ("ZC003", Severity::Info),
];

/// rules.md "Dependent checks": prerequisite -> the rules it makes `skipped`.
const DEPENDENT_CHECKS: &[(&str, &[&str])] = &[
    ("ZS002", &["ZS014"]),
    ("ZS003", &["ZS004", "ZS005", "ZS006", "ZS007"]),
    ("ZT001", &["ZT002", "ZT003", "ZT013", "ZT014"]),
    ("ZT002", &["ZT003", "ZT010", "ZT017"]),
    ("ZT004", &["ZT005", "ZT006", "ZT007"]),
    (
        "ZT008",
        &["ZT009", "ZT010", "ZT011", "ZT012", "ZT015", "ZT018"],
    ),
];

fn catalog() -> Catalog {
    zetl::rules::catalog()
        .unwrap_or_else(|e| panic!("the embedded catalog does not load: {e}"))
        .clone()
}

/// Runs `zetl ARGS`, expects `code`, and returns (stdout, stderr).
fn zetl(args: &[&str], code: i32) -> (String, String) {
    let out = Command::cargo_bin("zetl")
        .unwrap()
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The stdout of `zetl ARGS`, which must succeed.
fn zetl_ok(args: &[&str]) -> String {
    zetl(args, 0).0
}

#[test]
fn the_ids_are_exactly_those_of_rules_md() {
    let c = catalog();
    let ids: Vec<&str> = c.rules().iter().map(|r| r.id.as_str()).collect();
    // Catalog order is rules.md's order: ZS, ZT, ZP, ZI, ZC, numbers ascending.
    let expected: Vec<&str> = RULES_MD.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, expected);
    assert_eq!(ids.len(), 52);
}

#[test]
fn severities_match_rules_md() {
    let c = catalog();
    for (id, severity) in RULES_MD {
        let rule = c.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(rule.severity, *severity, "{id}");
    }
}

#[test]
fn dependent_checks_match_rules_md() {
    let c = catalog();
    for (prerequisite, dependents) in DEPENDENT_CHECKS {
        for d in *dependents {
            let rule = c.get(d).unwrap_or_else(|| panic!("{d} missing"));
            assert!(
                rule.depends_on.iter().any(|x| x == prerequisite),
                "{d} must depend on {prerequisite} (depends_on = {:?})",
                rule.depends_on
            );
        }
    }
}

/// cargo-deny style: the whole code list, so renaming a slug or changing a severity or side is
/// a visible diff in review.
#[test]
fn code_list_snapshot() {
    let list: String = catalog()
        .rules()
        .iter()
        .map(|r| {
            format!(
                "{} {:<42} {:<8} {}\n",
                r.id,
                r.slug,
                serde_json::to_value(r.severity).unwrap().as_str().unwrap(),
                serde_json::to_value(r.side).unwrap().as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!("code_list", list);
}

/// Every rule names a failing and a passing fixture under `rules/<ID>/`, and a fix string to
/// look for; inferences are never errors and say so in their text.
#[test]
fn every_rule_is_tested_and_inferences_say_so() {
    for r in catalog().rules() {
        let dir = format!("rules/{}/", r.id);
        assert!(
            r.fixtures
                .fail
                .iter()
                .all(|f| f.starts_with(&dir) && f.ends_with(".json")),
            "{}: {:?}",
            r.id,
            r.fixtures.fail
        );
        assert!(
            r.fixtures
                .pass
                .iter()
                .all(|f| f.starts_with(&dir) && f.ends_with(".json")),
            "{}: {:?}",
            r.id,
            r.fixtures.pass
        );
        assert!(!r.fixtures.fail_fix_contains.is_empty(), "{}", r.id);
        if r.inference {
            assert_ne!(r.severity, Severity::Error, "{}", r.id);
            let text = format!("{} {}", r.summary, r.explanation).to_lowercase();
            assert!(
                text.contains("inference") || text.contains("infer"),
                "{}",
                r.id
            );
        }
    }
}

/// Every rule says what a pass means (the human and markdown reports show it on pass lines):
/// a sentence of its own, not the problem's title or slug, with nothing left to fill.
#[test]
fn every_rule_has_a_passed_text() {
    for r in catalog().rules() {
        let passed = r.passed.trim();
        assert!(!passed.is_empty(), "{}: no passed text", r.id);
        assert_eq!(passed, r.passed, "{}: passed has surrounding blanks", r.id);
        assert!(
            placeholders(passed).unwrap().is_empty(),
            "{}: passed {passed:?} has placeholders",
            r.id
        );
        assert_ne!(passed, r.title, "{}", r.id);
        assert!(!passed.contains(&r.slug), "{}: {passed:?}", r.id);
        assert!(
            passed.starts_with(|c: char| c.is_uppercase()) && !passed.ends_with('.'),
            "{}: {passed:?} should read like the titles (capital, no full stop)",
            r.id
        );
    }
}

/// On the healthy snapshot every pass line of the human report is `ID <passed>`.
#[test]
fn human_pass_lines_show_the_passed_texts() {
    // -v: every check on its own line (by default a green area is one line).
    let text = zetl_ok(&[
        "doctor",
        "--no-color",
        "-v",
        "--from",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/healthy/cross-account.json"
        ),
    ]);
    let c = catalog();
    let pass_lines: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  [✓] "))
        .collect();
    assert!(pass_lines.len() > 30, "{text}");
    for line in pass_lines {
        let (id, rest) = line.split_once(' ').unwrap();
        let rule = c.get(id).unwrap_or_else(|| panic!("{line}"));
        assert_eq!(rest, rule.passed, "{line}");
    }
}

#[test]
fn zetl_rules_json_lists_the_catalog() {
    let v: serde_json::Value =
        serde_json::from_str(&zetl_ok(&["rules", "--format", "json"])).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 52);
    assert_eq!(
        list[1],
        serde_json::json!({
            "id": "ZS002",
            "slug": "pitr-disabled",
            "severity": "error",
            "side": "source",
            "title": "Point-in-time recovery is disabled on the source table",
            "summary": "Zero-ETL exports the table with ExportTableToPointInTime, which needs point-in-time recovery (PITR) enabled."
        })
    );
    for entry in list {
        let keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["id", "slug", "severity", "side", "title", "summary"]);
    }
}

#[test]
fn zetl_rules_prints_a_table() {
    let text = zetl_ok(&["rules"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID     SEVERITY  SIDE"), "{text}");
    assert!(lines[2].starts_with("ZS002  error     source"), "{text}");
    assert!(
        lines[2].contains("pitr-disabled")
            && lines[2].ends_with("Point-in-time recovery is disabled on the source table")
    );
    assert!(text.contains("\n52 rules."), "{text}");
}

#[test]
fn zetl_explain_by_id_and_by_slug() {
    let text = zetl_ok(&["explain", "ZS002"]);
    // By slug and in lower case: the same text.
    for other in ["pitr-disabled", "zs002"] {
        assert_eq!(zetl_ok(&["explain", other]), text, "{other}");
    }
    let zt013 = zetl_ok(&["explain", "target-not-configured"]);
    assert!(
        zt013.contains("\nFix (update): Set the target role of database {database} to {role_arn}"),
        "{zt013}"
    );
    assert!(zt013.contains("  $ aws glue update-integration-resource-property --resource-arn {database_arn} --target-processing-properties RoleArn={role_arn}{kept_properties} --region {target_region}{profile}\n"), "{zt013}");
    assert!(text.starts_with("ZS002 pitr-disabled: Point-in-time recovery is disabled on the source table\nseverity: error   side: source\n"), "{text}");
    assert!(
        text.contains("PointInTimeRecoveryUnavailableException"),
        "{text}"
    );
    assert!(text.contains("Fix: Enable point-in-time recovery on {table}\n  $ aws dynamodb update-continuous-backups --table-name {table} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true --region {region}{profile}\n"), "{text}");
    assert!(text.contains("AWS documentation:\n  https://docs.aws.amazon.com/glue/latest/dg/zero-etl-sources.html#zero-etl-config-source-dynamodb\n"), "{text}");
}

#[test]
fn zetl_explain_unknown_rule_exits_2_with_suggestions() {
    let (out, err) = zetl(&["explain", "ZS02"], 2);
    assert!(out.is_empty());
    assert_eq!(
        err,
        "zetl: unknown rule \"ZS02\"; did you mean ZS002 (pitr-disabled), ZS012 (table-too-large), ZS001 (source-table-not-active)? (`zetl rules` lists every rule)\n"
    );
    let (_, err) = zetl(&["explain", "pitr-disable"], 2);
    assert!(err.contains("did you mean ZS002 (pitr-disabled)"), "{err}");
    let (_, err) = zetl(&["explain", "nothing-like-it-at-all"], 2);
    assert_eq!(
        err,
        "zetl: unknown rule \"nothing-like-it-at-all\"; `zetl rules` lists every rule\n"
    );
}
