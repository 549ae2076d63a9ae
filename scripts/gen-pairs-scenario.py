"""Writes the many-pairs scenario (deterministic; run from the repository root):

  fixtures/scenarios/twelve-tables.json   twelve tables of account 111111111111 into one
                                          database `lake` of account 222222222222, sharing one
                                          catalog policy, target role and creator; layered on
                                          fixtures/healthy/cross-account.json
  fixtures/scenarios/twelve-tables.toml   its zetl.toml: one [[pair]] per table, the database
                                          and the role given once at the top level

The classic failure of a lake fed by many integrations: the catalog policy's Glue statement
lists every table in its `aws:SourceArn` condition but the newest, `suppliers`. The other
eleven tables have ACTIVE integrations; `suppliers` has none yet. The doctor must report
exactly one error, ZT006 on the suppliers pair, and `zetl fix` must add its ARN to the
existing list (one write of the catalog policy).
"""

import json
import os

SRC, TGT, REGION = "111111111111", "222222222222", "us-east-1"
TABLES = [
    "orders", "customers", "products", "invoices", "payments", "shipments",
    "returns", "reviews", "carts", "coupons", "inventory", "suppliers",
]
MISSING = "suppliers"
LAKE = f"arn:aws:glue:{REGION}:{TGT}:database/lake"
CATALOG = f"arn:aws:glue:{REGION}:{TGT}:catalog"
ROLE = f"arn:aws:iam::{TGT}:role/service-role/ZeroEtlTargetRole"
CREATOR = f"arn:aws:iam::{SRC}:role/IntegrationCreator"


def table_arn(name):
    return f"arn:aws:dynamodb:{REGION}:{SRC}:table/{name}"


def integration_arn(i):
    return f"arn:aws:glue:{REGION}:{SRC}:integration:0f1e2d3c-4b5a-6978-8a9b-{i:012d}"


def table(name, i):
    return {
        "description": {
            "table_name": name,
            "table_arn": table_arn(name),
            "table_status": "ACTIVE",
            "table_size_bytes": 1048576 * (i + 1),
            "item_count": 1000 * (i + 1),
        },
        "continuous_backups": "ENABLED",
        "resource_policy": {
            "revision_id": f"17643000000{i:02d}",
            "policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AllowGlueZeroETLExport",
                        "Effect": "Allow",
                        "Principal": {"Service": "glue.amazonaws.com"},
                        "Action": [
                            "dynamodb:ExportTableToPointInTime",
                            "dynamodb:DescribeTable",
                            "dynamodb:DescribeExport",
                        ],
                        "Resource": "*",
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": SRC},
                            "ArnLike": {"aws:SourceArn": f"arn:aws:glue:{REGION}:{SRC}:integration:*"},
                        },
                    }
                ],
            },
        },
    }


def integration(name, i, source_side):
    out = {
        "integration_arn": integration_arn(i),
        "source_arn": table_arn(name),
        "target_arn": LAKE,
        "status": "ACTIVE",
        "create_time": "2026-11-28T08:00:00Z",
        "errors": [],
        "refresh_interval": "15",
    }
    if source_side:
        out["integration_name"] = f"{name}-to-lake"
        out["continuous_sync"] = True
        out["last_sync"] = "2026-11-28T09:52:00Z"
    return out


def main():
    running = [(n, i) for i, n in enumerate(TABLES) if n != MISSING]
    patch = {
        "setup": {
            "pairs": [
                {"source_table": table_arn(n), "target_database": LAKE, "target_role": ROLE}
                for n in TABLES
            ]
        },
        "tables": {table_arn(n): table(n, i) for i, n in enumerate(TABLES) if n != "orders"},
        "catalog_policies": {
            CATALOG: {
                "policy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AllowCreatorToCreateInbound",
                            "Effect": "Allow",
                            "Principal": {"AWS": [CREATOR]},
                            "Action": "glue:CreateInboundIntegration",
                            "Resource": [CATALOG, LAKE],
                            "Condition": {"StringLike": {"aws:SourceArn": [table_arn(n) for n in TABLES]}},
                        },
                        {
                            "Sid": "AllowGlueToAuthorizeInbound",
                            "Effect": "Allow",
                            "Principal": {"Service": ["glue.amazonaws.com"]},
                            "Action": "glue:AuthorizeInboundIntegration",
                            "Resource": [CATALOG, LAKE],
                            "Condition": {
                                "StringEquals": {
                                    "aws:SourceArn": [table_arn(n) for n in TABLES if n != MISSING]
                                }
                            },
                        },
                    ],
                }
            }
        },
        "table_properties": {
            LAKE: {
                n: {"unnest_spec": "TOPLEVEL", "partition_spec": [], "target_table_name": n}
                for n in TABLES
                if n != "orders"
            }
        },
        "integrations": {
            "source": {integration_arn(i): integration(n, i, True) for n, i in running},
            "target": {integration_arn(i): integration(n, i, False) for n, i in running},
        },
    }
    # The healthy fixture's integration of orders is replaced by the numbered ones.
    healthy = json.load(open("fixtures/healthy/cross-account.json"))
    for side in ("source", "target"):
        for arn in healthy["integrations"][side]:
            patch["integrations"][side][arn] = None
    with open("fixtures/scenarios/twelve-tables.json", "w") as f:
        json.dump({"$extends": "../healthy/cross-account.json", "$patch": patch}, f, indent=2)
        f.write("\n")
    lines = [
        "# Twelve DynamoDB tables into one Glue database: one [[pair]] per table; the database,",
        "# the target role and the creator are the same for every pair, so they are given once.",
        "# Generated by scripts/gen-pairs-scenario.py with fixtures/scenarios/twelve-tables.json:",
        "#   zetl doctor --config fixtures/scenarios/twelve-tables.toml \\",
        "#     --from fixtures/scenarios/twelve-tables.json",
        f'target_database = "{LAKE}"',
        f'target_role = "{ROLE}"',
        f'source_principal = "{CREATOR}"',
        "concurrency = 8",
    ]
    for n in TABLES:
        lines += ["", "[[pair]]", f'source_table = "{table_arn(n)}"']
    with open("fixtures/scenarios/twelve-tables.toml", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    os.chdir(os.path.join(os.path.dirname(__file__), ".."))
    main()
