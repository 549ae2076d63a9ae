#!/usr/bin/env python3
"""Generate fixtures/bench/max-size.json, the doctor's maximum-size benchmark snapshot.

Deterministic (no randomness, no clock): starts from fixtures/healthy/cross-account.json
and grows, with realistic statements that keep the setup healthy,
  - the DynamoDB table's resource policy to just under 20 KB (AWS limit 20 KB),
  - the Glue catalog policy to just under 10 KB (AWS limit 10 KB),
  - the target role to 10 attached customer managed policies of just under 6,144
    non-whitespace characters each (the IAM limit) plus 3 extra inline policies.

Usage: python3 scripts/gen-max-size-snapshot.py  (writes the fixture; stdlib only)
"""

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "fixtures", "healthy", "cross-account.json")
OUT = os.path.join(ROOT, "fixtures", "bench", "max-size.json")

SRC_ACCT = "111111111111"
TGT_ACCT = "222222222222"
REGION = "us-east-1"
TABLE = f"arn:aws:dynamodb:{REGION}:{SRC_ACCT}:table/orders"
CATALOG = f"arn:aws:glue:{REGION}:{TGT_ACCT}:catalog"
ROLE = f"arn:aws:iam::{TGT_ACCT}:role/service-role/ZeroEtlTargetRole"

TABLE_LIMIT = 20 * 1024
CATALOG_LIMIT = 10 * 1024
MANAGED_LIMIT = 6144


def compact(doc):
    return json.dumps(doc, separators=(",", ":"))


def nows_len(doc):
    return len("".join(compact(doc).split()))


def fill(statements, make, limit, size, margin):
    """Append make(i) statements while the document stays under limit - margin."""
    doc = {"Version": "2012-10-17", "Statement": statements}
    i = 0
    while True:
        candidate = make(i)
        statements.append(candidate)
        if size(doc) > limit - margin:
            statements.pop()
            return doc
        i += 1


def table_statement(i):
    acct = f"{333333330000 + i:012d}"
    kind = i % 4
    if kind == 0:
        return {
            "Sid": f"AllowAnalyticsRead{i:03d}",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{acct}:role/analytics-reader-{i:03d}"},
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
                       "dynamodb:BatchGetItem"],
            "Resource": [TABLE, f"{TABLE}/index/*"],
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"},
                "IpAddress": {"aws:SourceIp": [f"10.{i % 256}.0.0/16"]},
            },
        }
    if kind == 1:
        return {
            "Sid": f"DenyWritesOutsideVpce{i:03d}",
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
            "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                       "dynamodb:BatchWriteItem"],
            "Resource": TABLE,
            "Condition": {"StringNotEquals": {"aws:SourceVpce": f"vpce-0a1b2c3d{i:08x}"}},
        }
    if kind == 2:
        return {
            "Sid": f"AllowStreamConsumer{i:03d}",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{acct}:role/stream-consumer",
                                  f"arn:aws:iam::{acct}:role/stream-replayer"]},
            "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords",
                       "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            "Resource": f"{TABLE}/stream/*",
            "Condition": {
                "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
                "Bool": {"aws:SecureTransport": "true"},
            },
        }
    return {
        "Sid": f"DenyTableAdmin{i:03d}",
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{acct}:role/ops-*"},
        "Action": ["dynamodb:DeleteTable", "dynamodb:UpdateTable",
                   "dynamodb:DeleteResourcePolicy", "dynamodb:PutResourcePolicy"],
        "Resource": TABLE,
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{acct}:role/break-glass"}},
    }


def catalog_statement(i):
    acct = f"{444444440000 + i:012d}"
    if i % 2 == 0:
        return {
            "Sid": f"AllowCrossAccountRead{i:03d}",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{acct}:role/lake-reader"},
            "Action": ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable",
                       "glue:GetTables", "glue:GetPartitions"],
            "Resource": [CATALOG, f"arn:aws:glue:{REGION}:{TGT_ACCT}:database/shared_{i:03d}",
                         f"arn:aws:glue:{REGION}:{TGT_ACCT}:table/shared_{i:03d}/*"],
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"}},
        }
    return {
        "Sid": f"DenyDropShared{i:03d}",
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
        "Action": ["glue:DeleteDatabase", "glue:DeleteTable", "glue:UpdateTable"],
        "Resource": f"arn:aws:glue:{REGION}:{TGT_ACCT}:table/shared_{i:03d}/*",
    }


def managed_statement(p):
    def make(i):
        n = p * 100 + i
        kind = i % 5
        if kind == 0:
            return {
                "Sid": f"ReadArchive{n:04d}",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"],
                "Resource": f"arn:aws:s3:::zetl-archive-{n:04d}/exports/*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "internal"}},
            }
        if kind == 1:
            return {
                "Sid": f"Logs{n:04d}",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": f"arn:aws:logs:{REGION}:{TGT_ACCT}:log-group:/aws-glue/zero-etl-{n:04d}:*",
            }
        if kind == 2:
            return {
                "Sid": f"Metrics{n:04d}",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringLike": {"cloudwatch:namespace": f"ZeroETL/Pipeline{n:04d}*"}},
            }
        if kind == 3:
            return {
                "Sid": f"Kms{n:04d}",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": f"arn:aws:kms:{REGION}:{TGT_ACCT}:key/0000{n:04d}-1111-2222-3333-444455556666",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}},
            }
        return {
            "Sid": f"DenyOtherRegions{n:04d}",
            "Effect": "Deny",
            "Action": ["ec2:*", "rds:*", "redshift:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": [REGION]}},
        }
    return make


def inline_statement(p):
    def make(i):
        n = p * 100 + i
        return {
            "Sid": f"Staging{n:04d}",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": f"arn:aws:s3:::zetl-staging-{n:04d}",
            "Condition": {"StringLike": {"s3:prefix": [f"run-{n:04d}/*", "manifests/*"]}},
        }
    return make


def main():
    with open(SRC) as f:
        snap = json.load(f)
    snap["collected_at"] = "2026-11-28T10:00:00Z"

    table = snap["tables"][TABLE]["resource_policy"]
    table["policy"] = fill(list(table["policy"]["Statement"]), table_statement,
                           TABLE_LIMIT, lambda d: len(compact(d)), 200)

    cat = snap["catalog_policies"][CATALOG]
    cat["policy"] = fill(list(cat["policy"]["Statement"]), catalog_statement,
                         CATALOG_LIMIT, lambda d: len(compact(d)), 150)

    role = snap["principals"][ROLE]
    role["attached_policies"] = [
        {
            "arn": f"arn:aws:iam::{TGT_ACCT}:policy/zero-etl/ZeroEtlSupport{p:02d}",
            "version_id": "v3",
            "document": fill([], managed_statement(p), MANAGED_LIMIT, nows_len, 100),
        }
        for p in range(10)
    ]
    for p in range(3):
        role["inline_policies"].append({
            "name": f"ZeroEtlStaging{p}",
            "document": fill([], inline_statement(p), 4096, nows_len, 100),
        })

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(snap, f, indent=2)
        f.write("\n")

    print(f"table policy   {len(compact(table['policy'])):6d} bytes (limit {TABLE_LIMIT})")
    print(f"catalog policy {len(compact(cat['policy'])):6d} bytes (limit {CATALOG_LIMIT})")
    for m in role["attached_policies"]:
        print(f"managed policy {nows_len(m['document']):6d} chars  (limit {MANAGED_LIMIT}) {m['arn']}")
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
