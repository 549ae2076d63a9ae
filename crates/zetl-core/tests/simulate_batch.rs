//! `policy simulate` batches survive a bad case: the invalid case gets an error object in its
//! place, every other case is still decided, and both renderers show it.

use serde_json::{json, Value};
use zetl_core::policy::Decision;
use zetl_core::simulate::{render, simulate_text, CaseResult, InputError};

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const OBJECT: &str = "arn:aws:s3:::lake-bucket/data/part-0.parquet";

fn case(identity: Value) -> Value {
    json!({
        "request": {"principal": ALICE, "action": "s3:GetObject", "resource": OBJECT,
                    "resourceAccount": "111111111111"},
        "identityPolicies": [identity]
    })
}

fn allow() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lake-bucket/*"}]})
}

fn deny() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]})
}

/// An invalid policy document: "Permit" is not an Effect.
fn broken() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}]})
}

fn batch() -> String {
    let mut bad_action = case(allow());
    bad_action["request"]["action"] = json!("GetObject");
    json!([
        case(allow()),
        case(broken()),
        case(deny()),
        bad_action,
        case(json!({}))
    ])
    .to_string()
}

#[test]
fn an_invalid_case_takes_its_place_and_the_others_are_decided() {
    let simulation = simulate_text(&batch()).expect("a batch with invalid cases is still read");
    assert!(simulation.batch);
    let shape: Vec<Result<Decision, (usize, String)>> = simulation
        .results
        .iter()
        .map(|r| match r {
            CaseResult::Decided(o) => Ok(o.decision),
            CaseResult::Invalid(e) => Err((e.index, e.input_path())),
        })
        .collect();
    assert_eq!(
        shape,
        [
            Ok(Decision::Allowed),
            Err((1, "[1].identityPolicies[0].Statement[0].Effect".to_string())),
            Ok(Decision::ExplicitlyDenied),
            Err((3, "[3].request.action".to_string())),
            Err((4, "[4].identityPolicies[0].Statement".to_string())),
        ]
    );
    assert_eq!(simulation.outcomes().count(), 2);
    assert_eq!(simulation.invalid().count(), 3);
}

#[test]
fn json_output_has_an_error_object_in_the_invalid_case_s_place() {
    let simulation = simulate_text(&batch()).unwrap();
    let out: Value = serde_json::from_str(&render::json(&simulation)).unwrap();
    let items = out.as_array().expect("an array for a batch");
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["decision"], "Allowed");
    assert_eq!(items[2]["decision"], "ExplicitlyDenied");
    assert_eq!(
        items[3],
        json!({"index": 3, "error": {"path": "[3].request.action",
            "message": "\"GetObject\" is not an action (expected service:Action)"}})
    );
    assert_eq!(items[1]["index"], 1);
    assert_eq!(
        items[1]["error"]["path"],
        "[1].identityPolicies[0].Statement[0].Effect"
    );
    assert!(items[1].get("decision").is_none());
}

#[test]
fn human_output_marks_the_invalid_cases_and_counts_them() {
    let simulation = simulate_text(&batch()).unwrap();
    let text = render::human(&simulation);
    assert!(text.starts_with("case [0]: Allowed\n"), "{text}");
    assert!(
        text.contains(
            "case [3]: invalid, not evaluated\n  at [3].request.action: \"GetObject\" is not an action (expected service:Action)\n"
        ),
        "{text}"
    );
    assert!(text.contains("\ncase [2]: ExplicitlyDenied\n"), "{text}");
    assert!(
        text.ends_with("\n5 case(s): 1 allowed, 1 denied, 3 invalid"),
        "{text}"
    );
}

#[test]
fn a_single_invalid_case_and_broken_json_stay_input_errors() {
    let mut single = case(allow());
    single["request"]["action"] = json!("GetObject");
    assert_eq!(
        simulate_text(&single.to_string()).unwrap_err(),
        InputError::Case {
            index: 0,
            path: "request.action".into(),
            message: "\"GetObject\" is not an action (expected service:Action)".into(),
        }
    );
    let truncated = &batch()[..40];
    assert!(matches!(
        simulate_text(truncated),
        Err(InputError::Json { .. })
    ));
    // A valid single case is still one object.
    let one = simulate_text(&case(allow()).to_string()).unwrap();
    assert!(!one.batch);
    let out: Value = serde_json::from_str(&render::json(&one)).unwrap();
    assert_eq!(out["decision"], "Allowed");
}
