//! The check registry: one table mapping rule ID -> check function. A catalog rule with no
//! entry here is reported `unknown` ("not implemented"), never `pass`.

use super::runner::CheckFn;

pub mod collection;
pub mod integration;
pub mod integration_errors;
pub mod lake_formation;
pub mod source;
pub mod target;

/// Every implemented check, one table per family module. `access` adds its table
/// (`crate::rules::access::CHECKS`) here.
pub const REGISTRY: &[&[(&str, CheckFn)]] = &[
    source::CHECKS,
    target::CHECKS,
    lake_formation::CHECKS,
    integration::CHECKS,
    collection::CHECKS,
    crate::rules::access::CHECKS,
];

pub fn lookup(rule_id: &str) -> Option<CheckFn> {
    REGISTRY
        .iter()
        .flat_map(|table| table.iter())
        .find(|(id, _)| *id == rule_id)
        .map(|(_, f)| *f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_rule_is_registered_once() {
        let mut seen = BTreeSet::new();
        for (id, _) in REGISTRY.iter().flat_map(|t| t.iter()) {
            assert!(seen.insert(*id), "{id} registered twice");
        }
    }
}
