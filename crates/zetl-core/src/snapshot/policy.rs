//! A policy document as a snapshot stores it, decoded once, when the snapshot loads or a
//! collector records it; everything downstream (the policy engine, the fixes, `zetl fix`)
//! reads the decoded object.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::policy::{decode_document, PolicyError};

/// A policy document as stored: a JSON object, or the string a service returned (plain or
/// URL-encoded JSON, as IAM returns it). Written back exactly as it was read, so a snapshot
/// round-trips; two stored policies are equal when their stored forms are.
#[derive(Debug, Clone)]
pub struct StoredPolicy(Form);

/// The object form is its own document, kept once (a snapshot is mostly policies).
#[derive(Debug, Clone)]
enum Form {
    Object(Map<String, Value>),
    /// Text (or any other JSON value but an object), with what it decodes to.
    Text {
        stored: Value,
        document: Result<Map<String, Value>, PolicyError>,
    },
}

impl PartialEq for StoredPolicy {
    /// The stored forms decide (the same text decodes the same).
    fn eq(&self, other: &StoredPolicy) -> bool {
        match (&self.0, &other.0) {
            (Form::Object(a), Form::Object(b)) => a == b,
            (Form::Text { stored: a, .. }, Form::Text { stored: b, .. }) => a == b,
            _ => false,
        }
    }
}

impl StoredPolicy {
    pub fn new(stored: Value) -> StoredPolicy {
        StoredPolicy(match stored {
            Value::Object(map) => Form::Object(map),
            other => Form::Text {
                document: decode_document(&other),
                stored: other,
            },
        })
    }

    /// What a service returned, as collection records it: the decoded object; text that is
    /// no policy object is kept (URL-decoded where it was encoded) so the rules can report it.
    pub fn from_service(text: &str) -> StoredPolicy {
        match decode_document(&Value::String(text.to_string())) {
            Ok(map) => StoredPolicy(Form::Object(map)),
            Err(_) => {
                let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
                StoredPolicy::new(Value::String(decoded.into_owned()))
            }
        }
    }

    /// The form the snapshot file holds.
    pub fn stored(&self) -> Value {
        match &self.0 {
            Form::Object(map) => Value::Object(map.clone()),
            Form::Text { stored, .. } => stored.clone(),
        }
    }

    /// The decoded document, or why it is no policy document.
    pub fn document(&self) -> Result<&Map<String, Value>, &PolicyError> {
        match &self.0 {
            Form::Object(map) => Ok(map),
            Form::Text { document, .. } => document.as_ref(),
        }
    }

    /// The document as JSON to compare or show: the decoded object, else the stored form (a
    /// garbled document still compares as different).
    pub fn to_value(&self) -> Value {
        match self.document() {
            Ok(map) => Value::Object(map.clone()),
            Err(_) => self.stored(),
        }
    }
}

impl From<Value> for StoredPolicy {
    fn from(stored: Value) -> StoredPolicy {
        StoredPolicy::new(stored)
    }
}

impl From<Map<String, Value>> for StoredPolicy {
    fn from(document: Map<String, Value>) -> StoredPolicy {
        StoredPolicy(Form::Object(document))
    }
}

impl Serialize for StoredPolicy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Form::Object(map) => map.serialize(s),
            Form::Text { stored, .. } => stored.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for StoredPolicy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<StoredPolicy, D::Error> {
        Value::deserialize(d).map(StoredPolicy::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"Version": "2012-10-17", "Statement": []})
    }

    #[test]
    fn object_string_and_url_encoded_decode_alike() {
        let text = doc().to_string();
        let encoded =
            percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        for stored in [doc(), json!(text), json!(encoded)] {
            let p = StoredPolicy::new(stored.clone());
            assert_eq!(p.document().unwrap(), doc().as_object().unwrap());
            assert_eq!(p.stored(), stored, "written back as it was read");
        }
    }

    #[test]
    fn no_policy_object_keeps_its_text_and_says_why() {
        for stored in [json!([1]), json!("not json"), json!("[1]"), json!(3)] {
            let p = StoredPolicy::new(stored.clone());
            assert!(p.document().is_err(), "{stored}");
            assert_eq!(p.to_value(), stored);
        }
    }

    #[test]
    fn from_service_stores_the_decoded_object_or_the_text() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(StoredPolicy::from_service(encoded).stored(), doc());
        assert_eq!(
            StoredPolicy::from_service(r#"{"a":"x%20y"}"#).stored(),
            json!({"a": "x%20y"})
        );
        assert_eq!(
            StoredPolicy::from_service("not json%21").stored(),
            json!("not json!")
        );
        // JSON that is no policy object stays text: never a null document.
        assert_eq!(StoredPolicy::from_service("null").stored(), json!("null"));
        assert_eq!(StoredPolicy::from_service("[1]").stored(), json!("[1]"));
    }

    #[test]
    fn round_trips_through_json() {
        let p = StoredPolicy::new(json!("%7B%7D"));
        let back: StoredPolicy = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.document().unwrap(), &Map::new());
    }
}
