//! ZI009: what the integration itself logged. An integration can be `ACTIVE` while a table
//! never arrives: ingestion failures are per table and land in the integration's CloudWatch
//! Logs stream, not in its status. The collector keeps the newest events of the stream in each
//! account (`Integration::ingestion_logs`, see `src/collect/logs.rs`); this check shows each
//! table whose latest outcome there is `IngestionFailed`, and links the logged reason to the
//! rules that explain it, as ZI001 does for the integration's own errors (`errors::explain`).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{errors, integration};
use crate::policy_edit::command::shell_word;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::runner::Ctx;
use crate::rules::values::LOG_GROUP;
use crate::snapshot::{Fact, IngestionEvent, IngestionLogs, Unknown, UnknownReason};

/// The IAM action that reads the stream.
const ACTION: &str = "logs:GetLogEvents";

/// Which account a read was made in: the integration's copy in that account's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Account {
    Source,
    Target,
}

/// One event with where it was read.
struct Logged<'s> {
    event: &'s IngestionEvent,
    account: Account,
    log_group: Option<&'s str>,
}

pub fn zi009_ingestion_failed(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let i = match integration(ctx, facts) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let lists = [
        (Account::Source, &facts.snapshot.integrations.source),
        (Account::Target, &facts.snapshot.integrations.target),
    ];
    let reads: Vec<(Account, &Fact<IngestionLogs>)> = lists
        .iter()
        .filter_map(|(account, list)| {
            let copy = list.known()?.get(&i.integration_arn)?;
            copy.ingestion_logs.as_ref().map(|f| (*account, f))
        })
        .collect();
    if reads.is_empty() {
        return Outcome::skipped(ctx.text("skip_not_read", &[]));
    }
    let account_id = |a: Account| match a {
        Account::Source => facts.source_account.clone(),
        Account::Target => facts.target_account.clone(),
    };

    let mut logged: Vec<Logged> = Vec::new();
    let mut unreadable: Vec<(Account, &Unknown)> = Vec::new();
    for (account, read) in &reads {
        match read {
            Fact::Known(logs) => {
                for event in &logs.events {
                    // One account holding both lists (same-account setup) was read once and
                    // stored twice: count its events once.
                    if !logged.iter().any(|l| l.event == event) {
                        logged.push(Logged {
                            event,
                            account: *account,
                            log_group: logs.log_group.as_deref(),
                        });
                    }
                }
            }
            Fact::Unknown(u) => unreadable.push((*account, u)),
        }
    }

    // The latest outcome per table; on a tie the success wins (a false failure is the worse
    // mistake). Events without a table name form one group of their own.
    let mut latest: BTreeMap<&str, &Logged> = BTreeMap::new();
    for l in logged
        .iter()
        .filter(|l| l.event.is_failure() || l.event.is_success())
    {
        let table = l.event.table.as_deref().unwrap_or("");
        let newer = latest.get(table).is_none_or(|prev| {
            l.event.time > prev.event.time
                || l.event.time == prev.event.time && l.event.is_success()
        });
        if newer {
            latest.insert(table, l);
        }
    }
    let recovered: Vec<&str> = latest
        .iter()
        .filter(|(table, l)| {
            l.event.is_success()
                && logged.iter().any(|f| {
                    f.event.is_failure() && f.event.table.as_deref().unwrap_or("") == **table
                })
        })
        .map(|(table, _)| *table)
        .collect();
    let read_evidence: Vec<Value> = reads
        .iter()
        .map(|(account, read)| match read {
            Fact::Known(logs) => json!({
                "account": account_id(*account),
                "log_group": logs.log_group,
                "events": logs.events.len(),
            }),
            Fact::Unknown(u) => json!({"account": account_id(*account), "unreadable": u}),
        })
        .collect();

    let problems: Vec<Problem> = latest
        .iter()
        .filter(|(_, l)| l.event.is_failure())
        .map(|(table, l)| {
            let failures = logged
                .iter()
                .filter(|f| {
                    f.event.is_failure() && f.event.table.as_deref().unwrap_or("") == *table
                })
                .count();
            let extra = json!({"failures_read": failures, "reads": read_evidence});
            failure_problem(
                ctx,
                &i.integration_arn,
                table,
                l,
                &account_id(l.account),
                extra,
            )
        })
        .collect();
    if !problems.is_empty() {
        return Outcome::Fail(problems);
    }
    if let Some((account, u)) = unreadable.first() {
        let what = ctx.text("unreadable_logs", &[("log_account", &account_id(*account))]);
        let mut outcome = Outcome::from_unknown_fact(&what, u);
        // A denial always names the action, even from a hand-written snapshot.
        if let Outcome::Unknown { missing_action, .. } = &mut outcome {
            if missing_action.is_none() && u.reason == UnknownReason::AccessDenied {
                *missing_action = Some(ACTION.to_string());
            }
        }
        return outcome;
    }
    Outcome::pass(json!({
        "integration_arn": i.integration_arn,
        "reads": read_evidence,
        "tables": latest
            .iter()
            .map(|(table, l)| (table.to_string(), json!({"latest": l.event.event_type, "time": l.event.time})))
            .collect::<serde_json::Map<String, Value>>(),
        "recovered": recovered,
    }))
}

/// The finding for one table whose latest logged outcome is a failure.
fn failure_problem(
    ctx: &Ctx,
    integration_arn: &str,
    table: &str,
    l: &Logged,
    account: &str,
    extra: Value,
) -> Problem {
    let e = l.event;
    let message = e
        .message
        .clone()
        .unwrap_or_else(|| ctx.text("no_error_message", &[]));
    let linked = errors::explain(ctx, &message, e.error_code.as_deref());
    let table_name = if table.is_empty() {
        ctx.text("unnamed_table", &[])
    } else {
        table.to_string()
    };
    let integration_id = integration_arn
        .rsplit([':', '/'])
        .next()
        .unwrap_or(integration_arn);
    let log_group = l.log_group.unwrap_or(LOG_GROUP);
    let mut problem = Problem::new(linked.key(), integration_arn.to_string())
        .param("failed_table", table_name)
        .param("failed_at", crate::time::timestamp(e.time))
        .param("error_message", message.clone())
        .param("error_code", e.error_code.clone().unwrap_or_default())
        .param("log_account", account)
        .param("log_group", shell_word(log_group))
        .param("integration_id", shell_word(integration_id));
    if l.account == Account::Source {
        problem = problem.fix_variant("source");
    }
    let mut evidence = json!({
        "integration_arn": integration_arn,
        "table": e.table,
        "time": e.time,
        "event_type": e.event_type,
        "error_message": e.message,
        "error_code": e.error_code,
        "account": account,
        "log_group": log_group,
    });
    for add in [linked.evidence(), extra] {
        if let (Value::Object(m), Value::Object(add)) = (&mut evidence, add) {
            m.extend(add);
        }
    }
    linked.onto(problem).evidence(evidence)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::report::{Report, Status};
    use crate::rules::{catalog, run, Settings};
    use crate::snapshot::{Fact, IngestionEvent, IngestionLogs, Snapshot, Unknown, UnknownReason};

    const HEALTHY: &str = include_str!("../../../../../fixtures/healthy/cross-account.json");
    const INTEGRATION: &str =
        "arn:aws:glue:us-east-1:111111111111:integration:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

    fn healthy() -> Snapshot {
        crate::snapshot::from_str(HEALTHY, Path::new("healthy.json")).unwrap()
    }

    /// Sets the logs read on the source (`true`) or target copy of the integration.
    fn set_logs(snap: &mut Snapshot, source: bool, logs: Option<Fact<IngestionLogs>>) {
        let side = if source {
            &mut snap.integrations.source
        } else {
            &mut snap.integrations.target
        };
        if let Fact::Known(map) = side {
            map.get_mut(INTEGRATION).unwrap().ingestion_logs = logs;
        }
    }

    fn event(minute: u32, event_type: &str) -> IngestionEvent {
        IngestionEvent {
            time: format!("2026-11-28T09:{minute:02}:00Z").parse().unwrap(),
            event_type: Some(event_type.into()),
            table: Some("orders".into()),
            message: Some(
                "Failed to ingest data with error: Target Glue database not found.".into(),
            ),
            error_code: None,
        }
    }

    fn logs(events: Vec<IngestionEvent>) -> Option<Fact<IngestionLogs>> {
        Some(Fact::Known(IngestionLogs {
            log_group: Some("/aws-glue/zeroETL-integrations/logs/".into()),
            events,
        }))
    }

    fn report(snap: &Snapshot) -> Report {
        run(snap, catalog().unwrap(), &Settings::default())
    }

    fn zi009(report: &Report) -> (Status, Option<String>) {
        let c = report.checks.iter().find(|c| c.rule == "ZI009").unwrap();
        (c.status, c.reason.clone())
    }

    fn denied() -> Option<Fact<IngestionLogs>> {
        Some(Fact::Unknown(Unknown::access_denied(
            "logs:GetLogEvents",
            "not authorized to perform: logs:GetLogEvents",
        )))
    }

    #[test]
    fn not_read_is_skipped_never_passed() {
        let mut snap = healthy();
        set_logs(&mut snap, true, None);
        set_logs(&mut snap, false, None);
        let (status, reason) = zi009(&report(&snap));
        assert_eq!(status, Status::Skipped);
        assert!(reason.unwrap().contains("were not read"));
    }

    /// A denied read is unknown, and ZC001 names the action in the account it was denied in.
    #[test]
    fn a_denied_source_read_is_unknown_and_zc001_names_the_source_policy() {
        let mut snap = healthy();
        set_logs(&mut snap, true, denied());
        let r = report(&snap);
        let (status, reason) = zi009(&r);
        assert_eq!(status, Status::Unknown);
        assert!(reason.unwrap().contains("account 111111111111"));
        let zc001: Vec<_> = r.findings.iter().filter(|f| f.rule == "ZC001").collect();
        assert_eq!(zc001.len(), 1, "{:?}", r.findings);
        assert!(zc001[0]
            .message
            .contains("logs:GetLogEvents is missing in account 111111111111"));
        let fix = zc001[0].fix.as_ref().unwrap();
        assert!(
            fix.summary
                .contains("permissions/zetl-source-readonly.json"),
            "{}",
            fix.summary
        );

        // Denied in both accounts: both policy files are named.
        set_logs(&mut snap, false, denied());
        let r = report(&snap);
        let files: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.rule == "ZC001")
            .map(|f| f.fix.as_ref().unwrap().summary.clone())
            .collect();
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files[0].contains("zetl-source-readonly.json"), "{files:?}");
        assert!(files[1].contains("zetl-target-readonly.json"), "{files:?}");
    }

    /// A failure read in one account still fails when the other account's read was denied.
    #[test]
    fn a_known_failure_beats_an_unreadable_account() {
        let mut snap = healthy();
        set_logs(&mut snap, true, denied());
        set_logs(&mut snap, false, logs(vec![event(40, "IngestionFailed")]));
        assert_eq!(zi009(&report(&snap)).0, Status::Fail);
    }

    #[test]
    fn the_latest_outcome_per_table_decides() {
        let mut snap = healthy();
        // Failed, then started again (no outcome yet): still failed.
        set_logs(
            &mut snap,
            false,
            logs(vec![
                event(40, "IngestionFailed"),
                event(45, "IngestionStarted"),
            ]),
        );
        assert_eq!(zi009(&report(&snap)).0, Status::Fail);
        // A success at the same time as the failure: not reported.
        set_logs(
            &mut snap,
            false,
            logs(vec![
                event(40, "IngestionFailed"),
                event(40, "IngestionCompleted"),
            ]),
        );
        assert_eq!(zi009(&report(&snap)).0, Status::Pass);
    }

    /// One account holding both lists is read once and stored twice: one finding per table.
    #[test]
    fn the_same_events_on_both_copies_count_once() {
        let mut snap = healthy();
        let failed = logs(vec![event(40, "IngestionFailed")]);
        set_logs(&mut snap, true, failed.clone());
        set_logs(&mut snap, false, failed);
        let r = report(&snap);
        assert_eq!(r.findings.iter().filter(|f| f.rule == "ZI009").count(), 1);
    }

    #[test]
    fn an_unreadable_read_without_action_still_names_it_when_denied() {
        let mut snap = healthy();
        set_logs(
            &mut snap,
            false,
            Some(Fact::Unknown(Unknown {
                reason: UnknownReason::AccessDenied,
                action: None,
                message: None,
            })),
        );
        let r = report(&snap);
        assert_eq!(zi009(&r).0, Status::Unknown);
        assert!(r
            .findings
            .iter()
            .any(|f| f.rule == "ZC001" && f.message.contains("logs:GetLogEvents")));
    }
}
