//! Which two accounts, which resources, and how to reach them: what `commands/` builds from
//! flags and zetl.toml (flags win, field by field) and hands to collection, `zetl fix` and
//! `zetl policy generate`. Plain data: no CLI type reaches below `commands/`. The fields that
//! are at once a flag, a zetl.toml key and a field of the setup are declared once, here.

/// The setup of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Setup {
    /// The accounts, resources and access, flags over zetl.toml ([`SetupFields::or`]).
    pub fields: SetupFields,
    /// The `[[pair]]`s of zetl.toml, with the top-level values and the flags applied. Empty:
    /// the one pair of the fields above (`source_table`, `target_database`, ...), if any.
    pub pairs: Vec<SetupPair>,
    /// `--all`: also every existing integration between the two accounts.
    pub all: bool,
    /// `--concurrency`: AWS requests in flight at most per account while collecting.
    pub concurrency: Option<usize>,
}

/// The fields that are a flag (`--source-table`), a zetl.toml key (`source_table`) and a
/// field of [`Setup`] alike, declared once here with their help text. The clap and serde
/// derives sit on this plain-data struct because they are the declaration: `cli::SetupArgs`
/// flattens it into the setup flags, `config::Config` reads it from zetl.toml's top level.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize)]
pub struct SetupFields {
    /// Source DynamoDB table (ARN preferred: it fixes account and region).
    #[arg(long, value_name = "ARN|NAME")]
    pub source_table: Option<String>,
    /// Target Glue database (arn:aws:glue:R:TGT:database/DB).
    #[arg(long, value_name = "ARN|NAME")]
    pub target_database: Option<String>,
    /// IAM role the integration writes with.
    #[arg(long, value_name = "ARN|NAME")]
    pub target_role: Option<String>,
    /// IAM user/role in the source account that creates the integration.
    #[arg(long, value_name = "ARN")]
    pub source_principal: Option<String>,
    /// Principal that uses the console (rule ZP004).
    #[arg(long, value_name = "ARN")]
    pub console_principal: Option<String>,
    /// Principal that configures the target (rule ZP005).
    #[arg(long, value_name = "ARN")]
    pub target_principal: Option<String>,
    /// An existing integration to troubleshoot (else found from table -> database).
    #[arg(long, value_name = "ARN")]
    pub integration: Option<String>,
    /// Named AWS profile for both accounts.
    #[arg(long)]
    pub profile: Option<String>,
    /// Named AWS profile for the source account.
    #[arg(long)]
    pub source_profile: Option<String>,
    /// Named AWS profile for the target account.
    #[arg(long)]
    pub target_profile: Option<String>,
    /// Role to assume to read the source account.
    #[arg(long, value_name = "ARN")]
    pub source_role_arn: Option<String>,
    /// Role to assume to read the target account.
    #[arg(long, value_name = "ARN")]
    pub target_role_arn: Option<String>,
    /// External id for the assume-role calls.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Region for both accounts (default from the ARNs, then the AWS config chain).
    #[arg(long)]
    pub region: Option<String>,
    /// Region of the source account.
    #[arg(long)]
    pub source_region: Option<String>,
    /// Region of the target account.
    #[arg(long)]
    pub target_region: Option<String>,
    /// Send every AWS call there (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> also work).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

impl SetupFields {
    /// Each field from `self`, else from `other`: flags `.or(` zetl.toml `)`.
    pub fn or(self, other: SetupFields) -> SetupFields {
        SetupFields {
            source_table: self.source_table.or(other.source_table),
            target_database: self.target_database.or(other.target_database),
            target_role: self.target_role.or(other.target_role),
            source_principal: self.source_principal.or(other.source_principal),
            console_principal: self.console_principal.or(other.console_principal),
            target_principal: self.target_principal.or(other.target_principal),
            integration: self.integration.or(other.integration),
            profile: self.profile.or(other.profile),
            source_profile: self.source_profile.or(other.source_profile),
            target_profile: self.target_profile.or(other.target_profile),
            source_role_arn: self.source_role_arn.or(other.source_role_arn),
            target_role_arn: self.target_role_arn.or(other.target_role_arn),
            external_id: self.external_id.or(other.external_id),
            region: self.region.or(other.region),
            source_region: self.source_region.or(other.source_region),
            target_region: self.target_region.or(other.target_region),
            endpoint_url: self.endpoint_url.or(other.endpoint_url),
        }
    }
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
            let f = &self.fields;
            if let Some(table) = &f.source_table {
                out.push(SetupPair {
                    source_table: table.clone(),
                    target_database: f.target_database.clone(),
                    target_role: f.target_role.clone(),
                    integration: f.integration.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn or_takes_each_field_from_the_first_that_has_it() {
        let flags = SetupFields {
            region: Some("eu-west-1".into()),
            source_profile: Some("flag".into()),
            ..SetupFields::default()
        };
        let file = SetupFields {
            region: Some("us-east-1".into()),
            target_profile: Some("file".into()),
            ..SetupFields::default()
        };
        let both = flags.or(file);
        assert_eq!(both.region.as_deref(), Some("eu-west-1"));
        assert_eq!(both.source_profile.as_deref(), Some("flag"));
        assert_eq!(both.target_profile.as_deref(), Some("file"));
        assert_eq!(both.profile, None);
    }
}
