//! The zero-ETL access requirements of rules.md, as a table: AWS's documented policies and the
//! seed guide's policies pass; the broken variants people write fail with the right reason.

use serde_json::{json, Value};
use zetl_core::policy::{
    evaluate, ContextValue, Decision, NamedPolicy, PolicyDocument, PolicySet, Principal, Request,
    RequestContext, ResourcePolicyKind,
};

const SRC: &str = "444455556666";
const TGT: &str = "111122223333";
const R: &str = "us-east-1";

fn table() -> String {
    format!("arn:aws:dynamodb:{R}:{SRC}:table/orders")
}
fn export() -> String {
    format!("{}/export/01700000000000-a1b2c3d4", table())
}
fn integration() -> String {
    format!("arn:aws:glue:{R}:{SRC}:integration:5e3a2c1b-0d4f-4a8e-9b7c-2f1e0d9c8b7a")
}
fn catalog() -> String {
    format!("arn:aws:glue:{R}:{TGT}:catalog")
}
fn database() -> String {
    format!("arn:aws:glue:{R}:{TGT}:database/lake")
}
fn creator_session() -> String {
    format!("arn:aws:sts::{SRC}:assumed-role/creator/alice")
}
fn target_role() -> String {
    format!("arn:aws:iam::{TGT}:role/zetl-target")
}

/// AWS's documented table policy (Glue DynamoDB source page).
fn aws_table_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": SRC},
            "ArnLike": {"aws:SourceArn": format!("arn:aws:glue:{R}:{SRC}:integration:*")}
        }
    }]})
}

/// The seed guide's table policy.
fn seed_table_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "1111", "Effect": "Allow",
        "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"],
        "Resource": "*",
        "Condition": {"StringLike": {"aws:SourceArn": format!("arn:aws:glue:{R}:{SRC}:integration:*")}}
    }]})
}

fn table_policy_with(op: &str, source_arn: &str, source_account: &str) -> Value {
    // Built key by key so `op = StringEquals` shares the block with aws:SourceAccount.
    let mut condition = json!({"StringEquals": {"aws:SourceAccount": source_account}});
    if condition.get(op).is_none() {
        condition[op] = json!({});
    }
    condition[op]["aws:SourceArn"] = json!(source_arn);
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "Glue", "Effect": "Allow",
        "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"],
        "Resource": "*",
        "Condition": condition
    }]})
}

/// AWS's documented catalog policy (statements A and B), with `principal` in statement A.
fn aws_catalog_policy(principal: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": [principal]},
         "Action": "glue:CreateInboundIntegration", "Resource": [catalog(), database()],
         "Condition": {"StringLike": {"aws:SourceArn": table()}}},
        {"Sid": "B", "Effect": "Allow", "Principal": {"Service": ["glue.amazonaws.com"]},
         "Action": "glue:AuthorizeInboundIntegration", "Resource": [catalog(), database()],
         "Condition": {"StringEquals": {"aws:SourceArn": table()}}}
    ]})
}

/// The seed guide's catalog policy (four statements, including its unparseable table ARN).
fn seed_catalog_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "glue:CreateInboundIntegration",
         "Resource": database(), "Condition": {"StringEquals": {"aws:SourceAccount": SRC}}},
        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{SRC}:root")}, "Action": "glue:CreateInboundIntegration",
         "Resource": [catalog(), database()]},
        {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "glue:AuthorizeInboundIntegration",
         "Resource": [catalog(), database()]},
        {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
         "Action": ["glue:UpdateTable", "glue:CreateTable", "glue:GetDatabase", "glue:GetTable"],
         "Resource": [database(), format!("arn:aws:glue:{R}:{TGT}:table/orders")]}
    ]})
}

fn creator_identity() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "glue:CreateInboundIntegration", "Resource": [catalog(), database()]}]})
}

fn glue_trust() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
}

fn target_role_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::lake-bucket"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::lake-bucket/prefix/*"},
        {"Effect": "Allow", "Action": ["glue:GetDatabase"], "Resource": [catalog(), database()]},
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": format!("arn:aws:kms:{R}:{TGT}:key/k1")}
    ]})
}

fn key_policy_root() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{TGT}:root")}, "Action": "kms:*", "Resource": "*"}]})
}

/// The context rules.md prescribes for Glue acting on a resource.
fn glue_context(source_arn: &str, source_account: &str) -> RequestContext {
    RequestContext::new()
        .with("aws:PrincipalIsAWSService", "true")
        .with("aws:PrincipalServiceName", "glue.amazonaws.com")
        .with("aws:SecureTransport", "true")
        .with("aws:CurrentTime", "2026-11-28T10:00:00Z")
        .with("aws:SourceAccount", source_account)
        .with("aws:SourceArn", source_arn)
        .missing_keys_unknown(true)
}

/// The context for a principal's own request.
fn principal_context(principal_arn: &str, account: &str) -> RequestContext {
    RequestContext::new()
        .with("aws:PrincipalAccount", account)
        .with("aws:PrincipalArn", principal_arn)
        .with("aws:SecureTransport", "true")
        .with("aws:CurrentTime", "2026-11-28T10:00:00Z")
        .missing_keys_unknown(true)
}

struct Case {
    name: &'static str,
    request: Request,
    identity: Vec<Value>,
    resource: Option<Value>,
    kind: ResourcePolicyKind,
    boundary: Option<Value>,
    expect: Decision,
    /// Substrings that must appear in the explanation or the near misses.
    mentions: Vec<String>,
}

impl Case {
    /// A case with no identity policy, no resource policy, no boundary and nothing to mention;
    /// each case sets the rest with struct update syntax.
    fn new(name: &'static str, request: Request, expect: Decision) -> Case {
        Case {
            name,
            request,
            identity: vec![],
            resource: None,
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect,
            mentions: vec![],
        }
    }
}

fn glue_req(action: &str, resource: &str, ctx: RequestContext) -> Request {
    Request::new(
        Principal::parse("glue.amazonaws.com").unwrap(),
        action,
        resource,
    )
    .with_context(ctx)
}

fn cases() -> Vec<Case> {
    let src_ctx = || glue_context(&integration(), SRC);
    let creator = || Principal::parse(&creator_session()).unwrap();
    let creator_role = format!("arn:aws:iam::{SRC}:role/creator");
    let creator_ctx = |extra: Option<&str>| {
        let c = principal_context(&creator_role, SRC);
        match extra {
            Some(arn) => c.with("aws:SourceArn", arn),
            None => c,
        }
    };
    let create_inbound = |resource: String, ctx: RequestContext| {
        Request::new(creator(), "glue:CreateInboundIntegration", &resource).with_context(ctx)
    };
    let mut v = Vec::new();
    for (policy, label) in [
        (aws_table_policy(), "AWS table policy"),
        (seed_table_policy(), "seed table policy"),
    ] {
        for (action, resource) in [
            ("dynamodb:ExportTableToPointInTime", table()),
            ("dynamodb:DescribeTable", table()),
            ("dynamodb:DescribeExport", export()),
        ] {
            v.push(Case {
                resource: Some(policy.clone()),
                ..Case::new(
                    Box::leak(format!("{label}: {action} allowed").into_boxed_str()),
                    glue_req(action, &resource, src_ctx()),
                    Decision::Allowed,
                )
            });
        }
    }
    v.push(Case {
        resource: Some(table_policy_with(
            "ArnLike",
            &format!("arn:aws:glue:{R}:{TGT}:integration:*"),
            TGT,
        )),
        mentions: vec![format!(
            "names account {TGT}, the request comes from account {SRC}"
        )],
        ..Case::new(
            "table policy naming the target account in SourceArn/SourceAccount",
            glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
            Decision::ImplicitlyDenied,
        )
    });
    v.push(Case {
        resource: Some(table_policy_with(
            "StringEquals",
            &format!("arn:aws:glue:{R}:{SRC}:integration:*"),
            SRC,
        )),
        mentions: vec!["StringEquals does not expand *; use StringLike/ArnLike".to_string()],
        ..Case::new(
            "StringEquals with * on aws:SourceArn never matches",
            glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
            Decision::ImplicitlyDenied,
        )
    });
    for op in ["StringLike", "ArnLike", "ArnEquals"] {
        v.push(Case {
            resource: Some(table_policy_with(
                op,
                &format!("arn:aws:glue:{R}:{SRC}:integration:*"),
                SRC,
            )),
            ..Case::new(
                Box::leak(format!("{op} with * on aws:SourceArn matches").into_boxed_str()),
                glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
                Decision::Allowed,
            )
        });
    }
    let without_describe_export = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "Glue", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"], "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": SRC}}}]});
    v.push(Case {
        resource: Some(without_describe_export),
        mentions: vec!["action dynamodb:DescribeExport is not in Action".to_string()],
        ..Case::new(
            "missing DescribeExport",
            glue_req("dynamodb:DescribeExport", &export(), src_ctx()),
            Decision::ImplicitlyDenied,
        )
    });
    let describe_export_on_table_only = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:DescribeExport"], "Resource": table()}]});
    v.push(Case {
        resource: Some(describe_export_on_table_only),
        mentions: vec![format!("resource {} does not match Resource", export())],
        ..Case::new(
            "DescribeExport scoped to the table ARN alone does not cover the export ARN",
            glue_req("dynamodb:DescribeExport", &export(), src_ctx()),
            Decision::ImplicitlyDenied,
        )
    });
    let mut with_deny = aws_table_policy();
    with_deny["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "NoExports", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:Export*", "Resource": "*"}));
    v.push(Case {
        resource: Some(with_deny),
        mentions: vec!["\"NoExports\"".to_string()],
        ..Case::new(
            "explicit Deny on exports",
            glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
            Decision::ExplicitlyDenied,
        )
    });
    let perimeter = |guarded: bool| {
        let mut cond = json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorg"}});
        if guarded {
            cond["BoolIfExists"] = json!({"aws:PrincipalIsAWSService": "false"});
        }
        let mut p = aws_table_policy();
        p["Statement"].as_array_mut().unwrap().push(json!({
            "Sid": "Perimeter", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:*", "Resource": "*", "Condition": cond}));
        p
    };
    v.push(Case {
        resource: Some(perimeter(true)),
        ..Case::new(
            "data-perimeter Deny guarded by aws:PrincipalIsAWSService does not fire for Glue",
            glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
            Decision::Allowed,
        )
    });
    v.push(Case {
        resource: Some(perimeter(false)),
        mentions: vec!["aws:PrincipalOrgID".to_string()],
        ..Case::new(
            "unguarded data-perimeter Deny depends on the unknown org id",
            glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
            Decision::Unknown,
        )
    });
    // Target side: the catalog policy.
    for resource in [catalog(), database()] {
        v.push(Case {
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            ..Case::new(
                "AWS catalog statement B lets Glue AuthorizeInboundIntegration",
                glue_req(
                    "glue:AuthorizeInboundIntegration",
                    &resource,
                    glue_context(&table(), SRC),
                ),
                Decision::Allowed,
            )
        });
        v.push(Case {
            resource: Some(seed_catalog_policy()),
            ..Case::new(
                "seed catalog policy lets Glue AuthorizeInboundIntegration",
                glue_req(
                    "glue:AuthorizeInboundIntegration",
                    &resource,
                    glue_context(&table(), SRC),
                ),
                Decision::Allowed,
            )
        });
        v.push(Case {
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            ..Case::new(
                "catalog naming SRC root + creator identity allow: cross-account allowed",
                create_inbound(resource.clone(), creator_ctx(Some(&table()))),
                Decision::Allowed,
            )
        });
        v.push(Case {
            identity: vec![creator_identity()],
            resource: Some(seed_catalog_policy()),
            ..Case::new(
                "seed catalog policy + creator identity allow",
                create_inbound(resource.clone(), creator_ctx(None)),
                Decision::Allowed,
            )
        });
        v.push(Case {
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            mentions: vec![
                "cross-account request: the resource policy allows but no identity policy does"
                    .to_string(),
            ],
            ..Case::new(
                "catalog naming SRC root without the creator's identity allow",
                create_inbound(resource.clone(), creator_ctx(Some(&table()))),
                Decision::ImplicitlyDenied,
            )
        });
        v.push(Case {
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&creator_role)),
            ..Case::new(
                "catalog naming the creator role, with identity allow",
                create_inbound(resource.clone(), creator_ctx(Some(&table()))),
                Decision::Allowed,
            )
        });
        v.push(Case { resource: Some(aws_catalog_policy(&creator_role)), mentions: vec!["cross-account request: the resource policy allows but no identity policy does".to_string()], ..Case::new("catalog naming the creator role, without identity allow (cross-account needs both)", create_inbound(resource.clone(), creator_ctx(Some(&table()))), Decision::ImplicitlyDenied) });
        v.push(Case {
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&format!(
                "arn:aws:iam::{SRC}:role/someone-else"
            ))),
            mentions: vec![format!(
                "principal {} is not named in Principal",
                creator_session()
            )],
            ..Case::new(
                "catalog naming another role than the creator",
                create_inbound(resource.clone(), creator_ctx(Some(&table()))),
                Decision::ImplicitlyDenied,
            )
        });
        v.push(Case {
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            mentions: vec!["aws:SourceArn".to_string()],
            ..Case::new(
                "statement A's aws:SourceArn condition when the key is not known",
                create_inbound(resource.clone(), creator_ctx(None)),
                Decision::Unknown,
            )
        });
    }
    // The role path: GetRole tells it; the session ARN does not.
    let with_path = format!("arn:aws:iam::{SRC}:role/service-role/creator");
    v.push(Case {
        identity: vec![creator_identity()],
        resource: Some(aws_catalog_policy(&with_path)),
        mentions: vec!["supply the role ARN with its path".to_string()],
        ..Case::new(
            "assumed-role session vs a role ARN with a path, path unknown",
            create_inbound(catalog(), creator_ctx(Some(&table()))),
            Decision::ImplicitlyDenied,
        )
    });
    v.push(Case {
        identity: vec![creator_identity()],
        resource: Some(aws_catalog_policy(&with_path)),
        ..Case::new(
            "assumed-role session vs a role ARN with a path, path known",
            Request::new(
                creator().with_role_arn(&with_path),
                "glue:CreateInboundIntegration",
                &catalog(),
            )
            .with_context(creator_ctx(Some(&table()))),
            Decision::Allowed,
        )
    });
    // The target role.
    v.push(Case {
        resource: Some(glue_trust()),
        kind: ResourcePolicyKind::RoleTrust,
        ..Case::new(
            "role trust policy for glue.amazonaws.com",
            glue_req(
                "sts:AssumeRole",
                &target_role(),
                RequestContext::new().missing_keys_unknown(true),
            ),
            Decision::Allowed,
        )
    });
    v.push(Case { resource: Some(json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})), kind: ResourcePolicyKind::RoleTrust, mentions: vec!["principal glue.amazonaws.com is not named in Principal [\"lambda.amazonaws.com\"]".to_string()], ..Case::new("role trust policy for another service", glue_req("sts:AssumeRole", &target_role(), RequestContext::new()), Decision::ImplicitlyDenied) });
    let role_session =
        || Principal::parse(&format!("arn:aws:sts::{TGT}:assumed-role/zetl-target/glue")).unwrap();
    let key = format!("arn:aws:kms:{R}:{TGT}:key/k1");
    v.push(Case {
        identity: vec![target_role_policy()],
        resource: Some(key_policy_root()),
        kind: ResourcePolicyKind::KmsKey,
        ..Case::new(
            "KMS key policy delegating to the account root + role identity allow",
            Request::new(role_session(), "kms:GenerateDataKey", &key),
            Decision::Allowed,
        )
    });
    v.push(Case {
        resource: Some(key_policy_root()),
        kind: ResourcePolicyKind::KmsKey,
        mentions: vec![format!("names account {TGT}, which delegates")],
        ..Case::new(
            "KMS key policy delegating to the account root, role without identity allow",
            Request::new(role_session(), "kms:GenerateDataKey", &key),
            Decision::ImplicitlyDenied,
        )
    });
    v.push(Case { identity: vec![target_role_policy()], boundary: Some(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "glue:*", "Resource": "*"}]})), mentions: vec!["permission boundary does not".to_string()], ..Case::new("permission boundary that blocks the target role's S3 writes", Request::new(role_session(), "s3:PutObject", "arn:aws:s3:::lake-bucket/prefix/orders/data/00000-0.parquet")
            .with_resource_account(TGT), Decision::ImplicitlyDenied) });
    v.push(Case {
        identity: vec![target_role_policy()],
        ..Case::new(
            "target role's S3 writes allowed without a boundary",
            Request::new(
                role_session(),
                "s3:PutObject",
                "arn:aws:s3:::lake-bucket/prefix/orders/data/00000-0.parquet",
            )
            .with_resource_account(TGT),
            Decision::Allowed,
        )
    });
    v.push(Case {
        identity: vec![target_role_policy()],
        ..Case::new(
            "s3:ListBucket with the s3:prefix context",
            Request::new(role_session(), "s3:ListBucket", "arn:aws:s3:::lake-bucket")
                .with_resource_account(TGT)
                .with_context(
                    RequestContext::new().with("s3:prefix", ContextValue::Single("prefix/".into())),
                ),
            Decision::Allowed,
        )
    });
    v
}

#[test]
fn zero_etl_requirements() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 40, "{}", all.len());
    for case in all {
        let identity: Vec<PolicyDocument> = case
            .identity
            .iter()
            .map(|v| PolicyDocument::from_value(v).unwrap())
            .collect();
        let resource = case
            .resource
            .as_ref()
            .map(|v| PolicyDocument::from_value(v).unwrap());
        let boundary = case
            .boundary
            .as_ref()
            .map(|v| PolicyDocument::from_value(v).unwrap());
        let set = PolicySet {
            identity: identity
                .iter()
                .enumerate()
                .map(|(i, d)| NamedPolicy::new(format!("identity policy {i}"), d))
                .collect(),
            resource: resource
                .as_ref()
                .map(|d| NamedPolicy::new("resource policy", d)),
            resource_kind: case.kind,
            boundary: boundary
                .as_ref()
                .map(|d| NamedPolicy::new("permission boundary", d)),
        };
        let e = evaluate(&case.request, &set);
        let text: Vec<String> = e
            .explanation
            .iter()
            .cloned()
            .chain(e.near_misses.iter().map(|m| m.describe()))
            .collect();
        if e.decision != case.expect {
            failures.push(format!(
                "{}: expected {:?}, got {:?}\n  {}",
                case.name,
                case.expect,
                e.decision,
                text.join("\n  ")
            ));
            continue;
        }
        for m in &case.mentions {
            if !text.iter().any(|t| t.contains(m.as_str())) {
                failures.push(format!(
                    "{}: no mention of {m:?} in\n  {}",
                    case.name,
                    text.join("\n  ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn iam_returns_url_encoded_documents() {
    let text = serde_json::to_string(&aws_table_policy()).unwrap();
    let encoded = percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    assert!(encoded.starts_with("%7B%22Version%22"));
    let d = PolicyDocument::parse(&encoded).unwrap();
    assert_eq!(d, PolicyDocument::from_value(&aws_table_policy()).unwrap());
}
