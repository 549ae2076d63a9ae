//! AWS behaviour an independent differential run found missing (issue 12), and AWS's own rules
//! above the policies, as a table. Every group cites the AWS page that states the behaviour.

use serde_json::{json, Value};
use zetl_core::policy::{
    evaluate, Decision, NamedPolicy, PolicyDocument, PolicySet, Principal, Request, RequestContext,
    ResourcePolicyKind,
};

const A: &str = "111122223333";
const OTHER: &str = "444455556666";
const TABLE: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/orders";
const PATHED_ROLE: &str = "arn:aws:iam::111122223333:role/service-role/GlueJobRole";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/GlueJobRole/sess";
const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const SLR: &str =
    "arn:aws:iam::111122223333:role/aws-service-role/glue.amazonaws.com/AWSServiceRoleForGlue";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

struct Case {
    name: &'static str,
    request: Request,
    identity: Vec<Value>,
    resource: Option<Value>,
    kind: ResourcePolicyKind,
    expect: Decision,
    /// Substrings that must appear in the explanation or the near misses.
    mentions: Vec<&'static str>,
}

impl Case {
    fn new(name: &'static str, request: Request, expect: Decision) -> Case {
        Case {
            name,
            request,
            identity: vec![],
            resource: None,
            kind: ResourcePolicyKind::Generic,
            expect,
            mentions: vec![],
        }
    }
}

fn policy(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(action: &str, resource: &str) -> Value {
    policy(json!([{"Effect": "Allow", "Action": action, "Resource": resource}]))
}

fn request(principal: &str, action: &str, resource: &str) -> Request {
    Request::new(Principal::parse(principal).unwrap(), action, resource)
}

/// What AWS puts in every request of `arn` (for a session: its role's ARN, with the path).
fn context_of(principal_arn: &str, account: &str) -> RequestContext {
    RequestContext::new()
        .with("aws:PrincipalArn", principal_arn)
        .with("aws:PrincipalAccount", account)
}

fn alice(action: &str, resource: &str) -> Request {
    request(ALICE, action, resource).with_context(context_of(ALICE, A))
}

fn glue_job_session(action: &str, resource: &str) -> Request {
    request(SESSION, action, resource).with_context(context_of(PATHED_ROLE, A))
}

/// "You can use a policy variable in the `Resource` element, but only in the resource portion
/// of the ARN. This portion of the ARN appears after the fifth colon (:). You can't use a
/// variable to replace parts of the ARN before the fifth colon, such as the service or
/// account."
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-wheretouse>
/// Before the fifth colon the text stays literal, so it never matches a real ARN.
fn variables_before_the_fifth_colon() -> Vec<Case> {
    let in_account = "arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/orders";
    vec![
        Case {
            identity: vec![allow("dynamodb:GetItem", in_account)],
            mentions: vec!["before the fifth colon"],
            ..Case::new(
                "an Allow with ${aws:PrincipalAccount} in the account field grants nothing",
                alice("dynamodb:GetItem", TABLE),
                Decision::ImplicitlyDenied,
            )
        },
        Case {
            identity: vec![policy(json!([
                {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "dynamodb:GetItem", "Resource": in_account}
            ]))],
            ..Case::new(
                "a Deny with ${aws:PrincipalAccount} in the account field denies nothing",
                alice("dynamodb:GetItem", TABLE),
                Decision::Allowed,
            )
        },
        Case {
            identity: vec![allow(
                "sns:Publish",
                "arn:aws:sns:${aws:RequestedRegion}:111122223333:alerts",
            )],
            ..Case::new(
                "a variable in the region field is literal too",
                request(
                    ALICE,
                    "sns:Publish",
                    "arn:aws:sns:us-east-1:111122223333:alerts",
                )
                .with_context(context_of(ALICE, A).with("aws:RequestedRegion", "us-east-1")),
                Decision::ImplicitlyDenied,
            )
        },
        Case {
            identity: vec![allow(
                "dynamodb:GetItem",
                "arn:aws:dynamodb:us-east-1:111122223333:table/${aws:username}",
            )],
            ..Case::new(
                "after the fifth colon the variable is substituted",
                alice(
                    "dynamodb:GetItem",
                    "arn:aws:dynamodb:us-east-1:111122223333:table/alice",
                ),
                Decision::Allowed,
            )
        },
    ]
}

/// A session's `aws:PrincipalArn` is its role's ARN with the path ("For IAM roles, the
/// request context returns the ARN of the role, not the ARN of the user that assumed the
/// role", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn>),
/// and a Principal element names a role by that ARN, path included
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles>).
fn sessions_of_a_role_with_a_path() -> Vec<Case> {
    let queue = "arn:aws:sqs:us-east-1:111122223333:events";
    vec![
        Case {
            resource: Some(policy(json!([{"Effect": "Allow",
                "Principal": {"AWS": PATHED_ROLE}, "Action": "sqs:SendMessage", "Resource": queue}]))),
            ..Case::new(
                "a resource policy naming the role with its path grants its session",
                glue_job_session("sqs:SendMessage", queue),
                Decision::Allowed,
            )
        },
        Case {
            identity: vec![allow("sqs:*", "*")],
            resource: Some(policy(json!([{"Effect": "Deny",
                "Principal": {"AWS": PATHED_ROLE}, "Action": "sqs:SendMessage", "Resource": queue}]))),
            ..Case::new(
                "a Deny naming the role with its path denies its session",
                glue_job_session("sqs:SendMessage", queue),
                Decision::ExplicitlyDenied,
            )
        },
        Case {
            identity: vec![allow("sqs:*", "*")],
            resource: Some(policy(json!([{"Effect": "Deny",
                "NotPrincipal": {"AWS": PATHED_ROLE}, "Action": "sqs:*", "Resource": queue}]))),
            ..Case::new(
                "a NotPrincipal Deny excepting the role with its path spares its session",
                glue_job_session("sqs:SendMessage", queue),
                Decision::Allowed,
            )
        },
        Case {
            identity: vec![policy(
                json!([{"Effect": "Allow", "Action": "sqs:*", "Resource": "*",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": PATHED_ROLE}}}]),
            )],
            ..Case::new(
                "aws:PrincipalArn is the role ARN with its path",
                glue_job_session("sqs:SendMessage", queue),
                Decision::Allowed,
            )
        },
        Case {
            resource: Some(policy(json!([{"Effect": "Allow",
                "Principal": {"AWS": PATHED_ROLE}, "Action": "sqs:SendMessage", "Resource": queue}]))),
            mentions: vec!["supply the role ARN with its path"],
            ..Case::new(
                "without aws:PrincipalArn the path is unknown and the near miss says so",
                request(SESSION, "sqs:SendMessage", queue),
                Decision::ImplicitlyDenied,
            )
        },
    ]
}

/// "You cannot use AWS account root user credentials to call AssumeRole. You must use
/// credentials for an IAM user or an IAM role to call AssumeRole."
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>
fn root_cannot_assume_roles() -> Vec<Case> {
    let role = "arn:aws:iam::111122223333:role/zero-etl-target";
    let trust = |principal: Value| {
        policy(json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
    };
    vec![
        Case {
            resource: Some(trust(json!({"AWS": format!("arn:aws:iam::{A}:root")}))),
            kind: ResourcePolicyKind::RoleTrust,
            mentions: vec!["root user cannot assume a role", "the policies alone: "],
            ..Case::new(
                "the root user cannot assume a role its trust policy names",
                request(&format!("arn:aws:iam::{A}:root"), "sts:AssumeRole", role),
                Decision::DeniedByAws,
            )
        },
        Case {
            resource: Some(trust(json!({"AWS": "*"}))),
            kind: ResourcePolicyKind::RoleTrust,
            ..Case::new(
                "nor one trusting everyone, from another account",
                request(OTHER, "sts:AssumeRole", role),
                Decision::DeniedByAws,
            )
        },
        Case {
            resource: Some(trust(json!({"AWS": format!("arn:aws:iam::{A}:root")}))),
            kind: ResourcePolicyKind::RoleTrust,
            identity: vec![allow("sts:AssumeRole", role)],
            ..Case::new(
                "a user of the account still can",
                alice("sts:AssumeRole", role),
                Decision::Allowed,
            )
        },
    ]
}

/// "No permissions are required to perform this operation. If an administrator attaches a
/// policy to your identity that explicitly denies access to the sts:GetCallerIdentity action,
/// you can still perform this operation."
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>
fn get_caller_identity() -> Vec<Case> {
    vec![
        Case {
            identity: vec![policy(
                json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]),
            )],
            mentions: vec!["even under an explicit Deny", "the policies alone: "],
            ..Case::new(
                "sts:GetCallerIdentity under an explicit Deny of everything",
                alice("sts:GetCallerIdentity", "*"),
                Decision::Allowed,
            )
        },
        Case::new(
            "sts:GetCallerIdentity without any policy, from a role session",
            glue_job_session("sts:GetCallerIdentity", "*"),
            Decision::Allowed,
        ),
        Case::new(
            "the rule is for callers with credentials, not anonymous ones",
            request("*", "sts:GetCallerIdentity", "*"),
            Decision::ImplicitlyDenied,
        ),
    ]
}

/// "You cannot change the permissions defined in AWS managed policies."
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies>
/// "You cannot delete AWS managed policies."
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-delete-console.html>
fn aws_managed_policies() -> Vec<Case> {
    let managed = "arn:aws:iam::aws:policy/AdministratorAccess";
    let mut v: Vec<Case> = [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:SetDefaultPolicyVersion",
    ]
    .into_iter()
    .map(|action| Case {
        identity: vec![allow("iam:*", "*")],
        mentions: vec!["AWS managed policy"],
        ..Case::new(
            "an AWS managed policy cannot be changed or deleted",
            alice(action, managed),
            Decision::DeniedByAws,
        )
    })
    .collect();
    v.push(Case {
        identity: vec![allow("iam:*", "*")],
        ..Case::new(
            "a customer managed policy can",
            alice(
                "iam:CreatePolicyVersion",
                "arn:aws:iam::111122223333:policy/team/etl",
            ),
            Decision::Allowed,
        )
    });
    v
}

/// Each of these IAM APIs fails with UnmodifiableEntity: "The request was rejected because
/// service-linked roles are protected AWS resources. Only the service that depends on the
/// service-linked role can modify or delete the role on your behalf."
/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html#API_PutRolePolicy_Errors>
fn service_linked_roles() -> Vec<Case> {
    let mut v: Vec<Case> = [
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRole",
    ]
    .into_iter()
    .map(|action| Case {
        identity: vec![allow("iam:*", "*")],
        mentions: vec!["service-linked role", "UnmodifiableEntity"],
        ..Case::new(
            "a service-linked role cannot be changed by the account",
            alice(action, SLR),
            Decision::DeniedByAws,
        )
    })
    .collect();
    v.push(Case {
        identity: vec![allow("iam:*", "*")],
        ..Case::new(
            "deleting it through iam:DeleteServiceLinkedRole is up to the policies",
            alice("iam:DeleteServiceLinkedRole", SLR),
            Decision::Allowed,
        )
    });
    v.push(Case {
        identity: vec![allow("iam:*", "*")],
        ..Case::new(
            "an ordinary role under /service-role/ can be changed",
            alice("iam:PutRolePolicy", PATHED_ROLE),
            Decision::Allowed,
        )
    });
    v
}

/// "you cannot change any properties of AWS managed keys, rotate them, change their key
/// policies, or schedule them for deletion."
/// <https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html>
/// "You cannot manage aliases for AWS managed keys or AWS owned keys."
/// <https://docs.aws.amazon.com/kms/latest/developerguide/alias-delete.html>
fn aws_managed_kms_keys() -> Vec<Case> {
    let key_policy = policy(json!([{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "kms:*", "Resource": "*"}]));
    let aws_managed = |action: &str| {
        alice(action, KEY).with_context(
            context_of(ALICE, A).with("kms:ResourceAliases", vec!["alias/aws/glue".to_string()]),
        )
    };
    let mut v: Vec<Case> = [
        "kms:PutKeyPolicy",
        "kms:DisableKey",
        "kms:ScheduleKeyDeletion",
    ]
    .into_iter()
    .map(|action| Case {
        identity: vec![allow("kms:*", "*")],
        resource: Some(key_policy.clone()),
        kind: ResourcePolicyKind::KmsKey,
        mentions: vec!["AWS managed key (alias/aws/glue"],
        ..Case::new(
            "an AWS managed key cannot be changed",
            aws_managed(action),
            Decision::DeniedByAws,
        )
    })
    .collect();
    v.push(Case {
        identity: vec![allow("kms:*", "*")],
        resource: Some(key_policy.clone()),
        kind: ResourcePolicyKind::KmsKey,
        ..Case::new(
            "using it is up to its key policy",
            aws_managed("kms:Decrypt"),
            Decision::Allowed,
        )
    });
    v.push(Case {
        identity: vec![allow("kms:*", "*")],
        resource: Some(key_policy),
        kind: ResourcePolicyKind::KmsKey,
        ..Case::new(
            "a customer managed key (no alias/aws/ alias) can be changed",
            alice("kms:PutKeyPolicy", KEY).with_context(
                context_of(ALICE, A).with("kms:ResourceAliases", vec!["alias/etl".to_string()]),
            ),
            Decision::Allowed,
        )
    });
    v.push(Case {
        identity: vec![allow("kms:*", "*")],
        mentions: vec!["alias/aws/ aliases"],
        ..Case::new(
            "an alias/aws/ alias cannot be changed",
            alice(
                "kms:UpdateAlias",
                "arn:aws:kms:us-east-1:111122223333:alias/aws/glue",
            ),
            Decision::DeniedByAws,
        )
    });
    v
}

#[test]
fn aws_rules_and_issue_12_cases() {
    let groups = [
        variables_before_the_fifth_colon(),
        sessions_of_a_role_with_a_path(),
        root_cannot_assume_roles(),
        get_caller_identity(),
        aws_managed_policies(),
        service_linked_roles(),
        aws_managed_kms_keys(),
    ];
    let mut failures = Vec::new();
    let mut count = 0;
    for case in groups.into_iter().flatten() {
        count += 1;
        let identity: Vec<PolicyDocument> = case
            .identity
            .iter()
            .map(|v| PolicyDocument::from_value(v).unwrap())
            .collect();
        let resource = case
            .resource
            .as_ref()
            .map(|v| PolicyDocument::from_value(v).unwrap());
        let mut set = PolicySet::new();
        for (i, d) in identity.iter().enumerate() {
            set = set.identity(NamedPolicy::new(format!("identity policy {i}"), d));
        }
        if let Some(d) = &resource {
            set = set.resource(NamedPolicy::new("resource policy", d), case.kind);
        }
        set.resource_kind = case.kind;
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
        if case.expect == Decision::DeniedByAws {
            // AWS decided: no statement decides and none is offered as a near miss.
            assert!(
                e.deciding.is_empty() && e.near_misses.is_empty(),
                "{}",
                case.name
            );
        }
        for m in &case.mentions {
            if !text.iter().any(|t| t.contains(m)) {
                failures.push(format!(
                    "{}: no mention of {m:?} in\n  {}",
                    case.name,
                    text.join("\n  ")
                ));
            }
        }
    }
    assert!(count >= 30, "{count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
