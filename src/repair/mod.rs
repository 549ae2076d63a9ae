//! `zetl fix`: the changes that repair the doctor's fixable findings. `plan` decides them
//! offline from a snapshot; `render` shows them as a diff; `live` applies them to the
//! accounts with optimistic concurrency (a document changed since it was read is never
//! overwritten).

pub mod change;
pub mod live;
pub mod plan;
pub mod render;

pub use change::{Account, Change, Target};
pub use plan::{plan, Plan};

#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod tests;
