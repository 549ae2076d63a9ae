//! The check registry: one table mapping rule ID -> check function. A catalog rule with no
//! entry here is reported `unknown` ("not implemented"), never `pass`.

use super::runner::CheckFn;

/// Every implemented check. Families keep their checks in their own module; `access` adds
/// its table (`crate::rules::access::CHECKS`) to `lookup`.
pub const REGISTRY: &[&[(&str, CheckFn)]] = &[crate::rules::access::CHECKS];

pub fn lookup(rule_id: &str) -> Option<CheckFn> {
    REGISTRY
        .iter()
        .flat_map(|table| table.iter())
        .find(|(id, _)| *id == rule_id)
        .map(|(_, f)| *f)
}
