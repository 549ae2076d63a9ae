//! `aws` CLI commands that apply a fixed policy. The policy itself goes into a file named
//! after its kind (the finding carries the document in `fix.policy`).

use crate::snapshot::ResourceProperty;

/// Where a command runs: region and, when the user named one, the AWS profile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandTarget {
    pub region: String,
    pub profile: Option<String>,
}

impl CommandTarget {
    pub fn new(region: &str, profile: Option<&str>) -> Self {
        CommandTarget {
            region: region.to_string(),
            profile: profile.map(String::from),
        }
    }

    /// ` --profile NAME` or nothing.
    pub fn profile_flag(&self) -> String {
        match &self.profile {
            Some(p) if !p.is_empty() => format!(" --profile {}", shell_word(p)),
            _ => String::new(),
        }
    }

    fn region_flag(&self) -> String {
        format!(" --region {}", shell_word(&self.region))
    }
}

/// A policy write and the account (region, profile) it runs in: what a finding's fix command
/// is rendered from, so the text always says what `zetl fix` would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedCommand {
    pub command: PolicyCommand,
    pub target: CommandTarget,
}

impl TypedCommand {
    /// The `aws ...` command, as pasted into a shell.
    pub fn render(&self) -> String {
        self.command.render(&self.target)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyCommand {
    DynamoDbPutResourcePolicy {
        table_arn: String,
        /// RevisionId read with the policy: the put fails instead of overwriting a change.
        expected_revision_id: Option<String>,
    },
    GluePutResourcePolicy {
        /// PolicyHash read with the policy (optimistic concurrency), if any.
        policy_hash: Option<String>,
        /// No policy existed: make the put fail if one appeared meanwhile.
        create: bool,
        /// Lake Formation cross-account grants exist: PutResourcePolicy needs EnableHybrid.
        enable_hybrid: bool,
    },
    S3PutBucketPolicy {
        bucket: String,
    },
    KmsPutKeyPolicy {
        key_id: String,
    },
    IamPutRolePolicy {
        role_arn: String,
        policy_name: String,
    },
    IamPutUserPolicy {
        user_arn: String,
        policy_name: String,
    },
    IamUpdateAssumeRolePolicy {
        role_arn: String,
    },
    IamCreatePolicyVersion {
        policy_arn: String,
    },
}

impl PolicyCommand {
    /// The file the command reads; the finding's `fix.policy` is what goes in it.
    pub fn file_name(&self) -> &'static str {
        match self {
            PolicyCommand::DynamoDbPutResourcePolicy { .. } => "table-policy.json",
            PolicyCommand::GluePutResourcePolicy { .. } => "catalog-policy.json",
            PolicyCommand::S3PutBucketPolicy { .. } => "bucket-policy.json",
            PolicyCommand::KmsPutKeyPolicy { .. } => "key-policy.json",
            PolicyCommand::IamPutRolePolicy { .. }
            | PolicyCommand::IamPutUserPolicy { .. }
            | PolicyCommand::IamCreatePolicyVersion { .. } => "identity-policy.json",
            PolicyCommand::IamUpdateAssumeRolePolicy { .. } => "trust-policy.json",
        }
    }

    /// This write bound to the account it runs in, to be rendered when a report is made.
    pub fn at(self, target: CommandTarget) -> TypedCommand {
        TypedCommand {
            command: self,
            target,
        }
    }

    pub fn render(&self, target: &CommandTarget) -> String {
        let file = format!("file://{}", self.file_name());
        let profile = target.profile_flag();
        match self {
            PolicyCommand::DynamoDbPutResourcePolicy {
                table_arn,
                expected_revision_id,
            } => {
                let revision = expected_revision_id
                    .as_deref()
                    .map(|r| format!(" --expected-revision-id {}", shell_word(r)))
                    .unwrap_or_default();
                format!(
                    "aws dynamodb put-resource-policy --resource-arn {} --policy {file}{revision}{}{profile}",
                    shell_word(table_arn),
                    target.region_flag()
                )
            }
            PolicyCommand::GluePutResourcePolicy {
                policy_hash,
                create,
                enable_hybrid,
            } => {
                let mut extra = String::new();
                if let Some(h) = policy_hash {
                    extra.push_str(&format!(" --policy-hash-condition {}", shell_word(h)));
                } else if *create {
                    extra.push_str(" --policy-exists-condition NOT_EXIST");
                }
                if *enable_hybrid {
                    extra.push_str(" --enable-hybrid TRUE");
                }
                format!(
                    "aws glue put-resource-policy --policy-in-json {file}{extra}{}{profile}",
                    target.region_flag()
                )
            }
            PolicyCommand::S3PutBucketPolicy { bucket } => format!(
                "aws s3api put-bucket-policy --bucket {} --policy {file}{}{profile}",
                shell_word(bucket),
                target.region_flag()
            ),
            PolicyCommand::KmsPutKeyPolicy { key_id } => format!(
                "aws kms put-key-policy --key-id {} --policy-name default --policy {file}{}{profile}",
                shell_word(key_id),
                target.region_flag()
            ),
            // IAM is global: no --region.
            PolicyCommand::IamPutRolePolicy {
                role_arn,
                policy_name,
            } => format!(
                "aws iam put-role-policy --role-name {} --policy-name {} --policy-document {file}{profile}",
                shell_word(name_from_arn(role_arn)),
                shell_word(policy_name)
            ),
            PolicyCommand::IamPutUserPolicy {
                user_arn,
                policy_name,
            } => format!(
                "aws iam put-user-policy --user-name {} --policy-name {} --policy-document {file}{profile}",
                shell_word(name_from_arn(user_arn)),
                shell_word(policy_name)
            ),
            PolicyCommand::IamUpdateAssumeRolePolicy { role_arn } => format!(
                "aws iam update-assume-role-policy --role-name {} --policy-document {file}{profile}",
                shell_word(name_from_arn(role_arn))
            ),
            PolicyCommand::IamCreatePolicyVersion { policy_arn } => format!(
                "aws iam create-policy-version --policy-arn {} --policy-document {file} --set-as-default{profile}",
                shell_word(policy_arn)
            ),
        }
    }
}

/// The last path segment of an IAM ARN: `arn:aws:iam::1:role/a/b/NAME` -> `NAME`.
pub fn name_from_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// A value for AWS CLI shorthand (`Key=value,...`): a comma would end the value, so it is
/// escaped (`\,`, which the CLI's shorthand parser reads as a comma).
pub fn shorthand_value(s: &str) -> String {
    s.replace(',', r"\,")
}

/// The members of `TargetProcessingProperties` other than `RoleArn` that a resource property
/// has, as the rest of a shorthand argument (`,KmsArn=...,ConnectionName=...`; empty when it
/// has none), each value quoted for the shell when needed. UpdateIntegrationResourceProperty
/// takes the whole structure, so an update that names only the role would risk dropping them.
pub fn kept_target_properties(property: Option<&ResourceProperty>) -> String {
    let Some(p) = property else {
        return String::new();
    };
    [
        ("KmsArn", &p.kms_arn),
        ("ConnectionName", &p.connection_name),
        ("EventBusArn", &p.event_bus_arn),
    ]
    .into_iter()
    .filter_map(|(key, value)| {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| format!(",{key}={}", shell_word(&shorthand_value(v))))
    })
    .collect()
}

/// Quotes a word for a POSIX shell when it holds anything but safe characters.
pub fn shell_word(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/=+@,%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamodb_put() {
        let t = CommandTarget::new("us-east-1", Some("src"));
        let c = PolicyCommand::DynamoDbPutResourcePolicy {
            table_arn: "arn:aws:dynamodb:us-east-1:111111111111:table/orders".into(),
            expected_revision_id: None,
        };
        assert_eq!(
            c.render(&t),
            "aws dynamodb put-resource-policy --resource-arn arn:aws:dynamodb:us-east-1:111111111111:table/orders --policy file://table-policy.json --region us-east-1 --profile src"
        );
    }

    #[test]
    fn glue_put_with_hash_and_hybrid() {
        let t = CommandTarget::new("eu-west-1", None);
        let c = PolicyCommand::GluePutResourcePolicy {
            policy_hash: Some("abc".into()),
            create: false,
            enable_hybrid: true,
        };
        assert_eq!(
            c.render(&t),
            "aws glue put-resource-policy --policy-in-json file://catalog-policy.json --policy-hash-condition abc --enable-hybrid TRUE --region eu-west-1"
        );
        let c = PolicyCommand::GluePutResourcePolicy {
            policy_hash: None,
            create: true,
            enable_hybrid: false,
        };
        assert_eq!(
            c.render(&t),
            "aws glue put-resource-policy --policy-in-json file://catalog-policy.json --policy-exists-condition NOT_EXIST --region eu-west-1"
        );
    }

    #[test]
    fn iam_commands_use_the_name_without_path_and_no_region() {
        let t = CommandTarget::new("us-east-1", Some("tgt"));
        let c = PolicyCommand::IamPutRolePolicy {
            role_arn: "arn:aws:iam::222222222222:role/service/zero-etl".into(),
            policy_name: "zetl-zero-etl".into(),
        };
        assert_eq!(
            c.render(&t),
            "aws iam put-role-policy --role-name zero-etl --policy-name zetl-zero-etl --policy-document file://identity-policy.json --profile tgt"
        );
        let c = PolicyCommand::IamUpdateAssumeRolePolicy {
            role_arn: "arn:aws:iam::222222222222:role/zero-etl".into(),
        };
        assert_eq!(
            c.render(&t),
            "aws iam update-assume-role-policy --role-name zero-etl --policy-document file://trust-policy.json --profile tgt"
        );
    }

    #[test]
    fn odd_profile_names_are_quoted() {
        let t = CommandTarget::new("us-east-1", Some("my profile"));
        assert_eq!(t.profile_flag(), " --profile 'my profile'");
    }
}
