//! The plan as people read it: per account, each change with the rules it repairs, the write
//! it needs, and a unified diff of the document (or setting) before and after.

use std::fmt::Write as _;

use serde_json::Value;
use similar::TextDiff;

use super::change::{Account, Change};
use super::plan::Plan;
use crate::report::Severity;
use crate::snapshot::Snapshot;

/// The plan as text. `applied` false: a dry run (the footer says how to apply).
pub fn plan_text(plan: &Plan, snapshot: &Snapshot, dry_run: bool) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str("zetl fix: nothing to change automatically.\n");
    } else {
        let _ = writeln!(
            out,
            "zetl fix: {} change{} planned{}\n",
            plan.changes.len(),
            plural(plan.changes.len()),
            if dry_run {
                " (dry run: nothing is changed)"
            } else {
                ""
            }
        );
        for account in [Account::Source, Account::Target] {
            let changes: Vec<(usize, &Change)> = plan
                .changes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.account == account)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let (name, a) = match account {
                Account::Source => ("Source", &snapshot.accounts.source),
                Account::Target => ("Target", &snapshot.accounts.target),
            };
            let _ = writeln!(out, "{name} account {} ({})", a.id, a.region);
            for (i, change) in changes {
                change_text(&mut out, i + 1, change);
            }
        }
    }
    remaining_text(&mut out, plan);
    if dry_run && !plan.is_empty() {
        out.push_str("\nRun `zetl fix --apply` to make these changes.\n");
    }
    out
}

fn change_text(out: &mut String, number: usize, change: &Change) {
    let _ = writeln!(
        out,
        "  [{number}] {} (fixes {})",
        change.target.describe(),
        change.rules.join(", ")
    );
    let _ = writeln!(out, "      needs {}", change.action);
    if change.before.is_none() {
        let _ = writeln!(out, "      (does not exist yet: created)");
    }
    for line in diff(change.before.as_ref(), &change.after).lines() {
        let _ = writeln!(out, "      {line}");
    }
    out.push('\n');
}

/// A unified diff of two JSON values, pretty-printed (keys in document order).
pub fn diff(before: Option<&Value>, after: &Value) -> String {
    let old = before.map(pretty).unwrap_or_default();
    let new = pretty(after);
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header("before", "after")
        .to_string()
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn remaining_text(out: &mut String, plan: &Plan) {
    let count = |r: &crate::report::Report, s: Severity| {
        r.findings.iter().filter(|f| f.severity == s).count()
    };
    let remaining: Vec<_> = plan.remaining().collect();
    if !remaining.is_empty() {
        let _ = writeln!(out, "Not fixed by zetl (see `zetl doctor` for each fix):");
        for f in &remaining {
            let _ = writeln!(out, "  {} {:<7} {}", f.rule, f.severity.name(), f.message);
            // NEEDS_ATTENTION clears itself: AWS retries once the causes are fixed.
            if f.rule == "ZI001" && !plan.is_empty() {
                let _ = writeln!(
                    out,
                    "                the integration recovers by itself once its causes are fixed"
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "Doctor before: {} error(s), {} warning(s); expected after: {} error(s), {} warning(s).",
        count(&plan.before, Severity::Error),
        count(&plan.before, Severity::Warning),
        count(&plan.after, Severity::Error),
        count(&plan.after, Severity::Warning),
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
