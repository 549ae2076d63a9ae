//! `zetl watch`: follow integrations until their initial load is done, and run the doctor for
//! one that needs attention. The flags and what they become are here; the watch itself is
//! `crate::watch`.

use std::time::Duration;

use clap::Args;

use crate::cli::{DoctorArgs, SetupArgs};
use crate::commands::{doctor, CliError, Exit};
use crate::config;
use crate::rules::messages::sentence;
use crate::setup::Setup;
use crate::watch::{duration, Followed, Verdict};

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub setup: SetupArgs,
    /// First wait between checks (e.g. 15s, 1m); waits grow x1.5 up to 2 minutes and start
    /// over after a change. Default 15s.
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<String>,
    /// Give up after this long (e.g. 30m, 2h): exit 6. Default: no limit.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// No colour in the doctor's report.
    #[arg(long)]
    pub no_color: bool,
}

/// One followed pair before any AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub followed: Followed,
    /// `--integration` (else found from the setup's table and database).
    pub integration: Option<String>,
}

/// Everything the arguments and zetl.toml ask for, checked before any AWS call.
#[derive(Debug, Clone)]
pub struct Request {
    pub setup: Setup,
    pub targets: Vec<Target>,
    pub interval: Duration,
    pub timeout: Option<Duration>,
    /// The doctor's settings for the diagnosis (zetl.toml's suppressions, severities, ...).
    pub doctor: doctor::Options,
}

pub fn run(args: WatchArgs) -> Result<Exit, CliError> {
    let request = request(&args)?;
    watch(request, args.no_color)
}

/// Reads and checks the arguments (exit 2 for anything wrong).
pub fn request(args: &WatchArgs) -> Result<Request, CliError> {
    let interval = duration_flag("--interval", args.interval.as_deref())?
        .unwrap_or(crate::watch::run::DEFAULT_INTERVAL);
    let timeout = duration_flag("--timeout", args.timeout.as_deref())?;
    let loaded =
        config::load(args.setup.config.as_deref()).map_err(|e| CliError::usage(e.to_string()))?;
    // The diagnosis is the quiet doctor on the same setup.
    let doctor_args = DoctorArgs {
        setup: args.setup.clone(),
        no_color: args.no_color,
        quiet: true,
        ..DoctorArgs::default()
    };
    let options = doctor::options(&doctor_args, loaded)?;
    let setup = options.setup.clone();
    // Every pair of the setup (its `[[pair]]`s, or the one of the flags), unless an
    // integration is named.
    let pairs = setup.pair_list();
    let complete = !pairs.is_empty() && pairs.iter().all(|p| p.target_database.is_some());
    let targets = match &setup.fields.integration {
        Some(arn) => vec![Target {
            followed: Followed {
                name: integration_id(arn).ok_or_else(|| {
                    CliError::usage(sentence("watch.bad_integration", &[("value", arn)]))
                })?,
                explicit: true,
            },
            integration: Some(arn.clone()),
        }],
        None if complete => pairs
            .iter()
            .map(|p| Target {
                followed: Followed {
                    name: sentence(
                        "watch.pair_name",
                        &[
                            ("table", last_part(&p.source_table)),
                            (
                                "database",
                                last_part(p.target_database.as_deref().unwrap_or("")),
                            ),
                        ],
                    ),
                    explicit: false,
                },
                integration: None,
            })
            .collect(),
        None => return Err(CliError::usage(sentence("watch.nothing_to_watch", &[]))),
    };
    Ok(Request {
        setup,
        targets,
        interval,
        timeout,
        doctor: options,
    })
}

/// A duration flag: absent, or longer than zero.
fn duration_flag(flag: &str, value: Option<&str>) -> Result<Option<Duration>, CliError> {
    let Some(value) = value else {
        return Ok(None);
    };
    match duration::parse(value) {
        None => Err(CliError::usage(sentence(
            "watch.bad_duration",
            &[("flag", flag), ("value", value)],
        ))),
        Some(d) if d.is_zero() => Err(CliError::usage(sentence(
            "watch.zero_duration",
            &[("flag", flag)],
        ))),
        Some(d) => Ok(Some(d)),
    }
}

/// `arn:P:glue:R:ACCOUNT:integration:ID` -> `ID`.
fn integration_id(arn: &str) -> Option<String> {
    let parts = crate::arn::Arn::parse(arn)?;
    let ok = parts.service == "glue"
        && !parts.region.is_empty()
        && parts.account.len() == 12
        && parts.account.bytes().all(|b| b.is_ascii_digit());
    let id = parts.resource_after("integration:")?;
    (ok && !id.is_empty() && !id.contains([':', '/'])).then(|| id.to_string())
}

/// `arn:...:table/orders` -> `orders`; a name stays itself.
fn last_part(value: &str) -> &str {
    value.rsplit(['/', ':']).next().unwrap_or(value)
}

/// Maps how the watch ended to the exit code.
pub fn exit(verdict: Verdict) -> Result<Exit, CliError> {
    match verdict {
        Verdict::Done => Ok(Exit::Ok),
        Verdict::Stopped => Ok(Exit::Findings),
        Verdict::TimedOut => Ok(Exit::TimedOut),
        Verdict::BadInput(message) => Err(CliError::usage(message)),
    }
}

#[cfg(feature = "live")]
fn watch(request: Request, no_color: bool) -> Result<Exit, CliError> {
    use std::io::IsTerminal;

    use crate::watch::live::{Doctor, Live, Pair};
    use crate::watch::run::{run, RunOptions, MAX_INTERVAL};
    use crate::watch::{Clock, Machine, SystemClock};

    let catalog = crate::rules::catalog()?;
    let doctor = Doctor {
        catalog,
        settings: request.doctor.settings.clone(),
        color: crate::report::color_enabled(no_color),
    };
    let pairs = request
        .targets
        .iter()
        .map(|t| Pair {
            integration_arn: t.integration.clone(),
            explicit: t.integration.is_some(),
            ..Pair::default()
        })
        .collect();
    let mut probe = Live::connect(&request.setup, pairs, doctor)?;
    let mut clock = SystemClock;
    let mut machine = Machine::new(
        request.targets.iter().map(|t| t.followed.clone()).collect(),
        clock.now(),
        request
            .timeout
            .map(|t| chrono::Duration::from_std(t).unwrap_or(chrono::Duration::MAX)),
    );
    let stdout = std::io::stdout();
    let options = RunOptions {
        interval: request.interval,
        max_interval: MAX_INTERVAL,
        terminal: stdout.is_terminal(),
    };
    let verdict = run(
        &mut machine,
        &mut probe,
        &mut clock,
        &mut stdout.lock(),
        &options,
    )
    .map_err(|e| CliError::usage(e.to_string()))?;
    exit(verdict)
}

#[cfg(not(feature = "live"))]
fn watch(_request: Request, _no_color: bool) -> Result<Exit, CliError> {
    Err(CliError::usage(crate::commands::collect::NO_LIVE))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parsed arguments with an empty zetl.toml (so a file in the working directory does not
    /// count).
    fn args(extra: &[&str]) -> (WatchArgs, tempfile::TempDir) {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            watch: WatchArgs,
        }
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("zetl.toml");
        std::fs::write(&config, "").unwrap();
        let mut argv = vec![
            "zetl".to_string(),
            "--config".into(),
            config.display().to_string(),
        ];
        argv.extend(extra.iter().map(|s| s.to_string()));
        (Cli::try_parse_from(argv).unwrap().watch, dir)
    }

    #[test]
    fn an_integration_is_followed_by_its_id() {
        let (a, _dir) = args(&[
            "--integration",
            "arn:aws:glue:us-east-1:111111111111:integration:0f6b-1",
            "--interval",
            "5ms",
            "--timeout",
            "1h",
        ]);
        let r = request(&a).unwrap();
        assert_eq!(
            r.targets,
            vec![Target {
                followed: Followed {
                    name: "0f6b-1".into(),
                    explicit: true
                },
                integration: Some("arn:aws:glue:us-east-1:111111111111:integration:0f6b-1".into()),
            }]
        );
        assert_eq!(r.interval, Duration::from_millis(5));
        assert_eq!(r.timeout, Some(Duration::from_secs(3600)));
        assert!(r.doctor.settings.only.is_empty());
    }

    #[test]
    fn a_pair_is_named_table_to_database() {
        let (a, _dir) = args(&[
            "--source-table",
            "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
            "--target-database",
            "lake",
        ]);
        let r = request(&a).unwrap();
        assert_eq!(r.targets[0].followed.name, "orders -> lake");
        assert!(!r.targets[0].followed.explicit);
        assert_eq!(r.interval, Duration::from_secs(15));
        assert_eq!(r.timeout, None);
    }

    #[test]
    fn every_pair_of_zetl_toml_is_followed() {
        let (a, dir) = args(&[]);
        let config = dir.path().join("zetl.toml");
        std::fs::write(
            &config,
            "target_database = \"lake\"\n[[pair]]\nsource_table = \"orders\"\n\
             [[pair]]\nsource_table = \"customers\"\n",
        )
        .unwrap();
        let r = request(&a).unwrap();
        let names: Vec<&str> = r.targets.iter().map(|t| t.followed.name.as_str()).collect();
        assert_eq!(names, ["orders -> lake", "customers -> lake"]);
        assert!(r.targets.iter().all(|t| !t.followed.explicit));
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        for (extra, message) in [
            (
                vec!["--source-table", "orders"],
                "nothing to watch: give --integration ARN, or --source-table and --target-database (as flags or in zetl.toml)",
            ),
            (
                vec!["--integration", "arn:aws:glue:us-east-1:111111111111:database/lake"],
                "--integration arn:aws:glue:us-east-1:111111111111:database/lake is not a Glue integration ARN (arn:aws:glue:REGION:ACCOUNT:integration:ID)",
            ),
        ] {
            let (a, _dir) = args(&extra);
            let e = request(&a).unwrap_err();
            assert_eq!((e.code(), e.to_string().as_str()), (2, message));
        }
    }

    #[test]
    fn ids_and_names() {
        assert_eq!(
            integration_id("arn:aws:glue:us-east-1:111111111111:integration:0f6b-1").as_deref(),
            Some("0f6b-1")
        );
        for bad in [
            "arn:aws:glue:us-east-1:111111111111:database/lake",
            "arn:aws:dynamodb:us-east-1:111111111111:integration:x",
            "arn:aws:glue:us-east-1:1111:integration:x",
            "arn:aws:glue:us-east-1:111111111111:integration:",
            "0f6b-1",
        ] {
            assert_eq!(integration_id(bad), None, "{bad}");
        }
        assert_eq!(
            last_part("arn:aws:dynamodb:us-east-1:111111111111:table/orders"),
            "orders"
        );
        assert_eq!(last_part("lake"), "lake");
        assert_eq!(
            last_part("arn:aws:glue:us-east-1:2:catalog/s3tablescatalog/bucket"),
            "bucket"
        );
    }

    #[test]
    fn verdicts_map_to_exit_codes() {
        assert_eq!(exit(Verdict::Done).unwrap().code(), 0);
        assert_eq!(exit(Verdict::Stopped).unwrap().code(), 1);
        assert_eq!(exit(Verdict::TimedOut).unwrap().code(), 6);
        assert_eq!(exit(Verdict::BadInput("x".into())).unwrap_err().code(), 2);
    }

    #[test]
    fn durations_are_checked() {
        assert_eq!(
            duration_flag("--interval", Some("2m")).unwrap(),
            Some(Duration::from_secs(120))
        );
        assert_eq!(duration_flag("--timeout", None).unwrap(), None);
        let e = duration_flag("--interval", Some("soon")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--interval \"soon\" is not a duration (for example 30s, 5m, 1h30m)"
        );
        let e = duration_flag("--timeout", Some("0s")).unwrap_err();
        assert_eq!(e.to_string(), "--timeout must be longer than 0");
    }
}
