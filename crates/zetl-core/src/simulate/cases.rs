//! The `zetl policy simulate` input: one case object or an array of them, read from JSON into
//! engine types. Every error names the case index and the JSON path inside the case, because
//! a batch of thousands of generated cases is useless if a typo cannot be found.

use std::fmt;
use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::policy_cache::PolicyCache;
use super::raw_case::{self, PolicyList, RawCase};
use crate::policy::{
    ContextValue, PolicyDocument, PolicyError, Principal, Request, RequestContext,
    ResourcePolicyKind,
};

/// One request and the policies that apply to it.
#[derive(Debug, Clone)]
pub struct Case {
    pub request: Request,
    /// Shared between cases that give the same policy (see `PolicyCache`).
    pub identity_policies: Vec<Arc<PolicyDocument>>,
    pub resource_policy: Option<Arc<PolicyDocument>>,
    pub permission_boundary: Option<Arc<PolicyDocument>>,
    /// How AWS treats the resource policy for this action and resource (inferred).
    pub resource_kind: ResourcePolicyKind,
}

/// The parsed input: `batch` is true when the input was an array (output mirrors the shape).
#[derive(Debug, Clone)]
pub struct Cases {
    pub batch: bool,
    pub cases: Vec<Case>,
}

/// Why the input could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Not JSON at all.
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// The top level is neither an object nor an array.
    Shape,
    /// One case is invalid: `path` is relative to the case (`request.principal`).
    Case {
        index: usize,
        path: String,
        message: String,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Json {
                line,
                column,
                message,
            } => write!(f, "invalid JSON at line {line} column {column}: {message}"),
            InputError::Shape => {
                f.write_str("expected one case object or a JSON array of case objects")
            }
            InputError::Case {
                index,
                path,
                message,
            } if path.is_empty() => write!(f, "case [{index}]: {message}"),
            InputError::Case {
                index,
                path,
                message,
            } => write!(f, "case [{index}]: at {path}: {message}"),
        }
    }
}

impl std::error::Error for InputError {}

/// One invalid case: its index in the input and what is wrong where. In a batch it takes the
/// case's place in the output; a single case object that is invalid is an `InputError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    pub index: usize,
    /// Relative to the case (`request.action`); empty for the case itself.
    pub path: String,
    pub message: String,
}

impl CaseError {
    /// The JSON path in the whole input: `[3].request.action`, or `[3]` for the case itself.
    pub fn input_path(&self) -> String {
        match (self.path.is_empty(), self.path.starts_with('[')) {
            (true, _) => format!("[{}]", self.index),
            (false, true) => format!("[{}]{}", self.index, self.path),
            (false, false) => format!("[{}].{}", self.index, self.path),
        }
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        InputError::from(self.clone()).fmt(f)
    }
}

impl From<CaseError> for InputError {
    fn from(e: CaseError) -> Self {
        InputError::Case {
            index: e.index,
            path: e.path,
            message: e.message,
        }
    }
}

/// A problem inside one case, before the index is attached.
struct Bad {
    path: String,
    message: String,
}

fn bad(path: impl Into<String>, message: impl Into<String>) -> Bad {
    Bad {
        path: path.into(),
        message: message.into(),
    }
}

/// `prefix` + the engine's path inside a policy document.
fn policy_bad(prefix: &str, e: PolicyError) -> Bad {
    let path = match (e.path.is_empty(), e.path.starts_with('[')) {
        (true, _) => prefix.to_string(),
        (false, true) => format!("{prefix}{}", e.path),
        (false, false) => format!("{prefix}.{}", e.path),
    };
    bad(path, e.message)
}

/// Parses the whole input text; the first invalid case is an error.
pub fn parse_cases(text: &str) -> Result<Cases, InputError> {
    let mut cases = Vec::new();
    let mut first_invalid: Option<CaseError> = None;
    let batch = for_each_case(text, |_, case| match case {
        Ok(c) => cases.push(c),
        Err(e) => {
            first_invalid.get_or_insert(e);
        }
    })?;
    match first_invalid {
        Some(e) => Err(e.into()),
        None => Ok(Cases { batch, cases }),
    }
}

/// Parses input that is already JSON.
pub fn parse_value(value: &Value) -> Result<Cases, InputError> {
    parse_cases(&value.to_string())
}

/// Streams the cases of `text` to `f` one at a time, in order, and says whether the input was
/// an array. Each case is split into its fields as raw JSON text first: a policy is only
/// parsed and compiled the first time its exact text appears (see `PolicyCache`), and only one
/// case's data is alive at once, so large batches stay fast and small. An invalid case is
/// passed as its `CaseError` and the cases after it are still read; only input that is not
/// JSON, or not an object or array, is an `InputError` (cases before the JSON error have been
/// passed to `f`).
pub fn for_each_case(
    text: &str,
    f: impl FnMut(usize, Result<Case, CaseError>),
) -> Result<bool, InputError> {
    let json_error = |e: serde_json::Error| InputError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    if !text.trim_start().starts_with(['[', '{']) {
        // Valid JSON of the wrong shape, or not JSON at all.
        return Err(match serde_json::from_str::<Value>(text) {
            Ok(_) => InputError::Shape,
            Err(e) => json_error(e),
        });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let visitor = CaseVisitor {
        f,
        cache: PolicyCache::new(),
    };
    serde::Deserializer::deserialize_any(&mut de, visitor)
        .and_then(|batch| {
            de.end()?;
            Ok(batch)
        })
        .map_err(json_error)
}

/// Hands each top-level case, parsed or not, to the callback.
struct CaseVisitor<F> {
    f: F,
    cache: PolicyCache,
}

impl<F: FnMut(usize, Result<Case, CaseError>)> CaseVisitor<F> {
    fn take(&mut self, index: usize, raw: &RawCase) {
        let case = parse_case(raw, &mut self.cache).map_err(|b| CaseError {
            index,
            path: b.path,
            message: b.message,
        });
        (self.f)(index, case);
    }
}

impl<'de, F: FnMut(usize, Result<Case, CaseError>)> serde::de::Visitor<'de> for CaseVisitor<F> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("one case object or a JSON array of case objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<bool, A::Error> {
        let mut index = 0;
        while let Some(raw) = seq.next_element::<RawCase<'de>>()? {
            self.take(index, &raw);
            index += 1;
        }
        Ok(true)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, map: A) -> Result<bool, A::Error> {
        let raw = raw_case::from_map(map)?;
        self.take(0, &raw);
        Ok(false)
    }
}

const CASE_FIELDS: &str = "request, identityPolicies, resourcePolicy, permissionBoundary";
const REQUEST_FIELDS: &str = "principal, action, resource, resourceAccount, context";

fn is_null(raw: &RawValue) -> bool {
    raw.get().trim() == "null"
}

fn parse_case(raw: &RawCase, cache: &mut PolicyCache) -> Result<Case, Bad> {
    if !raw.is_object {
        return Err(bad("", "a case must be a JSON object"));
    }
    if let Some(key) = &raw.unknown_field {
        return Err(bad(
            key.as_str(),
            format!("unknown field (expected one of {CASE_FIELDS})"),
        ));
    }
    let request = match raw.request {
        Some(r) => match serde_json::from_str::<Value>(r.get()) {
            Ok(Value::Object(r)) => parse_request(&r)?,
            _ => return Err(bad("request", "must be an object")),
        },
        None => return Err(bad("request", "missing")),
    };
    let identity_policies = match &raw.identity_policies {
        PolicyList::Absent => Vec::new(),
        PolicyList::NotArray => {
            return Err(bad("identityPolicies", "must be an array of policies"))
        }
        PolicyList::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, p)| {
                cache
                    .get_or_parse(p.get())
                    .map_err(|e| policy_bad(&format!("identityPolicies[{i}]"), e))
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut optional_policy = |field: &str, value: Option<&RawValue>| match value {
        None => Ok(None),
        Some(v) if is_null(v) => Ok(None),
        Some(v) => cache
            .get_or_parse(v.get())
            .map(Some)
            .map_err(|e| policy_bad(field, e)),
    };
    let resource_policy = optional_policy("resourcePolicy", raw.resource_policy)?;
    let permission_boundary = optional_policy("permissionBoundary", raw.permission_boundary)?;
    let resource_kind = resource_policy_kind(&request.action, &request.resource);
    Ok(Case {
        request,
        identity_policies,
        resource_policy,
        permission_boundary,
        resource_kind,
    })
}

fn required_str<'a>(r: &'a Map<String, Value>, field: &str) -> Result<&'a str, Bad> {
    match r.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.as_str()),
        Some(Value::String(_)) => Err(bad(format!("request.{field}"), "must not be empty")),
        Some(_) => Err(bad(format!("request.{field}"), "must be a string")),
        None => Err(bad(format!("request.{field}"), "missing")),
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account part of an ARN, when it has a 12-digit one or is `aws` (resources AWS owns,
/// such as AWS managed policies `arn:aws:iam::aws:policy/NAME`).
fn arn_account(arn: &str) -> Option<&str> {
    let account = crate::arn::Arn::parse(arn)?.account;
    (is_account_id(account) || account == "aws").then_some(account)
}

fn parse_request(r: &Map<String, Value>) -> Result<Request, Bad> {
    for key in r.keys() {
        if !REQUEST_FIELDS.split(", ").any(|f| f == key) {
            return Err(bad(
                format!("request.{key}"),
                format!("unknown field (expected one of {REQUEST_FIELDS})"),
            ));
        }
    }
    let principal_text = required_str(r, "principal")?;
    let principal =
        Principal::parse(principal_text).map_err(|e| bad("request.principal", e.message))?;
    let action = required_str(r, "action")?;
    if !action.contains(':') {
        return Err(bad(
            "request.action",
            format!("{action:?} is not an action (expected service:Action)"),
        ));
    }
    let resource = required_str(r, "resource")?;
    let mut request = Request::new(principal, action, resource);
    match r.get("resourceAccount") {
        None | Some(Value::Null) => {
            if arn_account(resource).is_none() {
                return Err(bad(
                    "request.resourceAccount",
                    format!("missing, and the resource {resource:?} carries no account id"),
                ));
            }
        }
        Some(Value::String(a)) if is_account_id(a) => {
            request = request.with_resource_account(a);
        }
        Some(_) => {
            return Err(bad(
                "request.resourceAccount",
                "must be a 12-digit account id string",
            ))
        }
    }
    // Simulate follows AWS: a condition on a key the request does not carry uses AWS's
    // missing-key rules, never "unknown".
    let mut context = RequestContext::new().missing_keys_unknown(false);
    match r.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(entries)) => {
            for (key, v) in entries {
                let path = format!("request.context[{key:?}]");
                context.insert(key, context_value(v, &path)?);
            }
        }
        Some(_) => return Err(bad("request.context", "must be an object of key: value")),
    }
    Ok(request.with_context(context))
}

/// A scalar context value as text: JSON bools and numbers are written the way AWS sends them.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn context_value(v: &Value, path: &str) -> Result<ContextValue, Bad> {
    if let Some(s) = scalar(v) {
        return Ok(ContextValue::Single(s));
    }
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                scalar(item).ok_or_else(|| {
                    bad(
                        format!("{path}[{i}]"),
                        "a multi-valued key holds strings, numbers or booleans",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(ContextValue::Multi),
        _ => Err(bad(
            path,
            "a context value is a string, number, boolean or an array of them",
        )),
    }
}

/// AWS evaluates a role's trust policy and a KMS key policy differently from other resource
/// policies (they must grant access themselves); everything else is a generic resource policy.
pub fn resource_policy_kind(action: &str, resource: &str) -> ResourcePolicyKind {
    let action = action.to_ascii_lowercase();
    let arn = crate::arn::Arn::parse(resource);
    let is_role = arn.is_some_and(|a| a.service == "iam" && a.resource.starts_with("role/"));
    let is_key = arn.is_some_and(|a| a.service == "kms" && a.resource.starts_with("key/"));
    // The actions a trust policy authorizes, besides AssumeRole*: session tags, source identity
    // and context are checked against the trust policy as well.
    let trust_action = action.starts_with("sts:assumerole")
        || matches!(
            action.as_str(),
            "sts:tagsession" | "sts:setsourceidentity" | "sts:setcontext"
        );
    if trust_action && is_role {
        ResourcePolicyKind::RoleTrust
    } else if action.starts_with("kms:") && is_key {
        ResourcePolicyKind::KmsKey
    } else {
        ResourcePolicyKind::Generic
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case_error(v: Value) -> String {
        parse_value(&v).map(|_| ()).unwrap_err().to_string()
    }

    fn request() -> Value {
        json!({"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
               "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"})
    }

    #[test]
    fn kinds_follow_action_and_resource() {
        let role = "arn:aws:iam::111111111111:role/etl";
        let key = "arn:aws:kms:us-east-1:111111111111:key/1234";
        assert_eq!(
            resource_policy_kind("sts:AssumeRole", role),
            ResourcePolicyKind::RoleTrust
        );
        assert_eq!(
            resource_policy_kind("sts:AssumeRoleWithWebIdentity", role),
            ResourcePolicyKind::RoleTrust
        );
        assert_eq!(
            resource_policy_kind("sts:TagSession", role),
            ResourcePolicyKind::RoleTrust
        );
        assert_eq!(
            resource_policy_kind("iam:PassRole", role),
            ResourcePolicyKind::Generic
        );
        assert_eq!(
            resource_policy_kind("kms:Decrypt", key),
            ResourcePolicyKind::KmsKey
        );
        assert_eq!(
            resource_policy_kind("kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:alias/a"),
            ResourcePolicyKind::Generic
        );
        assert_eq!(
            resource_policy_kind("s3:GetObject", "arn:aws:s3:::b/k"),
            ResourcePolicyKind::Generic
        );
    }

    #[test]
    fn context_values_of_every_json_kind() {
        let mut r = request();
        r["context"] = json!({"aws:SecureTransport": true, "s3:max-keys": 10,
                              "aws:TagKeys": ["a", 1, false], "aws:SourceAccount": "222222222222"});
        let cases = parse_value(&json!({ "request": r })).unwrap();
        assert!(!cases.batch);
        let ctx = &cases.cases[0].request.context;
        assert_eq!(
            ctx.get("aws:securetransport"),
            Some(&ContextValue::Single("true".into()))
        );
        assert_eq!(
            ctx.get("s3:max-keys"),
            Some(&ContextValue::Single("10".into()))
        );
        assert_eq!(
            ctx.get("aws:TagKeys"),
            Some(&ContextValue::Multi(vec![
                "a".into(),
                "1".into(),
                "false".into()
            ]))
        );
        assert!(!ctx.is_missing_keys_unknown());
    }

    #[test]
    fn errors_name_index_and_path() {
        let good = json!({ "request": request() });
        let mut broken = good.clone();
        broken["resourcePolicy"] = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe",
            "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]});
        let msg = case_error(json!([good, good, broken]));
        assert!(
            msg.starts_with("case [2]: at resourcePolicy.Statement[0].Effect: "),
            "{msg}"
        );

        let mut r = request();
        r["context"] = json!({"aws:TagKeys": ["a", {"b": 1}]});
        assert_eq!(
            case_error(json!({ "request": r })),
            "case [0]: at request.context[\"aws:TagKeys\"][1]: a multi-valued key holds strings, numbers or booleans"
        );

        let mut r = request();
        r.as_object_mut().unwrap().remove("resourceAccount");
        assert!(case_error(json!({ "request": r }))
            .starts_with("case [0]: at request.resourceAccount: missing, and the resource"));
        // AWS's own resources carry `aws` as their account.
        r["resource"] = json!("arn:aws:iam::aws:policy/AdministratorAccess");
        assert!(parse_value(&json!({ "request": r })).is_ok());

        let mut r = request();
        r["principal"] = json!("bob");
        assert!(case_error(json!({ "request": r })).starts_with("case [0]: at request.principal: "));

        assert_eq!(
            case_error(json!({"request": request(), "identityPolicy": []})),
            "case [0]: at identityPolicy: unknown field (expected one of request, identityPolicies, resourcePolicy, permissionBoundary)"
        );
        assert_eq!(
            case_error(
                json!({"request": request(), "identityPolicies": [{"Version": "2012-10-17", "Statement": []}, 3]})
            ),
            "case [0]: at identityPolicies[1]: a policy document must be a JSON object"
        );
        assert_eq!(
            case_error(json!(3)),
            "expected one case object or a JSON array of case objects"
        );
    }

    #[test]
    fn streaming_parse_matches_value_parse_and_reads_past_a_bad_case() {
        let good = json!({ "request": request() });
        let text = json!([good, good]).to_string();
        let streamed = parse_cases(&text).unwrap();
        assert!(streamed.batch);
        assert_eq!(streamed.cases.len(), 2);
        assert!(!parse_cases(&good.to_string()).unwrap().batch);

        let mut bad = good.clone();
        bad["request"]["action"] = json!("GetObject");
        let mut seen = Vec::new();
        let batch = for_each_case(&json!([good, good, bad, good]).to_string(), |i, c| {
            seen.push((i, c.err()))
        })
        .unwrap();
        assert!(batch);
        let expected = CaseError {
            index: 2,
            path: "request.action".into(),
            message: "\"GetObject\" is not an action (expected service:Action)".into(),
        };
        assert_eq!(
            seen,
            [(0, None), (1, None), (2, Some(expected.clone())), (3, None)]
        );
        assert_eq!(expected.input_path(), "[2].request.action");
        assert_eq!(
            expected.to_string(),
            "case [2]: at request.action: \"GetObject\" is not an action (expected service:Action)"
        );
        // Where every case must be valid, the first invalid one is the error.
        assert_eq!(
            parse_cases(&json!([good, good, bad, bad]).to_string()).unwrap_err(),
            InputError::from(expected.clone())
        );
        let whole = CaseError {
            path: String::new(),
            ..expected.clone()
        };
        assert_eq!(whole.input_path(), "[2]");
        let indexed = CaseError {
            path: "[1]".into(),
            ..expected
        };
        assert_eq!(indexed.input_path(), "[2][1]");
        assert_eq!(parse_cases("3").unwrap_err(), InputError::Shape);
        assert!(matches!(parse_cases("3 x"), Err(InputError::Json { .. })));
        assert!(matches!(parse_cases("[] x"), Err(InputError::Json { .. })));
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let e = parse_cases("[\n{\"request\": }").unwrap_err();
        assert!(matches!(e, InputError::Json { line: 2, .. }), "{e:?}");
    }
}
