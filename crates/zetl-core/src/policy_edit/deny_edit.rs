//! ZS007's fix: the narrowest edit that stops an explicit Deny from matching Glue while it
//! keeps denying everyone else. The Deny gains `StringNotEqualsIfExists
//! aws:PrincipalServiceName = glue.amazonaws.com` (Glue always sends that key; other callers
//! do not, so for them `IfExists` keeps the Deny in force). A Deny that names only the Glue
//! service principal exists only to block Glue and is removed instead.

use serde_json::{json, Map, Value};

const OPERATOR: &str = "StringNotEqualsIfExists";
const KEY: &str = "aws:PrincipalServiceName";

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "edit")]
pub enum DenyEdit {
    /// Replace the statement with this one.
    Narrowed { statement: Value },
    /// Remove the statement.
    Removed,
}

pub fn exclude_glue_from_deny(statement: &Value, service: &str) -> DenyEdit {
    if names_only_service(statement, service) {
        return DenyEdit::Removed;
    }
    DenyEdit::Narrowed {
        statement: add_negated_value(statement, OPERATOR, KEY, service),
    }
}

/// The narrowest edit that stops a Deny from matching one IAM principal (e.g. the target role
/// in a data-perimeter bucket policy): `ArnNotEquals aws:PrincipalArn = ARN` added, or the ARN
/// added to an existing list of that key. Everyone else stays denied.
pub fn exclude_principal_from_deny(statement: &Value, principal_arn: &str) -> Value {
    add_negated_value(statement, "ArnNotEquals", "aws:PrincipalArn", principal_arn)
}

fn add_negated_value(statement: &Value, operator: &str, key: &str, value: &str) -> Value {
    let mut out = statement.clone();
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    let mut condition = obj
        .get("Condition")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let op_name = condition
        .keys()
        .find(|k| k.eq_ignore_ascii_case(operator))
        .cloned()
        .unwrap_or_else(|| operator.to_string());
    let block = condition
        .entry(op_name)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(block) = block.as_object_mut() {
        let key_name = block
            .keys()
            .find(|k| k.eq_ignore_ascii_case(key))
            .cloned()
            .unwrap_or_else(|| key.to_string());
        let mut values: Vec<Value> = match block.get(&key_name) {
            Some(Value::String(s)) => vec![json!(s)],
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        if !values.iter().any(|v| v.as_str() == Some(value)) {
            values.push(json!(value));
        }
        let v = if values.len() == 1 {
            values.remove(0)
        } else {
            Value::Array(values)
        };
        block.insert(key_name, v);
    }
    obj.insert("Condition".into(), Value::Object(condition));
    out
}

fn names_only_service(statement: &Value, service: &str) -> bool {
    let Some(principal) = statement.get("Principal").and_then(Value::as_object) else {
        return false;
    };
    if principal.len() != 1 {
        return false;
    }
    match principal.get("Service") {
        Some(Value::String(s)) => s == service,
        Some(Value::Array(a)) => !a.is_empty() && a.iter().all(|v| v.as_str() == Some(service)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "glue.amazonaws.com";

    #[test]
    fn wildcard_deny_gets_the_glue_exclusion() {
        let deny = json!({"Sid": "NoExport", "Effect": "Deny", "Principal": "*",
                          "Action": "dynamodb:ExportTableToPointInTime", "Resource": "*"});
        let DenyEdit::Narrowed { statement } = exclude_glue_from_deny(&deny, GLUE) else {
            panic!("expected a narrowed statement");
        };
        assert_eq!(
            statement,
            json!({"Sid": "NoExport", "Effect": "Deny", "Principal": "*",
                   "Action": "dynamodb:ExportTableToPointInTime", "Resource": "*",
                   "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalServiceName": "glue.amazonaws.com"}}})
        );
    }

    #[test]
    fn existing_exclusion_list_is_extended_and_other_conditions_kept() {
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"},
                          "StringNotEqualsIfExists": {"aws:PrincipalServiceName": "backup.amazonaws.com"}}});
        let DenyEdit::Narrowed { statement } = exclude_glue_from_deny(&deny, GLUE) else {
            panic!("expected a narrowed statement");
        };
        assert_eq!(
            statement["Condition"],
            json!({"Bool": {"aws:SecureTransport": "false"},
                   "StringNotEqualsIfExists": {"aws:PrincipalServiceName": ["backup.amazonaws.com", "glue.amazonaws.com"]}})
        );
        // Applying it again changes nothing.
        assert_eq!(
            exclude_glue_from_deny(&statement, GLUE),
            DenyEdit::Narrowed {
                statement: statement.clone()
            }
        );
    }

    #[test]
    fn principal_exclusion() {
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"});
        assert_eq!(
            exclude_principal_from_deny(&deny, "arn:aws:iam::2:role/r")["Condition"],
            json!({"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::2:role/r"}})
        );
    }

    #[test]
    fn deny_naming_only_glue_is_removed() {
        let deny = json!({"Effect": "Deny", "Principal": {"Service": ["glue.amazonaws.com"]},
                          "Action": "dynamodb:*", "Resource": "*"});
        assert_eq!(exclude_glue_from_deny(&deny, GLUE), DenyEdit::Removed);
    }
}
