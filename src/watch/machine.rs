//! The watch as a pure state machine: successive observations in, lines and a verdict out.
//!
//! One `Item` per followed pair (or `--integration`). Each poll gives every item still being
//! watched an [`Observation`]; [`Machine::step`] compares it with what was seen before and
//! returns the changes to print (one line each), the items to run the doctor for, and, when
//! the watch is over, the [`Verdict`].
//!
//! "Done" (exit 0) is zetl's reading of AWS's documentation, which has no "initial load
//! complete" field: AWS says ACTIVE means "the integration creation succeeds" (API reference)
//! and "is sending transactional data to the target" (monitoring guide), and it publishes the
//! `LastSyncTimestamp` metric (namespace `AWS/Glue/ZeroETL`). So an item is done when it is
//! ACTIVE and its LastSyncTimestamp is later than the moment it became ACTIVE: the last poll
//! that saw it in another state, or, when it was ACTIVE from the first poll, its CreateTime.
//! ACTIVE -> MODIFYING -> ACTIVE therefore waits for a sync after the return to ACTIVE, and
//! SYNCING ("re-seeding data") -> ACTIVE for the sync that ends the re-seed.

use chrono::{DateTime, Utc};

use super::duration::show;
use crate::rules::messages::sentence;
use crate::snapshot::{Fact, Integration, Unknown, UnknownReason};
use zetl_core::time::timestamp;

/// A followed pair, as the command resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    /// How every line names it: the integration ID, or `table -> database`.
    pub name: String,
    /// Named with `--integration`: not finding it at the first read is bad input, and its
    /// disappearance later ends the watch.
    pub explicit: bool,
}

/// A DynamoDB export of the source table (DescribeExport), as much as AWS gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub arn: String,
    /// IN_PROGRESS | COMPLETED | FAILED
    pub status: String,
    /// FULL_EXPORT | INCREMENTAL_EXPORT
    pub export_type: Option<String>,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
    pub billed_size_bytes: Option<u64>,
    pub item_count: Option<u64>,
    /// FailureCode and FailureMessage of a FAILED export.
    pub failure: Option<String>,
}

/// What one poll saw of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The integration (DescribeIntegrations, else DescribeInboundIntegrations):
    /// `Known(None)` = there is none, `Unknown` = it could not be read.
    pub integration: Fact<Option<Integration>>,
    /// The newest export of the source table since the integration was created;
    /// `None` = not read this poll.
    pub export: Option<Fact<Option<Export>>>,
    /// The LastSyncTimestamp metric; `None` = not read this poll.
    pub last_sync: Option<Fact<Option<DateTime<Utc>>>>,
}

/// How the watch ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every item is ACTIVE with a sync after it became ACTIVE (exit 0).
    Done,
    /// An item is NEEDS_ATTENTION, FAILED, DELETING or gone (exit 1).
    Stopped,
    /// `--timeout` passed first (exit 6).
    TimedOut,
    /// An `--integration` that does not exist (exit 2); the message.
    BadInput(String),
}

/// What one step produced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Step {
    /// One line per change, in item order (no timestamp: the runner adds it).
    pub changes: Vec<String>,
    /// Items to run the doctor for (NEEDS_ATTENTION, FAILED).
    pub diagnose: Vec<usize>,
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Watching,
    Done,
    Stopped,
}

#[derive(Debug, Clone)]
struct Item {
    followed: Followed,
    outcome: Outcome,
    /// The integration followed (a pair's can change when it is recreated).
    arn: Option<String>,
    status: Option<String>,
    create_time: Option<DateTime<Utc>>,
    /// When the current status began: CreateTime for a CREATING integration seen first,
    /// else the poll that first saw the status (`since_exact` false at the first poll).
    since: Option<DateTime<Utc>>,
    since_exact: bool,
    /// The last poll that saw it in a state other than ACTIVE.
    not_active_at: Option<DateTime<Utc>>,
    /// An integration was seen at some poll.
    seen: bool,
    /// The last read found no integration.
    absent: bool,
    last_sync: Option<DateTime<Utc>>,
    /// What the last reads gave, for the terminal block.
    export: Option<Fact<Option<Export>>>,
    last_sync_fact: Option<Fact<Option<DateTime<Utc>>>>,
    /// The last line printed per kind of detail, so an unchanged fact is not repeated.
    status_note: Option<String>,
    export_note: Option<String>,
    sync_note: Option<String>,
}

/// The watch over all followed items.
#[derive(Debug, Clone)]
pub struct Machine {
    items: Vec<Item>,
    started: DateTime<Utc>,
    timeout: Option<chrono::Duration>,
}

pub const ACTIVE: &str = "ACTIVE";
const CREATING: &str = "CREATING";
const SYNCING: &str = "SYNCING";
const DELETING: &str = "DELETING";
const STOPS: &[&str] = &["NEEDS_ATTENTION", "FAILED"];

impl Machine {
    pub fn new(
        followed: Vec<Followed>,
        started: DateTime<Utc>,
        timeout: Option<chrono::Duration>,
    ) -> Machine {
        Machine {
            items: followed
                .into_iter()
                .map(|followed| Item {
                    followed,
                    outcome: Outcome::Watching,
                    arn: None,
                    status: None,
                    create_time: None,
                    since: None,
                    since_exact: false,
                    not_active_at: None,
                    seen: false,
                    absent: false,
                    last_sync: None,
                    export: None,
                    last_sync_fact: None,
                    status_note: None,
                    export_note: None,
                    sync_note: None,
                })
                .collect(),
            started,
            timeout,
        }
    }

    /// Items still watched (done and stopped ones are no longer read).
    pub fn watching(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.items[i].outcome == Outcome::Watching)
            .collect()
    }

    pub fn name(&self, i: usize) -> &str {
        &self.items[i].followed.name
    }

    /// When the watch gives up, if it does.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.timeout.map(|t| self.started + t)
    }

    /// Takes the observations of one poll made at `now` (index, observation), in any order.
    pub fn step(&mut self, now: DateTime<Utc>, observations: Vec<(usize, Observation)>) -> Step {
        let mut observations = observations;
        observations.sort_by_key(|(i, _)| *i);
        let mut step = Step::default();
        for (i, obs) in observations {
            let Some(item) = self.items.get_mut(i) else {
                continue;
            };
            if item.outcome != Outcome::Watching {
                continue;
            }
            if let Some(verdict) = item.observe(i, now, obs, &mut step) {
                step.verdict = Some(verdict);
            }
        }
        if step.verdict.is_none() {
            if self.items.iter().any(|i| i.outcome == Outcome::Stopped) {
                step.verdict = Some(Verdict::Stopped);
            } else if self.items.iter().all(|i| i.outcome == Outcome::Done) {
                step.changes.push(sentence("watch.all_done", &[]));
                step.verdict = Some(Verdict::Done);
            } else if self.deadline().is_some_and(|d| now >= d) {
                let pending: Vec<&str> = self
                    .items
                    .iter()
                    .filter(|i| i.outcome == Outcome::Watching)
                    .map(|i| i.followed.name.as_str())
                    .collect();
                step.changes.push(sentence(
                    "watch.timed_out",
                    &[
                        ("duration", &show(now - self.started)),
                        ("names", &pending.join(", ")),
                    ],
                ));
                step.verdict = Some(Verdict::TimedOut);
            }
        }
        step
    }

    /// The terminal's status block: per item its state and time in state, then (indented
    /// by the runner) the export or last-sync detail.
    pub fn status_lines(&self, now: DateTime<Utc>) -> Vec<(String, Vec<String>)> {
        self.items.iter().map(|item| item.block(now)).collect()
    }
}

impl Item {
    fn observe(
        &mut self,
        index: usize,
        now: DateTime<Utc>,
        obs: Observation,
        step: &mut Step,
    ) -> Option<Verdict> {
        let name = self.followed.name.clone();
        let integration = match obs.integration {
            Fact::Unknown(u) => {
                let line = sentence(
                    "watch.status_unknown",
                    &[("name", &name), ("why", &why(&u))],
                );
                if self.status_note.as_deref() != Some(&line) {
                    step.changes.push(line.clone());
                    self.status_note = Some(line);
                }
                return None;
            }
            Fact::Known(None) => return self.absent(now, step),
            Fact::Known(Some(i)) => i,
        };
        self.status_note = None;
        self.absent = false;

        // A pair's integration recreated under a new ARN starts over.
        if self.arn.as_deref() != Some(integration.integration_arn.as_str()) {
            if self.seen {
                self.status = None;
                self.not_active_at = None;
                self.last_sync = None;
                self.export_note = None;
                self.sync_note = None;
            }
            self.arn = Some(integration.integration_arn.clone());
            self.create_time = integration.create_time;
        }
        let status = integration.status.clone();
        match self.status.clone() {
            None => {
                let created = integration.create_time.map(timestamp);
                step.changes.push(match &created {
                    Some(created) => sentence(
                        "watch.appeared",
                        &[
                            ("name", &name),
                            ("arn", &integration.integration_arn),
                            ("status", &status),
                            ("created", created),
                        ],
                    ),
                    None => sentence(
                        "watch.appeared_no_time",
                        &[
                            ("name", &name),
                            ("arn", &integration.integration_arn),
                            ("status", &status),
                        ],
                    ),
                });
                // Only CREATING began at CreateTime for sure.
                match integration.create_time.filter(|_| status == CREATING) {
                    Some(t) => (self.since, self.since_exact) = (Some(t), true),
                    None => (self.since, self.since_exact) = (Some(now), false),
                }
            }
            Some(old) if old != status => {
                let after = self.since.map(|s| show(now - s)).unwrap_or_default();
                let values = [
                    ("name", name.as_str()),
                    ("from", &old),
                    ("to", &status),
                    ("duration", &after),
                ];
                step.changes.push(if self.since_exact {
                    sentence("watch.changed", &values)
                } else {
                    sentence("watch.changed_at_least", &values)
                });
                (self.since, self.since_exact) = (Some(now), true);
            }
            Some(_) => {}
        }
        self.status = Some(status.clone());
        self.seen = true;
        if status != ACTIVE {
            self.not_active_at = Some(now);
        }

        if STOPS.contains(&status.as_str()) {
            for e in &integration.errors {
                step.changes.push(sentence(
                    "watch.integration_error",
                    &[
                        ("name", &name),
                        ("code", e.error_code.as_deref().unwrap_or("-")),
                        ("message", e.error_message.as_deref().unwrap_or("-")),
                    ],
                ));
            }
            step.changes.push(sentence(
                "watch.stopped",
                &[("name", &name), ("status", &status)],
            ));
            step.diagnose.push(index);
            self.outcome = Outcome::Stopped;
            return None;
        }
        if status == DELETING {
            step.changes
                .push(sentence("watch.deleting", &[("name", &name)]));
            self.outcome = Outcome::Stopped;
            return None;
        }

        if let Some(export) = obs.export {
            let detail = export_detail(&export);
            if self.export_note.as_deref() != Some(&detail) {
                step.changes.push(sentence(
                    "watch.item_detail",
                    &[("name", &name), ("detail", &detail)],
                ));
                self.export_note = Some(detail);
            }
            self.export = Some(export);
        } else if ![CREATING, SYNCING, ACTIVE].contains(&status.as_str()) {
            self.export = None;
        }

        if let Some(fact) = obs.last_sync {
            match &fact {
                Fact::Known(Some(t)) => {
                    if self.last_sync.is_none_or(|old| *t > old) {
                        self.last_sync = Some(*t);
                        let detail = sync_detail(&fact);
                        step.changes.push(sentence(
                            "watch.item_detail",
                            &[("name", &name), ("detail", &detail)],
                        ));
                        self.sync_note = Some(detail);
                    }
                }
                other => {
                    let detail = sync_detail(other);
                    if self.sync_note.as_deref() != Some(&detail) && self.last_sync.is_none() {
                        step.changes.push(sentence(
                            "watch.item_detail",
                            &[("name", &name), ("detail", &detail)],
                        ));
                        self.sync_note = Some(detail);
                    }
                }
            }
            self.last_sync_fact = Some(fact);
        }

        // Done: ACTIVE, and synced after it became ACTIVE.
        let became_active = self.not_active_at.or(self.create_time);
        if status == ACTIVE {
            if let Some(t) = self.last_sync {
                if became_active.is_none_or(|b| t > b) {
                    step.changes.push(sentence(
                        "watch.done",
                        &[("name", &name), ("time", &timestamp(t))],
                    ));
                    self.outcome = Outcome::Done;
                }
            }
        }
        None
    }

    /// The read found no integration.
    fn absent(&mut self, now: DateTime<Utc>, step: &mut Step) -> Option<Verdict> {
        let name = self.followed.name.clone();
        self.status_note = None;
        if self.followed.explicit {
            if !self.seen {
                return Some(Verdict::BadInput(sentence(
                    "watch.not_found",
                    &[("name", &name)],
                )));
            }
            step.changes.push(sentence(
                "watch.gone",
                &[("name", &name), ("arn", self.arn.as_deref().unwrap_or(""))],
            ));
            self.outcome = Outcome::Stopped;
            return None;
        }
        if !self.absent {
            step.changes.push(match (&self.arn, self.seen) {
                (Some(arn), true) => sentence("watch.gone", &[("name", &name), ("arn", arn)]),
                _ => sentence("watch.no_integration", &[("name", &name)]),
            });
            self.absent = true;
            self.status = None;
            self.since = Some(now);
            self.since_exact = self.seen;
            self.export = None;
            self.last_sync_fact = None;
        }
        None
    }

    fn block(&self, now: DateTime<Utc>) -> (String, Vec<String>) {
        let name = self.followed.name.as_str();
        let head = match (&self.status, self.outcome) {
            (_, Outcome::Done) => sentence("watch.state_done", &[("name", name)]),
            (Some(status), _) => {
                let for_ = self.since.map(|s| show(now - s)).unwrap_or_default();
                let values = [("name", name), ("status", status), ("duration", &for_)];
                if self.since_exact {
                    sentence("watch.state", &values)
                } else {
                    sentence("watch.state_at_least", &values)
                }
            }
            (None, _) if self.absent => sentence("watch.state_waiting", &[("name", name)]),
            (None, _) => match &self.status_note {
                Some(_) => sentence("watch.state_unknown", &[("name", name)]),
                None => sentence("watch.state_starting", &[("name", name)]),
            },
        };
        let mut details = Vec::new();
        if self.outcome == Outcome::Watching {
            if let Some(e) = &self.export {
                details.push(export_detail(e));
            }
            if let Some(s) = &self.last_sync_fact {
                details.push(sync_detail(s));
            } else if let Some(t) = self.last_sync {
                details.push(sync_detail(&Fact::Known(Some(t))));
            }
        }
        (head, details)
    }
}

/// Why a read gave nothing: the missing permission when denied, else the reason.
pub fn why(u: &Unknown) -> String {
    match (&u.reason, &u.action) {
        (UnknownReason::AccessDenied, Some(action)) => {
            sentence("watch.needs", &[("action", action)])
        }
        _ => {
            let reason = serde_json::to_value(&u.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            match u.message.as_deref() {
                Some(detail) => sentence(
                    "watch.unreadable_detail",
                    &[("reason", &reason), ("detail", detail)],
                ),
                None => sentence("watch.unreadable", &[("reason", &reason)]),
            }
        }
    }
}

fn export_detail(fact: &Fact<Option<Export>>) -> String {
    let e = match fact {
        Fact::Unknown(u) => return sentence("watch.export_unreadable", &[("why", &why(u))]),
        Fact::Known(None) => return sentence("watch.no_export", &[]),
        Fact::Known(Some(e)) => e,
    };
    let kind = e.export_type.as_deref().unwrap_or("-");
    let start = e.start_time.map(timestamp).unwrap_or_else(|| "-".into());
    let base = [
        ("status", e.status.as_str()),
        ("export_type", kind),
        ("start", start.as_str()),
    ];
    if let Some(failure) = &e.failure {
        let mut v = base.to_vec();
        v.push(("failure", failure));
        return sentence("watch.export_failed", &v);
    }
    let Some(end) = e.end_time.map(timestamp) else {
        return sentence("watch.export_running", &base);
    };
    let mut v = base.to_vec();
    v.push(("end", &end));
    match (e.billed_size_bytes, e.item_count) {
        (Some(bytes), Some(items)) => {
            let (bytes, items) = (size(bytes), items.to_string());
            v.push(("bytes", &bytes));
            v.push(("items", &items));
            sentence("watch.export_finished_size", &v)
        }
        _ => sentence("watch.export_finished", &v),
    }
}

fn sync_detail(fact: &Fact<Option<DateTime<Utc>>>) -> String {
    match fact {
        Fact::Unknown(u) => sentence("watch.last_sync_unreadable", &[("why", &why(u))]),
        Fact::Known(None) => sentence("watch.no_sync", &[]),
        Fact::Known(Some(t)) => sentence("watch.last_sync", &[("time", &timestamp(*t))]),
    }
}

/// Bytes with IEC units: `812 B`, `1.5 KiB`, `3.2 GiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::IntegrationError;

    const ARN: &str = "arn:aws:glue:us-east-1:111111111111:integration:0f6b";
    const T0: i64 = 1_795_000_000; // 2026-11-19T...

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(T0 + secs, 0).unwrap()
    }

    fn integration(status: &str) -> Integration {
        Integration {
            create_time: Some(at(-60)),
            ..Integration::new(
                ARN,
                "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
                "arn:aws:glue:us-east-1:222222222222:database/lake",
                status,
            )
        }
    }

    fn seen(status: &str) -> Observation {
        Observation {
            integration: Fact::Known(Some(integration(status))),
            export: None,
            last_sync: None,
        }
    }

    fn synced(status: &str, last: Option<i64>) -> Observation {
        Observation {
            last_sync: Some(Fact::Known(last.map(at))),
            ..seen(status)
        }
    }

    fn machine(timeout: Option<i64>) -> Machine {
        Machine::new(
            vec![Followed {
                name: "orders -> lake".into(),
                explicit: false,
            }],
            at(0),
            timeout.map(chrono::Duration::seconds),
        )
    }

    /// Steps through (seconds, observation) and returns every step.
    fn run(m: &mut Machine, polls: Vec<(i64, Observation)>) -> Vec<Step> {
        polls
            .into_iter()
            .map(|(t, obs)| m.step(at(t), vec![(0, obs)]))
            .collect()
    }

    #[test]
    fn creating_then_active_then_synced_is_done() {
        let mut m = machine(None);
        let steps = run(
            &mut m,
            vec![
                (0, seen("CREATING")),
                (15, seen("CREATING")),
                (38, synced("ACTIVE", None)),
                (72, synced("ACTIVE", Some(70))),
            ],
        );
        assert_eq!(
            steps[0].changes,
            vec![format!(
                "orders -> lake: integration {ARN} is CREATING (created 2026-11-18T11:05:40Z)"
            )]
        );
        assert_eq!(steps[0].verdict, None);
        assert!(steps[1].changes.is_empty(), "nothing changed");
        assert_eq!(
            steps[2].changes,
            vec![
                // CREATING since CreateTime (60 s before the first poll), ACTIVE at 38 s.
                "orders -> lake: CREATING -> ACTIVE after 1m 38s".to_string(),
                "orders -> lake: no sync completed yet".to_string(),
            ]
        );
        assert_eq!(
            steps[3].changes,
            vec![
                "orders -> lake: last sync 2026-11-18T11:07:50Z".to_string(),
                "orders -> lake: ACTIVE and synced at 2026-11-18T11:07:50Z, after it became ACTIVE: the initial load is done".to_string(),
                "every followed integration is ACTIVE and has completed a sync".to_string(),
            ]
        );
        assert_eq!(steps[3].verdict, Some(Verdict::Done));
        assert!(m.watching().is_empty());
    }

    #[test]
    fn a_sync_before_it_became_active_does_not_count() {
        let mut m = machine(None);
        // The metric reports a sync at 10 s, but ACTIVE was first seen at 38 s after a
        // CREATING poll at 15 s: only a sync after 15 s counts.
        let steps = run(
            &mut m,
            vec![
                (0, seen("CREATING")),
                (15, seen("CREATING")),
                (38, synced("ACTIVE", Some(10))),
                (60, synced("ACTIVE", Some(10))),
                (90, synced("ACTIVE", Some(80))),
            ],
        );
        assert_eq!(steps[2].verdict, None);
        assert_eq!(steps[3].verdict, None);
        assert!(steps[3].changes.is_empty());
        assert_eq!(steps[4].verdict, Some(Verdict::Done));
    }

    #[test]
    fn active_from_the_start_counts_syncs_after_create_time() {
        let mut m = machine(None);
        let steps = run(&mut m, vec![(0, synced("ACTIVE", Some(-30)))]);
        assert_eq!(
            steps[0].changes[0],
            format!("orders -> lake: integration {ARN} is ACTIVE (created 2026-11-18T11:05:40Z)")
        );
        assert_eq!(steps[0].verdict, Some(Verdict::Done));
    }

    #[test]
    fn creating_then_needs_attention_stops_and_diagnoses() {
        let mut m = machine(None);
        let mut attention = integration("NEEDS_ATTENTION");
        attention.errors = vec![IntegrationError {
            error_code: Some("AccessDenied".into()),
            error_message: Some(
                "not authorized to perform: dynamodb:ExportTableToPointInTime".into(),
            ),
        }];
        let steps = run(
            &mut m,
            vec![
                (0, seen("CREATING")),
                (
                    20,
                    Observation {
                        integration: Fact::Known(Some(attention)),
                        export: None,
                        last_sync: None,
                    },
                ),
            ],
        );
        assert_eq!(
            steps[1].changes,
            vec![
                "orders -> lake: CREATING -> NEEDS_ATTENTION after 1m 20s".to_string(),
                "orders -> lake: error AccessDenied: not authorized to perform: dynamodb:ExportTableToPointInTime".to_string(),
                "orders -> lake is NEEDS_ATTENTION: running the doctor for this pair".to_string(),
            ]
        );
        assert_eq!(steps[1].diagnose, vec![0]);
        assert_eq!(steps[1].verdict, Some(Verdict::Stopped));
    }

    #[test]
    fn failed_stops_and_diagnoses() {
        let mut m = machine(None);
        let steps = run(&mut m, vec![(0, seen("FAILED"))]);
        assert_eq!(steps[0].diagnose, vec![0]);
        assert_eq!(steps[0].verdict, Some(Verdict::Stopped));
        assert_eq!(
            steps[0].changes.last().unwrap(),
            "orders -> lake is FAILED: running the doctor for this pair"
        );
    }

    #[test]
    fn active_modifying_active_waits_for_a_new_sync() {
        let mut m = machine(None);
        let steps = run(
            &mut m,
            vec![
                (0, synced("ACTIVE", None)),
                (15, seen("MODIFYING")),
                (40, synced("ACTIVE", Some(5))),
                (70, synced("ACTIVE", Some(65))),
            ],
        );
        assert_eq!(
            steps[1].changes,
            vec!["orders -> lake: ACTIVE -> MODIFYING after at least 15s".to_string()]
        );
        assert_eq!(
            steps[2].changes,
            vec![
                "orders -> lake: MODIFYING -> ACTIVE after 25s".to_string(),
                "orders -> lake: last sync 2026-11-18T11:06:45Z".to_string(),
            ]
        );
        assert_eq!(
            steps[2].verdict, None,
            "the sync at 5 s was before MODIFYING"
        );
        assert_eq!(steps[3].verdict, Some(Verdict::Done));
    }

    #[test]
    fn syncing_shows_the_export_then_waits_for_the_sync() {
        let mut m = machine(None);
        let export = |status: &str, end: Option<i64>| Export {
            arn: "arn:aws:dynamodb:us-east-1:111111111111:table/orders/export/01795000010000-abc"
                .into(),
            status: status.into(),
            export_type: Some("FULL_EXPORT".into()),
            start_time: Some(at(10)),
            end_time: end.map(at),
            billed_size_bytes: end.map(|_| 3 * 1024 * 1024 * 1024 / 2),
            item_count: end.map(|_| 3_000_000),
            failure: None,
        };
        let with_export = |status: &str, e: Export, last: Option<i64>| Observation {
            export: Some(Fact::Known(Some(e))),
            ..synced(status, last)
        };
        let steps = run(
            &mut m,
            vec![
                (0, with_export("SYNCING", export("IN_PROGRESS", None), None)),
                (
                    20,
                    with_export("SYNCING", export("IN_PROGRESS", None), None),
                ),
                (
                    50,
                    with_export("ACTIVE", export("COMPLETED", Some(45)), None),
                ),
                (
                    90,
                    with_export("ACTIVE", export("COMPLETED", Some(45)), Some(85)),
                ),
            ],
        );
        assert_eq!(
            steps[0].changes[1],
            "orders -> lake: source table export IN_PROGRESS (FULL_EXPORT), started 2026-11-18T11:06:50Z"
        );
        assert!(steps[1].changes.is_empty());
        assert_eq!(
            steps[2].changes,
            vec![
                "orders -> lake: SYNCING -> ACTIVE after at least 50s".to_string(),
                "orders -> lake: source table export COMPLETED (FULL_EXPORT), 2026-11-18T11:06:50Z to 2026-11-18T11:07:25Z: 1.5 GiB, 3000000 items".to_string(),
            ]
        );
        assert_eq!(steps[3].verdict, Some(Verdict::Done));
        // The terminal block while it ran: state, time in state, the export.
        let mut m = machine(None);
        run(
            &mut m,
            vec![(0, with_export("SYNCING", export("IN_PROGRESS", None), None))],
        );
        assert_eq!(
            m.status_lines(at(75)),
            vec![(
                "orders -> lake: SYNCING for at least 1m 15s".to_string(),
                vec![
                    "source table export IN_PROGRESS (FULL_EXPORT), started 2026-11-18T11:06:50Z"
                        .to_string(),
                    "no sync completed yet".to_string(),
                ]
            )]
        );
    }

    #[test]
    fn timeout_ends_the_watch_naming_what_is_not_done() {
        let mut m = machine(Some(60));
        let steps = run(
            &mut m,
            vec![
                (0, seen("CREATING")),
                (30, seen("CREATING")),
                (60, seen("CREATING")),
            ],
        );
        assert_eq!(steps[1].verdict, None);
        assert_eq!(m.deadline(), Some(at(60)));
        assert_eq!(steps[2].verdict, Some(Verdict::TimedOut));
        assert_eq!(
            steps[2].changes,
            vec!["timed out after 1m 0s; not done yet: orders -> lake".to_string()]
        );
    }

    #[test]
    fn denied_reads_are_shown_once_and_never_stop_the_watch() {
        let mut m = machine(None);
        let denied = |action: &str| Unknown::access_denied(action, "not authorized");
        let obs = Observation {
            integration: Fact::Known(Some(integration("ACTIVE"))),
            export: Some(Fact::Unknown(denied("dynamodb:ListExports"))),
            last_sync: Some(Fact::Unknown(denied("cloudwatch:ListMetrics"))),
        };
        let steps = run(&mut m, vec![(0, obs.clone()), (15, obs)]);
        assert_eq!(
            steps[0].changes[1..],
            [
                "orders -> lake: source table export: unknown (needs dynamodb:ListExports)"
                    .to_string(),
                "orders -> lake: last sync: unknown (needs cloudwatch:ListMetrics)".to_string(),
            ]
        );
        assert!(steps[1].changes.is_empty());
        assert_eq!(steps[1].verdict, None);
        let status = Observation {
            integration: Fact::Unknown(denied("glue:DescribeIntegrations")),
            export: None,
            last_sync: None,
        };
        let steps = run(&mut machine(None), vec![(0, status.clone()), (15, status)]);
        assert_eq!(
            steps[0].changes,
            vec!["orders -> lake: the integration's status could not be read: unknown (needs glue:DescribeIntegrations)".to_string()]
        );
        assert!(steps[1].changes.is_empty());
    }

    #[test]
    fn a_missing_integration_is_bad_input_only_when_named() {
        let none = || Observation {
            integration: Fact::Known(None),
            export: None,
            last_sync: None,
        };
        let mut named = Machine::new(
            vec![Followed {
                name: "0f6b".into(),
                explicit: true,
            }],
            at(0),
            None,
        );
        let step = named.step(at(0), vec![(0, none())]);
        assert!(
            matches!(step.verdict, Some(Verdict::BadInput(m)) if m.starts_with("integration 0f6b was not found"))
        );

        let mut pair = machine(None);
        let steps = run(
            &mut pair,
            vec![(0, none()), (15, none()), (30, seen("CREATING"))],
        );
        assert_eq!(
            steps[0].changes,
            vec!["orders -> lake: no integration from the source table to the target database yet; waiting for one".to_string()]
        );
        assert!(steps[1].changes.is_empty());
        assert_eq!(steps[2].verdict, None);

        // Seen, then gone: a named integration ends the watch (exit 1).
        let mut named = Machine::new(
            vec![Followed {
                name: "0f6b".into(),
                explicit: true,
            }],
            at(0),
            None,
        );
        named.step(at(0), vec![(0, seen("ACTIVE"))]);
        let step = named.step(at(15), vec![(0, none())]);
        assert_eq!(step.verdict, Some(Verdict::Stopped));
        assert_eq!(
            step.changes,
            vec![format!("0f6b: integration {ARN} no longer exists")]
        );
    }

    #[test]
    fn deleting_stops_without_a_diagnosis() {
        let mut m = machine(None);
        let steps = run(&mut m, vec![(0, seen("DELETING"))]);
        assert_eq!(steps[0].verdict, Some(Verdict::Stopped));
        assert!(steps[0].diagnose.is_empty());
    }

    #[test]
    fn sizes() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
