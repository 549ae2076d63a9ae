//! Turning a stored policy (object, JSON string, or URL-encoded JSON string as IAM returns it)
//! into a JSON object the fix code can edit.

use percent_encoding::percent_decode_str;
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

/// Decodes a stored policy into a JSON object.
pub fn decode_policy(stored: &Value) -> Result<Map<String, Value>, FixError> {
    match stored {
        Value::Object(map) => Ok(map.clone()),
        Value::String(text) => {
            let parsed = serde_json::from_str::<Value>(text).or_else(|_| {
                let decoded = percent_decode_str(text)
                    .decode_utf8()
                    .map_err(|e| FixError::NotAPolicy(e.to_string()))?;
                serde_json::from_str::<Value>(&decoded)
                    .map_err(|e| FixError::NotAPolicy(e.to_string()))
            })?;
            match parsed {
                Value::Object(map) => Ok(map),
                other => Err(FixError::NotAPolicy(format!("found {}", kind_of(&other)))),
            }
        }
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
    fn decodes_object_string_and_url_encoded_string() {
        let obj = json!({"Version": "2012-10-17", "Statement": []});
        assert_eq!(decode_policy(&obj).unwrap(), *obj.as_object().unwrap());
        let text = Value::String(obj.to_string());
        assert_eq!(decode_policy(&text).unwrap(), *obj.as_object().unwrap());
        let encoded = Value::String(
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D".into(),
        );
        assert_eq!(decode_policy(&encoded).unwrap(), *obj.as_object().unwrap());
    }

    #[test]
    fn rejects_non_objects() {
        assert_eq!(
            decode_policy(&json!([1])),
            Err(FixError::NotAPolicy("found an array".into()))
        );
        assert!(matches!(
            decode_policy(&Value::String("not json".into())),
            Err(FixError::NotAPolicy(_))
        ));
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
