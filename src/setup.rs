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
    /// The `[[pair]]`s of zetl.toml, with the top-level values and the flags applied. Empty:
    /// the one pair of the fields above (`source_table`, `target_database`, ...), if any.
    pub pairs: Vec<SetupPair>,
    /// `--all`: also every existing integration between the two accounts.
    pub all: bool,
    /// `--concurrency`: AWS requests in flight at most per account while collecting.
    pub concurrency: Option<usize>,
}

/// One source table -> target database pair of the setup, as given (ARNs or names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupPair {
    pub source_table: String,
    /// Absent only when nothing gave one (then collection says it is required).
    pub target_database: Option<String>,
    pub target_role: Option<String>,
    pub integration: Option<String>,
}

impl Setup {
    /// Every pair the setup names, in order, each once: the `[[pair]]`s, else the one pair of
    /// the single fields (none when no table is given).
    pub fn pair_list(&self) -> Vec<SetupPair> {
        let mut out: Vec<SetupPair> = Vec::new();
        if self.pairs.is_empty() {
            if let Some(table) = &self.source_table {
                out.push(SetupPair {
                    source_table: table.clone(),
                    target_database: self.target_database.clone(),
                    target_role: self.target_role.clone(),
                    integration: self.integration.clone(),
                });
            }
            return out;
        }
        for p in &self.pairs {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }
}
