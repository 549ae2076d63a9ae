//! Access checks on a healthy cross-account snapshot (AWS's documented policies), the seed
//! guide's exact policies, and the broken variants people really hit.

use serde_json::{json, Value};

use crate::report::Severity;
use crate::snapshot::{merge_patch, Snapshot};

use crate::rules::outcome::Outcome;
use crate::rules::pair::PairFacts;
use crate::rules::runner::{check_one, Settings};

/// The rules whose checks evaluate policies through this engine.
const ACCESS_CHECKS: &[(&str, ())] = &[
    ("ZS003", ()),
    ("ZS004", ()),
    ("ZS005", ()),
    ("ZS006", ()),
    ("ZS007", ()),
    ("ZS011", ()),
    ("ZT004", ()),
    ("ZT005", ()),
    ("ZT006", ()),
    ("ZT007", ()),
    ("ZT009", ()),
    ("ZT010", ()),
    ("ZT011", ()),
    ("ZT012", ()),
    ("ZT015", ()),
    ("ZT016", ()),
    ("ZT017", ()),
    ("ZP001", ()),
    ("ZP002", ()),
    ("ZP003", ()),
    ("ZP004", ()),
    ("ZP005", ()),
    ("ZC002", ()),
    ("ZC003", ()),
];

fn embedded() -> Result<&'static crate::rules::Catalog, &'static crate::rules::CatalogError> {
    crate::rules::catalog()
}

fn profiled() -> Settings {
    Settings {
        source_profile: Some("src".into()),
        target_profile: Some("tgt".into()),
        ..Settings::default()
    }
}

const HEALTHY: &str = include_str!("../../../../../fixtures/healthy/cross-account.json");
/// The setup guide's policies, as the bundled fixture lays them over the healthy setup.
const SEED_GUIDE: &str = include_str!("../../../../../fixtures/healthy/seed-guide.json");

const TABLE: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
const CATALOG: &str = "arn:aws:glue:us-east-1:222222222222:catalog";
const DB: &str = "arn:aws:glue:us-east-1:222222222222:database/lake";
const ROLE: &str = "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole";
const CREATOR: &str = "arn:aws:iam::111111111111:role/IntegrationCreator";

/// The healthy setup before its integration exists (fixes then name the integration ARN
/// pattern, not the live integration), with `patches` merged in.
fn snapshot(patches: &[Value]) -> Snapshot {
    let mut v: Value = serde_json::from_str(HEALTHY).unwrap();
    v["integrations"] = json!({"source": {}, "target": {}});
    for p in patches {
        merge_patch(&mut v, p);
    }
    serde_json::from_value(v).unwrap()
}

/// Replaces the value at a path of keys (a merge patch would merge into it instead).
fn set(snap: Snapshot, path: &[&str], value: Value) -> Snapshot {
    let mut v = serde_json::to_value(snap).unwrap();
    let mut at = &mut v;
    for k in path {
        at = &mut at[*k];
    }
    *at = value;
    serde_json::from_value(v).unwrap()
}

fn seed() -> Value {
    let fixture: Value = serde_json::from_str(SEED_GUIDE).unwrap();
    fixture["$patch"].clone()
}

fn run(rule: &str, snap: &Snapshot) -> Outcome {
    let settings = profiled();
    let facts = PairFacts::new(snap, &snap.setup.pairs[0]).with_profiles(&settings);
    check_one(rule, &facts, embedded().unwrap(), &settings)
}

/// A problem's commands as the report prints them after its template's: its writes, then any
/// others.
fn commands(p: &crate::rules::Problem) -> Vec<String> {
    p.writes
        .iter()
        .map(crate::policy_edit::TypedCommand::render)
        .chain(p.extra_commands.iter().cloned())
        .collect()
}

fn problems(o: Outcome) -> Vec<crate::rules::Problem> {
    match o {
        Outcome::Fail(p) => p,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn table_policy(statements: Value) -> Value {
    json!({"tables": {TABLE: {"resource_policy": {"policy": {"Version": "2012-10-17", "Statement": statements}}}}})
}

fn catalog_policy(statements: Value) -> Value {
    json!({"catalog_policies": {CATALOG: {"policy": {"Version": "2012-10-17", "Statement": statements}}}})
}

fn glue_export(condition: Value) -> Value {
    json!({"Sid": "Glue", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
           "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"],
           "Resource": "*", "Condition": condition})
}

/// Rules whose failure would be a false error on a working setup.
fn error_rules() -> Vec<&'static str> {
    vec![
        "ZS003", "ZS004", "ZS005", "ZS007", "ZT004", "ZT005", "ZT006", "ZT009", "ZT010", "ZT011",
        "ZP001", "ZP002",
    ]
}

#[test]
fn healthy_setup_passes_every_access_rule() {
    let snap = snapshot(&[]);
    for (id, _) in ACCESS_CHECKS {
        let o = run(id, &snap);
        assert!(
            matches!(o, Outcome::Pass { .. } | Outcome::Skipped { .. }),
            "{id}: {o:?}"
        );
    }
}

#[test]
fn seed_guide_policies_produce_no_error() {
    let snap = snapshot(&[seed()]);
    for id in error_rules() {
        let o = run(id, &snap);
        assert!(matches!(o, Outcome::Pass { .. }), "{id}: {o:?}");
    }
    // Its extra Glue-service grants and the table ARN without database are info notes.
    let extra = problems(run("ZT016", &snap));
    assert_eq!(extra[0].params["statement"], "statement 0, statement 3");
    let bad = problems(run("ZC003", &snap));
    assert_eq!(bad.len(), 1);
    assert_eq!(
        bad[0].params["arn"],
        "arn:aws:glue:us-east-1:222222222222:table/orders"
    );
    assert_eq!(
        bad[0].params["corrected"],
        "arn:aws:glue:us-east-1:222222222222:table/lake/orders"
    );
    assert_eq!(
        bad[0].fix_policy.as_ref().unwrap()["Statement"][3]["Resource"],
        json!([DB, "arn:aws:glue:us-east-1:222222222222:table/lake/orders"])
    );
    for id in ["ZS006", "ZT007", "ZP003"] {
        assert!(matches!(run(id, &snap), Outcome::Pass { .. }), "{id}");
    }
}

#[test]
fn zs003_no_table_policy_gets_the_documented_one() {
    let snap = snapshot(&[json!({"tables": {TABLE: {"resource_policy": "$null"}}})]);
    let p = problems(run("ZS003", &snap));
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(
        policy["Statement"][0]["Condition"],
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:111111111111:integration:*"},
               "StringEquals": {"aws:SourceAccount": "111111111111"}})
    );
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 1);
    assert_eq!(
        commands(&p[0]),
        vec![format!("aws dynamodb put-resource-policy --resource-arn {TABLE} --policy file://table-policy.json --expected-revision-id NO_POLICY --region us-east-1 --profile src")]
    );
    assert!(matches!(run("ZS004", &snap), Outcome::Skipped { .. }));
}

#[test]
fn zs004_missing_describe_export_is_added_keeping_the_existing_statement() {
    let existing = json!({"Sid": "Mine", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"], "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}});
    let snap = snapshot(&[table_policy(json!([existing.clone()]))]);
    let p = problems(run("ZS004", &snap));
    assert_eq!(p[0].params["actions"], "dynamodb:DescribeExport");
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(policy["Statement"][0], existing);
    assert_eq!(policy["Statement"][1]["Sid"], "AllowGlueZeroETLExport");
    assert!(policy.to_string().contains("dynamodb:DescribeExport"));
    // The fixed policy passes.
    let fixed = snapshot(&[json!({"tables": {TABLE: {"resource_policy": {"policy": policy}}}})]);
    assert!(matches!(run("ZS004", &fixed), Outcome::Pass { .. }));
}

#[test]
fn zs004_describe_export_on_the_table_arn_only_is_a_warning_in_evidence() {
    let snap = snapshot(&[table_policy(json!([
        {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
         "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"],
         "Resource": TABLE,
         "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}}]))]);
    match run("ZS004", &snap) {
        Outcome::Pass { evidence } => {
            assert!(evidence["warnings"][0]
                .as_str()
                .unwrap()
                .contains("table ARN only"))
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn zs005_target_account_in_source_conditions() {
    let snap = snapshot(&[table_policy(json!([glue_export(json!({
        "StringEquals": {"aws:SourceAccount": "222222222222"},
        "ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:222222222222:integration:*"}}))]))]);
    let p = problems(run("ZS005", &snap));
    assert_eq!(
        p[0].params["corrections"],
        "aws:SourceAccount: StringEquals \"222222222222\" -> StringEquals \"111111111111\"; aws:SourceArn: ArnLike \"arn:aws:glue:us-east-1:222222222222:integration:*\" -> ArnLike \"arn:aws:glue:us-east-1:111111111111:integration:*\""
    );
    assert!(p[0].params["problems"].contains("the target account"));
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(
        policy["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"],
        "111111111111"
    );
    // ZS004 leaves it to ZS005; the corrected policy passes both.
    assert!(matches!(run("ZS004", &snap), Outcome::Pass { .. }));
    let fixed = snapshot(&[json!({"tables": {TABLE: {"resource_policy": {"policy": policy}}}})]);
    assert!(matches!(run("ZS005", &fixed), Outcome::Pass { .. }));
    assert!(matches!(run("ZS004", &fixed), Outcome::Pass { .. }));
}

#[test]
fn zs005_string_equals_with_wildcard() {
    let snap = snapshot(&[table_policy(json!([glue_export(json!({
        "StringEquals": {"aws:SourceArn": "arn:aws:glue:us-east-1:111111111111:integration:*"}}))]))]);
    let p = problems(run("ZS005", &snap));
    assert!(p[0].params["problems"].contains("never globs"));
    assert_eq!(
        p[0].fix_policy.as_ref().unwrap()["Statement"][0]["Condition"],
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:111111111111:integration:*"}})
    );
}

#[test]
fn zs006_unscoped_glue_statement() {
    let snap = snapshot(&[table_policy(json!([
        {"Sid": "Open", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
         "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"], "Resource": "*"}]))]);
    let p = problems(run("ZS006", &snap));
    assert_eq!(p[0].params["statement"], "statement 0 (\"Open\")");
    assert_eq!(
        p[0].fix_policy.as_ref().unwrap()["Statement"][0]["Condition"],
        json!({"StringEquals": {"aws:SourceAccount": "111111111111"},
               "ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:111111111111:integration:*"}})
    );
    // Works today: not an error rule's business.
    assert!(matches!(run("ZS004", &snap), Outcome::Pass { .. }));
}

fn healthy_table_statement() -> Value {
    let v: Value = serde_json::from_str(HEALTHY).unwrap();
    v["tables"][TABLE]["resource_policy"]["policy"]["Statement"][0].clone()
}

#[test]
fn zs007_explicit_deny_is_narrowed() {
    let deny = json!({"Sid": "NoExports", "Effect": "Deny", "Principal": "*",
                      "Action": "dynamodb:ExportTableToPointInTime", "Resource": "*"});
    let snap = snapshot(&[table_policy(json!([healthy_table_statement(), deny]))]);
    let p = problems(run("ZS007", &snap));
    assert_eq!(p[0].params["statement"], "statement 1 (\"NoExports\")");
    assert_eq!(p[0].evidence["fix_verified"], json!(true));
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(
        policy["Statement"][1]["Condition"],
        json!({"StringNotEqualsIfExists": {"aws:PrincipalServiceName": "glue.amazonaws.com"}})
    );
    assert_eq!(policy["Statement"][0], healthy_table_statement());
    // ZS004 leaves the Deny to ZS007.
    assert!(matches!(run("ZS004", &snap), Outcome::Pass { .. }));
}

#[test]
fn zs007_data_perimeter_deny_guarded_for_services_does_not_fire() {
    let deny = json!({"Sid": "Perimeter", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"},
                      "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}});
    let snap = snapshot(&[table_policy(json!([healthy_table_statement(), deny]))]);
    assert!(matches!(run("ZS007", &snap), Outcome::Pass { .. }));
    assert!(matches!(run("ZS004", &snap), Outcome::Pass { .. }));
}

#[test]
fn zt004_no_catalog_policy_gets_both_statements() {
    let snap = snapshot(&[json!({"catalog_policies": {CATALOG: "$null"}})]);
    let p = problems(run("ZT004", &snap));
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(policy["Statement"][0]["Principal"], json!({"AWS": CREATOR}));
    assert_eq!(policy["Statement"][0]["Resource"], json!([CATALOG, DB]));
    assert_eq!(
        policy["Statement"][1]["Principal"],
        json!({"Service": "glue.amazonaws.com"})
    );
    assert!(commands(&p[0])[0].starts_with("aws glue put-resource-policy --policy-in-json file://catalog-policy.json --policy-exists-condition NOT_EXIST"));
}

fn root_grant() -> Value {
    json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
           "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB]})
}

fn authorize() -> Value {
    json!({"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
           "Action": "glue:AuthorizeInboundIntegration", "Resource": [CATALOG, DB]})
}

#[test]
fn zt005_root_grant_is_delegation_and_zp002_needs_the_identity_allow() {
    let snap = snapshot(&[catalog_policy(json!([root_grant(), authorize()]))]);
    assert!(matches!(run("ZT005", &snap), Outcome::Pass { .. }));
    assert!(matches!(run("ZP002", &snap), Outcome::Pass { .. }));
    // Without the creator's identity allow: ZP002 fails, ZT005 still passes.
    let no_identity = snapshot(&[
        catalog_policy(json!([root_grant(), authorize()])),
        json!({"principals": {CREATOR: {"inline_policies": [{"name": "create", "document": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "glue:CreateIntegration", "Resource": "*"}]}}]}}}),
    ]);
    assert!(matches!(run("ZT005", &no_identity), Outcome::Pass { .. }));
    let p = problems(run("ZP002", &no_identity));
    assert_eq!(p[0].params["actions"], "glue:CreateInboundIntegration");
    let policy = p[0].fix_policy.clone().unwrap();
    // Merged into a new inline policy, the existing one untouched.
    assert_eq!(
        policy["Statement"][0]["Action"],
        "glue:CreateInboundIntegration"
    );
    assert_eq!(
        commands(&p[0]),
        vec!["aws iam put-role-policy --role-name IntegrationCreator --policy-name zetl-zero-etl-create-integration --policy-document file://identity-policy.json --profile src"]
    );
}

#[test]
fn zt005_without_source_principal() {
    let mut snap = snapshot(&[catalog_policy(json!([root_grant(), authorize()]))]);
    snap.setup.source_principal = None;
    match run("ZT005", &snap) {
        Outcome::Pass { evidence } => assert_eq!(evidence["delegated_to_account"], json!(true)),
        o => panic!("{o:?}"),
    }
    // Specific principals named: unknown, asking for --source-principal.
    let mut snap = snapshot(&[]);
    snap.setup.source_principal = None;
    match run("ZT005", &snap) {
        Outcome::Unknown { reason, .. } => assert!(reason.contains("--source-principal")),
        o => panic!("{o:?}"),
    }
}

#[test]
fn zt005_and_zp003_creator_not_named() {
    let other = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/someone-else"},
                       "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB]});
    let snap = snapshot(&[catalog_policy(json!([other, authorize()]))]);
    let p = problems(run("ZT005", &snap));
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(policy["Statement"][2]["Principal"], json!({"AWS": CREATOR}));
    let w = problems(run("ZP003", &snap));
    assert_eq!(
        w[0].params["named"],
        "arn:aws:iam::111111111111:role/someone-else"
    );
}

#[test]
fn zt006_missing_authorize() {
    let snap = snapshot(&[catalog_policy(json!([root_grant()]))]);
    let p = problems(run("ZT006", &snap));
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(policy["Statement"][0], root_grant());
    assert_eq!(
        policy["Statement"][1]["Action"],
        "glue:AuthorizeInboundIntegration"
    );
    assert_eq!(
        policy["Statement"][1]["Condition"],
        json!({"StringEquals": {"aws:SourceArn": TABLE}})
    );
}

#[test]
fn zt007_foreign_account_glue_star() {
    let wide = json!({"Sid": "Wide", "Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "glue:*", "Resource": "*"});
    let snap = snapshot(&[catalog_policy(json!([wide, authorize()]))]);
    let p = problems(run("ZT007", &snap));
    assert_eq!(p[0].params["grantee"], "111111111111");
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(
        policy["Statement"][0]["Action"],
        "glue:CreateInboundIntegration"
    );
    assert_eq!(policy["Statement"][0]["Sid"], "Wide");
}

#[test]
fn zt009_trust_with_undocumented_key_is_unknown() {
    let snap = snapshot(&[
        json!({"principals": {ROLE: {"trust_policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": "222222222222"}}}]}}}}),
    ]);
    match run("ZT009", &snap) {
        Outcome::Unknown { reason, .. } => {
            assert!(reason.contains("aws:SourceAccount"), "{reason}")
        }
        o => panic!("{o:?}"),
    }
    let wrong = snapshot(&[
        json!({"principals": {ROLE: {"trust_policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}}),
    ]);
    let p = problems(run("ZT009", &wrong));
    assert!(commands(&p[0])[0]
        .starts_with("aws iam update-assume-role-policy --role-name ZeroEtlTargetRole"));
    assert_eq!(
        p[0].fix_policy.as_ref().unwrap()["Statement"][1]["Principal"],
        json!({"Service": "glue.amazonaws.com"})
    );
}

fn role_statements(statements: Value) -> Value {
    json!({"principals": {ROLE: {"inline_policies": [{"name": "zero-etl-target", "document": {
        "Version": "2012-10-17", "Statement": statements}}]}}})
}

#[test]
fn zt010_role_without_s3_write() {
    let snap = snapshot(&[role_statements(json!([
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::zetl-lake-bucket"},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::zetl-lake-bucket/lake/*"}]))]);
    let p = problems(run("ZT010", &snap));
    assert_eq!(p[0].params["actions"], "s3:PutObject, s3:DeleteObject");
    assert!(p[0].severity.is_none());
    let policy = p[0].fix_policy.clone().unwrap();
    assert_eq!(
        policy["Statement"][0]["Resource"],
        "arn:aws:s3:::zetl-lake-bucket/lake/*"
    );
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 1);
    assert!(commands(&p[0])[0].contains("--policy-name zetl-zero-etl-target"));
}

#[test]
fn zt010_grant_on_one_table_folder_is_a_warning() {
    let snap = snapshot(&[role_statements(json!([
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::zetl-lake-bucket"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::zetl-lake-bucket/lake/orders/metadata/*"}]))]);
    let p = problems(run("ZT010", &snap));
    assert_eq!(p[0].message_key, "narrow_scope");
    assert_eq!(p[0].severity, Some(Severity::Warning));
}

#[test]
fn zt010_explicit_bucket_deny_fails() {
    let snap = snapshot(&[
        json!({"buckets": {"zetl-lake-bucket": {"policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::zetl-lake-bucket/*"}]}}}}),
    ]);
    let p = problems(run("ZT010", &snap));
    assert_eq!(p[0].message_key, "explicit_deny");
    assert_eq!(
        p[0].fix_policy.as_ref().unwrap()["Statement"][0]["Condition"],
        json!({"ArnNotEquals": {"aws:PrincipalArn": ROLE}})
    );
    assert_eq!(
        commands(&p[0]),
        vec!["aws s3api put-bucket-policy --bucket zetl-lake-bucket --policy file://bucket-policy.json --region us-east-1 --profile tgt"]
    );
    let fixed = snapshot(&[
        json!({"buckets": {"zetl-lake-bucket": {"policy": p[0].fix_policy.clone().unwrap()}}}),
    ]);
    assert!(matches!(run("ZT010", &fixed), Outcome::Pass { .. }));
}

#[test]
fn zt012_scoped_to_aws_glue_log_groups_passes() {
    let snap = snapshot(&[role_statements(json!([
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:*:*:log-group:/aws-glue/*"},
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"}]))]);
    assert!(matches!(run("ZT012", &snap), Outcome::Pass { .. }));
}

#[test]
fn zp001_creator_without_create_integration() {
    let snap = snapshot(&[
        json!({"principals": {CREATOR: {"inline_policies": [{"name": "x", "document": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "glue:CreateInboundIntegration", "Resource": "*"}]}}]}}}),
    ]);
    let p = problems(run("ZP001", &snap));
    assert_eq!(p[0].params["actions"], "glue:CreateIntegration");
    assert_eq!(
        p[0].fix_policy.as_ref().unwrap()["Statement"][0]["Resource"],
        "arn:aws:glue:us-east-1:111111111111:integration:*"
    );
    let scoped = snapshot(&[
        json!({"principals": {CREATOR: {"inline_policies": [{"name": "x", "document": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "glue:CreateIntegration",
        "Resource": ["arn:aws:glue:us-east-1:111111111111:catalog", "arn:aws:glue:us-east-1:111111111111:database/*"]}]}}]}}}),
    ]);
    let w = problems(run("ZP001", &scoped));
    assert_eq!(w[0].message_key, "other_resource_types");
    assert_eq!(w[0].severity, Some(Severity::Warning));
}

#[test]
fn zc002_unique_id_principal() {
    let snap = snapshot(&[catalog_policy(json!([
        {"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLECREATOR01"}, "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB]},
        authorize()]))]);
    let p = problems(run("ZC002", &snap));
    assert_eq!(p[0].params["current_arn"], CREATOR);
    assert_eq!(
        p[0].fix_policy.as_ref().unwrap()["Statement"][0]["Principal"],
        json!({"AWS": CREATOR})
    );
}

/// Every access rule fails on each of its `fixtures/rules/<ID>/fail*.json` and passes on each
/// `pass*.json`, and reports no error on `warn*.json` (the doctor's catalog-driven test checks
/// the same through the runner).
#[test]
fn fixtures_fail_and_pass() {
    let root =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("fixtures/rules");
    for (id, _) in ACCESS_CHECKS {
        let dir = root.join(id);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{id}: no fixtures ({e})"))
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        assert!(
            names.iter().any(|n| n.starts_with("fail")),
            "{id}: no fail fixture"
        );
        assert!(
            names.iter().any(|n| n.starts_with("pass")),
            "{id}: no pass fixture"
        );
        for name in names {
            let snap = crate::snapshot::load(&dir.join(&name))
                .unwrap_or_else(|e| panic!("{id}/{name}: {e}"));
            let o = run(id, &snap);
            if name.starts_with("fail") {
                let p = problems(o);
                assert!(!p.is_empty(), "{id}/{name}");
            } else if name.starts_with("warn") {
                let p = problems(o);
                assert!(
                    p.iter()
                        .all(|p| p.severity.is_some_and(|s| s < Severity::Error)),
                    "{id}/{name}: {p:?}"
                );
            } else {
                assert!(matches!(o, Outcome::Pass { .. }), "{id}/{name}: {o:?}");
            }
        }
    }
}

#[test]
fn session_of_a_role_with_a_path_matches_the_catalog_grant_naming_that_role() {
    let pathed = "arn:aws:iam::111111111111:role/service/IntegrationCreator";
    let mut snap = snapshot(&[catalog_policy(json!([
            {"Effect": "Allow", "Principal": {"AWS": pathed}, "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB]},
            authorize()]))]);
    let mut v = serde_json::to_value(&snap).unwrap();
    let mut creator = v["principals"][CREATOR].take();
    creator["arn"] = json!(pathed);
    v["principals"].as_object_mut().unwrap().remove(CREATOR);
    v["principals"][pathed] = creator;
    snap = serde_json::from_value(v).unwrap();
    snap.setup.source_principal =
        Some("arn:aws:sts::111111111111:assumed-role/IntegrationCreator/alice".into());
    assert!(
        matches!(run("ZT005", &snap), Outcome::Pass { .. }),
        "{:?}",
        run("ZT005", &snap)
    );
    assert!(matches!(run("ZP003", &snap), Outcome::Pass { .. }));
    assert!(matches!(run("ZP002", &snap), Outcome::Pass { .. }));
    // The requests carry the role's real ARN as aws:PrincipalArn too.
    let by_condition = set(
        snap,
        &["catalog_policies", CATALOG, "policy"],
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB],
             "Condition": {"ArnEquals": {"aws:PrincipalArn": pathed}}},
            authorize()]}),
    );
    assert!(
        matches!(run("ZT005", &by_condition), Outcome::Pass { .. }),
        "{:?}",
        run("ZT005", &by_condition)
    );
}

#[test]
fn iam_user_group_policies_count() {
    let user = "arn:aws:iam::111111111111:user/alice";
    let mut v = serde_json::to_value(snapshot(&[])).unwrap();
    v["principals"][user] = json!({
        "arn": user, "kind": "user",
        "inline_policies": [], "attached_policies": [], "permissions_boundary": null,
        "groups": [{"arn": "arn:aws:iam::111111111111:group/etl", "inline_policies": [{"name": "g", "document": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "glue:CreateIntegration", "Resource": "*"}]}}]}]
    });
    v["setup"]["source_principal"] = json!(user);
    let snap: Snapshot = serde_json::from_value(v).unwrap();
    assert!(matches!(run("ZP001", &snap), Outcome::Pass { .. }));
    let p = problems(run("ZP002", &snap));
    assert!(commands(&p[0])[0].starts_with("aws iam put-user-policy --user-name alice"));
}

#[test]
fn unreadable_facts_make_checks_unknown_with_the_missing_action() {
    let snap = set(
        snapshot(&[]),
        &["tables", TABLE, "resource_policy"],
        json!({"$unknown": {"reason": "access_denied", "action": "dynamodb:GetResourcePolicy", "message": "denied"}}),
    );
    for id in ["ZS003", "ZS004", "ZS005", "ZS006", "ZS007"] {
        match run(id, &snap) {
            Outcome::Unknown { missing_action, .. } => {
                assert_eq!(
                    missing_action.as_deref(),
                    Some("dynamodb:GetResourcePolicy"),
                    "{id}"
                )
            }
            o => panic!("{id}: {o:?}"),
        }
    }
}

/// The `[fixtures]` of each access rule's TOML: fail fixtures fail with a fix containing every
/// `fail_fix_contains` string (summary, commands and policy together), pass fixtures pass.
#[test]
fn rule_files_fixtures_and_fix_contents() {
    #[derive(serde::Deserialize)]
    struct Fixtures {
        fail: Vec<String>,
        pass: Vec<String>,
        fail_fix_contains: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct FixPart {
        summary: String,
    }
    #[derive(serde::Deserialize)]
    struct RuleFile {
        fixtures: Fixtures,
        fix: FixPart,
    }
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    for (id, _) in ACCESS_CHECKS {
        let text = std::fs::read_to_string(root.join(format!("rules/{id}.toml"))).unwrap();
        let rule: RuleFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
        for f in &rule.fixtures.fail {
            let snap = crate::snapshot::load(&root.join("fixtures").join(f)).unwrap();
            for p in problems(run(id, &snap)) {
                let fix = format!(
                    "{}\n{}\n{}",
                    crate::rules::template::fill(&rule.fix.summary, &{
                        let mut params = PairFacts::new(&snap, &snap.setup.pairs[0])
                            .values
                            .params_for(crate::report::Side::Source, &profiled());
                        params.extend(p.params.clone());
                        params
                    }),
                    commands(&p).join("\n"),
                    p.fix_policy.map(|v| v.to_string()).unwrap_or_default()
                );
                for want in &rule.fixtures.fail_fix_contains {
                    assert!(
                        fix.contains(want.as_str()),
                        "{id} {f}: fix lacks {want:?}:\n{fix}"
                    );
                }
            }
        }
        for f in &rule.fixtures.pass {
            let snap = crate::snapshot::load(&root.join("fixtures").join(f)).unwrap();
            assert!(matches!(run(id, &snap), Outcome::Pass { .. }), "{id} {f}");
        }
    }
}

#[test]
fn zt005_cross_account_needs_only_the_creator_arn() {
    let snap = set(
        snapshot(&[]),
        &["principals", CREATOR],
        json!({"$unknown": {"reason": "no_credentials", "message": "no source credentials"}}),
    );
    assert!(matches!(run("ZT005", &snap), Outcome::Pass { .. }));
    assert!(matches!(run("ZP002", &snap), Outcome::Unknown { .. }));
}

/// The access rules as the runner sees them (from the embedded catalog).
fn access_rule_specs() -> Vec<crate::rules::Rule> {
    embedded()
        .unwrap()
        .rules()
        .iter()
        .filter(|r| ACCESS_CHECKS.iter().any(|(id, _)| *id == r.id))
        .cloned()
        .collect()
}

/// A catalog of the access rules alone.
fn access_catalog() -> crate::rules::Catalog {
    crate::rules::Catalog::from_rules(access_rule_specs())
}

/// Through the runner: no error on the healthy and the seed-guide setups, and every message
/// of every failing fixture has all its placeholders filled.
#[test]
fn through_the_runner() {
    let specs = access_rule_specs();
    let catalog = access_catalog();
    let settings = crate::rules::Settings::default();
    let healthy = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("fixtures/healthy");
    // (setup, the lowest severity that must not appear): the documented setups give neither
    // error nor warning; every other working setup gives no error (a missing metrics grant,
    // for one, is only a warning).
    let mut setups = vec![
        (snapshot(&[]), Severity::Warning),
        (snapshot(&[seed()]), Severity::Warning),
    ];
    for entry in std::fs::read_dir(&healthy).unwrap() {
        let path = entry.unwrap().path();
        let strict = path.ends_with("cross-account.json") || path.ends_with("seed-guide.json");
        let floor = if strict {
            Severity::Warning
        } else {
            Severity::Error
        };
        setups.push((crate::snapshot::load(&path).unwrap(), floor));
    }
    assert!(
        setups.len() >= 5,
        "the doctor's healthy fixtures are missing"
    );
    for (snap, floor) in setups {
        let report = crate::rules::run(&snap, &catalog, &settings);
        let bad: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity >= floor)
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
    }
    let root =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("fixtures/rules");
    for spec in &specs {
        let dir = root.join(&spec.id);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if !path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("fail")
            {
                continue;
            }
            let snap = crate::snapshot::load(&path).unwrap();
            let report = crate::rules::run(&snap, &catalog, &settings);
            let mine: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == spec.id)
                .collect();
            assert!(
                !mine.is_empty(),
                "{}: no finding for {}",
                spec.id,
                path.display()
            );
            for f in mine {
                let fix = f.fix.as_ref().expect("a fix");
                for text in std::iter::once(&f.message).chain(std::iter::once(&fix.summary)) {
                    let unfilled = text.find('{').map(|i| &text[i..]);
                    assert!(
                        unfilled.is_none(),
                        "{}: unfilled placeholder in {text:?}",
                        spec.id
                    );
                }
            }
        }
    }
}

#[test]
fn catalog_put_needs_enable_hybrid_with_lake_formation_cross_account_grants() {
    let wide = json!({"Sid": "Wide", "Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "glue:*", "Resource": "*"});
    let snap = snapshot(&[
        catalog_policy(json!([wide, authorize()])),
        json!({"lake_formation": {"222222222222": {"permissions": [{"principal": "333333333333",
            "resource": {"database": {"catalog_id": "222222222222", "name": "lake"}}, "permissions": ["DESCRIBE"]}]}}}),
    ]);
    let p = problems(run("ZT007", &snap));
    assert_eq!(
        commands(&p[0]),
        vec!["aws glue put-resource-policy --policy-in-json file://catalog-policy.json --policy-hash-condition aGVhbHRoeS1jYXRhbG9nLXBvbGljeQ== --enable-hybrid TRUE --region us-east-1 --profile tgt"]
    );
}

#[test]
fn zt010_list_bucket_limited_to_the_table_folder_is_a_warning() {
    let snap = snapshot(&[role_statements(json!([
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::zetl-lake-bucket",
         "Condition": {"StringLike": {"s3:prefix": ["lake/orders/*"]}}},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::zetl-lake-bucket/lake/*"}]))]);
    let p = problems(run("ZT010", &snap));
    assert_eq!(p[0].message_key, "narrow_scope");
    assert_eq!(p[0].severity, Some(Severity::Warning));
    // A prefix condition for another folder is an error.
    let other = snapshot(&[role_statements(json!([
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::zetl-lake-bucket",
         "Condition": {"StringLike": {"s3:prefix": ["other/*"]}}},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::zetl-lake-bucket/lake/*"}]))]);
    let p = problems(run("ZT010", &other));
    assert_eq!(p[0].message_key, "fail");
    assert_eq!(p[0].severity, None);
}

#[test]
fn generate_on_the_healthy_setup_changes_nothing() {
    let snap = snapshot(&[]);
    let scope = PairFacts::new(&snap, &snap.setup.pairs[0]);
    let docs: Vec<_> = crate::rules::engine::generate::generate(&scope, embedded().unwrap())
        .into_iter()
        .map(|d| d.unwrap())
        .collect();
    let names: Vec<&str> = docs.iter().map(|d| d.document.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "table policy",
            "catalog policy",
            "trust policy of arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole",
        ]
    );
    // The role's and the creator's own inline policies already grant everything: no
    // zetl-named inline policy is added next to them, and nothing is changed.
    assert!(docs.iter().all(|d| !d.changed));
    // The healthy table policy already holds the documented statement: nothing is added, and
    // generating on the generated document is stable.
    let table = &docs[0].policy;
    assert_eq!(table["Statement"], json!([healthy_table_statement()]));
    let again = snapshot(&[json!({"tables": {TABLE: {"resource_policy": {"policy": table}}}})]);
    let scope = PairFacts::new(&again, &again.setup.pairs[0]);
    let docs2 = crate::rules::engine::generate::generate(&scope, embedded().unwrap());
    assert_eq!(&docs2[0].as_ref().unwrap().policy, table);
    // The catalog policy names the creator and Glue.
    let catalog = docs[1].policy.to_string();
    assert!(catalog.contains(CREATOR) && catalog.contains("glue:AuthorizeInboundIntegration"));
}
