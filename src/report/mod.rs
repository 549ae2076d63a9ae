//! Rendering findings: human (flutter-doctor style), json (the contract), sarif, markdown.

pub mod model;

pub use model::*;
