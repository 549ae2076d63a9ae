//! Rules: the catalog (`rules/<ID>.toml`), the one registry from rule ID to check, the runner,
//! and the checks by family. `engine` is the access-evaluation machinery the access checks
//! share (requirements over the policy engine, fix synthesis); it holds no rule.
//!
//! Adding a rule: CONTRIBUTING.md, "Adding a rule".

pub mod catalog;
pub mod collection;
pub mod engine;
pub mod integration;
pub mod messages;
pub mod outcome;
pub mod pair;
pub mod principal;
pub mod registry;
pub mod runner;
pub mod source;
pub mod target;
pub mod template;
pub mod values;

pub use catalog::{catalog, catalog_in, Catalog, CatalogError, Rule};
pub use outcome::{Outcome, Problem};
pub use pair::{FoundIntegration, IntegrationOrigin, Location, PairFacts};
pub use runner::{run, Ctx, Settings, Suppression};
