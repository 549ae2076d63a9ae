//! `--format markdown`: a pull-request comment (GitHub-flavoured Markdown), as brief as the
//! human report. The summary line, a table of findings, then one collapsed `<details>` per
//! finding with its evidence in words and its fix (the statements a policy fix changes in a
//! ```diff block, commands in ```sh blocks, the complete policy folded in its own
//! `<details>`), then the passing checks in one collapsed block per pair, then the notes.
//! Every word comes from `rules/messages` (`[markdown]`, `[report]`).

use std::collections::HashMap;

use super::diff::{statement_changes, DiffLine};
use super::human::short_evidence;
use super::summary_line::summary_line;
use super::{Check, Finding, Replaced, Report, RuleSummary, Severity, Status};
use crate::rules::messages::{message, sentence};

fn word(key: &str) -> String {
    message(key).as_str().to_string()
}

pub fn render(report: &Report, rules: &[RuleSummary]) -> String {
    let rules: HashMap<&str, &RuleSummary> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut out = String::new();
    out.push_str("## zetl doctor\n\n");
    out.push_str(&format!("**{}**\n\n", summary_line(&report.summary)));
    let collected = crate::time::timestamp(report.collected_at);
    out.push_str(&sentence(
        "markdown.accounts",
        &[
            ("source", &code_span(&report.accounts.source)),
            ("target", &code_span(&report.accounts.target)),
            ("collected", &collected),
        ],
    ));
    out.push_str("\n\n");
    let groups = by_pair(&report.findings);
    if groups.is_empty() {
        out.push_str(&word("markdown.no_findings"));
        out.push_str("\n\n");
    }
    for (pair, findings) in &groups {
        // Several pairs: one section each, so a finding's pair is never ambiguous.
        if groups.len() > 1 {
            match pair {
                Some(pair) => out.push_str(&format!("### {}\n\n", code_span(pair))),
                None => out.push_str(&format!("### {}\n\n", word("markdown.other_findings"))),
            }
        }
        table(findings, &rules, &mut out);
        // Command -> the rule whose fix showed it (a fix that repeats it points there).
        let mut shown: HashMap<&str, &str> = HashMap::new();
        for finding in findings {
            details(finding, &mut shown, &mut out);
        }
    }
    passed(&report.checks, &rules, &mut out);
    for note in &report.notes {
        out.push_str("> [!NOTE]\n");
        for line in note.lines() {
            out.push_str(&format!("> {}\n", text(line)));
        }
        out.push('\n');
    }
    // One trailing newline, whatever the last block was.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Findings grouped by pair, groups in order of first appearance.
fn by_pair(findings: &[Finding]) -> Vec<(Option<&str>, Vec<&Finding>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> = Vec::new();
    let mut index: HashMap<Option<&str>, usize> = HashMap::new();
    for finding in findings {
        let pair = finding.pair.as_deref();
        let i = *index.entry(pair).or_insert_with(|| {
            groups.push((pair, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(finding);
    }
    groups
}

fn table(findings: &[&Finding], rules: &HashMap<&str, &RuleSummary>, out: &mut String) {
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n",
        word("markdown.severity"),
        word("markdown.rule"),
        word("markdown.resource"),
        word("markdown.message")
    ));
    out.push_str("| --- | --- | --- | --- |\n");
    for f in findings {
        let rule = match rules.get(f.rule.as_str()) {
            Some(r) => format!("{} {}", code_span(&f.rule), text(&r.slug)),
            None => code_span(&f.rule),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            severity_label(f.severity),
            cell(&rule),
            cell(&code_span(&f.resource)),
            cell(&text(&f.message)),
        ));
    }
    out.push('\n');
}

/// The passing checks, collapsed (a comment is about what to fix): one `<details>` per pair,
/// each line the rule's `passed` text.
fn passed(checks: &[Check], rules: &HashMap<&str, &RuleSummary>, out: &mut String) {
    let mut groups: Vec<(&str, Vec<&Check>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for check in checks.iter().filter(|c| c.status == Status::Pass) {
        let i = *index.entry(check.pair.as_str()).or_insert_with(|| {
            groups.push((check.pair.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(check);
    }
    let several = groups.len() > 1;
    for (pair, list) in &groups {
        let n = list.len().to_string();
        let title = if several {
            sentence(
                "markdown.passed_on",
                &[("n", &n), ("pair", &format!("<code>{}</code>", html(pair)))],
            )
        } else {
            sentence("markdown.passed", &[("n", &n)])
        };
        out.push_str(&format!("<details>\n<summary>{title}</summary>\n\n"));
        for check in list {
            let label = match rules.get(check.rule.as_str()) {
                Some(r) if !r.passed.is_empty() => format!(" {}", text(&r.passed)),
                Some(r) => format!(" {}", text(&r.slug)),
                None => String::new(),
            };
            out.push_str(&format!("- {}{label}\n", code_span(&check.rule)));
        }
        out.push_str("\n</details>\n\n");
    }
}

fn details<'a>(finding: &'a Finding, shown: &mut HashMap<&'a str, &'a str>, out: &mut String) {
    out.push_str(&format!(
        "<details>\n<summary><code>{}</code> {}</summary>\n\n",
        html(&finding.rule),
        html(&finding.message)
    ));
    out.push_str(&sentence(
        "markdown.resource_is",
        &[("resource", &code_span(&finding.resource))],
    ));
    out.push_str("\n\n");
    for (label, value) in short_evidence(&finding.evidence, &finding.message) {
        out.push_str(&format!("- {}: {}\n", text(&label), code_span(&value)));
    }
    if !short_evidence(&finding.evidence, &finding.message).is_empty() {
        out.push('\n');
    }
    match &finding.fix {
        Some(fix) => {
            out.push_str(&format!(
                "**{}** {}\n\n",
                text(&word("report.fix")),
                text(&fix.summary)
            ));
            let same_as = fix
                .commands
                .iter()
                .map(|c| shown.get(c.as_str()).copied())
                .collect::<Option<Vec<&str>>>()
                .filter(|rules| !rules.is_empty() && rules.iter().all(|r| *r == rules[0]))
                .map(|rules| rules[0]);
            if let Some(rule) = same_as {
                out.push_str(&text(&sentence(
                    "report.fix_shown_under",
                    &[("rule", rule)],
                )));
                out.push_str("\n\n");
            } else {
                if let (Some(policy), Some(replaces)) = (&fix.policy, &fix.replaces) {
                    let before = match replaces {
                        Replaced::Document(doc) => Some(doc),
                        Replaced::Nothing => None,
                    };
                    let lines: Vec<String> = statement_changes(before, policy)
                        .into_iter()
                        .map(|l| match l {
                            DiffLine::Statement(name) => format!("@@ {name} @@"),
                            DiffLine::Removed(t) => format!("-{t}"),
                            DiffLine::Added(t) => format!("+{t}"),
                        })
                        .collect();
                    fenced("diff", &lines.join("\n"), out);
                }
                if !fix.commands.is_empty() {
                    fenced("sh", &fix.commands.join("\n"), out);
                }
                for c in &fix.commands {
                    shown.entry(c.as_str()).or_insert(finding.rule.as_str());
                }
                if let Some(policy) = &fix.policy {
                    out.push_str(&format!(
                        "<details>\n<summary>{}</summary>\n\n",
                        html(&word("report.details_policy"))
                    ));
                    fenced("json", &super::to_pretty_json(policy), out);
                    out.push_str("</details>\n\n");
                }
            }
        }
        None => {
            out.push_str(&word("markdown.no_fix"));
            out.push_str("\n\n");
        }
    }
    out.push_str("</details>\n\n");
}

fn severity_label(severity: Severity) -> String {
    match severity {
        Severity::Error => format!("❌ {}", word("markdown.error")),
        Severity::Warning => format!("⚠️ {}", word("markdown.warning")),
        Severity::Info => format!("ℹ️ {}", word("markdown.info")),
    }
}

/// A fenced code block whose fence is longer than any backtick run inside it.
fn fenced(lang: &str, body: &str, out: &mut String) {
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    out.push_str(&format!("{fence}{lang}\n{body}\n{fence}\n\n"));
}

/// An inline code span that survives backticks in its content.
fn code_span(s: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{}{pad}{ticks}", s.replace('\n', " "))
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Plain text with Markdown and HTML punctuation escaped, so facts render as written.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A table cell: pipes escaped (also inside code spans) and line breaks as `<br>`.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_backslash = false;
    for c in s.chars() {
        if c == '|' && !prev_backslash {
            out.push('\\');
        }
        prev_backslash = c == '\\' && !prev_backslash;
        out.push(c);
    }
    out.replace("\r\n", "<br>").replace('\n', "<br>")
}

/// Text inside HTML elements (`<summary>`).
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_in_the_content() {
        let mut out = String::new();
        fenced("sh", "echo ```", &mut out);
        assert_eq!(out, "````sh\necho ```\n````\n\n");
        let mut out = String::new();
        fenced("json", "{}", &mut out);
        assert_eq!(out, "```json\n{}\n```\n\n");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code_span("arn:aws:s3:::b"), "`arn:aws:s3:::b`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }

    #[test]
    fn text_and_cells_escape_what_markdown_would_interpret() {
        assert_eq!(text("s3:* on b/*"), "s3:\\* on b/\\*");
        assert_eq!(text("<img>"), "\\<img\\>");
        assert_eq!(cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(cell(&text("a|b")), "a\\|b");
        assert_eq!(cell("`x|y`"), "`x\\|y`");
    }

    #[test]
    fn summary_text_is_html_escaped() {
        assert_eq!(html("a <b> & c"), "a &lt;b&gt; &amp; c");
    }
}
