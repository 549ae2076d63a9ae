//! Who the doctor is in each account (GetCallerIdentity), and the check that the
//! credentials given for an account really are for that account.

use super::actions::STS_GET_CALLER_IDENTITY;
use super::call::{call, CallError};
use super::clients::Account;

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

/// The one-line error when the credentials for `side` are for another account than the
/// resource named for that side.
pub fn account_mismatch(side: &str, expected: &str, what: &str, identity: &Identity) -> String {
    format!(
        "the {side} credentials are for account {} ({}), but {what} is in account {expected}; \
         pass --{side}-profile or --{side}-role-arn for account {expected}",
        identity.account, identity.arn
    )
}
