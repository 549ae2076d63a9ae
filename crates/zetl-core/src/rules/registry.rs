//! The registry: one line per rule, from its ID to its check. A check is named after its
//! rule (`zs005_` + the slug in snake case) and lives in its family's module. A catalog rule
//! with no line here is reported `unknown` ("not implemented"), never `pass`.

use super::runner::Check;
use super::{collection, integration, principal, source, target};

/// `(rule ID, check, the check's path as written)`: the path lets a test hold every check's
/// name to its rule's slug.
macro_rules! registry {
    ($($id:literal => $check:path),* $(,)?) => {
        pub const REGISTRY: &[(&str, Check, &str)] = &[$(($id, $check, stringify!($check))),*];
    };
}

registry! {
    "ZS001" => source::zs001_source_table_not_active,
    "ZS002" => source::zs002_pitr_disabled,
    "ZS003" => source::zs003_table_policy_missing,
    "ZS004" => source::zs004_table_policy_denies_glue_export,
    "ZS005" => source::zs005_table_policy_wrong_source_condition,
    "ZS006" => source::zs006_table_policy_confused_deputy,
    "ZS007" => source::zs007_table_policy_explicit_deny,
    "ZS008" => source::zs008_table_aws_managed_key,
    "ZS009" => source::zs009_table_key_unusable,
    "ZS010" => source::zs010_cross_region_pair,
    "ZS011" => source::zs011_table_key_policy_no_glue,
    "ZS012" => source::zs012_table_too_large,
    "ZS013" => source::zs013_table_name_too_long,
    "ZS014" => source::zs014_pitr_window_shorter_than_refresh,
    "ZT001" => target::zt001_target_database_missing,
    "ZT002" => target::zt002_database_location_missing,
    "ZT003" => target::zt003_location_bucket_wrong_region,
    "ZT004" => target::zt004_catalog_policy_missing,
    "ZT005" => target::zt005_catalog_policy_denies_creator,
    "ZT006" => target::zt006_catalog_policy_denies_glue_authorize,
    "ZT007" => target::zt007_catalog_policy_too_broad,
    "ZT008" => target::zt008_target_role_missing,
    "ZT009" => target::zt009_target_role_trust,
    "ZT010" => target::zt010_target_role_s3,
    "ZT011" => target::zt011_target_role_glue,
    "ZT012" => target::zt012_target_role_logs_metrics,
    "ZT013" => target::zt013_target_not_configured,
    "ZT014" => target::zt014_lake_formation_permissions,
    "ZT015" => target::zt015_target_role_target_key,
    "ZT016" => target::zt016_catalog_policy_extra_grants,
    "ZT017" => target::zt017_target_role_bucket_key,
    "ZT018" => target::zt018_s3_tables_role_permissions,
    "ZT019" => target::zt019_target_kms_key_not_enabled,
    "ZP001" => principal::zp001_creator_cannot_create_integration,
    "ZP002" => principal::zp002_creator_identity_missing_inbound,
    "ZP003" => principal::zp003_creator_not_named_in_catalog_policy,
    "ZP004" => principal::zp004_console_redshift_serverless_read,
    "ZP005" => principal::zp005_configurer_cannot_pass_role,
    "ZP006" => principal::zp006_configurer_cannot_configure_target,
    "ZI001" => integration::zi001_integration_needs_attention,
    "ZI002" => integration::zi002_integration_failed,
    "ZI003" => integration::zi003_integration_creating_too_long,
    "ZI004" => integration::zi004_integration_wrong_source_or_target,
    "ZI005" => integration::zi005_integration_role_differs,
    "ZI006" => integration::zi006_replication_timing,
    "ZI007" => integration::zi007_no_integration_yet,
    "ZI008" => integration::zi008_table_properties_missing,
    "ZI009" => integration::zi009_ingestion_failed,
    "ZI010" => integration::zi010_table_properties_conversion_spec,
    "ZC001" => collection::zc001_fact_not_readable,
    "ZC002" => collection::zc002_principal_by_unique_id,
    "ZC003" => collection::zc003_arn_matches_nothing,
}

/// The check of a rule, by ID.
pub fn lookup(rule_id: &str) -> Option<Check> {
    REGISTRY
        .iter()
        .find(|(id, _, _)| *id == rule_id)
        .map(|(_, check, _)| *check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_rule_is_registered_once_and_every_catalog_rule_has_a_check() {
        let mut seen = BTreeSet::new();
        for (id, _, _) in REGISTRY {
            assert!(seen.insert(*id), "{id} registered twice");
        }
        let catalog = crate::rules::catalog().unwrap();
        let ids: BTreeSet<&str> = catalog.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            seen, ids,
            "the registry and rules/*.toml list different rules"
        );
    }

    #[test]
    fn each_check_is_named_after_its_rule() {
        let catalog = crate::rules::catalog().unwrap();
        for (id, _, path) in REGISTRY {
            let rule = catalog.get(id).unwrap();
            let name = format!("{}_{}", id.to_lowercase(), rule.slug.replace('-', "_"));
            assert!(
                path.ends_with(&format!("::{name}")),
                "{id}: the check {path} should be named {name}"
            );
        }
    }
}
