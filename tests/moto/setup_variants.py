"""Builds zero-ETL setups in a moto server: the healthy cross-account setup, or that setup with
one thing broken (a "variant"). Each setup lives in its own pair of accounts, so many variants
share one moto server without resets and can be checked in parallel.

Usage: setup_variants.py ENDPOINT VARIANT:SRC:TGT [VARIANT:SRC:TGT ...]
  e.g. setup_variants.py http://127.0.0.1:5123 healthy:111111111101:222222222201
Prints {"VARIANT": {names...}} as JSON. Variants: see VARIANTS below.

The healthy setup follows fixtures/healthy/cross-account.json (the seed guide's policies):
source table `orders` (PITR on, a customer-managed KMS key whose policy names Glue, a table
policy letting Glue export, scoped with SourceAccount + an ArnLike integration SourceArn),
creator role `zetl-creator`
(CreateIntegration + CreateInboundIntegration on the target catalog and database); target
database `lake` in bucket `zetl-lake-TGT` (SSE-S3, a TLS-only bucket policy), a catalog policy
(the creator may CreateInboundIntegration, Glue may AuthorizeInboundIntegration for the
table), target role `service-role/zetl-target-role` (trusts Glue; S3 inline policy, Glue /
CloudWatch / logs in a managed policy), new tables handed to IAM_ALLOWED_PRINCIPALS. Each
account is reached through sts:AssumeRole into `arn:aws:iam::ACCOUNT:role/zetl-read`, as the
doctor does.

Variants `tables-N` and `tables-N-missing-last` (N a number) are the `integrated` setup with
N source tables (`orders`, `table001`, ... sharing one KMS key) into the one database, as a
team landing many tables in one lake has them: one catalog policy whose two statements list
every table in their `aws:SourceArn` conditions (`-missing-last`: the Glue statement lacks the
last table), one target role, one creator. The output lists `source_tables` and
`integration_arns` (one per table).

Variant `integrated` is the healthy setup as it is once an integration runs, as far as moto
can hold it: the source account's `zetl-read` role (the doctor's own) is also the console
principal, allowed to read Redshift Serverless. moto has no Glue integration API, no Redshift
Serverless and does not speak the CBOR protocol the SDK uses for CloudWatch: the setup prints
the integration's ARN, and whoever answers those APIs (scripts/delay-proxy.py in the
benchmark) answers with that integration and its LastSyncTimestamp metric.
"""

import json
import re
import sys

import boto3

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"

VARIANTS = [
    "healthy",
    "integrated",
    "pitr-off",
    "table-policy-missing",
    "table-policy-target-account",
    "table-policy-string-equals-wildcard",
    "table-policy-explicit-deny",
    "aws-managed-key",
    "database-without-location",
    "bucket-other-region",
    "catalog-policy-missing",
    "catalog-policy-without-authorize",
    "catalog-policy-without-create-inbound",
    "role-missing",
    "role-wrong-trust",
    "role-without-s3-write",
    "creator-without-create-integration",
    "creator-without-create-inbound",
]


# One botocore session for every client: service models are loaded once, not per account.
BOTO = boto3.Session(region_name=REGION)


class Account:
    """Clients for one account, through sts:AssumeRole as the doctor reaches it."""

    def __init__(self, endpoint, account):
        sts = BOTO.client("sts", endpoint_url=endpoint)
        self.creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/zetl-read", RoleSessionName="zetl-setup"
        )["Credentials"]
        self.endpoint = endpoint

    def client(self, service, region_name=REGION):
        return BOTO.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region_name,
            aws_access_key_id=self.creds["AccessKeyId"],
            aws_secret_access_key=self.creds["SecretAccessKey"],
            aws_session_token=self.creds["SessionToken"],
        )


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


MANY = re.compile(r"^tables-(\d+)(-missing-last)?$")


def table_names(variant):
    """The source tables of a variant: `orders`, then `table001`, ... for `tables-N`."""
    many = MANY.match(variant)
    count = int(many.group(1)) if many else 1
    return ["orders"] + [f"table{i:03d}" for i in range(1, count)]


def table_policy(variant, src, tgt, table_arn):
    """The table policy of the seed guide, or the variant's broken one (None: no policy)."""
    if variant == "table-policy-missing":
        return None
    account, arn_op = src, "ArnLike"
    if variant == "table-policy-target-account":
        # The mistake people make: the target account in SourceAccount and SourceArn.
        account = tgt
    if variant == "table-policy-string-equals-wildcard":
        # StringEquals never globs: `integration:*` matches no real integration ARN.
        arn_op = "StringEquals"
    statements = [
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
                "StringEquals": {"aws:SourceAccount": account},
                arn_op: {"aws:SourceArn": f"arn:aws:glue:{REGION}:{account}:integration:*"},
            },
        }
    ]
    if variant == "table-policy-explicit-deny":
        statements.append(
            {
                "Sid": "NoExports",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "dynamodb:ExportTableToPointInTime",
                "Resource": table_arn,
            }
        )
    return doc(statements)


def creator_policy(variant, tgt):
    manage = ["glue:CreateIntegration", "glue:DescribeIntegrations", "glue:ModifyIntegration"]
    if variant == "creator-without-create-integration":
        manage.remove("glue:CreateIntegration")
    statements = [{"Sid": "ManageIntegrations", "Effect": "Allow", "Action": manage, "Resource": "*"}]
    if variant != "creator-without-create-inbound":
        statements.append(
            {
                "Sid": "CreateInboundIntegrationOnTarget",
                "Effect": "Allow",
                "Action": "glue:CreateInboundIntegration",
                "Resource": [
                    f"arn:aws:glue:{REGION}:{tgt}:catalog",
                    f"arn:aws:glue:{REGION}:{tgt}:database/lake",
                ],
            }
        )
    return doc(statements)


def catalog_policy(variant, src, tgt, table_arn, creator_arn):
    """`table_arn`: one ARN, or the list of every table's (the `tables-N` variants)."""
    if variant == "catalog-policy-missing":
        return None
    targets = [f"arn:aws:glue:{REGION}:{tgt}:catalog", f"arn:aws:glue:{REGION}:{tgt}:database/lake"]
    authorized = table_arn
    if isinstance(table_arn, list) and variant.endswith("-missing-last"):
        authorized = table_arn[:-1]
    statements = []
    if variant != "catalog-policy-without-create-inbound":
        statements.append(
            {
                "Sid": "AllowCreatorToCreateInbound",
                "Effect": "Allow",
                "Principal": {"AWS": [creator_arn]},
                "Action": "glue:CreateInboundIntegration",
                "Resource": targets,
                "Condition": {"StringLike": {"aws:SourceArn": table_arn}},
            }
        )
    if variant != "catalog-policy-without-authorize":
        statements.append(
            {
                "Sid": "AllowGlueToAuthorizeInbound",
                "Effect": "Allow",
                "Principal": {"Service": ["glue.amazonaws.com"]},
                "Action": "glue:AuthorizeInboundIntegration",
                "Resource": targets,
                "Condition": {"StringEquals": {"aws:SourceArn": authorized}},
            }
        )
    return doc(statements)


def key_policy(src):
    """The account may manage the key; Glue may use it for this account's integrations."""
    return doc(
        [
            {
                "Sid": "Root",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{src}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "GlueZeroEtl",
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": src}},
            },
        ]
    )


def build_source(endpoint, variant, src, tgt):
    """Returns the table ARN (the list of them for `tables-N`) and the creator's ARN."""
    s = Account(endpoint, src)
    creator_arn = f"arn:aws:iam::{src}:role/zetl-creator"

    if variant == "aws-managed-key":
        # No key id: DynamoDB uses the AWS-managed key alias/aws/dynamodb (moto reports it
        # with KeyManager CUSTOMER; the alias tells the truth).
        sse = {"Enabled": True, "SSEType": "KMS"}
    else:
        key = s.client("kms").create_key(Description="orders table key", Policy=key_policy(src))
        sse = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key["KeyMetadata"]["Arn"]}
    ddb = s.client("dynamodb")
    table_arns = []
    for name in table_names(variant):
        table_arn = f"arn:aws:dynamodb:{REGION}:{src}:table/{name}"
        table_arns.append(table_arn)
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            SSESpecification=sse,
        )
        ddb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": variant != "pitr-off"},
        )
        policy = table_policy(variant, src, tgt, table_arn)
        if policy is not None:
            ddb.put_resource_policy(ResourceArn=table_arn, Policy=policy)
    if MANY.match(variant):
        table_arn = table_arns

    iam = s.client("iam")
    iam.create_role(
        RoleName="zetl-creator",
        AssumeRolePolicyDocument=doc(
            [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{src}:root"}, "Action": "sts:AssumeRole"}]
        ),
    )
    iam.put_role_policy(
        RoleName="zetl-creator",
        PolicyName="create-integration",
        PolicyDocument=creator_policy(variant, tgt),
    )
    return table_arn, creator_arn


def build_target(endpoint, variant, src, tgt, table_arn, creator_arn):
    s = Account(endpoint, tgt)
    bucket = f"zetl-lake-{tgt}"
    bucket_region = OTHER_REGION if variant == "bucket-other-region" else REGION

    s3 = s.client("s3", region_name=bucket_region)
    if bucket_region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": bucket_region})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=doc(
            [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
        ),
    )

    glue = s.client("glue")
    database = {
        "Name": "lake",
        # What the console sets on a new database: IAM, not Lake Formation, governs its tables.
        "CreateTableDefaultPermissions": [
            {"Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": ["ALL"]}
        ],
    }
    if variant != "database-without-location":
        database["LocationUri"] = f"s3://{bucket}/lake/"
    glue.create_database(DatabaseInput=database)
    policy = catalog_policy(variant, src, tgt, table_arn, creator_arn)
    if policy is not None:
        glue.put_resource_policy(PolicyInJson=policy)

    if variant != "role-missing":
        build_target_role(s.client("iam"), variant, tgt, bucket)

    s.client("lakeformation").register_resource(
        ResourceArn=f"arn:aws:s3:::{bucket}", UseServiceLinkedRole=True
    )
    return bucket


def build_target_role(iam, variant, tgt, bucket):
    trusted = "lambda.amazonaws.com" if variant == "role-wrong-trust" else "glue.amazonaws.com"
    iam.create_role(
        RoleName="zetl-target-role",
        Path="/service-role/",
        AssumeRolePolicyDocument=doc(
            [{"Effect": "Allow", "Principal": {"Service": trusted}, "Action": "sts:AssumeRole"}]
        ),
    )
    objects = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    if variant == "role-without-s3-write":
        objects = ["s3:GetObject"]
    iam.put_role_policy(
        RoleName="zetl-target-role",
        PolicyName="write-lake",
        PolicyDocument=doc(
            [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"},
                {"Effect": "Allow", "Action": objects, "Resource": f"arn:aws:s3:::{bucket}/lake/*"},
            ]
        ),
    )
    glue_resources = [
        f"arn:aws:glue:{REGION}:{tgt}:catalog",
        f"arn:aws:glue:{REGION}:{tgt}:database/lake",
        f"arn:aws:glue:{REGION}:{tgt}:table/lake/*",
    ]
    managed = iam.create_policy(
        PolicyName="zetl-target-catalog",
        PolicyDocument=doc(
            [
                {
                    "Effect": "Allow",
                    "Action": [
                        "glue:GetDatabase",
                        "glue:CreateTable",
                        "glue:GetTable",
                        "glue:GetTables",
                        "glue:DeleteTable",
                        "glue:UpdateTable",
                        "glue:GetTableVersion",
                        "glue:GetTableVersions",
                        "glue:GetResourcePolicy",
                    ],
                    "Resource": glue_resources,
                },
                {
                    "Effect": "Allow",
                    "Action": "cloudwatch:PutMetricData",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"cloudwatch:namespace": "AWS/Glue/ZeroETL"}},
                },
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"arn:aws:logs:{REGION}:{tgt}:log-group:/aws-glue/*",
                },
            ]
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="zetl-target-role", PolicyArn=managed)


def integration_arn(src, index=0):
    """The integration of the source's `index`-th table (what the benchmark's proxy answers)."""
    if index == 0:
        return f"arn:aws:glue:{REGION}:{src}:integration:0f1e2d3c-4b5a-6978-8a9b-{src}"
    return f"arn:aws:glue:{REGION}:{src}:integration:0f1e2d3c-4b5a-{index:04d}-8a9b-{src}"


def build_integrated(endpoint, src):
    """The console principal: the doctor's own role in the source account."""
    s = Account(endpoint, src)
    s.client("iam").create_role(
        RoleName="zetl-read",
        AssumeRolePolicyDocument=doc(
            [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{src}:root"}, "Action": "sts:AssumeRole"}]
        ),
    )
    s.client("iam").put_role_policy(
        RoleName="zetl-read",
        PolicyName="zero-etl-console",
        PolicyDocument=doc(
            [
                {
                    "Effect": "Allow",
                    "Action": [
                        "redshift-serverless:ListNamespaces",
                        "redshift-serverless:ListWorkgroups",
                        "redshift-serverless:GetNamespace",
                        "redshift-serverless:GetWorkgroup",
                    ],
                    "Resource": "*",
                }
            ]
        ),
    )


def build(endpoint, variant, src, tgt):
    if variant not in VARIANTS and not MANY.match(variant):
        raise SystemExit(
            f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}, tables-N, "
            "tables-N-missing-last"
        )
    table_arn, creator_arn = build_source(endpoint, variant, src, tgt)
    bucket = build_target(endpoint, variant, src, tgt, table_arn, creator_arn)
    extra = {}
    if variant == "integrated" or MANY.match(variant):
        build_integrated(endpoint, src)
        extra = {
            "integration_arn": integration_arn(src),
            "console_principal": f"arn:aws:iam::{src}:role/zetl-read",
        }
    if MANY.match(variant):
        extra["source_tables"] = table_arn
        extra["integration_arns"] = [integration_arn(src, i) for i in range(len(table_arn))]
        table_arn = table_arn[0]
    return {
        **extra,
        "source_table": table_arn,
        "target_database": f"arn:aws:glue:{REGION}:{tgt}:database/lake",
        "target_role": f"arn:aws:iam::{tgt}:role/zetl-target-role",
        "source_principal": creator_arn,
        "source_role_arn": f"arn:aws:iam::{src}:role/zetl-read",
        "target_role_arn": f"arn:aws:iam::{tgt}:role/zetl-read",
        "bucket": bucket,
    }


def main(endpoint, specs):
    built = {}
    for spec in specs:
        variant, src, tgt = spec.split(":")
        built[variant] = build(endpoint, variant, src, tgt)
    print(json.dumps(built))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2:])
