//! Every IAM action zetl calls, in ONE place. The checked-in read-only policies in
//! `permissions/` are generated from the read actions (and a test keeps them in sync), and
//! every AWS call goes through `call::call` with one of these constants, so a collector cannot
//! use an action the published policies do not grant. `zetl fix --apply`'s writes are listed
//! apart (`WRITE_ACTIONS`): no read-only policy grants them and the read-only guard refuses
//! them.

use serde_json::{json, Value};

/// Which account's read-only policy needs the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sides {
    Source,
    Target,
    Both,
    /// A ZP004 probe: sent only when the credentials in use ARE the console principal, to
    /// see what that principal may do. Kept out of the doctor's read-only policies: granting
    /// it there would make the probe report the doctor's policy instead of the principal's.
    Probe,
    /// Sent with the caller's base credentials to get the account's (sts:AssumeRole into
    /// `--<side>-role-arn`): granted by the caller's own policy and the role's trust policy,
    /// never by the doctor's read-only policies, and not a read of the account.
    Caller,
    /// A `zetl fix --apply` write, made in the account the change is in: in no read-only
    /// policy (the credentials `zetl fix` runs with need it).
    Write,
}

impl Sides {
    pub fn includes(self, side: Side) -> bool {
        matches!(
            (self, side),
            (Sides::Both, _) | (Sides::Source, Side::Source) | (Sides::Target, Side::Target)
        )
    }
}

/// One of the two accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Target,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Target => "target",
        }
    }
}

/// An IAM action the doctor needs, and the SDK operation that needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// `service:Action` as IAM spells it.
    pub iam: &'static str,
    /// The API operation name (differs from the IAM action for S3 GetBucketEncryption).
    pub operation: &'static str,
    pub sides: Sides,
}

macro_rules! read_actions {
    ($($name:ident = $iam:literal / $op:literal : $sides:ident),* $(,)?) => {
        $(pub const $name: Action = Action { iam: $iam, operation: $op, sides: Sides::$sides };)*
        /// Every action the collectors call.
        pub const READ_ACTIONS: &[Action] = &[$($name),*];
    };
}

read_actions! {
    STS_GET_CALLER_IDENTITY = "sts:GetCallerIdentity" / "GetCallerIdentity": Both,
    // Source table
    DDB_DESCRIBE_TABLE = "dynamodb:DescribeTable" / "DescribeTable": Source,
    DDB_DESCRIBE_CONTINUOUS_BACKUPS = "dynamodb:DescribeContinuousBackups" / "DescribeContinuousBackups": Source,
    DDB_GET_RESOURCE_POLICY = "dynamodb:GetResourcePolicy" / "GetResourcePolicy": Source,
    // The source table's exports (`zetl watch`: the initial load's progress)
    DDB_LIST_EXPORTS = "dynamodb:ListExports" / "ListExports": Source,
    DDB_DESCRIBE_EXPORT = "dynamodb:DescribeExport" / "DescribeExport": Source,
    // Keys (the table key in the source account, bucket and integration keys in the target)
    KMS_DESCRIBE_KEY = "kms:DescribeKey" / "DescribeKey": Both,
    KMS_LIST_ALIASES = "kms:ListAliases" / "ListAliases": Both,
    KMS_GET_KEY_POLICY = "kms:GetKeyPolicy" / "GetKeyPolicy": Both,
    // Principals (creator in the source account, target role in the target account)
    IAM_GET_ROLE = "iam:GetRole" / "GetRole": Both,
    IAM_LIST_ROLE_POLICIES = "iam:ListRolePolicies" / "ListRolePolicies": Both,
    IAM_GET_ROLE_POLICY = "iam:GetRolePolicy" / "GetRolePolicy": Both,
    IAM_LIST_ATTACHED_ROLE_POLICIES = "iam:ListAttachedRolePolicies" / "ListAttachedRolePolicies": Both,
    IAM_GET_USER = "iam:GetUser" / "GetUser": Both,
    IAM_LIST_USER_POLICIES = "iam:ListUserPolicies" / "ListUserPolicies": Both,
    IAM_GET_USER_POLICY = "iam:GetUserPolicy" / "GetUserPolicy": Both,
    IAM_LIST_ATTACHED_USER_POLICIES = "iam:ListAttachedUserPolicies" / "ListAttachedUserPolicies": Both,
    IAM_LIST_GROUPS_FOR_USER = "iam:ListGroupsForUser" / "ListGroupsForUser": Both,
    IAM_LIST_GROUP_POLICIES = "iam:ListGroupPolicies" / "ListGroupPolicies": Both,
    IAM_GET_GROUP_POLICY = "iam:GetGroupPolicy" / "GetGroupPolicy": Both,
    IAM_LIST_ATTACHED_GROUP_POLICIES = "iam:ListAttachedGroupPolicies" / "ListAttachedGroupPolicies": Both,
    IAM_GET_POLICY = "iam:GetPolicy" / "GetPolicy": Both,
    IAM_GET_POLICY_VERSION = "iam:GetPolicyVersion" / "GetPolicyVersion": Both,
    // Integrations
    GLUE_DESCRIBE_INTEGRATIONS = "glue:DescribeIntegrations" / "DescribeIntegrations": Source,
    GLUE_DESCRIBE_INBOUND_INTEGRATIONS = "glue:DescribeInboundIntegrations" / "DescribeInboundIntegrations": Target,
    // Target catalog
    GLUE_GET_RESOURCE_POLICY = "glue:GetResourcePolicy" / "GetResourcePolicy": Target,
    GLUE_GET_DATABASE = "glue:GetDatabase" / "GetDatabase": Target,
    // S3 Tables targets: the `s3tablescatalog/BUCKET` child catalog stands for the database.
    GLUE_GET_CATALOG = "glue:GetCatalog" / "GetCatalog": Target,
    GLUE_GET_INTEGRATION_RESOURCE_PROPERTY = "glue:GetIntegrationResourceProperty" / "GetIntegrationResourceProperty": Target,
    GLUE_GET_INTEGRATION_TABLE_PROPERTIES = "glue:GetIntegrationTableProperties" / "GetIntegrationTableProperties": Target,
    // Target location bucket
    S3_GET_BUCKET_LOCATION = "s3:GetBucketLocation" / "GetBucketLocation": Target,
    S3_GET_BUCKET_POLICY = "s3:GetBucketPolicy" / "GetBucketPolicy": Target,
    S3_GET_ENCRYPTION_CONFIGURATION = "s3:GetEncryptionConfiguration" / "GetBucketEncryption": Target,
    // Lake Formation in the target account
    LF_GET_DATA_LAKE_SETTINGS = "lakeformation:GetDataLakeSettings" / "GetDataLakeSettings": Target,
    LF_LIST_PERMISSIONS = "lakeformation:ListPermissions" / "ListPermissions": Target,
    LF_LIST_RESOURCES = "lakeformation:ListResources" / "ListResources": Target,
    // The AWS/Glue/ZeroETL LastSyncTimestamp metric (rule ZI006), read in the target account
    CW_LIST_METRICS = "cloudwatch:ListMetrics" / "ListMetrics": Target,
    CW_GET_METRIC_DATA = "cloudwatch:GetMetricData" / "GetMetricData": Target,
    // The integration's own log stream (rule ZI009), read in both accounts: source processing
    // logs in the source account, target processing logs in the target account
    LOGS_GET_LOG_EVENTS = "logs:GetLogEvents" / "GetLogEvents": Both,
    // ZP004 probes, made with the console principal's own credentials
    RSS_LIST_NAMESPACES = "redshift-serverless:ListNamespaces" / "ListNamespaces": Probe,
    RSS_LIST_WORKGROUPS = "redshift-serverless:ListWorkgroups" / "ListWorkgroups": Probe,
}

macro_rules! write_actions {
    ($($name:ident = $iam:literal / $op:literal),* $(,)?) => {
        $(pub const $name: Action = Action { iam: $iam, operation: $op, sides: Sides::Write };)*
        /// Every write `zetl fix --apply` makes.
        pub const WRITE_ACTIONS: &[Action] = &[$($name),*];
    };
}

write_actions! {
    DDB_PUT_RESOURCE_POLICY = "dynamodb:PutResourcePolicy" / "PutResourcePolicy",
    DDB_UPDATE_CONTINUOUS_BACKUPS = "dynamodb:UpdateContinuousBackups" / "UpdateContinuousBackups",
    GLUE_PUT_RESOURCE_POLICY = "glue:PutResourcePolicy" / "PutResourcePolicy",
    GLUE_CREATE_INTEGRATION_RESOURCE_PROPERTY = "glue:CreateIntegrationResourceProperty" / "CreateIntegrationResourceProperty",
    GLUE_UPDATE_INTEGRATION_RESOURCE_PROPERTY = "glue:UpdateIntegrationResourceProperty" / "UpdateIntegrationResourceProperty",
    IAM_UPDATE_ASSUME_ROLE_POLICY = "iam:UpdateAssumeRolePolicy" / "UpdateAssumeRolePolicy",
    IAM_PUT_ROLE_POLICY = "iam:PutRolePolicy" / "PutRolePolicy",
    IAM_PUT_USER_POLICY = "iam:PutUserPolicy" / "PutUserPolicy",
}

/// How the collector gets into an account when a role is given. Not in `READ_ACTIONS`: it is
/// no read of the account; the read-only guard lets exactly this one operation through too.
pub const STS_ASSUME_ROLE: Action = Action {
    iam: "sts:AssumeRole",
    operation: "AssumeRole",
    sides: Sides::Caller,
};

/// The actions one account's read-only policy must allow, sorted.
pub fn actions_for(side: Side) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = READ_ACTIONS
        .iter()
        .filter(|a| a.sides.includes(side))
        .map(|a| a.iam)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The least-privilege read-only policy for one account: only the read actions above. Resource
/// is `*` because the resources are the user's (any table, database, role, bucket) and several
/// actions (glue:DescribeInboundIntegrations, lakeformation:*, sts:GetCallerIdentity) have no
/// resource type at all.
pub fn readonly_policy(side: Side) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": format!("ZetlDoctorRead{}", if side == Side::Source { "Source" } else { "Target" }),
            "Effect": "Allow",
            "Action": actions_for(side),
            "Resource": "*"
        }]
    })
}

/// Where the checked-in policy for one account lives, relative to the repository root.
pub fn policy_file(side: Side) -> &'static str {
    match side {
        Side::Source => "permissions/zetl-source-readonly.json",
        Side::Target => "permissions/zetl-target-readonly.json",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The doctor never writes: every operation it may invoke is a read by its name, and
    /// the IAM actions are reads too.
    #[test]
    fn every_action_is_a_read() {
        for a in READ_ACTIONS {
            let (_, iam_name) = a.iam.split_once(':').expect("service:Action");
            for name in [iam_name, a.operation] {
                assert!(
                    ["Get", "List", "Describe"]
                        .iter()
                        .any(|p| name.starts_with(p)),
                    "{} / {} is not a read",
                    a.iam,
                    a.operation
                );
            }
        }
    }

    #[test]
    fn no_action_is_listed_twice() {
        let mut seen = std::collections::BTreeSet::new();
        for a in READ_ACTIONS {
            assert!(seen.insert((a.iam, a.operation)), "{} twice", a.iam);
        }
    }

    fn checked_in(side: Side) -> Value {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(policy_file(side));
        if std::env::var_os("ZETL_BLESS").is_some() {
            let text = serde_json::to_string_pretty(&readonly_policy(side)).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
    }

    /// Each checked-in policy allows every action its account's collectors call, with no
    /// Deny, no condition and nothing else (least privilege; regenerate with ZETL_BLESS=1).
    #[test]
    fn permission_files_allow_exactly_the_collected_actions() {
        for side in [Side::Source, Side::Target] {
            let doc = checked_in(side);
            let statements = doc["Statement"].as_array().expect("Statement array");
            let mut allowed: Vec<&str> = Vec::new();
            for s in statements {
                assert_eq!(s["Effect"], "Allow");
                assert!(s.get("Condition").is_none());
                assert_eq!(s["Resource"], "*");
                for a in s["Action"].as_array().expect("Action array") {
                    allowed.push(a.as_str().expect("action string"));
                }
            }
            allowed.sort_unstable();
            assert_eq!(allowed, actions_for(side), "{}", policy_file(side));
            for a in READ_ACTIONS.iter().filter(|a| a.sides.includes(side)) {
                assert!(
                    allowed.contains(&a.iam),
                    "{} lacks {}",
                    policy_file(side),
                    a.iam
                );
            }
        }
    }

    #[test]
    fn sides_split_as_documented() {
        let src = actions_for(Side::Source);
        let tgt = actions_for(Side::Target);
        assert!(src.contains(&"dynamodb:DescribeContinuousBackups"));
        assert!(!tgt.contains(&"dynamodb:DescribeContinuousBackups"));
        assert!(tgt.contains(&"glue:DescribeInboundIntegrations"));
        assert!(!src.contains(&"glue:DescribeInboundIntegrations"));
        assert!(src.contains(&"glue:DescribeIntegrations"));
        assert!(tgt.contains(&"s3:GetEncryptionConfiguration"));
        assert!(src.contains(&"iam:GetRole") && tgt.contains(&"iam:GetRole"));
        assert!(tgt.contains(&"cloudwatch:GetMetricData") && tgt.contains(&"glue:GetCatalog"));
        assert!(src.contains(&"logs:GetLogEvents") && tgt.contains(&"logs:GetLogEvents"));
        assert!(src.contains(&"dynamodb:ListExports") && src.contains(&"dynamodb:DescribeExport"));
        assert!(!tgt.contains(&"dynamodb:ListExports"));
    }

    /// AssumeRole gets the account's credentials: the guard lets it through, no read-only
    /// policy grants it (the caller's own policy and the role's trust policy do).
    #[test]
    fn assume_role_is_guarded_but_outside_the_policies() {
        assert!(crate::collect::guard::ReadOnlyGuard::allows(
            STS_ASSUME_ROLE.operation
        ));
        assert!(!READ_ACTIONS.contains(&STS_ASSUME_ROLE));
        for side in [Side::Source, Side::Target] {
            assert!(!actions_for(side).contains(&"sts:AssumeRole"), "{side:?}");
        }
        assert!(!crate::collect::guard::ReadOnlyGuard::allows(
            "AssumeRoleWithSAML"
        ));
    }

    /// `zetl fix`'s writes are in no read-only policy, and the guard refuses every one.
    #[test]
    fn writes_are_refused_by_the_guard_and_outside_the_policies() {
        for a in WRITE_ACTIONS {
            assert!(
                !crate::collect::guard::ReadOnlyGuard::allows(a.operation),
                "{}",
                a.iam
            );
            assert!(!READ_ACTIONS.contains(a), "{}", a.iam);
            for side in [Side::Source, Side::Target] {
                assert!(!actions_for(side).contains(&a.iam), "{} in {side:?}", a.iam);
            }
        }
    }

    /// Probes are reads the guard lets through, but no read-only policy grants them.
    #[test]
    fn probes_are_guarded_reads_outside_the_policies() {
        for a in [RSS_LIST_NAMESPACES, RSS_LIST_WORKGROUPS] {
            assert!(crate::collect::guard::ReadOnlyGuard::allows(a.operation));
            for side in [Side::Source, Side::Target] {
                assert!(!actions_for(side).contains(&a.iam), "{} in {side:?}", a.iam);
            }
        }
    }
}
