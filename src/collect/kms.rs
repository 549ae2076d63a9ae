//! A KMS key: DescribeKey, the aliases pointing at it (ListAliases), its key policy.

use super::actions::{KMS_DESCRIBE_KEY, KMS_GET_KEY_POLICY, KMS_LIST_ALIASES};
use super::call::call;
use super::clients::Account;
use crate::snapshot::{Fact, KeyMetadata, KmsKey, StoredPolicy};

/// Reads one key by ARN (or id). Returns the key's ARN as DescribeKey gives it (the
/// snapshot's map key) when known, else `key_ref`.
pub async fn key(account: &Account, key_ref: &str) -> (String, KmsKey) {
    let kms = &account.clients.kms;
    let (described, aliases, policy) = futures::join!(
        call(account, KMS_DESCRIBE_KEY, || kms
            .describe_key()
            .key_id(key_ref)
            .send()),
        call(account, KMS_LIST_ALIASES, || kms
            .list_aliases()
            .key_id(key_ref)
            .into_paginator()
            .items()
            .send()
            .try_collect()),
        call(account, KMS_GET_KEY_POLICY, || kms
            .get_key_policy()
            .key_id(key_ref)
            .policy_name("default")
            .send()),
    );
    let metadata = match (described, aliases) {
        (Ok(out), Ok(aliases)) => match out.key_metadata() {
            Some(m) => Fact::Known(KeyMetadata {
                key_id: m.key_id().to_string(),
                arn: m.arn().unwrap_or(key_ref).to_string(),
                key_manager: m
                    .key_manager()
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_default(),
                key_state: m
                    .key_state()
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_default(),
                aliases: aliases
                    .iter()
                    .filter_map(|a| a.alias_name().map(str::to_string))
                    .collect(),
            }),
            None => Fact::Unknown(crate::snapshot::Unknown {
                reason: crate::snapshot::UnknownReason::Other,
                action: Some(KMS_DESCRIBE_KEY.iam.to_string()),
                message: Some("DescribeKey returned no KeyMetadata".to_string()),
            }),
        },
        (Err(e), _) | (_, Err(e)) => Fact::Unknown(e.unknown),
    };
    let policy = match policy {
        Ok(out) => match out.policy() {
            Some(p) => Fact::Known(StoredPolicy::from_service(p)),
            None => Fact::Known(StoredPolicy::new(serde_json::Value::Null)),
        },
        Err(e) => Fact::Unknown(e.unknown),
    };
    let arn = metadata
        .known()
        .map(|m| m.arn.clone())
        .unwrap_or_else(|| key_ref.to_string());
    (arn, KmsKey { metadata, policy })
}
