//! Property tests: no input makes the policy engine panic.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use zetl_core::policy::{
    evaluate, ContextValue, NamedPolicy, PolicyDocument, PolicySet, Principal, Request,
    RequestContext, ResourcePolicyKind,
};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Allow"),
            Just("Deny"),
            Just("*"),
            Just("s3:Get*"),
            Just("arn:aws:s3:::b/*"),
            Just("2012-10-17"),
            Just("2008-10-17"),
            Just("${aws:username}"),
            Just("${"),
            Just("123456789012"),
            Just("glue.amazonaws.com"),
            Just("arn:aws:iam::123456789012:root"),
            Just("%7B%22"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        let key = prop_oneof![
            Just("Version"),
            Just("Statement"),
            Just("Effect"),
            Just("Action"),
            Just("NotAction"),
            Just("Resource"),
            Just("NotResource"),
            Just("Principal"),
            Just("NotPrincipal"),
            Just("Condition"),
            Just("Sid"),
            Just("AWS"),
            Just("Service"),
            Just("StringLike"),
            Just("ForAllValues:StringEquals"),
            Just("NumericLessThan"),
            Just("IpAddress"),
            Just("Null"),
            Just("DateGreaterThan"),
            Just("BinaryEquals"),
            Just("ArnLike"),
            Just("BoolIfExists"),
            Just("aws:SourceArn"),
            Just("x"),
        ]
        .prop_map(str::to_string);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn arb_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        "[a-z0-9:/*?$.{}-]{0,24}",
        "arn:aws:[a-z*]{1,6}:[a-z0-9*-]{0,10}:[0-9*]{0,12}:[a-z/*?${}:]{0,16}",
        Just("arn:aws:s3:::bucket/${aws:username}/*".to_string()),
        Just("arn:aws:iam::${aws:PrincipalAccount}:role/*".to_string()),
    ]
}

fn arb_condition() -> impl Strategy<Value = Value> {
    let op = prop_oneof![
        Just("StringEquals"),
        Just("StringNotEquals"),
        Just("StringEqualsIgnoreCase"),
        Just("StringLike"),
        Just("StringNotLikeIfExists"),
        Just("NumericLessThan"),
        Just("NumericNotEquals"),
        Just("DateLessThanEquals"),
        Just("Bool"),
        Just("BinaryEquals"),
        Just("IpAddress"),
        Just("NotIpAddress"),
        Just("ArnEquals"),
        Just("ArnNotLike"),
        Just("Null"),
        Just("ForAllValues:StringLike"),
        Just("ForAnyValue:StringNotEquals"),
    ];
    let key = prop_oneof![
        Just("aws:SourceArn"),
        Just("aws:SourceAccount"),
        Just("aws:TagKeys"),
        Just("k")
    ];
    let values = prop::collection::vec(
        prop_oneof![arb_pattern(), "[0-9.:/]{0,16}", Just("true".to_string())],
        1..3,
    );
    prop::collection::vec((op, key, values), 0..3).prop_map(|cs| {
        let mut m = Map::new();
        for (op, key, values) in cs {
            let entry = m.entry(op.to_string()).or_insert_with(|| json!({}));
            entry[key] = json!(values);
        }
        Value::Object(m)
    })
}

fn arb_statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        prop::collection::vec(arb_pattern(), 1..3),
        any::<bool>(),
        prop::option::of(prop::collection::vec(arb_pattern(), 1..3)),
        any::<bool>(),
        prop::option::of(prop_oneof![
            Just(json!("*")),
            Just(json!({"AWS": "123456789012"})),
            Just(json!({"AWS": ["arn:aws:iam::123456789012:role/r", "*"]})),
            Just(json!({"Service": "glue.amazonaws.com"})),
            Just(json!({"AWS": "arn:aws:sts::123456789012:assumed-role/r/s"})),
        ]),
        any::<bool>(),
        arb_condition(),
    )
        .prop_map(
            |(
                deny,
                actions,
                not_action,
                resources,
                not_resource,
                principal,
                not_principal,
                condition,
            )| {
                let mut s = Map::new();
                s.insert("Effect".into(), json!(if deny { "Deny" } else { "Allow" }));
                s.insert(
                    (if not_action { "NotAction" } else { "Action" }).into(),
                    json!(actions),
                );
                if let Some(r) = resources {
                    s.insert(
                        (if not_resource {
                            "NotResource"
                        } else {
                            "Resource"
                        })
                        .into(),
                        json!(r),
                    );
                }
                if let Some(p) = principal {
                    s.insert(
                        (if not_principal {
                            "NotPrincipal"
                        } else {
                            "Principal"
                        })
                        .into(),
                        p,
                    );
                }
                s.insert("Condition".into(), condition);
                Value::Object(s)
            },
        )
}

fn arb_policy() -> impl Strategy<Value = Value> {
    (any::<bool>(), prop::collection::vec(arb_statement(), 0..4)).prop_map(|(new, statements)| {
        json!({"Version": if new { "2012-10-17" } else { "2008-10-17" }, "Statement": statements})
    })
}

fn arb_principal() -> impl Strategy<Value = Principal> {
    prop_oneof![
        Just("*"),
        Just("123456789012"),
        Just("arn:aws:iam::123456789012:user/alice"),
        Just("arn:aws:iam::123456789012:role/r"),
        Just("arn:aws:sts::123456789012:assumed-role/r/s"),
        Just("arn:aws:sts::210987654321:federated-user/bob"),
        Just("glue.amazonaws.com"),
    ]
    .prop_map(|s| Principal::parse(s).expect("valid principal"))
}

fn arb_context() -> impl Strategy<Value = RequestContext> {
    (
        prop::collection::vec(
            (
                prop_oneof![
                    Just("aws:SourceArn"),
                    Just("aws:SourceAccount"),
                    Just("aws:TagKeys"),
                    Just("K"),
                    Just("aws:username")
                ],
                prop_oneof![
                    "[a-z0-9:/*.-]{0,20}".prop_map(ContextValue::Single),
                    prop::collection::vec("[a-z0-9]{0,4}", 0..3).prop_map(ContextValue::Multi),
                ],
            ),
            0..4,
        ),
        any::<bool>(),
    )
        .prop_map(|(kvs, unknown)| {
            let mut c = RequestContext::new();
            for (k, v) in kvs {
                c.insert(k, v);
            }
            c.missing_keys_unknown(unknown)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn from_value_never_panics(v in arb_json()) {
        let _ = PolicyDocument::from_value(&v);
    }

    #[test]
    fn parse_never_panics(s in ".{0,200}") {
        let _ = PolicyDocument::parse(&s);
        let _ = Principal::parse(&s);
    }

    #[test]
    fn parse_of_serialized_json_agrees_with_from_value(v in arb_json()) {
        let text = v.to_string();
        let a = PolicyDocument::parse(&text).map_err(|e| e.path);
        let b = PolicyDocument::from_value(&v).map_err(|e| e.path);
        // A top-level string is decoded once more by both; otherwise both see the same JSON.
        prop_assert_eq!(a, b);
    }

    #[test]
    fn evaluate_never_panics(
        identity in prop::collection::vec(arb_policy(), 0..3),
        resource in prop::option::of(arb_policy()),
        boundary in prop::option::of(arb_policy()),
        kind in prop_oneof![Just(ResourcePolicyKind::Generic), Just(ResourcePolicyKind::RoleTrust), Just(ResourcePolicyKind::KmsKey)],
        principal in arb_principal(),
        action in prop_oneof![Just("s3:GetObject".to_string()), Just("sts:AssumeRole".to_string()), "[a-z]{1,5}:[A-Za-z*]{0,8}"],
        res in arb_pattern(),
        account in prop::option::of(prop_oneof![Just("123456789012".to_string()), Just("210987654321".to_string())]),
        context in arb_context(),
    ) {
        // Every generated policy is valid grammar: it must parse.
        let parse = |v: &Value| PolicyDocument::from_value(v).map_err(|e| format!("{e} in {v}"));
        let identity: Vec<PolicyDocument> = identity.iter().map(parse).collect::<Result<_, _>>().map_err(TestCaseError::fail)?;
        let resource = resource.as_ref().map(parse).transpose().map_err(TestCaseError::fail)?;
        let boundary = boundary.as_ref().map(parse).transpose().map_err(TestCaseError::fail)?;
        let set = PolicySet {
            identity: identity.iter().map(|d| NamedPolicy::new("id", d)).collect(),
            resource: resource.as_ref().map(|d| NamedPolicy::new("res", d)),
            resource_kind: kind,
            boundary: boundary.as_ref().map(|d| NamedPolicy::new("pb", d)),
        };
        let request = Request { principal, action, resource: res, resource_account: account, context };
        let e = evaluate(&request, &set);
        prop_assert!(!e.explanation.is_empty());
        prop_assert!(e.near_misses.len() <= 5);
        prop_assert!(serde_json::to_string(&e).is_ok());
    }
}
