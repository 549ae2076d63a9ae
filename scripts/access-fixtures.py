"""Writes fixtures/rules/<ID>/{fail,pass}*.json as $extends + $patch over a healthy snapshot.
Usage: gen.py REPO BASE_REL (BASE_REL relative to fixtures/, e.g. healthy/cross-account.json)"""
import json, sys, os, copy

repo, base_rel = sys.argv[1], sys.argv[2]
seed_rel = sys.argv[3] if len(sys.argv) > 3 else None
base = json.load(open(os.path.join(repo, "fixtures", base_rel)))
pair = base["setup"]["pairs"][0]
TABLE = pair["source_table"]; DB = pair["target_database"]; ROLE = pair["target_role"]
CREATOR = base["setup"]["source_principal"]
_, _, _, R, SRC, _ = TABLE.split(":", 5)
_, _, _, TR, TGT, dbres = DB.split(":", 5)
DBNAME = dbres.split("/", 1)[1]
CATALOG = f"arn:aws:glue:{TR}:{TGT}:catalog"
loc = base["databases"][DB]["location_uri"][5:]
BUCKET, _, PREFIX = loc.partition("/"); PREFIX = PREFIX.strip("/")
FOLDER = f"{PREFIX}/" if PREFIX else ""
TBL = TABLE.split("table/", 1)[1]
INT_PATTERN = f"arn:aws:glue:{R}:{SRC}:integration:*"

def table_policy(stmts): return {"tables": {TABLE: {"resource_policy": {"policy": {"Version": "2012-10-17", "Statement": stmts}}}}}
def catalog_policy(stmts): return {"catalog_policies": {CATALOG: {"policy": {"Version": "2012-10-17", "Statement": stmts}}}}
def inline(principal, name, stmts): return {"principals": {principal: {"inline_policies": [{"name": name, "document": {"Version": "2012-10-17", "Statement": stmts}}]}}}
def merge(*ps):
    out = {}
    def m(a, b):
        for k, v in b.items():
            if isinstance(v, dict) and isinstance(a.get(k), dict): m(a[k], v)
            else: a[k] = copy.deepcopy(v)
    for p in ps: m(out, p)
    return out

GLUE = {"Service": "glue.amazonaws.com"}
EXPORT3 = ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"]
DOC_TABLE_STMT = {"Sid": "AllowGlueZeroETL", "Effect": "Allow", "Principal": GLUE, "Action": EXPORT3, "Resource": "*",
    "Condition": {"StringEquals": {"aws:SourceAccount": SRC}, "ArnLike": {"aws:SourceArn": INT_PATTERN}}}
ROOT_GRANT = {"Sid": "SourceAccountCreates", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SRC}:root"},
    "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB]}
AUTHORIZE = {"Sid": "GlueAuthorizes", "Effect": "Allow", "Principal": GLUE, "Action": "glue:AuthorizeInboundIntegration", "Resource": [CATALOG, DB]}
ROLE_S3 = [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
           {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": f"arn:aws:s3:::{BUCKET}/{FOLDER}*"}]
ROLE_GLUE = [{"Effect": "Allow", "Action": "glue:GetDatabase", "Resource": [CATALOG, DB]},
             {"Effect": "Allow", "Action": ["glue:CreateTable", "glue:GetTable", "glue:GetTables", "glue:DeleteTable", "glue:UpdateTable"],
              "Resource": [CATALOG, DB, f"arn:aws:glue:{TR}:{TGT}:table/{DBNAME}/*"]}]
ROLE_OBS = [{"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*", "Condition": {"StringEquals": {"cloudwatch:namespace": "AWS/Glue/ZeroETL"}}},
            {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]
KEY = f"arn:aws:kms:{TR}:{TGT}:key/11111111-2222-3333-4444-555555555555"
SKEY = f"arn:aws:kms:{R}:{SRC}:key/66666666-7777-8888-9999-000000000000"
def key(arn, acct, stmts): return {"kms_keys": {arn: {"metadata": {"key_id": arn.rsplit('/',1)[1], "arn": arn, "key_manager": "CUSTOMER", "key_state": "Enabled"},
    "policy": {"Version": "2012-10-17", "Statement": stmts}}}}
KEY_ROOT = lambda acct: {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": "kms:*", "Resource": "*"}
CONSOLE = f"arn:aws:iam::{SRC}:role/console-user"
CONFIGURER = f"arn:aws:iam::{TGT}:role/lake-admin"
def principal(arn, stmts, kind="role"):
    return {"principals": {arn: {"arn": arn, "kind": kind, "inline_policies": [{"name": "p", "document": {"Version": "2012-10-17", "Statement": stmts}}],
        "attached_policies": [],
        # A merge patch cannot write null (RFC 7396 deletes the key), so "no boundary" is
        # written as a boundary that allows everything: the same decisions.
        "permissions_boundary": {"arn": f"arn:aws:iam::{arn.split(':')[4]}:policy/allow-all-boundary",
            "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}}}

F = {}  # (rule, name) -> patch
F["ZS004", "fail"] = table_policy([dict(DOC_TABLE_STMT, Action=EXPORT3[:2])])
F["ZS004", "pass"] = table_policy([dict(DOC_TABLE_STMT, Action=EXPORT3[:2], Resource=TABLE),
    dict(DOC_TABLE_STMT, Sid="DescribeExports", Action="dynamodb:DescribeExport", Resource=f"{TABLE}/export/*")])
F["ZS005", "fail"] = table_policy([dict(DOC_TABLE_STMT, Condition={"StringEquals": {"aws:SourceAccount": TGT}, "ArnLike": {"aws:SourceArn": f"arn:aws:glue:{R}:{TGT}:integration:*"}})])
F["ZS005", "fail-string-equals-wildcard"] = table_policy([dict(DOC_TABLE_STMT, Condition={"StringEquals": {"aws:SourceAccount": SRC, "aws:SourceArn": INT_PATTERN}})])
F["ZS005", "pass"] = table_policy([dict(DOC_TABLE_STMT, Condition={"StringEquals": {"aws:SourceAccount": SRC}, "StringLike": {"aws:SourceArn": INT_PATTERN}})])
F["ZS006", "fail"] = table_policy([{k: v for k, v in DOC_TABLE_STMT.items() if k != "Condition"}])
F["ZS006", "pass"] = table_policy([dict(DOC_TABLE_STMT, Condition={"StringLike": {"aws:SourceArn": INT_PATTERN}})])
F["ZS007", "fail"] = table_policy([DOC_TABLE_STMT, {"Sid": "NoExports", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:ExportTableToPointInTime", "Resource": "*"}])
F["ZS007", "pass"] = table_policy([DOC_TABLE_STMT, {"Sid": "DataPerimeter", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:*", "Resource": "*",
    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abcd123456"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}])
F["ZS011", "fail"] = merge({"tables": {TABLE: {"description": {"sse_description": {"status": "ENABLED", "sse_type": "KMS", "kms_master_key_arn": SKEY}}}}}, key(SKEY, SRC, [KEY_ROOT(SRC)]))
F["ZS011", "pass"] = merge({"tables": {TABLE: {"description": {"sse_description": {"status": "ENABLED", "sse_type": "KMS", "kms_master_key_arn": SKEY}}}}},
    key(SKEY, SRC, [KEY_ROOT(SRC), {"Sid": "Glue", "Effect": "Allow", "Principal": GLUE, "Action": "kms:Decrypt", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": SRC}}}]))
F["ZT005", "fail"] = catalog_policy([dict(ROOT_GRANT, Principal={"AWS": f"arn:aws:iam::{SRC}:role/someone-else"}), AUTHORIZE])
F["ZT005", "pass"] = catalog_policy([ROOT_GRANT, AUTHORIZE])
F["ZT006", "fail"] = catalog_policy([ROOT_GRANT])
F["ZT006", "pass"] = catalog_policy([ROOT_GRANT, AUTHORIZE])
F["ZT007", "fail"] = catalog_policy([{"Sid": "WholeSourceAccount", "Effect": "Allow", "Principal": {"AWS": SRC}, "Action": "glue:*", "Resource": "*"}, AUTHORIZE])
F["ZT007", "pass"] = catalog_policy([ROOT_GRANT, AUTHORIZE])
F["ZT009", "fail"] = {"principals": {ROLE: {"trust_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}}
F["ZT009", "pass"] = {"principals": {ROLE: {"trust_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["glue.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}]}}}}
F["ZT010", "fail"] = inline(ROLE, "zero-etl-target", [ROLE_S3[0], dict(ROLE_S3[1], Action="s3:GetObject")] + ROLE_GLUE + ROLE_OBS)
F["ZT010", "pass"] = inline(ROLE, "zero-etl-target", [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]}] + ROLE_GLUE + ROLE_OBS)
F["ZT011", "fail"] = inline(ROLE, "zero-etl-target", ROLE_S3 + [ROLE_GLUE[0]] + ROLE_OBS)
F["ZT011", "pass"] = inline(ROLE, "zero-etl-target", ROLE_S3 + [{"Effect": "Allow", "Action": "glue:*", "Resource": [CATALOG, DB, f"arn:aws:glue:{TR}:{TGT}:table/{DBNAME}/*"]}] + ROLE_OBS)
F["ZT012", "fail"] = inline(ROLE, "zero-etl-target", ROLE_S3 + ROLE_GLUE)
F["ZT012", "pass"] = inline(ROLE, "zero-etl-target", ROLE_S3 + ROLE_GLUE + [ROLE_OBS[0], dict(ROLE_OBS[1], Resource="arn:aws:logs:*:*:log-group:/aws-glue/*")])
F["ZT015", "fail"] = merge({"resource_properties": {DB: {"kms_arn": KEY}}}, key(KEY, TGT, [KEY_ROOT(TGT)]))
F["ZT015", "pass"] = merge({"resource_properties": {DB: {"kms_arn": KEY}}}, key(KEY, TGT, [KEY_ROOT(TGT)]),
    inline(ROLE, "zero-etl-target", ROLE_S3 + ROLE_GLUE + ROLE_OBS + [{"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": KEY}]))
F["ZT016", "fail"] = catalog_policy([ROOT_GRANT, AUTHORIZE, {"Effect": "Allow", "Principal": GLUE, "Action": ["glue:UpdateTable", "glue:CreateTable", "glue:GetDatabase", "glue:GetTable"], "Resource": [DB, f"arn:aws:glue:{TR}:{TGT}:table/{DBNAME}/*"]}])
F["ZT016", "pass"] = catalog_policy([ROOT_GRANT, AUTHORIZE])
F["ZT017", "fail"] = merge({"buckets": {BUCKET: {"encryption": {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY}}}}, key(KEY, TGT, [KEY_ROOT(TGT)]))
F["ZT017", "pass"] = merge({"buckets": {BUCKET: {"encryption": {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY}}}}, key(KEY, TGT, [KEY_ROOT(TGT)]),
    inline(ROLE, "zero-etl-target", ROLE_S3 + ROLE_GLUE + ROLE_OBS + [{"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": KEY}]))
F["ZP001", "fail"] = inline(CREATOR, "zero-etl-create", [{"Effect": "Allow", "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB]}])
F["ZP001", "pass"] = inline(CREATOR, "zero-etl-create", [{"Effect": "Allow", "Action": "glue:CreateIntegration", "Resource": f"arn:aws:glue:{R}:{SRC}:integration:*"},
    {"Effect": "Allow", "Action": "glue:CreateInboundIntegration", "Resource": [CATALOG, DB]}])
F["ZP002", "fail"] = merge(catalog_policy([ROOT_GRANT, AUTHORIZE]), inline(CREATOR, "zero-etl-create", [{"Effect": "Allow", "Action": "glue:CreateIntegration", "Resource": "*"}]))
F["ZP002", "pass"] = merge(catalog_policy([ROOT_GRANT, AUTHORIZE]), inline(CREATOR, "zero-etl-create", [{"Effect": "Allow", "Action": ["glue:CreateIntegration", "glue:CreateInboundIntegration"], "Resource": "*"}]))
F["ZP003", "fail"] = F["ZT005", "fail"]
F["ZP003", "pass"] = catalog_policy([dict(ROOT_GRANT, Principal={"AWS": [f"arn:aws:iam::{SRC}:role/someone-else", CREATOR]}), AUTHORIZE])
F["ZP004", "fail"] = merge({"setup": {"console_principal": CONSOLE}}, principal(CONSOLE, [{"Effect": "Allow", "Action": "glue:*", "Resource": "*"}]),
    {"probes": [{"principal": f"arn:aws:sts::{SRC}:assumed-role/console-user/alice", "action": "redshift-serverless:ListNamespaces", "allowed": False,
                 "message": "User is not authorized to perform: redshift-serverless:ListNamespaces"}]})
F["ZP004", "pass"] = merge({"setup": {"console_principal": CONSOLE}}, principal(CONSOLE, [{"Effect": "Allow", "Action": ["glue:*", "redshift-serverless:List*", "redshift-serverless:Get*"], "Resource": "*"}]))
F["ZP005", "fail"] = merge({"setup": {"target_principal": CONFIGURER}}, principal(CONFIGURER, [{"Effect": "Allow", "Action": "glue:*", "Resource": "*"}]))
F["ZP005", "pass"] = merge({"setup": {"target_principal": CONFIGURER}}, principal(CONFIGURER, [{"Effect": "Allow", "Action": "glue:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE, "Condition": {"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}}]))
F["ZC002", "fail"] = catalog_policy([dict(ROOT_GRANT, Principal={"AWS": "AROAEXAMPLEDELETED001"}), AUTHORIZE, ROOT_GRANT])
F["ZC002", "pass"] = catalog_policy([ROOT_GRANT, AUTHORIZE])
F["ZC003", "fail"] = catalog_policy([ROOT_GRANT, AUTHORIZE, {"Effect": "Allow", "Principal": GLUE, "Action": ["glue:GetTable"], "Resource": [DB, f"arn:aws:glue:{TR}:{TGT}:table/{TBL}"]}])
F["ZC003", "pass"] = catalog_policy([ROOT_GRANT, AUTHORIZE])

for (rule, name), patch in F.items():
    d = os.path.join(repo, "fixtures", "rules", rule)
    os.makedirs(d, exist_ok=True)
    doc = {"$extends": "../../" + base_rel, "$patch": patch}
    with open(os.path.join(d, name + ".json"), "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False); f.write("\n")

# Rules whose failure needs a null value (a merge patch cannot set one): full copies.
def full(rule, mutate):
    d = os.path.join(repo, "fixtures", "rules", rule); os.makedirs(d, exist_ok=True)
    snap = copy.deepcopy(base); mutate(snap)
    with open(os.path.join(d, "fail.json"), "w") as f:
        json.dump(snap, f, indent=2, ensure_ascii=False); f.write("\n")
    with open(os.path.join(d, "pass.json"), "w") as f:
        json.dump({"$extends": "../../" + base_rel, "$patch": {}}, f, indent=2); f.write("\n")
full("ZS003", lambda s: s["tables"][TABLE].__setitem__("resource_policy", None))
full("ZT004", lambda s: s["catalog_policies"].__setitem__(CATALOG, None))
print("wrote", len(F) + 4, "fixtures")
