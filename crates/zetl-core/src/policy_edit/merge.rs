//! Merging a new statement into an existing policy. Existing statements keep their text,
//! order and Sid; the merge is idempotent (merging the same statement twice changes nothing).
//! An existing statement is extended only when the result is exactly equivalent to having
//! both statements: same Effect, Principal and Condition, no Not* elements, and either the
//! same actions (resources are unioned) or the same resources (actions are unioned); or the
//! same Effect, Principal, actions and resources with Conditions that differ only in the
//! values of one key under an operator that ORs its values (`StringEquals`, `ArnLike`, ...,
//! not a negated or `ForAllValues:` one), whose values are then unioned: the twenty-first
//! table joins the `aws:SourceArn` list of the statement that names the other twenty.

use serde_json::{json, Map, Value};

use super::document::{policy_object, statements, FixError};
use super::limits::{check_size, PolicyKind};

/// What the merge did, for the finding's evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum MergeOutcome {
    /// The policy already grants exactly this; nothing to change.
    AlreadyPresent { index: usize },
    /// A new policy document was created.
    Created,
    /// The statement was appended at `index` (with `sid`, renamed if the Sid was taken).
    Added { index: usize, sid: String },
    /// The existing statement at `index` gained these actions or resources.
    Extended {
        index: usize,
        added_actions: Vec<String>,
        added_resources: Vec<String>,
    },
    /// The existing statement at `index` gained these values of one condition key.
    ExtendedCondition {
        index: usize,
        operator: String,
        key: String,
        added_values: Vec<String>,
    },
}

/// Merges `statement` into `existing` (a decoded policy, or `None` when there is none) and
/// checks the result against `kind`'s size limit. Returns the complete document.
pub fn merge_statement(
    existing: Option<&Value>,
    statement: &Value,
    kind: PolicyKind,
) -> Result<(Value, MergeOutcome), FixError> {
    let Some(existing) = existing else {
        let doc = json!({"Version": "2012-10-17", "Statement": [statement]});
        check_size(&doc, kind, 0)?;
        return Ok((doc, MergeOutcome::Created));
    };
    let mut policy = policy_object(existing)?;
    let mut list = statements(&policy);

    if let Some(index) = list.iter().position(|s| same_grant(s, statement)) {
        return Ok((
            Value::Object(policy),
            MergeOutcome::AlreadyPresent { index },
        ));
    }

    let widen = list.iter().enumerate().find_map(|(index, s)| {
        condition_extendable(s, statement)
            .map(|(operator, key, added)| (index, operator, key, added))
    });
    let outcome = match (widen, list.iter().position(|s| extendable(s, statement))) {
        (Some((index, operator, key, added_values)), _) => {
            add_condition_values(&mut list[index], &operator, &key, &added_values);
            MergeOutcome::ExtendedCondition {
                index,
                operator,
                key,
                added_values,
            }
        }
        (None, Some(index)) => {
            let (added_actions, added_resources) = extend(&mut list[index], statement);
            MergeOutcome::Extended {
                index,
                added_actions,
                added_resources,
            }
        }
        (None, None) => {
            let mut new = statement.clone();
            let sid = unique_sid(&list, new.get("Sid").and_then(Value::as_str));
            if let (Some(obj), Some(sid)) = (new.as_object_mut(), sid.as_ref()) {
                obj.insert("Sid".into(), json!(sid));
            }
            list.push(new);
            MergeOutcome::Added {
                index: list.len() - 1,
                sid: sid.unwrap_or_default(),
            }
        }
    };
    policy.insert("Statement".into(), Value::Array(list));
    ensure_version(&mut policy);
    let doc = Value::Object(policy);
    check_size(&doc, kind, 0)?;
    Ok((doc, outcome))
}

/// Replaces statement `index` of `existing` with `statement` (used for corrected conditions
/// and narrowed Denies); every other statement is kept as it is.
pub fn replace_statement(
    existing: &Value,
    index: usize,
    statement: &Value,
    kind: PolicyKind,
) -> Result<Value, FixError> {
    let mut policy = policy_object(existing)?;
    let mut list = statements(&policy);
    let slot = list
        .get_mut(index)
        .ok_or(FixError::NoSuchStatement { index })?;
    *slot = statement.clone();
    policy.insert("Statement".into(), Value::Array(list));
    let doc = Value::Object(policy);
    check_size(&doc, kind, 0)?;
    Ok(doc)
}

/// Removes statement `index` (used when a Deny names only Glue and must go entirely).
pub fn remove_statement(existing: &Value, index: usize) -> Result<Value, FixError> {
    let mut policy = policy_object(existing)?;
    let mut list = statements(&policy);
    if index >= list.len() {
        return Err(FixError::NoSuchStatement { index });
    }
    list.remove(index);
    policy.insert("Statement".into(), Value::Array(list));
    Ok(Value::Object(policy))
}

fn ensure_version(policy: &mut Map<String, Value>) {
    if !policy.contains_key("Version") {
        // Insert first for readability: rebuild the map with Version leading.
        let mut m = Map::new();
        m.insert("Version".into(), json!("2012-10-17"));
        m.extend(std::mem::take(policy));
        *policy = m;
    }
}

/// A Sid not used by any existing statement: the wanted one, else it with a number appended.
fn unique_sid(list: &[Value], wanted: Option<&str>) -> Option<String> {
    let wanted = wanted?;
    let taken: Vec<&str> = list
        .iter()
        .filter_map(|s| s.get("Sid").and_then(Value::as_str))
        .collect();
    if !taken.contains(&wanted) {
        return Some(wanted.to_string());
    }
    (2..)
        .map(|n| format!("{wanted}{n}"))
        .find(|c| !taken.contains(&c.as_str()))
}

/// A value that may be a string or an array of strings, as a sorted set.
fn set_of(v: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    out.sort();
    out.dedup();
    out
}

/// Principal or Condition blocks compared with string-or-array values normalised.
fn normalised(v: Option<&Value>) -> Value {
    match v {
        None => Value::Null,
        Some(Value::Object(m)) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), normalised(m.get(k)));
            }
            Value::Object(out)
        }
        Some(Value::String(s)) => json!([s]),
        Some(Value::Array(a)) => {
            let mut items: Vec<String> = a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect();
            items.sort();
            items.dedup();
            json!(items)
        }
        Some(other) => json!([other.to_string()]),
    }
}

fn has_not_elements(s: &Value) -> bool {
    ["NotAction", "NotResource", "NotPrincipal"]
        .iter()
        .any(|k| s.get(*k).is_some())
}

fn same_envelope(a: &Value, b: &Value) -> bool {
    same_effect_and_principal(a, b)
        && normalised(a.get("Condition")) == normalised(b.get("Condition"))
}

fn same_effect_and_principal(a: &Value, b: &Value) -> bool {
    !has_not_elements(a)
        && !has_not_elements(b)
        && a.get("Effect") == b.get("Effect")
        && normalised(a.get("Principal")) == normalised(b.get("Principal"))
}

/// How a new statement's Condition differs from an existing one's.
#[derive(Debug, PartialEq)]
enum ConditionDiff {
    Same,
    /// Only by values of one key under an operator that ORs its values: these are new.
    MoreValues {
        operator: String,
        key: String,
        added: Vec<String>,
    },
    Other,
}

/// An operator whose values are alternatives, so a statement with the union of two value
/// lists allows exactly what the two statements allow: not a negated operator (its values
/// are all excluded) nor `ForAllValues:` (every request value must be in the list).
fn ors_its_values(operator: &str) -> bool {
    let base = operator
        .strip_prefix("ForAnyValue:")
        .unwrap_or(operator)
        .trim_end_matches("IfExists");
    !operator.starts_with("ForAllValues:")
        && !base.contains("Not")
        && !matches!(base, "Null" | "Bool" | "BinaryEquals")
}

fn condition_diff(existing: Option<&Value>, new: Option<&Value>) -> ConditionDiff {
    let (e, n) = (normalised(existing), normalised(new));
    if e == n {
        return ConditionDiff::Same;
    }
    let (Some(e), Some(n)) = (e.as_object(), n.as_object()) else {
        return ConditionDiff::Other;
    };
    if !e.keys().eq(n.keys()) {
        return ConditionDiff::Other;
    }
    let mut diff = ConditionDiff::Same;
    for (operator, eb) in e {
        let nb = &n[operator];
        if eb == nb {
            continue;
        }
        let (Some(eb), Some(nb)) = (eb.as_object(), nb.as_object()) else {
            return ConditionDiff::Other;
        };
        if !eb.keys().eq(nb.keys()) {
            return ConditionDiff::Other;
        }
        for (key, ev) in eb {
            let nv = &nb[key];
            if ev == nv {
                continue;
            }
            if diff != ConditionDiff::Same || !ors_its_values(operator) {
                return ConditionDiff::Other;
            }
            let have = set_of(Some(ev));
            diff = ConditionDiff::MoreValues {
                operator: operator.clone(),
                key: key.clone(),
                added: set_of(Some(nv))
                    .into_iter()
                    .filter(|v| !have.contains(v))
                    .collect(),
            };
        }
    }
    diff
}

/// The existing statement already grants everything the new one does, under the same
/// principal and conditions (Sid ignored; a condition list that already holds the new
/// values counts as the same): literal containment, no wildcard reasoning.
fn same_grant(existing: &Value, new: &Value) -> bool {
    let (ea, er) = (
        set_of(existing.get("Action")),
        set_of(existing.get("Resource")),
    );
    let conditions = match condition_diff(existing.get("Condition"), new.get("Condition")) {
        ConditionDiff::Same => true,
        ConditionDiff::MoreValues { added, .. } => added.is_empty(),
        ConditionDiff::Other => false,
    };
    same_effect_and_principal(existing, new)
        && conditions
        && set_of(new.get("Action")).iter().all(|a| ea.contains(a))
        && set_of(new.get("Resource")).iter().all(|r| er.contains(r))
}

/// Same Effect, Principal, actions and resources, and Conditions that differ only in new
/// values of one key whose values are alternatives: (operator, key, the new values).
fn condition_extendable(existing: &Value, new: &Value) -> Option<(String, String, Vec<String>)> {
    if !same_effect_and_principal(existing, new)
        || set_of(existing.get("Action")) != set_of(new.get("Action"))
        || set_of(existing.get("Resource")) != set_of(new.get("Resource"))
    {
        return None;
    }
    match condition_diff(existing.get("Condition"), new.get("Condition")) {
        ConditionDiff::MoreValues {
            operator,
            key,
            added,
        } if !added.is_empty() => Some((operator, key, added)),
        _ => None,
    }
}

/// Appends `values` to the statement's `Condition[operator][key]`, keeping its entries first.
fn add_condition_values(statement: &mut Value, operator: &str, key: &str, values: &[String]) {
    let Some(slot) = statement
        .get_mut("Condition")
        .and_then(|c| c.get_mut(operator))
        .and_then(|o| o.get_mut(key))
    else {
        return;
    };
    let mut current = set_of_in_order(Some(slot));
    for v in values {
        if !current.contains(v) {
            current.push(v.clone());
        }
    }
    *slot = json!(current);
}

fn extendable(existing: &Value, new: &Value) -> bool {
    if !same_envelope(existing, new) {
        return false;
    }
    let same_actions = set_of(existing.get("Action")) == set_of(new.get("Action"));
    let same_resources = set_of(existing.get("Resource")) == set_of(new.get("Resource"));
    same_actions || same_resources
}

/// Unions the differing element into `existing`, keeping its original entries first.
fn extend(existing: &mut Value, new: &Value) -> (Vec<String>, Vec<String>) {
    let same_actions = set_of(existing.get("Action")) == set_of(new.get("Action"));
    let field = if same_actions { "Resource" } else { "Action" };
    let mut current: Vec<String> = match existing.get(field) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    let mut added = Vec::new();
    for item in set_of_in_order(new.get(field)) {
        if !current.contains(&item) {
            current.push(item.clone());
            added.push(item);
        }
    }
    if let Some(obj) = existing.as_object_mut() {
        obj.insert(field.into(), json!(current));
    }
    if same_actions {
        (Vec::new(), added)
    } else {
        (added, Vec::new())
    }
}

fn set_of_in_order(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glue_stmt(sid: &str, actions: Value) -> Value {
        json!({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
               "Action": actions, "Resource": "*",
               "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}})
    }

    #[test]
    fn no_policy_creates_one() {
        let s = glue_stmt("A", json!("dynamodb:DescribeTable"));
        let (doc, outcome) = merge_statement(None, &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(outcome, MergeOutcome::Created);
        assert_eq!(doc, json!({"Version": "2012-10-17", "Statement": [s]}));
    }

    #[test]
    fn existing_statements_and_sids_are_kept_and_new_one_appended() {
        let other = json!({"Sid": "Keep", "Effect": "Allow",
                           "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                           "Action": "dynamodb:GetItem", "Resource": "*"});
        let existing = json!({"Version": "2012-10-17", "Id": "x", "Statement": other.clone()});
        let s = glue_stmt("Keep", json!("dynamodb:DescribeTable"));
        let (doc, outcome) =
            merge_statement(Some(&existing), &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(doc["Statement"][0], other);
        assert_eq!(doc["Id"], json!("x"));
        assert_eq!(doc["Statement"][1]["Sid"], json!("Keep2"));
        assert_eq!(
            outcome,
            MergeOutcome::Added {
                index: 1,
                sid: "Keep2".into()
            }
        );
    }

    #[test]
    fn merging_twice_changes_nothing() {
        let existing = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Other", "Effect": "Deny", "Principal": "*", "Action": "dynamodb:DeleteTable", "Resource": "*"}]});
        let s = glue_stmt(
            "G",
            json!(["dynamodb:DescribeTable", "dynamodb:DescribeExport"]),
        );
        let (once, _) = merge_statement(Some(&existing), &s, PolicyKind::DynamoDbTable).unwrap();
        let (twice, outcome) = merge_statement(Some(&once), &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(once, twice);
        assert_eq!(outcome, MergeOutcome::AlreadyPresent { index: 1 });
    }

    #[test]
    fn equivalent_statement_with_other_sid_and_string_form_is_already_present() {
        let existing = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Mine", "Effect": "Allow", "Principal": {"Service": ["glue.amazonaws.com"]},
             "Action": ["dynamodb:DescribeTable"], "Resource": ["*"],
             "Condition": {"StringEquals": {"aws:SourceAccount": ["111111111111"]}}}]});
        let s = glue_stmt("G", json!("dynamodb:DescribeTable"));
        let (doc, outcome) =
            merge_statement(Some(&existing), &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(doc, existing);
        assert_eq!(outcome, MergeOutcome::AlreadyPresent { index: 0 });
    }

    #[test]
    fn same_envelope_extends_actions_keeping_sid() {
        let existing = json!({"Version": "2012-10-17", "Statement": [
            glue_stmt("Mine", json!(["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"]))]});
        let s = glue_stmt("G", json!("dynamodb:DescribeExport"));
        let (doc, outcome) =
            merge_statement(Some(&existing), &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(doc["Statement"].as_array().unwrap().len(), 1);
        assert_eq!(doc["Statement"][0]["Sid"], json!("Mine"));
        assert_eq!(
            doc["Statement"][0]["Action"],
            json!([
                "dynamodb:ExportTableToPointInTime",
                "dynamodb:DescribeTable",
                "dynamodb:DescribeExport"
            ])
        );
        assert_eq!(
            outcome,
            MergeOutcome::Extended {
                index: 0,
                added_actions: vec!["dynamodb:DescribeExport".into()],
                added_resources: vec![]
            }
        );
        let (again, o2) = merge_statement(Some(&doc), &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(again, doc);
        assert_eq!(o2, MergeOutcome::AlreadyPresent { index: 0 });
    }

    fn authorize(table: &str) -> Value {
        json!({"Sid": "AllowGlueAuthorizeInboundIntegration", "Effect": "Allow",
               "Principal": {"Service": "glue.amazonaws.com"},
               "Action": ["glue:AuthorizeInboundIntegration"],
               "Resource": ["arn:aws:glue:us-east-1:222222222222:catalog",
                            "arn:aws:glue:us-east-1:222222222222:database/lake"],
               "Condition": {"StringEquals": {
                   "aws:SourceArn": format!("arn:aws:dynamodb:us-east-1:111111111111:table/{table}")}}})
    }

    #[test]
    fn another_source_arn_joins_the_list_of_the_same_grant() {
        let mut mine = authorize("orders");
        mine["Sid"] = json!("Mine");
        mine["Principal"] = json!({"Service": ["glue.amazonaws.com"]});
        let existing = json!({"Version": "2012-10-17", "Statement": [mine]});
        let (doc, outcome) = merge_statement(
            Some(&existing),
            &authorize("items"),
            PolicyKind::GlueCatalog,
        )
        .unwrap();
        let list = doc["Statement"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["Sid"], json!("Mine"));
        assert_eq!(
            list[0]["Condition"]["StringEquals"]["aws:SourceArn"],
            json!([
                "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
                "arn:aws:dynamodb:us-east-1:111111111111:table/items"
            ])
        );
        assert_eq!(
            outcome,
            MergeOutcome::ExtendedCondition {
                index: 0,
                operator: "StringEquals".into(),
                key: "aws:SourceArn".into(),
                added_values: vec!["arn:aws:dynamodb:us-east-1:111111111111:table/items".into()]
            }
        );
        // Either table again: already granted.
        for t in ["orders", "items"] {
            let (again, o) =
                merge_statement(Some(&doc), &authorize(t), PolicyKind::GlueCatalog).unwrap();
            assert_eq!(again, doc);
            assert_eq!(o, MergeOutcome::AlreadyPresent { index: 0 });
        }
    }

    #[test]
    fn values_of_negated_or_for_all_operators_and_two_keys_are_never_unioned() {
        for operator in [
            "StringNotEquals",
            "ForAllValues:StringEquals",
            "ArnNotLikeIfExists",
        ] {
            let cond = |t: &str| json!({operator: {"aws:SourceArn": t}});
            let mut mine = authorize("orders");
            mine["Condition"] = cond("a");
            let mut new = authorize("orders");
            new["Condition"] = cond("b");
            let existing = json!({"Statement": [mine.clone()]});
            let (doc, _) = merge_statement(Some(&existing), &new, PolicyKind::GlueCatalog).unwrap();
            assert_eq!(doc["Statement"].as_array().unwrap().len(), 2, "{operator}");
            assert_eq!(doc["Statement"][0], mine, "{operator}");
        }
        // Two keys differ: no single list can say it.
        let mut mine = authorize("orders");
        mine["Condition"]["StringEquals"]["aws:SourceAccount"] = json!("111111111111");
        let mut new = authorize("items");
        new["Condition"]["StringEquals"]["aws:SourceAccount"] = json!("333333333333");
        let existing = json!({"Statement": [mine]});
        let (doc, _) = merge_statement(Some(&existing), &new, PolicyKind::GlueCatalog).unwrap();
        assert_eq!(doc["Statement"].as_array().unwrap().len(), 2);
        // Other resources: a statement of its own.
        let mut new = authorize("items");
        new["Resource"] = json!("*");
        let (doc, _) = merge_statement(Some(&existing), &new, PolicyKind::GlueCatalog).unwrap();
        assert_eq!(doc["Statement"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn different_condition_is_not_extended() {
        let mut mine = glue_stmt("Mine", json!("dynamodb:DescribeTable"));
        mine["Condition"] = json!({"StringEquals": {"aws:SourceAccount": "222222222222"}});
        let existing = json!({"Version": "2012-10-17", "Statement": [mine.clone()]});
        let s = glue_stmt("G", json!("dynamodb:DescribeExport"));
        let (doc, _) = merge_statement(Some(&existing), &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(doc["Statement"][0], mine);
        assert_eq!(doc["Statement"][1], s);
    }

    #[test]
    fn not_action_statements_are_never_extended() {
        let mine = json!({"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
                          "NotAction": "dynamodb:DeleteTable", "Resource": "*",
                          "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}});
        let existing = json!({"Version": "2012-10-17", "Statement": [mine.clone()]});
        let s = glue_stmt("G", json!("dynamodb:DescribeExport"));
        let (doc, _) = merge_statement(Some(&existing), &s, PolicyKind::DynamoDbTable).unwrap();
        assert_eq!(doc["Statement"][0], mine);
        assert_eq!(doc["Statement"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn too_large_result_is_refused() {
        let big: Vec<String> = (0..400)
            .map(|i| format!("arn:aws:glue:us-east-1:222222222222:table/db/table_number_{i}"))
            .collect();
        let existing = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Big", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
             "Action": "glue:GetTable", "Resource": big}]});
        let s = json!({"Sid": "B", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
                       "Action": "glue:AuthorizeInboundIntegration", "Resource": "*"});
        let err = merge_statement(Some(&existing), &s, PolicyKind::GlueCatalog).unwrap_err();
        assert!(
            matches!(err, FixError::TooLarge { limit: 10240, .. }),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .contains("Glue Data Catalog resource policy"));
    }

    #[test]
    fn replace_keeps_the_others() {
        let existing = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "x:Y", "Resource": "*"},
            {"Sid": "B", "Effect": "Deny", "Action": "x:Z", "Resource": "*"}]});
        let doc = replace_statement(
            &existing,
            1,
            &json!({"Sid": "B2"}),
            PolicyKind::DynamoDbTable,
        )
        .unwrap();
        assert_eq!(doc["Statement"][0], existing["Statement"][0]);
        assert_eq!(doc["Statement"][1], json!({"Sid": "B2"}));
        assert_eq!(
            replace_statement(&existing, 5, &json!({}), PolicyKind::DynamoDbTable),
            Err(FixError::NoSuchStatement { index: 5 })
        );
        let removed = remove_statement(&existing, 0).unwrap();
        assert_eq!(removed["Statement"], json!([existing["Statement"][1]]));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn statement() -> impl Strategy<Value = Value> {
        (
            prop::option::of("[AB]"),
            prop::sample::select(vec!["Allow", "Deny"]),
            prop::collection::vec(
                prop::sample::select(vec!["s3:GetObject", "s3:PutObject", "glue:GetTable"]),
                1..3,
            ),
            prop::collection::vec(
                prop::sample::select(vec!["*", "arn:aws:s3:::b/*", "arn:aws:s3:::c"]),
                1..3,
            ),
            prop::bool::ANY,
        )
            .prop_map(|(sid, effect, actions, resources, cond)| {
                let mut s = json!({"Effect": effect, "Action": actions, "Resource": resources});
                if let Some(sid) = sid {
                    s["Sid"] = json!(sid);
                }
                if cond {
                    s["Condition"] = json!({"StringEquals": {"aws:SourceAccount": "111111111111"}});
                }
                s
            })
    }

    proptest! {
        #[test]
        fn merge_is_idempotent_and_keeps_what_exists(
            existing in prop::collection::vec(statement(), 0..5),
            new in statement(),
        ) {
            let doc = json!({"Version": "2012-10-17", "Statement": existing.clone()});
            let (once, outcome) = merge_statement(Some(&doc), &new, PolicyKind::DynamoDbTable).unwrap();
            let (twice, again) = merge_statement(Some(&once), &new, PolicyKind::DynamoDbTable).unwrap();
            prop_assert_eq!(&once, &twice);
            prop_assert!(matches!(again, MergeOutcome::AlreadyPresent { .. }), "{:?}", again);
            let merged = once["Statement"].as_array().unwrap();
            match outcome {
                MergeOutcome::AlreadyPresent { .. } => prop_assert_eq!(merged, &existing),
                MergeOutcome::Added { .. } => {
                    prop_assert_eq!(&merged[..existing.len()], &existing[..]);
                    prop_assert_eq!(merged.len(), existing.len() + 1);
                    // The new statement's Sid is not one already taken.
                    if let Some(sid) = merged[existing.len()]["Sid"].as_str() {
                        prop_assert!(existing.iter().all(|s| s["Sid"].as_str() != Some(sid)));
                    }
                }
                MergeOutcome::Extended { index, .. }
                | MergeOutcome::ExtendedCondition { index, .. } => {
                    prop_assert_eq!(merged.len(), existing.len());
                    for (i, s) in existing.iter().enumerate() {
                        if i != index {
                            prop_assert_eq!(&merged[i], s);
                        }
                    }
                    prop_assert_eq!(&merged[index]["Sid"], &existing[index]["Sid"]);
                }
                MergeOutcome::Created => prop_assert!(false, "a document existed"),
            }
        }
    }
}
