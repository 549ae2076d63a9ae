//! `zetl policy simulate` throughput: 10,000 cases, each evaluated against the same ~10 KB
//! identity policy, through `simulate_text`, the library function the CLI calls.
//!
//! `ZETL_BENCH_WRITE_CASES=FILE cargo bench --bench simulate` only writes the case file (the
//! input scripts/bench-simulate.sh feeds to the CLI and to the npm oracle) and exits.

use std::hint::black_box;

use criterion::{criterion_group, Criterion, Throughput};
use serde_json::{json, Value};
use zetl_core::simulate::{parse_cases, simulate_case, simulate_text};

const CASES: usize = 10_000;

/// A realistic data-platform identity policy of about 10 KB: many services, wildcards,
/// NotAction/NotResource, conditions of several operator families, a few Denies.
fn big_policy() -> Value {
    let mut statements = Vec::new();
    for (i, team) in [
        "data",
        "ops",
        "analytics",
        "ml",
        "platform",
        "finance",
        "legal",
    ]
    .iter()
    .enumerate()
    {
        statements.push(json!({
            "Sid": format!("ReadLake{i}"), "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
            "Resource": [format!("arn:aws:s3:::lake-{team}"), format!("arn:aws:s3:::lake-{team}/*")],
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": team}, "Bool": {"aws:SecureTransport": "true"}}
        }));
        statements.push(json!({
            "Sid": format!("WriteLake{i}"), "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:DeleteObject"],
            "Resource": format!("arn:aws:s3:::lake-{team}/incoming/*"),
            "Condition": {"StringLike": {"aws:PrincipalArn": [format!("arn:aws:iam::111111111111:role/{team}-*"), "arn:aws:iam::111111111111:user/*"]},
                          "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/22", "2001:db8::/32"]}}
        }));
        statements.push(json!({
            "Sid": format!("Tables{i}"), "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable", "dynamodb:BatchGetItem"],
            "Resource": [format!("arn:aws:dynamodb:us-east-1:111111111111:table/{team}-*"),
                         format!("arn:aws:dynamodb:us-east-1:111111111111:table/{team}-*/index/*")],
            "Condition": {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}
        }));
        statements.push(json!({
            "Sid": format!("Catalog{i}"), "Effect": "Allow",
            "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
            "Resource": ["arn:aws:glue:us-east-1:111111111111:catalog",
                         format!("arn:aws:glue:us-east-1:111111111111:database/{team}"),
                         format!("arn:aws:glue:us-east-1:111111111111:table/{team}/*")]
        }));
    }
    statements.push(json!({
        "Sid": "Queues", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
        "Resource": "arn:aws:sqs:us-east-1:111111111111:*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:*"}}
    }));
    statements.push(json!({
        "Sid": "Topics", "Effect": "Allow", "Action": "sns:Publish",
        "Resource": ["arn:aws:sns:us-east-1:111111111111:alerts", "arn:aws:sns:us-east-1:111111111111:etl-*"],
        "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}
    }));
    statements.push(json!({
        "Sid": "Keys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        "Resource": "arn:aws:kms:us-east-1:111111111111:key/*",
        "Condition": {"StringLike": {"kms:ViaService": ["s3.us-east-1.amazonaws.com", "glue.us-east-1.amazonaws.com"]}}
    }));
    statements.push(json!({
        "Sid": "DenyInsecure", "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }));
    statements.push(json!({
        "Sid": "DenyOutsideRegions", "Effect": "Deny",
        "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*"], "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2", "eu-west-1"]}}
    }));
    statements.push(json!({
        "Sid": "DenyUntaggedWrites", "Effect": "Deny", "Action": ["s3:PutObject"],
        "NotResource": "arn:aws:s3:::lake-*/incoming/*",
        "Condition": {"Null": {"aws:PrincipalTag/team": "true"}}
    }));
    statements.push(json!({
        "Sid": "DenyOldSessions", "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "86400"}}
    }));
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// One case: who, what, which resource, what context; decisions vary across the batch.
fn case(i: usize, policy: &Value) -> Value {
    let teams = [
        "data",
        "ops",
        "analytics",
        "ml",
        "platform",
        "finance",
        "legal",
        "sandbox",
    ];
    let team = teams[i % teams.len()];
    let principal = match i % 4 {
        0 => "arn:aws:iam::111111111111:user/alice".to_string(),
        1 => format!("arn:aws:iam::111111111111:role/{team}-etl"),
        2 => format!("arn:aws:sts::111111111111:assumed-role/{team}-etl/run-{i}"),
        _ => "arn:aws:iam::111111111111:user/bob".to_string(),
    };
    let (action, resource, account) = match (i / 4) % 9 {
        0 => (
            "s3:GetObject",
            format!("arn:aws:s3:::lake-{team}/part-{i}.parquet"),
            Some("111111111111"),
        ),
        1 => (
            "s3:PutObject",
            format!("arn:aws:s3:::lake-{team}/incoming/part-{i}.parquet"),
            Some("111111111111"),
        ),
        2 => (
            "s3:ListBucket",
            format!("arn:aws:s3:::lake-{team}"),
            Some("111111111111"),
        ),
        3 => (
            "dynamodb:GetItem",
            format!("arn:aws:dynamodb:us-east-1:111111111111:table/{team}-orders"),
            None,
        ),
        4 => (
            "dynamodb:DescribeTable",
            format!("arn:aws:dynamodb:us-east-1:111111111111:table/{team}-events"),
            None,
        ),
        5 => (
            "glue:GetTable",
            format!("arn:aws:glue:us-east-1:111111111111:table/{team}/orders"),
            None,
        ),
        6 => (
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111111111111:events".to_string(),
            None,
        ),
        7 => (
            "sns:Publish",
            "arn:aws:sns:us-east-1:111111111111:alerts".to_string(),
            None,
        ),
        _ => (
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                .to_string(),
            None,
        ),
    };
    let source_ip = ["203.0.113.9", "198.51.100.7", "192.0.2.1"][i % 3];
    let region = ["us-east-1", "eu-central-1"][usize::from(i.is_multiple_of(17))];
    let mut context = json!({
        "aws:PrincipalTag/team": team,
        "aws:SecureTransport": !i.is_multiple_of(13),
        "aws:SourceIp": source_ip,
        "aws:CurrentTime": "2026-11-28T10:00:00Z",
        "aws:RequestedRegion": region,
        "aws:MultiFactorAuthAge": (i % 5) * 30_000,
    });
    if principal.contains(":role/") || principal.contains(":assumed-role/") {
        context["aws:PrincipalArn"] = json!(format!("arn:aws:iam::111111111111:role/{team}-etl"));
    } else {
        context["aws:PrincipalArn"] = json!(principal);
    }
    if action == "sqs:SendMessage" {
        context["aws:SourceArn"] = json!("arn:aws:sns:us-east-1:111111111111:alerts");
    }
    let mut request =
        json!({"principal": principal, "action": action, "resource": resource, "context": context});
    if let Some(a) = account {
        request["resourceAccount"] = json!(a);
    }
    let mut c = json!({"request": request, "identityPolicies": [policy]});
    if action == "kms:Decrypt" {
        // A key policy that delegates to IAM, as AWS's default key policy does.
        c["resourcePolicy"] = json!({"Version": "2012-10-17", "Statement": [{"Sid": "EnableIAM",
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "kms:*", "Resource": "*"}]});
    }
    c
}

fn cases_text(count: usize) -> String {
    let policy = big_policy();
    let cases: Vec<Value> = (0..count).map(|i| case(i, &policy)).collect();
    serde_json::to_string(&cases).expect("cases serialize")
}

fn bench(c: &mut Criterion) {
    let policy_bytes = big_policy().to_string().len();
    let text = cases_text(CASES);
    let mut group = c.benchmark_group("policy simulate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CASES as u64));
    group.bench_function(
        format!("simulate_text: {CASES} cases x {policy_bytes}-byte policy (parse + evaluate)"),
        |b| b.iter(|| black_box(simulate_text(black_box(&text)).map(|s| s.results.len()))),
    );
    // Evaluation alone: 100 parsed cases evaluated 100 times each.
    let parsed = parse_cases(&cases_text(100)).expect("bench cases are valid");
    group.bench_function(format!("evaluate only: {CASES} evaluations"), |b| {
        b.iter(|| {
            let mut allowed = 0usize;
            for _ in 0..(CASES / 100) {
                for case in &parsed.cases {
                    allowed += usize::from(simulate_case(black_box(case)).deciding.is_empty());
                }
            }
            allowed
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(path) = std::env::var("ZETL_BENCH_WRITE_CASES") {
        let text = cases_text(CASES);
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        eprintln!(
            "wrote {CASES} cases ({} bytes; policy {} bytes) to {path}",
            text.len(),
            big_policy().to_string().len()
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
