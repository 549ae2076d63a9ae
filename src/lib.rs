//! zetl: diagnoses AWS Glue zero-ETL integrations from DynamoDB into Iceberg tables on S3.
//!
//! collect -> snapshot -> rules + policy engine -> findings -> report. The offline core
//! (policy engine, snapshot, rules, policy editing, reports) is the `zetl-core` crate; this
//! crate adds the CLI, live collection and `zetl fix`'s guarded writes.

pub use zetl_core::{arn, lang, policy, policy_edit, report, rules, snapshot, time};

pub mod cli;
#[cfg(feature = "live")]
pub mod collect;
pub mod commands;
pub mod config;
pub mod debug;
pub mod fix;
pub mod pairs;
pub mod permissions;
pub mod setup;
pub mod watch;
