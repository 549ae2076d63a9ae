//! ZT014: when Lake Formation governs the target database, the target role needs Lake
//! Formation permissions on it (IAM policies alone are not enough).
//!
//! Message keys and params:
//! - `missing_permissions` {role, missing} (fix: the database grant, `{permissions}`)
//! - `missing_data_location` {role, location_arn} (fix variant `data_location`)

use serde_json::json;

use crate::rules::messages::sentence;
use crate::rules::outcome::{Outcome, Problem};
use crate::rules::pair::{same_role, PairFacts};
use crate::rules::runner::Ctx;
use crate::snapshot::{Database, Fact, LakeFormation, LfGrant, LfResource};

/// Database permissions zero-ETL needs to create and evolve its tables.
const NEEDED: [&str; 4] = ["CREATE_TABLE", "ALTER", "DROP", "DESCRIBE"];
const IAM_ALLOWED_PRINCIPALS: &str = "IAM_ALLOWED_PRINCIPALS";

pub fn zt014_lake_formation_permissions(ctx: &Ctx) -> Outcome {
    let facts = ctx.facts;
    let db = match super::existing_database(ctx, facts) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let lf = facts.snapshot.lake_formation.get(&facts.target_account);
    // The database's default permissions are read with GetDatabase: when they hand new tables
    // to IAM_ALLOWED_PRINCIPALS, IAM governs whatever Lake Formation's lists say.
    if iam_default(db) {
        return Outcome::pass(
            json!({"governed_by": "IAM", "via": "CreateTableDefaultPermissions"}),
        );
    }
    let lf = match lf {
        Some(Fact::Known(lf)) => lf,
        Some(Fact::Unknown(u)) => {
            return Outcome::from_unknown_fact("lakeformation:ListPermissions", u)
        }
        None => {
            return Outcome::unknown(
                sentence(
                    "unknown.no_lake_formation_entry",
                    &[("account", &facts.target_account)],
                ),
                Some("lakeformation:ListPermissions".into()),
            )
        }
    };
    if lf
        .permissions
        .iter()
        .any(|g| g.principal == IAM_ALLOWED_PRINCIPALS && on_database(g, db, facts))
    {
        return Outcome::pass(json!({"governed_by": "IAM", "via": "IAM_ALLOWED_PRINCIPALS grant"}));
    }
    let Some(role) = facts.effective_target_role() else {
        return Outcome::unknown(sentence("unknown.lake_formation_no_role", &[]), None);
    };
    if lf.admins.iter().any(|a| same_role(a, &role)) {
        return Outcome::pass(
            json!({"governed_by": "Lake Formation", "role_is_data_lake_admin": true}),
        );
    }
    let role_grants: Vec<&LfGrant> = lf
        .permissions
        .iter()
        .filter(|g| same_role(&g.principal, &role))
        .collect();
    let held: Vec<String> = role_grants
        .iter()
        .filter(|g| on_database(g, db, facts))
        .flat_map(|g| g.permissions.iter().cloned())
        .collect();
    let has_all = held
        .iter()
        .any(|p| p == "ALL" || p.eq_ignore_ascii_case("SUPER"));
    let missing: Vec<&str> = if has_all {
        Vec::new()
    } else {
        NEEDED
            .iter()
            .copied()
            .filter(|n| !held.iter().any(|h| h == n))
            .collect()
    };
    let tag_grants = role_grants
        .iter()
        .any(|g| matches!(g.resource, LfResource::LfTagPolicy { .. }));
    let mut problems = Vec::new();
    if !missing.is_empty() {
        if tag_grants {
            return Outcome::unknown(
                sentence(
                    "unknown.lf_tag_grants",
                    &[("permissions", &missing.join(", "))],
                ),
                None,
            );
        }
        problems.push(
            Problem::new("missing_permissions", facts.database_arn.clone())
                .param("role", role.clone())
                .param("missing", missing.join(", "))
                .param("permissions", NEEDED.join(" "))
                .evidence(json!({"governed_by": "Lake Formation", "role": role, "held": held, "missing": missing})),
        );
    }
    if let Some(location_arn) = registered_location(lf, facts) {
        let covered = role_grants.iter().any(|g| match &g.resource {
            LfResource::DataLocation { resource_arn, .. } => {
                covers(resource_arn, &location_arn)
                    && g.permissions
                        .iter()
                        .any(|p| p == "DATA_LOCATION_ACCESS" || p == "ALL")
            }
            _ => false,
        });
        if !covered {
            problems.push(
                Problem::new("missing_data_location", facts.database_arn.clone())
                    .param("role", role.clone())
                    .param("location_arn", location_arn.clone())
                    .fix_variant("data_location")
                    .evidence(json!({"registered_location": location_arn, "role": role})),
            );
        }
    }
    if problems.is_empty() {
        Outcome::pass(json!({"governed_by": "Lake Formation", "role": role, "held": held}))
    } else {
        Outcome::Fail(problems)
    }
}

fn iam_default(db: &Database) -> bool {
    db.create_table_default_permissions
        .iter()
        .any(|p| p.principal == IAM_ALLOWED_PRINCIPALS && p.permissions.iter().any(|x| x == "ALL"))
}

fn on_database(g: &LfGrant, db: &Database, facts: &PairFacts<'_>) -> bool {
    match &g.resource {
        LfResource::Database { catalog_id, name } => {
            name == &db.name
                && (catalog_id == &facts.target_account || catalog_id == &db.catalog_id)
        }
        _ => false,
    }
}

/// The registered Lake Formation location that covers the database location, if any.
fn registered_location(lf: &LakeFormation, facts: &PairFacts<'_>) -> Option<String> {
    let location = facts.location.as_ref()?;
    let target = if location.prefix.is_empty() {
        location.bucket_arn()
    } else {
        format!("{}/{}", location.bucket_arn(), location.prefix)
    };
    lf.registered_locations
        .iter()
        .find(|r| covers(r, &target))
        .cloned()
}

/// `outer` (an S3 ARN) is `inner` or a parent path of it.
fn covers(outer: &str, inner: &str) -> bool {
    let outer = outer.trim_end_matches('/');
    inner == outer || inner.starts_with(&format!("{outer}/"))
}
