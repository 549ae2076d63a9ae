//! Access requirements: rules that say "this principal must be able to do this", checked by
//! one generic routine over the policy engine, with the fix synthesised from the same data.

pub mod common;
pub mod evaluate;
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
