//! The snapshot: plain, versioned facts from both accounts. What a support engineer would ask a
//! user to paste; `--from` replays it with no network.

mod fact;
mod ingestion;
mod load;
pub mod model;
mod policy;
mod validate;

pub use fact::{optional_fact, Fact, Unknown, UnknownReason};
pub use load::{from_str, load, merge_patch, SnapshotError};
pub use model::*;
pub use policy::StoredPolicy;
