//! The rule runner: for each source -> target pair, runs every catalog rule's check (in
//! dependency order), applies `depends_on` skipping, `--only/--skip`, suppressions and severity
//! overrides, and turns outcomes into report `Check`s and `Finding`s using the rules' texts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::checks;
use super::outcome::{Outcome, Problem};
use super::pair::PairFacts;
use crate::report::{
    Check, Finding, Fix, Report, ReportAccounts, Severity, Side, Status, Summary, Tool,
    REPORT_SCHEMA,
};
use crate::snapshot::Snapshot;

/// The runner's view of one catalog rule (built from `rules/<ID>.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSpec {
    pub id: String,
    pub slug: String,
    pub severity: Severity,
    pub side: Side,
    pub title: String,
    pub depends_on: Vec<String>,
    /// `zetl fix` applies this rule's fix.
    pub auto_fix: bool,
    /// `[messages]`: key -> template with `{placeholders}`.
    pub messages: BTreeMap<String, String>,
    /// `[fix]` under the key `""`, `[fix.<variant>]` under the variant name.
    pub fixes: BTreeMap<String, FixTemplate>,
}

impl From<&super::catalog::Rule> for RuleSpec {
    fn from(r: &super::catalog::Rule) -> Self {
        let mut fixes = BTreeMap::new();
        if let Some(fix) = &r.fix {
            let convert = |t: &super::catalog::FixTemplate| FixTemplate {
                summary: t.summary.clone(),
                commands: t.commands.clone(),
            };
            if let Some(d) = &fix.default {
                fixes.insert(String::new(), convert(d));
            }
            for (name, t) in &fix.variants {
                fixes.insert(name.clone(), convert(t));
            }
        }
        RuleSpec {
            id: r.id.clone(),
            slug: r.slug.clone(),
            severity: r.severity,
            side: r.side,
            title: r.title.clone(),
            depends_on: r.depends_on.clone(),
            auto_fix: r.auto_fix,
            messages: r.messages.clone(),
            fixes,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FixTemplate {
    pub summary: String,
    pub commands: Vec<String>,
}

/// `[[suppress]]` in zetl.toml: accept a known finding, with a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub rule: String,
    pub reason: String,
    /// Only findings about this ARN; `None` = every finding of the rule.
    pub resource: Option<String>,
}

/// How to run: the settings that come from flags and zetl.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Minutes after CreateTime at which a CREATING integration is reported (ZI003).
    pub creating_threshold_minutes: u32,
    /// Rule IDs or families (`ZS`) to run; empty = all.
    pub only: Vec<String>,
    /// Rule IDs or families to skip.
    pub skip: Vec<String>,
    pub suppressions: Vec<Suppression>,
    /// `[severity]` in zetl.toml, e.g. ZT012 = "error".
    pub severity_overrides: BTreeMap<String, Severity>,
    /// Named profiles per account, for the `{profile}` placeholder in fix commands
    /// (empty for snapshots collected without one).
    pub source_profile: Option<String>,
    pub target_profile: Option<String>,
    /// Keep what passing checks saw in the report (`doctor -v`).
    pub pass_evidence: bool,
}

pub const DEFAULT_CREATING_THRESHOLD_MINUTES: u32 = 30;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            creating_threshold_minutes: DEFAULT_CREATING_THRESHOLD_MINUTES,
            only: Vec::new(),
            skip: Vec::new(),
            suppressions: Vec::new(),
            severity_overrides: BTreeMap::new(),
            source_profile: None,
            target_profile: None,
            pass_evidence: false,
        }
    }
}

impl Settings {
    /// Whether `--only/--skip` select the rule (an ID or its family prefix matches).
    pub fn selects(&self, rule_id: &str) -> bool {
        let matches = |sel: &String| {
            let sel = sel.trim();
            sel.eq_ignore_ascii_case(rule_id)
                || (sel.len() == 2 && rule_id.len() > 2 && rule_id[..2].eq_ignore_ascii_case(sel))
        };
        (self.only.is_empty() || self.only.iter().any(matches)) && !self.skip.iter().any(matches)
    }
}

/// What a check can see besides the pair: settings and the outcomes of rules already run for
/// this pair (prerequisites always run first; ZI001 and ZC001 run after every other rule).
pub struct CheckContext<'a> {
    pub settings: &'a Settings,
    pub rules: &'a [RuleSpec],
    /// Outcomes so far for this pair, by rule ID (every rule, selected or not).
    pub earlier: &'a BTreeMap<String, Outcome>,
    /// The rules `--only/--skip` selected (ZC001 reports only their unknowns).
    pub selected: &'a BTreeSet<String>,
}

/// A check: one function per rule ID, registered in `checks::REGISTRY`.
pub type CheckFn = for<'s, 'a> fn(&PairFacts<'s>, &CheckContext<'a>) -> Outcome;

/// Rules that read every other rule's outcome, so they run last (in this order).
const RUN_LAST: [&str; 2] = ["ZI001", "ZC001"];

/// Rules about a general-purpose bucket location: `skipped` (never failed) for S3 Tables.
pub const GENERAL_PURPOSE_BUCKET_RULES: [&str; 4] = ["ZT002", "ZT003", "ZT010", "ZT017"];

/// Said once per report: what no snapshot can show.
pub const INVISIBLE_POLICIES_NOTE: &str = "Service control policies (SCPs), resource control policies (RCPs) and session policies are not visible to the doctor: a check that passes here can still be denied by them, and nothing in this report claims they allow anything.";

/// Evaluate every pair of the snapshot against the rules.
pub fn run(snapshot: &Snapshot, rules: &[RuleSpec], settings: &Settings) -> Report {
    let mut checks_out = Vec::new();
    let mut findings = Vec::new();
    let mut notes = vec![INVISIBLE_POLICIES_NOTE.to_string()];
    let order = evaluation_order(rules);
    for pair in &snapshot.setup.pairs {
        let facts = PairFacts::new(snapshot, pair);
        let (mut c, mut f, n) = run_pair(&facts, rules, &order, settings);
        checks_out.append(&mut c);
        findings.append(&mut f);
        for note in n {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    Report {
        schema: REPORT_SCHEMA.to_string(),
        tool: Tool::default(),
        accounts: ReportAccounts {
            source: snapshot.accounts.source.id.clone(),
            target: snapshot.accounts.target.id.clone(),
        },
        collected_at: snapshot.collected_at,
        summary: Summary::of(&checks_out, &findings),
        checks: checks_out,
        findings,
        notes,
        source_file: None,
    }
}

/// Outcomes of every rule for one pair, by rule ID (before selection and suppression).
pub fn evaluate_pair(
    facts: &PairFacts<'_>,
    rules: &[RuleSpec],
    settings: &Settings,
) -> BTreeMap<String, Outcome> {
    let order = evaluation_order(rules);
    evaluate(facts, rules, &order, settings)
}

fn evaluate(
    facts: &PairFacts<'_>,
    rules: &[RuleSpec],
    order: &[usize],
    settings: &Settings,
) -> BTreeMap<String, Outcome> {
    let selected: BTreeSet<String> = rules
        .iter()
        .filter(|r| settings.selects(&r.id))
        .map(|r| r.id.clone())
        .collect();
    let mut earlier: BTreeMap<String, Outcome> = BTreeMap::new();
    // Rules skipped because a prerequisite failed: their dependents are skipped too.
    let mut dependency_skipped: BTreeSet<String> = BTreeSet::new();
    for &i in order {
        let rule = &rules[i];
        let blocked = rule.depends_on.iter().find(|dep| {
            matches!(earlier.get(*dep), Some(Outcome::Fail(_))) || dependency_skipped.contains(*dep)
        });
        let outcome =
            if facts.s3_tables_target && GENERAL_PURPOSE_BUCKET_RULES.contains(&rule.id.as_str()) {
                Outcome::skipped("S3 Tables target: this rule is about a general-purpose S3 bucket")
            } else if let Some(dep) = blocked {
                dependency_skipped.insert(rule.id.clone());
                Outcome::skipped(format!("{dep} failed: {} needs what it checks", rule.id))
            } else {
                let ctx = CheckContext {
                    settings,
                    rules,
                    earlier: &earlier,
                    selected: &selected,
                };
                match checks::lookup(&rule.id) {
                    Some(check) => check(facts, &ctx),
                    None => Outcome::unknown("not implemented", None),
                }
            };
        earlier.insert(rule.id.clone(), outcome);
    }
    earlier
}

type PairResult = (Vec<Check>, Vec<Finding>, Vec<String>);

fn run_pair(
    facts: &PairFacts<'_>,
    rules: &[RuleSpec],
    order: &[usize],
    settings: &Settings,
) -> PairResult {
    let outcomes = evaluate(facts, rules, order, settings);
    let label = facts.label();
    let mut checks_out = Vec::new();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    // Report in catalog order, whatever the evaluation order was.
    for rule in rules {
        let outcome = outcomes
            .get(&rule.id)
            .cloned()
            .unwrap_or_else(|| Outcome::unknown("not evaluated", None));
        let mut check = Check {
            rule: rule.id.clone(),
            status: Status::Pass,
            pair: label.clone(),
            reason: None,
            evidence: None,
        };
        if !settings.selects(&rule.id) {
            check.status = Status::Skipped;
            check.reason = Some("not selected (--only/--skip)".into());
            checks_out.push(check);
            continue;
        }
        match outcome {
            Outcome::Pass { evidence } => {
                if settings.pass_evidence {
                    check.evidence = Some(evidence);
                }
            }
            Outcome::Skipped { reason } => {
                check.status = Status::Skipped;
                check.reason = Some(reason);
            }
            Outcome::Unknown { reason, .. } => {
                check.status = Status::Unknown;
                check.reason = Some(reason);
            }
            Outcome::Fail(mut problems) => {
                if problems.is_empty() {
                    problems.push(Problem::new("fail", facts.table_arn.clone()));
                }
                let total = problems.len();
                let mut suppressed_reason = None;
                for problem in problems {
                    if let Some(s) = suppression_for(settings, &rule.id, &problem.resource) {
                        suppressed_reason.get_or_insert_with(|| s.reason.clone());
                        continue;
                    }
                    let (finding, note) = finding(facts, rule, problem, settings, &label);
                    findings.push(finding);
                    notes.extend(note);
                }
                let kept = findings
                    .iter()
                    .filter(|f| f.rule == rule.id && f.pair.as_deref() == Some(&label))
                    .count();
                if kept == 0 && total > 0 {
                    check.status = Status::Suppressed;
                    check.reason = suppressed_reason;
                } else {
                    check.status = Status::Fail;
                }
            }
        }
        checks_out.push(check);
    }
    (checks_out, findings, notes)
}

fn suppression_for<'a>(
    settings: &'a Settings,
    rule: &str,
    resource: &str,
) -> Option<&'a Suppression> {
    settings.suppressions.iter().find(|s| {
        s.rule.eq_ignore_ascii_case(rule) && s.resource.as_deref().is_none_or(|r| r == resource)
    })
}

/// Prerequisites before dependents; RUN_LAST rules at the end. Cycles (a catalog bug the
/// catalog's own tests reject) fall back to catalog order rather than looping.
fn evaluation_order(rules: &[RuleSpec]) -> Vec<usize> {
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut order = Vec::with_capacity(rules.len());
    let mut placed = vec![false; rules.len()];
    let last: Vec<usize> = RUN_LAST
        .iter()
        .filter_map(|id| index.get(id).copied())
        .collect();
    let regular: Vec<usize> = (0..rules.len()).filter(|i| !last.contains(i)).collect();
    loop {
        let before = order.len();
        for &i in &regular {
            if placed[i] {
                continue;
            }
            let ready = rules[i].depends_on.iter().all(|d| {
                index
                    .get(d.as_str())
                    .is_none_or(|&j| placed[j] || last.contains(&j))
            });
            if ready {
                placed[i] = true;
                order.push(i);
            }
        }
        if order.len() == regular.len() {
            break;
        }
        if order.len() == before {
            for &i in &regular {
                if !placed[i] {
                    placed[i] = true;
                    order.push(i);
                }
            }
            break;
        }
    }
    order.extend(last);
    order
}

/// The values every template may use, for this pair.
pub fn pair_params(
    facts: &PairFacts<'_>,
    side: Side,
    settings: &Settings,
) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_string(), v);
    };
    put("table", facts.table_name.clone());
    put("table_name", facts.table_name.clone());
    put("table_arn", facts.table_arn.clone());
    put("region", facts.source_region.clone());
    put("source_region", facts.source_region.clone());
    put("target_region", facts.target_region.clone());
    put("source_account", facts.source_account.clone());
    put("target_account", facts.target_account.clone());
    put("database", facts.database_name.clone());
    put("database_arn", facts.database_arn.clone());
    put("catalog_arn", facts.catalog_arn.clone());
    let role = facts.target_role.clone().unwrap_or_default();
    put(
        "role_name",
        role.rsplit('/').next().unwrap_or_default().to_string(),
    );
    put("role", role.clone());
    put("role_arn", role);
    if let Some(l) = &facts.location {
        put("bucket", l.bucket.clone());
        put("prefix", l.prefix.clone());
    }
    if let Some(i) = facts.existing_integration() {
        put("integration_arn", i.integration.integration_arn.clone());
    }
    let profile = match side {
        Side::Source | Side::Principal => settings.source_profile.as_deref(),
        _ => settings.target_profile.as_deref(),
    };
    put(
        "profile",
        profile
            .map(|p| format!(" --profile {p}"))
            .unwrap_or_default(),
    );
    put(
        "source_profile",
        settings
            .source_profile
            .as_deref()
            .map(|p| format!(" --profile {p}"))
            .unwrap_or_default(),
    );
    put(
        "target_profile",
        settings
            .target_profile
            .as_deref()
            .map(|p| format!(" --profile {p}"))
            .unwrap_or_default(),
    );
    p
}

fn finding(
    facts: &PairFacts<'_>,
    rule: &RuleSpec,
    problem: Problem,
    settings: &Settings,
    label: &str,
) -> (Finding, Option<String>) {
    let mut params = pair_params(facts, rule.side, settings);
    params.extend(problem.params.clone());
    let mut note = None;
    let message = match rule.messages.get(&problem.message_key) {
        Some(t) => fill(t, &params),
        None => {
            note = Some(format!(
                "internal: rule {} has no message {:?}; showing its title",
                rule.id, problem.message_key
            ));
            rule.title.clone()
        }
    };
    let template = rule.fixes.get(problem.fix_variant.as_deref().unwrap_or(""));
    let fix =
        if template.is_some() || problem.fix_policy.is_some() || !problem.extra_commands.is_empty()
        {
            let mut commands: Vec<String> = template
                .map(|t| t.commands.iter().map(|c| fill(c, &params)).collect())
                .unwrap_or_default();
            commands.extend(problem.extra_commands.iter().cloned());
            Some(Fix {
                summary: template
                    .map(|t| fill(&t.summary, &params))
                    .unwrap_or_default(),
                commands,
                policy: problem.fix_policy.clone(),
                apply: problem.apply.clone(),
            })
        } else {
            None
        };
    let severity = settings
        .severity_overrides
        .get(&rule.id)
        .copied()
        .or(problem.severity)
        .unwrap_or(rule.severity);
    let evidence = match problem.evidence {
        Value::Null => Value::Object(Default::default()),
        v => v,
    };
    (
        Finding {
            rule: rule.id.clone(),
            severity,
            side: rule.side,
            resource: problem.resource,
            message,
            evidence,
            fix,
            pair: Some(label.to_string()),
        },
        note,
    )
}

/// The problem's fix: its `[fix.<variant>]` (falling back to `[fix]`), filled in, plus the
/// check's extra commands and policy.
pub fn render_fix(
    rule: &RuleSpec,
    problem: &Problem,
    params: &BTreeMap<String, String>,
) -> Option<Fix> {
    let template = problem
        .fix_variant
        .as_deref()
        .and_then(|v| rule.fixes.get(v))
        .or_else(|| rule.fixes.get(""));
    if template.is_none() && problem.fix_policy.is_none() && problem.extra_commands.is_empty() {
        return None;
    }
    let mut commands: Vec<String> = template
        .map(|t| t.commands.iter().map(|c| fill(c, params)).collect())
        .unwrap_or_default();
    commands.extend(problem.extra_commands.iter().cloned());
    Some(Fix {
        summary: template
            .map(|t| fill(&t.summary, params))
            .unwrap_or_default(),
        commands,
        policy: problem.fix_policy.clone(),
        apply: problem.apply.clone(),
    })
}

/// A problem's fix as the report would show it (ZI001 repeats the linked rules' fixes).
pub fn problem_fix(
    facts: &PairFacts<'_>,
    rule: &RuleSpec,
    problem: &Problem,
    settings: &Settings,
) -> Option<Fix> {
    let mut params = pair_params(facts, rule.side, settings);
    params.extend(problem.params.clone());
    render_fix(rule, problem, &params)
}

/// A problem's message as the report would show it.
pub fn problem_message(
    facts: &PairFacts<'_>,
    rule: &RuleSpec,
    problem: &Problem,
    settings: &Settings,
) -> String {
    let mut params = pair_params(facts, rule.side, settings);
    params.extend(problem.params.clone());
    rule.messages
        .get(&problem.message_key)
        .map(|t| fill(t, &params))
        .unwrap_or_else(|| rule.title.clone())
}

/// Replaces `{name}` with its value; unknown names are left as written so a missing value is
/// visible rather than silently empty.
pub fn fill(template: &str, params: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if is_name(&after[..end]) => {
                let name = &after[..end];
                match params.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_names_only() {
        let mut p = BTreeMap::new();
        p.insert("table".to_string(), "orders".to_string());
        assert_eq!(
            fill("t={table} x={other} {\"a\":1}", &p),
            "t=orders x={other} {\"a\":1}"
        );
    }

    #[test]
    fn selection_by_id_and_family() {
        let s = Settings {
            only: vec!["ZS".into(), "ZT001".into()],
            skip: vec!["ZS003".into()],
            ..Settings::default()
        };
        assert!(s.selects("ZS002"));
        assert!(s.selects("ZT001"));
        assert!(!s.selects("ZT002"));
        assert!(!s.selects("ZS003"));
    }

    fn spec(id: &str, deps: &[&str]) -> RuleSpec {
        RuleSpec {
            id: id.into(),
            slug: id.to_lowercase(),
            severity: Severity::Error,
            side: Side::Target,
            title: id.into(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            auto_fix: false,
            messages: BTreeMap::new(),
            fixes: BTreeMap::new(),
        }
    }

    #[test]
    fn prerequisites_run_first_and_late_rules_last() {
        let rules = vec![
            spec("ZC001", &[]),
            spec("ZI001", &[]),
            spec("ZT003", &["ZT001", "ZT002"]),
            spec("ZT002", &["ZT001"]),
            spec("ZT001", &[]),
        ];
        let ids: Vec<&str> = evaluation_order(&rules)
            .iter()
            .map(|&i| rules[i].id.as_str())
            .collect();
        assert_eq!(ids, ["ZT001", "ZT002", "ZT003", "ZI001", "ZC001"]);
    }
}
