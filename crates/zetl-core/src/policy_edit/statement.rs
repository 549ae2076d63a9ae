//! The minimal statement that grants one requirement: exactly the principal, actions and
//! resources needed, and for service principals exactly the condition keys AWS documents for
//! that statement (never an undocumented key, never `Principal: "*"`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// Condition block: operator -> key -> values, kept sorted so output is stable.
pub type Conditions = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Who a resource-policy statement names. Identity-policy statements name nobody.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum StatementPrincipal {
    /// `{"Service": "glue.amazonaws.com"}`
    Service(String),
    /// `{"AWS": "arn:aws:iam::111111111111:role/x"}` (an ARN or account root, never `*`).
    Aws(String),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatementSpec {
    pub sid: String,
    /// `None` for identity policies.
    pub principal: Option<StatementPrincipal>,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub conditions: Conditions,
}

impl StatementSpec {
    pub fn new(sid: &str, actions: &[&str], resources: &[&str]) -> Self {
        StatementSpec {
            sid: sid.to_string(),
            principal: None,
            actions: actions.iter().map(|s| s.to_string()).collect(),
            resources: resources.iter().map(|s| s.to_string()).collect(),
            conditions: Conditions::new(),
        }
    }

    pub fn principal(mut self, p: StatementPrincipal) -> Self {
        self.principal = Some(p);
        self
    }

    pub fn condition(mut self, operator: &str, key: &str, values: &[&str]) -> Self {
        self.conditions
            .entry(operator.to_string())
            .or_default()
            .insert(
                key.to_string(),
                values.iter().map(|s| s.to_string()).collect(),
            );
        self
    }

    /// The statement as it goes into a policy document: AWS's field order, single values as
    /// strings (how AWS's own examples are written).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("Sid".into(), json!(self.sid));
        m.insert("Effect".into(), json!("Allow"));
        match &self.principal {
            Some(StatementPrincipal::Service(s)) => {
                m.insert("Principal".into(), json!({ "Service": s }));
            }
            Some(StatementPrincipal::Aws(a)) => {
                m.insert("Principal".into(), json!({ "AWS": a }));
            }
            None => {}
        }
        m.insert("Action".into(), one_or_many(&dedup(&self.actions)));
        m.insert("Resource".into(), one_or_many(&dedup(&self.resources)));
        if !self.conditions.is_empty() {
            let mut block = Map::new();
            for (op, keys) in &self.conditions {
                let mut inner = Map::new();
                for (k, vals) in keys {
                    inner.insert(k.clone(), one_or_many(vals));
                }
                block.insert(op.clone(), Value::Object(inner));
            }
            m.insert("Condition".into(), Value::Object(block));
        }
        Value::Object(m)
    }
}

fn dedup(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    out
}

pub(crate) fn one_or_many(items: &[String]) -> Value {
    if items.len() == 1 {
        json!(items[0])
    } else {
        json!(items)
    }
}

/// The documented statements zero-ETL needs, built once here so every rule and
/// `zetl policy generate` produce the same text.
pub mod documented {
    use super::*;

    pub const GLUE: &str = "glue.amazonaws.com";

    /// Table policy (source account): Glue may export the table. Conditions per the Glue
    /// DynamoDB source page: `aws:SourceAccount` and `aws:SourceArn` naming the integration
    /// (in the account that creates it, SRC). With a known integration ARN the exact ARN is
    /// used (AWS's "tightening" advice), otherwise the `integration:*` pattern.
    pub fn table_policy_glue(
        region: &str,
        source_account: &str,
        integration_arn: Option<&str>,
        actions: &[&str],
    ) -> StatementSpec {
        let pattern = format!("arn:aws:glue:{region}:{source_account}:integration:*");
        let spec = StatementSpec::new("AllowGlueZeroETLExport", actions, &["*"])
            .principal(StatementPrincipal::Service(GLUE.into()))
            .condition("StringEquals", "aws:SourceAccount", &[source_account]);
        match integration_arn {
            Some(arn) => spec.condition("ArnEquals", "aws:SourceArn", &[arn]),
            None => spec.condition("ArnLike", "aws:SourceArn", &[&pattern]),
        }
    }

    /// Catalog policy statement A: the creator may CreateInboundIntegration. AWS's example
    /// conditions it on `aws:SourceArn`, but whether Glue supplies that key for a user
    /// principal is undocumented and working setups omit it, so it is left out.
    pub fn catalog_creator(
        principal: &str,
        catalog_arn: &str,
        database_arn: &str,
    ) -> StatementSpec {
        StatementSpec::new(
            "AllowCreateInboundIntegration",
            &["glue:CreateInboundIntegration"],
            &[catalog_arn, database_arn],
        )
        .principal(StatementPrincipal::Aws(principal.into()))
    }

    /// Catalog policy statement B: Glue may AuthorizeInboundIntegration, scoped to the source
    /// table with `aws:SourceArn` exactly as AWS's example does.
    pub fn catalog_glue_authorize(
        catalog_arn: &str,
        database_arn: &str,
        table_arn: &str,
    ) -> StatementSpec {
        StatementSpec::new(
            "AllowGlueAuthorizeInboundIntegration",
            &["glue:AuthorizeInboundIntegration"],
            &[catalog_arn, database_arn],
        )
        .principal(StatementPrincipal::Service(GLUE.into()))
        .condition("StringEquals", "aws:SourceArn", &[table_arn])
    }

    /// Target role trust policy statement.
    pub fn trust_glue() -> StatementSpec {
        let mut s = StatementSpec::new("AllowGlueAssumeRole", &["sts:AssumeRole"], &[]);
        s.principal = Some(StatementPrincipal::Service(GLUE.into()));
        s
    }

    /// `iam:PassRole` of the target role to Glue only.
    pub fn pass_role(role_arn: &str) -> StatementSpec {
        StatementSpec::new("AllowPassTargetRoleToGlue", &["iam:PassRole"], &[role_arn]).condition(
            "StringEquals",
            "iam:PassedToService",
            &[GLUE],
        )
    }
}

/// A trust-policy statement has no Resource; `to_json` writes one only when there is one.
impl StatementSpec {
    pub fn to_json_for_trust(&self) -> Value {
        let mut v = self.to_json();
        if let Some(m) = v.as_object_mut() {
            if self.resources.is_empty() {
                m.remove("Resource");
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::documented::*;
    use super::*;

    #[test]
    fn table_policy_statement_is_the_documented_one() {
        let s = table_policy_glue(
            "us-east-1",
            "111111111111",
            None,
            &[
                "dynamodb:ExportTableToPointInTime",
                "dynamodb:DescribeTable",
                "dynamodb:DescribeExport",
            ],
        );
        assert_eq!(
            s.to_json(),
            json!({
                "Sid": "AllowGlueZeroETLExport",
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable", "dynamodb:DescribeExport"],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:111111111111:integration:*"},
                    "StringEquals": {"aws:SourceAccount": "111111111111"}
                }
            })
        );
    }

    #[test]
    fn exact_integration_arn_uses_arn_equals() {
        let arn = "arn:aws:glue:us-east-1:111111111111:integration:abc";
        let s = table_policy_glue(
            "us-east-1",
            "111111111111",
            Some(arn),
            &["dynamodb:DescribeTable"],
        );
        assert_eq!(
            s.to_json()["Condition"]["ArnEquals"]["aws:SourceArn"],
            json!(arn)
        );
        assert_eq!(s.to_json()["Action"], json!("dynamodb:DescribeTable"));
    }

    #[test]
    fn catalog_statements() {
        let a = catalog_creator(
            "arn:aws:iam::111111111111:role/creator",
            "arn:aws:glue:us-east-1:222222222222:catalog",
            "arn:aws:glue:us-east-1:222222222222:database/lake",
        )
        .to_json();
        assert_eq!(
            a["Principal"],
            json!({"AWS": "arn:aws:iam::111111111111:role/creator"})
        );
        assert!(a.get("Condition").is_none());
        let b = catalog_glue_authorize(
            "arn:aws:glue:us-east-1:222222222222:catalog",
            "arn:aws:glue:us-east-1:222222222222:database/lake",
            "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
        )
        .to_json();
        assert_eq!(
            b["Condition"],
            json!({"StringEquals": {"aws:SourceArn": "arn:aws:dynamodb:us-east-1:111111111111:table/orders"}})
        );
    }

    #[test]
    fn trust_statement_has_no_resource() {
        assert_eq!(
            trust_glue().to_json_for_trust(),
            json!({"Sid": "AllowGlueAssumeRole", "Effect": "Allow",
                   "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"})
        );
    }

    #[test]
    fn duplicate_actions_are_written_once() {
        let s = StatementSpec::new(
            "X",
            &["s3:GetObject", "s3:GetObject"],
            &["arn:aws:s3:::b/*"],
        );
        assert_eq!(s.to_json()["Action"], json!("s3:GetObject"));
    }
}
