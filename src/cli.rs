//! Command-line definitions (clap). The stable surface is written in the CLI contract; extend
//! freely, never rename or drop a flag listed there.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::setup::SetupFields;

#[derive(Debug, Parser)]
#[command(
    name = "zetl",
    version,
    about = "Tells you exactly why an AWS Glue zero-ETL integration (DynamoDB -> Iceberg on S3) will not work, and how to fix it"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of the texts (rule titles, messages, fixes, explanations). Default: the
    /// locale (LC_ALL, LC_MESSAGES, LANG; ja* is Japanese); JSON and SARIF stay English
    /// unless --lang is given.
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<crate::lang::Lang>,
    /// Show the AWS SDK's full errors (also when RUST_LOG is set); otherwise each error is one
    /// sentence with the next step.
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a DynamoDB -> Glue zero-ETL setup across both accounts and print findings.
    Doctor(Box<DoctorArgs>),
    /// List the rule catalog.
    Rules(RulesArgs),
    /// Print a rule's full explanation.
    Explain(ExplainArgs),
    /// Work with IAM policies using zetl's own policy engine (no AWS call).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Plan (and with --apply, apply) the changes that repair fixable findings.
    Fix(Box<FixArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout: zetl(1), or a subcommand's (zetl man doctor).
    Man(ManArgs),
    /// Follow integrations until their initial load is done; diagnose one that needs attention.
    Watch(Box<crate::commands::watch::WatchArgs>),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand (`doctor`, `policy simulate`, ...): print its page, zetl-doctor(1), ...
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Which two accounts, which resources, and how to reach them. Shared by doctor, fix and
/// policy generate; every field can also come from `zetl.toml`.
#[derive(Debug, Args, Clone, Default)]
pub struct SetupArgs {
    // --source-table, --target-database, ...: declared with their help in `setup.rs`.
    #[command(flatten)]
    pub fields: SetupFields,
    /// A zetl.toml holding the same settings (flags override it); default ./zetl.toml if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also check every existing integration between the two accounts (DescribeIntegrations
    /// in the source account, DescribeInboundIntegrations in the target), each as a pair.
    #[arg(long)]
    pub all: bool,
    /// AWS requests in flight at most per account while collecting (default 8).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: Option<u16>,
}

pub use crate::report::{FailOn, Format};

#[derive(Debug, Args, Default)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Evaluate a saved snapshot; makes no AWS call at all.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Write the collected facts (JSON) before evaluating.
    #[arg(long, value_name = "FILE")]
    pub save_snapshot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report there instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit-code threshold; info findings never affect the exit code.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Do not fail the gate for checks that could not run.
    #[arg(long)]
    pub allow_unknown: bool,
    /// Comma-separated rule IDs or families (ZS, ZT, ...) to run.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub only: Vec<String>,
    /// Comma-separated rule IDs or families to skip.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub skip: Vec<String>,
    /// Minutes after which a CREATING integration is reported (rule ZI003).
    #[arg(long, value_name = "MINUTES")]
    pub creating_threshold: Option<u32>,
    /// No colour (also off when stdout is not a terminal or NO_COLOR is set).
    #[arg(long)]
    pub no_color: bool,
    /// Show passing checks' evidence too.
    #[arg(short, long)]
    pub verbose: bool,
    /// Only the summary line and failing checks.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write the complete documents the fix commands read into DIR (the commands then read
    /// file://DIR/...), so they run as printed.
    #[arg(long, value_name = "DIR")]
    pub fix_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule ID (e.g. ZS002) or slug (e.g. pitr-disabled).
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Evaluate IAM requests with zetl's policy engine; no AWS call.
    Simulate(SimulateArgs),
    /// Print the policies a correct setup needs.
    Generate(Box<GenerateArgs>),
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// One case object or a JSON array of cases (default: stdin).
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GenerateFormat {
    #[default]
    Json,
    Cli,
    Terraform,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Merge with what exists: `live` or a snapshot FILE.
    #[arg(long, value_name = "live|FILE")]
    pub merge_with: Option<String>,
    /// The target database's S3 location (s3://bucket/prefix/), needed when no snapshot says it.
    #[arg(long, value_name = "S3_URI")]
    pub location: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: GenerateFormat,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Plan from a saved snapshot instead of reading the accounts (dry run only).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Apply the plan (asks for confirmation on a terminal).
    #[arg(long)]
    pub apply: bool,
    /// Confirm without asking (needed with --apply when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Fix only these rules.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub only: Vec<String>,
}
