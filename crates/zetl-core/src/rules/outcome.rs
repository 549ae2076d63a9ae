//! What a check returns, before the runner turns it into report `Check`s and `Finding`s.
//!
//! Checks never write user-facing text: they name a message key and fix variant from their
//! rule's TOML and supply the placeholder values.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::policy_edit::{FixAction, TypedCommand};
use crate::report::Severity;

use super::messages::sentence;

/// The result of one rule for one source -> target pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The requirement holds; `evidence` shows why (kept for `--verbose` and JSON).
    Pass { evidence: Value },
    /// The requirement does not hold; one problem per finding.
    Fail(Vec<Problem>),
    /// A fact the check needs could not be read. Never a pass: the runner adds a ZC001 finding
    /// naming `missing_action` (the doctor's own missing IAM action) when known.
    Unknown {
        reason: String,
        missing_action: Option<String>,
    },
    /// The rule does not apply (S3 Tables target, a prerequisite failed, not selected).
    Skipped { reason: String },
}

impl Outcome {
    pub fn pass(evidence: Value) -> Outcome {
        Outcome::Pass { evidence }
    }

    pub fn fail(problem: Problem) -> Outcome {
        Outcome::Fail(vec![problem])
    }

    pub fn skipped(reason: impl Into<String>) -> Outcome {
        Outcome::Skipped {
            reason: reason.into(),
        }
    }

    pub fn unknown(reason: impl Into<String>, missing_action: Option<String>) -> Outcome {
        Outcome::Unknown {
            reason: reason.into(),
            missing_action,
        }
    }

    /// An unknown outcome from a snapshot fact that could not be read (`what` is the call or
    /// IAM action that reads it).
    pub fn from_unknown_fact(what: &str, u: &crate::snapshot::Unknown) -> Outcome {
        let reason = serde_json::to_value(&u.reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "unknown".into());
        let values = [("what", what), ("reason", reason.as_str())];
        let reason = match u.message.as_deref() {
            Some(detail) => sentence(
                "unknown.unreadable_detail",
                &[values[0], values[1], ("detail", detail)],
            ),
            None => sentence("unknown.unreadable", &values),
        };
        Outcome::Unknown {
            reason,
            missing_action: u.action.clone(),
        }
    }
}

/// One failing aspect of a rule: becomes one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Key in the rule's `[messages]` table (usually `fail`).
    pub message_key: String,
    /// Placeholder values for the message and fix templates, on top of the pair's own
    /// (`{table}`, `{region}`, ... filled by the runner).
    pub params: BTreeMap<String, String>,
    /// The ARN the finding is about.
    pub resource: String,
    pub evidence: Value,
    /// `[fix.<variant>]` of the rule's TOML; `None` = the plain `[fix]`.
    pub fix_variant: Option<String>,
    /// The complete policy document to apply (existing statements merged).
    pub fix_policy: Option<Value>,
    /// The policy writes the fix makes, rendered into commands after the template's.
    pub writes: Vec<TypedCommand>,
    /// Commands appended after those (another rule's commands a finding repeats).
    pub extra_commands: Vec<String>,
    /// Overrides the rule's severity (e.g. a warning-in-evidence case).
    pub severity: Option<Severity>,
    /// What `zetl fix` may apply for this problem (none: a manual fix only).
    pub apply: Option<FixAction>,
}

impl Problem {
    pub fn new(message_key: &str, resource: impl Into<String>) -> Problem {
        Problem {
            message_key: message_key.to_string(),
            params: BTreeMap::new(),
            resource: resource.into(),
            evidence: Value::Object(Default::default()),
            fix_variant: None,
            fix_policy: None,
            writes: Vec::new(),
            extra_commands: Vec::new(),
            severity: None,
            apply: None,
        }
    }

    pub fn param(mut self, key: &str, value: impl Into<String>) -> Problem {
        self.params.insert(key.to_string(), value.into());
        self
    }

    pub fn evidence(mut self, evidence: Value) -> Problem {
        self.evidence = evidence;
        self
    }

    pub fn fix_variant(mut self, variant: &str) -> Problem {
        self.fix_variant = Some(variant.to_string());
        self
    }

    pub fn apply(mut self, action: FixAction) -> Problem {
        self.apply = Some(action);
        self
    }

    pub fn fix_policy(mut self, policy: Value) -> Problem {
        self.fix_policy = Some(policy);
        self
    }

    pub fn extra_command(mut self, command: impl Into<String>) -> Problem {
        self.extra_commands.push(command.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Problem {
        self.severity = Some(severity);
        self
    }
}
