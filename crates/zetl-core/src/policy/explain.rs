//! Why a request was not allowed: the closest Allow statements with precise reasons, and
//! decision-level sentences.

use serde::Serialize;

use super::context::RequestVars;
use super::document::{Effect, Statement};
use super::evaluate::{Applied, Decision, Request, ResourcePolicyKind, Source, StatementRef};
use super::matching::{split_arn, ArnPattern, ArnText, NoVars};
use super::principal::{AwsPrincipalRef, Principal, PrincipalMatch, PrincipalSpec};
use super::tri::Tri;

/// How many near misses an evaluation lists.
const MAX_NEAR_MISSES: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MissReason {
    ActionNotMatched {
        action: String,
        listed: Vec<String>,
        /// The statement uses NotAction (and lists the action).
        not_action: bool,
    },
    ResourceNotMatched {
        resource: String,
        listed: Vec<String>,
        not_resource: bool,
        note: Option<String>,
    },
    PrincipalNotMatched {
        principal: String,
        listed: Vec<String>,
        not_principal: bool,
        note: Option<String>,
    },
    /// A resource-policy statement without Principal applies to no one.
    NoPrincipal,
    ConditionFailed {
        operator: String,
        key: String,
        expected: Vec<String>,
        actual: Option<Vec<String>>,
        note: Option<String>,
    },
    /// The key is not in the request context (or could not be supplied).
    ConditionKeyMissing { operator: String, key: String },
}

impl MissReason {
    /// One sentence.
    pub fn describe(&self) -> String {
        let with_note = |s: String, note: &Option<String>| match note {
            Some(n) => format!("{s} ({n})"),
            None => s,
        };
        match self {
            MissReason::ActionNotMatched {
                action,
                listed,
                not_action: false,
            } => {
                format!("action {action} is not in Action {listed:?}")
            }
            MissReason::ActionNotMatched {
                action,
                listed,
                not_action: true,
            } => {
                format!("action {action} is excluded by NotAction {listed:?}")
            }
            MissReason::ResourceNotMatched {
                resource,
                listed,
                not_resource,
                note,
            } => with_note(
                if *not_resource {
                    format!("resource {resource} is excluded by NotResource {listed:?}")
                } else {
                    format!("resource {resource} does not match Resource {listed:?}")
                },
                note,
            ),
            MissReason::PrincipalNotMatched {
                principal,
                listed,
                not_principal,
                note,
            } => with_note(
                if *not_principal {
                    format!("principal {principal} is excluded by NotPrincipal {listed:?}")
                } else {
                    format!("principal {principal} is not named in Principal {listed:?}")
                },
                note,
            ),
            MissReason::NoPrincipal => {
                "the resource-policy statement names no Principal".to_string()
            }
            MissReason::ConditionFailed {
                operator,
                key,
                expected,
                actual,
                note,
            } => with_note(
                match actual {
                    Some(a) => format!(
                        "condition {operator} {key} expects {expected:?}, the request has {a:?}"
                    ),
                    None => format!("condition {operator} {key} expects {expected:?}"),
                },
                note,
            ),
            MissReason::ConditionKeyMissing { operator, key } => {
                format!("condition {operator} {key}: the request context has no {key}")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NearMiss {
    pub statement: StatementRef,
    pub reasons: Vec<MissReason>,
}

impl NearMiss {
    pub fn describe(&self) -> String {
        let reasons: Vec<String> = self.reasons.iter().map(MissReason::describe).collect();
        format!(
            "{} does not apply: {}",
            self.statement.describe(),
            reasons.join("; ")
        )
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// When `expected` and `actual` (account ids or ARNs) differ only in the account id, says so.
pub(crate) fn account_difference(expected: &str, actual: &str) -> Option<(String, String)> {
    if is_account_id(expected) && is_account_id(actual) {
        return (expected != actual).then(|| (expected.to_string(), actual.to_string()));
    }
    let e = split_arn(expected)?;
    let a = split_arn(actual)?;
    if e[4] == a[4] || !is_account_id(a[4]) || !is_account_id(e[4]) {
        return None;
    }
    // Swap the account in and see whether the rest matches (the pattern may hold wildcards).
    let swapped = format!("{}:{}:{}:{}:{}:{}", e[0], e[1], e[2], e[3], a[4], e[5]);
    (ArnPattern::compile(&swapped, false).matches(actual, &NoVars) == Some(true))
        .then(|| (e[4].to_string(), a[4].to_string()))
}

/// Whether a Resource entry holds `${` in its partition, service, region or account (see
/// `ArnPattern::compile_resource`), or is no ARN at all and holds one.
fn variable_before_resource_part(text: &str) -> bool {
    match split_arn(text) {
        Some(parts) => parts[..5].iter().any(|p| p.contains("${")),
        None => text.contains("${"),
    }
}

fn account_note(expected: &[String], actual: &[String], subject: &str) -> Option<String> {
    for e in expected {
        for a in actual {
            if let Some((x, y)) = account_difference(e, a) {
                return Some(format!("names account {x}, {subject} account {y}"));
            }
        }
    }
    None
}

fn principal_note(spec: &PrincipalSpec, p: &Principal) -> Option<String> {
    let PrincipalSpec::Map { aws, .. } = spec else {
        return None;
    };
    let account = p.account()?;
    for r in aws {
        match r {
            AwsPrincipalRef::Account(a) if a != account => {
                return Some(format!(
                    "names account {a}, the request comes from account {account}"
                ));
            }
            AwsPrincipalRef::Arn(arn) => {
                if let Some(parts) = split_arn(arn) {
                    if parts[4] != account && is_account_id(parts[4]) {
                        if let Some(mine) =
                            p.principal_arn().and_then(|m| account_difference(arn, &m))
                        {
                            return Some(format!(
                                "names account {}, the request comes from account {}",
                                mine.0, mine.1
                            ));
                        }
                    }
                }
                if let Principal::AssumedRole {
                    role_arn,
                    role_name,
                    ..
                } = p
                {
                    let same_name = arn.rsplit('/').next() == Some(role_name.as_str());
                    if same_name && arn.contains(":role/") && arn != role_arn {
                        return Some(format!(
                            "names {arn}; the session's role is known as {role_arn}: supply the role ARN with its path (aws:PrincipalArn in the request context)"
                        ));
                    }
                }
            }
            AwsPrincipalRef::Other(id)
                if id.len() > 4 && id.starts_with("AROA") || id.starts_with("AIDA") =>
            {
                return Some(format!(
                    "{id} is a unique id: the role or user it named was deleted"
                ));
            }
            _ => {}
        }
    }
    None
}

/// How many reasons `reasons` would give, without building them; `None` as soon as the count
/// reaches `limit` (ranking many statements must stay cheap: only the closest few matter).
fn count_reasons(
    a: &Applied,
    request: &Request,
    resource: &ArnText,
    vars: &RequestVars,
    limit: usize,
) -> Option<usize> {
    let s: &Statement = a.statement;
    let mut n = 0;
    let mut add = |miss: bool| {
        n += usize::from(miss);
        (n < limit).then_some(())
    };
    let action_hit = s
        .action
        .patterns
        .iter()
        .any(|p| p.pattern.matches(&request.action, true, vars) == Some(true));
    add(action_hit == s.action.negated)?;
    if let Some(r) = &s.resource {
        let hit = r
            .patterns
            .iter()
            .any(|p| p.pattern.matches_split(resource, vars) == Some(true));
        add(hit == r.negated)?;
    }
    if a.source == Source::Resource && a.principal == PrincipalMatch::None {
        add(match &s.principal {
            None => true,
            Some(b) => {
                (b.spec.match_principal(&request.principal) == PrincipalMatch::None) != b.negated
            }
        })?;
    }
    for c in &s.conditions {
        add(!c.evaluate(&request.context, vars).value.is_true())?;
    }
    Some(n)
}

/// Every reason the statement does not apply to the request (not stopping at the first).
fn reasons(
    a: &Applied,
    request: &Request,
    resource: &ArnText,
    vars: &RequestVars,
) -> Vec<MissReason> {
    let s: &Statement = a.statement;
    let mut out = Vec::new();
    let action_hit = s
        .action
        .patterns
        .iter()
        .any(|p| p.pattern.matches(&request.action, true, vars) == Some(true));
    if action_hit == s.action.negated {
        out.push(MissReason::ActionNotMatched {
            action: request.action.clone(),
            listed: s.action.patterns.iter().map(|p| p.text.clone()).collect(),
            not_action: s.action.negated,
        });
    }
    if let Some(r) = &s.resource {
        let hit = r
            .patterns
            .iter()
            .any(|p| p.pattern.matches_split(resource, vars) == Some(true));
        if hit == r.negated {
            let listed: Vec<String> = r.patterns.iter().map(|p| p.text.clone()).collect();
            let note = if let Some(v) = listed.iter().find(|t| variable_before_resource_part(t)) {
                Some(format!(
                    "{v} puts a policy variable before the fifth colon, where AWS takes it as literal text; variables work only in the resource part"
                ))
            } else if r.negated {
                None
            } else {
                account_note(
                    &listed,
                    std::slice::from_ref(&request.resource),
                    "the resource is in",
                )
            };
            out.push(MissReason::ResourceNotMatched {
                resource: request.resource.clone(),
                listed,
                not_resource: r.negated,
                note,
            });
        }
    }
    if a.source == Source::Resource && a.principal == PrincipalMatch::None {
        match &s.principal {
            None => out.push(MissReason::NoPrincipal),
            Some(b) => {
                // Only report it when the principal really is the problem.
                let m = b.spec.match_principal(&request.principal);
                if (m == PrincipalMatch::None) != b.negated {
                    out.push(MissReason::PrincipalNotMatched {
                        principal: request.principal.display(),
                        listed: b.spec.values(),
                        not_principal: b.negated,
                        note: if b.negated {
                            None
                        } else {
                            principal_note(&b.spec, &request.principal)
                        },
                    });
                }
            }
        }
    }
    for c in &s.conditions {
        let r = c.evaluate(&request.context, vars);
        if r.value.is_true() {
            continue;
        }
        if r.missing {
            out.push(MissReason::ConditionKeyMissing {
                operator: c.operator.clone(),
                key: c.key.clone(),
            });
            continue;
        }
        let actual: Option<Vec<String>> = request.context.get(&c.key).map(|v| v.values().to_vec());
        let note = if c.literal_wildcards() {
            Some(format!(
                "{} does not expand *; use StringLike/ArnLike",
                c.operator
            ))
        } else if c.is_negated() {
            None
        } else {
            actual
                .as_deref()
                .and_then(|a| account_note(&c.values, a, "the request comes from"))
        };
        out.push(MissReason::ConditionFailed {
            operator: c.operator.clone(),
            key: c.key.clone(),
            expected: c.values.clone(),
            actual,
            note,
        });
    }
    out
}

pub(crate) fn near_misses(
    applied: &[Applied],
    request: &Request,
    resource: &ArnText,
    vars: &RequestVars,
) -> Vec<NearMiss> {
    // The closest statements so far, sorted by reason count; ties keep policy order.
    let mut top: Vec<(usize, &Applied)> = Vec::with_capacity(MAX_NEAR_MISSES + 1);
    for a in applied
        .iter()
        .filter(|a| a.statement.effect == Effect::Allow && !a.value.is_true())
    {
        let limit = if top.len() == MAX_NEAR_MISSES {
            top[MAX_NEAR_MISSES - 1].0
        } else {
            usize::MAX
        };
        let Some(n) = count_reasons(a, request, resource, vars, limit) else {
            continue;
        };
        if n == 0 {
            continue;
        }
        let at = top.partition_point(|(m, _)| *m <= n);
        top.insert(at, (n, a));
        top.truncate(MAX_NEAR_MISSES);
    }
    top.into_iter()
        .map(|(_, a)| NearMiss {
            statement: StatementRef::new(a.policy, a.index, a.statement),
            reasons: reasons(a, request, resource, vars),
        })
        .collect()
}

pub(crate) fn unknown_keys(
    applied: &[Applied],
    request: &Request,
    vars: &RequestVars,
) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for a in applied.iter().filter(|a| a.value == Tri::Unknown) {
        for c in &a.statement.conditions {
            let r = c.evaluate(&request.context, vars);
            if r.value == Tri::Unknown
                && r.missing
                && !keys.iter().any(|k| k.eq_ignore_ascii_case(&c.key))
            {
                keys.push(c.key.clone());
            }
        }
    }
    keys
}

/// The facts a decision-level explanation needs.
pub(crate) struct Facts<'r> {
    pub(crate) same_account: bool,
    pub(crate) resource_account: Option<&'r str>,
    pub(crate) uses_identity: bool,
    pub(crate) kind: ResourcePolicyKind,
    pub(crate) has_resource_policy: bool,
    pub(crate) has_boundary: bool,
    pub(crate) deny: Tri,
    pub(crate) identity: Tri,
    pub(crate) id_allow: Tri,
    pub(crate) boundary: Tri,
    pub(crate) res_exact: Tri,
    pub(crate) res_role: Tri,
    pub(crate) res_account: Tri,
}

fn list(refs: &[StatementRef]) -> String {
    refs.iter()
        .map(StatementRef::describe)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn sentences(
    decision: Decision,
    f: &Facts,
    request: &Request,
    deciding: &[StatementRef],
    unknown_keys: &[String],
) -> Vec<String> {
    let p = request.principal.display();
    let what = format!("{} on {}", request.action, request.resource);
    let res_any = f.res_exact.or(f.res_role).or(f.res_account);
    let policy_word = match f.kind {
        ResourcePolicyKind::Generic => "resource policy",
        ResourcePolicyKind::RoleTrust => "trust policy",
        ResourcePolicyKind::KmsKey => "key policy",
    };
    let mut out = Vec::new();
    let scope = if !f.uses_identity && !matches!(request.principal, Principal::Account { .. }) {
        format!("{p} has no identity policies: only the {policy_word} can allow it")
    } else if f.same_account {
        match f.resource_account {
            Some(_) => "same-account request".to_string(),
            None => {
                "the resource's account is unknown: evaluated as a same-account request".to_string()
            }
        }
    } else {
        format!(
            "cross-account request (principal account {}, resource account {}): both an identity policy and the {policy_word} must allow",
            request.principal.account().unwrap_or("?"),
            f.resource_account.unwrap_or("?")
        )
    };
    match decision {
        Decision::Allowed => {
            out.push(format!("{what} is allowed for {p} by {}", list(deciding)));
            out.push(scope);
        }
        Decision::ExplicitlyDenied => {
            out.push(format!(
                "{what} is explicitly denied for {p} by {}: an explicit Deny overrides every Allow",
                list(deciding)
            ));
        }
        // Decided above the policies (`aws_rules`), which word it themselves.
        Decision::DeniedByAws => {
            out.push(format!(
                "{what} is denied by AWS for {p} whatever the policies say"
            ));
        }
        Decision::Unknown => {
            if unknown_keys.is_empty() {
                out.push(format!(
                    "{what} for {p} depends on policy variables that were not supplied"
                ));
            } else {
                out.push(format!(
                    "{what} for {p} depends on condition keys that were not supplied: {}",
                    unknown_keys.join(", ")
                ));
            }
            if f.deny == Tri::Unknown {
                out.push("an explicit Deny may apply, depending on those keys".to_string());
            }
            out.push(scope);
        }
        Decision::ImplicitlyDenied => {
            out.push(format!(
                "{what} is not allowed for {p} (implicit deny: nothing allows it)"
            ));
            out.push(scope);
            let services =
                !f.uses_identity && !matches!(request.principal, Principal::Account { .. });
            if !f.has_resource_policy && (services || f.kind != ResourcePolicyKind::Generic) {
                out.push(format!(
                    "there is no {policy_word}, and it alone can allow this request"
                ));
            } else if services {
                out.push(format!(
                    "no {policy_word} statement allows {p} to do {what}"
                ));
            } else if !f.same_account {
                match (res_any.is_true(), f.identity.is_true()) {
                    (true, false) => out.push(format!("cross-account request: the {policy_word} allows but no identity policy does")),
                    (false, true) if !f.has_resource_policy => out.push(format!("cross-account request: an identity policy allows but there is no {policy_word}")),
                    (false, true) => out.push(format!("cross-account request: an identity policy allows but the {policy_word} does not")),
                    _ => out.push(format!("cross-account request: neither an identity policy nor the {policy_word} allows it")),
                }
            } else if f.kind != ResourcePolicyKind::Generic && !res_any.is_true() {
                out.push(format!("the {policy_word} does not allow it, and it must allow explicitly (naming the account delegates to identity policies)"));
            } else if f.res_account.is_true() && !f.identity.is_true() {
                out.push(format!(
                    "the {policy_word} names account {}, which delegates to that account's identity policies, and none of them allows it",
                    request.principal.account().unwrap_or("?")
                ));
            } else if f.res_role.is_true() && !f.boundary.is_true() {
                out.push(format!("the {policy_word} names the role, but its permission boundary does not allow it (a boundary limits grants to the role ARN)"));
            } else {
                out.push(format!(
                    "no identity-policy or {policy_word} statement allows it"
                ));
            }
            if f.uses_identity && f.has_boundary && f.id_allow.is_true() && !f.boundary.is_true() {
                out.push(
                    "an identity policy allows it, but the permission boundary does not"
                        .to_string(),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_differences() {
        assert_eq!(
            account_difference("222222222222", "111111111111"),
            Some(("222222222222".into(), "111111111111".into()))
        );
        assert_eq!(account_difference("111111111111", "111111111111"), None);
        assert_eq!(
            account_difference(
                "arn:aws:glue:us-east-1:222222222222:integration:*",
                "arn:aws:glue:us-east-1:111111111111:integration:abc"
            ),
            Some(("222222222222".into(), "111111111111".into()))
        );
        // Also a different region: not "only the account".
        assert_eq!(
            account_difference(
                "arn:aws:glue:eu-west-1:222222222222:integration:*",
                "arn:aws:glue:us-east-1:111111111111:integration:abc"
            ),
            None
        );
        assert_eq!(
            account_difference(
                "arn:aws:glue:us-east-1:111111111111:x",
                "arn:aws:glue:us-east-1:111111111111:y"
            ),
            None
        );
    }

    #[test]
    fn reason_sentences() {
        let r = MissReason::ConditionFailed {
            operator: "StringEquals".into(),
            key: "aws:SourceArn".into(),
            expected: vec!["arn:*".into()],
            actual: Some(vec!["arn:x".into()]),
            note: Some("StringEquals does not expand *; use StringLike/ArnLike".into()),
        };
        assert_eq!(
            r.describe(),
            "condition StringEquals aws:SourceArn expects [\"arn:*\"], the request has [\"arn:x\"] (StringEquals does not expand *; use StringLike/ArnLike)"
        );
        let m = MissReason::ConditionKeyMissing {
            operator: "StringEquals".into(),
            key: "aws:SourceAccount".into(),
        };
        assert_eq!(m.describe(), "condition StringEquals aws:SourceAccount: the request context has no aws:SourceAccount");
    }
}
