//! Static reads of policy documents for the hygiene-style access rules: statements that name
//! Glue without confused-deputy keys (ZS006), broad catalog grants (ZT007), grants some guides
//! add that AWS does not require (ZT016), principals named by unique id (ZC002), ARNs that
//! match nothing (ZC003).

use crate::rules::messages::sentence;
use serde::Serialize;

use crate::policy::{AwsPrincipalRef, Effect, PolicyDocument, PrincipalSpec, Statement};

use crate::rules::engine::principals::GLUE_SERVICE;

const CONFUSED_DEPUTY_KEYS: [&str; 4] = [
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

fn names_service(spec: &PrincipalSpec, service: &str) -> bool {
    match spec {
        PrincipalSpec::Wildcard => false,
        PrincipalSpec::Map { service: s, .. } => s.iter().any(|v| v.eq_ignore_ascii_case(service)),
    }
}

fn names_everyone(spec: &PrincipalSpec) -> bool {
    match spec {
        PrincipalSpec::Wildcard => true,
        PrincipalSpec::Map { aws, .. } => aws.contains(&AwsPrincipalRef::Any),
    }
}

fn allow_with_principal(s: &Statement) -> Option<&PrincipalSpec> {
    if s.effect != Effect::Allow {
        return None;
    }
    match &s.principal {
        Some(b) if !b.negated => Some(&b.spec),
        _ => None,
    }
}

fn actions(s: &Statement) -> Vec<String> {
    s.action.patterns.iter().map(|p| p.text.clone()).collect()
}

/// ZS006: Allow statements for Glue (or everyone) with none of the confused-deputy keys.
pub fn unscoped_service_grants(doc: &PolicyDocument) -> Vec<usize> {
    doc.statements
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            allow_with_principal(s)
                .is_some_and(|p| names_service(p, GLUE_SERVICE) || names_everyone(p))
                && !s.conditions.iter().any(|c| {
                    CONFUSED_DEPUTY_KEYS
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(&c.key))
                })
        })
        .map(|(i, _)| i)
        .collect()
}

/// A catalog grant broader than zero-ETL needs (ZT007).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BroadGrant {
    pub index: usize,
    pub sid: Option<String>,
    /// `*`, or the foreign account id.
    pub grantee: String,
    pub actions: Vec<String>,
}

/// ZT007: Allow statements for `*` or a whole foreign account, without conditions, whose
/// actions reach beyond `glue:CreateInboundIntegration`.
pub fn broad_catalog_grants(doc: &PolicyDocument, target_account: &str) -> Vec<BroadGrant> {
    let mut out = Vec::new();
    for (index, s) in doc.statements.iter().enumerate() {
        let Some(spec) = allow_with_principal(s) else {
            continue;
        };
        if !s.conditions.is_empty() {
            continue;
        }
        let grantee = if names_everyone(spec) {
            Some("*".to_string())
        } else if let PrincipalSpec::Map { aws, .. } = spec {
            aws.iter().find_map(|a| match a {
                AwsPrincipalRef::Account(acct) if acct != target_account => Some(acct.clone()),
                _ => None,
            })
        } else {
            None
        };
        let Some(grantee) = grantee else { continue };
        let acts = actions(s);
        let beyond = s.action.negated
            || acts.iter().any(|a| {
                let l = a.to_ascii_lowercase();
                (l == "*" || l.starts_with("glue:")) && l != "glue:createinboundintegration"
            });
        if beyond {
            out.push(BroadGrant {
                index,
                sid: s.sid.clone(),
                grantee,
                actions: acts,
            });
        }
    }
    out
}

/// Table-work actions some guides grant the Glue service in the catalog policy.
const TABLE_ACTIONS: [&str; 7] = [
    "glue:createtable",
    "glue:updatetable",
    "glue:gettable",
    "glue:gettables",
    "glue:getdatabase",
    "glue:deletetable",
    "glue:createinboundintegration",
];

/// ZT016: catalog statements granting the Glue service actions AWS does not require of it
/// (CreateInboundIntegration, table actions). Only statements made entirely of those.
pub fn extra_service_grants(doc: &PolicyDocument) -> Vec<usize> {
    doc.statements
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            allow_with_principal(s).is_some_and(|p| names_service(p, GLUE_SERVICE))
                && !s.action.negated
                && !s.action.patterns.is_empty()
                && s.action
                    .patterns
                    .iter()
                    .all(|a| TABLE_ACTIONS.contains(&a.text.to_ascii_lowercase().as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}

/// ZC002: principals named by unique id (`AROA...` role, `AIDA...` user).
pub fn unique_id_principals(doc: &PolicyDocument) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, s) in doc.statements.iter().enumerate() {
        if let Some(PrincipalSpec::Map { aws, .. }) = s.principal.as_ref().map(|b| &b.spec) {
            for a in aws {
                if let AwsPrincipalRef::Other(v) = a {
                    if v.starts_with("AROA") || v.starts_with("AIDA") {
                        out.push((i, v.clone()));
                    }
                }
            }
        }
    }
    out
}

/// An ARN in a policy that can never match (ZC003).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadArn {
    pub index: usize,
    pub arn: String,
    pub why: String,
    pub corrected: Option<String>,
}

const GLUE_TYPES: [&str; 21] = [
    "catalog",
    "database",
    "table",
    "tableVersion",
    "connection",
    "userDefinedFunction",
    "devendpoint",
    "job",
    "trigger",
    "crawler",
    "workflow",
    "mlTransform",
    "blueprint",
    "session",
    "registry",
    "schema",
    "dataQualityRuleset",
    "customEntityType",
    "integration",
    "integrationresourceproperty",
    "usageProfile",
];

/// ZC003: Resource entries that do not parse as ARNs or name a Glue / DynamoDB resource
/// type that does not exist. `database_name` fills the corrected Glue table ARN.
pub fn bad_arns(doc: &PolicyDocument, database_name: &str) -> Vec<BadArn> {
    let mut out = Vec::new();
    for (index, s) in doc.statements.iter().enumerate() {
        let Some(r) = &s.resource else { continue };
        for p in &r.patterns {
            if let Some((why, corrected)) = check_arn(&p.text, database_name) {
                out.push(BadArn {
                    index,
                    arn: p.text.clone(),
                    why,
                    corrected,
                });
            }
        }
    }
    out
}

fn check_arn(arn: &str, database_name: &str) -> Option<(String, Option<String>)> {
    if arn == "*" {
        return None;
    }
    let Some(parts) = crate::arn::Arn::parse(arn) else {
        return Some((sentence("arn.not_an_arn", &[]), None));
    };
    let resource = parts.resource;
    let prefix = format!(
        "arn:{}:{}:{}:{}",
        parts.partition, parts.service, parts.region, parts.account
    );
    match parts.service {
        "glue" => check_glue(&prefix, resource, database_name),
        "dynamodb" => check_dynamodb(resource),
        _ => None,
    }
}

fn check_glue(
    prefix: &str,
    resource: &str,
    database_name: &str,
) -> Option<(String, Option<String>)> {
    if resource.contains('*') && !resource.contains('/') {
        return None;
    }
    let (kind, rest) = match resource.split_once(['/', ':']) {
        Some((k, r)) => (k, Some(r)),
        None => (resource, None),
    };
    if kind.contains('*') || kind.contains('?') {
        return None;
    }
    if !GLUE_TYPES.contains(&kind) {
        return Some((sentence("arn.no_glue_type", &[("kind", kind)]), None));
    }
    let wild = |s: &str| s.contains('*') || s.contains('?');
    match (kind, rest) {
        ("database", None) | ("database", Some("")) => Some((
            sentence("arn.glue_database_without_name", &[]),
            Some(format!("{prefix}:database/{database_name}")),
        )),
        ("table", Some(r)) if !wild(r) && !r.contains('/') => Some((
            sentence("arn.glue_table_without_database", &[]),
            Some(format!(
                "{prefix}:table/{database_name}/{}",
                r.to_lowercase()
            )),
        )),
        ("table", None) | ("table", Some("")) => Some((
            sentence("arn.glue_table_without_name", &[]),
            Some(format!("{prefix}:table/{database_name}/*")),
        )),
        _ => None,
    }
}

fn check_dynamodb(resource: &str) -> Option<(String, Option<String>)> {
    let mut segs = resource.split('/');
    let kind = segs.next().unwrap_or_default();
    if kind.contains('*') {
        return None;
    }
    if !["table", "global-table"].contains(&kind) {
        return Some((sentence("arn.no_dynamodb_type", &[("kind", kind)]), None));
    }
    let _name = segs.next();
    match segs.next() {
        None => None,
        Some(sub) if sub.contains('*') => None,
        Some(sub) if ["index", "stream", "export", "backup", "import"].contains(&sub) => None,
        Some(sub) => Some((sentence("arn.no_table_subresource", &[("sub", sub)]), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: serde_json::Value) -> PolicyDocument {
        PolicyDocument::from_value(&v).unwrap()
    }

    #[test]
    fn zs006_finds_glue_without_source_keys() {
        let d = doc(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "dynamodb:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "dynamodb:*", "Resource": "*",
             "Condition": {"StringLike": {"aws:sourcearn": "arn:aws:glue:*"}}},
            {"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "dynamodb:*", "Resource": "*"}]}));
        assert_eq!(unscoped_service_grants(&d), vec![0, 2]);
    }

    #[test]
    fn zt007_and_zt016_on_the_seed_catalog_policy() {
        let d = doc(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "glue:CreateInboundIntegration",
             "Resource": "arn:aws:glue:us-east-1:222222222222:database/lake",
             "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "glue:CreateInboundIntegration",
             "Resource": ["arn:aws:glue:us-east-1:222222222222:catalog", "arn:aws:glue:us-east-1:222222222222:database/lake"]},
            {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "glue:AuthorizeInboundIntegration",
             "Resource": ["arn:aws:glue:us-east-1:222222222222:catalog", "arn:aws:glue:us-east-1:222222222222:database/lake"]},
            {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
             "Action": ["glue:UpdateTable", "glue:CreateTable", "glue:GetDatabase", "glue:GetTable"],
             "Resource": ["arn:aws:glue:us-east-1:222222222222:database/lake", "arn:aws:glue:us-east-1:222222222222:table/orders"]}]}));
        assert!(broad_catalog_grants(&d, "222222222222").is_empty());
        assert_eq!(extra_service_grants(&d), vec![0, 3]);
        let bad = bad_arns(&d, "lake");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].index, 3);
        assert_eq!(
            bad[0].corrected.as_deref(),
            Some("arn:aws:glue:us-east-1:222222222222:table/lake/orders")
        );
    }

    #[test]
    fn zt007_flags_foreign_account_with_glue_star() {
        let d = doc(json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Wide", "Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "glue:*", "Resource": "*"}]}));
        let g = broad_catalog_grants(&d, "222222222222");
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].grantee, "111111111111");
        assert!(broad_catalog_grants(&d, "111111111111").is_empty());
    }

    #[test]
    fn zc002_unique_ids() {
        let d = doc(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["AROAEXAMPLEID", "arn:aws:iam::1:role/x"]}, "Action": "glue:*", "Resource": "*"}]}));
        assert_eq!(
            unique_id_principals(&d),
            vec![(0, "AROAEXAMPLEID".to_string())]
        );
    }

    #[test]
    fn good_arns_pass_zc003() {
        for arn in [
            "arn:aws:glue:us-east-1:1:catalog",
            "arn:aws:glue:us-east-1:1:database/lake",
            "arn:aws:glue:us-east-1:1:table/lake/*",
            "arn:aws:glue:us-east-1:1:table/*",
            "arn:aws:glue:us-east-1:1:integration:*",
            "arn:aws:glue:*:*:*",
            "arn:aws:dynamodb:us-east-1:1:table/orders/export/*",
            "arn:aws:s3:::bucket/*",
        ] {
            assert_eq!(check_arn(arn, "lake"), None, "{arn}");
        }
        assert!(check_arn("arn:aws:glue:us-east-1:1:databases/lake", "lake").is_some());
        assert!(check_arn("glue:table", "lake").is_some());
    }
}
