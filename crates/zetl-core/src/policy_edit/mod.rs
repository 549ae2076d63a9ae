//! Fix synthesis: the minimal statement that grants a requirement, merged into the policy that
//! exists (nothing of it dropped or reordered), checked against the service's size limit, plus
//! the narrow edits some rules need (a corrected condition, a Deny that stops matching Glue)
//! and the `aws` CLI commands that apply the result.
//!
//! Works on plain JSON values, so it needs nothing from the policy engine: rules decide *what*
//! must change, this module decides *how the document looks* afterwards.

pub mod action;
pub mod command;
pub mod condition_edit;
pub mod deny_edit;
pub mod document;
pub mod limits;
pub mod merge;
pub mod statement;

pub use action::FixAction;
pub use command::{CommandTarget, PolicyCommand, TypedCommand};
pub use condition_edit::{correct_conditions, ConditionEdit};
pub use deny_edit::{exclude_glue_from_deny, exclude_principal_from_deny, DenyEdit};
pub use document::{policy_object, FixError};
pub use limits::{check_size, PolicyKind};
pub use merge::{merge_statement, replace_statement, MergeOutcome};
pub use statement::{Conditions, StatementSpec};
