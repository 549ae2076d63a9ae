//! ZS005's fix: the same statement with its `aws:SourceArn` / `aws:SourceAccount` condition
//! corrected, old value shown next to the new one.

use serde_json::{Map, Value};

use super::statement::one_or_many;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConditionEdit {
    pub key: String,
    pub old_operator: String,
    pub old_values: Vec<String>,
    pub new_operator: String,
    pub new_values: Vec<String>,
}

impl ConditionEdit {
    /// `aws:SourceAccount: StringEquals "222222222222" -> StringEquals "111111111111"`
    pub fn describe(&self) -> String {
        format!(
            "{}: {} {} -> {} {}",
            self.key,
            self.old_operator,
            quoted(&self.old_values),
            self.new_operator,
            quoted(&self.new_values)
        )
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Applies the edits to a copy of `statement`. The key is moved out of its old operator block
/// (dropping the block when it becomes empty) and written under the new operator; every other
/// part of the statement stays as it was. Keys match case-insensitively, as IAM's do.
pub fn correct_conditions(statement: &Value, edits: &[ConditionEdit]) -> Value {
    let mut out = statement.clone();
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    let mut condition = obj
        .get("Condition")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for edit in edits {
        remove_key(&mut condition, &edit.old_operator, &edit.key);
        let block = condition
            .entry(edit.new_operator.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(block) = block.as_object_mut() {
            block.insert(edit.key.clone(), one_or_many(&edit.new_values));
        }
    }
    obj.insert("Condition".into(), Value::Object(condition));
    out
}

fn remove_key(condition: &mut Map<String, Value>, operator: &str, key: &str) {
    let Some(op_name) = condition
        .keys()
        .find(|k| k.eq_ignore_ascii_case(operator))
        .cloned()
    else {
        return;
    };
    let now_empty = match condition.get_mut(&op_name).and_then(Value::as_object_mut) {
        Some(block) => {
            if let Some(k) = block.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned() {
                block.remove(&k);
            }
            block.is_empty()
        }
        None => false,
    };
    if now_empty {
        condition.remove(&op_name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_account_is_replaced_and_other_keys_kept() {
        let stmt = json!({"Sid": "S", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
            "Action": "dynamodb:DescribeTable", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "222222222222", "aws:PrincipalOrgID": "o-1"},
                          "ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:222222222222:integration:*"}}});
        let edits = vec![
            ConditionEdit {
                key: "aws:SourceAccount".into(),
                old_operator: "StringEquals".into(),
                old_values: vec!["222222222222".into()],
                new_operator: "StringEquals".into(),
                new_values: vec!["111111111111".into()],
            },
            ConditionEdit {
                key: "aws:SourceArn".into(),
                old_operator: "ArnLike".into(),
                old_values: vec!["arn:aws:glue:us-east-1:222222222222:integration:*".into()],
                new_operator: "ArnLike".into(),
                new_values: vec!["arn:aws:glue:us-east-1:111111111111:integration:*".into()],
            },
        ];
        let fixed = correct_conditions(&stmt, &edits);
        assert_eq!(
            fixed["Condition"],
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-1", "aws:SourceAccount": "111111111111"},
                   "ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:111111111111:integration:*"}})
        );
        assert_eq!(fixed["Sid"], json!("S"));
        assert_eq!(
            edits[0].describe(),
            "aws:SourceAccount: StringEquals \"222222222222\" -> StringEquals \"111111111111\""
        );
    }

    #[test]
    fn string_equals_with_wildcard_moves_to_arn_like() {
        let stmt = json!({"Effect": "Allow", "Condition": {"StringEquals": {"aws:sourcearn": "arn:aws:glue:us-east-1:111111111111:integration:*"}}});
        let fixed = correct_conditions(
            &stmt,
            &[ConditionEdit {
                key: "aws:SourceArn".into(),
                old_operator: "StringEquals".into(),
                old_values: vec!["arn:aws:glue:us-east-1:111111111111:integration:*".into()],
                new_operator: "ArnLike".into(),
                new_values: vec!["arn:aws:glue:us-east-1:111111111111:integration:*".into()],
            }],
        );
        assert_eq!(
            fixed["Condition"],
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:111111111111:integration:*"}})
        );
    }
}
