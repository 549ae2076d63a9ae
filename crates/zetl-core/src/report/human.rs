//! `--format human`: flutter-doctor style, short enough to read once and act on.
//!
//! ```text
//! Source account (111111111111)
//!   [✓] ZS001 The source DynamoDB table exists and is ACTIVE
//!   [✗] ZS002 Point-in-time recovery is DISABLED on table orders
//!       fix: Enable point-in-time recovery on orders
//!         $ aws dynamodb update-continuous-backups ...
//!   [-] ZS004 table-policy-denies-glue: skipped (ZS002 failed)
//! [✓] Target account (222222222222): 17 passed
//! ```
//!
//! One block per source -> target pair; inside it the checks grouped by the side of their rule.
//! An area where nothing failed is one line (`-v` lists its checks). A finding is its message,
//! at most three evidence bullets in words (labels from `[evidence]` in the messages; values
//! the message already states are left out), `fix:` with the summary, the statements a policy
//! fix changes and the commands. A fix whose commands another finding already printed points
//! to it instead. Checks skipped for the same reason share one line (`-v` lists each). `-v`
//! adds every evidence value and the complete documents; `-q` keeps only what did not pass
//! and the summary line. Every word comes from `rules/messages`.
//!
//! `[✓]` pass, `[✗]` error, `[!]` warning or could not be checked, `[i]` info, `[-]` skipped or
//! suppressed.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::color::{terminal_safe, Color, Paint};
use super::diff::{statement_changes, DiffLine};
use super::summary_line::summary_line;
use super::{Check, Finding, RenderOptions, Replaced, Report, RuleSummary, Severity, Side, Status};
use crate::rules::messages::{evidence_label, message, sentence};

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
const COMMAND_INDENT: &str = "        ";
/// Evidence bullets a finding shows by default.
const MAX_EVIDENCE: usize = 3;

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

/// What rendering one pair has printed so far.
#[derive(Default)]
struct Printed {
    /// Command -> the rule whose fix printed it.
    commands: HashMap<String, String>,
    /// A fix reads a document the report does not show (`--fix-dir` or `-v` would).
    documents_not_shown: bool,
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
            let collected = crate::time::timestamp(report.collected_at);
            let header = sentence(
                "report.header",
                &[
                    ("source", &terminal_safe(&report.accounts.source)),
                    ("target", &terminal_safe(&report.accounts.target)),
                    ("collected", &collected),
                ],
            );
            out.push_str(&self.paint.bold(&header));
            out.push('\n');
        }
        let mut documents_not_shown = false;
        for pair in &self.pairs {
            let mut printed = Printed::default();
            let block = self.pair_block(pair, &mut printed);
            documents_not_shown |= printed.documents_not_shown;
            if block.is_empty() {
                continue;
            }
            // In quiet mode the pair is named only when there is more than one to tell apart.
            if !self.options.quiet || self.pairs.len() > 1 {
                out.push_str(&self.paint.bold(&terminal_safe(pair)));
                out.push('\n');
            }
            out.push('\n');
            out.push_str(&block);
        }
        if !self.options.quiet {
            let hint =
                documents_not_shown.then(|| message("report.documents_hint").as_str().to_string());
            for note in report.notes.iter().chain(hint.as_ref()) {
                let label = message("report.note");
                let text = format!("{} {}", label.as_str(), terminal_safe(note));
                let wrapped = self.wrap(&text, "", "  ");
                out.push_str(&self.paint_prefix(&wrapped, label.as_str()));
                out.push('\n');
            }
            if !report.notes.is_empty() || documents_not_shown {
                out.push('\n');
            }
        }
        out.push_str(&summary_line(&report.summary));
        out.push('\n');
        out
    }

    /// Bold `prefix` at the start of `text` (for labels such as `Note:`).
    fn paint_prefix(&self, text: &str, prefix: &str) -> String {
        match text.strip_prefix(prefix) {
            Some(rest) => format!("{}{rest}", self.paint.bold(prefix)),
            None => text.to_string(),
        }
    }

    fn pair_block(&self, pair: &str, printed: &mut Printed) -> String {
        let checks: &[&Check] = self.checks_by_pair.get(pair).map_or(&[], |c| c.as_slice());
        let orphans = self
            .orphans_by_pair
            .get(pair)
            .map_or(&[][..], |f| f.as_slice());
        let mut out = String::new();
        for area in AREAS {
            let area_checks: Vec<&Check> = checks
                .iter()
                .copied()
                .filter(|c| self.side_of(c) == area)
                .collect();
            let area_orphans: Vec<&Finding> =
                orphans.iter().copied().filter(|f| f.side == area).collect();
            if area_checks.is_empty() && area_orphans.is_empty() {
                continue;
            }
            let troubled = !area_orphans.is_empty()
                || area_checks.iter().any(|c| {
                    matches!(c.status, Status::Fail | Status::Unknown)
                        || !self.findings_of(c).is_empty()
                });
            let heading = self.area_heading(area);
            let mut lines = String::new();
            if troubled || self.options.verbose {
                self.checks_lines(&area_checks, printed, &mut lines);
                for finding in &area_orphans {
                    self.finding_lines(finding, printed, &mut lines);
                }
                if lines.is_empty() {
                    continue;
                }
                out.push_str(&self.paint.bold(&heading));
                out.push('\n');
                out.push_str(&lines);
            } else {
                // Nothing failed here: one line, then what did not run.
                let not_run: Vec<&Check> = area_checks
                    .iter()
                    .copied()
                    .filter(|c| matches!(c.status, Status::Skipped | Status::Suppressed))
                    .collect();
                self.checks_lines(&not_run, printed, &mut lines);
                if self.options.quiet {
                    continue;
                }
                let passed = area_checks
                    .iter()
                    .filter(|c| c.status == Status::Pass)
                    .count();
                let text = sentence(
                    "report.area_passed",
                    &[("area", &heading), ("passed", &passed.to_string())],
                );
                out.push_str(&Mark::Pass.painted(&self.paint));
                out.push(' ');
                out.push_str(&self.wrap(&text, "", DETAIL_INDENT).replacen(
                    &heading,
                    &self.paint.bold(&heading),
                    1,
                ));
                out.push('\n');
                out.push_str(&lines);
            }
            out.push('\n');
        }
        out
    }

    fn area_heading(&self, area: Side) -> String {
        let accounts = &self.report.accounts;
        match area {
            Side::Source => sentence(
                "report.area_source",
                &[("account", &terminal_safe(&accounts.source))],
            ),
            Side::Target => sentence(
                "report.area_target",
                &[("account", &terminal_safe(&accounts.target))],
            ),
            Side::Principal => message_text("report.area_principal"),
            Side::Integration => message_text("report.area_integration"),
            Side::Collection => message_text("report.area_collection"),
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

    /// Each check's lines in order; without `-v`, checks skipped (or suppressed) for the same
    /// reason share one line where the first of them stands (`ZP005, ZP006: skipped (no
    /// --target-principal given)`), so a report does not grow with rules that do not apply.
    fn checks_lines(&self, checks: &[&'a Check], printed: &mut Printed, out: &mut String) {
        let not_run = |c: &Check| matches!(c.status, Status::Skipped | Status::Suppressed);
        let same = |a: &Check, b: &Check| {
            not_run(a) && not_run(b) && a.status == b.status && a.reason == b.reason
        };
        for (i, check) in checks.iter().enumerate() {
            if self.options.verbose || !not_run(check) {
                self.check_lines(check, printed, out);
                continue;
            }
            if checks[..i].iter().any(|c| same(c, check)) {
                continue; // shown with the first of its group
            }
            let group: Vec<&Check> = checks[i..]
                .iter()
                .copied()
                .filter(|c| same(c, check))
                .collect();
            if group.len() == 1 || self.options.quiet {
                self.check_lines(check, printed, out);
                continue;
            }
            let ids: Vec<String> = group.iter().map(|c| terminal_safe(&c.rule)).collect();
            let rules = ids.join(", ");
            let keys = if check.status == Status::Skipped {
                ("report.skipped", "report.skipped_because")
            } else {
                ("report.suppressed", "report.suppressed_because")
            };
            let text = match check.reason.as_deref().map(terminal_safe) {
                Some(r) => sentence(keys.1, &[("rule", &rules), ("reason", &r)]),
                None => sentence(keys.0, &[("rule", &rules)]),
            };
            self.line(out, Mark::Skipped, &text);
        }
    }

    fn check_lines(&self, check: &'a Check, printed: &mut Printed, out: &mut String) {
        let reason = check.reason.as_deref().map(terminal_safe);
        // (key without a reason, key with one)
        let labelled = |keys: (&str, &str)| {
            let label = self.rule_label(&check.rule);
            match &reason {
                Some(r) => sentence(keys.1, &[("rule", &label), ("reason", r)]),
                None => sentence(keys.0, &[("rule", &label)]),
            }
        };
        match check.status {
            Status::Skipped | Status::Suppressed => {
                if self.options.quiet {
                    return;
                }
                let keys = if check.status == Status::Skipped {
                    ("report.skipped", "report.skipped_because")
                } else {
                    ("report.suppressed", "report.suppressed_because")
                };
                self.line(out, Mark::Skipped, &labelled(keys));
                return;
            }
            _ => {}
        }
        let findings = self.findings_of(check);
        if !findings.is_empty() {
            for finding in findings {
                self.finding_lines(finding, printed, out);
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
                        self.all_evidence(evidence, out);
                    }
                }
            }
            Status::Unknown => self.line(
                out,
                Mark::Warning,
                &labelled(("report.unknown", "report.unknown_because")),
            ),
            // A failed check without findings should not happen; show the rule's title so it
            // is still visible rather than silently dropped.
            _ => {
                let rule = self.rules.get(check.rule.as_str());
                let mark = rule.map(|r| Mark::of(r.severity)).unwrap_or(Mark::Error);
                let title = rule.map(|r| r.title.clone()).unwrap_or_default();
                let mut text = format!("{} {}", terminal_safe(&check.rule), terminal_safe(&title));
                if let Some(r) = &reason {
                    text.push_str(&format!(" ({r})"));
                }
                self.line(out, mark, &text);
            }
        }
    }

    fn finding_lines(&self, finding: &Finding, printed: &mut Printed, out: &mut String) {
        let message = terminal_safe(&finding.message);
        let text = format!("{} {}", terminal_safe(&finding.rule), message);
        self.line(out, Mark::of(finding.severity), &text);
        if self.options.verbose {
            self.all_evidence(&finding.evidence, out);
        } else {
            for (label, value) in short_evidence(&finding.evidence, &message) {
                let bullet = format!("• {label}: {value}");
                out.push_str(&self.wrap(&bullet, DETAIL_INDENT, &format!("{DETAIL_INDENT}  ")));
                out.push('\n');
            }
        }
        let Some(fix) = &finding.fix else {
            return;
        };
        let label = message_text("report.fix");
        let summary = format!("{label} {}", terminal_safe(&fix.summary));
        let wrapped = self.wrap(&summary, DETAIL_INDENT, &format!("{DETAIL_INDENT}  "));
        out.push_str(&wrapped.replacen(&label, &self.paint.fg(&label, Color::Cyan), 1));
        out.push('\n');
        // The same commands under another rule (ZI001's fix is ZS005's): point there.
        let shown_by = (!fix.commands.is_empty())
            .then(|| {
                fix.commands
                    .iter()
                    .map(|c| printed.commands.get(c))
                    .collect::<Option<HashSet<_>>>()
            })
            .flatten()
            .filter(|rules| rules.len() == 1)
            .and_then(|rules| rules.into_iter().next().cloned());
        if let Some(rule) = shown_by {
            let text = sentence("report.fix_shown_under", &[("rule", &rule)]);
            out.push_str(&self.wrap(&text, COMMAND_INDENT, COMMAND_INDENT));
            out.push('\n');
            return;
        }
        if let Some(policy) = &fix.policy {
            if self.options.verbose {
                out.push_str(COMMAND_INDENT);
                out.push_str(&message_text("report.complete_policy"));
                out.push('\n');
                push_indented(
                    out,
                    &format!("{COMMAND_INDENT}  "),
                    &super::to_pretty_json(policy),
                );
            } else {
                if !self.options.fix_dir {
                    printed.documents_not_shown = true;
                }
                let before = match &fix.replaces {
                    Some(Replaced::Document(doc)) => Some(Some(doc)),
                    Some(Replaced::Nothing) => Some(None),
                    None => None,
                };
                if let Some(before) = before {
                    self.diff_lines(before, policy, out);
                }
            }
        }
        for command in &fix.commands {
            printed
                .commands
                .entry(command.clone())
                .or_insert_with(|| finding.rule.clone());
            out.push_str(COMMAND_INDENT);
            out.push_str(&self.paint.dim("$"));
            out.push(' ');
            out.push_str(&indent_continuation(
                &terminal_safe(command),
                COMMAND_INDENT,
            ));
            out.push('\n');
        }
    }

    fn diff_lines(&self, before: Option<&Value>, after: &Value, out: &mut String) {
        let lines = statement_changes(before, after);
        // Common leading spaces of the changed lines go, so the diff starts at the margin.
        let indent = lines
            .iter()
            .filter_map(|l| match l {
                DiffLine::Removed(t) | DiffLine::Added(t) => Some(t.len() - t.trim_start().len()),
                DiffLine::Statement(_) => None,
            })
            .min()
            .unwrap_or(0);
        for line in lines {
            out.push_str(COMMAND_INDENT);
            match line {
                DiffLine::Statement(name) => {
                    out.push_str(&self.paint.dim(&format!("@ {}", terminal_safe(&name))))
                }
                DiffLine::Removed(t) => out.push_str(
                    &self
                        .paint
                        .fg(&format!("- {}", terminal_safe(&t[indent..])), Color::Red),
                ),
                DiffLine::Added(t) => out.push_str(
                    &self
                        .paint
                        .fg(&format!("+ {}", terminal_safe(&t[indent..])), Color::Green),
                ),
            }
            out.push('\n');
        }
    }

    /// `-v`: every evidence value; nested structures as indented JSON.
    fn all_evidence(&self, evidence: &Value, out: &mut String) {
        evidence_lines(evidence, out);
    }

    fn line(&self, out: &mut String, mark: Mark, text: &str) {
        out.push_str(CHECK_INDENT);
        out.push_str(&mark.painted(&self.paint));
        out.push(' ');
        let wrapped = self.wrap(text, "", DETAIL_INDENT);
        out.push_str(&indent_continuation(&wrapped, DETAIL_INDENT));
        out.push('\n');
    }

    /// Prose wrapped to the terminal's width (`options.width`), or as is off a terminal.
    /// `first` starts the first line, `rest` the others; `line` adds the mark in front of a
    /// text that starts at column 6.
    fn wrap(&self, text: &str, first: &str, rest: &str) -> String {
        match self.options.width {
            Some(width) if width > rest.len() + 20 => {
                let options = textwrap::Options::new(width)
                    .initial_indent(if first.is_empty() { "      " } else { first })
                    .subsequent_indent(rest)
                    // Japanese has no spaces between words: break anywhere in it, but
                    // never inside an ARN or a key of plain ASCII text.
                    .break_words(!text.is_ascii());
                let wrapped = textwrap::fill(text, options);
                if first.is_empty() {
                    // The caller prints the mark where the initial indent was.
                    wrapped
                        .strip_prefix("      ")
                        .unwrap_or(&wrapped)
                        .to_string()
                } else {
                    wrapped
                }
            }
            _ => format!("{first}{text}"),
        }
    }
}

fn message_text(key: &str) -> String {
    message(key).as_str().to_string()
}

/// Up to three `(label, value)` pairs of a finding's evidence worth reading: values with a
/// label in the messages' `[evidence]`, scalar or a list of scalars, and not already in the
/// message.
pub(crate) fn short_evidence(evidence: &Value, message: &str) -> Vec<(String, String)> {
    let Value::Object(map) = evidence else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(key, value)| {
            let label = evidence_label(key)?;
            let text = match value {
                Value::Null | Value::Bool(_) => return None,
                Value::Array(items) if items.is_empty() => return None,
                other => plain(other)?,
            };
            (!message.contains(&text)).then_some((label, text))
        })
        .take(MAX_EVIDENCE)
        .collect()
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
/// structures as indented JSON (`-v`).
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
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or_default().to_string();
    for line in lines {
        out.push('\n');
        if !line.starts_with(indent) {
            out.push_str(indent);
        }
        out.push_str(line);
    }
    out
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
    fn short_evidence_keeps_labelled_plain_values_the_message_lacks() {
        let evidence = json!({
            "status": "NEEDS_ATTENTION",
            "error_code": "client_error",
            "linked_fixes": [{"rule": "ZS005"}],
            "unlabelled_key": "x",
            "last_sync": null,
            "integration_arn": "arn:aws:glue:us-east-1:1:integration:abc",
        });
        let shown = short_evidence(&evidence, "The integration is NEEDS_ATTENTION");
        let keys: Vec<&str> = shown.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            keys,
            ["client_error", "arn:aws:glue:us-east-1:1:integration:abc"]
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
