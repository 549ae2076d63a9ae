//! zetl's offline core: everything that decides, nothing that talks to AWS.
//!
//! snapshot -> rules + policy engine -> findings -> report. The `zetl` crate adds the CLI, the
//! live collectors and the guarded writes of `zetl fix`; this crate has no `aws-*` dependency,
//! so the offline commands (`doctor --from`, `explain`, `rules`, `policy simulate`) build in a
//! couple of minutes.

pub mod arn;
pub mod lang;
pub mod policy;
pub mod policy_edit;
pub mod report;
pub mod rules;
pub mod simulate;
pub mod snapshot;
pub mod time;
