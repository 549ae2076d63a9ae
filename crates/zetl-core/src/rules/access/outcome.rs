//! The runner's check result types, re-exported for the access checks.

pub use crate::rules::outcome::{Outcome, Problem};
