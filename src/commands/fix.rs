//! `zetl fix`: plan the changes that repair the doctor's fixable findings, show them as a
//! diff, and with `--apply` make them (after confirmation), then run the doctor again.

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::{DoctorArgs, FixArgs};
use crate::commands::doctor::{apply_setup_overrides, options, Options};
use crate::commands::{CliError, Exit};
use crate::config;
use crate::fix::render::plan_text;
use crate::fix::Applied;
use crate::fix::{plan, Plan};
use crate::report::{color_enabled, Format, RenderOptions};
use crate::rules::runner::Settings;
use crate::snapshot::{self, Snapshot};

pub fn run(args: FixArgs) -> Result<Exit, CliError> {
    let rules = crate::rules::catalog()?;
    let options = fix_options(&args)?;
    if args.apply && args.from.is_some() {
        return Err(CliError::usage(
            "--apply changes the live accounts; with --from zetl fix only plans (drop --from)",
        ));
    }
    if args.apply && !args.yes && !std::io::stdin().is_terminal() {
        return Err(CliError::usage(
            "--apply needs --yes when stdin is not a terminal (nothing was changed)",
        ));
    }
    let select = Settings {
        only: args.only.clone(),
        ..Settings::default()
    };
    let snapshot = read_snapshot(&args, &options)?;
    let planned = plan(&snapshot, rules, &options.settings, &select);
    print!("{}", plan_text(&planned, &snapshot, !args.apply));
    if !args.apply || planned.is_empty() {
        return Ok(Exit::Ok);
    }
    if !args.yes && !confirm(&planned)? {
        eprintln!("Nothing was changed.");
        return Ok(Exit::Declined);
    }
    let (results, visible) = apply_live(&planned, &options.setup, &snapshot)?;
    let exit = report_results(&planned, &results);
    report_visibility(&planned, &visible);
    if exit == Exit::Conflict {
        return Ok(exit);
    }
    println!("\nRunning the doctor again:\n");
    let after = crate::commands::collect::live_snapshot(&options.setup)?;
    let report = crate::rules::run(&after, rules, &options.settings);
    let catalog = rules;
    print!(
        "{}",
        crate::report::render(
            &report,
            &catalog.summaries(),
            Format::Human,
            &RenderOptions {
                color: color_enabled(false),
                verbose: false,
                quiet: true,
                ..RenderOptions::default()
            },
        )
    );
    Ok(exit)
}

/// The doctor's settings (flags over zetl.toml), so fix sees exactly what doctor sees.
fn fix_options(args: &FixArgs) -> Result<Options, CliError> {
    if let Some(bad) = args.only.iter().find(|s| !config::is_selector(s)) {
        return Err(CliError::usage(format!(
            "--only: {bad:?} is neither a rule ID nor a family (ZS, ZT, ZP, ZI, ZC)"
        )));
    }
    let loaded =
        config::load(args.setup.config.as_deref()).map_err(|e| CliError::usage(e.to_string()))?;
    let doctor = DoctorArgs {
        setup: args.setup.clone(),
        from: args.from.clone(),
        ..DoctorArgs::default()
    };
    options(&doctor, loaded)
}

fn read_snapshot(args: &FixArgs, options: &Options) -> Result<Snapshot, CliError> {
    let (mut snapshot, origin) = match &args.from {
        Some(from) => (
            snapshot::load(from).map_err(|e| CliError::usage(e.to_string()))?,
            from.display().to_string(),
        ),
        None => (
            crate::commands::collect::live_snapshot(&options.setup)?,
            "live collection".to_string(),
        ),
    };
    apply_setup_overrides(&mut snapshot, &options.setup)
        .map_err(|m| CliError::usage(format!("{origin}: {m}")))?;
    Ok(snapshot)
}

/// Asks on the terminal; anything but y/yes declines.
fn confirm(planned: &Plan) -> Result<bool, CliError> {
    eprint!("Apply these {} change(s)? [y/N] ", planned.changes.len());
    let _ = std::io::stderr().flush();
    answer_is_yes(&mut std::io::stdin().lock())
}

fn answer_is_yes(input: &mut impl BufRead) -> Result<bool, CliError> {
    let mut answer = String::new();
    input
        .read_line(&mut answer)
        .map_err(|e| CliError::usage(format!("cannot read the answer: {e}")))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// What the re-read after the writes found, per change (`None`: not applied, or not re-read).
type Visibility = Vec<Option<crate::fix::Visible>>;

/// Writes the planned changes to both accounts, each guarded against concurrent edits; then,
/// unless a conflict stopped the run, reads the written documents again until they show the
/// writes (bounded: `SETTLE_DELAYS`), so the doctor run afterwards sees them.
#[cfg(feature = "live")]
fn apply_live(
    planned: &Plan,
    setup: &crate::setup::Setup,
    snapshot: &Snapshot,
) -> Result<(Vec<Applied>, Visibility), CliError> {
    use crate::fix::live::{apply_reporting, settle, Writer, SETTLE_DELAYS};
    let total = planned.changes.len();
    // One line per write as it is sent, always on stderr: a log of what changed in the
    // accounts belongs in CI logs too, and stdout keeps the plan and the results.
    let log = |i: usize, change: &crate::fix::change::Change| {
        eprintln!("zetl: {}", writing_line(i, total, change, snapshot));
    };
    Ok(crate::collect::runtime()
        .map_err(CliError::Collection)?
        .block_on(async {
            let (source, target) = Writer::connect(setup, snapshot).await;
            let results = apply_reporting(&planned.changes, &source, &target, snapshot, &log).await;
            if results.iter().any(|r| matches!(r, Applied::Conflict(_))) {
                return (results, Vec::new());
            }
            let total: std::time::Duration = SETTLE_DELAYS.iter().sum();
            let told = std::sync::atomic::AtomicBool::new(false);
            let on_wait = |_: std::time::Duration| {
                if !told.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    eprintln!(
                        "zetl: {}",
                        crate::rules::messages::sentence(
                            "progress.settling",
                            &[("seconds", &total.as_secs().to_string())],
                        )
                    );
                }
            };
            let sleep = |d: std::time::Duration| -> futures::future::BoxFuture<'static, ()> {
                Box::pin(tokio::time::sleep(d))
            };
            let visible = settle(
                &planned.changes,
                &results,
                &source,
                &target,
                &SETTLE_DELAYS,
                &sleep,
                &on_wait,
            )
            .await;
            (results, visible)
        }))
}

/// "writing 1/3: the table policy of orders (source account 111111111111)".
#[cfg(feature = "live")]
fn writing_line(
    i: usize,
    total: usize,
    change: &crate::fix::change::Change,
    snapshot: &Snapshot,
) -> String {
    use crate::collect::advice::account_label;
    use crate::permissions::Side;
    let account = match change.account {
        crate::fix::Account::Source => {
            account_label(Side::Source, Some(&snapshot.accounts.source.id))
        }
        crate::fix::Account::Target => {
            account_label(Side::Target, Some(&snapshot.accounts.target.id))
        }
    };
    crate::rules::messages::sentence(
        "progress.writing",
        &[
            ("n", &(i + 1).to_string()),
            ("total", &total.to_string()),
            ("what", &change.target.describe()),
            ("account", &account),
        ],
    )
}

#[cfg(not(feature = "live"))]
fn apply_live(
    _planned: &Plan,
    _setup: &crate::setup::Setup,
    _snapshot: &Snapshot,
) -> Result<(Vec<Applied>, Visibility), CliError> {
    Err(CliError::usage(crate::commands::collect::NO_LIVE))
}

/// A line for each applied change the re-read did not find as written: AWS may not have
/// propagated it yet, so a finding the doctor still reports for it is not yet a verdict.
fn report_visibility(planned: &Plan, visible: &Visibility) {
    for (i, change) in planned.changes.iter().enumerate() {
        let what = change.target.describe();
        match visible.get(i).cloned().flatten() {
            Some(crate::fix::Visible::NotYet { waited }) => println!(
                "[{}] not yet visible after {} s: {what}; AWS applies writes eventually, so the doctor below may still report it: run `zetl doctor` again in a minute",
                i + 1,
                waited.as_secs()
            ),
            Some(crate::fix::Visible::Unreadable(why)) => println!(
                "[{}] applied, but could not be read back: {what}: {why}",
                i + 1
            ),
            _ => {}
        }
    }
}

/// Prints each change's outcome; the exit code per the contract (4 conflict, 1 some failed).
fn report_results(planned: &Plan, results: &[Applied]) -> Exit {
    let mut exit = Exit::Ok;
    println!();
    for (i, change) in planned.changes.iter().enumerate() {
        let what = change.target.describe();
        match results.get(i) {
            Some(Applied::Done) => println!("[{}] applied: {what}", i + 1),
            Some(Applied::Conflict(message)) => {
                println!("[{}] stopped: {message}", i + 1);
                exit = Exit::Conflict;
            }
            Some(Applied::Failed {
                message,
                missing_action,
            }) => {
                match missing_action {
                    Some(action) => println!(
                        "[{}] not applied: {what}: the credentials for the {} account lack {action}",
                        i + 1,
                        account_name(change.account)
                    ),
                    None => println!("[{}] not applied: {what}: {message}", i + 1),
                }
                if exit == Exit::Ok {
                    exit = Exit::Findings;
                }
            }
            None => println!("[{}] not attempted (stopped before it): {what}", i + 1),
        }
    }
    exit
}

fn account_name(a: crate::fix::Account) -> &'static str {
    match a {
        crate::fix::Account::Source => "source",
        crate::fix::Account::Target => "target",
    }
}

#[cfg(test)]
mod tests {
    use super::answer_is_yes;

    #[test]
    fn only_y_or_yes_confirms() {
        for (answer, yes) in [
            ("y\n", true),
            ("YES\n", true),
            (" yes \n", true),
            ("n\n", false),
            ("\n", false),
            ("", false),
            ("yep\n", false),
        ] {
            let mut input = answer.as_bytes();
            assert_eq!(answer_is_yes(&mut input).unwrap(), yes, "{answer:?}");
        }
    }
}
