//! `zetl policy simulate` end to end: input forms, output shapes, exit codes, error paths.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const OBJECT: &str = "arn:aws:s3:::lake-bucket/data/part-0.parquet";

fn zetl() -> Command {
    Command::cargo_bin("zetl").expect("the zetl binary is built for integration tests")
}

fn allow_get_object() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lake-bucket/*"}
    ]})
}

fn get_object_case(identity: Value) -> Value {
    json!({
        "request": {"principal": ALICE, "action": "s3:GetObject", "resource": OBJECT,
                    "resourceAccount": "111111111111"},
        "identityPolicies": [identity]
    })
}

fn run_json(input: &Value) -> (Value, i32) {
    let out = zetl()
        .args(["policy", "simulate", "--format", "json"])
        .write_stdin(input.to_string())
        .output()
        .expect("zetl runs");
    let code = out.status.code().expect("exit code");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    let value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (value, code)
}

fn decisions(out: &Value) -> Vec<&str> {
    out.as_array()
        .expect("an array for an array input")
        .iter()
        .map(|o| o["decision"].as_str().expect("decision is a string"))
        .collect()
}

#[test]
fn single_case_from_a_file_gives_one_object() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.json");
    std::fs::write(&file, get_object_case(allow_get_object()).to_string()).unwrap();
    let out = zetl()
        .args(["policy", "simulate", "--format", "json", "--input"])
        .arg(&file)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["decision"], "Allowed");
    assert_eq!(
        v["deciding"],
        json!([{"policy": "identityPolicies[0]", "index": 0, "sid": "Read", "effect": "Allow"}])
    );
    assert!(
        v["explanation"][0]
            .as_str()
            .unwrap()
            .contains("identityPolicies[0] statement 0"),
        "{v}"
    );
}

#[test]
fn array_gives_array_in_the_same_order() {
    let deny = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]});
    let mut insecure = get_object_case(deny);
    insecure["request"]["context"] = json!({"aws:SecureTransport": false});
    let nothing = get_object_case(json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
    ]}));
    let (out, code) = run_json(&json!([
        get_object_case(allow_get_object()),
        insecure,
        nothing
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        decisions(&out),
        ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]
    );
    assert_eq!(
        out[1]["deciding"],
        json!([{"policy": "identityPolicies[0]", "index": 1, "sid": null, "effect": "Deny"}])
    );
    // A near miss names the statement that came closest and why it did not apply.
    assert_eq!(out[2]["nearMisses"][0]["statement"]["index"], 0);
}

#[test]
fn stdin_is_the_default_input() {
    zetl()
        .args(["policy", "simulate", "--format", "json"])
        .write_stdin(json!([get_object_case(allow_get_object())]).to_string())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"decision\": \"Allowed\""));
}

#[test]
fn policies_as_json_strings_and_url_encoded_strings() {
    let text = allow_get_object().to_string();
    let encoded: String =
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    assert!(encoded.starts_with("%7B"));
    let (out, code) = run_json(&json!([
        get_object_case(Value::String(text)),
        get_object_case(Value::String(encoded.clone())),
    ]));
    assert_eq!(code, 0);
    assert_eq!(decisions(&out), ["Allowed", "Allowed"]);

    // The same encoding as a resource policy for an anonymous caller.
    let public = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lake-bucket/*"}
    ]})
    .to_string();
    let public = percent_encoding::utf8_percent_encode(&public, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let (out, _) = run_json(&json!({
        "request": {"principal": "*", "action": "s3:GetObject", "resource": OBJECT,
                    "resourceAccount": "111111111111"},
        "resourcePolicy": public
    }));
    assert_eq!(out["decision"], "Allowed");
    assert_eq!(out["resourcePolicyKind"], "Generic");
}

#[test]
fn invalid_case_exits_2_naming_file_index_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cases.json");
    let good = get_object_case(allow_get_object());
    let mut broken = good.clone();
    broken["resourcePolicy"] = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Permit", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    ]});
    std::fs::write(
        &file,
        json!([good.clone(), good.clone(), good, broken]).to_string(),
    )
    .unwrap();
    let expected = format!(
        "zetl: {}: case [3]: at resourcePolicy.Statement[0].Effect: ",
        file.display()
    );
    // The valid cases are still decided and printed; the invalid one is marked in its place.
    zetl()
        .args(["policy", "simulate", "--input"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout(predicate::str::starts_with("case [0]: Allowed\n"))
        .stdout(predicate::str::contains(
            "case [3]: invalid, not evaluated\n  at [3].resourcePolicy.Statement[0].Effect: ",
        ))
        .stdout(predicate::str::ends_with(
            "4 case(s): 3 allowed, 0 denied, 1 invalid\n",
        ))
        .stderr(predicate::str::starts_with(expected));
    let out = zetl()
        .args(["policy", "simulate", "--format", "json", "--input"])
        .arg(&file)
        .output()
        .expect("zetl runs");
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[2]["decision"], "Allowed");
    assert_eq!(v[3]["index"], 3);
    assert_eq!(
        v[3]["error"]["path"],
        "[3].resourcePolicy.Statement[0].Effect"
    );
}

#[test]
fn invalid_request_fields_and_malformed_json_exit_2() {
    let mut bad_context = get_object_case(allow_get_object());
    bad_context["request"]["context"] = json!({"aws:SourceIp": null});
    zetl()
        .args(["policy", "simulate"])
        .write_stdin(json!([bad_context]).to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "zetl: <stdin>: case [0]: at request.context[\"aws:SourceIp\"]: ",
        ));
    zetl()
        .args(["policy", "simulate"])
        .write_stdin("[{\"request\": ")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "zetl: <stdin>: invalid JSON at line 1",
        ));
    zetl()
        .args(["policy", "simulate", "--input", "/nonexistent/cases.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "zetl: /nonexistent/cases.json: cannot read",
        ));
}

#[test]
fn missing_context_keys_follow_aws_rules_not_unknown() {
    let with_condition = |op: &str| {
        get_object_case(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {op: {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
        ]}))
    };
    let (out, code) = run_json(&json!([
        with_condition("StringEquals"),
        with_condition("StringNotEquals"),
        with_condition("StringEqualsIfExists"),
        with_condition("ForAnyValue:StringEquals"),
        with_condition("ForAllValues:StringEquals"),
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        decisions(&out),
        [
            "ImplicitlyDenied",
            "Allowed",
            "Allowed",
            "ImplicitlyDenied",
            "Allowed"
        ]
    );
}

#[test]
fn role_trust_policy_must_grant_assume_role_itself() {
    let role = "arn:aws:iam::111111111111:role/etl";
    let identity = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}
    ]});
    let trust = |principal: Value| {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
        ]})
    };
    let case = |trust: Value| {
        json!({
            "request": {"principal": ALICE, "action": "sts:AssumeRole", "resource": role},
            "identityPolicies": [identity],
            "resourcePolicy": trust
        })
    };
    let (out, code) = run_json(&json!([
        case(trust(json!({"Service": "glue.amazonaws.com"}))),
        case(trust(json!({"AWS": "arn:aws:iam::111111111111:root"}))),
    ]));
    assert_eq!(code, 0);
    // Same account, identity allows, but the trust policy does not: a role trust policy must
    // allow the caller itself (a generic resource policy would not be needed).
    assert_eq!(decisions(&out), ["ImplicitlyDenied", "Allowed"]);
    assert_eq!(out[0]["resourcePolicyKind"], "RoleTrust");
}

#[test]
fn human_format_prints_one_block_per_case_and_a_summary() {
    zetl()
        .args(["policy", "simulate", "--format", "human"])
        .write_stdin(json!([get_object_case(allow_get_object())]).to_string())
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "case [0]: Allowed\n  s3:GetObject on ",
        ))
        .stdout(predicate::str::ends_with(
            "1 case(s): 1 allowed, 0 denied\n",
        ));
}

#[test]
fn kms_key_without_key_policy_grants_nothing() {
    let key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let (out, code) = run_json(&json!({
        "request": {"principal": ALICE, "action": "kms:Decrypt", "resource": key},
        "identityPolicies": [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
        ]}]
    }));
    assert_eq!(code, 0);
    // The identity policy alone is not enough: only a key policy can open a KMS key.
    assert_eq!(out["decision"], "ImplicitlyDenied");
    assert_eq!(out["resourcePolicyKind"], "KmsKey");
    let explanation: Vec<&str> = out["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        explanation.contains(
            &"no key policy was given: only the key policy can allow access to a KMS key"
        ),
        "{explanation:?}"
    );
}

/// The engine's explanations follow the language: Japanese on a Japanese locale in the human
/// format or with `--lang ja`; the JSON stays English under that locale unless `--lang` asks.
#[test]
fn explanations_follow_the_language_and_json_stays_english() {
    let case = get_object_case(json!({"Version": "2012-10-17", "Statement": []}));
    let simulate = |args: &[&str]| {
        let out = zetl()
            .env_remove("LC_MESSAGES")
            .env("LC_ALL", "ja_JP.UTF-8")
            .args(["policy", "simulate"])
            .args(args)
            .write_stdin(case.to_string())
            .output()
            .expect("zetl runs");
        String::from_utf8(out.stdout).expect("utf-8 output")
    };
    let denied_en = "is not allowed for";
    let denied_ja = "許可されていません";
    let human = simulate(&["--format", "human"]);
    assert!(human.contains(denied_ja), "{human}");
    let json = simulate(&["--format", "json"]);
    assert!(
        json.contains(denied_en) && !json.contains(denied_ja),
        "{json}"
    );
    let json_ja = simulate(&["--format", "json", "--lang", "ja"]);
    assert!(json_ja.contains(denied_ja), "{json_ja}");
}
