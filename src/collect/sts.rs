//! Who the doctor is in each account, and the check that the credentials given for an
//! account really are for that account. With a role to assume, the AssumeRole answer says it
//! (its AssumedRoleUser ARN names the account and the role); otherwise GetCallerIdentity.

use std::time::SystemTime;

use aws_sdk_sts::config::Credentials;

use super::accounts::SESSION_NAME;
use super::actions::{Side, STS_ASSUME_ROLE, STS_GET_CALLER_IDENTITY};
use super::advice;
use super::call::{call, CallError};
use super::cause::Cause;
use super::clients::Account;
use crate::rules::messages::sentence;
use crate::snapshot::{Unknown, UnknownReason};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

pub async fn caller_identity(account: &Account) -> Result<Identity, CallError> {
    let sts = &account.clients.sts;
    let out = call(account, STS_GET_CALLER_IDENTITY, || {
        sts.get_caller_identity().send()
    })
    .await?;
    Ok(Identity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
    })
}

/// Assumes `role_arn` with the account's base credentials (session `zetl-doctor`, the
/// external id when given): the role's temporary credentials and who they are.
pub async fn assume_role(
    account: &Account,
    role_arn: &str,
    external_id: Option<&str>,
) -> Result<(Identity, Credentials), CallError> {
    let sts = &account.clients.sts;
    let out = call(account, STS_ASSUME_ROLE, || {
        sts.assume_role()
            .role_arn(role_arn)
            .role_session_name(SESSION_NAME)
            .set_external_id(external_id.map(str::to_string))
            .send()
    })
    .await?;
    let malformed = |what: &str| {
        let message = format!("AssumeRole of {role_arn} returned {what}");
        CallError {
            code: None,
            unknown: Unknown {
                reason: UnknownReason::Other,
                action: Some(STS_ASSUME_ROLE.iam.to_string()),
                message: Some(message.clone()),
            },
            cause: Cause::Other(message),
        }
    };
    // arn:P:sts::ACCOUNT:assumed-role/ROLE/SESSION
    let arn = out
        .assumed_role_user()
        .map(|u| u.arn().to_string())
        .ok_or_else(|| malformed("no AssumedRoleUser"))?;
    let account_id = arn
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| malformed(&format!("an AssumedRoleUser ARN without account ({arn})")))?
        .to_string();
    let c = out
        .credentials()
        .ok_or_else(|| malformed("no Credentials"))?;
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        SystemTime::try_from(*c.expiration()).ok(),
        "zetl-assume-role",
    );
    Ok((
        Identity {
            account: account_id,
            arn,
        },
        credentials,
    ))
}

/// The one-line error when the credentials for `side` are for another account than the
/// resource named for that side (`what`).
pub fn account_mismatch(side: Side, expected: &str, what: &str, identity: &Identity) -> String {
    let flag = |kind: &str| format!("--{}-{kind}", side.name());
    sentence(
        "error.account_mismatch",
        &[
            ("side", &advice::side_name(side)),
            ("actual", &identity.account),
            ("arn", &identity.arn),
            ("what", what),
            ("expected", expected),
            ("profile_flag", &flag("profile")),
            ("role_flag", &flag("role-arn")),
        ],
    )
}
