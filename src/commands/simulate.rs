//! `zetl policy simulate`: reads the cases, evaluates them with `zetl_core::simulate`, prints.

use std::io::Read;
use std::path::Path;

pub use zetl_core::simulate::*;

use super::{CliError, Exit};
use crate::cli::{ListFormat, SimulateArgs};
use crate::lang::Lang;
use crate::policy::Decision;

/// `lang` is `--lang`: without it the JSON output stays English whatever the locale (the
/// explanations are what machines and CI logs read), as the doctor's JSON does.
pub fn run(args: &SimulateArgs, lang: Option<Lang>) -> Result<Exit, CliError> {
    if lang.is_none() && matches!(args.format, ListFormat::Json) {
        crate::lang::set(Lang::En);
    }
    let (source, text) = read_input(args.input.as_deref())?;
    let simulation = simulate_text(&text).map_err(|e| CliError::usage(format!("{source}: {e}")))?;
    let printed = match args.format {
        ListFormat::Json => render::json(&simulation),
        ListFormat::Human => render::human(&simulation),
    };
    println!("{printed}");
    // Every other case of the batch was decided and printed; the run still ends as bad input.
    let mut invalid = simulation.invalid();
    if let Some(first) = invalid.next() {
        let more = invalid.count();
        let others = match more {
            0 => String::new(),
            n => format!(" (and {n} more invalid case(s))"),
        };
        return Err(CliError::usage(format!("{source}: {first}{others}")));
    }
    // Unreachable with simulate's AWS missing-key semantics; if the engine ever cannot decide,
    // the run did not fully evaluate every case and must not look like a clean pass.
    let undecided = simulation
        .outcomes()
        .any(|o| o.decision == Decision::Unknown);
    Ok(if undecided { Exit::Findings } else { Exit::Ok })
}

/// The input text and how to name it in errors (the file as given, or `<stdin>`).
fn read_input(path: Option<&Path>) -> Result<(String, String), CliError> {
    match path {
        Some(p) if p != Path::new("-") => {
            let name = p.display().to_string();
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::usage(format!("{name}: cannot read: {e}")))?;
            Ok((name, text))
        }
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CliError::usage(format!("<stdin>: cannot read: {e}")))?;
            Ok(("<stdin>".to_string(), text))
        }
    }
}
