//! The check result types of the rule runner (TEAM.md "Rule runner"). Stand-in until the
//! `doctor` branch's definitions are merged; same names and fields.

use std::collections::BTreeMap;

use crate::report::Severity;

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pass {
        evidence: serde_json::Value,
    },
    Fail(Vec<Problem>),
    Unknown {
        reason: String,
        missing_action: Option<String>,
    },
    Skipped {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problem {
    pub message_key: String,
    pub params: BTreeMap<String, String>,
    pub resource: String,
    pub evidence: serde_json::Value,
    pub fix_variant: Option<String>,
    pub fix_policy: Option<serde_json::Value>,
    pub extra_commands: Vec<String>,
    pub severity: Option<Severity>,
}
