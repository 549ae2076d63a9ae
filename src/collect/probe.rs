//! ZP004 probes. When the credentials in use for an account ARE the console principal, the
//! doctor asks Redshift Serverless what that principal may list (the console's integration
//! page does the same) and keeps the answer, allowed or AccessDenied, as evidence. A denial is
//! a finding about the principal, never an error of the run.

use super::actions::{Action, RSS_LIST_NAMESPACES, RSS_LIST_WORKGROUPS};
use super::call::{call, CallError};
use super::clients::Account;
use crate::snapshot::{Probe, UnknownReason};

/// Whether the caller (GetCallerIdentity's ARN) is the configured principal. An assumed-role
/// session `arn:P:sts::A:assumed-role/R/S` is role `arn:P:iam::A:role/[path/]R` (role names
/// are unique in an account whatever the path, and the session ARN carries no path); a user
/// matches by account and name, with or without its path.
pub fn caller_is(caller: &str, principal: &str) -> bool {
    if caller == principal {
        return true;
    }
    match (identity(caller), identity(principal)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// (partition, account, kind, name) of a role, role session or user ARN.
fn identity(arn: &str) -> Option<(&str, &str, &'static str, &str)> {
    let crate::arn::Arn {
        partition,
        service,
        account,
        resource,
        ..
    } = crate::arn::Arn::parse(arn)?;
    let (kind, name) = match (service, resource.split_once('/')?) {
        ("sts", ("assumed-role", rest)) => ("role", rest.split('/').next()?),
        ("iam", ("role", rest)) => ("role", rest.rsplit('/').next()?),
        ("iam", ("user", rest)) => ("user", rest.rsplit('/').next()?),
        _ => return None,
    };
    (!name.is_empty() && !account.is_empty()).then_some((partition, account, kind, name))
}

/// ListNamespaces and ListWorkgroups with the account's credentials, as `caller`. An answer
/// other than success or AccessDenied (throttled, unreachable) says nothing about the
/// principal's permissions, so it is not recorded.
pub async fn redshift_serverless(account: &Account, caller: &str) -> Vec<Probe> {
    let rs = &account.clients.redshift_serverless;
    // One item is enough to learn whether the call is allowed.
    let (namespaces, workgroups) = futures::join!(
        call(account, RSS_LIST_NAMESPACES, || {
            rs.list_namespaces().max_results(1).send()
        }),
        call(account, RSS_LIST_WORKGROUPS, || {
            rs.list_workgroups().max_results(1).send()
        }),
    );
    [
        probe(caller, RSS_LIST_NAMESPACES, namespaces.map(|_| ())),
        probe(caller, RSS_LIST_WORKGROUPS, workgroups.map(|_| ())),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn probe(caller: &str, action: Action, result: Result<(), CallError>) -> Option<Probe> {
    let (allowed, message) = match result {
        Ok(()) => (true, None),
        Err(e) if e.unknown.reason == UnknownReason::AccessDenied => (false, e.unknown.message),
        Err(_) => return None,
    };
    Some(Probe {
        principal: caller.to_string(),
        action: action.iam.to_string(),
        allowed,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::caller_is;

    #[test]
    fn a_role_session_is_its_role_whatever_the_path() {
        let session = "arn:aws:sts::111111111111:assumed-role/ConsoleAdmin/alice";
        assert!(caller_is(
            session,
            "arn:aws:iam::111111111111:role/ConsoleAdmin"
        ));
        assert!(caller_is(
            session,
            "arn:aws:iam::111111111111:role/team/a/ConsoleAdmin"
        ));
        assert!(caller_is(
            session,
            "arn:aws:sts::111111111111:assumed-role/ConsoleAdmin/bob"
        ));
        assert!(!caller_is(
            session,
            "arn:aws:iam::222222222222:role/ConsoleAdmin"
        ));
        assert!(!caller_is(
            session,
            "arn:aws:iam::111111111111:role/Console"
        ));
        assert!(!caller_is(
            session,
            "arn:aws:iam::111111111111:user/ConsoleAdmin"
        ));
        assert!(!caller_is(
            session,
            "arn:aws-cn:iam::111111111111:role/ConsoleAdmin"
        ));
    }

    #[test]
    fn users_match_by_name_and_garbage_never_matches() {
        assert!(caller_is(
            "arn:aws:iam::111111111111:user/ops/carol",
            "arn:aws:iam::111111111111:user/carol"
        ));
        assert!(!caller_is(
            "arn:aws:iam::111111111111:user/carol",
            "arn:aws:iam::111111111111:user/dave"
        ));
        assert!(!caller_is("arn:aws:iam::111111111111:root", "ConsoleAdmin"));
        assert!(!caller_is("", "arn:aws:iam::111111111111:role/"));
        assert!(caller_is(
            "arn:aws:iam::111111111111:root",
            "arn:aws:iam::111111111111:root"
        ));
    }
}
