//! What the doctor adds to the fixes it prints: the document each policy fix replaces (so the
//! human report shows only the statements that change) and, with `--fix-dir DIR`, the complete
//! documents written where the printed commands read them.

use std::collections::BTreeMap;
use std::path::Path;

use crate::commands::CliError;
use crate::fix::change::Target;
use crate::policy_edit::command::shell_word;
use crate::policy_edit::FixAction;
use crate::report::{Replaced, Report};
use crate::snapshot::Snapshot;

/// Fills each policy fix's `replaces` with what the snapshot holds for its document now.
pub fn note_replaced_documents(report: &mut Report, snapshot: &Snapshot) {
    for finding in &mut report.findings {
        let Some(fix) = &mut finding.fix else {
            continue;
        };
        let (Some(action), Some(policy)) = (&fix.apply, &fix.policy) else {
            continue;
        };
        if let Some((target, _)) = Target::of(action, Some(policy), snapshot) {
            fix.replaces = Some(match target.read(snapshot) {
                Some(document) => Replaced::Document(document),
                None => Replaced::Nothing,
            });
        }
    }
}

/// Writes every policy fix's complete document into `dir` and points its commands there.
/// Two fixes that write different documents under one file name get names that tell them
/// apart (`catalog-policy.ZT006.json`); identical documents share one file.
pub fn write_fix_documents(report: &mut Report, dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::usage(format!("{}: cannot create --fix-dir: {e}", dir.display())))?;
    let mut written: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for finding in &mut report.findings {
        let Some(fix) = &mut finding.fix else {
            continue;
        };
        let command = match &fix.apply {
            Some(FixAction::Policy(command) | FixAction::MergeStatements { command, .. }) => {
                command
            }
            _ => continue,
        };
        let Some(policy) = &fix.policy else {
            continue;
        };
        let base = command.file_name();
        let mut name = base.to_string();
        if written.get(&name).is_some_and(|doc| doc != policy) {
            let stem = base.trim_end_matches(".json");
            name = format!("{stem}.{}.json", finding.rule);
            let mut n = 2;
            while written.get(&name).is_some_and(|doc| doc != policy) {
                name = format!("{stem}.{}-{n}.json", finding.rule);
                n += 1;
            }
        }
        if !written.contains_key(&name) {
            let path = dir.join(&name);
            let text = format!(
                "{}\n",
                serde_json::to_string_pretty(policy).unwrap_or_default()
            );
            std::fs::write(&path, text).map_err(|e| {
                CliError::usage(format!(
                    "{}: cannot write the fix document: {e}",
                    path.display()
                ))
            })?;
            written.insert(name.clone(), policy.clone());
        }
        let from = format!("file://{base}");
        let to = shell_word(&format!("file://{}", dir.join(&name).display()));
        for c in &mut fix.commands {
            *c = c.replace(&from, &to);
        }
    }
    Ok(())
}
