"""Builds the healthy cross-account zero-ETL setup in a moto server.

Usage: setup_healthy.py ENDPOINT [catalog-policy]   (e.g. http://127.0.0.1:5123)

Without a second argument it builds everything except the Data Catalog resource policy (so a
first collection sees "no catalog policy"); with `catalog-policy` it only adds that policy.

Source account 111111111111: table `orders` (PITR on, KMS encryption, a resource policy
letting Glue export), creator role `zetl-creator`. Target account 222222222222: database
`lake` located in bucket `zetl-lake-222222222222`, a catalog policy, bucket policy and
encryption, target role `zetl-target-role` (trust glue, inline + managed policy), a Lake
Formation registered location. Each account is reached through sts:AssumeRole into
`arn:aws:iam::ACCOUNT:role/zetl-read`, as the doctor does. Prints the names as JSON.
"""

import json
import sys

import boto3

SRC, TGT, REGION = "111111111111", "222222222222", "us-east-1"


def session(endpoint, account):
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION)
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/zetl-read", RoleSessionName="zetl-setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def catalog_policy(endpoint):
    tgt = session(endpoint, TGT)
    policy = doc(
        [
            {
                "Sid": "AllowSourceAccountToCreateInbound",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{SRC}:root"},
                "Action": "glue:CreateInboundIntegration",
                "Resource": [
                    f"arn:aws:glue:{REGION}:{TGT}:catalog",
                    f"arn:aws:glue:{REGION}:{TGT}:database/lake",
                ],
            },
            {
                "Sid": "AllowGlueToAuthorizeInbound",
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "glue:AuthorizeInboundIntegration",
                "Resource": [
                    f"arn:aws:glue:{REGION}:{TGT}:catalog",
                    f"arn:aws:glue:{REGION}:{TGT}:database/lake",
                ],
                "Condition": {
                    "StringEquals": {
                        "aws:SourceArn": f"arn:aws:dynamodb:{REGION}:{SRC}:table/orders"
                    }
                },
            },
        ]
    )
    tgt.client("glue", endpoint_url=endpoint).put_resource_policy(PolicyInJson=policy)
    print(json.dumps({"catalog_policy": json.loads(policy)}))


def main(endpoint):
    src = session(endpoint, SRC)
    tgt = session(endpoint, TGT)
    c = lambda s, name: s.client(name, endpoint_url=endpoint)  # noqa: E731

    table_arn = f"arn:aws:dynamodb:{REGION}:{SRC}:table/orders"
    database_arn = f"arn:aws:glue:{REGION}:{TGT}:database/lake"
    integration_arn = f"arn:aws:glue:{REGION}:{SRC}:integration:*"
    bucket = f"zetl-lake-{TGT}"

    # ---- source account
    ddb = c(src, "dynamodb")
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
    )
    ddb.update_continuous_backups(
        TableName="orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    table_policy = doc(
        [
            {
                "Sid": "AllowGlueExport",
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
                    "StringLike": {"aws:SourceArn": integration_arn},
                },
            }
        ]
    )
    ddb.put_resource_policy(ResourceArn=table_arn, Policy=table_policy)

    iam_src = c(src, "iam")
    iam_src.create_role(
        RoleName="zetl-creator",
        AssumeRolePolicyDocument=doc(
            [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SRC}:root"}, "Action": "sts:AssumeRole"}]
        ),
    )
    iam_src.put_role_policy(
        RoleName="zetl-creator",
        PolicyName="create-integration",
        PolicyDocument=doc(
            [
                {
                    "Effect": "Allow",
                    "Action": ["glue:CreateIntegration", "glue:DescribeIntegrations"],
                    "Resource": "*",
                }
            ]
        ),
    )

    # ---- target account
    s3 = c(tgt, "s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    bucket_policy = doc(
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
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=bucket_policy)

    glue = c(tgt, "glue")
    glue.create_database(
        DatabaseInput={"Name": "lake", "LocationUri": f"s3://{bucket}/lake/"}
    )

    iam_tgt = c(tgt, "iam")
    iam_tgt.create_role(
        RoleName="zetl-target-role",
        Path="/service-role/",
        AssumeRolePolicyDocument=doc(
            [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        ),
    )
    iam_tgt.put_role_policy(
        RoleName="zetl-target-role",
        PolicyName="write-lake",
        PolicyDocument=doc(
            [
                {
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket"],
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                }
            ]
        ),
    )
    managed = iam_tgt.create_policy(
        PolicyName="zetl-glue-catalog",
        PolicyDocument=doc(
            [
                {
                    "Effect": "Allow",
                    "Action": ["glue:GetDatabase", "glue:CreateTable", "glue:UpdateTable", "glue:GetTable"],
                    "Resource": "*",
                }
            ]
        ),
    )["Policy"]["Arn"]
    iam_tgt.attach_role_policy(RoleName="zetl-target-role", PolicyArn=managed)

    lf = c(tgt, "lakeformation")
    lf.register_resource(ResourceArn=f"arn:aws:s3:::{bucket}", UseServiceLinkedRole=True)

    print(
        json.dumps(
            {
                "table_arn": table_arn,
                "database_arn": database_arn,
                "bucket": bucket,
                "table_policy": json.loads(table_policy),
                "bucket_policy": json.loads(bucket_policy),
                "managed_policy_arn": managed,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[2:] == ["catalog-policy"]:
        catalog_policy(sys.argv[1])
    else:
        main(sys.argv[1])
