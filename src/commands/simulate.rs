//! `zetl policy simulate`: evaluates IAM requests given as JSON cases with zetl's policy
//! engine; no AWS call. Input and output are specified in the CLI contract.

mod cases;
mod outcome;
mod policy_cache;
mod raw_case;
mod render;

use std::io::Read;
use std::path::Path;

pub use cases::{
    for_each_case, parse_cases, parse_value, resource_policy_kind, Case, Cases, InputError,
};
pub use outcome::{simulate_all, simulate_case, Outcome};

use super::{CliError, Exit};
use crate::cli::{ListFormat, SimulateArgs};
use crate::policy::Decision;

/// The parsed cases' results, in input order; `batch` mirrors whether the input was an array.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub batch: bool,
    pub outcomes: Vec<Outcome>,
}

/// Parses and evaluates a whole input text: what the command does between reading the input
/// and printing (also what the benchmark measures).
pub fn simulate_text(text: &str) -> Result<Simulation, InputError> {
    let mut outcomes = Vec::new();
    let batch = for_each_case(text, |_, case| outcomes.push(simulate_case(&case)))?;
    Ok(Simulation { batch, outcomes })
}

pub fn run(args: &SimulateArgs) -> Result<Exit, CliError> {
    let (source, text) = read_input(args.input.as_deref())?;
    let simulation = simulate_text(&text).map_err(|e| CliError::usage(format!("{source}: {e}")))?;
    let printed = match args.format {
        ListFormat::Json => render::json(&simulation),
        ListFormat::Human => render::human(&simulation),
    };
    println!("{printed}");
    // Unreachable with simulate's AWS missing-key semantics; if the engine ever cannot decide,
    // the run did not fully evaluate every case and must not look like a clean pass.
    let undecided = simulation
        .outcomes
        .iter()
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
