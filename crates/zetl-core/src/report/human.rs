//! `--format human`: flutter-doctor style. One block per source -> target pair; inside it the
//! checks grouped by the side of their rule, one line per check:
//!
//! ```text
//! Source account (111111111111)
//!   [✓] ZS001 The source DynamoDB table exists and is ACTIVE
//!   [✗] ZS002 Point-in-time recovery is disabled on table orders
//!       • status: DISABLED
//!       Fix: Enable point-in-time recovery on orders
//!         $ aws dynamodb update-continuous-backups ...
//!   [-] ZS004 table-policy-denies-glue: skipped (ZS002 failed)
//! ```
//!
//! `[✓]` pass, `[✗]` error, `[!]` warning or could not be checked, `[i]` info, `[-]` skipped or
//! suppressed. Then the notes, once, and the closing summary line.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::color::{terminal_safe, Color, Paint};
use super::summary_line::summary_line;
use super::{Check, Finding, RenderOptions, Report, RuleSummary, Severity, Side, Status};

pub use super::color::color_enabled;

/// Areas in the order they are shown.
const AREAS: [Side; 5] = [
    Side::Source,
    Side::Target,
    Side::Principal,
    Side::Integration,
    Side::Collection,
];

const CHECK_INDENT: &str = "  ";
const DETAIL_INDENT: &str = "      ";

pub fn render(report: &Report, rules: &[RuleSummary], options: &RenderOptions) -> String {
    View::new(report, rules, options).render()
}

/// The report indexed once, so rendering stays linear in its size (many pairs at scale).
struct View<'a> {
    report: &'a Report,
    rules: HashMap<&'a str, &'a RuleSummary>,
    paint: Paint,
    options: &'a RenderOptions,
    /// Pairs in the order the report first names them (checks, then findings).
    pairs: Vec<String>,
    checks_by_pair: HashMap<String, Vec<&'a Check>>,
    /// Findings by (pair, rule), in report order.
    findings_by_check: HashMap<(String, &'a str), Vec<&'a Finding>>,
    /// Findings whose rule has no check in their pair, by pair: shown under their own side.
    orphans_by_pair: HashMap<String, Vec<&'a Finding>>,
}

impl<'a> View<'a> {
    fn new(report: &'a Report, rules: &'a [RuleSummary], options: &'a RenderOptions) -> Self {
        let mut pairs: Vec<String> = Vec::new();
        let mut seen_pairs: HashSet<String> = HashSet::new();
        let mut checks_by_pair: HashMap<String, Vec<&Check>> = HashMap::new();
        let mut first_pair_of_rule: HashMap<&str, &str> = HashMap::new();
        for check in &report.checks {
            if seen_pairs.insert(check.pair.clone()) {
                pairs.push(check.pair.clone());
            }
            checks_by_pair
                .entry(check.pair.clone())
                .or_default()
                .push(check);
            first_pair_of_rule
                .entry(check.rule.as_str())
                .or_insert(check.pair.as_str());
        }
        let mut findings_by_check: HashMap<(String, &str), Vec<&Finding>> = HashMap::new();
        let mut orphans_by_pair: HashMap<String, Vec<&Finding>> = HashMap::new();
        for finding in &report.findings {
            // A finding without a pair belongs to the first check of its rule.
            let pair = finding
                .pair
                .as_deref()
                .or_else(|| first_pair_of_rule.get(finding.rule.as_str()).copied())
                .or_else(|| report.checks.first().map(|c| c.pair.as_str()))
                .unwrap_or_default()
                .to_string();
            if seen_pairs.insert(pair.clone()) {
                pairs.push(pair.clone());
            }
            let has_check = checks_by_pair
                .get(&pair)
                .is_some_and(|checks| checks.iter().any(|c| c.rule == finding.rule));
            if !has_check {
                orphans_by_pair
                    .entry(pair.clone())
                    .or_default()
                    .push(finding);
            }
            findings_by_check
                .entry((pair, finding.rule.as_str()))
                .or_default()
                .push(finding);
        }
        View {
            report,
            rules: rules.iter().map(|r| (r.id.as_str(), r)).collect(),
            paint: Paint::new(options.color),
            options,
            pairs,
            checks_by_pair,
            findings_by_check,
            orphans_by_pair,
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let report = self.report;
        if !self.options.quiet {
            out.push_str(&self.paint.bold(&format!(
                "zetl doctor: source account {}, target account {}, facts collected {}",
                terminal_safe(&report.accounts.source),
                terminal_safe(&report.accounts.target),
                report
                    .collected_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )));
            out.push_str("\n\n");
        }
        for pair in &self.pairs {
            let block = self.pair_block(pair);
            if block.is_empty() {
                continue;
            }
            // In quiet mode the pair is named only when there is more than one to tell apart.
            if !self.options.quiet || self.pairs.len() > 1 {
                out.push_str(&self.paint.bold(&terminal_safe(pair)));
                out.push_str("\n\n");
            }
            out.push_str(&block);
        }
        if !self.options.quiet {
            for note in &report.notes {
                out.push_str(&self.paint.bold("Note:"));
                out.push(' ');
                out.push_str(&indent_continuation(&terminal_safe(note), "      "));
                out.push('\n');
            }
            if !report.notes.is_empty() {
                out.push('\n');
            }
        }
        out.push_str(&summary_line(&report.summary));
        out.push('\n');
        out
    }

    fn pair_block(&self, pair: &str) -> String {
        let checks: &[&Check] = self.checks_by_pair.get(pair).map_or(&[], |c| c.as_slice());
        let mut out = String::new();
        for area in AREAS {
            let mut lines = String::new();
            for check in checks.iter().filter(|c| self.side_of(c) == area) {
                self.check_lines(check, &mut lines);
            }
            let orphans = self
                .orphans_by_pair
                .get(pair)
                .map_or(&[][..], |f| f.as_slice());
            for finding in orphans.iter().filter(|f| f.side == area) {
                self.finding_lines(finding, &mut lines);
            }
            if lines.is_empty() {
                continue;
            }
            out.push_str(&self.paint.bold(&self.area_heading(area)));
            out.push('\n');
            out.push_str(&lines);
            out.push('\n');
        }
        out
    }

    fn area_heading(&self, area: Side) -> String {
        let accounts = &self.report.accounts;
        match area {
            Side::Source => format!("Source account ({})", terminal_safe(&accounts.source)),
            Side::Target => format!("Target account ({})", terminal_safe(&accounts.target)),
            Side::Principal => "Principals".into(),
            Side::Integration => "Integration".into(),
            Side::Collection => "Collection".into(),
        }
    }

    /// The rule's side; for a rule missing from the catalog, the side of its findings.
    fn side_of(&self, check: &'a Check) -> Side {
        if let Some(rule) = self.rules.get(check.rule.as_str()) {
            return rule.side;
        }
        self.findings_of(check)
            .first()
            .map(|f| f.side)
            .unwrap_or(Side::Collection)
    }

    fn findings_of(&self, check: &'a Check) -> &[&'a Finding] {
        self.findings_by_check
            .get(&(check.pair.clone(), check.rule.as_str()))
            .map_or(&[], |f| f.as_slice())
    }

    /// `ZS002 pitr-disabled`, or the bare ID for a rule missing from the catalog.
    fn rule_label(&self, id: &str) -> String {
        match self.rules.get(id) {
            Some(rule) => format!("{} {}", terminal_safe(id), terminal_safe(&rule.slug)),
            None => terminal_safe(id),
        }
    }

    /// A pass line's text: `ZS002 Point-in-time recovery is enabled on the source table` (the
    /// rule's `passed`), or the plain label when the catalog has no such text.
    fn pass_label(&self, id: &str) -> String {
        match self.rules.get(id) {
            Some(rule) if !rule.passed.is_empty() => {
                format!("{} {}", terminal_safe(id), terminal_safe(&rule.passed))
            }
            _ => self.rule_label(id),
        }
    }

    fn check_lines(&self, check: &'a Check, out: &mut String) {
        let reason = check
            .reason
            .as_deref()
            .map(|r| format!(" ({})", terminal_safe(r)))
            .unwrap_or_default();
        match check.status {
            Status::Skipped | Status::Suppressed => {
                let word = if check.status == Status::Skipped {
                    "skipped"
                } else {
                    "suppressed"
                };
                let text = format!("{}: {word}{reason}", self.rule_label(&check.rule));
                self.line(out, Mark::Skipped, &text);
                return;
            }
            _ => {}
        }
        let findings = self.findings_of(check);
        if !findings.is_empty() {
            for finding in findings {
                self.finding_lines(finding, out);
            }
            return;
        }
        match check.status {
            Status::Pass => {
                if self.options.quiet {
                    return;
                }
                self.line(out, Mark::Pass, &self.pass_label(&check.rule));
                if self.options.verbose {
                    if let Some(evidence) = &check.evidence {
                        evidence_lines(evidence, out);
                    }
                }
            }
            Status::Unknown => {
                let text = format!(
                    "{}: could not be checked{reason}",
                    self.rule_label(&check.rule)
                );
                self.line(out, Mark::Warning, &text);
            }
            // A failed check without findings should not happen; show the rule's title so it
            // is still visible rather than silently dropped.
            _ => {
                let rule = self.rules.get(check.rule.as_str());
                let mark = rule.map(|r| Mark::of(r.severity)).unwrap_or(Mark::Error);
                let title = rule.map(|r| r.title.as_str()).unwrap_or("failed");
                let text = format!(
                    "{} {}{reason}",
                    terminal_safe(&check.rule),
                    terminal_safe(title)
                );
                self.line(out, mark, &text);
            }
        }
    }

    fn finding_lines(&self, finding: &Finding, out: &mut String) {
        let text = format!(
            "{} {}",
            terminal_safe(&finding.rule),
            terminal_safe(&finding.message)
        );
        self.line(out, Mark::of(finding.severity), &text);
        evidence_lines(&finding.evidence, out);
        if let Some(fix) = &finding.fix {
            out.push_str(DETAIL_INDENT);
            out.push_str(&self.paint.fg("Fix:", Color::Cyan));
            out.push(' ');
            out.push_str(&indent_continuation(
                &terminal_safe(&fix.summary),
                DETAIL_INDENT,
            ));
            out.push('\n');
            let inner = format!("{DETAIL_INDENT}  ");
            for command in &fix.commands {
                out.push_str(&inner);
                out.push_str(&self.paint.dim("$"));
                out.push(' ');
                out.push_str(&indent_continuation(&terminal_safe(command), &inner));
                out.push('\n');
            }
            if let Some(policy) = &fix.policy {
                out.push_str(&inner);
                out.push_str("Complete policy to apply:\n");
                push_indented(out, &format!("{inner}  "), &super::to_pretty_json(policy));
            }
        }
    }

    fn line(&self, out: &mut String, mark: Mark, text: &str) {
        out.push_str(CHECK_INDENT);
        out.push_str(&mark.painted(&self.paint));
        out.push(' ');
        out.push_str(&indent_continuation(text, DETAIL_INDENT));
        out.push('\n');
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Pass,
    Error,
    Warning,
    Info,
    Skipped,
}

impl Mark {
    fn of(severity: Severity) -> Mark {
        match severity {
            Severity::Error => Mark::Error,
            Severity::Warning => Mark::Warning,
            Severity::Info => Mark::Info,
        }
    }

    fn painted(self, paint: &Paint) -> String {
        match self {
            Mark::Pass => paint.fg("[✓]", Color::Green),
            Mark::Error => paint.fg("[✗]", Color::Red),
            Mark::Warning => paint.fg("[!]", Color::Yellow),
            Mark::Info => paint.fg("[i]", Color::Blue),
            Mark::Skipped => paint.dim("[-]"),
        }
    }
}

/// Evidence as `• key: value` lines; lists of plain values joined by commas, nested
/// structures as indented JSON.
fn evidence_lines(evidence: &Value, out: &mut String) {
    let bullet = format!("{DETAIL_INDENT}• ");
    let nested = format!("{DETAIL_INDENT}    ");
    match evidence {
        Value::Null => {}
        Value::Object(map) => {
            for (key, value) in map {
                let key = terminal_safe(key);
                match plain(value) {
                    Some(text) => {
                        out.push_str(&format!("{bullet}{key}: "));
                        out.push_str(&indent_continuation(&text, &nested));
                        out.push('\n');
                    }
                    None => {
                        out.push_str(&format!("{bullet}{key}:\n"));
                        push_indented(out, &nested, &super::to_pretty_json(value));
                    }
                }
            }
        }
        other => match plain(other) {
            Some(text) => {
                out.push_str(&bullet);
                out.push_str(&indent_continuation(&text, &nested));
                out.push('\n');
            }
            None => push_indented(out, &nested, &super::to_pretty_json(other)),
        },
    }
}

/// A value shown inline: a scalar, or a list of scalars joined by commas.
fn plain(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(terminal_safe(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".into()),
        Value::Array(items) if items.is_empty() => Some("(none)".into()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Array(_) | Value::Object(_) => None,
                scalar => plain(scalar),
            })
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.join(", ")),
        Value::Object(_) => None,
    }
}

/// Every line of `text` prefixed with `indent`.
fn push_indented(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        out.push_str(indent);
        out.push_str(line);
        out.push('\n');
    }
}

/// Keeps a multi-line text aligned: lines after the first start at `indent`.
fn indent_continuation(text: &str, indent: &str) -> String {
    text.lines()
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn evidence_scalars_lists_and_nested_values() {
        let mut out = String::new();
        evidence_lines(
            &json!({"status": "DISABLED", "actions": ["a", "b"], "none": [], "deciding": [{"policy": "p"}]}),
            &mut out,
        );
        assert_eq!(
            out,
            "      • status: DISABLED\n      • actions: a, b\n      • none: (none)\n      • deciding:\n          [\n            {\n              \"policy\": \"p\"\n            }\n          ]\n"
        );
    }

    #[test]
    fn null_and_empty_evidence_print_nothing() {
        let mut out = String::new();
        evidence_lines(&Value::Null, &mut out);
        evidence_lines(&json!({}), &mut out);
        assert_eq!(out, "");
    }

    #[test]
    fn multi_line_text_stays_aligned() {
        assert_eq!(indent_continuation("a\nb", "  "), "a\n  b");
        assert_eq!(indent_continuation("", "  "), "");
    }
}
