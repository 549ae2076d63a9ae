//! Which two accounts, which resources, and how to reach them: what `commands/` builds from
//! flags and zetl.toml (flags win, field by field) and hands to collection, `zetl fix` and
//! `zetl policy generate`. Plain data: no CLI type reaches below `commands/`.

/// The setup of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Setup {
    /// Source DynamoDB table (ARN preferred: it fixes account and region).
    pub source_table: Option<String>,
    /// Target Glue database (arn:aws:glue:R:TGT:database/DB).
    pub target_database: Option<String>,
    /// IAM role the integration writes with.
    pub target_role: Option<String>,
    /// IAM user/role in the source account that creates the integration.
    pub source_principal: Option<String>,
    /// Principal that uses the console (rule ZP004).
    pub console_principal: Option<String>,
    /// Principal that configures the target (rule ZP005).
    pub target_principal: Option<String>,
    /// An existing integration to troubleshoot (else found from table -> database).
    pub integration: Option<String>,
    /// Named AWS profile for both accounts.
    pub profile: Option<String>,
    /// Named AWS profile for the source account.
    pub source_profile: Option<String>,
    /// Named AWS profile for the target account.
    pub target_profile: Option<String>,
    /// Role to assume to read the source account.
    pub source_role_arn: Option<String>,
    /// Role to assume to read the target account.
    pub target_role_arn: Option<String>,
    /// External id for the assume-role calls.
    pub external_id: Option<String>,
    /// Region for both accounts (default from the ARNs, then the AWS config chain).
    pub region: Option<String>,
    /// Region of the source account.
    pub source_region: Option<String>,
    /// Region of the target account.
    pub target_region: Option<String>,
    /// Send every AWS call there (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> also work).
    pub endpoint_url: Option<String>,
}
