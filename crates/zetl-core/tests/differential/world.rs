//! The small AWS world the differential cases are drawn from: accounts, principals, the
//! action/resource/condition-key combinations the Service Authorization Reference lists (the
//! oracle refuses or silently drops anything else), and value pools small enough that
//! conditions match often.

pub const OWNER: &str = "111111111111"; // owns every resource
pub const PARTNER: &str = "222222222222"; // the usual cross-account caller
pub const STRANGER: &str = "333333333333";
pub const ACCOUNTS: [&str; 3] = [OWNER, PARTNER, STRANGER];
/// Glue's service-linked role in the owner account (path `/aws-service-role/`).
pub const SERVICE_LINKED_ROLE: &str =
    "arn:aws:iam::111111111111:role/aws-service-role/glue.amazonaws.com/AWSServiceRoleForGlue";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    Role,
    Session,
    Root,
    Service,
    Anonymous,
}

impl PrincipalKind {
    pub fn tag(self) -> &'static str {
        match self {
            PrincipalKind::User => "principal:user",
            PrincipalKind::Role => "principal:role",
            PrincipalKind::Session => "principal:session",
            PrincipalKind::Root => "principal:root",
            PrincipalKind::Service => "principal:service",
            PrincipalKind::Anonymous => "principal:anonymous",
        }
    }

    /// Principals that carry identity policies and permission boundaries.
    pub fn is_iam_identity(self) -> bool {
        matches!(
            self,
            PrincipalKind::User | PrincipalKind::Role | PrincipalKind::Session
        )
    }
}

/// The request principal and what AWS knows about it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub kind: PrincipalKind,
    /// As written in the case (`*` for anonymous).
    pub principal: String,
    pub account: Option<String>,
    /// `aws:PrincipalArn` (a session's role ARN).
    pub principal_arn: Option<String>,
    /// The role a session belongs to (for Principal elements naming the role).
    pub role_arn: Option<String>,
    pub user_name: Option<String>,
    pub service: Option<String>,
}

pub fn caller(kind: PrincipalKind, account: &str, variant: usize, service: &str) -> Caller {
    let iam = |resource: &str| format!("arn:aws:iam::{account}:{resource}");
    let blank = Caller {
        kind,
        principal: String::new(),
        account: Some(account.to_string()),
        principal_arn: None,
        role_arn: None,
        user_name: None,
        service: None,
    };
    match kind {
        PrincipalKind::User => {
            let (path, name) = [("", "alice"), ("ops/", "bob")][variant % 2];
            let arn = iam(&format!("user/{path}{name}"));
            Caller {
                principal: arn.clone(),
                principal_arn: Some(arn),
                user_name: Some(name.to_string()),
                ..blank
            }
        }
        PrincipalKind::Role => {
            let name = ["etl", "service-role/glue-writer"][variant % 2];
            let arn = iam(&format!("role/{name}"));
            Caller {
                principal: arn.clone(),
                principal_arn: Some(arn.clone()),
                role_arn: Some(arn),
                ..blank
            }
        }
        PrincipalKind::Session => {
            // A session ARN names the role without its path; aws:PrincipalArn has it.
            let (path, role, session) = [
                ("", "etl", "alice"),
                ("", "deployer", "ci-run-7"),
                ("service-role/", "GlueJobRole", "sess"),
            ][variant % 3];
            let role_arn = iam(&format!("role/{path}{role}"));
            Caller {
                principal: format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
                principal_arn: Some(role_arn.clone()),
                role_arn: Some(role_arn),
                ..blank
            }
        }
        PrincipalKind::Root => {
            let arn = iam("root");
            Caller {
                principal: if variant.is_multiple_of(2) {
                    arn.clone()
                } else {
                    account.to_string()
                },
                principal_arn: Some(arn),
                ..blank
            }
        }
        PrincipalKind::Service => Caller {
            principal: service.to_string(),
            account: None,
            service: Some(service.to_string()),
            ..blank
        },
        PrincipalKind::Anonymous => Caller {
            principal: "*".to_string(),
            account: None,
            ..blank
        },
    }
}

/// How a condition key's values look, which picks the operators that make sense for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Str,
    Arn,
    /// ISO 8601 date-times.
    Date,
    /// Epoch seconds (a date key written as a number).
    Epoch,
    Bool,
    Num,
    Ip,
    /// A multi-valued key (a set of strings).
    Multi,
}

/// A condition key with the values requests carry and the values policies test for.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub ty: KeyType,
    pub request_values: &'static [&'static str],
    pub policy_values: &'static [&'static str],
    /// The only actions the reference lists the key for (empty: every action).
    pub only: &'static [&'static str],
}

const fn key(
    name: &'static str,
    ty: KeyType,
    request_values: &'static [&'static str],
    policy_values: &'static [&'static str],
) -> Key {
    Key {
        name,
        ty,
        request_values,
        policy_values,
        only: &[],
    }
}

/// A key the reference lists for some actions only.
const fn key_for(only: &'static [&'static str], k: Key) -> Key {
    Key { only, ..k }
}

/// Global keys every action accepts.
pub const GLOBAL_KEYS: &[Key] = &[
    key(
        "aws:SourceAccount",
        KeyType::Str,
        &[OWNER, PARTNER, STRANGER],
        &[OWNER, PARTNER, "1111*", "2222????????", "*"],
    ),
    key(
        "aws:SourceArn",
        KeyType::Arn,
        &[
            "arn:aws:glue:us-east-1:222222222222:integration:0f1e2d3c",
            "arn:aws:sns:us-east-1:111111111111:alerts",
            "arn:aws:s3:::lake-bucket",
        ],
        &[
            "arn:aws:glue:us-east-1:222222222222:integration:0f1e2d3c",
            "arn:aws:glue:*:222222222222:integration:*",
            "arn:aws:sns:us-east-1:111111111111:alerts",
            "arn:aws:s3:::lake-*",
            "arn:aws:*:*:333333333333:*",
        ],
    ),
    key(
        "aws:PrincipalTag/team",
        KeyType::Str,
        &["data", "ops", "Data"],
        &["data", "ops", "da*", "*PS"],
    ),
    key(
        "aws:RequestTag/env",
        KeyType::Str,
        &["prod", "dev", "Prod"],
        &["prod", "dev", "pr?d", "*"],
    ),
    key(
        "aws:RequestedRegion",
        KeyType::Str,
        &["us-east-1", "eu-west-1"],
        &["us-east-1", "us-*", "eu-west-1"],
    ),
    key(
        "aws:PrincipalOrgID",
        KeyType::Str,
        &["o-a1b2c3d4e5", "o-zzzzzzzzzz"],
        &["o-a1b2c3d4e5", "o-a1*"],
    ),
    key(
        "aws:CurrentTime",
        KeyType::Date,
        &[
            "2026-11-28T10:00:00Z",
            "2025-06-01T12:30:00Z",
            "2027-02-01T00:00:00Z",
        ],
        &[
            "2026-11-28T10:00:00Z",
            "2026-01-01T00:00:00Z",
            "2027-01-01T00:00:00Z",
            "2025-06-01T12:30:00Z",
        ],
    ),
    key(
        "aws:EpochTime",
        KeyType::Epoch,
        &["1764324000", "1700000000", "1800000000"],
        &["1764324000", "1750000000", "1800000000"],
    ),
    key(
        "aws:SecureTransport",
        KeyType::Bool,
        &["true", "false"],
        &["true", "false"],
    ),
    key(
        "aws:MultiFactorAuthPresent",
        KeyType::Bool,
        &["true", "false"],
        &["true", "false"],
    ),
    key(
        "aws:ViaAWSService",
        KeyType::Bool,
        &["true", "false"],
        &["true", "false"],
    ),
    key(
        "aws:MultiFactorAuthAge",
        KeyType::Num,
        &["300", "3600", "86400"],
        &["3600", "300", "43200"],
    ),
    key(
        "aws:SourceIp",
        KeyType::Ip,
        &["203.0.113.7", "198.51.100.20", "10.1.2.3", "2001:db8::1"],
        &[
            "203.0.113.0/24",
            "198.51.100.0/22",
            "10.0.0.0/8",
            "2001:db8::/32",
            "203.0.113.7/32",
            "192.0.2.0/24",
        ],
    ),
    key(
        "aws:TagKeys",
        KeyType::Multi,
        &["env", "team", "owner", "cost-center"],
        &["env", "team", "owner", "cost-*"],
    ),
    key(
        "aws:CalledVia",
        KeyType::Multi,
        &[
            "athena.amazonaws.com",
            "glue.amazonaws.com",
            "dynamodb.amazonaws.com",
        ],
        &[
            "athena.amazonaws.com",
            "glue.amazonaws.com",
            "*.amazonaws.com",
        ],
    ),
    key(
        "aws:PrincipalOrgPaths",
        KeyType::Multi,
        &[
            "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
            "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/",
        ],
        &["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*", "o-a1b2c3d4e5/*"],
    ),
];

/// Keys whose request value comes from the caller itself (AWS always sends them).
pub const PRINCIPAL_ARN_PATTERNS: &[&str] = &[
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::222222222222:role/etl",
    "arn:aws:iam::111111111111:role/*",
    "arn:aws:iam::*:user/*",
    "arn:aws:iam::222222222222:*",
    "arn:aws:iam::111111111111:root",
];

/// Which resource policy semantics the action/resource pair gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Generic,
    RoleTrust,
    KmsKey,
}

/// One service's action/resource family.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    /// Request actions (each valid on `resource`).
    pub actions: &'static [&'static str],
    /// Action entries policies use: exact, wildcards, other actions of the service.
    pub action_patterns: &'static [&'static str],
    pub resource: &'static str,
    /// Needed when the ARN has no account (S3).
    pub resource_account: Option<&'static str>,
    /// Resource entries policies use, matching or not.
    pub resource_patterns: &'static [&'static str],
    /// Service-specific keys the reference lists for these actions.
    pub keys: &'static [Key],
    pub kind: Kind,
    /// Chance of a resource policy, in percent.
    pub resource_policy_percent: u32,
    /// Service principals that call this kind of resource.
    pub services: &'static [&'static str],
    /// Resource entries with policy variables, in the resource part or (literal text for AWS)
    /// before the fifth colon.
    pub var_resources: &'static [&'static str],
    /// Keys every request of the scenario carries (each from its `request_values`).
    pub always: &'static [&'static str],
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "s3-object",
        actions: &["s3:GetObject", "s3:PutObject"],
        action_patterns: &[
            "s3:GetObject",
            "s3:PutObject",
            "s3:*",
            "s3:Get*",
            "s3:ListBucket",
            "*",
            "S3:getobject",
            "s3:*Object",
        ],
        resource: "arn:aws:s3:::lake-bucket/data/alice/part-0.parquet",
        resource_account: Some(OWNER),
        resource_patterns: &[
            "arn:aws:s3:::lake-bucket/*",
            "arn:aws:s3:::lake-bucket/data/alice/part-0.parquet",
            "arn:aws:s3:::lake-bucket",
            "arn:aws:s3:::other-bucket/*",
            "*",
            "arn:aws:s3:::lake-bucket/data/*/part-?.parquet",
            "arn:aws:s3:::lake-*/logs/*",
        ],
        keys: &[
            key_for(
                &["s3:PutObject"],
                key(
                    "s3:x-amz-acl",
                    KeyType::Str,
                    &["private", "public-read"],
                    &["private", "public-*"],
                ),
            ),
            key_for(
                &["s3:PutObject"],
                key(
                    "s3:x-amz-server-side-encryption",
                    KeyType::Str,
                    &["aws:kms", "AES256"],
                    &["aws:kms", "AES256"],
                ),
            ),
            key(
                "s3:TlsVersion",
                KeyType::Num,
                &["1.2", "1.3", "1.0"],
                &["1.2", "1.1"],
            ),
        ],
        kind: Kind::Generic,
        resource_policy_percent: 60,
        services: &["glue.amazonaws.com", "logging.s3.amazonaws.com"],
        var_resources: &["arn:aws:s3:::lake-bucket/data/${aws:username}/*"],
        always: &[],
    },
    Scenario {
        name: "s3-bucket",
        actions: &["s3:ListBucket"],
        action_patterns: &["s3:ListBucket", "s3:List*", "s3:*", "s3:GetObject", "*"],
        resource: "arn:aws:s3:::lake-bucket",
        resource_account: Some(OWNER),
        resource_patterns: &[
            "arn:aws:s3:::lake-bucket",
            "arn:aws:s3:::lake-bucket/*",
            "arn:aws:s3:::lake-*",
            "*",
            "arn:aws:s3:::other-bucket",
        ],
        keys: &[
            key(
                "s3:prefix",
                KeyType::Str,
                &["data/", "logs/", "data/alice/"],
                &["data/", "data/*", "", "logs/*"],
            ),
            key("s3:delimiter", KeyType::Str, &["/"], &["/"]),
            key(
                "s3:max-keys",
                KeyType::Num,
                &["10", "1000", "5000"],
                &["1000", "100"],
            ),
        ],
        kind: Kind::Generic,
        resource_policy_percent: 60,
        services: &["glue.amazonaws.com"],
        var_resources: &[],
        always: &[],
    },
    Scenario {
        name: "dynamodb",
        actions: &[
            "dynamodb:DescribeTable",
            "dynamodb:ExportTableToPointInTime",
            "dynamodb:GetItem",
        ],
        action_patterns: &[
            "dynamodb:DescribeTable",
            "dynamodb:ExportTableToPointInTime",
            "dynamodb:GetItem",
            "dynamodb:Describe*",
            "dynamodb:*",
            "dynamodb:PutItem",
            "*",
        ],
        resource: "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
        resource_account: None,
        resource_patterns: &[
            "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
            "arn:aws:dynamodb:*:111111111111:table/*",
            "arn:aws:dynamodb:us-east-1:111111111111:table/orders/*",
            "arn:aws:dynamodb:us-east-1:222222222222:table/orders",
            "*",
        ],
        keys: &[
            key_for(
                &["dynamodb:GetItem"],
                key(
                    "dynamodb:LeadingKeys",
                    KeyType::Multi,
                    &["alice", "bob", "carol"],
                    &["alice", "bob", "${aws:username}"],
                ),
            ),
            key_for(
                &["dynamodb:GetItem"],
                key(
                    "dynamodb:Attributes",
                    KeyType::Multi,
                    &["id", "name", "secret"],
                    &["id", "name"],
                ),
            ),
        ],
        kind: Kind::Generic,
        resource_policy_percent: 60,
        services: &["glue.amazonaws.com"],
        var_resources: &[
            "arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/orders",
            "arn:aws:dynamodb:${aws:RequestedRegion}:111111111111:table/*",
        ],
        always: &[],
    },
    Scenario {
        name: "sqs",
        actions: &["sqs:SendMessage"],
        action_patterns: &[
            "sqs:SendMessage",
            "sqs:*",
            "sqs:Send*",
            "sqs:ReceiveMessage",
            "*",
        ],
        resource: "arn:aws:sqs:us-east-1:111111111111:events",
        resource_account: None,
        resource_patterns: &[
            "arn:aws:sqs:us-east-1:111111111111:events",
            "arn:aws:sqs:*:111111111111:*",
            "arn:aws:sqs:us-east-1:111111111111:other",
            "*",
        ],
        keys: &[],
        kind: Kind::Generic,
        resource_policy_percent: 75,
        services: &[
            "sns.amazonaws.com",
            "events.amazonaws.com",
            "s3.amazonaws.com",
        ],
        var_resources: &["arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:events"],
        always: &[],
    },
    Scenario {
        name: "sns",
        actions: &["sns:Publish"],
        action_patterns: &["sns:Publish", "sns:*", "SNS:Publish", "sns:Subscribe", "*"],
        resource: "arn:aws:sns:us-east-1:111111111111:alerts",
        resource_account: None,
        resource_patterns: &[
            "arn:aws:sns:us-east-1:111111111111:alerts",
            "arn:aws:sns:us-east-1:111111111111:*",
            "arn:aws:sns:us-east-1:111111111111:other",
            "*",
        ],
        keys: &[],
        kind: Kind::Generic,
        resource_policy_percent: 75,
        services: &[
            "s3.amazonaws.com",
            "events.amazonaws.com",
            "cloudwatch.amazonaws.com",
        ],
        var_resources: &["arn:aws:sns:${aws:RequestedRegion}:111111111111:alerts"],
        always: &[],
    },
    Scenario {
        name: "kms",
        actions: &["kms:Decrypt", "kms:GenerateDataKey"],
        action_patterns: &[
            "kms:Decrypt",
            "kms:GenerateDataKey",
            "kms:GenerateDataKey*",
            "kms:*",
            "kms:Encrypt",
            "*",
        ],
        resource: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        resource_account: None,
        resource_patterns: &[
            "*",
            "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:*:111111111111:key/*",
            "arn:aws:kms:us-east-1:111111111111:key/other",
        ],
        keys: &[
            key(
                "kms:ViaService",
                KeyType::Str,
                &["glue.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"],
                &["glue.us-east-1.amazonaws.com", "*.us-east-1.amazonaws.com"],
            ),
            key(
                "kms:CallerAccount",
                KeyType::Str,
                &[OWNER, PARTNER],
                &[OWNER, PARTNER],
            ),
            key(
                "kms:EncryptionContextKeys",
                KeyType::Multi,
                &["aws:glue:integration", "project"],
                &["aws:glue:integration", "project", "aws:*"],
            ),
        ],
        kind: Kind::KmsKey,
        resource_policy_percent: 85,
        services: &["glue.amazonaws.com", "s3.amazonaws.com"],
        var_resources: &["arn:aws:kms:us-east-1:${aws:PrincipalAccount}:key/*"],
        always: &[],
    },
    Scenario {
        name: "iam",
        actions: &["iam:PassRole", "iam:GetRole"],
        action_patterns: &[
            "iam:PassRole",
            "iam:GetRole",
            "iam:*",
            "iam:Get*",
            "iam:CreateRole",
            "*",
        ],
        resource: "arn:aws:iam::111111111111:role/service-role/glue-writer",
        resource_account: None,
        resource_patterns: &[
            "arn:aws:iam::111111111111:role/service-role/glue-writer",
            "arn:aws:iam::111111111111:role/*",
            "arn:aws:iam::111111111111:role/service-role/*",
            "arn:aws:iam::111111111111:role/etl",
            "*",
        ],
        keys: &[key_for(
            &["iam:PassRole"],
            key(
                "iam:PassedToService",
                KeyType::Str,
                &["glue.amazonaws.com", "lambda.amazonaws.com"],
                &["glue.amazonaws.com", "*.amazonaws.com"],
            ),
        )],
        kind: Kind::Generic,
        resource_policy_percent: 0,
        services: &[],
        var_resources: &["arn:aws:iam::${aws:PrincipalAccount}:role/*"],
        always: &[],
    },
    Scenario {
        name: "sts",
        actions: &["sts:AssumeRole"],
        action_patterns: &[
            "sts:AssumeRole",
            "sts:*",
            "sts:AssumeRole*",
            "sts:TagSession",
            "*",
        ],
        resource: "arn:aws:iam::111111111111:role/zero-etl-target",
        resource_account: None,
        resource_patterns: &[
            "arn:aws:iam::111111111111:role/zero-etl-target",
            "arn:aws:iam::111111111111:role/*",
            "arn:aws:iam::*:role/zero-etl-*",
            "arn:aws:iam::111111111111:role/other",
            "*",
        ],
        keys: &[
            key(
                "sts:ExternalId",
                KeyType::Str,
                &["ext-123", "wrong"],
                &["ext-123", "ext-*"],
            ),
            key(
                "sts:RoleSessionName",
                KeyType::Str,
                &["alice", "ci-run-7"],
                &["${aws:username}", "ci-*", "alice"],
            ),
            key(
                "sts:SourceIdentity",
                KeyType::Str,
                &["alice", "bob"],
                &["alice", "*"],
            ),
        ],
        kind: Kind::RoleTrust,
        resource_policy_percent: 90,
        services: &["glue.amazonaws.com", "lambda.amazonaws.com"],
        var_resources: &[],
        always: &[],
    },
];

/// Requests AWS decides by its own rules above the policies (zetl's `aws_rules`): drawn less
/// often, so the policy logic keeps most of the cases.
pub const AWS_RULE_SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "sts-caller-identity",
        actions: &["sts:GetCallerIdentity"],
        action_patterns: &[
            "sts:GetCallerIdentity",
            "sts:*",
            "sts:Get*",
            "sts:AssumeRole",
            "*",
        ],
        resource: "*",
        resource_account: Some(OWNER),
        resource_patterns: &["*"],
        keys: &[],
        kind: Kind::Generic,
        resource_policy_percent: 0,
        services: &[],
        var_resources: &[],
        always: &[],
    },
    Scenario {
        name: "iam-aws-managed-policy",
        actions: &[
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:SetDefaultPolicyVersion",
        ],
        action_patterns: &[
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:*Policy*",
            "iam:*",
            "iam:GetPolicy",
            "*",
        ],
        resource: "arn:aws:iam::aws:policy/AdministratorAccess",
        resource_account: None,
        resource_patterns: &[
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/*",
            "arn:aws:iam::*:policy/*",
            "arn:aws:iam::111111111111:policy/*",
            "*",
        ],
        keys: &[],
        kind: Kind::Generic,
        resource_policy_percent: 0,
        services: &[],
        var_resources: &[],
        always: &[],
    },
    Scenario {
        name: "iam-service-linked-role",
        actions: &[
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:DeleteRole",
        ],
        action_patterns: &[
            "iam:PutRolePolicy",
            "iam:DeleteRole",
            "iam:*Role*",
            "iam:*",
            "iam:GetRole",
            "*",
        ],
        resource: SERVICE_LINKED_ROLE,
        resource_account: None,
        resource_patterns: &[
            SERVICE_LINKED_ROLE,
            "arn:aws:iam::111111111111:role/aws-service-role/*",
            "arn:aws:iam::111111111111:role/*",
            "arn:aws:iam::111111111111:role/etl",
            "*",
        ],
        keys: &[],
        kind: Kind::Generic,
        resource_policy_percent: 0,
        services: &[],
        var_resources: &[],
        always: &[],
    },
    Scenario {
        name: "kms-aws-managed-key",
        actions: &[
            "kms:PutKeyPolicy",
            "kms:DisableKey",
            "kms:ScheduleKeyDeletion",
        ],
        action_patterns: &[
            "kms:PutKeyPolicy",
            "kms:DisableKey",
            "kms:*",
            "kms:*Key*",
            "kms:Decrypt",
            "*",
        ],
        resource: "arn:aws:kms:us-east-1:111111111111:key/9876fedc-98fe-76dc-54ba-9876543210fe",
        resource_account: None,
        resource_patterns: &[
            "*",
            "arn:aws:kms:us-east-1:111111111111:key/9876fedc-98fe-76dc-54ba-9876543210fe",
            "arn:aws:kms:*:111111111111:key/*",
            "arn:aws:kms:us-east-1:111111111111:key/other",
        ],
        keys: &[key(
            "kms:ResourceAliases",
            KeyType::Multi,
            &["alias/aws/glue"],
            &["alias/aws/*", "alias/aws/glue", "alias/etl"],
        )],
        kind: Kind::KmsKey,
        resource_policy_percent: 85,
        services: &[],
        var_resources: &[],
        always: &["kms:ResourceAliases"],
    },
];
