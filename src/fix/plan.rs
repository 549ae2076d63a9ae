//! The fix plan: the doctor's applicable fixes, combined per document.
//!
//! Each finding's `fix.policy` is the whole document with that finding's statements merged
//! in, computed from what the document holds *now*. Two findings about the same document
//! (ZS003 and ZS004 both fix the table policy) therefore cannot both be taken from one run.
//! The planner takes one fix per document, writes it into its copy of the snapshot, and runs
//! the doctor again, until no applicable finding changes anything: the result merges every
//! fix, and the last run is what the doctor will say once the plan is applied. A fix that
//! says which statements it merges (`FixAction::MergeStatements`) is merged into the document
//! as the round left it, in the same round: the catalog-policy fixes of twenty pairs become
//! one change (one write) in one round, the twentieth table joining the `aws:SourceArn` list
//! of the statement that grants the other nineteen.

use serde::Serialize;
use serde_json::Value;

use super::change::{Change, Target};
use crate::policy_edit::{check_size, merge_statement, FixAction};
use crate::report::{Report, Severity};
use crate::rules::runner::Settings;
use crate::rules::Catalog;
use crate::snapshot::Snapshot;

/// More than any setup needs (each round fixes at least one document, and no document has
/// more than a handful of rules); a bound so a fix that keeps changing cannot loop.
const MAX_ROUNDS: usize = 16;

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// The doctor's report before the plan.
    #[serde(skip)]
    pub before: Report,
    /// What the doctor reports once the plan is applied (evaluated offline).
    #[serde(skip)]
    pub after: Report,
    /// The snapshot as it will be after the plan.
    #[serde(skip)]
    pub planned: Snapshot,
}

/// Plans the changes for `snapshot`. `select` picks the rules to fix (`--only`); the doctor
/// itself always runs with `settings` so prerequisites and suppressions apply as usual.
pub fn plan(snapshot: &Snapshot, rules: &Catalog, settings: &Settings, select: &Settings) -> Plan {
    let before = crate::rules::run(snapshot, rules, settings);
    let mut current = snapshot.clone();
    let mut changes: Vec<Change> = Vec::new();
    let mut report = before.clone();
    for _ in 0..MAX_ROUNDS {
        let mut touched: Vec<Target> = Vec::new();
        for finding in &report.findings {
            // Only rules marked `auto_fix` in their TOML; info findings are advice, never
            // changed automatically.
            let auto = rules.get(&finding.rule).is_some_and(|r| r.auto_fix);
            if !auto || finding.severity == Severity::Info || !select.selects(&finding.rule) {
                continue;
            }
            let Some(fix) = &finding.fix else { continue };
            let Some(action) = &fix.apply else { continue };
            let Some((target, after)) = Target::of(action, fix.policy.as_ref(), &current) else {
                continue;
            };
            // One fix per document per round: the others were computed from the old content,
            // unless they name the statements they merge, which go into the current content.
            let after = if touched.contains(&target) {
                let FixAction::MergeStatements { statements, .. } = action else {
                    continue;
                };
                match merged_into(&target, &current, statements) {
                    Some(doc) => doc,
                    None => continue,
                }
            } else {
                after
            };
            if target.read(&current).as_ref() == Some(&after) || !target.write(&mut current, &after)
            {
                continue;
            }
            if !touched.contains(&target) {
                touched.push(target.clone());
            }
            record(
                &mut changes,
                snapshot,
                &target,
                after,
                &finding.rule,
                fix.commands.last(),
                action.token(),
            );
        }
        if touched.is_empty() {
            break;
        }
        report = crate::rules::run(&current, rules, settings);
    }
    // A document changed and changed back is no change.
    changes.retain(|c| c.before.as_ref() != Some(&c.after));
    changes.sort_by_key(|c| c.account);
    Plan {
        changes,
        before,
        after: report,
        planned: current,
    }
}

/// `statements` merged into what `target` holds in `snapshot` now; `None` when that is not a
/// policy, cannot be merged into or would exceed its size limit (the next round's doctor run
/// then reports it with the reason).
fn merged_into(target: &Target, snapshot: &Snapshot, statements: &[Value]) -> Option<Value> {
    let kind = target.policy_kind()?;
    let mut doc = target.read(snapshot);
    for s in statements {
        doc = Some(merge_statement(doc.as_ref(), s, kind).ok()?.0);
    }
    let doc = doc?;
    check_size(&doc, kind, target.siblings_size(snapshot)).ok()?;
    Some(doc)
}

fn record(
    changes: &mut Vec<Change>,
    original: &Snapshot,
    target: &Target,
    after: Value,
    rule: &str,
    command: Option<&String>,
    token: Option<&str>,
) {
    if let Some(existing) = changes.iter_mut().find(|c| &c.target == target) {
        existing.after = after;
        if !existing.rules.iter().any(|r| r == rule) {
            existing.rules.push(rule.to_string());
        }
        // The last round's command carries the final document's file name and guards.
        existing.command = command.cloned().or(existing.command.take());
        return;
    }
    let before = target.read(original);
    changes.push(Change {
        account: target.account(original),
        action: target.write_action(before.is_some()).iam.to_string(),
        target: target.clone(),
        rules: vec![rule.to_string()],
        before,
        after,
        command: command.cloned(),
        token: token.map(str::to_string),
    });
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Error and warning findings that remain after the plan (fixed by hand, if at all).
    pub fn remaining(&self) -> impl Iterator<Item = &crate::report::Finding> {
        self.after
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
    }
}
