//! Service size limits for policy documents. A merged document over the limit is refused
//! with a clear message rather than handed to the user to fail at apply time.

use serde::Serialize;
use serde_json::Value;

use super::document::FixError;
use crate::snapshot::InlinePolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// DynamoDB resource-based policy: 20 KB, whitespace included.
    DynamoDbTable,
    /// Glue Data Catalog resource policy: 10 KB.
    GlueCatalog,
    /// S3 bucket policy: 20 KB.
    S3Bucket,
    /// KMS key policy: 32 KB.
    KmsKey,
    /// IAM customer managed policy: 6,144 characters, whitespace not counted.
    IamManaged,
    /// IAM role inline policies: 10,240 characters for all of a role's inline policies
    /// together, whitespace not counted.
    IamRoleInline,
    /// IAM user inline policies: 2,048 characters together.
    IamUserInline,
    /// Role trust policy: 2,048 characters (default quota).
    IamTrust,
}

impl PolicyKind {
    pub fn limit(self) -> usize {
        match self {
            PolicyKind::DynamoDbTable | PolicyKind::S3Bucket => 20 * 1024,
            PolicyKind::GlueCatalog => 10 * 1024,
            PolicyKind::KmsKey => 32 * 1024,
            PolicyKind::IamManaged => 6_144,
            PolicyKind::IamRoleInline => 10_240,
            PolicyKind::IamUserInline | PolicyKind::IamTrust => 2_048,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::DynamoDbTable => "the DynamoDB table resource policy",
            PolicyKind::GlueCatalog => "the Glue Data Catalog resource policy",
            PolicyKind::S3Bucket => "the S3 bucket policy",
            PolicyKind::KmsKey => "the KMS key policy",
            PolicyKind::IamManaged => "the IAM managed policy",
            PolicyKind::IamRoleInline => "the role's inline policies together",
            PolicyKind::IamUserInline => "the user's inline policies together",
            PolicyKind::IamTrust => "the role trust policy",
        }
    }

    /// IAM does not count whitespace; the resource-policy services count bytes.
    fn counts_characters(self) -> bool {
        matches!(
            self,
            PolicyKind::IamManaged
                | PolicyKind::IamRoleInline
                | PolicyKind::IamUserInline
                | PolicyKind::IamTrust
        )
    }
}

/// Size of `doc` as the service counts it, written compactly (the smallest form the user can
/// apply). `others` adds the size of sibling documents that share the quota (a role's other
/// inline policies).
pub fn size_of<T: Serialize + ?Sized>(doc: &T, kind: PolicyKind) -> usize {
    let compact = serde_json::to_string(doc).unwrap_or_default();
    if kind.counts_characters() {
        compact.chars().filter(|c| !c.is_whitespace()).count()
    } else {
        compact.len()
    }
}

/// What a principal's inline policies other than `except` take of the quota they share with
/// it (IAM counts a role's or user's inline policies together); a document that does not
/// decode counts nothing.
pub fn siblings_size(inline: &[InlinePolicy], except: &str, kind: PolicyKind) -> usize {
    inline
        .iter()
        .filter(|p| p.name != except)
        .filter_map(|p| p.document.document().ok())
        .map(|m| size_of(m, kind))
        .sum()
}

pub fn check_size(doc: &Value, kind: PolicyKind, others: usize) -> Result<usize, FixError> {
    let size = size_of(doc, kind) + others;
    if size > kind.limit() {
        return Err(FixError::TooLarge {
            kind: kind.label().to_string(),
            size,
            limit: kind.limit(),
            unit: if kind.counts_characters() {
                "characters".into()
            } else {
                "bytes".into()
            },
        });
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_are_the_documented_ones() {
        assert_eq!(PolicyKind::DynamoDbTable.limit(), 20_480);
        assert_eq!(PolicyKind::GlueCatalog.limit(), 10_240);
        assert_eq!(PolicyKind::IamManaged.limit(), 6_144);
        assert_eq!(PolicyKind::IamRoleInline.limit(), 10_240);
    }

    #[test]
    fn iam_does_not_count_whitespace_inside_values() {
        let doc = json!({"a": "b c"});
        assert_eq!(size_of(&doc, PolicyKind::IamManaged), 10);
        assert_eq!(size_of(&doc, PolicyKind::DynamoDbTable), 11);
    }

    #[test]
    fn refuses_over_the_limit_counting_siblings() {
        let doc = json!({"a": "b"});
        assert_eq!(check_size(&doc, PolicyKind::IamRoleInline, 0), Ok(9));
        let err = check_size(&doc, PolicyKind::IamRoleInline, 10_235).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the role's inline policies together would be 10244 characters after the change, over the limit of 10240 characters; remove unused statements first"
        );
    }
}
