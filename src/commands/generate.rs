//! `zetl policy generate`: every policy a correct setup needs, for the setup given by flags or
//! zetl.toml (as `doctor`), built from the access rules' requirements. Without `--merge-with`
//! it starts from a snapshot where nothing exists yet; with `--merge-with FILE|live` it merges
//! into what exists (existing statements and Sids kept, idempotent).
//!
//! A document that cannot be produced safely (over its size limit, or unreadable so a merge
//! would overwrite it) refuses the whole set with exit 1: the input is valid (so not 2), the
//! run completed, and what it found needs action first, as `zetl fix` reports changes it
//! could not make with 1. Nothing is printed on stdout then, so a redirect never captures a
//! partial set.

pub mod documents;
pub mod feed_back;
pub mod render;
pub mod setup;
pub mod terraform;

use std::path::Path;

use chrono::Utc;

use crate::cli::{GenerateArgs, GenerateFormat};
use crate::commands::{CliError, Exit};
use crate::rules::messages::{message, sentence};
use crate::rules::pair::Profiles;
use crate::rules::values::pair_values;
use crate::snapshot::{self, Fact, Snapshot};

use documents::{PolicySet, Refused};
use setup::{blank_snapshot, missing_fields, prepare, Prepared};

pub fn run(args: GenerateArgs) -> Result<Exit, CliError> {
    let (prepared, profiles) = prepared(&args)?;
    match documents::build(&prepared, &profiles) {
        Ok(set) => {
            print!("{}", render(&set, args.format));
            Ok(Exit::Ok)
        }
        Err(Refused(reasons)) => {
            for r in &reasons {
                eprintln!("zetl: {}", sentence("generate.refused", &[("reason", r)]));
            }
            eprintln!("zetl: {}", message("generate.nothing_printed").as_str());
            Ok(Exit::Findings)
        }
    }
}

pub fn render(set: &PolicySet, format: GenerateFormat) -> String {
    match format {
        GenerateFormat::Json => render::json(set),
        GenerateFormat::Cli => render::cli(set),
        GenerateFormat::Terraform => terraform::terraform(set),
    }
}

/// The setup (flags over zetl.toml, as the doctor resolves it), the snapshot to merge into,
/// and the profiles the commands run with.
pub fn prepared(args: &GenerateArgs) -> Result<(Prepared, Profiles), CliError> {
    let loaded = crate::config::load(args.setup.config.as_deref())
        .map_err(|e| CliError::usage(e.to_string()))?;
    let config = loaded.map(|(_, c)| c).unwrap_or_default();
    let setup = super::doctor::merge_setup(&args.setup, &config);
    let profiles = Profiles {
        source: setup
            .fields
            .source_profile
            .clone()
            .or(setup.fields.profile.clone()),
        target: setup
            .fields
            .target_profile
            .clone()
            .or(setup.fields.profile.clone()),
    };
    let (snapshot, blank) = match args.merge_with.as_deref() {
        None => {
            require(&missing_fields(&setup))?;
            let snapshot = blank_snapshot(&setup, args.location.as_deref(), Utc::now())
                .map_err(CliError::usage)?;
            (snapshot, true)
        }
        Some("live") => {
            require(&missing_fields(&setup))?;
            let mut snapshot = crate::commands::collect::live_snapshot(&setup)?;
            super::doctor::apply_setup_overrides(&mut snapshot, &setup)
                .map_err(|m| CliError::usage(format!("live collection: {m}")))?;
            (snapshot, false)
        }
        Some(file) => {
            let mut snapshot =
                snapshot::load(Path::new(file)).map_err(|e| CliError::usage(e.to_string()))?;
            super::doctor::apply_setup_overrides(&mut snapshot, &setup)
                .map_err(|m| CliError::usage(format!("{file}: {m}")))?;
            (snapshot, false)
        }
    };
    let mut snapshot = snapshot;
    if !blank {
        if let Some(loc) = &args.location {
            set_location(&mut snapshot, loc)?;
        }
        require(&missing_in_snapshot(&snapshot))?;
    }
    let prepared = prepare(snapshot, blank);
    check_location(&prepared.snapshot)?;
    Ok((prepared, profiles))
}

fn require(missing: &[&str]) -> Result<(), CliError> {
    if missing.is_empty() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "missing setup: {} (give them as flags or in zetl.toml)",
        missing.join(", ")
    )))
}

/// What a merged snapshot still lacks (in any pair) after the flags were applied.
fn missing_in_snapshot(snapshot: &Snapshot) -> Vec<&'static str> {
    let pairs = &snapshot.setup.pairs;
    if pairs.is_empty() {
        return vec!["--source-table", "--target-database", "--target-role"];
    }
    let mut missing = Vec::new();
    if pairs.iter().any(|p| p.source_table.is_empty()) {
        missing.push("--source-table");
    }
    if pairs.iter().any(|p| p.target_database.is_empty()) {
        missing.push("--target-database");
    }
    if pairs.iter().any(|p| p.target_role.is_none()) {
        missing.push("--target-role");
    }
    missing
}

/// `--location` with a snapshot: fills in a database location the snapshot lacks; one that
/// contradicts the snapshot is an error (the doctor would check another bucket), and so is
/// one location for pairs into several databases.
fn set_location(snapshot: &mut Snapshot, location: &str) -> Result<(), CliError> {
    let mut databases: Vec<String> = snapshot
        .setup
        .pairs
        .iter()
        .map(|p| p.target_database.clone())
        .collect();
    databases.sort();
    databases.dedup();
    if databases.len() > 1 {
        return Err(CliError::usage(format!(
            "--location {location}: the pairs go into {} databases; a location names one",
            databases.len()
        )));
    }
    let Some(db) = databases.pop() else {
        return Ok(());
    };
    if let Some(Fact::Known(Some(d))) = snapshot.databases.get_mut(&db) {
        match &d.location_uri {
            Some(l) if l.trim_end_matches('/') != location.trim_end_matches('/') => {
                return Err(CliError::usage(format!(
                    "--location {location}: the snapshot says {db} is at {l}"
                )))
            }
            Some(_) => {}
            None => d.location_uri = Some(location.to_string()),
        }
        return Ok(());
    }
    Err(CliError::usage(format!(
        "--location {location}: the snapshot has no readable database {db}"
    )))
}

/// The role's S3 statements need the bucket: refuse to print a role policy without them.
fn check_location(snapshot: &Snapshot) -> Result<(), CliError> {
    for pair in &snapshot.setup.pairs {
        let values = pair_values(snapshot, pair);
        if values.s3_tables_target || values.get("bucket").is_some() {
            continue;
        }
        return Err(CliError::usage(format!(
            "the S3 location of {} is unknown (the database has no LocationUri in the snapshot): \
             pass --location s3://bucket/prefix/",
            pair.target_database
        )));
    }
    Ok(())
}
