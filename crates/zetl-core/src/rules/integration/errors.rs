//! Links an integration's errors to the rules that explain them. AWS publishes no error-code
//! list, so rules declare what they explain in their TOML (`[[explains]]`: message fragments
//! or error codes, and a root-cause rank); a new rule that explains a message touches only its
//! own file.

use serde_json::{json, Value};

use crate::rules::catalog::Catalog;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::runner::{problem_fix, problem_params, Ctx};

/// The rules that may explain an error, root cause first (lowest rank, then catalog order),
/// without duplicates. `fallback` entries count only when nothing else matched.
pub fn candidate_rules<'c>(
    catalog: &'c Catalog,
    message: &str,
    code: Option<&str>,
) -> Vec<&'c str> {
    let text = message.to_lowercase();
    let matching = |fallback: bool| {
        let mut found: Vec<(u32, usize, &'c str)> = Vec::new();
        for (position, rule) in catalog.rules().iter().enumerate() {
            let rank = rule
                .explains
                .iter()
                .filter(|e| e.fallback == fallback && e.matches(&text, code))
                .map(|e| e.rank)
                .min();
            if let Some(rank) = rank {
                found.push((rank, position, rule.id.as_str()));
            }
        }
        found.sort();
        found.into_iter().map(|(_, _, id)| id).collect::<Vec<_>>()
    };
    let direct = matching(false);
    if direct.is_empty() {
        matching(true)
    } else {
        direct
    }
}

/// Candidates that failed in this run first (keeping root-cause order), then the others.
pub fn link<'c>(
    catalog: &'c Catalog,
    message: &str,
    code: Option<&str>,
    failed: &dyn Fn(&str) -> bool,
) -> (Vec<&'c str>, Vec<&'c str>) {
    candidate_rules(catalog, message, code)
        .into_iter()
        .partition(|r| failed(r))
}

/// One message (an integration error, a failure the integration logged) linked to the rules
/// of this run that explain it, with the fixes of those that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked<'c> {
    /// Candidates that failed in this run, root cause first.
    pub failing: Vec<&'c str>,
    /// Candidates that passed or could not be checked.
    pub other: Vec<&'c str>,
    /// The failing candidates' fix commands, in order, each once.
    pub commands: Vec<String>,
    /// `{"rule": ID, "fix": ...}` for every finding of a failing candidate that has a fix.
    pub fixes: Vec<Value>,
}

impl Linked<'_> {
    /// The message key a finding about the message takes: `fail` (a failing rule explains
    /// it), `fail_unconfirmed` (only rules that passed or could not be checked usually cause
    /// it), `unlinked` (no rule does).
    pub fn key(&self) -> &'static str {
        match (self.failing.is_empty(), self.other.is_empty()) {
            (false, _) => "fail",
            (true, false) => "fail_unconfirmed",
            (true, true) => "unlinked",
        }
    }

    /// `problem` with `{failing_rules}`, `{other_rules}` and the failing rules' commands.
    pub fn onto(&self, mut problem: Problem) -> Problem {
        for c in &self.commands {
            if !problem.extra_commands.contains(c) {
                problem.extra_commands.push(c.clone());
            }
        }
        problem
            .param("failing_rules", self.failing.join(", "))
            .param("other_rules", self.other.join(", "))
    }

    /// The link as evidence: `failing_rules`, `other_rules`, `linked_fixes`.
    pub fn evidence(&self) -> Value {
        json!({
            "failing_rules": self.failing,
            "other_rules": self.other,
            "linked_fixes": self.fixes,
        })
    }
}

/// Links `message` (with its error `code`, if any) to the rules of this run, and collects the
/// fixes of the failing ones (for a `runs_last` check: every other rule has run).
pub fn explain<'c>(ctx: &Ctx<'c>, message: &str, code: Option<&str>) -> Linked<'c> {
    let (failing, other) = link(ctx.catalog, message, code, &|id: &str| ctx.failed(id));
    let mut commands: Vec<String> = Vec::new();
    let mut fixes = Vec::new();
    for rule_id in &failing {
        let (Some(rule), Some(Outcome::Fail(ps))) =
            (ctx.catalog.get(rule_id), ctx.earlier.get(*rule_id))
        else {
            continue;
        };
        for p in ps {
            let params = problem_params(ctx.facts, rule, p, ctx.settings);
            if let Some(fix) = problem_fix(rule, p, &params) {
                for c in &fix.commands {
                    if !commands.contains(c) {
                        commands.push(c.clone());
                    }
                }
                fixes.push(json!({"rule": rule_id, "fix": fix}));
            }
        }
    }
    Linked {
        failing,
        other,
        commands,
        fixes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(message: &str) -> Vec<&'static str> {
        candidate_rules(crate::rules::catalog().unwrap(), message, None)
    }

    #[test]
    fn dynamodb_access_denied_links_the_table_policy_rules() {
        let m = "User: arn:aws:sts::111111111111:assumed-role/... is not authorized to perform: dynamodb:ExportTableToPointInTime on resource: arn:aws:dynamodb:us-east-1:111111111111:table/orders because no resource-based policy allows the dynamodb:ExportTableToPointInTime action (Service: DynamoDb, Status Code: 400, Error Code: AccessDeniedException)";
        assert_eq!(candidates(m), ["ZS003", "ZS005", "ZS007", "ZS004"]);
    }

    #[test]
    fn other_messages() {
        assert_eq!(
            candidates("Point in time recovery is not enabled for table 'orders'"),
            ["ZS002"]
        );
        assert_eq!(
            candidates("Failed to ingest data with error: Target Glue database not found."),
            ["ZT001", "ZI004"]
        );
        assert_eq!(
            candidates("Insufficient lake formation permissions on Target Glue database."),
            ["ZT014"]
        );
        assert!(candidates("Something else entirely").is_empty());
    }

    #[test]
    fn a_bare_access_denied_falls_back_to_the_table_policy_rules() {
        assert_eq!(
            candidates("AccessDenied"),
            ["ZS003", "ZS005", "ZS007", "ZS004"]
        );
    }

    #[test]
    fn failed_rules_come_first() {
        let catalog = crate::rules::catalog().unwrap();
        let (failed, other) = link(catalog, "dynamodb:DescribeExport denied", None, &|r| {
            r == "ZS005"
        });
        assert_eq!(failed, ["ZS005"]);
        assert_eq!(other, ["ZS003", "ZS007", "ZS004"]);
    }
}
