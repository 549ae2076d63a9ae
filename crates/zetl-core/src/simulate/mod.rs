//! IAM request simulation over JSON cases with zetl's policy engine (`zetl policy simulate`);
//! no AWS call. Input and output are specified in the CLI contract (docs/cli.md): one outcome
//! object per case, in input order; an invalid case of a batch yields an error object in its
//! place (see `CaseResult`).

mod cases;
mod outcome;
mod policy_cache;
mod raw_case;
pub mod render;

pub use cases::{
    for_each_case, parse_cases, parse_value, resource_policy_kind, Case, CaseError, Cases,
    InputError,
};
pub use outcome::{simulate_all, simulate_case, Outcome};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// One case's result: its outcome, or why it could not be evaluated. In the JSON output an
/// invalid case is `{"index": 3, "error": {"path": "[3].request.action", "message": "..."}}`
/// in the case's place (the path is the JSON path in the whole input).
#[derive(Debug, Clone)]
pub enum CaseResult {
    Decided(Outcome),
    Invalid(CaseError),
}

impl Serialize for CaseResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CaseResult::Decided(o) => o.serialize(s),
            CaseResult::Invalid(e) => {
                #[derive(Serialize)]
                struct Error<'a> {
                    path: String,
                    message: &'a str,
                }
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("index", &e.index)?;
                m.serialize_entry(
                    "error",
                    &Error {
                        path: e.input_path(),
                        message: &e.message,
                    },
                )?;
                m.end()
            }
        }
    }
}

/// Every case's result, in input order; `batch` mirrors whether the input was an array.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub batch: bool,
    pub results: Vec<CaseResult>,
}

impl Simulation {
    /// The outcomes of the cases that could be evaluated.
    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.results.iter().filter_map(|r| match r {
            CaseResult::Decided(o) => Some(o),
            CaseResult::Invalid(_) => None,
        })
    }

    /// The cases that could not be.
    pub fn invalid(&self) -> impl Iterator<Item = &CaseError> {
        self.results.iter().filter_map(|r| match r {
            CaseResult::Invalid(e) => Some(e),
            CaseResult::Decided(_) => None,
        })
    }
}

/// Parses and evaluates a whole input text: what the command does between reading the input
/// and printing (also what the benchmark measures). In a batch an invalid case becomes a
/// `CaseResult::Invalid` and every other case is still decided; a single case object that is
/// invalid, or input that is not a case object or array, is an `InputError`.
pub fn simulate_text(text: &str) -> Result<Simulation, InputError> {
    let mut results = Vec::new();
    let batch = for_each_case(text, |_, case| {
        results.push(match case {
            Ok(c) => CaseResult::Decided(simulate_case(&c)),
            Err(e) => CaseResult::Invalid(e),
        })
    })?;
    if let (false, Some(CaseResult::Invalid(e))) = (batch, results.first()) {
        return Err(e.clone().into());
    }
    Ok(Simulation { batch, results })
}
