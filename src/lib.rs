//! zetl: diagnoses AWS Glue zero-ETL integrations from DynamoDB into Iceberg tables on S3.
//!
//! collect -> snapshot -> rules + policy engine -> findings -> report.

pub mod cli;
pub mod collect;
pub mod commands;
pub mod config;
pub mod fix;
pub mod policy;
pub mod repair;
pub mod report;
pub mod rules;
pub mod snapshot;
