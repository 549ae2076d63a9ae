//! `zetl watch`: follow integrations until their initial load is done.
//!
//! - `machine`: the pure state machine. Input: what each poll saw of every followed pair
//!   (`Observation`); output: the lines to print and the verdict. No AWS, no clock, no I/O.
//! - `run`: the polling loop with back-off, over a `Probe` (what reads the accounts) and a
//!   `Clock` (what sleeps), both injectable so tests run in milliseconds; terminal and plain
//!   rendering.
//! - `duration`: `--interval` / `--timeout` values and how durations are shown.

pub mod duration;
pub mod machine;
pub mod run;

pub use machine::{Export, Followed, Machine, Observation, Step, Verdict};
pub use run::{Clock, Probe, RunOptions, SystemClock};
