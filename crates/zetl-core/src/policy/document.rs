//! Policy documents: every grammar form IAM accepts, parsed into compiled statements.
//!
//! Input may be a JSON object, a JSON string holding one, or URL-encoded JSON text (as IAM's
//! GetRolePolicy / GetPolicyVersion return it). Errors name the JSON path.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::condition::{parse_conditions, Condition};
use super::matching::{ArnPattern, Pattern};
use super::principal::{AwsPrincipalRef, PrincipalSpec};

/// An invalid document: where (`Statement[2].Condition.StringLike`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> PolicyError {
    PolicyError {
        path: path.to_string(),
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// An Action / NotAction entry (`service:Name`, wildcards allowed, case-insensitive).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPattern {
    pub text: String,
    pub(crate) pattern: Pattern,
}

/// A Resource / NotResource entry (ARN matched part by part, `*` and `?` allowed).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePattern {
    pub text: String,
    pub(crate) pattern: ArnPattern,
}

impl ResourcePattern {
    /// Whether the entry contains `*` or `?` (or is `*`).
    pub fn has_wildcard(&self) -> bool {
        self.pattern.has_wildcard()
    }
}

impl Serialize for ActionPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl Serialize for ResourcePattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// `Action` (negated = false) or `NotAction` (negated = true).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionBlock {
    pub negated: bool,
    pub patterns: Vec<ActionPattern>,
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceBlock {
    pub negated: bool,
    pub patterns: Vec<ResourcePattern>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrincipalBlock {
    pub negated: bool,
    pub spec: PrincipalSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalBlock>,
    pub action: ActionBlock,
    /// Absent in role trust policies.
    pub resource: Option<ResourceBlock>,
    /// All conditions of the statement (AND).
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// A document with the name explanations show (`table policy`, `role etl / inline s3`).
#[derive(Debug, Clone, Serialize)]
pub struct NamedPolicy<'a> {
    pub name: String,
    pub document: &'a PolicyDocument,
}

impl<'a> NamedPolicy<'a> {
    pub fn new(name: impl Into<String>, document: &'a PolicyDocument) -> Self {
        NamedPolicy {
            name: name.into(),
            document,
        }
    }
}

/// Decodes URL-encoded text (`%7B%22Version%22...`) when it is that.
fn url_decoded(text: &str) -> Option<String> {
    let t = text.trim_start();
    if t.starts_with('%') || (!t.starts_with('{') && !t.starts_with('"') && t.contains('%')) {
        let decoded = percent_encoding::percent_decode_str(t).decode_utf8().ok()?;
        // IAM encodes with `+` for spaces only in form encoding; plain percent-encoding is
        // what it returns, so `+` stays as is.
        return Some(decoded.into_owned());
    }
    None
}

/// Decodes a policy document as services return it and snapshots store it (a JSON object, a
/// JSON string holding one, or URL-encoded JSON text as IAM returns it) into the JSON object.
/// The one decoder: the engine parses with it, and a snapshot decodes each stored policy with
/// it once, when it loads.
pub fn decode_document(v: &Value) -> Result<Map<String, Value>, PolicyError> {
    let decoded;
    let value = match v {
        Value::String(text) => {
            decoded = decode_text(text)?;
            &decoded
        }
        other => other,
    };
    match value {
        Value::Object(map) => Ok(map.clone()),
        _ => Err(not_an_object()),
    }
}

fn not_an_object() -> PolicyError {
    err("", "a policy document must be a JSON object")
}

/// JSON text, URL-encoded JSON text, or a JSON string holding either (one level only).
fn decode_text(text: &str) -> Result<Value, PolicyError> {
    let owned;
    let text = match url_decoded(text) {
        Some(d) => {
            owned = d;
            owned.as_str()
        }
        None => text,
    };
    let value: Value =
        serde_json::from_str(text).map_err(|e| err("", format!("not valid JSON: {e}")))?;
    match value {
        Value::String(inner) => {
            let inner_text = url_decoded(&inner).unwrap_or(inner);
            serde_json::from_str(&inner_text)
                .map_err(|e| err("", format!("the string does not hold a JSON policy: {e}")))
        }
        other => Ok(other),
    }
}

impl PolicyDocument {
    /// Parses JSON text, or URL-encoded JSON text.
    pub fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
        Self::from_object(&decode_text(text)?)
    }

    /// Parses a JSON object, or a JSON string holding one (plain or URL-encoded).
    pub fn from_value(v: &Value) -> Result<PolicyDocument, PolicyError> {
        match v {
            Value::String(text) => Self::parse(text),
            other => Self::from_object(other),
        }
    }

    fn from_object(v: &Value) -> Result<PolicyDocument, PolicyError> {
        match v {
            Value::Object(obj) => Self::from_map(obj),
            _ => Err(not_an_object()),
        }
    }

    /// Parses a decoded document (see [`decode_document`]).
    pub fn from_map(obj: &Map<String, Value>) -> Result<PolicyDocument, PolicyError> {
        let mut version = None;
        let mut id = None;
        let mut statement = None;
        for (k, val) in obj {
            match k.as_str() {
                "Version" => {
                    let Value::String(s) = val else {
                        return Err(err("Version", "Version must be a string"));
                    };
                    if s != "2012-10-17" && s != "2008-10-17" {
                        return Err(err(
                            "Version",
                            format!("unsupported policy version {s:?} (2012-10-17 or 2008-10-17)"),
                        ));
                    }
                    version = Some(s.clone());
                }
                "Id" => {
                    let Value::String(s) = val else {
                        return Err(err("Id", "Id must be a string"));
                    };
                    id = Some(s.clone());
                }
                "Statement" => statement = Some(val),
                other => return Err(err(other, format!("unknown policy element {other:?}"))),
            }
        }
        // Policy variables exist only from version 2012-10-17 on; without Version, IAM
        // assumes 2008-10-17.
        let vars = version.as_deref() == Some("2012-10-17");
        let statements = match statement {
            None => return Err(err("Statement", "the document has no Statement")),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, s)| parse_statement(s, &format!("Statement[{i}]"), vars))
                .collect::<Result<Vec<_>, _>>()?,
            Some(single @ Value::Object(_)) => vec![parse_statement(single, "Statement", vars)?],
            Some(_) => {
                return Err(err(
                    "Statement",
                    "Statement must be an object or an array of objects",
                ))
            }
        };
        Ok(PolicyDocument {
            version,
            id,
            statements,
        })
    }

    /// Whether policy variables are substituted (version 2012-10-17).
    pub fn uses_variables(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

fn strings(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| match x {
                Value::String(s) => Ok(s.clone()),
                _ => Err(err(&format!("{path}[{i}]"), "must be a string")),
            })
            .collect(),
        _ => Err(err(path, "must be a string or an array of strings")),
    }
}

fn exclusive<'v>(
    obj: &'v Map<String, Value>,
    a: &str,
    b: &str,
    path: &str,
) -> Result<Option<(bool, &'v Value)>, PolicyError> {
    match (obj.get(a), obj.get(b)) {
        (Some(_), Some(_)) => Err(err(
            &format!("{path}.{b}"),
            format!("a statement cannot have both {a} and {b}"),
        )),
        (Some(v), None) => Ok(Some((false, v))),
        (None, Some(v)) => Ok(Some((true, v))),
        (None, None) => Ok(None),
    }
}

fn parse_statement(v: &Value, path: &str, vars: bool) -> Result<Statement, PolicyError> {
    let Value::Object(obj) = v else {
        return Err(err(path, "a statement must be a JSON object"));
    };
    for k in obj.keys() {
        if !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(err(
                &format!("{path}.{k}"),
                format!("unknown statement element {k:?}"),
            ));
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(err(&format!("{path}.Sid"), "Sid must be a string")),
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(err(
                &format!("{path}.Effect"),
                format!("Effect must be \"Allow\" or \"Deny\", not {other}"),
            ))
        }
        None => {
            return Err(err(
                &format!("{path}.Effect"),
                "the statement has no Effect",
            ))
        }
    };
    let action = match exclusive(obj, "Action", "NotAction", path)? {
        None => {
            return Err(err(
                &format!("{path}.Action"),
                "the statement has neither Action nor NotAction",
            ))
        }
        Some((negated, v)) => {
            let name = if negated { "NotAction" } else { "Action" };
            let patterns = strings(v, &format!("{path}.{name}"))?
                .into_iter()
                .map(|text| ActionPattern {
                    pattern: Pattern::compile(&text, true, false),
                    text,
                })
                .collect();
            ActionBlock { negated, patterns }
        }
    };
    let resource = match exclusive(obj, "Resource", "NotResource", path)? {
        None => None,
        Some((negated, v)) => {
            let name = if negated { "NotResource" } else { "Resource" };
            let patterns = strings(v, &format!("{path}.{name}"))?
                .into_iter()
                .map(|text| ResourcePattern {
                    pattern: ArnPattern::compile_resource(&text, vars),
                    text,
                })
                .collect();
            Some(ResourceBlock { negated, patterns })
        }
    };
    let principal = match exclusive(obj, "Principal", "NotPrincipal", path)? {
        None => None,
        Some((negated, v)) => {
            let name = if negated { "NotPrincipal" } else { "Principal" };
            Some(PrincipalBlock {
                negated,
                spec: parse_principal(v, &format!("{path}.{name}"))?,
            })
        }
    };
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(c) => parse_conditions(c, &format!("{path}.Condition"), vars)?,
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

fn parse_principal(v: &Value, path: &str) -> Result<PrincipalSpec, PolicyError> {
    match v {
        Value::String(s) if s == "*" => Ok(PrincipalSpec::Wildcard),
        Value::Object(map) => {
            let (mut aws, mut service, mut federated, mut canonical_user) =
                (vec![], vec![], vec![], vec![]);
            for (k, val) in map {
                let p = format!("{path}.{k}");
                let vals = strings(val, &p)?;
                match k.as_str() {
                    "AWS" => aws.extend(vals.iter().map(|s| AwsPrincipalRef::parse(s))),
                    "Service" => service.extend(vals),
                    "Federated" => federated.extend(vals),
                    "CanonicalUser" => canonical_user.extend(vals),
                    _ => {
                        return Err(err(
                            &p,
                            format!(
                            "unknown principal type {k:?} (AWS, Service, Federated, CanonicalUser)"
                        ),
                        ))
                    }
                }
            }
            Ok(PrincipalSpec::Map {
                aws,
                service,
                federated,
                canonical_user,
            })
        }
        _ => Err(err(
            path,
            "Principal must be \"*\" or an object such as {\"AWS\": ...}",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn single_statement_object_and_string_forms() {
        let d = PolicyDocument::from_value(&json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        }))
        .unwrap();
        assert_eq!(d.statements.len(), 1);
        let s = &d.statements[0];
        assert_eq!(s.effect, Effect::Allow);
        assert!(!s.action.negated);
        assert_eq!(s.action.patterns[0].text, "s3:GetObject");
        assert_eq!(
            s.resource.as_ref().unwrap().patterns[0].text,
            "arn:aws:s3:::b/*"
        );
        assert!(d.uses_variables());
    }

    #[test]
    fn every_element_form() {
        let d = PolicyDocument::from_value(&json!({
            "Version": "2008-10-17",
            "Id": "x",
            "Statement": [
                {"Sid": "A", "Effect": "Deny", "NotPrincipal": {"AWS": ["123456789012", "arn:aws:iam::123456789012:role/r"]},
                 "NotAction": ["iam:*"], "NotResource": "arn:aws:s3:::b",
                 "Condition": {"StringEquals": {"k": ["a", "b"]}, "Bool": {"aws:SecureTransport": false}}},
                {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": ["*"]},
                {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com", "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"}, "Action": "sts:AssumeRole"}
            ]
        }))
        .unwrap();
        assert!(!d.uses_variables());
        let s0 = &d.statements[0];
        assert_eq!(s0.sid.as_deref(), Some("A"));
        assert!(s0.principal.as_ref().unwrap().negated);
        assert!(s0.action.negated);
        assert!(s0.resource.as_ref().unwrap().negated);
        assert_eq!(s0.conditions.len(), 2);
        assert_eq!(s0.conditions[1].values, vec!["false".to_string()]);
        assert_eq!(
            d.statements[1].principal.as_ref().unwrap().spec,
            PrincipalSpec::Wildcard
        );
        assert!(d.statements[2].resource.is_none());
        assert_eq!(
            d.statements[2].principal.as_ref().unwrap().spec.values(),
            vec![
                "glue.amazonaws.com",
                "cognito-identity.amazonaws.com",
                "abc"
            ]
        );
    }

    #[test]
    fn string_and_url_encoded_documents() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let plain = PolicyDocument::parse(text).unwrap();
        let as_string = PolicyDocument::from_value(&Value::String(text.to_string())).unwrap();
        assert_eq!(plain, as_string);
        let encoded: String =
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        assert!(encoded.starts_with("%7B%22Version"));
        assert_eq!(PolicyDocument::parse(&encoded).unwrap(), plain);
        assert_eq!(
            PolicyDocument::from_value(&Value::String(encoded.clone())).unwrap(),
            plain
        );
        let json_string = serde_json::to_string(&encoded).unwrap();
        assert_eq!(PolicyDocument::parse(&json_string).unwrap(), plain);
    }

    #[test]
    fn errors_name_the_path() {
        let cases = [
            (json!([]), ""),
            (json!({"Statement": 3}), "Statement"),
            (json!({"Version": "2020-01-01", "Statement": []}), "Version"),
            (json!({"Version": "2012-10-17"}), "Statement"),
            (json!({"Statment": []}), "Statment"),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a"}, 1]}),
                "Statement[1]",
            ),
            (
                json!({"Statement": [{"Effect": "allow", "Action": "a"}]}),
                "Statement[0].Effect",
            ),
            (
                json!({"Statement": [{"Action": "a"}]}),
                "Statement[0].Effect",
            ),
            (
                json!({"Statement": [{"Effect": "Allow"}]}),
                "Statement[0].Action",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a", "NotAction": "b"}]}),
                "Statement[0].NotAction",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": ["a", 1]}]}),
                "Statement[0].Action[1]",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a", "Resource": {}}]}),
                "Statement[0].Resource",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a", "Principal": "arn:aws:iam::1:root"}]}),
                "Statement[0].Principal",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a", "Principal": {"Aws": "*"}}]}),
                "Statement[0].Principal.Aws",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a", "Sid": 5}]}),
                "Statement[0].Sid",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a", "Extra": 5}]}),
                "Statement[0].Extra",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "a"}, {"Effect": "Allow", "Action": "a"}, {"Effect": "Allow", "Action": "a", "Condition": {"StringLike": {"k": [[]]}}}]}),
                "Statement[2].Condition.StringLike.k[0]",
            ),
            (
                json!({"Statement": {"Effect": "Allow", "Action": "a", "Condition": {"StringLikeX": {}}}}),
                "Statement.Condition.StringLikeX",
            ),
        ];
        for (doc, path) in cases {
            let e = PolicyDocument::from_value(&doc).unwrap_err();
            assert_eq!(e.path, path, "{doc} -> {e}");
        }
        let e = PolicyDocument::parse("{not json").unwrap_err();
        assert!(e.message.starts_with("not valid JSON"), "{e}");
        assert!(PolicyDocument::parse("%ZZ").is_err());
        assert!(PolicyDocument::parse("\"[]\"").is_err());
        assert_eq!(err("Statement[0]", "x").to_string(), "Statement[0]: x");
    }
}
