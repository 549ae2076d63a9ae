//! Printing simulation results: JSON (the contract) or readable lines.

use std::fmt::Write;

use super::{CaseResult, Simulation};
use crate::policy::Decision;

/// One object for one case, an array for a batch (same order as the input; an invalid case
/// of a batch is its error object, see `CaseResult`).
pub fn json(simulation: &Simulation) -> String {
    let printed = if simulation.batch {
        serde_json::to_string_pretty(&simulation.results)
    } else {
        match simulation.results.first() {
            Some(r) => serde_json::to_string_pretty(r),
            None => serde_json::to_string_pretty(&simulation.results),
        }
    };
    // Serializing plain data with string keys cannot fail; fall back to an empty result
    // rather than panic.
    printed.unwrap_or_else(|_| "[]".to_string())
}

fn decision_word(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "Allowed",
        Decision::ImplicitlyDenied => "ImplicitlyDenied",
        Decision::ExplicitlyDenied => "ExplicitlyDenied",
        Decision::Unknown => "Unknown (the engine could not decide)",
        Decision::DeniedByAws => "DeniedByAws (AWS refuses it whatever the policies say)",
    }
}

/// `case [i]: Decision` followed by the explanation and near misses, indented; an invalid case
/// says where and why.
pub fn human(simulation: &Simulation) -> String {
    let mut out = String::new();
    for (i, r) in simulation.results.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let o = match r {
            CaseResult::Decided(o) => o,
            CaseResult::Invalid(e) => {
                let _ = writeln!(out, "case [{}]: invalid, not evaluated", e.index);
                let _ = writeln!(out, "  at {}: {}", e.input_path(), e.message);
                continue;
            }
        };
        let _ = writeln!(out, "case [{i}]: {}", decision_word(o.decision));
        for line in &o.explanation {
            let _ = writeln!(out, "  {line}");
        }
        for m in &o.near_misses {
            let _ = writeln!(out, "  - {}", m.describe());
        }
        if !o.unknown_keys.is_empty() {
            let _ = writeln!(out, "  unknown keys: {}", o.unknown_keys.join(", "));
        }
    }
    if simulation.results.is_empty() {
        out.push_str("no cases\n");
    }
    let decided = simulation.outcomes().count();
    let allowed = simulation
        .outcomes()
        .filter(|o| o.decision == Decision::Allowed)
        .count();
    let _ = write!(
        out,
        "\n{} case(s): {allowed} allowed, {} denied",
        simulation.results.len(),
        decided - allowed
    );
    let invalid = simulation.results.len() - decided;
    if invalid > 0 {
        let _ = write!(out, ", {invalid} invalid");
    }
    out
}
