//! AWS's own rules above the policies: requests AWS allows or refuses whatever the policies
//! say. Each rule quotes the AWS page that states it.

use super::evaluate::{Decision, Request};
use super::matching::split_arn;
use super::principal::Principal;
use crate::rules::messages::sentence;

/// A rule's verdict and the sentence that explains it.
pub(crate) struct Verdict {
    pub(crate) decision: Decision,
    pub(crate) why: String,
}

/// "No permissions are required to perform this operation. If an administrator attaches a
/// policy to your identity that explicitly denies access to the sts:GetCallerIdentity action,
/// you can still perform this operation."
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>)
const GET_CALLER_IDENTITY: &str = "sts:GetCallerIdentity";

/// "You cannot use AWS account root user credentials to call AssumeRole. You must use
/// credentials for an IAM user or an IAM role to call AssumeRole."
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>)
const ASSUME_ROLE: &str = "sts:AssumeRole";

/// "You cannot change the permissions defined in AWS managed policies."
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies>)
/// and "You cannot delete AWS managed policies."
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-delete-console.html>)
const MANAGED_POLICY_WRITES: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
];

/// Every one of these IAM APIs lists the error UnmodifiableEntity: "The request was rejected
/// because service-linked roles are protected AWS resources. Only the service that depends on
/// the service-linked role can modify or delete the role on your behalf."
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html#API_PutRolePolicy_Errors>,
/// likewise API_DeleteRole, API_AttachRolePolicy, ...); PutRolePermissionsBoundary: "You
/// cannot set the boundary for a service-linked role." iam:DeleteServiceLinkedRole, the
/// deletion the service checks, is left to the policies.
const SERVICE_LINKED_ROLE_WRITES: &[&str] = &[
    "iam:AddRoleToInstanceProfile",
    "iam:AttachRolePolicy",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
];

/// AWS managed KMS keys: "you cannot change any properties of AWS managed keys, rotate them,
/// change their key policies, or schedule them for deletion."
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html>)
const AWS_MANAGED_KEY_WRITES: &[&str] = &[
    "kms:CancelKeyDeletion",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:PutKeyPolicy",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:UpdateKeyDescription",
];

/// Their aliases, `alias/aws/SERVICE`: "You cannot manage aliases for AWS managed keys or AWS
/// owned keys." (<https://docs.aws.amazon.com/kms/latest/developerguide/alias-delete.html>)
const AWS_MANAGED_ALIAS_WRITES: &[&str] =
    &["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"];

const AWS_ALIAS_PREFIX: &str = "alias/aws/";

fn listed(actions: &[&str], action: &str) -> bool {
    actions.iter().any(|a| a.eq_ignore_ascii_case(action))
}

/// The rule that decides `request` before any policy is read, if one does.
pub(crate) fn decide(request: &Request) -> Option<Verdict> {
    let action = request.action.as_str();
    let principal = &request.principal;
    // Services act on their own resources through their own paths; these rules are about
    // callers with credentials of an account.
    principal.account()?;
    if action.eq_ignore_ascii_case(GET_CALLER_IDENTITY) {
        return Some(Verdict {
            decision: Decision::Allowed,
            why: sentence(
                "policy.aws_allows_caller_identity",
                &[("action", action), ("principal", &principal.display())],
            ),
        });
    }
    let denied = |reason: String| {
        Some(Verdict {
            decision: Decision::DeniedByAws,
            why: sentence(
                "policy.aws_denies",
                &[
                    ("action", action),
                    ("resource", &request.resource),
                    ("principal", &principal.display()),
                    ("reason", &reason),
                ],
            ),
        })
    };
    if matches!(principal, Principal::Account { .. }) && action.eq_ignore_ascii_case(ASSUME_ROLE) {
        return denied(sentence("policy.aws_root_assume_role", &[]));
    }
    let [_, _, service, _, account, resource] = split_arn(&request.resource)?;
    match service {
        "iam"
            if account == "aws"
                && resource.starts_with("policy/")
                && listed(MANAGED_POLICY_WRITES, action) =>
        {
            denied(sentence("policy.aws_managed_policy", &[]))
        }
        "iam"
            if resource.starts_with("role/aws-service-role/")
                && listed(SERVICE_LINKED_ROLE_WRITES, action) =>
        {
            denied(sentence("policy.aws_service_linked_role", &[]))
        }
        "kms"
            if resource.starts_with(AWS_ALIAS_PREFIX)
                && listed(AWS_MANAGED_ALIAS_WRITES, action) =>
        {
            denied(sentence(
                "policy.aws_managed_alias",
                &[("prefix", AWS_ALIAS_PREFIX)],
            ))
        }
        "kms" if resource.starts_with("key/") && listed(AWS_MANAGED_KEY_WRITES, action) => {
            let alias = aws_managed_alias(request)?;
            denied(sentence("policy.aws_managed_key", &[("alias", alias)]))
        }
        _ => None,
    }
}

/// An AWS managed key is known by its `alias/aws/...` alias: a key ARN does not say who
/// manages the key, the request's `kms:ResourceAliases` does.
fn aws_managed_alias(request: &Request) -> Option<&str> {
    request
        .context
        .get("kms:ResourceAliases")?
        .values()
        .iter()
        .map(String::as_str)
        .find(|a| a.starts_with(AWS_ALIAS_PREFIX))
}
