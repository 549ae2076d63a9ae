//! IAM principals: the role or user, its trust policy, inline and attached policies (each
//! managed policy's default version), permissions boundary and, for users, groups; and a trust
//! or inline policy alone, for `zetl fix`'s re-reads. IAM returns documents URL-encoded; the
//! snapshot stores the decoded JSON.

use std::future::Future;

use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::types::AttachedPolicy;
use futures::future::try_join_all;

use super::actions::*;
use super::call::{call, CallError};
use super::clients::Account;
use crate::snapshot::{
    Fact, Group, IamPrincipal, InlinePolicy, ManagedPolicy, PrincipalKind, StoredPolicy, Unknown,
    UnknownReason,
};

const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity", "NoSuchEntityException"];

/// Which IAM entity a setup ARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalRef {
    pub account: String,
    pub kind: PrincipalKind,
    /// The name without path (what GetRole / GetUser take).
    pub name: String,
}

/// Parses a role/user ARN (path allowed) or an assumed-role session ARN.
pub fn parse_principal(arn: &str) -> Option<PrincipalRef> {
    let parsed = crate::arn::Arn::parse(arn)?;
    let (account, resource) = (parsed.account, parsed.resource);
    let (kind, name) = match (parsed.service, resource.split_once('/')) {
        ("iam", Some(("role", rest))) => (PrincipalKind::Role, rest.rsplit('/').next()?),
        ("iam", Some(("user", rest))) => (PrincipalKind::User, rest.rsplit('/').next()?),
        ("sts", Some(("assumed-role", rest))) => (PrincipalKind::Role, rest.split('/').next()?),
        _ => return None,
    };
    if name.is_empty() || account.is_empty() {
        return None;
    }
    Some(PrincipalRef {
        account: account.to_string(),
        kind,
        name: name.to_string(),
    })
}

/// Reads one principal. `Known(None)`: it does not exist.
pub async fn principal(account: &Account, who: &PrincipalRef) -> Fact<Option<IamPrincipal>> {
    match who.kind {
        PrincipalKind::Role => role(account, &who.name).await,
        PrincipalKind::User => user(account, &who.name).await,
    }
}

async fn role(account: &Account, name: &str) -> Fact<Option<IamPrincipal>> {
    let iam = &account.clients.iam;
    // The policy lists need only the name: read them alongside GetRole, not after it (one
    // round trip less on the doctor's critical path; a missing role costs two failed lists).
    let (got, inline, attached) = futures::join!(
        call(account, IAM_GET_ROLE, || iam
            .get_role()
            .role_name(name)
            .send()),
        role_inline(account, name),
        role_attached(account, name),
    );
    let got = match got {
        Ok(out) => out,
        Err(e) if e.is(NO_SUCH_ENTITY) => return Fact::Known(None),
        Err(e) => return Fact::Unknown(e.unknown),
    };
    let Some(role) = got.role() else {
        return Fact::Unknown(malformed(IAM_GET_ROLE, "GetRole returned no Role"));
    };
    let boundary_arn = role
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn());
    let boundary = boundary(account, boundary_arn).await;
    Fact::Known(Some(IamPrincipal {
        arn: role.arn().to_string(),
        kind: PrincipalKind::Role,
        unique_id: Some(role.role_id().to_string()),
        trust_policy: role
            .assume_role_policy_document()
            .map(StoredPolicy::from_service),
        inline_policies: fact(inline),
        attached_policies: fact(attached),
        permissions_boundary: fact(boundary),
        groups: Fact::Known(Vec::new()),
    }))
}

async fn user(account: &Account, name: &str) -> Fact<Option<IamPrincipal>> {
    let iam = &account.clients.iam;
    // As for roles: everything keyed by the name is read alongside GetUser.
    let (got, inline, attached, groups) = futures::join!(
        call(account, IAM_GET_USER, || iam
            .get_user()
            .user_name(name)
            .send()),
        user_inline(account, name),
        user_attached(account, name),
        user_groups(account, name),
    );
    let got = match got {
        Ok(out) => out,
        Err(e) if e.is(NO_SUCH_ENTITY) => return Fact::Known(None),
        Err(e) => return Fact::Unknown(e.unknown),
    };
    let Some(user) = got.user() else {
        return Fact::Unknown(malformed(IAM_GET_USER, "GetUser returned no User"));
    };
    let boundary_arn = user
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn());
    let boundary = boundary(account, boundary_arn).await;
    Fact::Known(Some(IamPrincipal {
        arn: user.arn().to_string(),
        kind: PrincipalKind::User,
        unique_id: Some(user.user_id().to_string()),
        trust_policy: None,
        inline_policies: fact(inline),
        attached_policies: fact(attached),
        permissions_boundary: fact(boundary),
        groups: fact(groups),
    }))
}

/// One role's trust policy, read alone (GetRole): what `zetl fix` reads again right before
/// writing it. A role that does not exist is the service's error (NoSuchEntity), not `None`:
/// there is nothing to write to.
pub async fn trust_policy(
    account: &Account,
    role_name: &str,
) -> Result<Option<StoredPolicy>, CallError> {
    let iam = &account.clients.iam;
    let out = call(account, IAM_GET_ROLE, || {
        iam.get_role().role_name(role_name).send()
    })
    .await?;
    Ok(out
        .role()
        .and_then(|r| r.assume_role_policy_document())
        .map(StoredPolicy::from_service))
}

/// One inline policy of a role or user, read alone (GetRolePolicy / GetUserPolicy): what
/// `zetl fix` reads again right before writing it. `None`: there is no such policy.
pub async fn inline_policy(
    account: &Account,
    kind: PrincipalKind,
    principal_name: &str,
    policy_name: &str,
) -> Result<Option<StoredPolicy>, CallError> {
    let iam = &account.clients.iam;
    let document = match kind {
        PrincipalKind::Role => call(account, IAM_GET_ROLE_POLICY, || {
            iam.get_role_policy()
                .role_name(principal_name)
                .policy_name(policy_name)
                .send()
        })
        .await
        .map(|o| o.policy_document().to_string()),
        PrincipalKind::User => call(account, IAM_GET_USER_POLICY, || {
            iam.get_user_policy()
                .user_name(principal_name)
                .policy_name(policy_name)
                .send()
        })
        .await
        .map(|o| o.policy_document().to_string()),
    };
    match document {
        Ok(text) => Ok(Some(StoredPolicy::from_service(&text))),
        Err(e) if e.is(NO_SUCH_ENTITY) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A read's result as a snapshot fact: the value, or why it could not be read.
fn fact<T>(r: Result<T, CallError>) -> Fact<T> {
    match r {
        Ok(v) => Fact::Known(v),
        Err(e) => Fact::Unknown(e.unknown),
    }
}

fn malformed(action: Action, message: &str) -> Unknown {
    Unknown {
        reason: UnknownReason::Other,
        action: Some(action.iam.to_string()),
        message: Some(message.to_string()),
    }
}

/// An entity kind's inline-policy lister: only the SDK operations and the name setter differ,
/// the shape is [`inline_policies`].
macro_rules! inline_lister {
    ($fn:ident, $name:ident, $list:ident, $list_action:ident, $get:ident, $get_action:ident) => {
        async fn $fn(account: &Account, entity: &str) -> Result<Vec<InlinePolicy>, CallError> {
            let iam = &account.clients.iam;
            let list = || {
                iam.$list()
                    .$name(entity)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
            };
            let get = |policy: String| async move {
                let out = iam.$get().$name(entity).policy_name(policy).send();
                out.await.map(|o| o.policy_document().to_string())
            };
            inline_policies(account, ($list_action, list), ($get_action, get)).await
        }
    };
}

inline_lister!(
    role_inline,
    role_name,
    list_role_policies,
    IAM_LIST_ROLE_POLICIES,
    get_role_policy,
    IAM_GET_ROLE_POLICY
);
inline_lister!(
    user_inline,
    user_name,
    list_user_policies,
    IAM_LIST_USER_POLICIES,
    get_user_policy,
    IAM_GET_USER_POLICY
);
inline_lister!(
    group_inline,
    group_name,
    list_group_policies,
    IAM_LIST_GROUP_POLICIES,
    get_group_policy,
    IAM_GET_GROUP_POLICY
);

/// The one shape of every inline-policy listing: list the names (all pages), then get each
/// document concurrently. Only the SDK builders differ between roles, users and groups.
async fn inline_policies<L, LF, LE, G, GF, GE>(
    account: &Account,
    (list_action, list): (Action, L),
    (get_action, get): (Action, G),
) -> Result<Vec<InlinePolicy>, CallError>
where
    L: FnOnce() -> LF,
    LF: Future<Output = Result<Vec<String>, SdkError<LE, HttpResponse>>>,
    LE: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    G: Fn(String) -> GF,
    GF: Future<Output = Result<String, SdkError<GE, HttpResponse>>>,
    GE: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let names = call(account, list_action, list).await?;
    let get = &get;
    try_join_all(names.into_iter().map(|name| async move {
        let document = call(account, get_action, || get(name.clone())).await?;
        Ok(InlinePolicy {
            document: StoredPolicy::from_service(&document),
            name,
        })
    }))
    .await
}

/// An entity kind's attached-policy lister; the shape is [`attached_policies`].
macro_rules! attached_lister {
    ($fn:ident, $name:ident, $list:ident, $action:ident) => {
        async fn $fn(account: &Account, entity: &str) -> Result<Vec<ManagedPolicy>, CallError> {
            let iam = &account.clients.iam;
            attached_policies(account, $action, || {
                iam.$list()
                    .$name(entity)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
            })
            .await
        }
    };
}

attached_lister!(
    role_attached,
    role_name,
    list_attached_role_policies,
    IAM_LIST_ATTACHED_ROLE_POLICIES
);
attached_lister!(
    user_attached,
    user_name,
    list_attached_user_policies,
    IAM_LIST_ATTACHED_USER_POLICIES
);
attached_lister!(
    group_attached,
    group_name,
    list_attached_group_policies,
    IAM_LIST_ATTACHED_GROUP_POLICIES
);

/// The one shape of every attached-policy listing: list them (all pages), then read each
/// managed policy's default version.
async fn attached_policies<L, LF, LE>(
    account: &Account,
    action: Action,
    list: L,
) -> Result<Vec<ManagedPolicy>, CallError>
where
    L: FnOnce() -> LF,
    LF: Future<Output = Result<Vec<AttachedPolicy>, SdkError<LE, HttpResponse>>>,
    LE: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let attached = call(account, action, list).await?;
    managed_all(account, attached.iter().filter_map(|a| a.policy_arn())).await
}

async fn user_groups(account: &Account, user: &str) -> Result<Vec<Group>, CallError> {
    let iam = &account.clients.iam;
    let groups = call(account, IAM_LIST_GROUPS_FOR_USER, || {
        iam.list_groups_for_user()
            .user_name(user)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    })
    .await?;
    try_join_all(groups.iter().map(|g| async move {
        let (inline, attached) = futures::join!(
            group_inline(account, g.group_name()),
            group_attached(account, g.group_name())
        );
        Ok(Group {
            arn: g.arn().to_string(),
            inline_policies: inline?,
            attached_policies: attached?,
        })
    }))
    .await
}

async fn boundary(
    account: &Account,
    arn: Option<&str>,
) -> Result<Option<ManagedPolicy>, CallError> {
    match arn {
        Some(arn) => managed(account, arn).await.map(Some),
        None => Ok(None),
    }
}

async fn managed_all<'a>(
    account: &Account,
    arns: impl Iterator<Item = &'a str>,
) -> Result<Vec<ManagedPolicy>, CallError> {
    try_join_all(arns.map(|arn| managed(account, arn))).await
}

/// A managed policy's default version: GetPolicy, then GetPolicyVersion.
async fn managed(account: &Account, arn: &str) -> Result<ManagedPolicy, CallError> {
    let iam = &account.clients.iam;
    let policy = call(account, IAM_GET_POLICY, || {
        iam.get_policy().policy_arn(arn).send()
    })
    .await?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .unwrap_or("v1")
        .to_string();
    let out = call(account, IAM_GET_POLICY_VERSION, || {
        iam.get_policy_version()
            .policy_arn(arn)
            .version_id(&version)
            .send()
    })
    .await?;
    let document = out
        .policy_version()
        .and_then(|v| v.document())
        .map(StoredPolicy::from_service)
        .unwrap_or_else(|| StoredPolicy::new(serde_json::Value::Null));
    Ok(ManagedPolicy {
        arn: arn.to_string(),
        version_id: Some(version),
        document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::clients::Clients;
    use crate::collect::guard::ReadOnlyGuard;
    use aws_sdk_iam::operation as op;
    use aws_sdk_iam::types::{Group as SdkGroup, Policy, PolicyVersion, Role, User};
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use serde_json::json;

    const P1: &str = "arn:aws:iam::111111111111:policy/p1";
    const P2: &str = "arn:aws:iam::111111111111:policy/p2";

    /// An account whose IAM client answers from `rules` (the other clients are never called).
    fn account(rules: &[Rule]) -> Account {
        let conf = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .build();
        let guard = ReadOnlyGuard::new();
        let mut clients = Clients::from_config(&conf, false, &guard);
        clients.iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, rules, |c| c
            .interceptor(guard.clone()));
        Account {
            clients,
            side: crate::permissions::Side::Source,
            id: "111111111111".into(),
            region: "us-east-1".into(),
            partition: "aws".into(),
            down: None,
            progress: crate::collect::progress::Reporter::silent(),
        }
    }

    /// `{"Statement":[{"Action":ACTION}]}`, URL-encoded as IAM returns documents.
    fn encoded(action: &str) -> String {
        format!("%7B%22Statement%22%3A%5B%7B%22Action%22%3A%22{action}%22%7D%5D%7D")
    }

    fn denied(action: &str) -> aws_sdk_iam::error::ErrorMetadata {
        aws_sdk_iam::error::ErrorMetadata::builder()
            .code("AccessDenied")
            .message(format!("not authorized to perform: {action}"))
            .build()
    }

    /// Managed policies: GetPolicy names the default version, GetPolicyVersion returns it.
    fn managed_rules() -> Vec<Rule> {
        let mut rules = Vec::new();
        for (arn, version, action) in [(P1, "v3", "s3:GetObject"), (P2, "v1", "glue:GetTable")] {
            rules.push(
                mock!(aws_sdk_iam::Client::get_policy)
                    .match_requests(move |r| r.policy_arn() == Some(arn))
                    .then_output(move || {
                        op::get_policy::GetPolicyOutput::builder()
                            .policy(
                                Policy::builder()
                                    .arn(arn)
                                    .default_version_id(version)
                                    .build(),
                            )
                            .build()
                    }),
            );
            rules.push(
                mock!(aws_sdk_iam::Client::get_policy_version)
                    .match_requests(move |r| {
                        r.policy_arn() == Some(arn) && r.version_id() == Some(version)
                    })
                    .then_output(move || {
                        op::get_policy_version::GetPolicyVersionOutput::builder()
                            .policy_version(
                                PolicyVersion::builder().document(encoded(action)).build(),
                            )
                            .build()
                    }),
            );
        }
        rules
    }

    #[tokio::test]
    async fn a_user_with_inline_attached_and_group_policies() {
        let user = User::builder()
            .path("/")
            .user_name("alice")
            .user_id("AIDAEXAMPLE")
            .arn("arn:aws:iam::111111111111:user/alice")
            .create_date(aws_sdk_iam::primitives::DateTime::from_secs(0))
            .build()
            .unwrap();
        let group = SdkGroup::builder()
            .path("/")
            .group_name("devs")
            .group_id("AGPAEXAMPLE")
            .arn("arn:aws:iam::111111111111:group/devs")
            .create_date(aws_sdk_iam::primitives::DateTime::from_secs(0))
            .build()
            .unwrap();
        let mut rules = vec![
            mock!(aws_sdk_iam::Client::get_user).then_output(move || {
                op::get_user::GetUserOutput::builder()
                    .user(user.clone())
                    .build()
            }),
            mock!(aws_sdk_iam::Client::list_user_policies).then_output(|| {
                op::list_user_policies::ListUserPoliciesOutput::builder()
                    .policy_names("user-inline")
                    .build()
                    .unwrap()
            }),
            mock!(aws_sdk_iam::Client::get_user_policy)
                .match_requests(|r| r.user_name() == Some("alice"))
                .then_output(|| {
                    op::get_user_policy::GetUserPolicyOutput::builder()
                        .user_name("alice")
                        .policy_name("user-inline")
                        .policy_document(encoded("dynamodb:DescribeTable"))
                        .build()
                        .unwrap()
                }),
            mock!(aws_sdk_iam::Client::list_attached_user_policies).then_output(|| {
                op::list_attached_user_policies::ListAttachedUserPoliciesOutput::builder()
                    .attached_policies(AttachedPolicy::builder().policy_arn(P1).build())
                    .build()
            }),
            mock!(aws_sdk_iam::Client::list_groups_for_user).then_output(move || {
                op::list_groups_for_user::ListGroupsForUserOutput::builder()
                    .groups(group.clone())
                    .build()
                    .unwrap()
            }),
            mock!(aws_sdk_iam::Client::list_group_policies).then_output(|| {
                op::list_group_policies::ListGroupPoliciesOutput::builder()
                    .policy_names("group-inline")
                    .build()
                    .unwrap()
            }),
            mock!(aws_sdk_iam::Client::get_group_policy)
                .match_requests(|r| r.group_name() == Some("devs"))
                .then_output(|| {
                    op::get_group_policy::GetGroupPolicyOutput::builder()
                        .group_name("devs")
                        .policy_name("group-inline")
                        .policy_document(encoded("glue:CreateIntegration"))
                        .build()
                        .unwrap()
                }),
            mock!(aws_sdk_iam::Client::list_attached_group_policies).then_output(|| {
                op::list_attached_group_policies::ListAttachedGroupPoliciesOutput::builder()
                    .attached_policies(AttachedPolicy::builder().policy_arn(P2).build())
                    .build()
            }),
        ];
        rules.extend(managed_rules());
        let who = parse_principal("arn:aws:iam::111111111111:user/alice").unwrap();
        let got = principal(&account(&rules), &who).await;
        let Fact::Known(Some(p)) = got else {
            panic!("{got:?}")
        };
        assert_eq!(p.kind, PrincipalKind::User);
        assert_eq!(p.unique_id.as_deref(), Some("AIDAEXAMPLE"));
        let doc = |action: &str| json!({"Statement": [{"Action": action}]});
        assert_eq!(
            p.inline_policies,
            Fact::Known(vec![InlinePolicy {
                name: "user-inline".into(),
                document: doc("dynamodb:DescribeTable").into(),
            }])
        );
        assert_eq!(
            p.attached_policies,
            Fact::Known(vec![ManagedPolicy {
                arn: P1.into(),
                version_id: Some("v3".into()),
                document: doc("s3:GetObject").into(),
            }])
        );
        assert_eq!(
            p.groups,
            Fact::Known(vec![Group {
                arn: "arn:aws:iam::111111111111:group/devs".into(),
                inline_policies: vec![InlinePolicy {
                    name: "group-inline".into(),
                    document: doc("glue:CreateIntegration").into(),
                }],
                attached_policies: vec![ManagedPolicy {
                    arn: P2.into(),
                    version_id: Some("v1".into()),
                    document: doc("glue:GetTable").into(),
                }],
            }])
        );
    }

    #[tokio::test]
    async fn a_denied_policy_read_makes_only_that_list_unknown() {
        let role = Role::builder()
            .path("/")
            .role_name("target")
            .role_id("AROAEXAMPLE")
            .arn("arn:aws:iam::111111111111:role/target")
            .create_date(aws_sdk_iam::primitives::DateTime::from_secs(0))
            .build()
            .unwrap();
        let rules = vec![
            mock!(aws_sdk_iam::Client::get_role).then_output(move || {
                op::get_role::GetRoleOutput::builder()
                    .role(role.clone())
                    .build()
            }),
            mock!(aws_sdk_iam::Client::list_role_policies).then_output(|| {
                op::list_role_policies::ListRolePoliciesOutput::builder()
                    .policy_names("write-lake")
                    .build()
                    .unwrap()
            }),
            mock!(aws_sdk_iam::Client::get_role_policy).then_error(|| {
                op::get_role_policy::GetRolePolicyError::generic(denied("iam:GetRolePolicy"))
            }),
            mock!(aws_sdk_iam::Client::list_attached_role_policies).then_error(|| {
                op::list_attached_role_policies::ListAttachedRolePoliciesError::generic(denied(
                    "iam:ListAttachedRolePolicies",
                ))
            }),
        ];
        let who = parse_principal("arn:aws:iam::111111111111:role/target").unwrap();
        let got = principal(&account(&rules), &who).await;
        let Fact::Known(Some(p)) = got else {
            panic!("{got:?}")
        };
        assert_eq!(p.arn, "arn:aws:iam::111111111111:role/target");
        fn action<T: std::fmt::Debug>(f: &Fact<T>) -> (UnknownReason, Option<String>) {
            match f {
                Fact::Unknown(u) => (u.reason.clone(), u.action.clone()),
                other => panic!("expected unknown, got {other:?}"),
            }
        }
        assert_eq!(
            action(&p.inline_policies),
            (
                UnknownReason::AccessDenied,
                Some("iam:GetRolePolicy".into())
            )
        );
        assert_eq!(
            action(&p.attached_policies),
            (
                UnknownReason::AccessDenied,
                Some("iam:ListAttachedRolePolicies".into())
            )
        );
        assert_eq!(p.permissions_boundary, Fact::Known(None));
    }

    #[test]
    fn principal_arns_are_parsed() {
        let r = parse_principal("arn:aws:iam::222222222222:role/service-role/zetl-target").unwrap();
        assert_eq!(
            (r.account.as_str(), r.kind, r.name.as_str()),
            ("222222222222", PrincipalKind::Role, "zetl-target")
        );
        let s = parse_principal("arn:aws:sts::111111111111:assumed-role/Admin/alice").unwrap();
        assert_eq!((s.kind, s.name.as_str()), (PrincipalKind::Role, "Admin"));
        let u = parse_principal("arn:aws:iam::111111111111:user/dev/bob").unwrap();
        assert_eq!((u.kind, u.name.as_str()), (PrincipalKind::User, "bob"));
        assert_eq!(parse_principal("arn:aws:iam::111111111111:root"), None);
        assert_eq!(parse_principal("glue.amazonaws.com"), None);
    }
}
