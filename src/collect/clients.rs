//! The service clients of one account, and what the collectors need to know about it.

use aws_config::SdkConfig;

use super::actions::Side;
use super::guard::ReadOnlyGuard;
use super::limit::Limit;
use super::progress::Reporter;
use crate::snapshot::Unknown;

/// One client per service, all built from the same account configuration.
#[derive(Debug, Clone)]
pub struct Clients {
    pub sts: aws_sdk_sts::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub glue: aws_sdk_glue::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub kms: aws_sdk_kms::Client,
    pub lakeformation: aws_sdk_lakeformation::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// The integration's CloudWatch Logs stream (rule ZI009).
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// Only for the ZP004 probes.
    pub redshift_serverless: aws_sdk_redshiftserverless::Client,
    /// The account's requests in flight at most (shared by every client of the account).
    pub limit: Limit,
}

impl Clients {
    /// Clients for one account. `s3_path_style` is set when calls go to a custom endpoint
    /// (virtual-hosted bucket names do not resolve on loopback emulators). Every client
    /// carries the read-only guard: the doctor cannot send a write even by mistake.
    pub fn from_config(conf: &SdkConfig, s3_path_style: bool, guard: &ReadOnlyGuard) -> Self {
        Clients {
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            dynamodb: aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            glue: aws_sdk_glue::Client::from_conf(
                aws_sdk_glue::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(conf)
                    .force_path_style(s3_path_style)
                    .interceptor(guard.clone())
                    .build(),
            ),
            kms: aws_sdk_kms::Client::from_conf(
                aws_sdk_kms::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            lakeformation: aws_sdk_lakeformation::Client::from_conf(
                aws_sdk_lakeformation::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                aws_sdk_cloudwatch::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            redshift_serverless: aws_sdk_redshiftserverless::Client::from_conf(
                aws_sdk_redshiftserverless::config::Builder::from(conf)
                    .interceptor(guard.clone())
                    .build(),
            ),
            limit: Limit::unlimited(),
        }
    }

    /// The same clients, at most `n` calls in flight at once between them.
    pub fn limited(mut self, n: usize) -> Clients {
        self.limit = Limit::new(n);
        self
    }
}

impl Clients {
    /// The same clients (endpoints, retries, guard, path style) signing with `credentials`:
    /// those of the role the collector assumed for the account.
    pub fn with_credentials(&self, credentials: &aws_sdk_sts::config::Credentials) -> Clients {
        macro_rules! resign {
            ($($field:ident: $sdk:ident),*) => {
                Clients {
                    $($field: $sdk::Client::from_conf(
                        self.$field
                            .config()
                            .to_builder()
                            .credentials_provider(credentials.clone())
                            .build(),
                    ),)*
                    limit: self.limit.clone(),
                }
            };
        }
        resign!(
            sts: aws_sdk_sts,
            dynamodb: aws_sdk_dynamodb,
            glue: aws_sdk_glue,
            iam: aws_sdk_iam,
            s3: aws_sdk_s3,
            kms: aws_sdk_kms,
            lakeformation: aws_sdk_lakeformation,
            cloudwatch: aws_sdk_cloudwatch,
            logs: aws_sdk_cloudwatchlogs,
            redshift_serverless: aws_sdk_redshiftserverless
        )
    }
}

/// One account as the collectors see it.
#[derive(Debug, Clone)]
pub struct Account {
    pub clients: Clients,
    pub side: Side,
    /// 12-digit account id (empty until known).
    pub id: String,
    pub region: String,
    /// `aws`, `aws-cn`, `aws-us-gov`: for the ARNs the collector builds.
    pub partition: String,
    /// Set when the account could not be reached at all: every call then records this
    /// instead of being sent.
    pub down: Option<Unknown>,
    /// Told about every call.
    pub progress: Reporter,
}

impl Account {
    /// `arn:P:glue:R:ACCT:catalog`
    pub fn catalog_arn(&self) -> String {
        format!(
            "arn:{}:glue:{}:{}:catalog",
            self.partition, self.region, self.id
        )
    }
}
