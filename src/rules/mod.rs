//! Rules: the catalog, the runner and the checks.

pub mod access;
pub mod requirement;
