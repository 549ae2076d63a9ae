//! The closing line shared by the human and markdown formats:
//! `2 errors, 1 warning, 1 unknown, 36 passed (44 checks)`.

use super::Summary;

/// Errors, warnings, unknown and passed are always named; info, skipped and suppressed only
/// when there are some, so a healthy run reads `0 errors, 0 warnings, 0 unknown, 44 passed`.
pub fn summary_line(s: &Summary) -> String {
    let mut parts = vec![
        count(s.findings.error, "error", "errors"),
        count(s.findings.warning, "warning", "warnings"),
    ];
    if s.findings.info > 0 {
        parts.push(format!("{} info", s.findings.info));
    }
    parts.push(format!("{} unknown", s.unknown));
    if s.skipped > 0 {
        parts.push(format!("{} skipped", s.skipped));
    }
    if s.suppressed > 0 {
        parts.push(format!("{} suppressed", s.suppressed));
    }
    parts.push(format!("{} passed", s.pass));
    format!(
        "{} ({})",
        parts.join(", "),
        count(s.checks, "check", "checks")
    )
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
