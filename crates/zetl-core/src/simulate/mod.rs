//! IAM request simulation over JSON cases with zetl's policy engine (`zetl policy simulate`);
//! no AWS call. Input and output are specified in the CLI contract (docs/cli.md).

mod cases;
mod outcome;
mod policy_cache;
mod raw_case;
pub mod render;

pub use cases::{
    for_each_case, parse_cases, parse_value, resource_policy_kind, Case, Cases, InputError,
};
pub use outcome::{simulate_all, simulate_case, Outcome};

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
