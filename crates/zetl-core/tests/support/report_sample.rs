//! A hand-built report and catalog for the renderer tests: one of every status and severity,
//! evidence, fixes with commands and a policy, notes, and text a terminal must not interpret.

#![allow(dead_code)] // each test file uses part of it

use serde_json::json;
use zetl_core::report::{
    Check, Finding, Fix, Report, ReportAccounts, RuleSummary, Severity, Side, Status, Summary,
    Tool, REPORT_SCHEMA,
};

pub const PAIR: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/orders -> arn:aws:glue:us-east-1:222222222222:database/lake";
pub const PAIR_2: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/users -> arn:aws:glue:us-east-1:222222222222:database/lake";
pub const TABLE: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
pub const CATALOG: &str = "arn:aws:glue:us-east-1:222222222222:catalog";

fn rule(id: &str, slug: &str, severity: Severity, side: Side, title: &str) -> RuleSummary {
    RuleSummary {
        id: id.into(),
        slug: slug.into(),
        severity,
        side,
        title: title.into(),
        passed: String::new(),
        summary: format!("{title}."),
        docs: vec![format!(
            "https://docs.aws.amazon.com/glue/latest/dg/{slug}.html"
        )],
    }
}

pub fn catalog() -> Vec<RuleSummary> {
    let mut rules = vec![
        rule(
            "ZS001",
            "table-missing",
            Severity::Error,
            Side::Source,
            "The source table does not exist",
        ),
        rule(
            "ZS002",
            "pitr-disabled",
            Severity::Error,
            Side::Source,
            "Point-in-time recovery is disabled on the source table",
        ),
        rule(
            "ZS004",
            "table-policy-denies-glue",
            Severity::Error,
            Side::Source,
            "The table policy does not let Glue export the table",
        ),
        rule(
            "ZT004",
            "catalog-policy-missing",
            Severity::Error,
            Side::Target,
            "The Data Catalog has no resource policy",
        ),
        rule(
            "ZT016",
            "catalog-policy-extra-grants",
            Severity::Info,
            Side::Target,
            "The catalog policy grants more than AWS requires",
        ),
        rule(
            "ZP001",
            "creator-cannot-create",
            Severity::Error,
            Side::Principal,
            "The source principal cannot create the integration",
        ),
        rule(
            "ZP002",
            "target-role-cannot-write",
            Severity::Error,
            Side::Principal,
            "The target role cannot write the tables",
        ),
        rule(
            "ZI007",
            "no-integration-yet",
            Severity::Info,
            Side::Integration,
            "No integration exists yet",
        ),
        rule(
            "ZC001",
            "could-not-read",
            Severity::Warning,
            Side::Collection,
            "A fact could not be read",
        ),
    ];
    // A rule whose catalog entry has no docs: SARIF leaves helpUri out.
    rules[8].docs.clear();
    // The passing rule's pass line (the others keep the empty text: the slug is shown).
    rules[0].passed = "The source table exists and is ACTIVE".into();
    rules
}

fn check(rule: &str, status: Status, pair: &str, reason: Option<&str>) -> Check {
    Check {
        rule: rule.into(),
        status,
        pair: pair.into(),
        reason: reason.map(str::to_string),
        evidence: None,
    }
}

pub fn checks(pair: &str) -> Vec<Check> {
    vec![
        Check {
            evidence: Some(json!({"table": "orders", "status": "ACTIVE"})),
            ..check("ZS001", Status::Pass, pair, None)
        },
        check("ZS002", Status::Fail, pair, None),
        check("ZS004", Status::Skipped, pair, Some("ZS002 failed")),
        check("ZT004", Status::Fail, pair, None),
        check("ZT016", Status::Fail, pair, None),
        check(
            "ZP001",
            Status::Suppressed,
            pair,
            Some("accepted until the migration, ticket OPS-12"),
        ),
        check(
            "ZP002",
            Status::Unknown,
            pair,
            Some("iam:GetRolePolicy was denied"),
        ),
        check("ZI007", Status::Fail, pair, None),
        check("ZC001", Status::Fail, pair, None),
    ]
}

pub fn findings(pair: &str) -> Vec<Finding> {
    vec![
        Finding {
            rule: "ZS002".into(),
            severity: Severity::Error,
            side: Side::Source,
            resource: TABLE.into(),
            message: "Point-in-time recovery is disabled on table orders".into(),
            evidence: json!({"PointInTimeRecoveryStatus": "DISABLED"}),
            fix: Some(Fix {
                summary: "Enable point-in-time recovery on orders".into(),
                commands: vec!["aws dynamodb update-continuous-backups --table-name orders --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true --region us-east-1 --profile src".into()],
                policy: None,
                apply: None,
                replaces: None,
            }),
            pair: Some(pair.into()),
        },
        Finding {
            rule: "ZT004".into(),
            severity: Severity::Error,
            side: Side::Target,
            resource: CATALOG.into(),
            message: "The Data Catalog in 222222222222 has no resource policy | nothing allows glue:AuthorizeInboundIntegration".into(),
            // A Sid holding an escape sequence: the human output must show it, not obey it.
            evidence: json!({"policy": null, "denied_actions": ["glue:AuthorizeInboundIntegration"], "seen_sids": ["bad\u{1b}[31mSid"]}),
            fix: Some(Fix {
                summary: "Put a catalog resource policy that lets the source account integrate".into(),
                commands: vec!["aws glue put-resource-policy --policy-in-json file://catalog-policy.json --enable-hybrid TRUE --region us-east-1 --profile tgt".into()],
                policy: Some(json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "ZetlAuthorizeInbound",
                        "Effect": "Allow",
                        "Principal": {"Service": "glue.amazonaws.com"},
                        "Action": "glue:AuthorizeInboundIntegration",
                        "Resource": ["arn:aws:glue:us-east-1:222222222222:catalog", "arn:aws:glue:us-east-1:222222222222:database/lake"],
                        "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:dynamodb:us-east-1:111111111111:table/orders"}}
                    }]
                })),
                apply: None,
                replaces: None,
            }),
            pair: Some(pair.into()),
        },
        Finding {
            rule: "ZT016".into(),
            severity: Severity::Info,
            side: Side::Target,
            resource: CATALOG.into(),
            message: "The catalog policy also grants glue:CreateTable to glue.amazonaws.com, which AWS does not require".into(),
            evidence: json!({"statements": [{"policy": "catalog policy", "index": 1, "sid": "GuideExtra"}]}),
            fix: None,
            pair: Some(pair.into()),
        },
        Finding {
            rule: "ZI007".into(),
            severity: Severity::Info,
            side: Side::Integration,
            resource: TABLE.into(),
            message: "No integration exists yet from orders to lake: preflight mode".into(),
            evidence: json!({}),
            fix: Some(Fix {
                summary: "Create the integration".into(),
                commands: vec!["aws glue create-integration --integration-name orders-lake --source-arn arn:aws:dynamodb:us-east-1:111111111111:table/orders --target-arn arn:aws:glue:us-east-1:222222222222:database/lake".into()],
                policy: None,
                apply: None,
                replaces: None,
            }),
            pair: Some(pair.into()),
        },
        Finding {
            rule: "ZC001".into(),
            severity: Severity::Warning,
            side: Side::Collection,
            resource: "arn:aws:iam::222222222222:role/zetl-target".into(),
            message: "ZP002 could not be checked: iam:GetRolePolicy was denied on role zetl-target".into(),
            evidence: json!({"rule": "ZP002", "missing_action": "iam:GetRolePolicy"}),
            fix: Some(Fix {
                summary: "Let the doctor's read-only role call iam:GetRolePolicy, then run again".into(),
                commands: vec![],
                policy: None,
                apply: None,
                replaces: None,
            }),
            pair: Some(pair.into()),
        },
    ]
}

pub fn report_for(pairs: &[&str], source_file: Option<&str>) -> Report {
    let checks: Vec<Check> = pairs.iter().flat_map(|p| checks(p)).collect();
    let findings: Vec<Finding> = pairs.iter().flat_map(|p| findings(p)).collect();
    Report {
        schema: REPORT_SCHEMA.into(),
        tool: Tool {
            name: "zetl".into(),
            version: "0.1.0".into(),
        },
        accounts: ReportAccounts {
            source: "111111111111".into(),
            target: "222222222222".into(),
        },
        collected_at: "2026-11-28T10:00:00Z".parse().expect("fixed timestamp"),
        summary: Summary::of(&checks, &findings),
        checks,
        findings,
        notes: vec!["SCPs, RCPs and session policies are not visible to the doctor: an allow here can still be denied by them.".into()],
        source_file: source_file.map(str::to_string),
    }
}

/// One pair, facts from a snapshot file.
pub fn report() -> Report {
    report_for(&[PAIR], Some("fixtures/demo/cross-account.json"))
}
