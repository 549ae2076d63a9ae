//! The document the fix code edits: a decoded policy, a JSON object. Decoding what a service
//! returned is the snapshot's job ([`StoredPolicy`](crate::snapshot::StoredPolicy)), done once.

use serde_json::{Map, Value};

/// Why a fix could not be produced. The message is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum FixError {
    #[error("the existing policy is not a JSON object: {0}")]
    NotAPolicy(String),
    #[error("{kind} would be {size} {unit} after the change, over the limit of {limit} {unit}; remove unused statements first")]
    TooLarge {
        kind: String,
        size: usize,
        limit: usize,
        unit: String,
    },
    #[error("statement {index} does not exist in the policy")]
    NoSuchStatement { index: usize },
}

/// The policy's top-level object, to edit (a copy).
pub fn policy_object(doc: &Value) -> Result<Map<String, Value>, FixError> {
    match doc {
        Value::Object(map) => Ok(map.clone()),
        other => Err(FixError::NotAPolicy(format!("found {}", kind_of(other)))),
    }
}

/// The statements of a policy as a list, whether stored as one object or an array.
pub fn statements(policy: &Map<String, Value>) -> Vec<Value> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => Vec::new(),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_an_object_is_a_policy() {
        let obj = json!({"Version": "2012-10-17", "Statement": []});
        assert_eq!(policy_object(&obj).unwrap(), *obj.as_object().unwrap());
        assert_eq!(
            policy_object(&json!([1])),
            Err(FixError::NotAPolicy("found an array".into()))
        );
        // Decoding is the snapshot's: text here is no document.
        assert_eq!(
            policy_object(&Value::String(obj.to_string())),
            Err(FixError::NotAPolicy("found a string".into()))
        );
    }

    #[test]
    fn single_statement_object_is_listed() {
        let p = json!({"Statement": {"Effect": "Allow"}});
        assert_eq!(
            statements(p.as_object().unwrap()),
            vec![json!({"Effect": "Allow"})]
        );
    }
}
