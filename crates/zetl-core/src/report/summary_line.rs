//! The closing line shared by the human and markdown formats:
//! `2 errors, 1 warning, 1 unknown, 36 passed (44 checks)`.

use super::Summary;
use crate::rules::messages::{message, sentence};

/// Errors, warnings, unknown and passed are always named; info, skipped and suppressed only
/// when there are some, so a healthy run reads `0 errors, 0 warnings, 0 unknown, 44 passed`.
/// The words are `[summary]` in the messages.
pub fn summary_line(s: &Summary) -> String {
    let mut parts = vec![
        count(
            s.findings.error,
            "summary.errors_one",
            "summary.errors_other",
        ),
        count(
            s.findings.warning,
            "summary.warnings_one",
            "summary.warnings_other",
        ),
    ];
    if s.findings.info > 0 {
        parts.push(count(s.findings.info, "summary.info", "summary.info"));
    }
    parts.push(count(s.unknown, "summary.unknown", "summary.unknown"));
    if s.skipped > 0 {
        parts.push(count(s.skipped, "summary.skipped", "summary.skipped"));
    }
    if s.suppressed > 0 {
        parts.push(count(
            s.suppressed,
            "summary.suppressed",
            "summary.suppressed",
        ));
    }
    parts.push(count(s.pass, "summary.passed", "summary.passed"));
    let separator = message("summary.separator");
    sentence(
        "summary.line",
        &[
            ("counts", &parts.join(separator.as_str())),
            (
                "checks",
                &count(s.checks, "summary.checks_one", "summary.checks_other"),
            ),
        ],
    )
}

/// `n` in the singular or plural sentence.
fn count(n: usize, one: &str, other: &str) -> String {
    sentence(if n == 1 { one } else { other }, &[("n", &n.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FindingCounts;

    #[test]
    fn names_the_always_present_counts_and_the_nonzero_optional_ones() {
        let s = Summary {
            checks: 44,
            pass: 36,
            fail: 4,
            unknown: 1,
            skipped: 3,
            suppressed: 0,
            findings: FindingCounts {
                error: 2,
                warning: 1,
                info: 1,
            },
        };
        assert_eq!(
            summary_line(&s),
            "2 errors, 1 warning, 1 info, 1 unknown, 3 skipped, 36 passed (44 checks)"
        );
    }

    #[test]
    fn healthy_run() {
        let s = Summary {
            checks: 1,
            pass: 1,
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&s),
            "0 errors, 0 warnings, 0 unknown, 1 passed (1 check)"
        );
    }
}
