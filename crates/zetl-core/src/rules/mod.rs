//! Rules: the catalog, the runner and the checks.

pub mod access;
pub mod catalog;
pub mod checks;
pub mod outcome;
pub mod pair;
pub mod requirement;
pub mod runner;

pub use outcome::{Outcome, Problem};
pub use pair::{FoundIntegration, IntegrationOrigin, Location, PairFacts};
pub use runner::{run, CheckContext, CheckFn, FixTemplate, RuleSpec, Settings, Suppression};

/// The embedded catalog as the runner sees it.
pub fn catalog_specs() -> Result<Vec<RuleSpec>, String> {
    let catalog = catalog::Catalog::embedded().map_err(|e| e.to_string())?;
    Ok(catalog.rules().iter().map(RuleSpec::from).collect())
}
