//! Access requirements: rules that say "this principal must be able to do this", checked by
//! one generic routine over the policy engine, with the fix synthesised from the same data.
//!
//! What the checks give the rule files' `[messages]` and `[fix]` templates (the contract with
//! `rules/<ID>.toml`):
//!
//! - Every problem carries all pair placeholders of `requirement::PLACEHOLDERS` that are known
//!   (`table_arn`, `database_arn`, `catalog_arn`, `role_arn`, `bucket`, `prefix`, ...) plus
//!   `table`, `database`, `role` (short names).
//! - Requirement-driven rules (ZS004, ZT005, ZT006, ZT009-ZT012, ZT015, ZT017, ZP001, ZP002,
//!   ZP004, ZP005): key `fail` with `principal`, `actions`, `denied` ("A, B on ARN; C on
//!   ARN2"); key `explicit_deny` with `deny_statements` when a Deny decides; ZT010 also
//!   `narrow_scope` (warning), ZP001 `other_resource_types` (warning), ZP004 `probe_denied`.
//! - ZS005 `fail`: `statement`, `problems`, `corrections` (old -> new). ZS006, ZS007, ZT007,
//!   ZT016 `fail`: `statement` (ZT007 also `grantee`, `actions`; ZS007 `actions`).
//!   ZP003 `fail`: `named`, `creator`. ZC002 `fail`: `unique_id`, `policy`, `statement`,
//!   `current_arn` (when known). ZC003 `fail`: `arn`, `why`, `policy`, `statement`,
//!   `corrected`. Any rule may add `fix_error` when the fix could not be built (size limit).
//! - The command that applies `fix.policy` comes in `extra_commands`; the rule files' `[fix]`
//!   keep `commands = []` for these rules so it is not printed twice.

pub mod common;
pub mod evaluate;
pub mod generate;
pub mod outcome;
pub mod policies;
pub mod principals;
pub mod rules_hygiene;
pub mod rules_principal;
pub mod rules_source;
pub mod rules_target;
pub mod scan;
pub mod source_conditions;
pub mod synth;
pub mod table;
pub mod values;

pub use evaluate::{evaluate_requirement, Evaluated, RequirementResult, Side};
pub use values::{pair_values, PairValues};

use crate::snapshot::{Pair, Snapshot};

/// Everything an access check needs about one source -> target pair.
#[derive(Debug, Clone)]
pub struct Scope<'s> {
    pub snapshot: &'s Snapshot,
    pub pair: &'s Pair,
    pub values: PairValues,
    pub profiles: synth::Profiles,
}

impl<'s> Scope<'s> {
    pub fn new(snapshot: &'s Snapshot, pair: &'s Pair, profiles: synth::Profiles) -> Self {
        Scope {
            snapshot,
            pair,
            values: pair_values(snapshot, pair),
            profiles,
        }
    }

    pub fn target_role(&self) -> Option<&'s str> {
        self.pair.target_role.as_deref()
    }
}
pub use table::CHECKS;
#[cfg(test)]
mod tests;
