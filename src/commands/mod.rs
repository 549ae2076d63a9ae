//! One module per subcommand. Each `run` returns the process exit code; errors that are the
//! user's (bad input, bad config) come back as `UsageError` and map to exit 2.

use std::process::ExitCode;

use crate::cli::Command;

pub mod collect;
pub mod doctor;
pub mod exit;
pub mod explain;
pub mod fix;
pub mod generate;
pub mod rules;
pub mod simulate;
pub mod watch;

pub use exit::{CliError, Exit};

pub fn run(command: Command) -> Result<Exit, CliError> {
    match command {
        Command::Doctor(args) => doctor::run(*args),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Policy(crate::cli::PolicyCommand::Simulate(args)) => simulate::run(&args),
        Command::Policy(crate::cli::PolicyCommand::Generate(args)) => generate::run(*args),
        Command::Fix(args) => fix::run(*args),
        Command::Watch(args) => watch::run(*args),
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}
