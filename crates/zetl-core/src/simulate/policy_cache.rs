//! A batch usually asks many questions of the same few policies. Compiling each distinct
//! policy text once and sharing the result between cases keeps big batches fast; any other
//! text (even one differing only in spacing) is simply compiled on its own.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::policy::{PolicyDocument, PolicyError};

/// How many distinct policies are kept; past that the cache starts over, so memory stays
/// bounded for batches where every case has its own policies.
const CAPACITY: usize = 256;

#[derive(Default)]
pub struct PolicyCache {
    by_text: HashMap<Box<str>, Arc<PolicyDocument>>,
}

impl PolicyCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The compiled policy for the JSON `text` (an object, or a string holding one, possibly
    /// URL-encoded), compiled at most once per distinct text.
    pub fn get_or_parse(&mut self, text: &str) -> Result<Arc<PolicyDocument>, PolicyError> {
        if let Some(doc) = self.by_text.get(text) {
            return Ok(Arc::clone(doc));
        }
        let value: Value = serde_json::from_str(text).map_err(|e| PolicyError {
            path: String::new(),
            message: format!("not valid JSON: {e}"),
        })?;
        let doc = Arc::new(PolicyDocument::from_value(&value)?);
        if self.by_text.len() >= CAPACITY {
            self.by_text.clear();
        }
        self.by_text.insert(text.into(), Arc::clone(&doc));
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_compiled_document() {
        let p = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
        let q = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}"#;
        let mut cache = PolicyCache::new();
        let a = cache.get_or_parse(p).unwrap();
        // A different allocation with the same text still hits.
        let copy = String::from(p);
        let b = cache.get_or_parse(copy.as_str()).unwrap();
        let c = cache.get_or_parse(q).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.statements[0].effect, crate::policy::Effect::Deny);
        let bad = r#"{"Statement": [{"Effect": "Maybe"}]}"#;
        assert!(cache
            .get_or_parse(bad)
            .unwrap_err()
            .path
            .starts_with("Statement[0]"));
    }
}
