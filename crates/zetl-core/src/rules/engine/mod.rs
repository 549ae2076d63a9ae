//! The access-evaluation engine the access checks share: a rule's `[[requirement]]`s
//! ("this principal must be able to do this") are evaluated with the policy engine over the
//! snapshot's policies (`evaluate`, `policies`, `principals`), gathered into an outcome
//! (`common`), scanned for hygiene (`scan`) and turned into the fix that would make them hold
//! (`synth`); `generate` builds every document a correct setup needs. It holds no rule: the
//! checks are in the family modules, the requirements in `rules/<ID>.toml`.

pub mod common;
pub mod evaluate;
pub mod generate;
pub mod policies;
pub mod principals;
pub mod requirement;
pub mod scan;
pub mod synth;

pub use evaluate::{evaluate_requirement, Evaluated, RequirementResult, Side};

#[cfg(test)]
mod tests;
