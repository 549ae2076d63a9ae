//! `zetl fix`: the changes that repair the doctor's fixable findings. `plan` decides them
//! offline from a snapshot; `render` shows them as a diff; `live` applies them to the
//! accounts with optimistic concurrency (a document changed since it was read is never
//! overwritten).

pub mod change;
#[cfg(feature = "live")]
pub mod live;
pub mod plan;
pub mod render;

pub use change::{Account, Change, Target};
pub use plan::{plan, Plan};

/// What reading an applied change back found (`live::settle`).
#[derive(Debug, Clone, PartialEq)]
pub enum Visible {
    /// The document reads as written.
    Yes,
    /// The document reads neither as before nor as written (the service normalised it, or
    /// someone else changed it since): nothing to wait for; the doctor judges it.
    Changed,
    /// Still absent or still the old document after waiting this long.
    NotYet { waited: std::time::Duration },
    /// The re-read failed (its message).
    Unreadable(String),
}

/// How one change ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    Done,
    /// The document is no longer what the plan was made from: nothing was written.
    Conflict(String),
    /// The write failed; `missing_action` when the credentials lack the permission.
    Failed {
        message: String,
        missing_action: Option<String>,
    },
}

#[cfg(all(test, feature = "live"))]
mod live_tests;
#[cfg(test)]
mod tests;
