//! What `zetl fix` can apply for a finding, in structured form. The report shows the rendered
//! commands; the fix planner needs to know *which* document or setting a finding's fix
//! replaces, so every automatically applicable fix carries one of these.

use serde_json::Value;

use super::command::PolicyCommand;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixAction {
    /// The finding's `fix.policy` is the complete new content of the document this command
    /// writes (existing statements already merged in).
    Policy(PolicyCommand),
    /// As `Policy`, where the new content is the document with `statements` merged in (see
    /// `merge_statement`): a planner that already changed the document for another finding
    /// (another pair's, say) can merge these into its changed copy, in the same write.
    MergeStatements {
        command: PolicyCommand,
        statements: Vec<Value>,
    },
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

impl FixAction {
    /// The concurrency token read with the document this fix writes (DynamoDB `RevisionId`,
    /// Glue `PolicyHash`), as the check saw it: the guarded write sends it, so the write fails
    /// instead of overwriting a change made since.
    pub fn token(&self) -> Option<&str> {
        match self {
            FixAction::Policy(command) | FixAction::MergeStatements { command, .. } => {
                match command {
                    PolicyCommand::DynamoDbPutResourcePolicy {
                        expected_revision_id,
                        ..
                    } => expected_revision_id.as_deref(),
                    PolicyCommand::GluePutResourcePolicy { policy_hash, .. } => {
                        policy_hash.as_deref()
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
