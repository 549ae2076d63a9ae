//! Printing simulation results: JSON (the contract) or readable lines.

use std::fmt::Write;

use super::Simulation;
use crate::policy::Decision;

/// One object for one case, an array for a batch (same order as the input).
pub fn json(simulation: &Simulation) -> String {
    let printed = if simulation.batch {
        serde_json::to_string_pretty(&simulation.outcomes)
    } else {
        match simulation.outcomes.first() {
            Some(o) => serde_json::to_string_pretty(o),
            None => serde_json::to_string_pretty(&simulation.outcomes),
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

/// `case [i]: Decision` followed by the explanation and near misses, indented.
pub fn human(simulation: &Simulation) -> String {
    let mut out = String::new();
    for (i, o) in simulation.outcomes.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
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
    if simulation.outcomes.is_empty() {
        out.push_str("no cases\n");
    }
    let allowed = simulation
        .outcomes
        .iter()
        .filter(|o| o.decision == Decision::Allowed)
        .count();
    let _ = write!(
        out,
        "\n{} case(s): {allowed} allowed, {} denied",
        simulation.outcomes.len(),
        simulation.outcomes.len() - allowed
    );
    out
}
