//! One module per subcommand. Each `run` returns the process exit code; errors that are the
//! user's (bad input, bad config) come back as `UsageError` and map to exit 2.

use std::process::ExitCode;

use crate::cli::Command;
use crate::lang::Lang;

pub mod collect;
pub mod completions;
pub mod doctor;
pub mod exit;
pub mod explain;
pub mod fix;
pub mod fix_documents;
pub mod generate;
pub mod man;
#[cfg(feature = "live")]
pub mod progress;
pub mod rules;
pub mod simulate;
pub mod watch;

pub use exit::{CliError, Exit};

/// Runs a subcommand with its texts in `lang` (`--lang`), or else in the locale's language.
pub fn run(command: Command, lang: Option<Lang>) -> Result<Exit, CliError> {
    crate::lang::set(lang.unwrap_or_else(locale_lang));
    match command {
        Command::Doctor(args) => doctor::run(*args, lang),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Policy(crate::cli::PolicyCommand::Simulate(args)) => simulate::run(&args, lang),
        Command::Policy(crate::cli::PolicyCommand::Generate(args)) => generate::run(*args),
        Command::Fix(args) => fix::run(*args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
        Command::Watch(args) => watch::run(*args),
    }
}

/// The language the environment's locale asks for (`LC_ALL`, `LC_MESSAGES`, `LANG`).
pub fn locale_lang() -> Lang {
    Lang::from_locale(|name| std::env::var(name).ok())
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}
