//! What `zetl fix` can apply for a finding, in structured form. The report shows the rendered
//! commands; the fix planner needs to know *which* document or setting a finding's fix
//! replaces, so every automatically applicable fix carries one of these.

use super::command::PolicyCommand;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixAction {
    /// The finding's `fix.policy` is the complete new content of the document this command
    /// writes (existing statements already merged in).
    Policy(PolicyCommand),
    /// `UpdateContinuousBackups` with point-in-time recovery enabled.
    EnablePitr { table_arn: String },
    /// Create (or update) the database's integration resource property so the integration
    /// writes with `role_arn`.
    ResourceProperty {
        resource_arn: String,
        role_arn: String,
        exists: bool,
    },
}
