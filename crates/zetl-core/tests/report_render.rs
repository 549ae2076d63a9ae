//! Renderer tests on a hand-built report: snapshots of every format, plus the exact behaviour
//! behind them (no ANSI without colour, quiet/verbose, SARIF locations and fingerprints).

#[path = "support/report_sample.rs"]
mod report_sample;

use report_sample::{catalog, report, report_for, CATALOG, PAIR, PAIR_2, TABLE};
use serde_json::Value;
use zetl_core::report::{render, Format, RenderOptions, Report};

fn human(report: &Report, options: RenderOptions) -> String {
    render(report, &catalog(), Format::Human, &options)
}

fn plain() -> RenderOptions {
    RenderOptions::default()
}

#[test]
fn human_default() {
    insta::assert_snapshot!("human_default", human(&report(), plain()));
}

#[test]
fn human_verbose_shows_pass_evidence() {
    let out = human(
        &report(),
        RenderOptions {
            verbose: true,
            ..plain()
        },
    );
    assert!(
        out.contains("  [✓] ZS001 The source table exists and is ACTIVE\n      • table: orders\n      • status: ACTIVE\n")
    );
    insta::assert_snapshot!("human_verbose", out);
}

#[test]
fn human_default_hides_pass_evidence() {
    let out = human(&report(), plain());
    assert!(out.contains("  [✓] ZS001 The source table exists and is ACTIVE\n  [✗] ZS002"));
    assert!(!out.contains("• table: orders"));
}

#[test]
fn human_quiet_shows_only_non_pass_checks_and_the_summary() {
    let out = human(
        &report(),
        RenderOptions {
            quiet: true,
            ..plain()
        },
    );
    assert!(!out.contains("[✓]"));
    assert!(!out.contains("zetl doctor:"));
    assert!(!out.contains("Note:"));
    // Failures only: what was skipped or suppressed is left out too.
    assert!(!out.contains("[-]"));
    assert!(out.contains("[!] ZP002 target-role-cannot-write: could not be checked"));
    assert!(out.ends_with(
        "2 errors, 1 warning, 2 info, 1 unknown, 1 skipped, 1 suppressed, 1 passed (9 checks)\n"
    ));
    insta::assert_snapshot!("human_quiet", out);
}

#[test]
fn human_lines_per_status() {
    let out = human(&report(), plain());
    for line in [
        "Source account (111111111111)\n",
        "Target account (222222222222)\n",
        "Principals\n",
        "Integration\n",
        "Collection\n",
        "  [✗] ZS002 Point-in-time recovery is disabled on table orders\n",
        "  [i] ZT016 The catalog policy also grants",
        "  [-] ZP001 creator-cannot-create: suppressed (accepted until the migration, ticket OPS-12)\n",
        "  [!] ZP002 target-role-cannot-write: could not be checked (iam:GetRolePolicy was denied)\n",
        "  [!] ZC001 ZP002 could not be checked",
        "      fix: Enable point-in-time recovery on orders\n        $ aws dynamodb update-continuous-backups",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    // The note once, the summary line last.
    assert_eq!(out.matches("Note: SCPs").count(), 1);
    assert!(out.ends_with(
        "2 errors, 1 warning, 2 info, 1 unknown, 1 skipped, 1 suppressed, 1 passed (9 checks)\n"
    ));
}

#[test]
fn human_without_color_has_no_ansi_escapes() {
    for options in [
        plain(),
        RenderOptions {
            verbose: true,
            ..plain()
        },
        RenderOptions {
            quiet: true,
            ..plain()
        },
    ] {
        let out = human(&report(), options);
        assert!(!out.contains('\u{1b}'), "escape in {options:?}:\n{out}");
    }
    // The escape sequence hidden in the evidence is shown as text, not obeyed (-v shows it).
    let verbose = RenderOptions {
        verbose: true,
        ..plain()
    };
    assert!(human(&report(), verbose).contains("bad\\u{1b}[31mSid"));
}

#[test]
fn human_with_color_paints_marks_and_headings() {
    let out = human(
        &report(),
        RenderOptions {
            color: true,
            ..plain()
        },
    );
    assert!(out.contains("\u{1b}[31m[✗]\u{1b}[0m ZS002"));
    assert!(out.contains("\u{1b}[32m[✓]\u{1b}[0m ZS001"));
    assert!(out.contains("\u{1b}[33m[!]\u{1b}[0m ZP002"));
    assert!(out.contains("\u{1b}[1mSource account (111111111111)\u{1b}[0m"));
    // Facts are still never allowed to inject their own escapes.
    assert!(!out.contains("bad\u{1b}[31mSid"));
}

#[test]
fn human_several_pairs_one_block_each() {
    let two = report_for(&[PAIR, PAIR_2], None);
    let out = human(&two, plain());
    let first = out.find(&format!("{PAIR}\n")).expect("first pair block");
    let second = out.find(&format!("{PAIR_2}\n")).expect("second pair block");
    assert!(first < second);
    assert_eq!(out.matches("Source account (111111111111)").count(), 2);
    assert_eq!(out.matches("Note: SCPs").count(), 1);
    insta::assert_snapshot!("human_two_pairs", out);
}

#[test]
fn json_is_the_contract() {
    let r = report();
    let out = render(&r, &catalog(), Format::Json, &plain());
    assert!(out.ends_with("}\n"));
    let back: Report = serde_json::from_str(&out).expect("the JSON reads back as a Report");
    assert_eq!(back, r);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "schema",
            "tool",
            "accounts",
            "collected_at",
            "summary",
            "checks",
            "findings",
            "notes",
            "source_file"
        ]
    );
    assert_eq!(v["findings"][0]["fix"]["policy"], Value::Null);
    assert_eq!(v["checks"][0]["evidence"]["status"], "ACTIVE");
    assert!(v["checks"][1].get("evidence").is_none());
    insta::assert_snapshot!("json", out);
}

#[test]
fn markdown_comment() {
    let out = render(&report(), &catalog(), Format::Markdown, &plain());
    assert!(out.starts_with("## zetl doctor\n\n**2 errors, 1 warning, 2 info, 1 unknown, 1 skipped, 1 suppressed, 1 passed (9 checks)**\n"));
    assert!(
        out.contains("| ❌ error | `ZS002` pitr\\-disabled |")
            || out.contains("| ❌ error | `ZS002` pitr-disabled |")
    );
    assert!(out.contains("```sh\naws dynamodb update-continuous-backups"));
    // The complete policy folded in its own <details>.
    assert!(out.contains("<details>\n<summary>Complete policy</summary>\n\n```json\n{\n  \"Version\": \"2012-10-17\","));
    // The pipe inside the message does not split the table row.
    assert!(out.contains("has no resource policy \\| nothing allows"));
    // Five findings (one with its policy folded), then the passing checks collapsed, each
    // with its `passed` text.
    assert_eq!(out.matches("<details>").count(), 7);
    assert!(out.contains("<details>\n<summary>1 passed</summary>\n\n- `ZS001` The source table exists and is ACTIVE\n\n</details>\n\n> [!NOTE]"));
    assert!(out.contains("> [!NOTE]\n> SCPs, RCPs"));
    assert!(out.ends_with("</details>\n\n> [!NOTE]\n> SCPs, RCPs and session policies are not visible to the doctor: an allow here can still be denied by them.\n"));
    insta::assert_snapshot!("markdown", out);
}

#[test]
fn markdown_without_findings_says_so() {
    let mut r = report();
    r.findings.clear();
    r.notes.clear();
    let out = render(&r, &catalog(), Format::Markdown, &plain());
    assert!(out.contains("No findings.\n\n<details>\n<summary>1 passed</summary>"));
    r.checks
        .retain(|c| c.status != zetl_core::report::Status::Pass);
    let out = render(&r, &catalog(), Format::Markdown, &plain());
    assert!(out.ends_with("No findings.\n"));
}

#[test]
fn markdown_passing_checks_per_pair_fall_back_to_the_slug() {
    let two = report_for(&[PAIR, PAIR_2], None);
    let mut rules = catalog();
    rules[0].passed.clear();
    let out = render(&two, &rules, Format::Markdown, &plain());
    for pair in [PAIR, PAIR_2] {
        assert!(
            out.contains(&format!(
                "<summary>1 passed on <code>{}</code></summary>\n\n- `ZS001` table-missing\n",
                pair.replace('>', "&gt;")
            )),
            "{out}"
        );
    }
}

#[test]
fn human_pass_line_falls_back_to_the_slug_without_a_passed_text() {
    let mut rules = catalog();
    rules[0].passed.clear();
    let out = render(&report(), &rules, Format::Human, &plain());
    assert!(out.contains("  [✓] ZS001 table-missing\n"), "{out}");
}

fn sarif(report: &Report) -> Value {
    let out = render(report, &catalog(), Format::Sarif, &plain());
    assert!(out.ends_with("}\n"));
    serde_json::from_str(&out).expect("SARIF is JSON")
}

#[test]
fn sarif_log() {
    let out = render(&report(), &catalog(), Format::Sarif, &plain());
    insta::assert_snapshot!("sarif", out);
}

#[test]
fn sarif_rules_and_results() {
    let v = sarif(&report());
    let run = &v["runs"][0];
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), catalog().len());
    assert_eq!(rules[1]["id"], "ZS002");
    assert_eq!(rules[1]["name"], "pitr-disabled");
    assert_eq!(
        rules[1]["shortDescription"]["text"],
        "Point-in-time recovery is disabled on the source table"
    );
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "note");
    assert_eq!(rules[8]["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        rules[1]["helpUri"],
        "https://docs.aws.amazon.com/glue/latest/dg/pitr-disabled.html"
    );
    assert!(rules[8].get("helpUri").is_none());

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    let first = &results[0];
    assert_eq!(first["ruleId"], "ZS002");
    assert_eq!(first["ruleIndex"], 1);
    assert_eq!(first["level"], "error");
    assert_eq!(
        first["message"]["text"],
        "Point-in-time recovery is disabled on table orders\n\nFix: Enable point-in-time recovery on orders\n  aws dynamodb update-continuous-backups --table-name orders --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true --region us-east-1 --profile src"
    );
    let location = &first["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/demo/cross-account.json"
    );
    assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], TABLE);
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(levels, ["error", "error", "note", "note", "warning"]);
    assert_eq!(results[1]["ruleIndex"], 3);
}

#[test]
fn sarif_uses_the_resource_arn_when_no_file_was_used() {
    let v = sarif(&report_for(&[PAIR], None));
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        TABLE
    );
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        CATALOG
    );
}

#[test]
fn sarif_fingerprints_are_stable_and_distinct_per_pair() {
    let one = sarif(&report());
    let again = sarif(&report());
    let two = sarif(&report_for(&[PAIR, PAIR_2], None));
    let fp = |v: &Value, i: usize| {
        v["runs"][0]["results"][i]["partialFingerprints"]["zetlFinding/v1"].clone()
    };
    assert_eq!(fp(&one, 0), fp(&again, 0));
    // Same finding, same pair: the fingerprint does not depend on where the facts came from.
    assert_eq!(fp(&one, 0), fp(&two, 0));
    // The same rule and resource in the second pair is a different alert.
    assert_ne!(fp(&two, 0), fp(&two, 5));
    assert_eq!(fp(&one, 0).as_str().map(str::len), Some(64));
}

#[test]
fn human_places_findings_without_pair_or_check() {
    let mut r = report();
    // No pair: it belongs to the check of its rule.
    r.findings[0].pair = None;
    // A rule outside the catalog with no check: still shown, under its own side.
    let mut stray = r.findings[1].clone();
    stray.rule = "ZX999".into();
    stray.message = "A finding of an unknown rule".into();
    stray.fix = None;
    stray.evidence = Value::Null;
    r.findings.push(stray);
    let out = human(&r, plain());
    assert!(out.contains(
        "  [-] ZS004 table-policy-denies-glue: skipped (ZS002 failed)\n\nTarget account"
    ));
    assert!(out.contains("  [✗] ZS002 Point-in-time recovery is disabled on table orders\n"));
    assert!(out.contains("  [i] ZT016 The catalog policy also grants glue:CreateTable to glue.amazonaws.com, which AWS does not require\n  [✗] ZX999 A finding of an unknown rule\n\nPrincipals\n"));
    assert_eq!(out.matches(PAIR).count(), 1);
}
