//! The zero-ETL access requirements of rules.md, as a table: AWS's documented policies and the
//! seed guide's policies pass; the broken variants people write fail with the right reason.

use serde_json::{json, Value};
use zetl::policy::{
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
                name: Box::leak(format!("{label}: {action} allowed").into_boxed_str()),
                request: glue_req(action, &resource, src_ctx()),
                identity: vec![],
                resource: Some(policy.clone()),
                kind: ResourcePolicyKind::Generic,
                boundary: None,
                expect: Decision::Allowed,
                mentions: vec![],
            });
        }
    }
    v.push(Case {
        name: "table policy naming the target account in SourceArn/SourceAccount",
        request: glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
        identity: vec![],
        resource: Some(table_policy_with(
            "ArnLike",
            &format!("arn:aws:glue:{R}:{TGT}:integration:*"),
            TGT,
        )),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::ImplicitlyDenied,
        mentions: vec![format!(
            "names account {TGT}, the request comes from account {SRC}"
        )],
    });
    v.push(Case {
        name: "StringEquals with * on aws:SourceArn never matches",
        request: glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
        identity: vec![],
        resource: Some(table_policy_with(
            "StringEquals",
            &format!("arn:aws:glue:{R}:{SRC}:integration:*"),
            SRC,
        )),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::ImplicitlyDenied,
        mentions: vec!["StringEquals does not expand *; use StringLike/ArnLike".to_string()],
    });
    for op in ["StringLike", "ArnLike", "ArnEquals"] {
        v.push(Case {
            name: Box::leak(format!("{op} with * on aws:SourceArn matches").into_boxed_str()),
            request: glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
            identity: vec![],
            resource: Some(table_policy_with(
                op,
                &format!("arn:aws:glue:{R}:{SRC}:integration:*"),
                SRC,
            )),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::Allowed,
            mentions: vec![],
        });
    }
    let without_describe_export = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "Glue", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"], "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": SRC}}}]});
    v.push(Case {
        name: "missing DescribeExport",
        request: glue_req("dynamodb:DescribeExport", &export(), src_ctx()),
        identity: vec![],
        resource: Some(without_describe_export),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::ImplicitlyDenied,
        mentions: vec!["action dynamodb:DescribeExport is not in Action".to_string()],
    });
    let describe_export_on_table_only = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
        "Action": ["dynamodb:DescribeExport"], "Resource": table()}]});
    v.push(Case {
        name: "DescribeExport scoped to the table ARN alone does not cover the export ARN",
        request: glue_req("dynamodb:DescribeExport", &export(), src_ctx()),
        identity: vec![],
        resource: Some(describe_export_on_table_only),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::ImplicitlyDenied,
        mentions: vec![format!("resource {} does not match Resource", export())],
    });
    let mut with_deny = aws_table_policy();
    with_deny["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "NoExports", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:Export*", "Resource": "*"}));
    v.push(Case {
        name: "explicit Deny on exports",
        request: glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
        identity: vec![],
        resource: Some(with_deny),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::ExplicitlyDenied,
        mentions: vec!["\"NoExports\"".to_string()],
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
        name: "data-perimeter Deny guarded by aws:PrincipalIsAWSService does not fire for Glue",
        request: glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
        identity: vec![],
        resource: Some(perimeter(true)),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::Allowed,
        mentions: vec![],
    });
    v.push(Case {
        name: "unguarded data-perimeter Deny depends on the unknown org id",
        request: glue_req("dynamodb:ExportTableToPointInTime", &table(), src_ctx()),
        identity: vec![],
        resource: Some(perimeter(false)),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::Unknown,
        mentions: vec!["aws:PrincipalOrgID".to_string()],
    });
    // Target side: the catalog policy.
    for resource in [catalog(), database()] {
        v.push(Case {
            name: "AWS catalog statement B lets Glue AuthorizeInboundIntegration",
            request: glue_req(
                "glue:AuthorizeInboundIntegration",
                &resource,
                glue_context(&table(), SRC),
            ),
            identity: vec![],
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::Allowed,
            mentions: vec![],
        });
        v.push(Case {
            name: "seed catalog policy lets Glue AuthorizeInboundIntegration",
            request: glue_req(
                "glue:AuthorizeInboundIntegration",
                &resource,
                glue_context(&table(), SRC),
            ),
            identity: vec![],
            resource: Some(seed_catalog_policy()),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::Allowed,
            mentions: vec![],
        });
        v.push(Case {
            name: "catalog naming SRC root + creator identity allow: cross-account allowed",
            request: create_inbound(resource.clone(), creator_ctx(Some(&table()))),
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::Allowed,
            mentions: vec![],
        });
        v.push(Case {
            name: "seed catalog policy + creator identity allow",
            request: create_inbound(resource.clone(), creator_ctx(None)),
            identity: vec![creator_identity()],
            resource: Some(seed_catalog_policy()),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::Allowed,
            mentions: vec![],
        });
        v.push(Case {
            name: "catalog naming SRC root without the creator's identity allow",
            request: create_inbound(resource.clone(), creator_ctx(Some(&table()))),
            identity: vec![],
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::ImplicitlyDenied,
            mentions: vec![
                "cross-account request: the resource policy allows but no identity policy does"
                    .to_string(),
            ],
        });
        v.push(Case {
            name: "catalog naming the creator role, with identity allow",
            request: create_inbound(resource.clone(), creator_ctx(Some(&table()))),
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&creator_role)),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::Allowed,
            mentions: vec![],
        });
        v.push(Case {
            name: "catalog naming the creator role, without identity allow (cross-account needs both)",
            request: create_inbound(resource.clone(), creator_ctx(Some(&table()))),
            identity: vec![],
            resource: Some(aws_catalog_policy(&creator_role)),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::ImplicitlyDenied,
            mentions: vec!["cross-account request: the resource policy allows but no identity policy does".to_string()],
        });
        v.push(Case {
            name: "catalog naming another role than the creator",
            request: create_inbound(resource.clone(), creator_ctx(Some(&table()))),
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&format!(
                "arn:aws:iam::{SRC}:role/someone-else"
            ))),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::ImplicitlyDenied,
            mentions: vec![format!(
                "principal {} is not named in Principal",
                creator_session()
            )],
        });
        v.push(Case {
            name: "statement A's aws:SourceArn condition when the key is not known",
            request: create_inbound(resource.clone(), creator_ctx(None)),
            identity: vec![creator_identity()],
            resource: Some(aws_catalog_policy(&format!("arn:aws:iam::{SRC}:root"))),
            kind: ResourcePolicyKind::Generic,
            boundary: None,
            expect: Decision::Unknown,
            mentions: vec!["aws:SourceArn".to_string()],
        });
    }
    // The role path: GetRole tells it; the session ARN does not.
    let with_path = format!("arn:aws:iam::{SRC}:role/service-role/creator");
    v.push(Case {
        name: "assumed-role session vs a role ARN with a path, path unknown",
        request: create_inbound(catalog(), creator_ctx(Some(&table()))),
        identity: vec![creator_identity()],
        resource: Some(aws_catalog_policy(&with_path)),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::ImplicitlyDenied,
        mentions: vec!["supply the role ARN with its path".to_string()],
    });
    v.push(Case {
        name: "assumed-role session vs a role ARN with a path, path known",
        request: Request::new(
            creator().with_role_arn(&with_path),
            "glue:CreateInboundIntegration",
            &catalog(),
        )
        .with_context(creator_ctx(Some(&table()))),
        identity: vec![creator_identity()],
        resource: Some(aws_catalog_policy(&with_path)),
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::Allowed,
        mentions: vec![],
    });
    // The target role.
    v.push(Case {
        name: "role trust policy for glue.amazonaws.com",
        request: glue_req(
            "sts:AssumeRole",
            &target_role(),
            RequestContext::new().missing_keys_unknown(true),
        ),
        identity: vec![],
        resource: Some(glue_trust()),
        kind: ResourcePolicyKind::RoleTrust,
        boundary: None,
        expect: Decision::Allowed,
        mentions: vec![],
    });
    v.push(Case {
        name: "role trust policy for another service",
        request: glue_req("sts:AssumeRole", &target_role(), RequestContext::new()),
        identity: vec![],
        resource: Some(json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})),
        kind: ResourcePolicyKind::RoleTrust,
        boundary: None,
        expect: Decision::ImplicitlyDenied,
        mentions: vec!["principal glue.amazonaws.com is not named in Principal [\"lambda.amazonaws.com\"]".to_string()],
    });
    let role_session =
        || Principal::parse(&format!("arn:aws:sts::{TGT}:assumed-role/zetl-target/glue")).unwrap();
    let key = format!("arn:aws:kms:{R}:{TGT}:key/k1");
    v.push(Case {
        name: "KMS key policy delegating to the account root + role identity allow",
        request: Request::new(role_session(), "kms:GenerateDataKey", &key),
        identity: vec![target_role_policy()],
        resource: Some(key_policy_root()),
        kind: ResourcePolicyKind::KmsKey,
        boundary: None,
        expect: Decision::Allowed,
        mentions: vec![],
    });
    v.push(Case {
        name: "KMS key policy delegating to the account root, role without identity allow",
        request: Request::new(role_session(), "kms:GenerateDataKey", &key),
        identity: vec![],
        resource: Some(key_policy_root()),
        kind: ResourcePolicyKind::KmsKey,
        boundary: None,
        expect: Decision::ImplicitlyDenied,
        mentions: vec![format!("names account {TGT}, which delegates")],
    });
    v.push(Case {
        name: "permission boundary that blocks the target role's S3 writes",
        request: Request::new(role_session(), "s3:PutObject", "arn:aws:s3:::lake-bucket/prefix/orders/data/00000-0.parquet")
            .with_resource_account(TGT),
        identity: vec![target_role_policy()],
        resource: None,
        kind: ResourcePolicyKind::Generic,
        boundary: Some(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "glue:*", "Resource": "*"}]})),
        expect: Decision::ImplicitlyDenied,
        mentions: vec!["permission boundary does not".to_string()],
    });
    v.push(Case {
        name: "target role's S3 writes allowed without a boundary",
        request: Request::new(
            role_session(),
            "s3:PutObject",
            "arn:aws:s3:::lake-bucket/prefix/orders/data/00000-0.parquet",
        )
        .with_resource_account(TGT),
        identity: vec![target_role_policy()],
        resource: None,
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::Allowed,
        mentions: vec![],
    });
    v.push(Case {
        name: "s3:ListBucket with the s3:prefix context",
        request: Request::new(role_session(), "s3:ListBucket", "arn:aws:s3:::lake-bucket")
            .with_resource_account(TGT)
            .with_context(
                RequestContext::new().with("s3:prefix", ContextValue::Single("prefix/".into())),
            ),
        identity: vec![target_role_policy()],
        resource: None,
        kind: ResourcePolicyKind::Generic,
        boundary: None,
        expect: Decision::Allowed,
        mentions: vec![],
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
