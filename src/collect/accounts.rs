//! How to reach each account: one `SdkConfig` per side from the standard AWS chain, a named
//! profile, an assumed role (with external id), a region and an endpoint override.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
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
                &setup.source_profile,
                &setup.source_role_arn,
                &setup.source_region,
            ),
            Side::Target => (
                &setup.target_profile,
                &setup.target_role_arn,
                &setup.target_region,
            ),
        };
        AccountOptions {
            profile: profile.clone().or_else(|| setup.profile.clone()),
            role_arn: role_arn.clone(),
            external_id: setup.external_id.clone(),
            region: arn_region
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .or_else(|| side_region.clone())
                .or_else(|| setup.region.clone()),
            endpoint_url: setup.endpoint_url.clone(),
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

/// Per-attempt and per-call limits: a dead endpoint fails in seconds, not minutes.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(20))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(60))
        .build()
}

/// Loads the account's configuration. `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`
/// are honoured by aws-config itself; `--endpoint-url` overrides them for every service.
pub async fn sdk_config(options: &AccountOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard())
        .timeout_config(timeouts());
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &options.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &options.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let base = loader.load().await;
    let Some(role_arn) = &options.role_arn else {
        return base;
    };
    let mut assume = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("zetl-doctor")
        .configure(&base);
    if let Some(id) = &options.external_id {
        assume = assume.external_id(id);
    }
    let provider = assume.build().await;
    base.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_precedence_is_arn_then_side_flag_then_region_flag() {
        let setup = Setup {
            region: Some("eu-west-1".into()),
            target_region: Some("us-west-2".into()),
            profile: Some("both".into()),
            source_profile: Some("src".into()),
            source_role_arn: Some("arn:aws:iam::111111111111:role/read".into()),
            external_id: Some("x-1".into()),
            endpoint_url: Some("http://127.0.0.1:5000".into()),
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
}
