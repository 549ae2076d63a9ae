use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = zetl::cli::Cli::parse();
    zetl::debug::set(zetl::debug::requested(cli.debug));
    match zetl::commands::run(cli.command, cli.lang) {
        Ok(exit) => exit.into(),
        Err(err) => {
            eprintln!("zetl: {err}");
            ExitCode::from(err.code())
        }
    }
}
