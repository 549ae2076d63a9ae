//! Seeded generation of `zetl policy simulate` cases: a request in the small world of
//! `world.rs`, identity policies, a resource policy, a permission boundary, with every
//! condition operator family. Each case carries tags saying what it exercises (exclusions
//! and the coverage check use them).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::rng::Rng;
use super::world::{
    caller, Caller, Key, KeyType, Kind, PrincipalKind, Scenario, ACCOUNTS, AWS_RULE_SCENARIOS,
    GLOBAL_KEYS, OWNER, PARTNER, PRINCIPAL_ARN_PATTERNS, SCENARIOS,
};

pub struct Generated {
    pub case: Value,
    pub tags: BTreeSet<String>,
}

/// Everything one case is built from.
struct Draft<'a> {
    rng: &'a mut Rng,
    scenario: &'static Scenario,
    caller: Caller,
    action: &'static str,
    /// Keys conditions may test: the scenario's and the global ones, plus the caller's.
    keys: Vec<Key>,
    /// Keys present in the request context.
    present: Vec<&'static str>,
    tags: BTreeSet<String>,
}

const PRINCIPAL_KEYS: &[Key] = &[
    Key {
        name: "aws:PrincipalArn",
        ty: KeyType::Arn,
        request_values: &[],
        policy_values: PRINCIPAL_ARN_PATTERNS,
        only: &[],
    },
    Key {
        name: "aws:PrincipalAccount",
        ty: KeyType::Str,
        request_values: &[],
        policy_values: &["111111111111", "222222222222", "11111111111?", "*"],
        only: &[],
    },
    Key {
        name: "aws:username",
        ty: KeyType::Str,
        request_values: &[],
        policy_values: &["alice", "bob", "a*"],
        only: &[],
    },
];

pub fn generate(seed: u64, count: usize) -> Vec<Generated> {
    let mut rng = Rng::new(seed);
    (0..count).map(|_| one_case(&mut rng)).collect()
}

fn pick_kind(rng: &mut Rng, scenario: &Scenario) -> PrincipalKind {
    let roll = rng.below(100);
    let kind = match roll {
        0..=21 => PrincipalKind::User,
        22..=39 => PrincipalKind::Role,
        40..=59 => PrincipalKind::Session,
        60..=67 => PrincipalKind::Root,
        68..=87 => PrincipalKind::Service,
        _ => PrincipalKind::Anonymous,
    };
    match kind {
        PrincipalKind::Service if scenario.services.is_empty() => PrincipalKind::User,
        // Anonymous callers reach no IAM or STS API; in their place the root user asks to
        // assume the role more often (AWS refuses it, a rule zetl applies above the policies).
        PrincipalKind::Anonymous if scenario.kind == Kind::RoleTrust => PrincipalKind::Root,
        PrincipalKind::Anonymous if scenario.name.starts_with("iam") => PrincipalKind::Role,
        k => k,
    }
}

fn one_case(rng: &mut Rng) -> Generated {
    let scenario = if rng.chance(12) {
        rng.pick(AWS_RULE_SCENARIOS)
    } else {
        rng.pick(SCENARIOS)
    };
    let kind = pick_kind(rng, scenario);
    let account = match rng.below(100) {
        0..=54 => OWNER,
        55..=89 => PARTNER,
        _ => ACCOUNTS[2],
    };
    let variant = rng.below(3);
    let service = if scenario.services.is_empty() {
        "glue.amazonaws.com"
    } else {
        *rng.pick(scenario.services)
    };
    let caller = caller(kind, account, variant, service);
    let action = *rng.pick(scenario.actions);
    let mut tags = BTreeSet::new();
    tags.insert(format!("scenario:{}", scenario.name));
    tags.insert(kind.tag().to_string());
    if kind == PrincipalKind::Session && caller.role_arn.as_deref().is_some_and(has_path) {
        tags.insert("session-role-path".to_string());
    }
    tags.insert(
        match &caller.account {
            Some(a) if a == OWNER => "account:same",
            Some(_) => "account:cross",
            None => "account:none",
        }
        .to_string(),
    );
    tags.insert(
        match scenario.kind {
            Kind::Generic => "kind:generic",
            Kind::RoleTrust => "kind:role-trust",
            Kind::KmsKey => "kind:kms-key",
        }
        .to_string(),
    );
    let mut keys: Vec<Key> = GLOBAL_KEYS
        .iter()
        .chain(scenario.keys)
        .filter(|k| k.only.is_empty() || k.only.contains(&action))
        .copied()
        .collect();
    if caller.principal_arn.is_some() {
        keys.extend_from_slice(&PRINCIPAL_KEYS[..2]);
    }
    if caller.user_name.is_some() {
        keys.push(PRINCIPAL_KEYS[2]);
    }
    let mut d = Draft {
        rng,
        scenario,
        caller,
        action,
        keys,
        present: Vec::new(),
        tags,
    };
    let context = d.context();
    let mut request = json!({
        "principal": d.caller.principal,
        "action": action,
        "resource": scenario.resource,
    });
    if let Some(a) = scenario.resource_account {
        request["resourceAccount"] = json!(a);
    }
    if !context.is_empty() {
        request["context"] = Value::Object(context);
    }
    let mut case = json!({ "request": request });
    if kind.is_iam_identity() && !d.rng.chance(8) {
        let count = 1 + d.rng.below(2);
        let policies: Vec<Value> = (0..count).map(|_| d.identity_policy()).collect();
        case["identityPolicies"] = Value::Array(policies);
    }
    if d.rng.chance(scenario.resource_policy_percent) {
        d.tags.insert("resource-policy".into());
        case["resourcePolicy"] = d.resource_policy();
    } else {
        d.tags.insert("no-resource-policy".into());
    }
    if kind.is_iam_identity() && d.rng.chance(25) {
        d.tags.insert("boundary".into());
        case["permissionBoundary"] = d.boundary();
    }
    Generated { case, tags: d.tags }
}

/// One value or a list of them, the two ways policies write a set.
fn one_or_many(rng: &mut Rng, values: Vec<String>) -> Value {
    if values.len() == 1 && rng.chance(70) {
        Value::String(values[0].clone())
    } else {
        json!(values)
    }
}

impl Draft<'_> {
    /// The request context: what AWS sends about the caller, then a random subset of the
    /// scenario's keys.
    fn context(&mut self) -> Map<String, Value> {
        let mut ctx = Map::new();
        let put = |ctx: &mut Map<String, Value>,
                   present: &mut Vec<&'static str>,
                   k: &'static str,
                   v: Value| {
            ctx.insert(k.to_string(), v);
            present.push(k);
        };
        if let Some(arn) = self.caller.principal_arn.clone() {
            put(&mut ctx, &mut self.present, "aws:PrincipalArn", json!(arn));
            let account = self.caller.account.clone().unwrap_or_default();
            put(
                &mut ctx,
                &mut self.present,
                "aws:PrincipalAccount",
                json!(account),
            );
        }
        if let Some(name) = self.caller.user_name.clone() {
            put(&mut ctx, &mut self.present, "aws:username", json!(name));
        }
        for name in self.scenario.always {
            let k = *self
                .keys
                .iter()
                .find(|k| k.name == *name)
                .expect("an always-present key is one of the scenario's keys");
            let v = match k.ty {
                KeyType::Multi => json!(k.request_values),
                _ => json!(k.request_values[0]),
            };
            put(&mut ctx, &mut self.present, k.name, v);
        }
        if self.caller.service.is_some() {
            if self.rng.chance(80) {
                let a = *self.rng.pick(&ACCOUNTS);
                put(&mut ctx, &mut self.present, "aws:SourceAccount", json!(a));
            }
            if self.rng.chance(70) {
                let arn = *self.rng.pick(GLOBAL_KEYS[1].request_values);
                put(&mut ctx, &mut self.present, "aws:SourceArn", json!(arn));
            }
        }
        let candidates: Vec<Key> = self
            .keys
            .iter()
            .filter(|k| !k.request_values.is_empty() && !ctx.contains_key(k.name))
            .copied()
            .collect();
        for k in candidates {
            if !self.rng.chance(30) {
                continue;
            }
            let v = match k.ty {
                // Never an empty set: AWS sends no key at all then.
                KeyType::Multi => json!(self.rng.some_of(k.request_values, 3)),
                // JSON booleans and numbers are accepted as well as strings.
                KeyType::Bool if self.rng.chance(50) => {
                    json!(*self.rng.pick(k.request_values) == "true")
                }
                KeyType::Num if self.rng.chance(30) => {
                    let text = *self.rng.pick(k.request_values);
                    serde_json::from_str::<Value>(text).unwrap_or_else(|_| json!(text))
                }
                _ => json!(*self.rng.pick(k.request_values)),
            };
            put(&mut ctx, &mut self.present, k.name, v);
        }
        ctx
    }

    fn key_values(&mut self, k: &Key) -> Vec<String> {
        let mut pool: Vec<String> = k.policy_values.iter().map(|s| s.to_string()).collect();
        // Conditions on the caller's own identity should sometimes hold.
        match k.name {
            "aws:PrincipalArn" => pool.extend(self.caller.principal_arn.clone()),
            "aws:PrincipalAccount" => pool.extend(self.caller.account.clone()),
            _ => {}
        }
        let n = if self.rng.chance(70) { 1 } else { 2 };
        self.rng.some_of(&pool, n)
    }

    /// One condition: operator name, key, values.
    fn condition(&mut self) -> (String, &'static str, Value) {
        // Half the time test a key the request carries, so conditions are really evaluated.
        let key = if !self.present.is_empty() && self.rng.chance(50) {
            let name = *self.rng.pick(&self.present);
            *self
                .keys
                .iter()
                .find(|k| k.name == name)
                .unwrap_or(&self.keys[0])
        } else {
            *self.rng.pick(&self.keys)
        };
        if self.rng.chance(8) {
            self.tags.insert("op:Null".into());
            let v = if self.rng.chance(50) { "true" } else { "false" };
            return ("Null".into(), key.name, json!(v));
        }
        let (ops, set_op): (&[&str], Option<&str>) = match key.ty {
            KeyType::Str if self.rng.chance(6) => (&["BinaryEquals"], None),
            KeyType::Str => (
                &[
                    "StringEquals",
                    "StringNotEquals",
                    "StringEqualsIgnoreCase",
                    "StringNotEqualsIgnoreCase",
                    "StringLike",
                    "StringNotLike",
                ],
                // Set operators on a single-valued key treat it as a set of one.
                if self.rng.chance(10) {
                    Some(*self.rng.pick(&["ForAnyValue", "ForAllValues"]))
                } else {
                    None
                },
            ),
            KeyType::Arn => (
                &[
                    "ArnEquals",
                    "ArnLike",
                    "ArnNotEquals",
                    "ArnNotLike",
                    "StringEquals",
                    "StringLike",
                ],
                None,
            ),
            KeyType::Date | KeyType::Epoch => (
                &[
                    "DateEquals",
                    "DateNotEquals",
                    "DateLessThan",
                    "DateLessThanEquals",
                    "DateGreaterThan",
                    "DateGreaterThanEquals",
                ],
                None,
            ),
            KeyType::Bool => (&["Bool"], None),
            KeyType::Num => (
                &[
                    "NumericEquals",
                    "NumericNotEquals",
                    "NumericLessThan",
                    "NumericLessThanEquals",
                    "NumericGreaterThan",
                    "NumericGreaterThanEquals",
                ],
                None,
            ),
            KeyType::Ip => (&["IpAddress", "NotIpAddress"], None),
            KeyType::Multi => (
                &[
                    "StringEquals",
                    "StringLike",
                    "StringNotEquals",
                    "StringNotLike",
                    "StringEqualsIgnoreCase",
                ],
                Some(*self.rng.pick(&["ForAnyValue", "ForAllValues"])),
            ),
        };
        let base = *self.rng.pick(ops);
        self.tags.insert(format!("op:{}", family_of(base)));
        let mut op = String::new();
        if let Some(s) = set_op {
            self.tags.insert(format!("set:{s}"));
            op.push_str(s);
            op.push(':');
        }
        op.push_str(base);
        if self.rng.chance(20) {
            self.tags.insert("ifexists".into());
            op.push_str("IfExists");
        }
        if set_op.is_some() && op.ends_with("IfExists") && !self.present.contains(&key.name) {
            self.tags.insert("set-ifexists-missing-key".into());
        }
        let mut values = self.key_values(&key);
        if key.ty == KeyType::Date && self.rng.chance(5) {
            // The same instant written as epoch seconds: AWS accepts both forms.
            self.tags.insert("date:mixed-format".into());
            values = vec!["1764324000".to_string()];
        }
        if values.iter().any(|v| v.contains("${")) {
            self.tags.insert("var".into());
        }
        (op, key.name, one_or_many(self.rng, values))
    }

    fn conditions(&mut self) -> Option<Value> {
        let n = match self.rng.below(100) {
            0..=54 => 0,
            55..=87 => 1,
            _ => 2,
        };
        if n == 0 {
            return None;
        }
        let mut block = Map::new();
        for _ in 0..n {
            let (op, key, values) = self.condition();
            let entry = block.entry(op).or_insert_with(|| json!({}));
            if let Value::Object(m) = entry {
                m.entry(key.to_string()).or_insert(values);
            }
        }
        Some(Value::Object(block))
    }

    fn action_element(&mut self, statement: &mut Map<String, Value>, biased: bool) {
        if biased {
            statement.insert("Action".into(), json!(self.action));
            return;
        }
        let actions: Vec<String> = self
            .rng
            .some_of(self.scenario.action_patterns, 2)
            .into_iter()
            .map(str::to_string)
            .collect();
        if self.rng.chance(12) {
            self.tags.insert("notaction".into());
            let one = vec![actions[0].clone()];
            let v = one_or_many(self.rng, one);
            statement.insert("NotAction".into(), v);
        } else {
            let v = one_or_many(self.rng, actions);
            statement.insert("Action".into(), v);
        }
    }

    fn resource_element(&mut self, statement: &mut Map<String, Value>, biased: bool) {
        if biased {
            let r = if self.rng.chance(50) {
                "*"
            } else {
                self.scenario.resource
            };
            statement.insert("Resource".into(), json!(r));
            return;
        }
        let mut resources: Vec<String> = self
            .rng
            .some_of(self.scenario.resource_patterns, 2)
            .into_iter()
            .map(str::to_string)
            .collect();
        if !self.scenario.var_resources.is_empty() && self.rng.chance(15) {
            let pattern = *self.rng.pick(self.scenario.var_resources);
            self.tags.insert("var".into());
            if variable_before_fifth_colon(pattern) {
                // AWS: literal text there, so the entry matches nothing.
                self.tags.insert("var-arn-prefix".into());
            } else if pattern.contains("${aws:username}") && self.caller.user_name.is_none() {
                // No value for the variable: the entry matches no resource.
                self.tags.insert("var-unresolved".into());
            }
            resources = vec![pattern.to_string()];
        }
        if self.rng.chance(10) {
            self.tags.insert("notresource".into());
            let v = one_or_many(self.rng, resources);
            statement.insert("NotResource".into(), v);
        } else {
            let v = one_or_many(self.rng, resources);
            statement.insert("Resource".into(), v);
        }
    }

    fn effect(&mut self, deny_percent: u32) -> &'static str {
        if self.rng.chance(deny_percent) {
            self.tags.insert("deny".into());
            "Deny"
        } else {
            "Allow"
        }
    }

    fn identity_policy(&mut self) -> Value {
        let n = 1 + self.rng.below(3);
        let statements: Vec<Value> = (0..n)
            .map(|i| {
                let mut s = Map::new();
                if self.rng.chance(30) {
                    s.insert("Sid".into(), json!(format!("S{i}")));
                }
                let biased = i == 0 && self.rng.chance(50);
                let effect = if biased { "Allow" } else { self.effect(22) };
                s.insert("Effect".into(), json!(effect));
                self.action_element(&mut s, biased);
                self.resource_element(&mut s, biased);
                if let Some(c) = self.conditions() {
                    s.insert("Condition".into(), c);
                }
                Value::Object(s)
            })
            .collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn boundary(&mut self) -> Value {
        let n = 1 + self.rng.below(2);
        let statements: Vec<Value> = (0..n)
            .map(|_| {
                let mut s = Map::new();
                let effect = self.effect(15);
                s.insert("Effect".into(), json!(effect));
                let biased = self.rng.chance(40);
                self.action_element(&mut s, biased);
                self.resource_element(&mut s, biased);
                if self.rng.chance(50) {
                    if let Some(c) = self.conditions() {
                        s.insert("Condition".into(), c);
                    }
                }
                Value::Object(s)
            })
            .collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    /// A Principal element value naming the caller or someone near it.
    fn principal_value(&mut self) -> Value {
        let c = &self.caller;
        let account = c.account.clone().unwrap_or_else(|| PARTNER.to_string());
        let mut options: Vec<Value> = vec![
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": format!("arn:aws:iam::{account}:root")}),
            json!({"AWS": account.clone()}),
            json!({"AWS": "arn:aws:iam::333333333333:root"}),
            json!({"AWS": "arn:aws:iam::222222222222:user/alice"}),
            json!({"Service": "glue.amazonaws.com"}),
            json!({"Service": ["sns.amazonaws.com", "s3.amazonaws.com"]}),
        ];
        if c.kind.is_iam_identity() {
            options.push(json!({"AWS": c.principal.clone()}));
            options.push(json!({"AWS": [c.principal.clone(), "arn:aws:iam::333333333333:root"]}));
        }
        if let Some(role) = &c.role_arn {
            if c.kind == PrincipalKind::Session {
                self.tags.insert("session-role-principal".into());
            }
            options.push(json!({"AWS": role.clone()}));
            if has_path(role) {
                // Only aws:PrincipalArn tells a session's role path: test that more often.
                options.push(json!({"AWS": role.clone()}));
            }
        }
        if let Some(svc) = &c.service {
            options.push(json!({"Service": svc.clone()}));
            options.push(json!({"Service": svc.clone()}));
        }
        self.rng.pick(&options).clone()
    }

    fn resource_policy(&mut self) -> Value {
        let n = 1 + self.rng.below(3);
        let statements: Vec<Value> = (0..n)
            .map(|i| {
                let mut s = Map::new();
                if self.rng.chance(40) {
                    s.insert("Sid".into(), json!(format!("R{i}")));
                }
                let effect = self.effect(20);
                s.insert("Effect".into(), json!(effect));
                let principal = self.principal_value();
                if self.rng.chance(10) {
                    self.tags.insert("notprincipal".into());
                    // NotPrincipal takes no wildcard.
                    let named = if principal.to_string().contains("\"*\"") {
                        json!({"AWS": "arn:aws:iam::333333333333:root"})
                    } else {
                        principal
                    };
                    s.insert("NotPrincipal".into(), named);
                } else {
                    s.insert("Principal".into(), principal);
                }
                let biased = self.rng.chance(45);
                self.action_element(&mut s, biased);
                match self.scenario.kind {
                    // Trust policies have no Resource element.
                    Kind::RoleTrust => {}
                    Kind::KmsKey if self.rng.chance(70) => {
                        s.insert("Resource".into(), json!("*"));
                    }
                    _ => self.resource_element(&mut s, biased),
                }
                if let Some(c) = self.conditions() {
                    s.insert("Condition".into(), c);
                }
                Value::Object(s)
            })
            .collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    }
}

/// `StringNotEqualsIgnoreCase` -> `String`, `IpAddress` -> `IpAddress`: the operator family.
fn family_of(op: &str) -> &'static str {
    for family in ["String", "Numeric", "Date", "Bool", "Binary", "Arn"] {
        if op.starts_with(family) {
            return family;
        }
    }
    if op.contains("IpAddress") {
        "IpAddress"
    } else {
        "Other"
    }
}

/// `arn:aws:iam::A:role/PATH/NAME` has a path (`service-role/`).
fn has_path(role_arn: &str) -> bool {
    role_arn
        .split_once(":role/")
        .is_some_and(|(_, rest)| rest.contains('/'))
}

fn variable_before_fifth_colon(pattern: &str) -> bool {
    pattern
        .find("${")
        .is_some_and(|at| pattern[..at].matches(':').count() < 5)
}
