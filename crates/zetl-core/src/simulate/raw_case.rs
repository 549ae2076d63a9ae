//! One case's top-level fields read in a single pass over the input, each kept as raw JSON
//! text borrowed from it. Policies (the bulk of a batch) are then parsed only when their text
//! was not seen before, and never scanned twice.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// `identityPolicies` as given.
#[derive(Debug, Default)]
pub enum PolicyList<'a> {
    #[default]
    Absent,
    /// Each policy's raw text.
    List(Vec<&'a RawValue>),
    /// Present but not an array (null counts as absent).
    NotArray,
}

/// A case's top-level fields; `is_object` is false when the case is not a JSON object.
#[derive(Debug, Default)]
pub struct RawCase<'a> {
    pub is_object: bool,
    pub request: Option<&'a RawValue>,
    pub identity_policies: PolicyList<'a>,
    pub resource_policy: Option<&'a RawValue>,
    pub permission_boundary: Option<&'a RawValue>,
    /// The first field that is not one of the four.
    pub unknown_field: Option<String>,
}

/// Reads a case object's fields from `map`.
pub fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<RawCase<'de>, A::Error> {
    let mut case = RawCase {
        is_object: true,
        ..RawCase::default()
    };
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "request" => case.request = Some(map.next_value()?),
            "identityPolicies" => case.identity_policies = map.next_value()?,
            "resourcePolicy" => case.resource_policy = Some(map.next_value()?),
            "permissionBoundary" => case.permission_boundary = Some(map.next_value()?),
            _ => {
                map.next_value::<IgnoredAny>()?;
                case.unknown_field.get_or_insert(key);
            }
        }
    }
    Ok(case)
}

/// Implements the visitor methods for JSON values that are not what a field expects: they are
/// consumed and turned into `$value`, so the caller can name the field in its own error.
macro_rules! accept_anything_else {
    ($value:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

struct RawCaseVisitor;

impl<'de> Visitor<'de> for RawCaseVisitor {
    type Value = RawCase<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a case object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawCase<'de>, A::Error> {
        from_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawCase<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawCase::default())
    }

    fn visit_unit<E>(self) -> Result<RawCase<'de>, E> {
        Ok(RawCase::default())
    }

    accept_anything_else!(RawCase::default());
}

impl<'de> Deserialize<'de> for RawCase<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawCaseVisitor)
    }
}

struct PolicyListVisitor;

impl<'de> Visitor<'de> for PolicyListVisitor {
    type Value = PolicyList<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of policies")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PolicyList<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            items.push(raw);
        }
        Ok(PolicyList::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyList<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(PolicyList::NotArray)
    }

    fn visit_unit<E>(self) -> Result<PolicyList<'de>, E> {
        Ok(PolicyList::Absent)
    }

    accept_anything_else!(PolicyList::NotArray);
}

impl<'de> Deserialize<'de> for PolicyList<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PolicyListVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_split_without_parsing_policies() {
        let text = r#"{"request": {"a": 1}, "identityPolicies": [{"x": [1]}, "%7B"],
                      "resourcePolicy": null, "extra": {"deep": [1, 2]}, "more": 1}"#;
        let case: RawCase = serde_json::from_str(text).unwrap();
        assert!(case.is_object);
        assert_eq!(case.request.unwrap().get(), r#"{"a": 1}"#);
        match case.identity_policies {
            PolicyList::List(items) => {
                let texts: Vec<&str> = items.iter().map(|r| r.get()).collect();
                assert_eq!(texts, [r#"{"x": [1]}"#, r#""%7B""#]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(case.resource_policy.unwrap().get(), "null");
        assert!(case.permission_boundary.is_none());
        assert_eq!(case.unknown_field.as_deref(), Some("extra"));

        let case: RawCase = serde_json::from_str(r#"{"identityPolicies": {"a": 1}}"#).unwrap();
        assert!(matches!(case.identity_policies, PolicyList::NotArray));
        let case: RawCase = serde_json::from_str(r#"{"identityPolicies": null}"#).unwrap();
        assert!(matches!(case.identity_policies, PolicyList::Absent));
        for not_object in ["[1, [2]]", "3", "\"x\"", "true", "null"] {
            let case: RawCase = serde_json::from_str(not_object).unwrap();
            assert!(!case.is_object, "{not_object}");
        }
    }
}
