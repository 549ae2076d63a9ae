//! The target location bucket: region, policy, default encryption.

use super::actions::{
    S3_GET_BUCKET_LOCATION, S3_GET_BUCKET_POLICY, S3_GET_ENCRYPTION_CONFIGURATION,
};
use super::call::call;
use super::clients::Account;
use crate::snapshot::{Bucket, BucketEncryption, Fact, StoredPolicy, Unknown};

/// The bucket of an `s3://bucket/prefix` location (`s3a://` and `s3n://` too).
pub fn bucket_of(location_uri: &str) -> Option<String> {
    let rest = ["s3://", "s3a://", "s3n://"]
        .iter()
        .find_map(|scheme| location_uri.strip_prefix(scheme))?;
    let bucket = rest.split('/').next().unwrap_or_default();
    (!bucket.is_empty()).then(|| bucket.to_string())
}

/// GetBucketLocation's answer as a region name: empty means us-east-1, `EU` eu-west-1.
pub fn normalise_region(constraint: Option<&str>) -> String {
    match constraint.unwrap_or("") {
        "" => "us-east-1".to_string(),
        "EU" => "eu-west-1".to_string(),
        other => other.to_string(),
    }
}

/// Reads the bucket: its region, policy and encryption (the last two again from the bucket's
/// region when it is not the account's: S3 answers a redirect, not the data, from elsewhere).
pub async fn bucket(account: &Account, name: &str) -> Bucket {
    let s3 = &account.clients.s3;
    // Policy and encryption are read alongside the location, with the account's region (one
    // round trip less); only a bucket in another region needs them again, from its region.
    let (location, read) = futures::join!(
        call(account, S3_GET_BUCKET_LOCATION, || s3
            .get_bucket_location()
            .bucket(name)
            .send()),
        policy_and_encryption(account, s3, name),
    );
    let region = match location {
        Ok(out) => Fact::Known(Some(normalise_region(
            out.location_constraint().map(|c| c.as_str()),
        ))),
        Err(e) if e.is(&["NoSuchBucket"]) => Fact::Known(None),
        Err(e) => Fact::Unknown(e.unknown),
    };
    if let Fact::Known(None) = region {
        let missing = Unknown::not_collected(format!("bucket {name} does not exist"));
        return Bucket {
            region,
            policy: Fact::Unknown(missing.clone()),
            encryption: Fact::Unknown(missing),
        };
    }
    let (policy, encryption) = match region.known().and_then(|r| r.as_deref()) {
        Some(r) if Some(r) != s3.config().region().map(|x| x.as_ref()) => {
            let regional = aws_sdk_s3::Client::from_conf(
                s3.config()
                    .to_builder()
                    .region(aws_sdk_s3::config::Region::new(r.to_string()))
                    .build(),
            );
            policy_and_encryption(account, &regional, name).await
        }
        _ => read,
    };
    Bucket {
        region,
        policy,
        encryption,
    }
}

/// GetBucketPolicy and GetBucketEncryption, concurrently, with one client (one region).
async fn policy_and_encryption(
    account: &Account,
    s3: &aws_sdk_s3::Client,
    name: &str,
) -> (Fact<Option<StoredPolicy>>, Fact<Option<BucketEncryption>>) {
    let (policy, encryption) = futures::join!(
        call(account, S3_GET_BUCKET_POLICY, || s3
            .get_bucket_policy()
            .bucket(name)
            .send()),
        call(account, S3_GET_ENCRYPTION_CONFIGURATION, || s3
            .get_bucket_encryption()
            .bucket(name)
            .send()),
    );
    (
        match policy {
            Ok(out) => Fact::Known(out.policy().map(StoredPolicy::from_service)),
            Err(e) if e.is(&["NoSuchBucketPolicy"]) => Fact::Known(None),
            Err(e) => Fact::Unknown(e.unknown),
        },
        match encryption {
            Ok(out) => Fact::Known(
                out.server_side_encryption_configuration()
                    .and_then(|c| c.rules().first())
                    .and_then(|rule| {
                        rule.apply_server_side_encryption_by_default()
                            .map(|d| BucketEncryption {
                                sse_algorithm: d.sse_algorithm().as_str().to_string(),
                                kms_master_key_id: d.kms_master_key_id().map(str::to_string),
                                bucket_key_enabled: rule.bucket_key_enabled(),
                            })
                    }),
            ),
            Err(e) if e.is(&["ServerSideEncryptionConfigurationNotFoundError"]) => {
                Fact::Known(None)
            }
            Err(e) => Fact::Unknown(e.unknown),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_and_region_normalisation() {
        assert_eq!(
            bucket_of("s3://lake-bucket/db/").as_deref(),
            Some("lake-bucket")
        );
        assert_eq!(bucket_of("s3a://b").as_deref(), Some("b"));
        assert_eq!(bucket_of("s3:///x"), None);
        assert_eq!(bucket_of("/tmp/x"), None);
        assert_eq!(normalise_region(None), "us-east-1");
        assert_eq!(normalise_region(Some("")), "us-east-1");
        assert_eq!(normalise_region(Some("EU")), "eu-west-1");
        assert_eq!(normalise_region(Some("ap-northeast-1")), "ap-northeast-1");
    }
}
