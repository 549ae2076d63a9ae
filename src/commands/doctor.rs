//! `zetl doctor`: evaluate a setup and print findings. With `--from` it replays a snapshot
//! and makes no AWS call at all.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{DoctorArgs, SetupArgs};
use crate::commands::fix_documents::{note_replaced_documents, write_fix_documents};
use crate::commands::{CliError, Exit};
use crate::config::{self, Config};
use crate::lang::Lang;
use crate::report::{color_enabled, FailOn, Format, RenderOptions, Report, Severity, Status};
use crate::rules::runner::{Settings, Suppression};
use crate::rules::Catalog;
use crate::setup::{Setup, SetupPair};
use crate::snapshot::{self, Pair, Snapshot};

/// Everything the doctor decided from flags + zetl.toml.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    pub fail_on: FailOn,
    pub allow_unknown: bool,
    pub settings: Settings,
    pub setup: Setup,
    pub config_file: Option<PathBuf>,
}

/// `lang` is `--lang`: without it, the human and markdown reports follow the locale (already
/// set) and JSON and SARIF stay English, so what machines and CI logs read does not change
/// with a developer's locale.
pub fn run(args: DoctorArgs, lang: Option<Lang>) -> Result<Exit, CliError> {
    let loaded =
        config::load(args.setup.config.as_deref()).map_err(|e| CliError::usage(e.to_string()))?;
    let options = options(&args, loaded)?;
    if lang.is_none() && matches!(options.format, Format::Json | Format::Sarif) {
        crate::lang::set(Lang::En);
    }
    run_with_rules(args, options, crate::rules::catalog()?)
}

/// The doctor with a given rule list (the catalog in production).
pub fn run_with_rules(
    args: DoctorArgs,
    options: Options,
    catalog: &Catalog,
) -> Result<Exit, CliError> {
    let (mut snapshot, source_file) = match &args.from {
        Some(from) => {
            let snapshot = snapshot::load(from).map_err(|e| CliError::usage(e.to_string()))?;
            (snapshot, Some(from.clone()))
        }
        // Live: the collector reads both accounts (never writes) with the merged settings.
        None => (
            crate::commands::collect::live_snapshot(&options.setup)?,
            None,
        ),
    };
    if let Some(path) = &args.save_snapshot {
        crate::commands::collect::write_snapshot(&snapshot, path)?;
    }
    let origin = source_file
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "live collection".into());
    apply_setup_overrides(&mut snapshot, &options.setup)
        .map_err(|m| CliError::usage(format!("{origin}: {m}")))?;
    let mut report = crate::rules::run(&snapshot, catalog, &options.settings);
    report.source_file = options
        .config_file
        .clone()
        .or(source_file)
        .map(|p| p.display().to_string());
    note_replaced_documents(&mut report, &snapshot);
    if let Some(dir) = &args.fix_dir {
        write_fix_documents(&mut report, dir)?;
    }
    let text = render(&report, catalog, &options, &args);
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            CliError::usage(format!("{}: cannot write the report: {e}", path.display()))
        })?,
        None => print!("{text}"),
    }
    Ok(gate(
        &report,
        catalog,
        options.fail_on,
        options.allow_unknown,
    ))
}

fn render(report: &Report, catalog: &Catalog, options: &Options, args: &DoctorArgs) -> String {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let render_options = RenderOptions {
        // Colour only for a terminal on stdout (never into --output files).
        color: args.output.is_none() && color_enabled(args.no_color),
        verbose: args.verbose,
        quiet: args.quiet,
        // Off a terminal lines stay whole (pipes, files, CI logs wrap by themselves).
        width: to_terminal
            .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .flatten(),
        fix_dir: args.fix_dir.is_some(),
    };
    crate::report::render(
        report,
        &catalog.summaries(),
        options.format,
        &render_options,
    )
}

/// The exit code: 1 when a finding reaches `--fail-on`, or when a check could not run and
/// `--allow-unknown` was not given (a gate must not pass what it could not verify). Info
/// findings never count.
pub fn gate(report: &Report, catalog: &Catalog, fail_on: FailOn, allow_unknown: bool) -> Exit {
    let threshold = match fail_on {
        FailOn::Never => return Exit::Ok,
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let finding_fails = report.findings.iter().any(|f| {
        f.severity != Severity::Info
            && f.severity >= threshold
            // With --allow-unknown, the "could not verify" findings do not count either.
            && !(allow_unknown && catalog.get(&f.rule).is_some_and(|r| r.reports_unknowns))
    });
    let unknown_fails = !allow_unknown && report.checks.iter().any(|c| c.status == Status::Unknown);
    if finding_fails || unknown_fails {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

/// Flags over zetl.toml over defaults.
pub fn options(args: &DoctorArgs, loaded: Option<(PathBuf, Config)>) -> Result<Options, CliError> {
    let (config_file, config) = match loaded {
        Some((p, c)) => (Some(p), c),
        None => (None, Config::default()),
    };
    for (name, list) in [("--only", &args.only), ("--skip", &args.skip)] {
        if let Some(bad) = list.iter().find(|s| !config::is_selector(s)) {
            return Err(CliError::usage(format!(
                "{name}: {bad:?} is neither a rule ID nor a family (ZS, ZT, ZP, ZI, ZC)"
            )));
        }
    }
    let format = args.format.or(config.format).unwrap_or_default();
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or_default();
    let setup = merge_setup(&args.setup, &config);
    let pick = |flag: &Vec<String>, file: &Vec<String>| -> Vec<String> {
        if flag.is_empty() {
            file.clone()
        } else {
            flag.clone()
        }
    };
    let settings = Settings {
        creating_threshold_minutes: args
            .creating_threshold
            .or(config.creating_threshold)
            .unwrap_or(crate::rules::runner::DEFAULT_CREATING_THRESHOLD_MINUTES),
        only: pick(&args.only, &config.only),
        skip: pick(&args.skip, &config.skip),
        suppressions: config
            .suppress
            .iter()
            .map(|s| Suppression {
                rule: s.rule.clone(),
                reason: s.reason.clone(),
                resource: s.resource.clone(),
            })
            .collect(),
        severity_overrides: config.severity.clone(),
        source_profile: setup
            .fields
            .source_profile
            .clone()
            .or_else(|| setup.fields.profile.clone()),
        target_profile: setup
            .fields
            .target_profile
            .clone()
            .or_else(|| setup.fields.profile.clone()),
        pass_evidence: args.verbose,
    };
    Ok(Options {
        format,
        fail_on,
        allow_unknown: args.allow_unknown || config.allow_unknown.unwrap_or(false),
        settings,
        setup,
        config_file,
    })
}

/// Flags over zetl.toml, field by field (`SetupFields::or`; shared with `zetl policy
/// generate`). With `[[pair]]` tables each pair takes its own values, then the top-level ones;
/// `--target-database`, `--target-role` and `--integration` replace that field of every pair,
/// and `--source-table` makes the run about that one table (with its `[[pair]]`'s values when
/// one names it).
pub fn merge_setup(flags: &SetupArgs, c: &Config) -> Setup {
    let pair = |table: &str, entry: Option<&config::PairEntry>| {
        let field = |flag: &Option<String>,
                     own: fn(&config::PairEntry) -> &Option<String>,
                     top: &Option<String>| {
            flag.clone()
                .or_else(|| entry.and_then(|e| own(e).clone()))
                .or_else(|| top.clone())
        };
        SetupPair {
            source_table: table.to_string(),
            target_database: field(
                &flags.fields.target_database,
                |e| &e.target_database,
                &c.fields.target_database,
            ),
            target_role: field(
                &flags.fields.target_role,
                |e| &e.target_role,
                &c.fields.target_role,
            ),
            integration: field(&flags.fields.integration, |e| &e.integration, &None),
        }
    };
    let pairs: Vec<SetupPair> = match &flags.fields.source_table {
        _ if c.pair.is_empty() => Vec::new(),
        Some(table) => {
            let entry = c.pair.iter().find(|e| {
                e.source_table
                    .as_deref()
                    .is_some_and(|t| table_name(t) == table_name(table))
            });
            vec![pair(table, entry)]
        }
        None => c
            .pair
            .iter()
            .map(|e| pair(e.source_table.as_deref().unwrap_or_default(), Some(e)))
            .collect(),
    };
    Setup {
        fields: flags.fields.clone().or(c.fields.clone()),
        pairs,
        all: flags.all || c.all.unwrap_or(false),
        concurrency: flags.concurrency.map(usize::from).or(c.concurrency),
    }
}

/// `orders` for `orders` and for `arn:aws:dynamodb:R:A:table/orders`.
fn table_name(table: &str) -> &str {
    table.rsplit_once(":table/").map_or(table, |(_, name)| name)
}

/// Setup values given by flags or zetl.toml replace the snapshot's: a table, database, role or
/// integration replaces that field of every pair (names are completed into ARNs with the
/// snapshot's accounts and regions); principals replace the snapshot's.
pub fn apply_setup_overrides(snapshot: &mut Snapshot, setup: &Setup) -> Result<(), String> {
    let source = snapshot.accounts.source.clone();
    let target = snapshot.accounts.target.clone();
    let src_region = setup
        .fields
        .source_region
        .clone()
        .or(setup.fields.region.clone())
        .unwrap_or(source.region.clone());
    let tgt_region = setup
        .fields
        .target_region
        .clone()
        .or(setup.fields.region.clone())
        .unwrap_or(target.region.clone());
    let table = setup
        .fields
        .source_table
        .as_deref()
        .map(|t| {
            complete_arn(
                t,
                "dynamodb",
                &src_region,
                &source.id,
                "table/",
                "--source-table",
            )
        })
        .transpose()?;
    let database = setup
        .fields
        .target_database
        .as_deref()
        .map(|d| {
            complete_arn(
                d,
                "glue",
                &tgt_region,
                &target.id,
                "database/",
                "--target-database",
            )
        })
        .transpose()?;
    let role = setup
        .fields
        .target_role
        .as_deref()
        .map(|r| complete_role(r, snapshot, &target.id))
        .transpose()?;
    if let Some(i) = &setup.fields.integration {
        check_integration(i)?;
    }
    for (flag, value) in [
        ("--source-principal", &setup.fields.source_principal),
        ("--console-principal", &setup.fields.console_principal),
        ("--target-principal", &setup.fields.target_principal),
    ] {
        if let Some(v) = value {
            if !v.starts_with("arn:") {
                return Err(format!("{flag} {v:?} is not an IAM ARN"));
            }
        }
    }
    if !setup.pairs.is_empty() {
        // `[[pair]]` tables: the setup's pairs replace the snapshot's; what a pair leaves out
        // comes from the snapshot's pair for the same table.
        let old = std::mem::take(&mut snapshot.setup.pairs);
        let mut pairs: Vec<Pair> = Vec::new();
        for p in setup.pair_list() {
            let table = complete_arn(
                &p.source_table,
                "dynamodb",
                &src_region,
                &source.id,
                "table/",
                "--source-table",
            )?;
            let same = old.iter().find(|o| o.source_table == table);
            let target_database = match &p.target_database {
                Some(d) => complete_arn(
                    d,
                    "glue",
                    &tgt_region,
                    &target.id,
                    "database/",
                    "--target-database",
                )?,
                None => same
                    .or(old.first())
                    .map(|o| o.target_database.clone())
                    .unwrap_or_default(),
            };
            let target_role = match &p.target_role {
                Some(r) => Some(complete_role(r, snapshot, &target.id)?),
                None => same.and_then(|o| o.target_role.clone()),
            };
            if let Some(i) = &p.integration {
                check_integration(i)?;
            }
            let pair = Pair {
                source_table: table,
                target_database,
                target_role,
                integration: p
                    .integration
                    .clone()
                    .or_else(|| same.and_then(|o| o.integration.clone())),
            };
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
        snapshot.setup.pairs = pairs;
    } else {
        if snapshot.setup.pairs.is_empty() {
            snapshot.setup.pairs.push(Pair {
                source_table: String::new(),
                target_database: String::new(),
                target_role: None,
                integration: None,
            });
        }
        for pair in &mut snapshot.setup.pairs {
            if let Some(t) = &table {
                pair.source_table = t.clone();
            }
            if let Some(d) = &database {
                pair.target_database = d.clone();
            }
            if let Some(r) = &role {
                pair.target_role = Some(r.clone());
            }
            if let Some(i) = &setup.fields.integration {
                pair.integration = Some(i.clone());
            }
        }
    }
    if setup.all {
        crate::pairs::add_integration_pairs(snapshot, role.as_deref());
    }
    let s = &mut snapshot.setup;
    s.source_principal = setup
        .fields
        .source_principal
        .clone()
        .or(s.source_principal.take());
    s.console_principal = setup
        .fields
        .console_principal
        .clone()
        .or(s.console_principal.take());
    s.target_principal = setup
        .fields
        .target_principal
        .clone()
        .or(s.target_principal.take());
    Ok(())
}

fn check_integration(i: &str) -> Result<(), String> {
    if !i.starts_with("arn:") || !i.contains(":glue:") || !i.contains(":integration:") {
        return Err(format!(
            "--integration {i:?} is not a Glue integration ARN (arn:aws:glue:R:ACCT:integration:ID)"
        ));
    }
    Ok(())
}

/// A name becomes `arn:aws:SERVICE:REGION:ACCOUNT:PREFIXname`; an ARN must be of that service.
fn complete_arn(
    value: &str,
    service: &str,
    region: &str,
    account: &str,
    prefix: &str,
    flag: &str,
) -> Result<String, String> {
    if value.starts_with("arn:") {
        let ok = crate::arn::Arn::parse(value).is_some_and(|p| {
            p.service == service
                && p.account.len() == 12
                && (p.resource.starts_with(prefix)
                    || (service == "glue" && p.resource.starts_with("catalog/s3tablescatalog")))
        });
        if !ok {
            return Err(format!(
                "{flag} {value:?} is not a {service} {} ARN",
                prefix.trim_end_matches('/')
            ));
        }
        return Ok(value.to_string());
    }
    if value.is_empty() || value.contains(':') || value.contains('/') {
        return Err(format!("{flag} {value:?} is neither an ARN nor a name"));
    }
    Ok(format!(
        "arn:aws:{service}:{region}:{account}:{prefix}{value}"
    ))
}

/// A role name is looked up in the snapshot (so its path is kept), else made an ARN.
fn complete_role(value: &str, snapshot: &Snapshot, account: &str) -> Result<String, String> {
    if value.starts_with("arn:") {
        if !value.contains(":iam::") || !value.contains(":role/") {
            return Err(format!("--target-role {value:?} is not an IAM role ARN"));
        }
        return Ok(value.to_string());
    }
    if value.is_empty() || value.contains(':') {
        return Err(format!(
            "--target-role {value:?} is neither an ARN nor a name"
        ));
    }
    let suffix = format!("/{value}");
    let known = snapshot
        .principals
        .keys()
        .find(|k| k.starts_with(&format!("arn:aws:iam::{account}:role/")) && k.ends_with(&suffix));
    Ok(known
        .cloned()
        .unwrap_or_else(|| format!("arn:aws:iam::{account}:role/{value}")))
}
