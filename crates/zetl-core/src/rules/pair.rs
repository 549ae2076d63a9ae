//! `PairFacts`: one source table -> target database pair, with the names every check needs
//! already derived from the ARNs and the snapshot (so no check re-parses an ARN).

use super::messages::sentence;
use super::runner::Settings;
use super::values::{pair_values, PairValues};
use crate::arn::Arn;
use crate::snapshot::{Database, Fact, Integration, Pair, Snapshot, Unknown};

/// Where each account's commands run: the named profiles fix commands carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profiles {
    pub source: Option<String>,
    pub target: Option<String>,
}

/// Where the pair's integration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationOrigin {
    /// Named with `--integration` (or `setup.pairs[].integration`).
    Given,
    /// Source-side DescribeIntegrations: SourceArn == table and TargetArn == database.
    SourceSide,
    /// Target-side DescribeInboundIntegrations: same match.
    TargetSide,
    /// Source side, SourceArn == table but another target (the ZI004 case).
    SourceOnlyMatch,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FoundIntegration<'s> {
    pub integration: &'s Integration,
    pub origin: IntegrationOrigin,
}

/// The database location, parsed from `LocationUri` (`s3://bucket[/prefix][/]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: String,
    /// Without leading or trailing `/`; empty for a bare bucket.
    pub prefix: String,
}

impl Location {
    /// `s3://bucket[/prefix][/]`; the error says what is wrong.
    pub fn parse(uri: &str) -> Result<Location, String> {
        let rest = uri
            .strip_prefix("s3://")
            .ok_or_else(|| sentence("location.not_s3", &[("uri", &format!("{uri:?}"))]))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if !valid_bucket_name(bucket) {
            return Err(sentence(
                "location.bad_bucket",
                &[("bucket", &format!("{bucket:?}"))],
            ));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.contains("//") {
            return Err(sentence(
                "location.empty_segment",
                &[("uri", &format!("{uri:?}"))],
            ));
        }
        Ok(Location {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }

    /// `arn:aws:s3:::bucket`
    pub fn bucket_arn(&self) -> String {
        format!("arn:aws:s3:::{}", self.bucket)
    }
}

/// S3 general-purpose bucket naming: 3-63 chars of a-z 0-9 . -, starting and ending with a
/// letter or digit.
fn valid_bucket_name(name: &str) -> bool {
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let edges = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&name.len())
        && ok_chars
        && edges(name.bytes().next())
        && edges(name.bytes().last())
}

/// Two role ARNs name the same role: same account and same role name (IAM role names are
/// unique per account whatever their path, and people often omit the path).
pub fn same_role(a: &str, b: &str) -> bool {
    let key = |arn: &str| -> Option<(String, String)> {
        let p = Arn::parse(arn)?;
        p.resource_after("role/")?;
        Some((p.account.to_string(), p.last_segment().to_string()))
    };
    match (key(a), key(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Everything about one pair that the checks read.
#[derive(Debug, Clone)]
pub struct PairFacts<'s> {
    pub snapshot: &'s Snapshot,
    pub pair: &'s Pair,
    pub table_arn: String,
    pub table_name: String,
    pub source_account: String,
    pub source_region: String,
    pub database_arn: String,
    /// The database name (`lake`), or for S3 Tables the part after `catalog/`.
    pub database_name: String,
    pub target_account: String,
    pub target_region: String,
    /// `arn:aws:glue:R:TGT:catalog`
    pub catalog_arn: String,
    /// The target is an S3 Tables catalog (`catalog/s3tablescatalog/...`).
    pub s3_tables_target: bool,
    /// From the database's LocationUri, when the database is known and the URI parses.
    pub location: Option<Location>,
    /// `arn:aws:iam::TGT:role/[path/]ROLE` as given.
    pub target_role: Option<String>,
    /// The integration for this pair; `Unknown` when neither side's list could be read.
    pub integration: Fact<Option<FoundIntegration<'s>>>,
    pub source_principal: Option<String>,
    pub console_principal: Option<String>,
    pub target_principal: Option<String>,
    /// The pair's placeholder values: what requirements and every template are filled with.
    pub values: PairValues,
    /// The profiles fix commands name (from the settings).
    pub profiles: Profiles,
}

impl<'s> PairFacts<'s> {
    pub fn new(snapshot: &'s Snapshot, pair: &'s Pair) -> PairFacts<'s> {
        let (source_region, source_account, table_name) = match Arn::parse(&pair.source_table) {
            Some(p) => (
                p.region.to_string(),
                p.account.to_string(),
                p.resource_after("table/").unwrap_or(p.resource).to_string(),
            ),
            None => (
                snapshot.accounts.source.region.clone(),
                snapshot.accounts.source.id.clone(),
                pair.source_table.clone(),
            ),
        };
        let (target_region, target_account, db_resource) = match Arn::parse(&pair.target_database) {
            Some(p) => (
                p.region.to_string(),
                p.account.to_string(),
                p.resource.to_string(),
            ),
            None => (
                snapshot.accounts.target.region.clone(),
                snapshot.accounts.target.id.clone(),
                pair.target_database.clone(),
            ),
        };
        let s3_tables_target = db_resource.starts_with("catalog/s3tablescatalog");
        let database_name = db_resource
            .strip_prefix("database/")
            .or_else(|| db_resource.strip_prefix("catalog/"))
            .unwrap_or(&db_resource)
            .to_string();
        let mut facts = PairFacts {
            snapshot,
            pair,
            table_arn: pair.source_table.clone(),
            table_name,
            source_account,
            source_region,
            database_arn: pair.target_database.clone(),
            database_name,
            catalog_arn: format!("arn:aws:glue:{target_region}:{target_account}:catalog"),
            target_account,
            target_region,
            s3_tables_target,
            location: None,
            target_role: pair.target_role.clone(),
            integration: Fact::Known(None),
            source_principal: snapshot.setup.source_principal.clone(),
            console_principal: snapshot.setup.console_principal.clone(),
            target_principal: snapshot.setup.target_principal.clone(),
            values: pair_values(snapshot, pair),
            profiles: Profiles::default(),
        };
        facts.location = facts
            .database()
            .known()
            .and_then(|d| d.as_ref())
            .and_then(|d| d.location_uri.as_deref())
            .and_then(|uri| Location::parse(uri).ok());
        facts.integration = find_integration(snapshot, pair);
        facts
    }

    /// The same pair with the settings' profiles for fix commands.
    pub fn with_profiles(mut self, settings: &Settings) -> Self {
        self.profiles = Profiles {
            source: settings.source_profile.clone(),
            target: settings.target_profile.clone(),
        };
        self
    }

    /// The `--target-role` as given, borrowed from the snapshot.
    pub fn target_role(&self) -> Option<&'s str> {
        self.pair.target_role.as_deref()
    }

    /// `TABLE_ARN -> DATABASE_ARN`, as reports name the pair.
    pub fn label(&self) -> String {
        format!("{} -> {}", self.table_arn, self.database_arn)
    }

    pub fn cross_account(&self) -> bool {
        self.source_account != self.target_account
    }

    /// The database fact; a database missing from the snapshot is reported as not collected.
    pub fn database(&self) -> Fact<Option<&'s Database>> {
        match self.snapshot.databases.get(&self.database_arn) {
            Some(Fact::Known(d)) => Fact::Known(d.as_ref()),
            Some(Fact::Unknown(u)) => Fact::Unknown(u.clone()),
            None => Fact::Unknown(Unknown::not_collected(sentence(
                "unknown.no_database_entry",
                &[("database", &self.database_arn)],
            ))),
        }
    }

    /// The source table's facts, if the snapshot has them.
    pub fn table(&self) -> Option<&'s crate::snapshot::SourceTable> {
        self.snapshot.tables.get(&self.table_arn)
    }

    /// The role to check: `--target-role`, else the one the database's integration resource
    /// property names (what Glue will really assume).
    pub fn effective_target_role(&self) -> Option<String> {
        self.target_role.clone().or_else(|| {
            self.resource_property()
                .known()
                .and_then(|p| p.as_ref())
                .and_then(|p| p.role_arn.clone())
        })
    }

    /// The integration resource property on the target database.
    pub fn resource_property(&self) -> Fact<Option<&'s crate::snapshot::ResourceProperty>> {
        match self.snapshot.resource_properties.get(&self.database_arn) {
            Some(Fact::Known(p)) => Fact::Known(p.as_ref()),
            Some(Fact::Unknown(u)) => Fact::Unknown(u.clone()),
            None => Fact::Unknown(Unknown::not_collected(sentence(
                "unknown.no_resource_property_entry",
                &[("database", &self.database_arn)],
            ))),
        }
    }

    /// The integration, when one is known to exist.
    pub fn existing_integration(&self) -> Option<&FoundIntegration<'s>> {
        self.integration.known().and_then(Option::as_ref)
    }

    /// `now` for every time-based rule: the snapshot's collection time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.snapshot.collected_at
    }
}

/// The integration for the pair: the one named, else an exact source-side match, else an
/// exact target-side match, else a source-side one from this table into another target.
/// Among several matches the most recently created wins (an old FAILED one is usually
/// replaced by a new one).
fn find_integration<'s>(snapshot: &'s Snapshot, pair: &Pair) -> Fact<Option<FoundIntegration<'s>>> {
    let sides = [&snapshot.integrations.source, &snapshot.integrations.target];
    if let Some(arn) = &pair.integration {
        let found = sides
            .iter()
            .filter_map(|s| s.known())
            .find_map(|m| m.get(arn));
        if let Some(integration) = found {
            return Fact::Known(Some(FoundIntegration {
                integration,
                origin: IntegrationOrigin::Given,
            }));
        }
    }
    let exact = |i: &&Integration| {
        i.source_arn == pair.source_table && i.target_arn == pair.target_database
    };
    let newest = |m: &'s std::collections::BTreeMap<String, Integration>,
                  pick: &dyn Fn(&&Integration) -> bool|
     -> Option<&'s Integration> {
        m.values().filter(|i| pick(i)).max_by_key(|i| i.create_time)
    };
    let source = snapshot.integrations.source.known();
    let target = snapshot.integrations.target.known();
    if let Some(i) = source.and_then(|m| newest(m, &exact)) {
        return found(i, IntegrationOrigin::SourceSide);
    }
    if let Some(i) = target.and_then(|m| newest(m, &exact)) {
        return found(i, IntegrationOrigin::TargetSide);
    }
    let same_source = |i: &&Integration| i.source_arn == pair.source_table;
    if let Some(i) = source.and_then(|m| newest(m, &same_source)) {
        return found(i, IntegrationOrigin::SourceOnlyMatch);
    }
    match (&snapshot.integrations.source, &snapshot.integrations.target) {
        (Fact::Unknown(u), Fact::Unknown(_)) => Fact::Unknown(u.clone()),
        _ => Fact::Known(None),
    }
}

fn found(
    integration: &Integration,
    origin: IntegrationOrigin,
) -> Fact<Option<FoundIntegration<'_>>> {
    Fact::Known(Some(FoundIntegration {
        integration,
        origin,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        let l = Location::parse("s3://zetl-lake-bucket/lake/").unwrap();
        assert_eq!(
            (l.bucket.as_str(), l.prefix.as_str()),
            ("zetl-lake-bucket", "lake")
        );
        let l = Location::parse("s3://zetl-lake-bucket").unwrap();
        assert_eq!(
            (l.bucket.as_str(), l.prefix.as_str()),
            ("zetl-lake-bucket", "")
        );
        let l = Location::parse("s3://b12/a/b/").unwrap();
        assert_eq!(l.prefix, "a/b");
        assert!(Location::parse("https://x/y").is_err());
        assert!(Location::parse("s3://").is_err());
        assert!(Location::parse("s3://Upper/x").is_err());
        assert!(Location::parse("s3://bucket/a//b").is_err());
    }
}
