//! `zetl watch`: follow integrations until their initial load is done.
//!
//! - `machine`: the pure state machine. Input: what each poll saw of every followed pair
//!   (`Observation`); output: the lines to print and the verdict. No AWS, no clock, no I/O.
//! - `run`: the polling loop with back-off, over a `Probe` (what reads the accounts) and a
//!   `Clock` (what sleeps), both injectable so tests run in milliseconds; terminal and plain
//!   rendering.
//! - `duration`: `--interval` / `--timeout` values and how durations are shown.
//! - `live` (the `live` feature): the `Probe` that reads AWS through the collector's
//!   functions (Glue integrations, the LastSyncTimestamp metric) plus the source table's
//!   DynamoDB exports (`exports`), and runs the doctor for a pair that needs attention.

pub mod duration;
pub mod machine;
pub mod run;

#[cfg(feature = "live")]
pub mod exports;
#[cfg(feature = "live")]
pub mod live;
#[cfg(all(test, feature = "live"))]
mod live_tests;

pub use machine::{Export, Followed, Machine, Observation, Step, Verdict};
pub use run::{Clock, Probe, RunOptions, SystemClock};
