//! ZS005: a Glue statement in the table policy that would allow, except that its
//! `aws:SourceArn` / `aws:SourceAccount` condition names the wrong thing. Found from the
//! engine's near misses; the fix is the same condition with the right value.

use serde::Serialize;

use crate::policy::{MissReason, NearMiss};
use crate::policy_edit::ConditionEdit;

use crate::arn::Arn;
use crate::rules::messages::sentence;
use crate::rules::values::PairValues;

const SOURCE_KEYS: [&str; 2] = ["aws:SourceArn", "aws:SourceAccount"];

/// One wrong source condition and its correction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrongSource {
    pub policy: String,
    pub statement_index: usize,
    pub sid: Option<String>,
    /// Why each value is wrong, for the message.
    pub problems: Vec<String>,
    pub edits: Vec<ConditionEdit>,
}

fn is_source_key(key: &str) -> bool {
    SOURCE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Operators that compare literally: a `*` in their value never globs.
fn literal_operator(op: &str) -> bool {
    let base = op
        .rsplit(':')
        .next()
        .unwrap_or(op)
        .trim_end_matches("IfExists");
    matches!(base, "StringEquals" | "StringEqualsIgnoreCase")
}

/// The near miss is ZS005's when its only reasons are failed source conditions.
pub fn wrong_source(miss: &NearMiss, values: &PairValues) -> Option<WrongSource> {
    if miss.reasons.is_empty() {
        return None;
    }
    let mut problems = Vec::new();
    let mut edits = Vec::new();
    for reason in &miss.reasons {
        let MissReason::ConditionFailed {
            operator,
            key,
            expected,
            ..
        } = reason
        else {
            return None;
        };
        if !is_source_key(key) {
            return None;
        }
        let account_key = key.eq_ignore_ascii_case("aws:SourceAccount");
        let (new_operator, new_value) = if account_key {
            (operator.clone(), values.source_account.clone())
        } else {
            let new_value = values
                .get("integration_source_arn")
                .unwrap_or_default()
                .to_string();
            let op = if literal_operator(operator) && new_value.contains('*') {
                "ArnLike".to_string()
            } else {
                operator.clone()
            };
            (op, new_value)
        };
        for v in expected {
            problems.push(if account_key {
                describe_account(v, values)
            } else {
                describe_arn(operator, v, values)
            });
        }
        edits.push(ConditionEdit {
            key: key.clone(),
            old_operator: operator.clone(),
            old_values: expected.clone(),
            new_operator,
            new_values: vec![new_value],
        });
    }
    Some(WrongSource {
        policy: miss.statement.policy.clone(),
        statement_index: miss.statement.index,
        sid: miss.statement.sid.clone(),
        problems,
        edits,
    })
}

fn describe_account(v: &str, values: &PairValues) -> String {
    let source = values.source_account.as_str();
    if v == values.target_account {
        // Before any integration exists, where it will live is inferred (AWS's cross-account
        // setup has the source account's role create it); the message says so.
        let key = if values.integration.is_some() {
            "condition.source_account_is_target"
        } else {
            "condition.source_account_is_target_planned"
        };
        sentence(key, &[("value", v), ("source_account", source)])
    } else {
        sentence(
            "condition.source_account_not_source",
            &[("value", v), ("source_account", source)],
        )
    }
}

fn describe_arn(operator: &str, v: &str, values: &PairValues) -> String {
    if literal_operator(operator) && v.contains('*') {
        return sentence(
            "condition.literal_wildcard",
            &[("operator", operator), ("value", v)],
        );
    }
    let Some(p) = Arn::parse(v) else {
        return sentence("condition.source_arn_not_arn", &[("value", v)]);
    };
    let region = values.get("source_region").unwrap_or_default();
    let source = values.source_account.as_str();
    if p.service != "glue" {
        return sentence(
            "condition.source_arn_other_service",
            &[("value", v), ("service", p.service)],
        );
    }
    if p.account != values.source_account && !p.account.contains('*') {
        let whose = if p.account == values.target_account {
            sentence("condition.whose_target_account", &[])
        } else {
            sentence("condition.whose_another_account", &[])
        };
        let key = if values.integration.is_some() {
            "condition.source_arn_other_account"
        } else {
            "condition.source_arn_other_account_planned"
        };
        return sentence(
            key,
            &[
                ("value", v),
                ("account", p.account),
                ("whose", &whose),
                ("source_account", source),
            ],
        );
    }
    if p.region != region && !p.region.contains('*') {
        return sentence(
            "condition.source_arn_other_region",
            &[
                ("value", v),
                ("region", p.region),
                ("source_region", region),
            ],
        );
    }
    if !p.resource.starts_with("integration:") {
        return sentence(
            "condition.source_arn_not_integration",
            &[
                ("value", v),
                ("source_region", region),
                ("source_account", source),
            ],
        );
    }
    sentence("condition.source_arn_other_integration", &[("value", v)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Effect, StatementRef};

    fn values() -> PairValues {
        let mut v = PairValues {
            source_account: "111111111111".into(),
            target_account: "222222222222".into(),
            ..PairValues::default()
        };
        v.values.insert("source_region".into(), "us-east-1".into());
        v.values.insert(
            "integration_source_arn".into(),
            "arn:aws:glue:us-east-1:111111111111:integration:*".into(),
        );
        v
    }

    fn miss(reasons: Vec<MissReason>) -> NearMiss {
        NearMiss {
            statement: StatementRef {
                policy: "table policy".into(),
                index: 0,
                sid: Some("Glue".into()),
                effect: Effect::Allow,
            },
            reasons,
        }
    }

    fn failed(op: &str, key: &str, expected: &str) -> MissReason {
        MissReason::ConditionFailed {
            operator: op.into(),
            key: key.into(),
            expected: vec![expected.into()],
            actual: None,
            note: None,
        }
    }

    #[test]
    fn target_account_in_both_keys() {
        let w = wrong_source(
            &miss(vec![
                failed("StringEquals", "aws:SourceAccount", "222222222222"),
                failed(
                    "ArnLike",
                    "aws:SourceArn",
                    "arn:aws:glue:us-east-1:222222222222:integration:*",
                ),
            ]),
            &values(),
        )
        .unwrap();
        assert_eq!(w.edits[0].new_values, vec!["111111111111"]);
        assert_eq!(
            w.edits[1].new_values,
            vec!["arn:aws:glue:us-east-1:111111111111:integration:*"]
        );
        assert_eq!(w.edits[1].new_operator, "ArnLike");
        assert!(w.problems[0].contains("the target account"));
        assert!(w.problems[1].contains("(the target account)"));
    }

    #[test]
    fn string_equals_with_wildcard_becomes_arn_like() {
        let w = wrong_source(
            &miss(vec![failed(
                "StringEquals",
                "aws:SourceArn",
                "arn:aws:glue:us-east-1:111111111111:integration:*",
            )]),
            &values(),
        )
        .unwrap();
        assert_eq!(w.edits[0].new_operator, "ArnLike");
        assert!(w.problems[0].contains("never globs"));
    }

    #[test]
    fn other_reasons_are_not_zs005() {
        let m = miss(vec![
            failed("StringEquals", "aws:SourceAccount", "222222222222"),
            MissReason::ActionNotMatched {
                action: "dynamodb:DescribeExport".into(),
                listed: vec![],
                not_action: false,
            },
        ]);
        assert!(wrong_source(&m, &values()).is_none());
        let m = miss(vec![failed("StringEquals", "aws:PrincipalOrgID", "o-1")]);
        assert!(wrong_source(&m, &values()).is_none());
    }

    #[test]
    fn non_integration_and_wrong_service() {
        let v = values();
        assert!(
            describe_arn("ArnLike", "arn:aws:glue:us-east-1:111111111111:catalog", &v)
                .contains("not an integration ARN")
        );
        assert!(describe_arn(
            "ArnLike",
            "arn:aws:redshift:us-east-1:111111111111:integration:*",
            &v
        )
        .contains("redshift service"));
        assert!(describe_arn(
            "ArnLike",
            "arn:aws:glue:eu-west-1:111111111111:integration:*",
            &v
        )
        .contains("region eu-west-1"));
    }
}
