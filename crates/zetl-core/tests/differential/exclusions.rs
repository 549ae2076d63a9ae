//! The checked-in list of known, explained disagreements (tests/oracle/exclusions.json).
//! An entry excuses a disagreement only when the case carries all its tags AND the two
//! decisions are exactly the listed pair; every entry names its reason and an AWS doc link,
//! and an entry that excuses nothing fails the test (the list cannot rot).

use std::collections::BTreeSet;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusionFile {
    #[allow(dead_code)]
    pub about: String,
    pub exclusions: Vec<Exclusion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    pub id: String,
    /// Every tag must be on the case.
    pub tags: Vec<String>,
    pub zetl: String,
    pub oracle: String,
    /// Which side is wrong according to AWS: `oracle-wrong` or `zetl-wrong` (a zetl bug kept
    /// visible until fixed; once fixed the entry excuses nothing and the test says so).
    pub verdict: String,
    pub reason: String,
    pub doc: String,
}

impl Exclusion {
    pub fn excuses(&self, tags: &BTreeSet<String>, zetl: &str, oracle: &str) -> bool {
        self.zetl == zetl && self.oracle == oracle && self.tags.iter().all(|t| tags.contains(t))
    }
}

pub fn load() -> ExclusionFile {
    let path = super::oracle::oracle_dir().join("exclusions.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: ExclusionFile = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is invalid: {e}", path.display()));
    for e in &file.exclusions {
        assert!(
            !e.reason.trim().is_empty(),
            "exclusion {} has no reason",
            e.id
        );
        assert!(
            e.doc.starts_with("https://docs.aws.amazon.com/"),
            "exclusion {} must link AWS documentation, got {:?}",
            e.id,
            e.doc
        );
        assert!(
            !e.tags.is_empty(),
            "exclusion {} must be scoped by tags",
            e.id
        );
        assert!(
            e.verdict == "oracle-wrong" || e.verdict == "zetl-wrong",
            "exclusion {}: verdict is oracle-wrong or zetl-wrong",
            e.id
        );
    }
    file
}
