//! The plan as people read it: per account, each change with the rules it repairs, the write
//! it needs, and a unified diff of the document (or setting) before and after.

use std::fmt::Write as _;

use serde_json::Value;
use similar::TextDiff;

use super::change::{Account, Change};
use super::plan::Plan;
use crate::report::Severity;
use crate::rules::messages::{message, sentence};
use crate::snapshot::Snapshot;

/// The plan as text. `applied` false: a dry run (the footer says how to apply).
pub fn plan_text(plan: &Plan, snapshot: &Snapshot, dry_run: bool) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str(&message_text("fix_plan.nothing"));
        out.push('\n');
    } else {
        let n = plan.changes.len().to_string();
        let key = match (plan.changes.len() == 1, dry_run) {
            (true, true) => "fix_plan.planned_one_dry_run",
            (true, false) => "fix_plan.planned_one",
            (false, true) => "fix_plan.planned_other_dry_run",
            (false, false) => "fix_plan.planned_other",
        };
        let _ = writeln!(out, "{}\n", sentence(key, &[("n", &n)]));
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
            let (key, a) = match account {
                Account::Source => ("fix_plan.source_account", &snapshot.accounts.source),
                Account::Target => ("fix_plan.target_account", &snapshot.accounts.target),
            };
            let _ = writeln!(
                out,
                "{}",
                sentence(key, &[("account", &a.id), ("region", &a.region)])
            );
            for (i, change) in changes {
                change_text(&mut out, i + 1, change);
            }
        }
    }
    remaining_text(&mut out, plan);
    if dry_run && !plan.is_empty() {
        out.push('\n');
        out.push_str(&message_text("fix_plan.how_to_apply"));
        out.push('\n');
    }
    out
}

fn change_text(out: &mut String, number: usize, change: &Change) {
    let what = sentence(
        "fix_plan.change",
        &[
            ("what", &change.target.describe()),
            ("rules", &change.rules.join(", ")),
        ],
    );
    let _ = writeln!(out, "  [{number}] {what}");
    let needs = sentence("fix_plan.needs", &[("action", &change.action)]);
    let _ = writeln!(out, "      {needs}");
    if change.before.is_none() {
        let _ = writeln!(out, "      {}", message_text("fix_plan.created"));
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
        let _ = writeln!(out, "{}", message_text("fix_plan.not_fixed"));
        for f in &remaining {
            let _ = writeln!(out, "  {} {:<7} {}", f.rule, f.severity.name(), f.message);
            // A finding that clears itself once its causes are fixed says so (`after_fixes`).
            let after = crate::rules::catalog()
                .ok()
                .and_then(|c| c.get(&f.rule))
                .and_then(|r| r.messages.get("after_fixes"));
            if let (Some(after), false) = (after, plan.is_empty()) {
                let _ = writeln!(out, "                {}", after.as_str());
            }
        }
    }
    let counts = [
        count(&plan.before, Severity::Error),
        count(&plan.before, Severity::Warning),
        count(&plan.after, Severity::Error),
        count(&plan.after, Severity::Warning),
    ]
    .map(|n| n.to_string());
    let _ = writeln!(
        out,
        "{}",
        sentence(
            "fix_plan.before_after",
            &[
                ("errors_before", &counts[0]),
                ("warnings_before", &counts[1]),
                ("errors_after", &counts[2]),
                ("warnings_after", &counts[3]),
            ],
        )
    );
}

fn message_text(key: &str) -> String {
    message(key).as_str().to_string()
}
