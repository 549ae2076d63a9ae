//! Condition operators: parsing `"Condition": {op: {key: value(s)}}` into compiled conditions,
//! and evaluating them against a request context with AWS's missing-key rules (or as
//! `Tri::Unknown` when the caller asked for that).

use std::net::IpAddr;

use base64::Engine as _;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::context::RequestContext;
use super::document::PolicyError;
use super::matching::{ArnPattern, Pattern, VarLookup};
use super::tri::Tri;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetOp {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, PartialEq)]
enum Values {
    /// StringEquals / StringEqualsIgnoreCase / StringLike (flags carried by `Family`).
    Strings(Vec<Pattern>),
    Arns(Vec<ArnPattern>),
    Numbers(Vec<Option<f64>>),
    /// Milliseconds since the epoch.
    Dates(Vec<Option<i64>>),
    Bools(Vec<String>),
    Binary(Vec<Vec<u8>>),
    Cidrs(Vec<Option<Cidr>>),
    Null(Vec<Option<bool>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// One operator-key pair of a Condition block. Everything public is what the policy says; the
/// compiled form is private.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// As written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    /// As written, e.g. `aws:SourceArn`.
    pub key: String,
    pub values: Vec<String>,
    family: Family,
    negated: bool,
    if_exists: bool,
    set: Option<SetOp>,
    compiled: Values,
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Condition", 3)?;
        st.serialize_field("operator", &self.operator)?;
        st.serialize_field("key", &self.key)?;
        st.serialize_field("values", &self.values)?;
        st.end()
    }
}

/// The outcome of one condition, with what an explanation needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CondResult {
    pub(crate) value: Tri,
    /// The key was not in the context.
    pub(crate) missing: bool,
}

fn err(path: &str, message: impl Into<String>) -> PolicyError {
    PolicyError {
        path: path.to_string(),
        message: message.into(),
    }
}

/// Parses a base operator name (no set prefix, no IfExists suffix), case-insensitively.
fn base_operator(name: &str) -> Option<(Family, bool)> {
    let lower = name.to_ascii_lowercase();
    let f = |fam| Some((fam, false));
    let n = |fam| Some((fam, true));
    match lower.as_str() {
        "stringequals" => f(Family::StringEquals),
        "stringnotequals" => n(Family::StringEquals),
        "stringequalsignorecase" => f(Family::StringEqualsIgnoreCase),
        "stringnotequalsignorecase" => n(Family::StringEqualsIgnoreCase),
        "stringlike" => f(Family::StringLike),
        "stringnotlike" => n(Family::StringLike),
        "numericequals" => f(Family::Numeric(Cmp::Eq)),
        "numericnotequals" => n(Family::Numeric(Cmp::Eq)),
        "numericlessthan" => f(Family::Numeric(Cmp::Lt)),
        "numericlessthanequals" => f(Family::Numeric(Cmp::Le)),
        "numericgreaterthan" => f(Family::Numeric(Cmp::Gt)),
        "numericgreaterthanequals" => f(Family::Numeric(Cmp::Ge)),
        "dateequals" => f(Family::Date(Cmp::Eq)),
        "datenotequals" => n(Family::Date(Cmp::Eq)),
        "datelessthan" => f(Family::Date(Cmp::Lt)),
        "datelessthanequals" => f(Family::Date(Cmp::Le)),
        "dategreaterthan" => f(Family::Date(Cmp::Gt)),
        "dategreaterthanequals" => f(Family::Date(Cmp::Ge)),
        "bool" => f(Family::Bool),
        "binaryequals" => f(Family::Binary),
        "ipaddress" => f(Family::Ip),
        "notipaddress" => n(Family::Ip),
        // ArnEquals globs exactly like ArnLike (AWS documents them as the same).
        "arnequals" | "arnlike" => f(Family::Arn),
        "arnnotequals" | "arnnotlike" => n(Family::Arn),
        "null" => f(Family::Null),
        _ => None,
    }
}

fn value_strings(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    fn one(v: &Value, path: &str) -> Result<String, PolicyError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(err(
                path,
                "a condition value must be a string, number or boolean",
            )),
        }
    }
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| one(x, &format!("{path}[{i}]")))
            .collect(),
        other => Ok(vec![one(other, path)?]),
    }
}

/// Parses a `Condition` element. `path` is e.g. `Statement[2].Condition`.
pub(crate) fn parse_conditions(
    v: &Value,
    path: &str,
    vars: bool,
) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(ops) = v else {
        return Err(err(path, "Condition must be an object of operators"));
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        let op_path = format!("{path}.{op}");
        let (set, rest) = match op.split_once(':') {
            Some((prefix, rest)) => {
                let set = if prefix.eq_ignore_ascii_case("ForAllValues") {
                    SetOp::ForAllValues
                } else if prefix.eq_ignore_ascii_case("ForAnyValue") {
                    SetOp::ForAnyValue
                } else {
                    return Err(err(&op_path, format!("unknown condition operator {op:?} (set operators are ForAllValues: and ForAnyValue:)")));
                };
                (Some(set), rest)
            }
            None => (None, op.as_str()),
        };
        let (base, if_exists) = match rest.len().checked_sub("IfExists".len()) {
            Some(cut)
                if rest.is_char_boundary(cut) && rest[cut..].eq_ignore_ascii_case("IfExists") =>
            {
                (&rest[..cut], true)
            }
            _ => (rest, false),
        };
        let Some((family, negated)) = base_operator(base) else {
            return Err(err(&op_path, format!("unknown condition operator {op:?}")));
        };
        if family == Family::Null && (if_exists || set.is_some()) {
            return Err(err(
                &op_path,
                format!("{op:?}: Null takes neither IfExists nor a set operator"),
            ));
        }
        let Value::Object(keys) = keys else {
            return Err(err(
                &op_path,
                "a condition operator must map keys to values",
            ));
        };
        for (key, val) in keys {
            let key_path = format!("{op_path}.{key}");
            let values = value_strings(val, &key_path)?;
            let compiled = compile_values(family, &values, vars);
            out.push(Condition {
                operator: op.clone(),
                key: key.clone(),
                values,
                family,
                negated,
                if_exists,
                set,
                compiled,
            });
        }
    }
    Ok(out)
}

fn compile_values(family: Family, values: &[String], vars: bool) -> Values {
    match family {
        Family::StringEquals | Family::StringEqualsIgnoreCase => Values::Strings(
            values
                .iter()
                .map(|v| Pattern::compile(v, false, vars))
                .collect(),
        ),
        Family::StringLike => Values::Strings(
            values
                .iter()
                .map(|v| Pattern::compile(v, true, vars))
                .collect(),
        ),
        Family::Arn => Values::Arns(
            values
                .iter()
                .map(|v| ArnPattern::compile(v, vars))
                .collect(),
        ),
        Family::Numeric(_) => Values::Numbers(values.iter().map(|v| parse_number(v)).collect()),
        Family::Date(_) => Values::Dates(values.iter().map(|v| parse_date(v)).collect()),
        Family::Bool => Values::Bools(values.iter().map(|v| v.to_ascii_lowercase()).collect()),
        Family::Binary => Values::Binary(values.iter().map(|v| decode_binary(v)).collect()),
        Family::Ip => Values::Cidrs(values.iter().map(|v| Cidr::parse(v)).collect()),
        Family::Null => Values::Null(
            values
                .iter()
                .map(|v| match v.to_ascii_lowercase().as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                })
                .collect(),
        ),
    }
}

fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

fn decode_binary(s: &str) -> Vec<u8> {
    // Undecodable values compare as their raw bytes.
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap_or_else(|_| s.as_bytes().to_vec())
}

/// ISO 8601 (date, date-time with or without zone) or epoch seconds, as milliseconds.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let s = s.trim();
    if let Ok(secs) = s.parse::<i64>() {
        return secs.checked_mul(1000);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(d.and_utc().timestamp_millis());
        }
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(d.and_utc().timestamp_millis());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp_millis())
}

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub(crate) fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Cidr { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - self.prefix)
                };
                (u32::from(n) & mask) == (u32::from(a) & mask)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - self.prefix)
                };
                (u128::from(n) & mask) == (u128::from(a) & mask)
            }
            _ => false,
        }
    }
}

fn compare(c: Cmp, actual: f64, expected: f64) -> bool {
    match c {
        Cmp::Eq => actual == expected,
        Cmp::Lt => actual < expected,
        Cmp::Le => actual <= expected,
        Cmp::Gt => actual > expected,
        Cmp::Ge => actual >= expected,
    }
}

impl Condition {
    /// StringNotEquals, ArnNotLike, NotIpAddress, ...
    pub fn is_negated(&self) -> bool {
        self.negated
    }

    pub fn if_exists(&self) -> bool {
        self.if_exists
    }

    /// StringEquals-family values that contain `*` or `?`, which that family never expands.
    pub fn literal_wildcards(&self) -> bool {
        matches!(
            self.family,
            Family::StringEquals | Family::StringEqualsIgnoreCase
        ) && self
            .values
            .iter()
            .any(|v| v.contains('*') || v.contains('?'))
    }

    /// Whether one context value satisfies any policy value (before negation).
    fn any_value_matches(&self, actual: &str, vars: &dyn VarLookup) -> bool {
        match &self.compiled {
            Values::Strings(ps) => {
                let ci = self.family == Family::StringEqualsIgnoreCase;
                ps.iter().any(|p| p.matches(actual, ci, vars) == Some(true))
            }
            Values::Arns(ps) => ps.iter().any(|p| p.matches(actual, vars) == Some(true)),
            Values::Numbers(ns) => {
                let Family::Numeric(c) = self.family else {
                    return false;
                };
                parse_number(actual).is_some_and(|a| ns.iter().flatten().any(|e| compare(c, a, *e)))
            }
            Values::Dates(ds) => {
                let Family::Date(c) = self.family else {
                    return false;
                };
                parse_date(actual)
                    .is_some_and(|a| ds.iter().flatten().any(|e| compare(c, a as f64, *e as f64)))
            }
            Values::Bools(bs) => bs.iter().any(|b| b.eq_ignore_ascii_case(actual.trim())),
            Values::Binary(bs) => {
                let a = decode_binary(actual);
                bs.contains(&a)
            }
            Values::Cidrs(cs) => {
                let ip = Cidr::parse(actual).map(|c| c.addr);
                ip.is_some_and(|ip| cs.iter().flatten().any(|c| c.contains(ip)))
            }
            Values::Null(_) => false,
        }
    }

    /// The per-value predicate after negation.
    fn pred(&self, actual: &str, vars: &dyn VarLookup) -> bool {
        self.any_value_matches(actual, vars) != self.negated
    }

    pub(crate) fn evaluate(&self, ctx: &RequestContext, vars: &dyn VarLookup) -> CondResult {
        let present = ctx.get(&self.key);
        if self.family == Family::Null {
            return match present {
                None if ctx.is_missing_keys_unknown() => CondResult {
                    value: Tri::Unknown,
                    missing: true,
                },
                _ => {
                    let is_null = present.is_none_or(|v| v.values().is_empty());
                    let v = match &self.compiled {
                        Values::Null(vs) => vs.iter().flatten().any(|want| *want == is_null),
                        _ => false,
                    };
                    CondResult {
                        value: Tri::from_bool(v),
                        missing: present.is_none(),
                    }
                }
            };
        }
        let Some(value) = present else {
            if ctx.is_missing_keys_unknown() {
                return CondResult {
                    value: Tri::Unknown,
                    missing: true,
                };
            }
            // AWS's documented missing-key results.
            let v = match self.set {
                Some(SetOp::ForAllValues) => true,
                // False on a missing key, IfExists or not (AWS documents ForAnyValue as
                // false on a missing or empty key; IfExists does not rescue it).
                Some(SetOp::ForAnyValue) => false,
                None => self.if_exists || self.negated,
            };
            return CondResult {
                value: Tri::from_bool(v),
                missing: true,
            };
        };
        let actual = value.values();
        let v = match self.set {
            Some(SetOp::ForAllValues) => actual.iter().all(|a| self.pred(a, vars)),
            Some(SetOp::ForAnyValue) => actual.iter().any(|a| self.pred(a, vars)),
            None if actual.is_empty() => self.if_exists || self.negated,
            // A plain operator over a multi-valued key: positive = some value matches;
            // negated = no value matches.
            None if self.negated => actual.iter().all(|a| self.pred(a, vars)),
            None => actual.iter().any(|a| self.pred(a, vars)),
        };
        CondResult {
            value: Tri::from_bool(v),
            missing: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::context::ContextValue;
    use crate::policy::matching::NoVars;
    use serde_json::json;

    fn cond(op: &str, key: &str, vals: Value) -> Condition {
        let mut c = parse_conditions(&json!({ op: { key: vals } }), "Condition", true).unwrap();
        c.remove(0)
    }

    fn eval(c: &Condition, ctx: &RequestContext) -> Tri {
        c.evaluate(ctx, &NoVars).value
    }

    fn ctx1(key: &str, v: &str) -> RequestContext {
        RequestContext::new().with(key, v)
    }

    fn ctxm(key: &str, v: &[&str]) -> RequestContext {
        RequestContext::new().with(
            key,
            ContextValue::Multi(v.iter().map(|s| s.to_string()).collect()),
        )
    }

    #[test]
    fn string_operators() {
        let empty = RequestContext::new();
        let c = cond("StringEquals", "aws:SourceAccount", json!(["111", "222"]));
        assert_eq!(eval(&c, &ctx1("aws:sourceaccount", "222")), Tri::True);
        assert_eq!(eval(&c, &ctx1("aws:SourceAccount", "333")), Tri::False);
        assert_eq!(eval(&c, &empty), Tri::False);
        let c = cond("StringEquals", "k", json!("arn:*"));
        assert_eq!(eval(&c, &ctx1("k", "arn:aws")), Tri::False);
        assert_eq!(eval(&c, &ctx1("k", "arn:*")), Tri::True);
        assert!(c.literal_wildcards());
        let c = cond("StringNotEquals", "k", json!(["a", "b"]));
        assert_eq!(eval(&c, &ctx1("k", "c")), Tri::True);
        assert_eq!(eval(&c, &ctx1("k", "a")), Tri::False);
        assert_eq!(eval(&c, &empty), Tri::True);
        let c = cond("StringEqualsIgnoreCase", "k", json!("ABC"));
        assert_eq!(eval(&c, &ctx1("k", "abc")), Tri::True);
        assert_eq!(eval(&c, &empty), Tri::False);
        let c = cond("StringNotEqualsIgnoreCase", "k", json!("ABC"));
        assert_eq!(eval(&c, &ctx1("k", "abc")), Tri::False);
        assert_eq!(eval(&c, &empty), Tri::True);
        let c = cond("StringLike", "k", json!("arn:aws:glue:*:111:integration:*"));
        assert_eq!(
            eval(&c, &ctx1("k", "arn:aws:glue:us-east-1:111:integration:abc")),
            Tri::True
        );
        assert_eq!(
            eval(&c, &ctx1("k", "arn:aws:glue:us-east-1:222:integration:abc")),
            Tri::False
        );
        assert_eq!(eval(&c, &empty), Tri::False);
        let c = cond("StringNotLike", "k", json!("a*"));
        assert_eq!(eval(&c, &ctx1("k", "abc")), Tri::False);
        assert_eq!(eval(&c, &ctx1("k", "xbc")), Tri::True);
        assert_eq!(eval(&c, &empty), Tri::True);
    }

    #[test]
    fn numeric_date_bool_binary_ip() {
        let empty = RequestContext::new();
        let table = [
            ("NumericEquals", "10", "10", true),
            ("NumericNotEquals", "10", "10", false),
            ("NumericLessThan", "10", "9.5", true),
            ("NumericLessThanEquals", "10", "10", true),
            ("NumericGreaterThan", "10", "10", false),
            ("NumericGreaterThanEquals", "10", "10", true),
            ("NumericEquals", "10", "ten", false),
            ("DateEquals", "2020-01-01T00:00:00Z", "2020-01-01", true),
            ("DateNotEquals", "2020-01-01T00:00:00Z", "1577836800", false),
            (
                "DateLessThan",
                "2020-01-01T00:00:00Z",
                "2019-12-31T23:59:59Z",
                true,
            ),
            (
                "DateLessThanEquals",
                "2020-01-01T00:00:00Z",
                "2020-01-01T00:00:00+00:00",
                true,
            ),
            (
                "DateGreaterThan",
                "2020-01-01T00:00:00Z",
                "2020-01-01T00:00:01Z",
                true,
            ),
            (
                "DateGreaterThanEquals",
                "2020-01-01T00:00:00Z",
                "2019-01-01",
                false,
            ),
            ("Bool", "true", "TRUE", true),
            ("Bool", "false", "true", false),
            ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", true),
            ("BinaryEquals", "QmluYXJ5", "QmluYXJ6", false),
            ("IpAddress", "10.0.0.0/8", "10.1.2.3", true),
            ("IpAddress", "10.0.0.0/8", "11.1.2.3", false),
            ("IpAddress", "2001:db8::/32", "2001:db8::1", true),
            ("IpAddress", "2001:db8::/32", "10.0.0.1", false),
            ("IpAddress", "203.0.113.7", "203.0.113.7", true),
            ("NotIpAddress", "10.0.0.0/8", "10.1.2.3", false),
            ("NotIpAddress", "10.0.0.0/8", "192.168.0.1", true),
        ];
        for (op, expected, actual, want) in table {
            let c = cond(op, "k", json!(expected));
            assert_eq!(
                eval(&c, &ctx1("k", actual)),
                Tri::from_bool(want),
                "{op} {expected} vs {actual}"
            );
            let on_missing = matches!(op, "NumericNotEquals" | "DateNotEquals" | "NotIpAddress");
            assert_eq!(
                eval(&c, &empty),
                Tri::from_bool(on_missing),
                "{op} on a missing key"
            );
        }
        let c = cond("Bool", "aws:SecureTransport", json!(true));
        assert_eq!(eval(&c, &ctx1("aws:securetransport", "true")), Tri::True);
        let c = cond("NumericLessThan", "k", json!(5));
        assert_eq!(eval(&c, &ctx1("k", "4")), Tri::True);
    }

    #[test]
    fn arn_operators_glob_and_not_ones_negate() {
        let empty = RequestContext::new();
        for op in ["ArnEquals", "ArnLike"] {
            let c = cond(
                op,
                "aws:SourceArn",
                json!("arn:aws:glue:us-east-1:111:integration:*"),
            );
            assert_eq!(
                eval(
                    &c,
                    &ctx1("aws:SourceArn", "arn:aws:glue:us-east-1:111:integration:x")
                ),
                Tri::True
            );
            assert_eq!(
                eval(
                    &c,
                    &ctx1("aws:SourceArn", "arn:aws:glue:us-east-1:222:integration:x")
                ),
                Tri::False
            );
            assert_eq!(eval(&c, &ctx1("aws:SourceArn", "not-an-arn")), Tri::False);
            assert_eq!(eval(&c, &empty), Tri::False);
        }
        for op in ["ArnNotEquals", "ArnNotLike"] {
            let c = cond(op, "aws:SourceArn", json!("arn:aws:glue:*:111:*"));
            assert_eq!(
                eval(&c, &ctx1("aws:SourceArn", "arn:aws:glue:r:111:x")),
                Tri::False
            );
            assert_eq!(
                eval(&c, &ctx1("aws:SourceArn", "arn:aws:glue:r:222:x")),
                Tri::True
            );
            assert_eq!(eval(&c, &empty), Tri::True);
        }
    }

    #[test]
    fn if_exists_and_null() {
        let empty = RequestContext::new();
        let c = cond("StringEqualsIfExists", "k", json!("a"));
        assert_eq!(eval(&c, &empty), Tri::True);
        assert_eq!(eval(&c, &ctx1("k", "b")), Tri::False);
        assert_eq!(eval(&c, &ctx1("k", "a")), Tri::True);
        let c = cond("BoolIfExists", "aws:PrincipalIsAWSService", json!("false"));
        assert_eq!(
            eval(&c, &ctx1("aws:PrincipalIsAWSService", "true")),
            Tri::False
        );
        let c = cond("Null", "k", json!("true"));
        assert_eq!(eval(&c, &empty), Tri::True);
        assert_eq!(eval(&c, &ctx1("k", "x")), Tri::False);
        let c = cond("Null", "k", json!(false));
        assert_eq!(eval(&c, &empty), Tri::False);
        assert_eq!(eval(&c, &ctx1("k", "x")), Tri::True);
    }

    #[test]
    fn set_operators() {
        let empty = RequestContext::new();
        let all = cond(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            json!(["a", "b"]),
        );
        assert_eq!(eval(&all, &ctxm("aws:TagKeys", &["a", "b"])), Tri::True);
        assert_eq!(eval(&all, &ctxm("aws:TagKeys", &["a", "c"])), Tri::False);
        assert_eq!(eval(&all, &ctxm("aws:TagKeys", &[])), Tri::True);
        assert_eq!(eval(&all, &empty), Tri::True);
        let any = cond("ForAnyValue:StringLike", "aws:TagKeys", json!("a*"));
        assert_eq!(eval(&any, &ctxm("aws:TagKeys", &["x", "ab"])), Tri::True);
        assert_eq!(eval(&any, &ctxm("aws:TagKeys", &["x"])), Tri::False);
        assert_eq!(eval(&any, &ctxm("aws:TagKeys", &[])), Tri::False);
        assert_eq!(eval(&any, &empty), Tri::False);
        let any_if = cond(
            "ForAnyValue:StringEqualsIfExists",
            "aws:TagKeys",
            json!("a"),
        );
        assert_eq!(eval(&any_if, &empty), Tri::False);
        assert_eq!(eval(&any_if, &ctxm("aws:TagKeys", &["a"])), Tri::True);
        let all_if = cond(
            "ForAllValues:StringEqualsIfExists",
            "aws:TagKeys",
            json!("a"),
        );
        assert_eq!(eval(&all_if, &empty), Tri::True);
        let any_not = cond("ForAnyValue:StringNotEquals", "aws:TagKeys", json!("a"));
        assert_eq!(eval(&any_not, &ctxm("aws:TagKeys", &["a", "b"])), Tri::True);
        assert_eq!(eval(&any_not, &ctxm("aws:TagKeys", &["a"])), Tri::False);
        assert_eq!(eval(&any_not, &empty), Tri::False);
        let all_not = cond("ForAllValues:StringNotLike", "aws:TagKeys", json!("a*"));
        assert_eq!(eval(&all_not, &ctxm("aws:TagKeys", &["b", "c"])), Tri::True);
        assert_eq!(
            eval(&all_not, &ctxm("aws:TagKeys", &["b", "ab"])),
            Tri::False
        );
        // A plain operator over a multi-valued key.
        let plain = cond("StringEquals", "aws:TagKeys", json!("a"));
        assert_eq!(eval(&plain, &ctxm("aws:TagKeys", &["b", "a"])), Tri::True);
        let plain_not = cond("StringNotEquals", "aws:TagKeys", json!("a"));
        assert_eq!(
            eval(&plain_not, &ctxm("aws:TagKeys", &["b", "a"])),
            Tri::False
        );
    }

    #[test]
    fn unknown_mode() {
        let unknown = RequestContext::new().missing_keys_unknown(true);
        for op in [
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIfExists",
            "ForAllValues:StringLike",
            "Null",
        ] {
            let c = cond(op, "aws:PrincipalOrgID", json!("o-1"));
            let r = c.evaluate(&unknown, &NoVars);
            assert_eq!(r.value, Tri::Unknown, "{op}");
            assert!(r.missing);
        }
        let known = unknown.with("aws:PrincipalOrgID", "o-1");
        let c = cond("StringEquals", "aws:PrincipalOrgID", json!("o-1"));
        assert_eq!(eval(&c, &known), Tri::True);
    }

    #[test]
    fn variables_in_values() {
        struct V;
        impl VarLookup for V {
            fn lookup(&self, key: &str) -> Option<std::borrow::Cow<'_, str>> {
                key.eq_ignore_ascii_case("aws:PrincipalAccount")
                    .then_some("111".into())
            }
        }
        let c = cond(
            "StringEquals",
            "aws:ResourceAccount",
            json!("${aws:PrincipalAccount}"),
        );
        assert_eq!(
            c.evaluate(&ctx1("aws:ResourceAccount", "111"), &V).value,
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx1("aws:ResourceAccount", "222"), &V).value,
            Tri::False
        );
        let old = parse_conditions(
            &json!({"StringEquals": {"k": "${aws:PrincipalAccount}"}}),
            "C",
            false,
        )
        .unwrap();
        assert_eq!(
            old[0]
                .evaluate(&ctx1("k", "${aws:PrincipalAccount}"), &V)
                .value,
            Tri::True
        );
    }

    #[test]
    fn parse_errors_name_the_path() {
        let e = parse_conditions(
            &json!({"StringEqualz": {"k": "v"}}),
            "Statement[2].Condition",
            true,
        )
        .unwrap_err();
        assert_eq!(e.path, "Statement[2].Condition.StringEqualz");
        assert!(e.message.contains("unknown condition operator"));
        let e = parse_conditions(&json!({"ForSomeValues:StringLike": {"k": "v"}}), "C", true)
            .unwrap_err();
        assert_eq!(e.path, "C.ForSomeValues:StringLike");
        let e = parse_conditions(&json!({"StringLike": {"k": {"x": 1}}}), "C", true).unwrap_err();
        assert_eq!(e.path, "C.StringLike.k");
        let e =
            parse_conditions(&json!({"StringLike": {"k": ["a", null]}}), "C", true).unwrap_err();
        assert_eq!(e.path, "C.StringLike.k[1]");
        let e = parse_conditions(&json!({"StringLike": "v"}), "C", true).unwrap_err();
        assert_eq!(e.path, "C.StringLike");
        let e = parse_conditions(&json!({"NullIfExists": {"k": "true"}}), "C", true).unwrap_err();
        assert_eq!(e.path, "C.NullIfExists");
        assert!(parse_conditions(&json!([]), "C", true).is_err());
        let ok = parse_conditions(
            &json!({"forallvalues:stringlikeifexists": {"k": "v"}}),
            "C",
            true,
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert!(ok[0].if_exists());
    }
}
