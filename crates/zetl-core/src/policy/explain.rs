//! Why a request was not allowed: the closest Allow statements with precise reasons, and
//! decision-level sentences.

use serde::Serialize;

use super::context::RequestVars;
use super::document::{Effect, Statement};
use super::evaluate::{Applied, Decision, Request, ResourcePolicyKind, Source, StatementRef};
use super::matching::{split_arn, ArnPattern, ArnText, NoVars};
use super::principal::{AwsPrincipalRef, Principal, PrincipalMatch, PrincipalSpec};
use super::tri::Tri;
// The engine's sentences are data too: `[policy]` of rules/messages/<lang>.toml.
use crate::rules::messages::sentence;

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

/// A list of policy values as the sentences show it: `["a", "b"]`.
fn shown(values: &[String]) -> String {
    format!("{values:?}")
}

impl MissReason {
    /// One sentence.
    pub fn describe(&self) -> String {
        let with_note = |reason: String, note: &Option<String>| match note {
            Some(n) => sentence("policy.with_note", &[("reason", &reason), ("note", n)]),
            None => reason,
        };
        match self {
            MissReason::ActionNotMatched {
                action,
                listed,
                not_action,
            } => sentence(
                if *not_action {
                    "policy.action_in_not_action"
                } else {
                    "policy.action_not_in_action"
                },
                &[("action", action), ("listed", &shown(listed))],
            ),
            MissReason::ResourceNotMatched {
                resource,
                listed,
                not_resource,
                note,
            } => with_note(
                sentence(
                    if *not_resource {
                        "policy.resource_in_not_resource"
                    } else {
                        "policy.resource_not_matched"
                    },
                    &[("resource", resource), ("listed", &shown(listed))],
                ),
                note,
            ),
            MissReason::PrincipalNotMatched {
                principal,
                listed,
                not_principal,
                note,
            } => with_note(
                sentence(
                    if *not_principal {
                        "policy.principal_in_not_principal"
                    } else {
                        "policy.principal_not_named"
                    },
                    &[("principal", principal), ("listed", &shown(listed))],
                ),
                note,
            ),
            MissReason::NoPrincipal => sentence("policy.no_principal", &[]),
            MissReason::ConditionFailed {
                operator,
                key,
                expected,
                actual,
                note,
            } => {
                let expected = shown(expected);
                let mut values = vec![
                    ("operator", operator.as_str()),
                    ("key", key.as_str()),
                    ("expected", expected.as_str()),
                ];
                let actual = actual.as_deref().map(shown);
                let key = match &actual {
                    Some(a) => {
                        values.push(("actual", a));
                        "policy.condition_expects_has"
                    }
                    None => "policy.condition_expects",
                };
                with_note(sentence(key, &values), note)
            }
            MissReason::ConditionKeyMissing { operator, key } => sentence(
                "policy.condition_key_missing",
                &[("operator", operator), ("key", key)],
            ),
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
        sentence(
            "policy.does_not_apply",
            &[
                ("statement", &self.statement.describe()),
                ("reasons", &reasons.join("; ")),
            ],
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

/// `key`: `policy.note_resource_account` or `policy.note_request_account`.
fn account_note(expected: &[String], actual: &[String], key: &str) -> Option<String> {
    for e in expected {
        for a in actual {
            if let Some((x, y)) = account_difference(e, a) {
                return Some(sentence(key, &[("expected", &x), ("actual", &y)]));
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
                return Some(sentence(
                    "policy.note_request_account",
                    &[("expected", a), ("actual", account)],
                ));
            }
            AwsPrincipalRef::Arn(arn) => {
                if let Some(parts) = split_arn(arn) {
                    if parts[4] != account && is_account_id(parts[4]) {
                        if let Some(mine) =
                            p.principal_arn().and_then(|m| account_difference(arn, &m))
                        {
                            return Some(sentence(
                                "policy.note_request_account",
                                &[("expected", &mine.0), ("actual", &mine.1)],
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
                        return Some(sentence(
                            "policy.note_role_path",
                            &[("arn", arn), ("role_arn", role_arn)],
                        ));
                    }
                }
            }
            AwsPrincipalRef::Other(id)
                if id.len() > 4 && id.starts_with("AROA") || id.starts_with("AIDA") =>
            {
                return Some(sentence("policy.note_unique_id", &[("id", id)]));
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
                Some(sentence(
                    "policy.note_variable_before_resource",
                    &[("value", v)],
                ))
            } else if r.negated {
                None
            } else {
                account_note(
                    &listed,
                    std::slice::from_ref(&request.resource),
                    "policy.note_resource_account",
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
            Some(sentence(
                "policy.note_literal_wildcard",
                &[("operator", &c.operator)],
            ))
        } else if c.is_negated() {
            None
        } else {
            actual
                .as_deref()
                .and_then(|a| account_note(&c.values, a, "policy.note_request_account"))
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
    let what = sentence(
        "policy.request",
        &[("action", &request.action), ("resource", &request.resource)],
    );
    let res_any = f.res_exact.or(f.res_role).or(f.res_account);
    let policy_word = sentence(
        match f.kind {
            ResourcePolicyKind::Generic => "policy.word_resource_policy",
            ResourcePolicyKind::RoleTrust => "policy.word_trust_policy",
            ResourcePolicyKind::KmsKey => "policy.word_key_policy",
        },
        &[],
    );
    let principal_account = request.principal.account().unwrap_or("?");
    // Every sentence below may name the request, the principal and the policy kind.
    let say = |key: &str, more: &[(&str, &str)]| {
        let mut values = vec![
            ("request", what.as_str()),
            ("principal", p.as_str()),
            ("policy_word", policy_word.as_str()),
        ];
        values.extend_from_slice(more);
        sentence(key, &values)
    };
    let mut out = Vec::new();
    let scope = if !f.uses_identity && !matches!(request.principal, Principal::Account { .. }) {
        say("policy.no_identity_policies", &[])
    } else if f.same_account {
        match f.resource_account {
            Some(_) => say("policy.same_account", &[]),
            None => say("policy.unknown_resource_account", &[]),
        }
    } else {
        say(
            "policy.cross_account",
            &[
                ("principal_account", principal_account),
                ("resource_account", f.resource_account.unwrap_or("?")),
            ],
        )
    };
    match decision {
        Decision::Allowed => {
            out.push(say("policy.allowed", &[("statements", &list(deciding))]));
            out.push(scope);
        }
        Decision::ExplicitlyDenied => {
            out.push(say(
                "policy.explicitly_denied",
                &[("statements", &list(deciding))],
            ));
        }
        // Decided above the policies (`aws_rules`), which word it themselves.
        Decision::DeniedByAws => out.push(say("policy.denied_by_aws", &[])),
        Decision::Unknown => {
            if unknown_keys.is_empty() {
                out.push(say("policy.unknown_variables", &[]));
            } else {
                out.push(say(
                    "policy.unknown_keys",
                    &[("keys", &unknown_keys.join(", "))],
                ));
            }
            if f.deny == Tri::Unknown {
                out.push(say("policy.deny_may_apply", &[]));
            }
            out.push(scope);
        }
        Decision::ImplicitlyDenied => {
            out.push(say("policy.implicitly_denied", &[]));
            out.push(scope);
            let services =
                !f.uses_identity && !matches!(request.principal, Principal::Account { .. });
            let key = if !f.has_resource_policy
                && (services || f.kind != ResourcePolicyKind::Generic)
            {
                "policy.no_resource_policy_alone"
            } else if services {
                "policy.no_statement_allows"
            } else if !f.same_account {
                match (res_any.is_true(), f.identity.is_true()) {
                    (true, false) => "policy.cross_resource_only",
                    (false, true) if !f.has_resource_policy => "policy.cross_identity_no_policy",
                    (false, true) => "policy.cross_identity_only",
                    _ => "policy.cross_neither",
                }
            } else if f.kind != ResourcePolicyKind::Generic && !res_any.is_true() {
                "policy.must_allow_explicitly"
            } else if f.res_account.is_true() && !f.identity.is_true() {
                "policy.names_account_delegates"
            } else if f.res_role.is_true() && !f.boundary.is_true() {
                "policy.names_role_boundary"
            } else {
                "policy.nothing_allows"
            };
            out.push(say(key, &[("account", principal_account)]));
            if f.uses_identity && f.has_boundary && f.id_allow.is_true() && !f.boundary.is_true() {
                out.push(say("policy.boundary_blocks", &[]));
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
