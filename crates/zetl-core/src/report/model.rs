//! The report: what the doctor found, in the shape of the JSON contract (`zetl.report/v1`).
//! Renderers (human, json, sarif, markdown) read it; they never decide anything.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const REPORT_SCHEMA: &str = "zetl.report/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Order matters: Info < Warning < Error, for thresholds.
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The name the JSON report and the rule files use.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Source,
    Target,
    Principal,
    Integration,
    Collection,
}

impl Side {
    /// The name the JSON report and the rule files use.
    pub fn name(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Target => "target",
            Side::Principal => "principal",
            Side::Integration => "integration",
            Side::Collection => "collection",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
    Skipped,
    Suppressed,
}

/// A catalog rule as reports and `zetl rules --format json` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSummary {
    pub id: String,
    pub slug: String,
    pub severity: Severity,
    pub side: Side,
    pub title: String,
    /// The pass line's text. Not serialised: `zetl rules --format json` has the fixed keys
    /// cli.md lists.
    #[serde(default, skip_serializing)]
    pub passed: String,
    pub summary: String,
    /// AWS documentation links; the first is the rule's help link in SARIF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub accounts: ReportAccounts,
    pub collected_at: DateTime<Utc>,
    pub summary: Summary,
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    /// Things the reader must know once, e.g. that SCPs, RCPs and session policies are not
    /// visible to the doctor.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Where the facts came from: the snapshot file or the zetl.toml (SARIF locations use it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "zetl".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportAccounts {
    pub source: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub checks: usize,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub skipped: usize,
    pub suppressed: usize,
    pub findings: FindingCounts,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FindingCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// One rule evaluated for one source -> target pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub rule: String,
    pub status: Status,
    /// `SOURCE_TABLE_ARN -> TARGET_DATABASE_ARN`
    pub pair: String,
    /// Why skipped / unknown / suppressed (for suppressed: the suppression's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What a passing check saw (`Outcome::Pass { evidence }`); shown by `doctor -v`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub side: Side,
    /// The ARN the finding is about.
    pub resource: String,
    pub message: String,
    /// Rule-specific facts behind the message (deciding statements, near misses, values).
    pub evidence: serde_json::Value,
    pub fix: Option<Fix>,
    /// The pair the finding belongs to (same text as `Check::pair`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub summary: String,
    pub commands: Vec<String>,
    /// The complete policy document to apply (existing statements merged, not replaced).
    pub policy: Option<serde_json::Value>,
    /// What `zetl fix` may apply (in-process only; the JSON shows `commands` and `policy`).
    #[serde(skip)]
    pub apply: Option<crate::policy_edit::FixAction>,
    /// What `policy` replaces, when known (in-process only): the human and markdown reports
    /// show the statements that change instead of the whole document.
    #[serde(skip)]
    pub replaces: Option<Replaced>,
}

/// The document a policy fix replaces.
#[derive(Debug, Clone, PartialEq)]
pub enum Replaced {
    /// There is none yet: the fix creates it.
    Nothing,
    Document(serde_json::Value),
}

impl Summary {
    /// Counts checks and findings; the one place these numbers are derived.
    pub fn of(checks: &[Check], findings: &[Finding]) -> Summary {
        let mut s = Summary {
            checks: checks.len(),
            ..Summary::default()
        };
        for c in checks {
            match c.status {
                Status::Pass => s.pass += 1,
                Status::Fail => s.fail += 1,
                Status::Unknown => s.unknown += 1,
                Status::Skipped => s.skipped += 1,
                Status::Suppressed => s.suppressed += 1,
            }
        }
        for f in findings {
            match f.severity {
                Severity::Error => s.findings.error += 1,
                Severity::Warning => s.findings.warning += 1,
                Severity::Info => s.findings.info += 1,
            }
        }
        s
    }
}
