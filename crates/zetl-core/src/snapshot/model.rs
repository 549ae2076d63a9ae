//! The facts model: everything the rules need from both accounts, keyed by ARN so one
//! snapshot can hold many source -> target pairs and each shared fact (a catalog policy, a
//! role) is stored once.
//!
//! Field names follow the AWS API in snake_case. Policy documents are [`StoredPolicy`]s: in
//! the file either the object, or the string exactly as the service returned it (possibly
//! URL-encoded, as IAM does), decoded once when the snapshot loads. Never `null`, so an
//! optional policy's `null` can only mean "none".
//!
//! Writing a snapshot and loading it gives the same value back (a property test in
//! `tests/snapshot_roundtrip.rs` holds it to that). Every fact that may be missing at one
//! level is `Fact<Option<T>>`: `null` is "read: there is none", `{"$unknown": ...}` "could
//! not be read". A fact that may also not have been read at all is an absent field
//! ([`optional_fact`](super::optional_fact)). Two values have no JSON of their own and are
//! kept out of the model: a policy object or a map whose only key is `$unknown` (no AWS
//! policy grammar has that key, and map keys here are ARNs, names and account ids).
//!
//! Format change (integration `last_sync`): a present `"last_sync": null` now loads as
//! "read, no datapoint", which is what every writer meant by it; before, it loaded as "not
//! read" and a saved snapshot did not replay the live report. Absent still means "not read".
//!
//! Format change (integration `ingestion_logs`, rule ZI009): an integration may carry what it
//! logged in CloudWatch Logs, read in the account of the list it is in (`integrations.source`:
//! the source account's stream, `integrations.target`: the target account's). Absent: not read
//! (every earlier snapshot); `$unknown`: the read failed; else `{"log_group": ..., "events":
//! [...]}`. Older readers reject the new field (unknown fields are errors); older snapshots
//! load unchanged.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::fact::Fact;
use super::policy::StoredPolicy;

pub const SNAPSHOT_SCHEMA: &str = "zetl.snapshot/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always `zetl.snapshot/v1` for this model.
    pub schema: String,
    /// When the facts were read; the rules' "now", so a snapshot replays identically.
    pub collected_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_version: Option<String>,
    pub accounts: Accounts,
    pub setup: Setup,
    /// Source tables by table ARN.
    #[serde(default)]
    pub tables: BTreeMap<String, SourceTable>,
    /// KMS keys by key ARN (source table keys, target keys, bucket keys).
    #[serde(default)]
    pub kms_keys: BTreeMap<String, KmsKey>,
    /// IAM roles and users by ARN as named in the setup (the stored `arn` carries the path).
    /// `Known(None)`: the principal does not exist.
    #[serde(default)]
    pub principals: BTreeMap<String, Fact<Option<IamPrincipal>>>,
    /// Glue Data Catalog resource policies by catalog ARN (`arn:aws:glue:R:ACCT:catalog`).
    /// `Known(None)`: no policy (EntityNotFoundException or an empty answer).
    #[serde(default)]
    pub catalog_policies: BTreeMap<String, Fact<Option<CatalogPolicy>>>,
    /// Glue databases by database ARN. `Known(None)`: EntityNotFoundException.
    #[serde(default)]
    pub databases: BTreeMap<String, Fact<Option<Database>>>,
    /// S3 buckets by bucket name.
    #[serde(default)]
    pub buckets: BTreeMap<String, Bucket>,
    /// Integration resource properties by resource (database or catalog) ARN.
    /// `Known(None)`: none configured.
    #[serde(default)]
    pub resource_properties: BTreeMap<String, Fact<Option<ResourceProperty>>>,
    /// Integration table properties: target resource ARN -> source table name -> properties.
    #[serde(default)]
    pub table_properties: BTreeMap<String, BTreeMap<String, Fact<Option<TableProperties>>>>,
    /// Lake Formation settings and grants by account id.
    #[serde(default)]
    pub lake_formation: BTreeMap<String, Fact<LakeFormation>>,
    /// Integrations as each side sees them.
    pub integrations: Integrations,
    /// Calls made with a principal's own credentials to observe what it can do (rule ZP004).
    #[serde(default)]
    pub probes: Vec<Probe>,
}

impl Snapshot {
    /// A snapshot that holds no fact yet (no integration either): what the collector and
    /// `zetl policy generate` start from and fill in.
    pub fn empty(collected_at: DateTime<Utc>, accounts: Accounts, setup: Setup) -> Snapshot {
        Snapshot {
            schema: SNAPSHOT_SCHEMA.to_string(),
            collected_at,
            tool_version: None,
            accounts,
            setup,
            tables: BTreeMap::new(),
            kms_keys: BTreeMap::new(),
            principals: BTreeMap::new(),
            catalog_policies: BTreeMap::new(),
            databases: BTreeMap::new(),
            buckets: BTreeMap::new(),
            resource_properties: BTreeMap::new(),
            table_properties: BTreeMap::new(),
            lake_formation: BTreeMap::new(),
            integrations: Integrations {
                source: Fact::Known(BTreeMap::new()),
                target: Fact::Known(BTreeMap::new()),
            },
            probes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    pub source: Account,
    pub target: Account,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// 12-digit account id.
    pub id: String,
    pub region: String,
    /// Who the doctor was in this account (sts:GetCallerIdentity), when read live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_arn: Option<String>,
}

/// What the user asked to check (flags or zetl.toml), recorded so `--from` replays it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    pub pairs: Vec<Pair>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_principal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console_principal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_principal: Option<String>,
}

/// One source table -> target database pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    /// `arn:aws:dynamodb:R:SRC:table/TBL`
    pub source_table: String,
    /// `arn:aws:glue:R:TGT:database/DB` (or an S3 Tables `catalog/s3tablescatalog/...` ARN)
    pub target_database: String,
    /// `arn:aws:iam::TGT:role/[path/]ROLE`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_role: Option<String>,
    /// An existing integration named by the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
}

// ---------------------------------------------------------------- source account

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceTable {
    /// DescribeTable. `Known(None)`: ResourceNotFoundException.
    pub description: Fact<Option<TableDescription>>,
    /// DescribeContinuousBackups.
    pub continuous_backups: Fact<PitrStatus>,
    /// GetResourcePolicy. `Known(None)`: PolicyNotFoundException.
    pub resource_policy: Fact<Option<TablePolicy>>,
    /// The same DescribeContinuousBackups answer's
    /// `PointInTimeRecoveryDescription.RecoveryPeriodInDays` (1-35). Absent: not read (a
    /// snapshot written before zetl collected it); `Known(None)` (`null`): read, DynamoDB gave
    /// none (PITR disabled, or a table without a configured period: the default is 35 days);
    /// `Unknown`: DescribeContinuousBackups failed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::fact::optional_fact"
    )]
    pub pitr_recovery_period_days: Option<Fact<Option<u32>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDescription {
    pub table_name: String,
    pub table_arn: String,
    /// CREATING | UPDATING | DELETING | ACTIVE | INACCESSIBLE_ENCRYPTION_CREDENTIALS | ARCHIVING | ARCHIVED
    pub table_status: String,
    /// `None`: encrypted with the AWS owned key (DynamoDB omits SSEDescription then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_description: Option<SseDescription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_size_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_count: Option<u64>,
    /// The primary key (`KeySchema`): the partition (`HASH`) key, then the sort (`RANGE`) key
    /// if any. `None`: not read (snapshots from before it was collected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_schema: Option<Vec<KeyElement>>,
}

/// One attribute of a table's primary key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyElement {
    pub attribute_name: String,
    /// HASH | RANGE
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SseDescription {
    /// ENABLING | ENABLED | DISABLING | DISABLED | UPDATING
    pub status: String,
    /// KMS (the only value AWS returns today)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_arn: Option<String>,
    /// Set when DynamoDB cannot reach the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inaccessible_encryption_date_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PitrStatus {
    Enabled,
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TablePolicy {
    pub policy: StoredPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    /// DescribeKey.
    pub metadata: Fact<KeyMetadata>,
    /// GetKeyPolicy (policy name `default`).
    pub policy: Fact<StoredPolicy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyMetadata {
    pub key_id: String,
    pub arn: String,
    /// AWS | CUSTOMER
    pub key_manager: String,
    /// Enabled | Disabled | PendingDeletion | PendingImport | Unavailable | ...
    pub key_state: String,
    /// Alias names pointing at the key (e.g. `alias/aws/dynamodb`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl KeyMetadata {
    /// The AWS-managed key: KeyManager `AWS`, or the `alias/aws/dynamodb` alias (some
    /// emulators report that key as CUSTOMER-managed; the alias only AWS can create).
    pub fn is_aws_managed(&self) -> bool {
        self.key_manager.eq_ignore_ascii_case("AWS")
            || self.aliases.iter().any(|a| a == "alias/aws/dynamodb")
    }
}

// ---------------------------------------------------------------- IAM

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    Role,
    User,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamPrincipal {
    /// The real ARN, path included (GetRole / GetUser).
    pub arn: String,
    pub kind: PrincipalKind,
    /// `AROA...` / `AIDA...`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_id: Option<String>,
    /// Roles only: the trust policy (AssumeRolePolicyDocument).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_policy: Option<StoredPolicy>,
    pub inline_policies: Fact<Vec<InlinePolicy>>,
    pub attached_policies: Fact<Vec<ManagedPolicy>>,
    pub permissions_boundary: Fact<Option<ManagedPolicy>>,
    /// Users only: groups with their policies.
    #[serde(default)]
    pub groups: Fact<Vec<Group>>,
}

impl Default for Fact<Vec<Group>> {
    fn default() -> Self {
        Fact::Known(Vec::new())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    pub name: String,
    pub document: StoredPolicy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    pub arn: String,
    /// The default version's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    pub document: StoredPolicy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub arn: String,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policies: Vec<ManagedPolicy>,
}

// ---------------------------------------------------------------- target account

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogPolicy {
    pub policy: StoredPolicy,
    /// PolicyHash, for optimistic concurrency on write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub name: String,
    pub catalog_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_uri: Option<String>,
    /// CreateTableDefaultPermissions: `IAM_ALLOWED_PRINCIPALS` with ALL means IAM governs.
    #[serde(default)]
    pub create_table_default_permissions: Vec<DefaultPermission>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultPermission {
    pub principal: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// GetBucketLocation, normalised (null -> us-east-1, EU -> eu-west-1).
    /// `Known(None)`: NoSuchBucket.
    pub region: Fact<Option<String>>,
    /// GetBucketPolicy. `Known(None)`: NoSuchBucketPolicy.
    pub policy: Fact<Option<StoredPolicy>>,
    /// GetBucketEncryption (first rule). `Known(None)`: none configured.
    pub encryption: Fact<Option<BucketEncryption>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketEncryption {
    /// AES256 | aws:kms | aws:kms:dsse
    pub sse_algorithm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_key_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceProperty {
    pub resource_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_bus_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableProperties {
    /// TOPLEVEL | FULL | NOUNNEST
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unnest_spec: Option<String>,
    #[serde(default)]
    pub partition_spec: Vec<PartitionField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_table_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionField {
    pub field_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_spec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_spec: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LakeFormation {
    /// Data-lake administrators (GetDataLakeSettings).
    #[serde(default)]
    pub admins: Vec<String>,
    /// Grants (ListPermissions).
    #[serde(default)]
    pub permissions: Vec<LfGrant>,
    /// Registered S3 locations (ListResources), as ARNs.
    #[serde(default)]
    pub registered_locations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LfGrant {
    /// A principal ARN, an account id, or `IAM_ALLOWED_PRINCIPALS`.
    pub principal: String,
    pub resource: LfResource,
    pub permissions: Vec<String>,
    #[serde(default)]
    pub permissions_with_grant_option: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LfResource {
    Catalog {
        catalog_id: String,
    },
    Database {
        catalog_id: String,
        name: String,
    },
    Table {
        catalog_id: String,
        database_name: String,
        /// `None`: all tables (TableWildcard).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    DataLocation {
        catalog_id: String,
        resource_arn: String,
    },
    /// LF-tag based grants; the doctor cannot resolve these.
    LfTagPolicy {
        catalog_id: String,
        resource_type: String,
        expression: serde_json::Value,
    },
}

// ---------------------------------------------------------------- integrations

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integrations {
    /// DescribeIntegrations in the source account, by integration ARN.
    pub source: Fact<BTreeMap<String, Integration>>,
    /// DescribeInboundIntegrations in the target account, by integration ARN.
    pub target: Fact<BTreeMap<String, Integration>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    pub integration_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_name: Option<String>,
    pub source_arn: String,
    pub target_arn: String,
    /// CREATING | ACTIVE | MODIFYING | FAILED | DELETING | SYNCING | NEEDS_ATTENTION
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub errors: Vec<IntegrationError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// IntegrationConfig.RefreshInterval, minutes as a string (as the API has it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuous_sync: Option<bool>,
    /// The AWS/Glue/ZeroETL LastSyncTimestamp metric. `None` (absent): not read;
    /// `Known(None)` (`null`): read, no datapoint; `Unknown`: the read failed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::fact::optional_fact"
    )]
    pub last_sync: Option<Fact<Option<DateTime<Utc>>>>,
    /// What the integration logged in CloudWatch Logs (rule ZI009), read in the account whose
    /// list this copy is in. `None` (absent): not read; `Unknown`: the read failed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::fact::optional_fact"
    )]
    pub ingestion_logs: Option<Fact<IngestionLogs>>,
}

impl Integration {
    /// An integration between `source_arn` and `target_arn` in `status`, with nothing else
    /// known (no name, errors, configuration, metric or logs).
    pub fn new(integration_arn: &str, source_arn: &str, target_arn: &str, status: &str) -> Self {
        Integration {
            integration_arn: integration_arn.to_string(),
            integration_name: None,
            source_arn: source_arn.to_string(),
            target_arn: target_arn.to_string(),
            status: status.to_string(),
            create_time: None,
            errors: Vec::new(),
            description: None,
            data_filter: None,
            kms_key_id: None,
            refresh_interval: None,
            continuous_sync: None,
            last_sync: None,
            ingestion_logs: None,
        }
    }
}

/// The newest events of an integration's log stream in one account (bounded by time and
/// count when read live; see `src/collect/logs.rs`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestionLogs {
    /// The log group the integration's stream was read from; `None`: no documented log group
    /// holds a stream for the integration (nothing logged there yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group: Option<String>,
    /// Oldest first.
    #[serde(default)]
    pub events: Vec<IngestionEvent>,
}

/// One log event, as far as it could be parsed (`IngestionEvent::parse`, in
/// `snapshot/ingestion.rs`): every field but the time is optional, so an event of a shape AWS
/// does not document is kept, not dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestionEvent {
    /// The log event's timestamp.
    pub time: DateTime<Utc>,
    /// `messageType`: `IngestionStarted`, `IngestionProcessingStats`, `IngestionFailed`,
    /// `IngestionCompleted` are the documented ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// `details.tableName`: the source table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// `details.errorMessage`, else `details.message`; the event's text when it is no JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `details.error_code` (`client_error` in AWS's example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// Who made the call (the caller ARN of the credentials used).
    pub principal: String,
    /// e.g. `redshift-serverless:ListNamespaces`
    pub action: String,
    pub allowed: bool,
    /// The service's error message when denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
