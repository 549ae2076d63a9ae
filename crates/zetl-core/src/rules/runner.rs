//! The rule runner: for each source -> target pair, runs every catalog rule's check (in
//! dependency order), applies `depends_on` skipping, `--only/--skip`, suppressions and severity
//! overrides, and turns outcomes into report `Check`s and `Finding`s using the rules' texts.
//! It names no rule: what differs between rules is data in their TOML.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::catalog::{Catalog, Rule};
use super::engine::requirement::Requirement;
use super::messages::{message, sentence};
use super::outcome::{Outcome, Problem};
use super::pair::PairFacts;
use super::registry;
use super::template::Params;
use crate::report::{
    Check as ReportCheck, Finding, Fix, Report, ReportAccounts, Severity, Status, Summary, Tool,
    REPORT_SCHEMA,
};
use crate::snapshot::Snapshot;

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
    /// Minutes after CreateTime at which a CREATING integration is reported.
    pub creating_threshold_minutes: u32,
    /// Rule IDs or families (`ZS`) to run; empty = all.
    pub only: Vec<String>,
    /// Rule IDs or families to skip.
    pub skip: Vec<String>,
    pub suppressions: Vec<Suppression>,
    /// `[severity]` in zetl.toml, by rule ID.
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

/// Everything a check sees: the pair, its own rule, the catalog, the settings and the outcomes
/// of the rules already run for this pair (prerequisites always run first; `runs_last` rules
/// after every other).
pub struct Ctx<'a> {
    pub facts: &'a PairFacts<'a>,
    pub rule: &'a Rule,
    pub catalog: &'a Catalog,
    pub settings: &'a Settings,
    /// Outcomes so far for this pair, by rule ID (every rule, selected or not).
    pub earlier: &'a BTreeMap<String, Outcome>,
    /// The rules `--only/--skip` selected.
    pub selected: &'a BTreeSet<String>,
}

impl Ctx<'_> {
    /// The requirements this rule evaluates (its own, or `requirements_from`'s).
    pub fn requirements(&self) -> Cow<'_, [Requirement]> {
        self.catalog.requirements_of(self.rule)
    }

    /// One of this rule's own `[messages]` that is not a finding (a skip reason, an evidence
    /// note), filled with the pair's values and these. A key the rule lacks shows as itself.
    pub fn text(&self, key: &str, values: &[(&str, &str)]) -> String {
        let Some(template) = self.rule.messages.get(key) else {
            return key.to_string();
        };
        let mut params = self.facts.values.params_for(self.rule.side, self.settings);
        params.extend(values.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        template.fill(&params)
    }

    /// Whether a rule already run for this pair failed.
    pub fn failed(&self, rule_id: &str) -> bool {
        matches!(self.earlier.get(rule_id), Some(Outcome::Fail(_)))
    }
}

/// A check: one function per rule, registered in `registry::REGISTRY`.
pub type Check = fn(&Ctx) -> Outcome;

/// Evaluate every pair of the snapshot against the rules.
pub fn run(snapshot: &Snapshot, catalog: &Catalog, settings: &Settings) -> Report {
    let mut checks_out = Vec::new();
    let mut findings = Vec::new();
    let mut notes = vec![message("note.invisible_policies").as_str().to_string()];
    let order = evaluation_order(catalog.rules());
    for pair in &snapshot.setup.pairs {
        let facts = PairFacts::new(snapshot, pair).with_profiles(settings);
        let (mut c, mut f, n) = run_pair(&facts, catalog, &order, settings);
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
    catalog: &Catalog,
    settings: &Settings,
) -> BTreeMap<String, Outcome> {
    let order = evaluation_order(catalog.rules());
    evaluate(facts, catalog, &order, settings)
}

/// One rule's check on one pair, alone (no prerequisite skipping, no earlier outcomes): what
/// the per-rule tests call.
pub fn check_one(
    rule_id: &str,
    facts: &PairFacts<'_>,
    catalog: &Catalog,
    settings: &Settings,
) -> Outcome {
    let Some(rule) = catalog.get(rule_id) else {
        return Outcome::unknown(sentence("unknown.no_rule", &[("rule", rule_id)]), None);
    };
    run_check(&Ctx {
        facts,
        rule,
        catalog,
        settings,
        earlier: &BTreeMap::new(),
        selected: &BTreeSet::new(),
    })
}

/// The registered check of the context's rule; `unknown`, never `pass`, when there is none.
fn run_check(ctx: &Ctx) -> Outcome {
    match registry::lookup(&ctx.rule.id) {
        Some(check) => check(ctx),
        None => Outcome::unknown(message("skip.not_implemented").as_str(), None),
    }
}

fn evaluate(
    facts: &PairFacts<'_>,
    catalog: &Catalog,
    order: &[usize],
    settings: &Settings,
) -> BTreeMap<String, Outcome> {
    let rules = catalog.rules();
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
        let outcome = if facts.s3_tables_target && rule.not_for_s3_tables {
            Outcome::skipped(match rule.messages.get("s3_tables") {
                Some(reason) => reason.fill(&facts.values.params_for(rule.side, settings)),
                None => message("skip.s3_tables_target").as_str().to_string(),
            })
        } else if let Some(dep) = blocked {
            dependency_skipped.insert(rule.id.clone());
            Outcome::skipped(sentence(
                "skip.prerequisite_failed",
                &[("dependency", dep), ("rule", &rule.id)],
            ))
        } else {
            run_check(&Ctx {
                facts,
                rule,
                catalog,
                settings,
                earlier: &earlier,
                selected: &selected,
            })
        };
        earlier.insert(rule.id.clone(), outcome);
    }
    earlier
}

type PairResult = (Vec<ReportCheck>, Vec<Finding>, Vec<String>);

fn run_pair(
    facts: &PairFacts<'_>,
    catalog: &Catalog,
    order: &[usize],
    settings: &Settings,
) -> PairResult {
    let outcomes = evaluate(facts, catalog, order, settings);
    let label = facts.label();
    let mut checks_out = Vec::new();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    // Report in catalog order, whatever the evaluation order was.
    for rule in catalog.rules() {
        let outcome = outcomes
            .get(&rule.id)
            .cloned()
            .unwrap_or_else(|| Outcome::unknown(message("skip.not_evaluated").as_str(), None));
        let mut check = ReportCheck {
            rule: rule.id.clone(),
            status: Status::Pass,
            pair: label.clone(),
            reason: None,
            evidence: None,
        };
        if !settings.selects(&rule.id) {
            check.status = Status::Skipped;
            check.reason = Some(message("skip.not_selected").as_str().to_string());
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

/// Prerequisites before dependents; `runs_last` rules at the end, in catalog order. Cycles (a
/// catalog bug the catalog's own validation rejects) fall back to catalog order rather than
/// looping.
fn evaluation_order(rules: &[Rule]) -> Vec<usize> {
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut order = Vec::with_capacity(rules.len());
    let mut placed = vec![false; rules.len()];
    let last: Vec<usize> = (0..rules.len()).filter(|&i| rules[i].runs_last).collect();
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

/// A problem's placeholder values: the pair's, then the problem's own on top.
pub fn problem_params(
    facts: &PairFacts<'_>,
    rule: &Rule,
    problem: &Problem,
    settings: &Settings,
) -> Params {
    let mut params = facts.values.params_for(rule.side, settings);
    params.extend(problem.params.clone());
    params
}

/// A problem's message as the report shows it; a message key the rule lacks shows the
/// rule's title (and `note` says so).
pub fn problem_message(
    rule: &Rule,
    problem: &Problem,
    params: &Params,
) -> (String, Option<String>) {
    match rule.messages.get(&problem.message_key) {
        Some(t) => (t.fill(params), None),
        None => (
            rule.title.clone(),
            Some(sentence(
                "note.missing_message",
                &[("rule", &rule.id), ("key", &problem.message_key)],
            )),
        ),
    }
}

/// The problem's fix: its `[fix.<variant>]` (falling back to `[fix]`), filled in, plus the
/// check's extra commands and policy.
pub fn problem_fix(rule: &Rule, problem: &Problem, params: &Params) -> Option<Fix> {
    let template = rule.fix_for(problem.fix_variant.as_deref());
    if template.is_none()
        && problem.fix_policy.is_none()
        && problem.writes.is_empty()
        && problem.extra_commands.is_empty()
    {
        return None;
    }
    let mut commands: Vec<String> = template
        .map(|t| t.commands.iter().map(|c| c.fill(params)).collect())
        .unwrap_or_default();
    commands.extend(
        problem
            .writes
            .iter()
            .map(crate::policy_edit::TypedCommand::render),
    );
    commands.extend(problem.extra_commands.iter().cloned());
    Some(Fix {
        summary: template.map(|t| t.summary.fill(params)).unwrap_or_default(),
        commands,
        policy: problem.fix_policy.clone(),
        apply: problem.apply.clone(),
        replaces: None,
    })
}

fn finding(
    facts: &PairFacts<'_>,
    rule: &Rule,
    problem: Problem,
    settings: &Settings,
    label: &str,
) -> (Finding, Option<String>) {
    let params = problem_params(facts, rule, &problem, settings);
    let (mut message, note) = problem_message(rule, &problem, &params);
    // What the console does by itself in one account (its "Fix it for me" / "Fix target"),
    // a rule says in `same_account_note`.
    if let (false, Some(extra)) = (
        facts.cross_account(),
        rule.messages.get("same_account_note"),
    ) {
        message.push_str(&extra.fill(&params));
    }
    let fix = problem_fix(rule, &problem, &params);
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn rule(id: &str, deps: &[&str], runs_last: bool) -> (String, String) {
        let deps = deps
            .iter()
            .map(|d| format!("{d:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let text = format!(
            "id = {id:?}\nslug = {slug:?}\nseverity = \"warning\"\nside = \"target\"\n\
             title = \"t\"\npassed = \"p\"\nsummary = \"s\"\nexplanation = \"e\"\n\
             depends_on = [{deps}]\nruns_last = {runs_last}\n\
             [fixtures]\nfail = [\"f\"]\npass = [\"p\"]\n[messages]\nfail = \"m\"\n",
            slug = id.to_lowercase()
        );
        (format!("{id}.toml"), text)
    }

    #[test]
    fn prerequisites_run_first_and_late_rules_last() {
        let catalog = Catalog::from_files(vec![
            rule("ZC001", &[], true),
            rule("ZI001", &[], true),
            rule("ZT003", &["ZT001", "ZT002"], false),
            rule("ZT002", &["ZT001"], false),
            rule("ZT001", &[], false),
        ])
        .unwrap();
        let rules = catalog.rules();
        let ids: Vec<&str> = evaluation_order(rules)
            .iter()
            .map(|&i| rules[i].id.as_str())
            .collect();
        assert_eq!(ids, ["ZT001", "ZT002", "ZT003", "ZI001", "ZC001"]);
    }

    /// Every key a check passes to `Ctx::text` is a message some rule's `[messages]` has
    /// (which rule runs it is not known here; the rule fixtures' snapshots show the sentence).
    #[test]
    fn rule_text_keys_exist() {
        let catalog = crate::rules::catalog::catalog().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut stack = vec![root];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // Spelled apart so this test does not find itself.
                for part in text.split(concat!("ctx.", "text(")).skip(1) {
                    let Some(key) = part.trim_start().strip_prefix('"') else {
                        continue;
                    };
                    let key = key.split('"').next().unwrap_or_default();
                    seen += 1;
                    assert!(
                        catalog.rules().iter().any(|r| r.messages.contains_key(key)),
                        "{}: no rule has a message {key:?}",
                        path.display()
                    );
                }
            }
        }
        assert!(seen > 0);
    }
}
