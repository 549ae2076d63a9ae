//! How to reach each account: one `SdkConfig` per side from the standard AWS chain, a named
//! profile, an assumed role (with external id), a region and an endpoint override.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_sdk_sts::config::SharedCredentialsProvider;

use super::actions::Side;
use crate::setup::Setup;

/// Connection settings for one account, after flag precedence was applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountOptions {
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    /// The region from the resource ARN, else `--<side>-region`, else `--region`; `None`
    /// leaves it to the AWS config chain.
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

impl AccountOptions {
    pub fn for_side(setup: &Setup, side: Side, arn_region: Option<&str>) -> Self {
        let (profile, role_arn, side_region) = match side {
            Side::Source => (
                &setup.fields.source_profile,
                &setup.fields.source_role_arn,
                &setup.fields.source_region,
            ),
            Side::Target => (
                &setup.fields.target_profile,
                &setup.fields.target_role_arn,
                &setup.fields.target_region,
            ),
        };
        AccountOptions {
            profile: profile.clone().or_else(|| setup.fields.profile.clone()),
            role_arn: role_arn.clone(),
            external_id: setup.fields.external_id.clone(),
            region: arn_region
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .or_else(|| side_region.clone())
                .or_else(|| setup.fields.region.clone()),
            endpoint_url: setup.fields.endpoint_url.clone(),
        }
    }

    /// S3 needs path-style addressing on a custom endpoint (loopback emulators cannot
    /// resolve `bucket.host` names). Covers the flag and the standard variables.
    pub fn s3_path_style(&self) -> bool {
        self.endpoint_url.is_some()
            || ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"]
                .iter()
                .any(|v| std::env::var(v).is_ok_and(|x| !x.is_empty()))
    }
}

/// Per-attempt and per-call limits: a dead endpoint fails in seconds, not minutes. AWS has no
/// standard environment or profile setting for these, so they are always zetl's.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(20))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(60))
        .build()
}

/// The account's configuration with its base credentials (no role assumed). `AWS_ENDPOINT_URL`
/// and `AWS_ENDPOINT_URL_<SERVICE>` are honoured by aws-config itself; `--endpoint-url`
/// overrides them for every service. Retries are left to the AWS chain: `AWS_MAX_ATTEMPTS` /
/// `AWS_RETRY_MODE`, then the profile's `max_attempts` / `retry_mode`, else the SDK default
/// (standard mode, 3 attempts), so a user's setting is never overridden.
pub async fn base_config(options: &AccountOptions) -> SdkConfig {
    base_config_from(options, aws_config::defaults(BehaviorVersion::latest())).await
}

/// [`base_config`] from a given loader: tests pass one with an injected environment and
/// profile files instead of the process's.
pub async fn base_config_from(options: &AccountOptions, loader: ConfigLoader) -> SdkConfig {
    let mut loader = loader.timeout_config(timeouts());
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &options.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &options.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    loader.load().await
}

/// The account's configuration with the role (when one is given) assumed by the SDK's
/// refreshing credential provider: for `zetl fix`, whose writes may come long after the plan
/// was read. The collector assumes the role itself (`sts::assume_role`), because the answer
/// also says who it is in the account.
pub async fn sdk_config(options: &AccountOptions) -> SdkConfig {
    let base = base_config(options).await;
    let Some(role_arn) = &options.role_arn else {
        return base;
    };
    let mut assume = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name(SESSION_NAME)
        .configure(&base);
    if let Some(id) = &options.external_id {
        assume = assume.external_id(id);
    }
    let provider = assume.build().await;
    base.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

/// The role session name of every role zetl assumes (it shows in CloudTrail).
pub const SESSION_NAME: &str = "zetl-doctor";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::SetupFields;

    #[test]
    fn region_precedence_is_arn_then_side_flag_then_region_flag() {
        let setup = Setup {
            fields: SetupFields {
                region: Some("eu-west-1".into()),
                target_region: Some("us-west-2".into()),
                profile: Some("both".into()),
                source_profile: Some("src".into()),
                source_role_arn: Some("arn:aws:iam::111111111111:role/read".into()),
                external_id: Some("x-1".into()),
                endpoint_url: Some("http://127.0.0.1:5000".into()),
                ..SetupFields::default()
            },
            ..Setup::default()
        };
        let s = AccountOptions::for_side(&setup, Side::Source, Some("ap-northeast-1"));
        assert_eq!(s.region.as_deref(), Some("ap-northeast-1"));
        assert_eq!(s.profile.as_deref(), Some("src"));
        assert_eq!(
            s.role_arn.as_deref(),
            Some("arn:aws:iam::111111111111:role/read")
        );
        assert_eq!(s.external_id.as_deref(), Some("x-1"));
        assert!(s.s3_path_style());
        let t = AccountOptions::for_side(&setup, Side::Target, None);
        assert_eq!(t.region.as_deref(), Some("us-west-2"));
        assert_eq!(t.profile.as_deref(), Some("both"));
        assert_eq!(t.role_arn, None);
        let s2 = AccountOptions::for_side(&setup, Side::Source, None);
        assert_eq!(s2.region.as_deref(), Some("eu-west-1"));
    }

    /// Retries as the AWS chain decides them, observed on a call that always fails with a
    /// retryable error: environment, then profile, then the SDK default.
    mod retries {
        use super::*;
        use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
        use aws_sdk_sts::config::{AsyncSleep, Sleep};
        use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, RuleMode};
        use aws_types::os_shim_internal::{Env, Fs};

        /// Backoff without waiting, so three attempts take no time.
        #[derive(Debug)]
        struct NoSleep;
        impl AsyncSleep for NoSleep {
            fn sleep(&self, _: Duration) -> Sleep {
                Sleep::new(std::future::ready(()))
            }
        }

        /// `base_config` with this environment and this config file (nothing from the
        /// machine), for the account using profile `ci`.
        async fn config(env: &[(&str, &str)], config_file: &str) -> SdkConfig {
            let loader = aws_config::defaults(BehaviorVersion::latest())
                .env(Env::from_slice(env))
                .fs(Fs::from_slice(&[]))
                .profile_files(
                    EnvConfigFiles::builder()
                        .with_contents(EnvConfigFileKind::Config, config_file)
                        .build(),
                )
                .test_credentials();
            let options = AccountOptions {
                profile: Some("ci".into()),
                region: Some("us-east-1".into()),
                ..AccountOptions::default()
            };
            base_config_from(&options, loader).await
        }

        /// How many attempts an STS client built from `conf` makes at a call that always
        /// answers HTTP 503.
        async fn attempts(conf: &SdkConfig) -> usize {
            let rule = mock!(aws_sdk_sts::Client::get_caller_identity)
                .sequence()
                .http_status(503, None)
                .repeatedly()
                .build();
            let client = aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(conf)
                    .http_client(create_mock_http_client())
                    .sleep_impl(aws_sdk_sts::config::SharedAsyncSleep::new(NoSleep))
                    .interceptor(
                        MockResponseInterceptor::new()
                            .rule_mode(RuleMode::MatchAny)
                            .with_rule(&rule),
                    )
                    .build(),
            );
            let err = client.get_caller_identity().send().await;
            assert!(err.is_err(), "the mock only fails");
            rule.num_calls()
        }

        const PROFILE_TWO: &str = "[profile ci]\nmax_attempts = 2\nretry_mode = adaptive\n";

        #[tokio::test]
        async fn the_environment_decides_first() {
            let conf = config(&[("AWS_MAX_ATTEMPTS", "1")], PROFILE_TWO).await;
            assert_eq!(attempts(&conf).await, 1);
            let conf = config(&[("AWS_RETRY_MODE", "standard")], PROFILE_TWO).await;
            let retry = conf.retry_config().expect("retry config");
            assert_eq!(retry.mode(), aws_config::retry::RetryMode::Standard);
        }

        #[tokio::test]
        async fn then_the_profile() {
            let conf = config(&[], PROFILE_TWO).await;
            assert_eq!(attempts(&conf).await, 2);
            let retry = conf.retry_config().expect("retry config");
            assert_eq!(retry.mode(), aws_config::retry::RetryMode::Adaptive);
        }

        #[tokio::test]
        async fn else_the_sdk_default_and_always_zetl_timeouts() {
            let conf = config(&[], "[profile ci]\nregion = eu-west-1\n").await;
            assert_eq!(attempts(&conf).await, 3);
            let timeouts = conf.timeout_config().expect("timeouts");
            assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(5)));
            assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(60)));
        }
    }
}
