//! One AWS call: run it unless the account is already known to be unreachable, and turn any
//! failure into the `Unknown` fact the rules understand (with the exact IAM action when the
//! doctor's own credentials were denied).

use std::future::Future;

use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::actions::{Action, Side, Sides};
use super::advice::{self, Context};
use super::cause::{service_message, Cause};
use super::clients::Account;
use crate::snapshot::{Unknown, UnknownReason};

/// A failed call: the service's error code (so callers can turn e.g. NoSuchEntity into a
/// known "absent"), the unknown fact to record otherwise, and what caused it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallError {
    pub code: Option<String>,
    pub unknown: Unknown,
    pub cause: Cause,
}

impl CallError {
    /// True when the service said the thing does not exist (one of `codes`).
    pub fn is(&self, codes: &[&str]) -> bool {
        self.code.as_deref().is_some_and(|c| codes.contains(&c))
    }

    /// A call of `action` that could not be made at all (its request did not build).
    pub fn unsent(action: Action, message: String) -> CallError {
        CallError {
            code: None,
            unknown: Unknown {
                reason: UnknownReason::Other,
                action: Some(action.iam.to_string()),
                message: Some(message.clone()),
            },
            cause: Cause::Other(message),
        }
    }
}

/// Calls `f` (an SDK request's `send()`), unless the account is down, holding a slot of the
/// account's request limit; tells the account's progress reporter what is being read (a
/// `zetl fix` write is no read: the command logs each write itself).
pub async fn call<T, E, Fut, F>(account: &Account, action: Action, f: F) -> Result<T, CallError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if let Some(down) = &account.down {
        return Err(CallError {
            code: None,
            unknown: down.clone(),
            cause: Cause::Other(down.message.clone().unwrap_or_default()),
        });
    }
    let _permit = account.clients.limit.acquire(&action).await;
    if action.sides != Sides::Write {
        account.progress.reading(account.side, &account.id, action);
    }
    f().await
        .map_err(|e| classify(account.side, action, &e, crate::debug::enabled()))
}

/// Maps an SDK error to an unknown fact naming `action`. Its message is the service's own
/// (`Code: message`), or for a call that never got an answer one sentence with the next step;
/// with `debug` the SDK's whole error chain instead.
pub fn classify<E>(
    side: Side,
    action: Action,
    err: &SdkError<E, HttpResponse>,
    debug: bool,
) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let cause = Cause::of(err);
    let (code, message) = match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            let status = se.raw().status().as_u16();
            (
                e.code().map(str::to_string),
                service_message(e.code(), e.message(), status),
            )
        }
        _ if debug => (None, DisplayErrorContext(err).to_string()),
        _ => (None, advice::problem(&cause, &Context::side(side))),
    };
    let reason = match &cause {
        Cause::NoCredentials
        | Cause::SsoLogin
        | Cause::InvalidConfig(_)
        | Cause::CredentialsRejected(_) => UnknownReason::NoCredentials,
        // The service refused this call: the credentials lack `action`.
        Cause::AccessDenied { .. } if matches!(err, SdkError::ServiceError(_)) => {
            UnknownReason::AccessDenied
        }
        // Refused inside the credential chain (a profile's or `zetl fix`'s role that may not
        // be assumed): the call was never judged, the credentials are what is missing.
        Cause::AccessDenied { .. } => UnknownReason::NoCredentials,
        Cause::Throttled(_) => UnknownReason::Throttled,
        Cause::Unreachable(_) | Cause::ServerError(_) => UnknownReason::EndpointError,
        Cause::Service(_) => UnknownReason::Other,
        Cause::Other(_) => match err {
            SdkError::TimeoutError(_)
            | SdkError::DispatchFailure(_)
            | SdkError::ResponseError(_) => UnknownReason::EndpointError,
            _ => UnknownReason::Other,
        },
    };
    CallError {
        code,
        unknown: Unknown {
            reason,
            action: Some(action.iam.to_string()),
            message: Some(message),
        },
        cause,
    }
}

/// The token of the next page, or `None` when the listing is done: AWS ends a listing with no
/// token, an empty one, or (CloudWatch Logs read backwards) the same one again.
pub fn next_page(next: Option<&str>, current: &Option<String>) -> Option<String> {
    next.filter(|t| !t.is_empty() && Some(*t) != current.as_deref())
        .map(str::to_string)
}

/// An SDK timestamp as chrono's.
pub fn to_chrono(t: &aws_sdk_sts::primitives::DateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::IAM_GET_ROLE;

    /// A service's AccessDenied names the action the credentials lack; one inside the
    /// credential chain (a role that may not be assumed) is no missing action.
    #[test]
    fn only_the_services_own_denial_is_a_missing_action() {
        use aws_credential_types::provider::error::CredentialsError;
        use aws_sdk_s3::primitives::ByteStream;
        use aws_sdk_sts::error::{ConnectorError, ErrorMetadata};
        use aws_sdk_sts::operation::assume_role::AssumeRoleError;
        use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
        use aws_smithy_runtime_api::http::StatusCode;
        let response = || {
            let body = ByteStream::from_static(b"").into_inner();
            HttpResponse::new(StatusCode::try_from(403).unwrap(), body)
        };
        let denied = |action: &str| {
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message(format!(
                    "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: {action} on resource: arn:aws:iam::111111111111:role/zetl"
                ))
                .build()
        };
        let service: SdkError<GetCallerIdentityError, HttpResponse> = SdkError::service_error(
            GetCallerIdentityError::generic(denied("iam:GetRole")),
            response(),
        );
        let e = classify(Side::Source, IAM_GET_ROLE, &service, false);
        assert_eq!(e.code.as_deref(), Some("AccessDenied"));
        assert_eq!(e.unknown.reason, UnknownReason::AccessDenied);
        assert_eq!(e.unknown.action.as_deref(), Some("iam:GetRole"));

        let assume: SdkError<AssumeRoleError, HttpResponse> = SdkError::service_error(
            AssumeRoleError::generic(denied("sts:AssumeRole")),
            response(),
        );
        let chain: SdkError<GetCallerIdentityError, HttpResponse> = SdkError::dispatch_failure(
            ConnectorError::other(Box::new(CredentialsError::provider_error(assume)), None),
        );
        let e = classify(Side::Source, IAM_GET_ROLE, &chain, false);
        assert!(
            matches!(e.cause, Cause::AccessDenied { .. }),
            "{:?}",
            e.cause
        );
        assert_eq!(e.code, None);
        assert_eq!(e.unknown.reason, UnknownReason::NoCredentials);
        let message = e.unknown.message.unwrap_or_default();
        assert!(
            message.contains("arn:aws:iam::111111111111:role/zetl"),
            "{message}"
        );
    }
}
