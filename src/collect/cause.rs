//! What stopped an AWS call, read from the SDK's error chain (its types where they are public,
//! its codes otherwise): no credentials, an SSO session to renew, a profile configuration
//! error, keys AWS rejects, access denied (a role that may not be assumed), the network,
//! throttling, or the service's own answer. `advice` turns a cause into a sentence with the
//! next step; the SDK's own text is only shown with `--debug`.

use std::error::Error;
use std::io::ErrorKind;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ConnectorError, ErrorMetadata, ProvideErrorMetadata, SdkError};

/// Error codes that mean the caller's credentials lack the permission.
pub const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
];
pub const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "ProvisionedThroughputExceededException",
    "PriorRequestNotComplete",
];
pub const BAD_CREDENTIALS: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "IncompleteSignature",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// No credential source gave credentials (the default chain, or the profile named).
    NoCredentials,
    /// The profile's SSO session has expired or was never started.
    SsoLogin,
    /// The AWS configuration is invalid for the profile (the SDK's reason, short).
    InvalidConfig(String),
    /// AWS rejected the credentials (the error code).
    CredentialsRejected(String),
    /// The credentials lack the permission; `role` is the role an sts:AssumeRole was denied on.
    AccessDenied { code: String, role: Option<String> },
    /// The endpoint could not be reached.
    Unreachable(Network),
    /// Still throttled after the SDK's retries (the error code).
    Throttled(String),
    /// The service failed (HTTP 5xx), after the SDK's retries.
    ServerError(String),
    /// Any other answer of the service: its code and message are the news.
    Service(String),
    /// Anything else, as the innermost error says it (short).
    Other(String),
}

/// Why a connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Refused,
    TimedOut,
    NoSuchHost,
    Other,
}

impl Cause {
    /// The cause of a failed SDK call.
    pub fn of<E>(err: &SdkError<E, HttpResponse>) -> Cause
    where
        E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    {
        match err {
            SdkError::ServiceError(se) => {
                let status = se.raw().status().as_u16();
                let message = service_message(se.err().code(), se.err().message(), status);
                from_code(se.err().code(), status, message)
            }
            SdkError::TimeoutError(_) => Cause::Unreachable(Network::TimedOut),
            other => from_chain(other),
        }
    }
}

/// `Code: message` as the services say it (`HTTP 500 Code` without a message).
pub fn service_message(code: Option<&str>, message: Option<&str>, status: u16) -> String {
    let message = message
        .map(str::to_string)
        .unwrap_or_else(|| format!("HTTP {status} {}", code.unwrap_or("")))
        .trim()
        .to_string();
    match code {
        Some(c) if !message.contains(c) => format!("{c}: {message}"),
        _ => message,
    }
}

/// A service's error code (HTTP status 0 when there is none to go by).
fn from_code(code: Option<&str>, status: u16, message: String) -> Cause {
    let c = code.unwrap_or("");
    if ACCESS_DENIED.contains(&c) || status == 403 && code.is_none() {
        Cause::AccessDenied {
            code: code.map_or_else(|| format!("HTTP {status}"), str::to_string),
            role: denied_role(&message),
        }
    } else if THROTTLED.contains(&c) || status == 429 {
        Cause::Throttled(code.map_or_else(|| format!("HTTP {status}"), str::to_string))
    } else if BAD_CREDENTIALS.contains(&c) {
        Cause::CredentialsRejected(c.to_string())
    } else if status >= 500 {
        Cause::ServerError(message)
    } else {
        Cause::Service(message)
    }
}

/// The role of "... is not authorized to perform: sts:AssumeRole on resource: ARN".
fn denied_role(message: &str) -> Option<String> {
    if !message.contains("sts:AssumeRole") {
        return None;
    }
    let (_, rest) = message.split_once("on resource: ")?;
    rest.split_whitespace()
        .next()
        .map(|arn| arn.trim_end_matches(['.', ',']).to_string())
        .filter(|arn| arn.starts_with("arn:"))
}

/// A failure before or while sending: the credential chain, the connection, or other.
fn from_chain(err: &(dyn Error + 'static)) -> Cause {
    if let Some(c) = chain(err).find_map(|e| e.downcast_ref::<CredentialsError>()) {
        return credentials(c);
    }
    if let Some(n) = network(err) {
        return Cause::Unreachable(n);
    }
    let text = innermost(err);
    // An identity problem the credential types did not describe.
    if text.to_ascii_lowercase().contains("credentials") {
        return Cause::NoCredentials;
    }
    Cause::Other(text)
}

fn credentials(e: &CredentialsError) -> Cause {
    let e_dyn: &(dyn Error + 'static) = e;
    match e {
        _ if sso(e_dyn) => Cause::SsoLogin,
        CredentialsError::CredentialsNotLoaded(_) => Cause::NoCredentials,
        CredentialsError::ProviderTimedOut(_) => Cause::Unreachable(Network::TimedOut),
        CredentialsError::InvalidConfiguration(_) => Cause::InvalidConfig(innermost(e_dyn)),
        // ProviderError, Unhandled: a call the provider made failed (AssumeRole of a
        // profile's role_arn, SSO, STS web identity), or something else went wrong.
        _ => {
            if let Some((code, message)) = chain(e_dyn).find_map(service_error) {
                let cause = from_code(Some(&code), 0, message);
                if !matches!(cause, Cause::Service(_)) {
                    return cause;
                }
            }
            match network(e_dyn) {
                Some(n) => Cause::Unreachable(n),
                None => Cause::Other(innermost(e_dyn)),
            }
        }
    }
}

/// Signs of the SSO token provider or portal: an expired or missing cached token, or the
/// portal refusing it (`UnauthorizedException` from GetRoleCredentials). Its error types are
/// private to aws-config, so their text is all there is.
fn sso(err: &(dyn Error + 'static)) -> bool {
    chain(err).any(|e| {
        let text = e.to_string().to_ascii_lowercase();
        text.contains("sso token")
            || text.contains("sso/cache")
            || service_error(e).is_some_and(|(code, _)| code == "UnauthorizedException")
    })
}

/// The code and message of a service error inside a credential provider's error.
fn service_error(e: &(dyn Error + 'static)) -> Option<(String, String)> {
    if let Some(meta) = e.downcast_ref::<ErrorMetadata>() {
        let code = meta.code()?;
        return Some((
            code.to_string(),
            service_message(Some(code), meta.message(), 0),
        ));
    }
    // A modeled error displays as `Code: message`.
    let text = e.to_string();
    let (code, _) = text.split_once(':')?;
    [ACCESS_DENIED, THROTTLED, BAD_CREDENTIALS]
        .iter()
        .any(|codes| codes.contains(&code))
        .then(|| (code.to_string(), text.clone()))
}

/// How a connection failed, when the chain says it.
fn network(err: &(dyn Error + 'static)) -> Option<Network> {
    let mut io_error = false;
    for e in chain(err) {
        if e.downcast_ref::<ConnectorError>()
            .is_some_and(|c| c.is_timeout())
        {
            return Some(Network::TimedOut);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_error = true;
            match io.kind() {
                ErrorKind::ConnectionRefused => return Some(Network::Refused),
                ErrorKind::TimedOut => return Some(Network::TimedOut),
                _ => {}
            }
        }
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return Some(Network::NoSuchHost);
        }
        if e.downcast_ref::<ConnectorError>()
            .is_some_and(|c| c.is_io())
        {
            io_error = true;
        }
    }
    io_error.then_some(Network::Other)
}

fn chain<'a>(err: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(err), |e: &&'a (dyn Error + 'static)| (*e).source())
}

/// The innermost error's text on one line, at most 200 characters: the SDK's outer layers
/// only say which stage failed.
fn innermost(err: &(dyn Error + 'static)) -> String {
    let text = chain(err)
        .map(|e| e.to_string())
        .filter(|t| !t.trim().is_empty())
        .last()
        .unwrap_or_default();
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::primitives::ByteStream;
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_runtime_api::http::StatusCode;

    type StsError = SdkError<GetCallerIdentityError, HttpResponse>;

    /// A call that failed before it was sent because the credential provider failed so.
    fn identity_failure(e: CredentialsError) -> StsError {
        SdkError::dispatch_failure(ConnectorError::other(Box::new(e), None))
    }

    fn response(status: u16) -> HttpResponse {
        let body = ByteStream::from_static(b"").into_inner();
        HttpResponse::new(StatusCode::try_from(status).unwrap(), body)
    }

    fn meta(code: &str, message: &str) -> ErrorMetadata {
        ErrorMetadata::builder().code(code).message(message).build()
    }

    fn service(status: u16, code: &str, message: &str) -> StsError {
        SdkError::service_error(
            GetCallerIdentityError::generic(meta(code, message)),
            response(status),
        )
    }

    #[test]
    fn service_codes() {
        assert_eq!(
            Cause::of(&service(403, "InvalidClientTokenId", "bad")),
            Cause::CredentialsRejected("InvalidClientTokenId".into())
        );
        assert_eq!(
            Cause::of(&service(400, "Throttling", "Rate exceeded")),
            Cause::Throttled("Throttling".into())
        );
        assert_eq!(
            Cause::of(&service(
                403,
                "AccessDenied",
                "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/zetl-read"
            )),
            Cause::AccessDenied {
                code: "AccessDenied".into(),
                role: Some("arn:aws:iam::111111111111:role/zetl-read".into())
            }
        );
        assert_eq!(
            Cause::of(&service(503, "ServiceUnavailable", "try later")),
            Cause::ServerError("ServiceUnavailable: try later".into())
        );
        assert_eq!(
            Cause::of(&service(400, "ValidationError", "bad input")),
            Cause::Service("ValidationError: bad input".into())
        );
    }

    #[test]
    fn credential_chain_failures() {
        assert_eq!(
            Cause::of(&identity_failure(CredentialsError::not_loaded(
                "no providers in chain provided credentials"
            ))),
            Cause::NoCredentials
        );
        assert_eq!(
            Cause::of(&identity_failure(CredentialsError::provider_error(
                "the SSO token has expired and cannot be refreshed"
            ))),
            Cause::SsoLogin
        );
        assert_eq!(
            Cause::of(&identity_failure(CredentialsError::invalid_configuration(
                "ProfileFile provider could not be built: profile `x` has invalid SSO config"
            ))),
            Cause::InvalidConfig(
                "ProfileFile provider could not be built: profile `x` has invalid SSO config"
                    .into()
            )
        );
    }

    #[test]
    fn a_profile_role_that_may_not_be_assumed_names_the_role() {
        // AssumeRoleProvider (a profile's role_arn) wraps the STS answer in a provider error.
        let sts: SdkError<AssumeRoleError, HttpResponse> = SdkError::service_error(
            AssumeRoleError::generic(meta(
                "AccessDenied",
                "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/zetl-read",
            )),
            response(403),
        );
        let err = identity_failure(CredentialsError::provider_error(sts));
        assert_eq!(
            Cause::of(&err),
            Cause::AccessDenied {
                code: "AccessDenied".into(),
                role: Some("arn:aws:iam::222222222222:role/zetl-read".into())
            }
        );
    }

    #[test]
    fn connection_failures() {
        let refused = std::io::Error::new(ErrorKind::ConnectionRefused, "Connection refused");
        let err: StsError = SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        assert_eq!(Cause::of(&err), Cause::Unreachable(Network::Refused));
        let err: StsError = SdkError::dispatch_failure(ConnectorError::timeout("slow".into()));
        assert_eq!(Cause::of(&err), Cause::Unreachable(Network::TimedOut));
        let dns = std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        );
        let err: StsError = SdkError::dispatch_failure(ConnectorError::io(Box::new(dns)));
        assert_eq!(Cause::of(&err), Cause::Unreachable(Network::NoSuchHost));
    }

    #[test]
    fn innermost_is_one_short_line() {
        let err: StsError = SdkError::construction_failure("zetl is read-only\n  and refuses X");
        assert_eq!(innermost(&err), "zetl is read-only and refuses X");
        let long = "x".repeat(500);
        let err: StsError = SdkError::construction_failure(long);
        assert_eq!(innermost(&err).chars().count(), 201);
    }
}
