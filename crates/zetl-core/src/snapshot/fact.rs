//! `Fact<T>`: a value the collector read, or the reason it could not.
//!
//! In JSON a known fact is just its value; an unknown one is `{"$unknown": {...}}`. The `$` key
//! cannot collide with any AWS field name, and hand-written fixtures stay readable.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a fact could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownReason {
    /// The doctor's own credentials lack a permission (`action` names it).
    AccessDenied,
    /// Throttled past the SDK's retries.
    Throttled,
    /// The endpoint failed or was unreachable.
    EndpointError,
    /// The account could not be reached at all (no credentials, assume-role failed).
    NoCredentials,
    /// The collector did not try (e.g. its input was itself unknown).
    NotCollected,
    /// Anything else; `message` says what.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unknown {
    pub reason: UnknownReason,
    /// The IAM action whose call failed, e.g. `dynamodb:DescribeContinuousBackups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The service's error message, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Unknown {
    pub fn access_denied(action: &str, message: impl Into<String>) -> Self {
        Unknown {
            reason: UnknownReason::AccessDenied,
            action: Some(action.to_string()),
            message: Some(message.into()),
        }
    }

    pub fn not_collected(message: impl Into<String>) -> Self {
        Unknown {
            reason: UnknownReason::NotCollected,
            action: None,
            message: Some(message.into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fact<T> {
    Known(T),
    Unknown(Unknown),
}

impl<T> Fact<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(v) => Some(v),
            Fact::Unknown(_) => None,
        }
    }

    pub fn unknown(&self) -> Option<&Unknown> {
        match self {
            Fact::Known(_) => None,
            Fact::Unknown(u) => Some(u),
        }
    }

    pub fn as_result(&self) -> Result<&T, &Unknown> {
        match self {
            Fact::Known(v) => Ok(v),
            Fact::Unknown(u) => Err(u),
        }
    }

    /// The fact as a result, by value: what was read, or why it could not be.
    pub fn into_result(self) -> Result<T, Unknown> {
        match self {
            Fact::Known(v) => Ok(v),
            Fact::Unknown(u) => Err(u),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        match self {
            Fact::Known(v) => Fact::Known(f(v)),
            Fact::Unknown(u) => Fact::Unknown(u),
        }
    }
}

const UNKNOWN_KEY: &str = "$unknown";

impl<T: Serialize> Serialize for Fact<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Fact::Known(v) => v.serialize(serializer),
            Fact::Unknown(u) => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(UNKNOWN_KEY, u)?;
                map.end()
            }
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Fact<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if let Some(obj) = value.as_object() {
            if let Some(inner) = obj.get(UNKNOWN_KEY) {
                if obj.len() != 1 {
                    return Err(D::Error::custom(
                        "an object with \"$unknown\" must have no other field",
                    ));
                }
                return serde_path_to_error::deserialize(inner.clone())
                    .map(Fact::Unknown)
                    .map_err(|e| D::Error::custom(nested_error(UNKNOWN_KEY, e)));
            }
        }
        // Buffering through Value loses serde's path; serde_path_to_error recovers the inner
        // part so the loader can still print the whole JSON path.
        serde_path_to_error::deserialize(value)
            .map(Fact::Known)
            .map_err(|e| D::Error::custom(nested_error("", e)))
    }
}

/// Serde for an `Option<Fact<T>>` field, a fact that may not have been read at all. Use with
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = "optional_fact")]`:
/// `None` is the absent field, and a present field is always `Some(fact)`. Plain serde reads a
/// present `null` as `None`, so `Some(Known(None))` ("read: there is none") came back as
/// "not read": one level lost between writing and loading.
pub mod optional_fact {
    use super::Fact;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Fact<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(fact) => fact.serialize(serializer),
            // Only reached without `skip_serializing_if`; `null` would read back as a fact.
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Fact<T>>, D::Error> {
        Fact::deserialize(deserializer).map(Some)
    }
}

/// Marks an inner path so the loader can splice it after the outer one.
pub(crate) const NESTED_PATH_MARK: &str = "\u{1}path:";

fn nested_error(prefix: &str, e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let inner = e.path().to_string();
    let path = match (prefix.is_empty(), inner.as_str()) {
        (true, ".") => String::new(),
        (true, p) => p.to_string(),
        (false, ".") => prefix.to_string(),
        (false, p) => format!("{prefix}.{p}"),
    };
    // serde_json appends " at line L column C" positions of the buffered Value; they mean
    // nothing to the user, so drop them.
    let msg = e.into_inner().to_string();
    let msg = msg
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string();
    if path.is_empty() {
        msg
    } else {
        format!("{NESTED_PATH_MARK}{path}\u{1}{msg}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_is_the_bare_value() {
        let f: Fact<u32> = serde_json::from_str("7").unwrap();
        assert_eq!(f, Fact::Known(7));
        assert_eq!(serde_json::to_string(&f).unwrap(), "7");
    }

    #[test]
    fn unknown_round_trips() {
        let text =
            r#"{"$unknown":{"reason":"access_denied","action":"glue:GetDatabase","message":"no"}}"#;
        let f: Fact<String> = serde_json::from_str(text).unwrap();
        assert_eq!(
            f,
            Fact::Unknown(Unknown::access_denied("glue:GetDatabase", "no"))
        );
        assert_eq!(serde_json::to_string(&f).unwrap(), text);
    }

    /// An integration's `last_sync`: absent = not read, `null` = read and no datapoint,
    /// `$unknown` = could not be read; each writes back as it was read.
    #[test]
    fn an_optional_fact_keeps_every_level() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct S {
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "optional_fact"
            )]
            f: Option<Fact<Option<u32>>>,
        }
        for (text, value) in [
            ("{}", None),
            (r#"{"f":null}"#, Some(Fact::Known(None))),
            (r#"{"f":3}"#, Some(Fact::Known(Some(3)))),
            (
                r#"{"f":{"$unknown":{"reason":"throttled"}}}"#,
                Some(Fact::Unknown(Unknown {
                    reason: UnknownReason::Throttled,
                    action: None,
                    message: None,
                })),
            ),
        ] {
            let read: S = serde_json::from_str(text).unwrap();
            assert_eq!(read, S { f: value }, "{text}");
            assert_eq!(serde_json::to_string(&read).unwrap(), text);
        }
    }

    #[test]
    fn unknown_with_extra_fields_is_rejected() {
        let text = r#"{"$unknown":{"reason":"other"},"x":1}"#;
        assert!(serde_json::from_str::<Fact<serde_json::Value>>(text).is_err());
    }
}
