//! IAM principals: the role or user, its trust policy, inline and attached policies (each
//! managed policy's default version), permissions boundary and, for users, groups. IAM
//! returns documents URL-encoded; the snapshot stores the decoded JSON.

use futures::future::try_join_all;

use super::actions::*;
use super::call::{call, policy_value, CallError};
use super::clients::Account;
use crate::snapshot::{
    Fact, Group, IamPrincipal, InlinePolicy, ManagedPolicy, PrincipalKind, Unknown, UnknownReason,
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
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return None;
    }
    let (account, resource) = (parts[4], parts[5]);
    let (kind, name) = match (parts[2], resource.split_once('/')) {
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
        trust_policy: role.assume_role_policy_document().map(policy_value),
        inline_policies: inline.into(),
        attached_policies: attached.into(),
        permissions_boundary: boundary.into(),
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
        inline_policies: inline.into(),
        attached_policies: attached.into(),
        permissions_boundary: boundary.into(),
        groups: groups.into(),
    }))
}

impl<T> From<Result<T, CallError>> for Fact<T> {
    fn from(r: Result<T, CallError>) -> Self {
        match r {
            Ok(v) => Fact::Known(v),
            Err(e) => Fact::Unknown(e.unknown),
        }
    }
}

fn malformed(action: Action, message: &str) -> Unknown {
    Unknown {
        reason: UnknownReason::Other,
        action: Some(action.iam.to_string()),
        message: Some(message.to_string()),
    }
}

async fn role_inline(account: &Account, role: &str) -> Result<Vec<InlinePolicy>, CallError> {
    let iam = &account.clients.iam;
    let names: Vec<String> = call(account, IAM_LIST_ROLE_POLICIES, || {
        iam.list_role_policies()
            .role_name(role)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    })
    .await?;
    try_join_all(names.into_iter().map(|name| async move {
        let out = call(account, IAM_GET_ROLE_POLICY, || {
            iam.get_role_policy()
                .role_name(role)
                .policy_name(&name)
                .send()
        })
        .await?;
        Ok(InlinePolicy {
            document: policy_value(out.policy_document()),
            name,
        })
    }))
    .await
}

async fn user_inline(account: &Account, user: &str) -> Result<Vec<InlinePolicy>, CallError> {
    let iam = &account.clients.iam;
    let names: Vec<String> = call(account, IAM_LIST_USER_POLICIES, || {
        iam.list_user_policies()
            .user_name(user)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    })
    .await?;
    try_join_all(names.into_iter().map(|name| async move {
        let out = call(account, IAM_GET_USER_POLICY, || {
            iam.get_user_policy()
                .user_name(user)
                .policy_name(&name)
                .send()
        })
        .await?;
        Ok(InlinePolicy {
            document: policy_value(out.policy_document()),
            name,
        })
    }))
    .await
}

async fn group_inline(account: &Account, group: &str) -> Result<Vec<InlinePolicy>, CallError> {
    let iam = &account.clients.iam;
    let names: Vec<String> = call(account, IAM_LIST_GROUP_POLICIES, || {
        iam.list_group_policies()
            .group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    })
    .await?;
    try_join_all(names.into_iter().map(|name| async move {
        let out = call(account, IAM_GET_GROUP_POLICY, || {
            iam.get_group_policy()
                .group_name(group)
                .policy_name(&name)
                .send()
        })
        .await?;
        Ok(InlinePolicy {
            document: policy_value(out.policy_document()),
            name,
        })
    }))
    .await
}

async fn role_attached(account: &Account, role: &str) -> Result<Vec<ManagedPolicy>, CallError> {
    let iam = &account.clients.iam;
    let attached = call(account, IAM_LIST_ATTACHED_ROLE_POLICIES, || {
        iam.list_attached_role_policies()
            .role_name(role)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    })
    .await?;
    managed_all(account, attached.iter().filter_map(|a| a.policy_arn())).await
}

async fn user_attached(account: &Account, user: &str) -> Result<Vec<ManagedPolicy>, CallError> {
    let iam = &account.clients.iam;
    let attached = call(account, IAM_LIST_ATTACHED_USER_POLICIES, || {
        iam.list_attached_user_policies()
            .user_name(user)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    })
    .await?;
    managed_all(account, attached.iter().filter_map(|a| a.policy_arn())).await
}

async fn group_attached(account: &Account, group: &str) -> Result<Vec<ManagedPolicy>, CallError> {
    let iam = &account.clients.iam;
    let attached = call(account, IAM_LIST_ATTACHED_GROUP_POLICIES, || {
        iam.list_attached_group_policies()
            .group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    })
    .await?;
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
        .map(policy_value)
        .unwrap_or(serde_json::Value::Null);
    Ok(ManagedPolicy {
        arn: arn.to_string(),
        version_id: Some(version),
        document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
