//! A policy fix as the statements it changes: the human and markdown reports show this instead
//! of the whole document (the complete document goes to `--fix-dir` files or `-v`).

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::rules::messages::sentence;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// Names the statement the lines below belong to.
    Statement(String),
    Removed(String),
    Added(String),
}

/// The statements of `after` that are not in `before` (`None`: no document before), and the
/// statements `before` loses: for a statement kept under the same Sid (or, without Sids, at
/// the same index) only its changed lines, otherwise all of its lines.
pub fn statement_changes(before: Option<&Value>, after: &Value) -> Vec<DiffLine> {
    let old = statements(before);
    let new = statements(Some(after));
    let mut out = Vec::new();
    let mut matched_old = vec![false; old.len()];
    for (index, statement) in new.iter().enumerate() {
        if let Some(same) = old.iter().position(|o| o == statement) {
            matched_old[same] = true;
            continue;
        }
        out.push(DiffLine::Statement(label(index, statement)));
        let counterpart = old.iter().enumerate().find(|(i, o)| {
            !matched_old[*i] && !new.contains(o) && same_slot(*i, o, index, statement)
        });
        match counterpart {
            Some((i, o)) => {
                matched_old[i] = true;
                out.extend(changed_lines(o, statement));
            }
            None => out.extend(
                pretty(statement)
                    .lines()
                    .map(|l| DiffLine::Added(l.to_string())),
            ),
        }
    }
    for (index, statement) in old.iter().enumerate() {
        if !matched_old[index] && !new.contains(statement) {
            out.push(DiffLine::Statement(label(index, statement)));
            out.extend(
                pretty(statement)
                    .lines()
                    .map(|l| DiffLine::Removed(l.to_string())),
            );
        }
    }
    out
}

fn statements(document: Option<&Value>) -> Vec<Value> {
    match document.and_then(|d| d.get("Statement")) {
        Some(Value::Array(items)) => items.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => Vec::new(),
    }
}

fn sid(statement: &Value) -> Option<&str> {
    statement.get("Sid").and_then(Value::as_str)
}

/// Whether an old statement is the earlier version of a new one: the same Sid, or both
/// without one at the same index.
fn same_slot(old_index: usize, old: &Value, new_index: usize, new: &Value) -> bool {
    match (sid(old), sid(new)) {
        (Some(a), Some(b)) => a == b,
        (None, None) => old_index == new_index,
        _ => false,
    }
}

fn label(index: usize, statement: &Value) -> String {
    let index = index.to_string();
    match sid(statement) {
        Some(sid) => sentence("name.statement_sid", &[("index", &index), ("sid", sid)]),
        None => sentence("name.statement", &[("index", &index)]),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The lines that differ between two versions of a statement, without the unchanged ones.
fn changed_lines(old: &Value, new: &Value) -> Vec<DiffLine> {
    let (old, new) = (pretty(old), pretty(new));
    TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .filter_map(|change| {
            let text = change.value().trim_end_matches('\n').to_string();
            match change.tag() {
                ChangeTag::Delete => Some(DiffLine::Removed(text)),
                ChangeTag::Insert => Some(DiffLine::Added(text)),
                ChangeTag::Equal => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(statements: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    #[test]
    fn a_changed_condition_shows_only_its_lines() {
        let before = doc(json!([{"Sid": "A", "Effect": "Allow", "Action": "x:Y",
            "Condition": {"StringEquals": {"aws:SourceAccount": "222"}}}]));
        let after = doc(json!([{"Sid": "A", "Effect": "Allow", "Action": "x:Y",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111"}}}]));
        assert_eq!(
            statement_changes(Some(&before), &after),
            vec![
                DiffLine::Statement("statement 0 (\"A\")".into()),
                DiffLine::Removed("      \"aws:SourceAccount\": \"222\"".into()),
                DiffLine::Added("      \"aws:SourceAccount\": \"111\"".into()),
            ]
        );
    }

    #[test]
    fn unchanged_statements_are_left_out_and_new_ones_shown_whole() {
        let kept = json!({"Sid": "Keep", "Effect": "Allow", "Action": "a:B"});
        let added = json!({"Effect": "Allow", "Action": "c:D"});
        let lines = statement_changes(Some(&doc(json!([kept]))), &doc(json!([kept, added])));
        assert_eq!(lines[0], DiffLine::Statement("statement 1".into()));
        assert!(lines[1..].iter().all(|l| matches!(l, DiffLine::Added(_))));
        assert!(lines
            .iter()
            .any(|l| l == &DiffLine::Added("  \"Action\": \"c:D\"".into())));
    }

    #[test]
    fn a_new_document_is_all_added_and_a_dropped_statement_all_removed() {
        let s = json!({"Sid": "S", "Effect": "Allow", "Action": "a:B"});
        assert!(statement_changes(None, &doc(json!([s])))
            .iter()
            .skip(1)
            .all(|l| matches!(l, DiffLine::Added(_))));
        let lines = statement_changes(Some(&doc(json!([s]))), &doc(json!([])));
        assert_eq!(lines[0], DiffLine::Statement("statement 0 (\"S\")".into()));
        assert!(lines[1..].iter().all(|l| matches!(l, DiffLine::Removed(_))));
    }
}
