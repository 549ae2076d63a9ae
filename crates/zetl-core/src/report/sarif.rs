//! `--format sarif`: SARIF 2.1.0 for code-scanning uploads, with a small hand-written serde
//! model of just the parts zetl fills (as cfn-guard does) instead of a generated crate.
//!
//! One `rules[]` entry per catalog rule, one result per finding. GitHub rejects results
//! without `artifactLocation.uri`, so every result points at the `zetl.toml` or snapshot the
//! run used (`Report::source_file`), else at the resource ARN itself (as Prowler does).

use std::collections::{BTreeMap, HashMap};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Finding, Report, RuleSummary, Severity};

pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// Key of the fingerprint in `partialFingerprints`; bump the suffix if its recipe changes.
pub const FINGERPRINT_KEY: &str = "zetlFinding/v1";

pub fn render(report: &Report, rules: &[RuleSummary]) -> String {
    let mut out = super::to_pretty_json(&log(report, rules));
    out.push('\n');
    out
}

/// The SARIF log of a report.
pub fn log(report: &Report, rules: &[RuleSummary]) -> SarifLog {
    let rule_index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let results = report
        .findings
        .iter()
        .map(|f| result(f, report, rule_index.get(f.rule.as_str()).copied()))
        .collect();
    let notifications = report
        .notes
        .iter()
        .map(|note| Notification {
            level: "note",
            message: Message { text: note.clone() },
        })
        .collect();
    SarifLog {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool.name.clone(),
                    version: report.tool.version.clone(),
                    semantic_version: report.tool.version.clone(),
                    rules: rules.iter().map(descriptor).collect(),
                },
            },
            invocations: vec![Invocation {
                // The report exists, so the run completed; failing checks are results, and
                // checks that could not run are ZC001 results.
                execution_successful: true,
                end_time_utc: crate::time::timestamp(report.collected_at),
                tool_execution_notifications: notifications,
            }],
            results,
        }],
    }
}

fn descriptor(rule: &RuleSummary) -> ReportingDescriptor {
    ReportingDescriptor {
        id: rule.id.clone(),
        name: rule.slug.clone(),
        short_description: Message {
            text: rule.title.clone(),
        },
        full_description: Message {
            text: rule.summary.clone(),
        },
        help_uri: rule.docs.first().cloned(),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags: vec![rule.side.name().to_string()],
        },
    }
}

fn result(finding: &Finding, report: &Report, rule_index: Option<usize>) -> SarifResult {
    let uri = match &report.source_file {
        Some(file) => file_uri(file),
        None => arn_uri(&finding.resource),
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY, fingerprint(finding));
    SarifResult {
        rule_id: finding.rule.clone(),
        rule_index,
        level: level(finding.severity),
        message: Message {
            text: message_text(finding),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: Region { start_line: 1 },
            },
            logical_locations: vec![LogicalLocation {
                name: finding.resource.clone(),
                fully_qualified_name: finding.resource.clone(),
                kind: "resource",
            }],
        }],
        partial_fingerprints: fingerprints,
        properties: ResultProperties {
            side: finding.side,
            pair: finding.pair.clone(),
            evidence: finding.evidence.clone(),
            fix: finding.fix.clone(),
        },
    }
}

/// The finding's message, then its fix: summary and commands (the policy stays in
/// `properties.fix`, too long for an alert's text).
fn message_text(finding: &Finding) -> String {
    let mut text = finding.message.clone();
    if let Some(fix) = &finding.fix {
        text.push_str("\n\nFix: ");
        text.push_str(&fix.summary);
        for command in &fix.commands {
            text.push_str("\n  ");
            text.push_str(command);
        }
        if fix.policy.is_some() {
            text.push_str("\n  (complete policy document in properties.fix.policy)");
        }
    }
    text
}

/// sha256 of rule, resource and pair: the same problem on the same resource keeps its
/// fingerprint across runs even when the message's wording or the evidence changes.
fn fingerprint(finding: &Finding) -> String {
    let mut hasher = Sha256::new();
    for part in [
        finding.rule.as_str(),
        finding.resource.as_str(),
        finding.pair.as_deref().unwrap_or(""),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]); // separator: ("ab","c") and ("a","bc") differ
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Characters escaped in URIs: everything but unreserved characters, sub-delimiters, `:`,
/// `@` and `/` (RFC 3986 path characters), so ARNs and ordinary paths stay readable.
const URI_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/');

/// A file path as a relative or absolute URI reference (`/` separators, percent-escapes).
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let encoded = utf8_percent_encode(&path, URI_ESCAPES).to_string();
    // A `:` in the first segment would read as a URI scheme (`C:/x`, `a:b.json`).
    let first_segment = encoded.split('/').next().unwrap_or("");
    if first_segment.contains(':') {
        format!("./{encoded}")
    } else {
        encoded
    }
}

/// An ARN is already a URI (scheme `arn`); only characters a URI cannot hold are escaped.
fn arn_uri(arn: &str) -> String {
    utf8_percent_encode(arn, URI_ESCAPES).to_string()
}

// ---- The SARIF 2.1.0 subset zetl writes (field names as the schema). ----

#[derive(Debug, Serialize)]
pub struct SarifLog {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
pub struct Run {
    pub tool: Tool,
    pub invocations: Vec<Invocation>,
    pub results: Vec<SarifResult>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: String,
    pub version: String,
    pub semantic_version: String,
    pub rules: Vec<ReportingDescriptor>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: String,
    pub name: String,
    pub short_description: Message,
    pub full_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    pub default_configuration: Configuration,
    pub properties: RuleProperties,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Debug, Serialize)]
pub struct RuleProperties {
    pub tags: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    pub end_time_utc: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Debug, Serialize)]
pub struct Notification {
    pub level: &'static str,
    pub message: Message,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    pub partial_fingerprints: BTreeMap<&'static str, String>,
    pub properties: ResultProperties,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
    pub logical_locations: Vec<LogicalLocation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    pub name: String,
    pub fully_qualified_name: String,
    pub kind: &'static str,
}

/// zetl's own data on a result (SARIF property bag).
#[derive(Debug, Serialize)]
pub struct ResultProperties {
    pub side: super::Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pair: Option<String>,
    pub evidence: serde_json::Value,
    pub fix: Option<super::Fix>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_paths_become_uri_references() {
        assert_eq!(file_uri("zetl.toml"), "zetl.toml");
        assert_eq!(
            file_uri("fixtures/demo/a b.json"),
            "fixtures/demo/a%20b.json"
        );
        assert_eq!(file_uri("C:\\work\\zetl.toml"), "./C:/work/zetl.toml");
        assert_eq!(file_uri("/abs/snap#1.json"), "/abs/snap%231.json");
    }

    #[test]
    fn arns_stay_readable_uris() {
        assert_eq!(
            arn_uri("arn:aws:dynamodb:us-east-1:111111111111:table/orders"),
            "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
        );
        assert_eq!(arn_uri("arn:aws:s3:::b/a key"), "arn:aws:s3:::b/a%20key");
    }

    #[test]
    fn fingerprint_depends_on_rule_resource_and_pair_only() {
        let base = Finding {
            rule: "ZS002".into(),
            severity: Severity::Error,
            side: super::super::Side::Source,
            resource: "arn:r".into(),
            message: "m".into(),
            evidence: serde_json::Value::Null,
            fix: None,
            pair: Some("p".into()),
        };
        let reworded = Finding {
            message: "other words".into(),
            evidence: serde_json::json!({"x": 1}),
            ..base.clone()
        };
        let other_pair = Finding {
            pair: Some("q".into()),
            ..base.clone()
        };
        assert_eq!(fingerprint(&base), fingerprint(&reworded));
        assert_ne!(fingerprint(&base), fingerprint(&other_pair));
        assert_eq!(fingerprint(&base).len(), 64);
    }
}
