//! `zetl.toml`: the same settings as the setup flags, plus report and gate settings,
//! suppressions and severity overrides. Flags override the file; `./zetl.toml` is read when
//! present and no `--config` is given.
//!
//! ```toml
//! source_table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
//! target_database = "arn:aws:glue:us-east-1:222222222222:database/lake"
//! target_role = "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole"
//! fail_on = "warning"
//! only = ["ZS", "ZT"]
//! creating_threshold = 45
//!
//! [[suppress]]
//! rule = "ZT012"
//! reason = "metrics are not collected in this account"
//! resource = "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole"
//!
//! [severity]
//! ZT012 = "error"
//! ```
//!
//! Many integrations at once: one `[[pair]]` table per source table; the top-level
//! `target_database` and `target_role` are the defaults of every pair.
//!
//! ```toml
//! target_database = "arn:aws:glue:us-east-1:222222222222:database/lake"
//! target_role = "arn:aws:iam::222222222222:role/service-role/ZeroEtlTargetRole"
//! concurrency = 8
//!
//! [[pair]]
//! source_table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
//!
//! [[pair]]
//! source_table = "arn:aws:dynamodb:us-east-1:111111111111:table/customers"
//! integration = "arn:aws:glue:us-east-1:111111111111:integration:0f6b1d5e-..."
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::report::{FailOn, Format, Severity};
use crate::setup::SetupFields;

mod keys;

/// zetl.toml. Unknown keys are refused by [`parse`], not by `deny_unknown_fields`: the top
/// level also holds the setup fields, which this struct does not read (see [`parse`]).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Config {
    /// `source_table`, `target_database`, ... at the top level: read by [`parse`].
    #[serde(skip)]
    pub fields: SetupFields,
    /// `[[pair]]`: one source table -> target database each (the top-level `target_database`
    /// and `target_role` are their defaults).
    #[serde(default)]
    pub pair: Vec<PairEntry>,
    /// Also check every existing integration between the two accounts (`--all`).
    pub all: Option<bool>,
    /// AWS requests in flight at most per account while collecting (`--concurrency`).
    pub concurrency: Option<usize>,
    /// human | json | sarif | markdown
    pub format: Option<Format>,
    /// error | warning | never
    pub fail_on: Option<FailOn>,
    pub allow_unknown: Option<bool>,
    #[serde(default)]
    pub only: Vec<String>,
    #[serde(default)]
    pub skip: Vec<String>,
    /// Minutes (rule ZI003).
    pub creating_threshold: Option<u32>,
    #[serde(default)]
    pub suppress: Vec<SuppressEntry>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressEntry {
    pub rule: String,
    pub reason: String,
    /// Only findings about this ARN.
    pub resource: Option<String>,
}

/// One `[[pair]]` table: a source table and, unless the top-level values apply, its target.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairEntry {
    pub source_table: Option<String>,
    pub target_database: Option<String>,
    pub target_role: Option<String>,
    /// This pair's existing integration (else found from table -> database).
    pub integration: Option<String>,
}

/// A config file that could not be used: which file and what is wrong (with the key).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

pub const DEFAULT_CONFIG: &str = "zetl.toml";

/// The config to use: `explicit` (must exist), else `./zetl.toml` when present, else none.
pub fn load(explicit: Option<&Path>) -> Result<Option<(PathBuf, Config)>, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from(DEFAULT_CONFIG);
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        file: path.clone(),
        message: format!("cannot read the file: {e}"),
    })?;
    let config = parse(&text).map_err(|message| ConfigError {
        file: path.clone(),
        message,
    })?;
    Ok(Some((path, config)))
}

/// Parse and check the text; the error names the key (and line) that is wrong.
///
/// The top level holds the setup fields ([`SetupFields`], declared once for flags and file)
/// beside `Config`'s own keys. serde's `flatten` would join the two structs but loses toml's
/// line numbers (and `deny_unknown_fields`), so toml reads the text once as each, and a key
/// neither reads is refused first, at its line.
pub fn parse(text: &str) -> Result<Config, String> {
    keys::refuse_unknown(text)?;
    let located = |e: toml::de::Error| at_line(text, e.span(), e.message());
    let config = Config {
        fields: toml::from_str(text).map_err(located)?,
        ..toml::from_str(text).map_err(located)?
    };
    for (i, s) in config.suppress.iter().enumerate() {
        if !is_rule_id(&s.rule) {
            return Err(format!(
                "suppress[{i}].rule: {:?} is not a rule ID (like \"ZT012\")",
                s.rule
            ));
        }
        if s.reason.trim().is_empty() {
            return Err(format!(
                "suppress[{i}].reason: a suppression needs a reason"
            ));
        }
        if let Some(r) = &s.resource {
            if !r.starts_with("arn:") {
                return Err(format!("suppress[{i}].resource: {r:?} is not an ARN"));
            }
        }
    }
    if !config.pair.is_empty() {
        // Per-pair values at the top level would apply to every pair: say where they go.
        for (key, set) in [
            ("source_table", config.fields.source_table.is_some()),
            ("integration", config.fields.integration.is_some()),
        ] {
            if set {
                return Err(format!(
                    "{key}: with [[pair]] tables, {key} belongs in its [[pair]] (the top-level \
                     value would name it for every pair)"
                ));
            }
        }
    }
    for (i, p) in config.pair.iter().enumerate() {
        if p.source_table
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            return Err(format!(
                "pair[{i}].source_table: every [[pair]] needs a source table"
            ));
        }
    }
    if config.concurrency == Some(0) {
        return Err("concurrency: must be at least 1".to_string());
    }
    for key in config.severity.keys() {
        if !is_rule_id(key) {
            return Err(format!("severity.{key}: not a rule ID (like \"ZT012\")"));
        }
    }
    for (name, list) in [("only", &config.only), ("skip", &config.skip)] {
        if let Some(bad) = list.iter().find(|s| !is_selector(s)) {
            return Err(format!(
                "{name}: {bad:?} is neither a rule ID nor a family (ZS, ZT, ZP, ZI, ZC)"
            ));
        }
    }
    Ok(config)
}

/// `message` after the line the span starts on (`line 3 `colour = true`: ...`): toml's
/// message carries a caret excerpt over several lines; one line reads well after the file name.
fn at_line(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> String {
    let at = span
        .map(|s| {
            let start = s.start.min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            let line_text = text.lines().nth(line - 1).unwrap_or_default().trim();
            format!("line {line} `{line_text}`: ")
        })
        .unwrap_or_default();
    format!("{at}{}", message.trim())
}

/// `ZS002`: two capital letters and three digits.
pub fn is_rule_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[0] == b'Z'
        && b[1].is_ascii_uppercase()
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// A rule ID or a family prefix (`ZS`), case-insensitive.
pub fn is_selector(s: &str) -> bool {
    let up = s.trim().to_ascii_uppercase();
    matches!(up.as_str(), "ZS" | "ZT" | "ZP" | "ZI" | "ZC") || is_rule_id(&up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_parses() {
        let c = parse(
            r#"
source_table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
fail_on = "warning"
allow_unknown = true
only = ["ZS", "ZT001"]
creating_threshold = 45
[[suppress]]
rule = "ZT012"
reason = "no metrics here"
[severity]
ZT012 = "error"
"#,
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.creating_threshold, Some(45));
        assert_eq!(c.suppress[0].rule, "ZT012");
        assert_eq!(c.severity["ZT012"], Severity::Error);
    }

    #[test]
    fn errors_name_the_key() {
        let e = parse("fail_on = \"sometimes\"").unwrap_err();
        assert!(e.contains("sometimes"), "{e}");
        let e = parse("colour = true").unwrap_err();
        assert!(e.contains("colour"), "{e}");
        let e = parse("[[suppress]]\nrule = \"ZT012\"\n").unwrap_err();
        assert!(e.contains("reason"), "{e}");
        let e = parse("[severity]\nZT012 = \"fatal\"\n").unwrap_err();
        assert!(e.contains("fatal"), "{e}");
        let e = parse("[[suppress]]\nrule = \"nope\"\nreason = \"x\"\n").unwrap_err();
        assert!(e.starts_with("suppress[0].rule"), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused_at_their_line() {
        let e = parse("fail_on = \"error\"\ncolour = true\n").unwrap_err();
        assert!(
            e.starts_with("line 2 `colour = true`: unknown field `colour`, expected one of "),
            "{e}"
        );
        // Every key the file may hold is offered, the setup fields first.
        assert!(e.contains("`source_table`, `target_database`"), "{e}");
        assert!(e.contains("`endpoint_url`, `pair`, `all`"), "{e}");
        let e = parse("region = \"us-east-1\"\n\n[colour]\nred = 1\n").unwrap_err();
        assert!(
            e.starts_with("line 3 `[colour]`: unknown field `colour`"),
            "{e}"
        );
    }

    #[test]
    fn a_wrongly_typed_setup_key_is_named_at_its_line() {
        let e = parse("fail_on = \"error\"\nsource_profile = 5\n").unwrap_err();
        assert_eq!(
            e,
            "line 2 `source_profile = 5`: invalid type: integer `5`, expected a string"
        );
        let e = parse("region = \"us-east-1\"\nconcurrency = \"8\"\n").unwrap_err();
        assert!(
            e.starts_with("line 2 `concurrency = \"8\"`: invalid type: string"),
            "{e}"
        );
        let c = parse("source_profile = \"src\"\nregion = \"eu-west-1\"\n").unwrap();
        assert_eq!(c.fields.source_profile.as_deref(), Some("src"));
        assert_eq!(c.fields.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn pairs_parse_with_top_level_defaults() {
        let c = parse(
            r#"
target_database = "arn:aws:glue:us-east-1:222222222222:database/lake"
target_role = "ZeroEtlTargetRole"
all = true
concurrency = 4
[[pair]]
source_table = "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
[[pair]]
source_table = "customers"
target_role = "OtherRole"
integration = "arn:aws:glue:us-east-1:111111111111:integration:abc"
"#,
        )
        .unwrap();
        assert_eq!(c.pair.len(), 2);
        assert_eq!(c.pair[1].source_table.as_deref(), Some("customers"));
        assert_eq!(c.pair[1].target_role.as_deref(), Some("OtherRole"));
        assert_eq!(c.pair[0].target_database, None);
        assert_eq!((c.all, c.concurrency), (Some(true), Some(4)));
    }

    #[test]
    fn pair_errors_name_the_key() {
        let e = parse("[[pair]]\ntarget_database = \"lake\"\n").unwrap_err();
        assert!(e.starts_with("pair[0].source_table"), "{e}");
        let e = parse("[[pair]]\nsource_table = \"a\"\ncolour = 1\n").unwrap_err();
        assert!(e.contains("colour"), "{e}");
        let e = parse("source_table = \"a\"\n[[pair]]\nsource_table = \"b\"\n").unwrap_err();
        assert!(e.starts_with("source_table: with [[pair]] tables"), "{e}");
        let e = parse("integration = \"arn:x\"\n[[pair]]\nsource_table = \"b\"\n").unwrap_err();
        assert!(e.starts_with("integration:"), "{e}");
        let e = parse("concurrency = 0").unwrap_err();
        assert!(e.starts_with("concurrency"), "{e}");
    }
}
