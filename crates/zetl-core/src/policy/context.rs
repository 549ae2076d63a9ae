//! The request context: condition keys and their values. Keys are case-insensitive.

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::matching::VarLookup;
use super::principal::Principal;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
}

impl ContextValue {
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        ContextValue::Single(s.to_string())
    }
}

impl From<String> for ContextValue {
    fn from(s: String) -> Self {
        ContextValue::Single(s)
    }
}

impl From<Vec<String>> for ContextValue {
    fn from(v: Vec<String>) -> Self {
        ContextValue::Multi(v)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// (key as given, value). A handful of keys: a linear scan beats hashing.
    entries: Vec<(String, ContextValue)>,
    missing_unknown: bool,
}

impl Serialize for RequestContext {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl RequestContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a key (replacing any value under the same key in any case).
    pub fn insert(&mut self, key: &str, v: ContextValue) {
        if let Some(e) = self
            .entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            e.1 = v;
        } else {
            self.entries.push((key.to_string(), v));
        }
    }

    /// Builder form of `insert`.
    pub fn with(mut self, key: &str, v: impl Into<ContextValue>) -> Self {
        self.insert(key, v.into());
        self
    }

    /// When true, a condition on a key that was not supplied is `Tri::Unknown` instead of
    /// following AWS's missing-key rules (for callers that could not read every key).
    pub fn missing_keys_unknown(mut self, yes: bool) -> Self {
        self.missing_unknown = yes;
        self
    }

    pub fn is_missing_keys_unknown(&self) -> bool {
        self.missing_unknown
    }

    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
}

/// Policy-variable values: the context first, then what the principal itself tells
/// (`aws:username`, `aws:PrincipalAccount`, `aws:PrincipalArn`), which AWS always supplies.
pub(crate) struct RequestVars<'a> {
    pub(crate) context: &'a RequestContext,
    pub(crate) principal: &'a Principal,
}

impl VarLookup for RequestVars<'_> {
    fn lookup(&self, key: &str) -> Option<Cow<'_, str>> {
        if let Some(v) = self.context.get(key) {
            // A multi-valued key is not a valid variable.
            return match v {
                ContextValue::Single(s) => Some(Cow::Borrowed(s.as_str())),
                ContextValue::Multi(_) => None,
            };
        }
        if key.eq_ignore_ascii_case("aws:username") {
            return self.principal.user_name().map(Cow::Borrowed);
        }
        if key.eq_ignore_ascii_case("aws:PrincipalAccount") {
            return self.principal.account().map(Cow::Borrowed);
        }
        if key.eq_ignore_ascii_case("aws:PrincipalArn") {
            return self.principal.principal_arn().map(Cow::Owned);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_and_replace() {
        let mut c = RequestContext::new().with("aws:SourceAccount", "111");
        assert_eq!(
            c.get("AWS:sourceaccount"),
            Some(&ContextValue::Single("111".into()))
        );
        c.insert("aws:sourceaccount", "222".into());
        assert_eq!(c.keys().count(), 1);
        assert_eq!(
            c.get("aws:SourceAccount").unwrap().values(),
            ["222".to_string()]
        );
        assert!(!c.is_missing_keys_unknown());
        assert!(c.missing_keys_unknown(true).is_missing_keys_unknown());
    }

    #[test]
    fn variables_fall_back_to_the_principal() {
        let ctx = RequestContext::new().with("aws:PrincipalAccount", "999999999999");
        let p = Principal::parse("arn:aws:iam::123456789012:user/alice").unwrap();
        let v = RequestVars {
            context: &ctx,
            principal: &p,
        };
        assert_eq!(v.lookup("aws:username").as_deref(), Some("alice"));
        assert_eq!(
            v.lookup("aws:principalaccount").as_deref(),
            Some("999999999999")
        );
        assert_eq!(
            v.lookup("aws:PrincipalArn").as_deref(),
            Some("arn:aws:iam::123456789012:user/alice")
        );
        assert_eq!(v.lookup("aws:SourceArn"), None);
    }
}
