//! The polling loop: read, step the machine, print, wait with back-off, again.
//!
//! What reads the accounts (`Probe`) and what tells the time and sleeps (`Clock`) are
//! traits, so tests drive the loop with scripted observations and a clock that only pretends
//! to sleep. On a terminal the loop keeps a status block (state and time in state per pair,
//! the export or last sync, the next check) redrawn in place under the change lines; off a
//! terminal it prints only the change lines, each with a timestamp.

use std::io::{self, Write};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::duration::show_std;
use super::machine::{Machine, Observation, Verdict};
use crate::rules::messages::sentence;
use zetl_core::time::timestamp;

/// What reads the followed pairs.
pub trait Probe {
    /// Reads the items `which` (indices into the followed list) now.
    fn observe(&mut self, which: &[usize], now: DateTime<Utc>) -> Vec<(usize, Observation)>;
    /// The doctor's human report (`-q`) for item `i`, or why it could not run.
    fn diagnose(&mut self, i: usize, now: DateTime<Utc>) -> Result<String, String>;
}

/// What tells the time and waits.
pub trait Clock {
    fn now(&mut self) -> DateTime<Utc>;
    fn sleep(&mut self, d: Duration);
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&mut self) -> DateTime<Utc> {
        Utc::now()
    }
    fn sleep(&mut self, d: Duration) {
        std::thread::sleep(d)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// The first wait, and the wait after a poll that saw a change (`--interval`).
    pub interval: Duration,
    /// Waits grow ×1.5 up to this (at least `interval`).
    pub max_interval: Duration,
    /// Draw the status block (stdout is a terminal); else plain timestamped lines.
    pub terminal: bool,
}

/// The default `--interval`.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15);
/// Where the back-off stops growing.
pub const MAX_INTERVAL: Duration = Duration::from_secs(120);

/// Waits that start at `start`, grow ×1.5 up to `max`, and start over after a change.
#[derive(Debug, Clone)]
pub struct Backoff {
    start: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(start: Duration, max: Duration) -> Backoff {
        Backoff {
            start,
            max: max.max(start),
            next: start,
        }
    }

    /// The wait after a poll; `changed`: that poll saw something new.
    pub fn wait(&mut self, changed: bool) -> Duration {
        if changed {
            self.next = self.start;
        }
        let wait = self.next;
        self.next = self.next.mul_f64(1.5).min(self.max);
        wait
    }
}

/// Runs the watch to its verdict.
pub fn run(
    machine: &mut Machine,
    probe: &mut dyn Probe,
    clock: &mut dyn Clock,
    out: &mut dyn Write,
    options: &RunOptions,
) -> io::Result<Verdict> {
    let mut backoff = Backoff::new(options.interval, options.max_interval);
    let mut drawn = 0usize;
    loop {
        let now = clock.now();
        let which = machine.watching();
        let observations = probe.observe(&which, now);
        let step = machine.step(now, observations);
        if options.terminal {
            erase(out, drawn)?;
            drawn = 0;
        }
        for line in &step.changes {
            writeln!(out, "{} {line}", timestamp(now))?;
        }
        for &i in &step.diagnose {
            let name = machine.name(i).to_string();
            match probe.diagnose(i, now) {
                Ok(report) => {
                    writeln!(
                        out,
                        "{} {}",
                        timestamp(now),
                        sentence("watch.diagnosis", &[("name", &name)])
                    )?;
                    out.write_all(report.as_bytes())?;
                }
                Err(error) => writeln!(
                    out,
                    "{} {}",
                    timestamp(now),
                    sentence(
                        "watch.diagnosis_failed",
                        &[("name", &name), ("error", &error)]
                    )
                )?,
            }
        }
        if let Some(verdict) = step.verdict {
            out.flush()?;
            return Ok(verdict);
        }
        let mut wait = backoff.wait(!step.changes.is_empty());
        if let Some(deadline) = machine.deadline() {
            let left = (deadline - now).to_std().unwrap_or(Duration::ZERO);
            wait = wait.min(left);
        }
        if options.terminal {
            drawn = draw(out, machine, now, wait)?;
        }
        out.flush()?;
        clock.sleep(wait);
    }
}

/// The status block; returns how many lines it took.
fn draw(
    out: &mut dyn Write,
    machine: &Machine,
    now: DateTime<Utc>,
    wait: Duration,
) -> io::Result<usize> {
    let mut lines = 0;
    for (head, details) in machine.status_lines(now) {
        writeln!(out, "{head}")?;
        lines += 1;
        for d in details {
            writeln!(out, "    {d}")?;
            lines += 1;
        }
    }
    writeln!(
        out,
        "{}",
        sentence("watch.next_check", &[("duration", &show_std(wait))])
    )?;
    Ok(lines + 1)
}

/// Moves up over the block and clears it.
fn erase(out: &mut dyn Write, lines: usize) -> io::Result<()> {
    for _ in 0..lines {
        write!(out, "\x1b[1A\x1b[2K")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Fact, Integration};
    use crate::watch::machine::Followed;

    #[test]
    fn backoff_grows_to_the_cap_and_starts_over_after_a_change() {
        let mut b = Backoff::new(Duration::from_secs(15), MAX_INTERVAL);
        let waits: Vec<u64> = [false, false, false, false, false, false, false, true, false]
            .iter()
            .map(|&changed| b.wait(changed).as_millis() as u64)
            .collect();
        assert_eq!(
            waits,
            [15_000, 22_500, 33_750, 50_625, 75_937, 113_906, 120_000, 15_000, 22_500]
        );
        // A start above the cap keeps its own length.
        let mut b = Backoff::new(Duration::from_secs(300), MAX_INTERVAL);
        assert_eq!(b.wait(false), Duration::from_secs(300));
        assert_eq!(b.wait(false), Duration::from_secs(300));
    }

    /// Scripted observations: the status of each poll, then the doctor's "report".
    struct Script(Vec<&'static str>);

    impl Probe for Script {
        fn observe(&mut self, which: &[usize], now: DateTime<Utc>) -> Vec<(usize, Observation)> {
            let status = self.0.remove(0);
            let integration = Integration {
                create_time: Some(now),
                ..Integration::new(
                    "arn:aws:glue:us-east-1:111111111111:integration:x",
                    "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
                    "arn:aws:glue:us-east-1:222222222222:database/lake",
                    status,
                )
            };
            which
                .iter()
                .map(|&i| {
                    (
                        i,
                        Observation {
                            integration: Fact::Known(Some(integration.clone())),
                            export: None,
                            last_sync: None,
                        },
                    )
                })
                .collect()
        }
        fn diagnose(&mut self, _i: usize, _now: DateTime<Utc>) -> Result<String, String> {
            Ok("REPORT\n".into())
        }
    }

    struct Instant(DateTime<Utc>);

    impl Clock for Instant {
        fn now(&mut self) -> DateTime<Utc> {
            self.0
        }
        fn sleep(&mut self, d: Duration) {
            self.0 += chrono::Duration::from_std(d).unwrap();
        }
    }

    #[test]
    fn a_terminal_gets_a_block_redrawn_in_place_and_the_diagnosis() {
        let start = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let mut machine = Machine::new(
            vec![Followed {
                name: "x".into(),
                explicit: true,
            }],
            start,
            None,
        );
        let mut out = Vec::new();
        let verdict = run(
            &mut machine,
            &mut Script(vec!["CREATING", "CREATING", "FAILED"]),
            &mut Instant(start),
            &mut out,
            &RunOptions {
                interval: Duration::from_millis(10),
                max_interval: Duration::from_millis(20),
                terminal: true,
            },
        )
        .unwrap();
        assert_eq!(verdict, Verdict::Stopped);
        let text = String::from_utf8(out).unwrap();
        let up = "\x1b[1A\x1b[2K";
        assert_eq!(
            text,
            [
                "2026-11-18T11:06:40Z x: integration arn:aws:glue:us-east-1:111111111111:integration:x is CREATING (created 2026-11-18T11:06:40Z)\n",
                "x: CREATING for 0s\n",
                "next check in 0s (Ctrl-C stops)\n",
                up, up,
                "x: CREATING for 0s\n",
                "next check in 0s (Ctrl-C stops)\n",
                up, up,
                "2026-11-18T11:06:40Z x: CREATING -> FAILED after 0s\n",
                "2026-11-18T11:06:40Z x is FAILED: running the doctor for this pair\n",
                "2026-11-18T11:06:40Z x: the doctor's diagnosis of this pair:\n",
                "REPORT\n",
            ]
            .concat()
        );
    }
}
