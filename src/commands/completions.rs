//! `zetl completions SHELL`: a completion script generated from the clap definitions, so it
//! never drifts from the flags.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::{CliError, Exit};

pub fn run(args: &CompletionsArgs) -> Result<Exit, CliError> {
    print!("{}", script(args.shell));
    Ok(Exit::Ok)
}

/// The script for `shell`, for the command named `zetl`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "zetl", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let text = script(shell);
            for word in ["doctor", "fix", "source-profile", "completions"] {
                assert!(text.contains(word), "{shell}: no {word}");
            }
        }
    }
}
