//! Access requirements as data: the `[[requirement]]` tables of the access rules' TOML files.
//!
//! A requirement says "this principal must be able to do these actions on these resources,
//! with this request context, according to these policies", and how to grant it when it
//! cannot. `access.rs` turns it into concrete requests, evaluates them with the policy
//! engine and synthesises the fix from the same data.
//!
//! ```toml
//! [[requirement]]
//! id = "export"
//! principal = "glue_service"
//! actions = ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"]
//! resources = ["{table_arn}"]
//! context = { "aws:SourceAccount" = "{source_account}", "aws:SourceArn" = "{integration_arn}" }
//! policies = ["table_policy"]
//! [requirement.fix]
//! sid = "AllowGlueZeroETLExport"
//! resources = ["*"]
//! condition = { StringEquals = { "aws:SourceAccount" = "{source_account}" } }
//! ```

use crate::rules::messages::sentence;
use std::collections::BTreeMap;

use crate::rules::template::{MissingValue, Template};

use serde::{Deserialize, Serialize};

/// Who makes the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalRole {
    /// `glue.amazonaws.com` acting for the integration: resource policy alone decides.
    GlueService,
    /// `--source-principal`: who creates the integration (source account).
    SourcePrincipal,
    /// The target IAM role Glue assumes to write the tables.
    TargetRole,
    /// `--target-principal`: who configures the target (passes the role).
    TargetPrincipal,
    /// `--console-principal`: who uses the console.
    ConsolePrincipal,
}

impl PrincipalRole {
    /// The setup flag that names this principal (for "unknown: give --source-principal").
    pub fn flag(self) -> &'static str {
        match self {
            PrincipalRole::GlueService => "",
            PrincipalRole::SourcePrincipal => "--source-principal",
            PrincipalRole::TargetRole => "--target-role",
            PrincipalRole::TargetPrincipal => "--target-principal",
            PrincipalRole::ConsolePrincipal => "--console-principal",
        }
    }
}

/// A policy that takes part in the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    /// The source table's resource-based policy.
    TablePolicy,
    /// The target account's Glue Data Catalog resource policy.
    CatalogPolicy,
    /// The database location bucket's policy.
    BucketPolicy,
    /// The key policy of the KMS key named by the request's resource.
    KeyPolicy,
    /// The principal's identity policies (inline, attached, its groups' for users),
    /// intersected with its permissions boundary.
    Identity,
    /// The target role's trust policy (request resource is the role).
    Trust,
}

/// When a requirement applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    #[default]
    Always,
    /// Only when source and target accounts differ (e.g. ZP002).
    CrossAccount,
}

/// A context value template: one string or a list (multi-valued key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ContextTemplate {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable name within the rule, shown in evidence (`export`, `describe_export`).
    pub id: String,
    pub principal: PrincipalRole,
    pub actions: Vec<String>,
    /// Resource ARN templates; each action is evaluated on each resource.
    pub resources: Vec<String>,
    /// Request context beyond the standard keys (see `access.rs`), as templates.
    #[serde(default)]
    pub context: BTreeMap<String, ContextTemplate>,
    /// Policies that take part. Principal kinds decide how they combine.
    pub policies: Vec<PolicySource>,
    #[serde(default)]
    pub applies: Applies,
    /// How to grant it.
    #[serde(default)]
    pub fix: Option<FixTemplate>,
    /// A grant AWS's documented policy lists but a working setup can lack: when only such
    /// requirements fail, the finding has this severity (never above the rule's) ...
    #[serde(default)]
    pub severity: Option<crate::report::Severity>,
    /// ... and this message key of the rule's `[messages]`.
    #[serde(default)]
    pub message: Option<String>,
}

/// The statement that grants the requirement. Principal, actions and resources default to
/// the requirement's own (principal: Glue's service name, or the named principal's ARN).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixTemplate {
    pub sid: String,
    /// The document the statement goes into; defaults to the first of `policies` that the
    /// principal kind can be granted in (resource policy for services, identity otherwise).
    #[serde(default)]
    pub into: Option<PolicySource>,
    #[serde(default)]
    pub actions: Option<Vec<String>>,
    #[serde(default)]
    pub resources: Option<Vec<String>>,
    /// operator -> key -> value template(s). Only keys AWS documents for the statement.
    #[serde(default)]
    pub condition: BTreeMap<String, BTreeMap<String, ContextTemplate>>,
    /// Name of the inline policy for identity fixes.
    #[serde(default)]
    pub policy_name: Option<String>,
}

/// The placeholders a requirement template may use. Values come from the pair's facts.
pub const PLACEHOLDERS: &[&str] = &[
    "region",
    "source_region",
    "target_region",
    "source_account",
    "target_account",
    "table",
    "table_arn",
    "table_name",
    "export_arn",
    "integration_arn",
    "integration_arn_pattern",
    "integration_source_arn",
    "catalog_arn",
    "database",
    "database_arn",
    "database_name",
    "target_table_arn",
    "target_tables_arn",
    "target_table_name",
    "bucket_arn",
    "bucket",
    "prefix",
    "s3_prefix",
    "object_arn",
    "location_objects_arn",
    "table_bucket",
    "table_bucket_arn",
    "log_group_arn",
    "log_streams_arn",
    "role",
    "role_arn",
    "role_name",
    "principal_arn",
    "target_key_arn",
    "bucket_key_arn",
    "source_key_arn",
    "now",
];

/// Replaces `{name}` placeholders. An unknown or unavailable placeholder is an error naming it.
pub fn expand(template: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    crate::rules::catalog::placeholders(template)?;
    Template::parse(template)
        .expand(values)
        .map_err(|MissingValue(name)| {
            if PLACEHOLDERS.contains(&name.as_str()) {
                sentence(
                    "unknown.placeholder_not_known",
                    &[("placeholder", &format!("{{{name}}}"))],
                )
            } else {
                format!("unknown placeholder {{{name}}} in \"{template}\"")
            }
        })
}

/// Every placeholder a requirement uses, for the catalog's own validation.
pub fn placeholders_used(req: &Requirement) -> Vec<String> {
    let mut texts: Vec<&str> = req.resources.iter().map(String::as_str).collect();
    for v in req.context.values() {
        push_template(&mut texts, v);
    }
    if let Some(fix) = &req.fix {
        texts.extend(fix.actions.iter().flatten().map(String::as_str));
        texts.extend(fix.resources.iter().flatten().map(String::as_str));
        for keys in fix.condition.values() {
            for v in keys.values() {
                push_template(&mut texts, v);
            }
        }
    }
    let mut names = Vec::new();
    for t in texts {
        let mut rest = t;
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else { break };
            names.push(after[..end].to_string());
            rest = &after[end + 1..];
        }
    }
    names.sort();
    names.dedup();
    names
}

fn push_template<'a>(texts: &mut Vec<&'a str>, v: &'a ContextTemplate) {
    match v {
        ContextTemplate::One(s) => texts.push(s),
        ContextTemplate::Many(list) => texts.extend(list.iter().map(String::as_str)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
        [[requirement]]
        id = "export"
        principal = "glue_service"
        actions = ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"]
        resources = ["{table_arn}"]
        context = { "aws:SourceAccount" = "{source_account}", "aws:SourceArn" = "{integration_arn}" }
        policies = ["table_policy"]
        [requirement.fix]
        sid = "AllowGlueZeroETLExport"
        resources = ["*"]
        condition = { StringEquals = { "aws:SourceAccount" = "{source_account}" }, ArnLike = { "aws:SourceArn" = "{integration_arn_pattern}" } }
    "#;

    #[derive(Deserialize)]
    struct Doc {
        requirement: Vec<Requirement>,
    }

    #[test]
    fn parses_the_schema() {
        let doc: Doc = toml::from_str(EXAMPLE).unwrap();
        let r = &doc.requirement[0];
        assert_eq!(r.principal, PrincipalRole::GlueService);
        assert_eq!(r.policies, vec![PolicySource::TablePolicy]);
        assert_eq!(r.applies, Applies::Always);
        let fix = r.fix.as_ref().unwrap();
        assert_eq!(fix.sid, "AllowGlueZeroETLExport");
        assert_eq!(
            fix.condition["ArnLike"]["aws:SourceArn"],
            ContextTemplate::One("{integration_arn_pattern}".into())
        );
        assert_eq!(
            placeholders_used(r),
            vec![
                "integration_arn",
                "integration_arn_pattern",
                "source_account",
                "table_arn"
            ]
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let bad = EXAMPLE.replace("policies =", "policys =");
        assert!(toml::from_str::<Doc>(&bad).is_err());
        let bad = EXAMPLE.replace("\"glue_service\"", "\"glue\"");
        assert!(toml::from_str::<Doc>(&bad).is_err());
    }

    #[test]
    fn expands_placeholders() {
        let mut v = BTreeMap::new();
        v.insert("table_arn".to_string(), "arn:t".to_string());
        assert_eq!(
            expand("{table_arn}/export/*", &v).unwrap(),
            "arn:t/export/*"
        );
        assert_eq!(
            expand("{bucket_arn}", &v).unwrap_err(),
            "{bucket_arn} is not known for this setup"
        );
        assert_eq!(
            expand("{nope}", &v).unwrap_err(),
            "unknown placeholder {nope} in \"{nope}\""
        );
        assert!(expand("{table_arn", &v).is_err());
    }
}
