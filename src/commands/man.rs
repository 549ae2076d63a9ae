//! `zetl man [COMMAND...]`: man pages (roff) generated from the clap definitions. The main
//! page, zetl(1), lists the subcommands as zetl-doctor(1), ...; `zetl man doctor` prints that
//! page, so installing one file per command makes every reference resolve.

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::commands::{CliError, Exit};
use crate::rules::messages::sentence;

pub fn run(args: &ManArgs) -> Result<Exit, CliError> {
    print!("{}", page(&args.command)?);
    Ok(Exit::Ok)
}

/// The page of `zetl PATH...` (the main page for an empty path).
pub fn page(path: &[String]) -> Result<String, CliError> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Sets each subcommand's page name (zetl-doctor) and synopsis name (zetl doctor).
    cmd.build();
    let mut at = &cmd;
    for name in path {
        at = at.find_subcommand(name).ok_or_else(|| {
            CliError::usage(sentence(
                "error.unknown_command",
                &[("command", &format!("zetl {}", path.join(" ")))],
            ))
        })?;
    }
    let mut out = Vec::new();
    clap_mangen::Man::new(at.clone())
        .source(format!("zetl {}", env!("CARGO_PKG_VERSION")))
        .render(&mut out)
        .map_err(|e| CliError::usage(e.to_string()))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn the_main_page_lists_the_subcommands_and_each_has_its_own() {
        let main = page(&[]).unwrap();
        assert!(main.contains(".TH zetl 1"), "{main}");
        for word in ["zetl\\-doctor(1)", "zetl\\-completions(1)", "\\-\\-debug"] {
            assert!(main.contains(word), "no {word} in {main}");
        }
        let doctor = page(&["doctor".into()]).unwrap();
        assert!(doctor.contains(".TH zetl-doctor 1"), "{doctor}");
        assert!(doctor.contains("\\-\\-source\\-profile"), "{doctor}");
        let simulate = page(&["policy".into(), "simulate".into()]).unwrap();
        assert!(
            simulate.contains(".TH zetl-policy-simulate 1"),
            "{simulate}"
        );
        let err = page(&["doctr".into()]).unwrap_err();
        assert_eq!(err.code(), 2);
        assert!(err.to_string().contains("zetl doctr"), "{err}");
    }
}
