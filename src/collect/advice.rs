//! What to tell the user about a failed call: one sentence naming the cause and the next step
//! (the flag, variable or command to use), from `rules/messages/en.toml`'s `[error]` table.

use super::actions::Side;
use super::cause::{Cause, Network};
use crate::rules::messages::sentence;

/// What is known about how an account was reached: the words of the advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context<'a> {
    pub side: Side,
    /// The 12-digit account id, when known.
    pub account: Option<&'a str>,
    /// The profile in use (`--<side>-profile`, `--profile`, else `AWS_PROFILE`).
    pub profile: Option<&'a str>,
    /// `--<side>-role-arn`.
    pub role: Option<&'a str>,
    /// `--endpoint-url` or `AWS_ENDPOINT_URL`.
    pub endpoint: Option<&'a str>,
}

impl Context<'static> {
    /// Only the side: for a call whose account was reached before.
    pub fn side(side: Side) -> Context<'static> {
        Context {
            side,
            account: None,
            profile: None,
            role: None,
            endpoint: None,
        }
    }
}

/// The side as users read it ("source", "target").
pub fn side_name(side: Side) -> String {
    match side {
        Side::Source => sentence("error.side_source", &[]),
        Side::Target => sentence("error.side_target", &[]),
    }
}

/// "source account 111111111111", or "source account" before the id is known.
pub fn account_label(side: Side, account: Option<&str>) -> String {
    let side = side_name(side);
    match account.filter(|a| !a.is_empty()) {
        Some(id) => sentence("error.account", &[("side", &side), ("id", id)]),
        None => sentence("error.account_no_id", &[("side", &side)]),
    }
}

/// "{account}: {problem}": one line naming the account, the cause and the next step.
pub fn line(cause: &Cause, ctx: &Context) -> String {
    let account = account_label(ctx.side, ctx.account);
    sentence(
        "error.on_account",
        &[("account", &account), ("problem", &problem(cause, ctx))],
    )
}

/// The cause and the next step, without the account.
pub fn problem(cause: &Cause, ctx: &Context) -> String {
    let side = ctx.side.name();
    let profile_flag = format!("--{side}-profile");
    let profile = ctx.profile.unwrap_or("default");
    match cause {
        Cause::NoCredentials => match ctx.profile {
            Some(p) => sentence(
                "error.unknown_profile",
                &[("profile", p), ("profile_flag", &profile_flag)],
            ),
            None => sentence("error.no_credentials", &[("profile_flag", &profile_flag)]),
        },
        Cause::SsoLogin => sentence("error.sso_login", &[("profile", profile)]),
        Cause::InvalidConfig(detail) => sentence(
            "error.invalid_config",
            &[("profile", profile), ("detail", detail)],
        ),
        Cause::CredentialsRejected(code) => sentence(
            "error.credentials_rejected",
            &[("code", code), ("profile_flag", &profile_flag)],
        ),
        Cause::AccessDenied { code, role } => match role.as_deref().or(ctx.role) {
            Some(role) => sentence(
                "error.assume_role_denied",
                &[("role", role), ("code", code)],
            ),
            None => sentence("error.access_denied", &[("code", code)]),
        },
        Cause::Unreachable(network) => {
            let endpoint = ctx
                .endpoint
                .map(str::to_string)
                .unwrap_or_else(|| sentence("error.the_endpoint", &[]));
            sentence(
                "error.unreachable",
                &[("endpoint", &endpoint), ("why", &why(*network))],
            )
        }
        Cause::Throttled(code) => sentence("error.throttled", &[("code", code)]),
        Cause::ServerError(detail) => sentence("error.server_error", &[("detail", detail)]),
        // The service's own message or the SDK's short text is the news.
        Cause::Service(text) | Cause::Other(text) => text.clone(),
    }
}

fn why(network: Network) -> String {
    match network {
        Network::Refused => sentence("error.why_refused", &[]),
        Network::TimedOut => sentence("error.why_timed_out", &[]),
        Network::NoSuchHost => sentence("error.why_no_such_host", &[]),
        Network::Other => sentence("error.why_network", &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(profile: Option<&'static str>) -> Context<'static> {
        Context {
            side: Side::Source,
            account: Some("111111111111"),
            profile,
            role: None,
            endpoint: Some("http://127.0.0.1:9"),
        }
    }

    #[test]
    fn each_line_names_the_account_the_cause_and_a_next_step() {
        let no_credentials = line(&Cause::NoCredentials, &ctx(None));
        assert!(
            no_credentials.starts_with("source account 111111111111: no AWS credentials"),
            "{no_credentials}"
        );
        for needle in ["--source-profile", "AWS_PROFILE", "aws sso login"] {
            assert!(no_credentials.contains(needle), "{no_credentials}");
        }
        let profile = line(&Cause::NoCredentials, &ctx(Some("prod")));
        assert!(profile.contains("profile prod"), "{profile}");
        assert!(profile.contains("aws configure list-profiles"), "{profile}");
        let sso = line(&Cause::SsoLogin, &ctx(Some("prod")));
        assert!(sso.contains("aws sso login --profile prod"), "{sso}");
        let role = line(
            &Cause::AccessDenied {
                code: "AccessDenied".into(),
                role: Some("arn:aws:iam::111111111111:role/zetl-read".into()),
            },
            &ctx(None),
        );
        assert!(
            role.contains("arn:aws:iam::111111111111:role/zetl-read")
                && role.contains("trust policy")
                && role.contains("permissions/README.md"),
            "{role}"
        );
        let down = line(&Cause::Unreachable(Network::Refused), &ctx(None));
        assert!(
            down.contains("http://127.0.0.1:9") && down.contains("connection refused"),
            "{down}"
        );
        let throttled = line(&Cause::Throttled("Throttling".into()), &ctx(None));
        assert!(throttled.contains("AWS_MAX_ATTEMPTS"), "{throttled}");
        for text in [no_credentials, profile, sso, role, down, throttled] {
            assert!(!text.contains('\n') && !text.contains('{'), "{text}");
        }
    }

    #[test]
    fn an_account_not_yet_known_is_named_by_its_side() {
        assert_eq!(account_label(Side::Target, None), "target account");
        assert_eq!(
            account_label(Side::Target, Some("222222222222")),
            "target account 222222222222"
        );
    }
}
