//! Run-level failures: when neither account (or the account an unnamed resource needs) can be
//! read, the error is a few lines naming the side, the cause and the next step, with no SDK
//! text. Credential problems come from the real AWS config chain with an injected environment
//! and files (nothing from this machine); AWS's answers from smithy mocks; the unreachable
//! endpoint is a closed loopback port.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};

use super::*;
use crate::collect::accounts::base_config_from;
use crate::collect::progress::{Progress, Reporter};

/// A side reached through the real credential chain of `conf`.
fn reach_from(conf: &SdkConfig, profile: Option<&str>, endpoint: Option<&str>) -> Reach {
    Reach {
        clients: Clients::from_config(conf, false, &ReadOnlyGuard::new()),
        region: conf.region().map(|r| r.to_string()),
        role: None,
        profile: profile.map(str::to_string),
        endpoint: endpoint.map(str::to_string),
        progress: Reporter::silent(),
    }
}

/// `base_config` for `options` with only this environment, these files and this config file.
async fn config(
    options: AccountOptions,
    env: &[(&str, &str)],
    files: &[(&str, &str)],
    config_file: &str,
) -> SdkConfig {
    let mut env = env.to_vec();
    env.push(("AWS_EC2_METADATA_DISABLED", "true"));
    env.push(("HOME", "/home/me"));
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .env(Env::from_slice(&env))
        .fs(Fs::from_slice(files))
        .profile_files(
            EnvConfigFiles::builder()
                .with_contents(EnvConfigFileKind::Config, config_file)
                .build(),
        );
    base_config_from(&options, loader).await
}

fn us_east_1(profile: Option<&str>) -> AccountOptions {
    AccountOptions {
        profile: profile.map(str::to_string),
        region: Some("us-east-1".into()),
        ..AccountOptions::default()
    }
}

/// Both sides reached the same way; the run-level error.
async fn both(reach: impl Fn() -> Reach) -> CollectError {
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    collect_from(&setup, &plan, reach(), reach(), chrono::Utc::now())
        .await
        .expect_err("neither account is readable")
}

/// The error's lines; each must be free of the SDK's debug text.
fn lines(err: &CollectError) -> Vec<String> {
    let text = err.to_string();
    for debug in [
        "DispatchFailure",
        "ConnectorError",
        "Some(",
        "source:",
        "Error {",
    ] {
        assert!(!text.contains(debug), "{debug} in {text}");
    }
    text.lines().map(str::to_string).collect()
}

#[tokio::test]
async fn no_credentials_at_all_names_the_profile_flags_aws_profile_and_sso_login() {
    let conf = config(us_east_1(None), &[], &[], "").await;
    let err = both(|| reach_from(&conf, None, None)).await;
    assert_eq!(err.exit_code(), 3);
    assert_eq!(
        lines(&err),
        [
            "could not read either account",
            "  source account 111111111111: no AWS credentials found. Pass --source-profile NAME, set AWS_PROFILE, or run `aws sso login --profile NAME`.",
            "  target account 222222222222: no AWS credentials found. Pass --target-profile NAME, set AWS_PROFILE, or run `aws sso login --profile NAME`.",
            "  Run with --debug to see the AWS SDK's errors.",
        ]
    );
}

#[tokio::test]
async fn an_unknown_profile_is_named() {
    let config_file = "[profile other]\nregion = us-east-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n";
    let conf = config(us_east_1(Some("prod")), &[], &[], config_file).await;
    let err = both(|| reach_from(&conf, Some("prod"), None)).await;
    let lines = lines(&err);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(
        lines[1],
        "  source account 111111111111: profile prod gives no credentials: it is not in ~/.aws/config or ~/.aws/credentials, or holds none. `aws configure list-profiles` lists the profiles; pass one with --source-profile."
    );
}

#[tokio::test]
async fn an_expired_sso_session_says_aws_sso_login_with_the_profile() {
    let config_file = "[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";
    // ~/.aws/sso/cache/<sha1 of the session name>.json: expired, and no refresh token.
    let token = r#"{"accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z", "region": "us-east-1", "startUrl": "https://corp.awsapps.com/start"}"#;
    let cache = "/home/me/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
    let conf = config(us_east_1(Some("dev")), &[], &[(cache, token)], config_file).await;
    let err = both(|| reach_from(&conf, Some("dev"), None)).await;
    let lines = lines(&err);
    assert_eq!(
        lines[1],
        "  source account 111111111111: the SSO session of profile dev has expired or was never started. Run `aws sso login --profile dev`, then zetl again."
    );
}

#[tokio::test]
async fn a_closed_endpoint_is_named_with_the_reason() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let options = AccountOptions {
        endpoint_url: Some(endpoint.clone()),
        ..us_east_1(None)
    };
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let conf = config(options, &env, &[], "").await;
    let err = both(|| reach_from(&conf, None, Some(&endpoint))).await;
    assert_eq!(err.exit_code(), 3);
    assert_eq!(
        lines(&err)[1],
        format!("  source account 111111111111: cannot connect to {endpoint} (connection refused). Check --endpoint-url, AWS_ENDPOINT_URL and the network, then run zetl again.")
    );
}

#[tokio::test]
async fn a_denied_assume_role_names_the_role_and_its_trust_policy() {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let reach = |account: &str| {
        let denied = mock!(aws_sdk_sts::Client::assume_role).then_error(|| {
            AssumeRoleError::generic(meta(
                "AccessDenied",
                "User: arn:aws:iam::333333333333:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/zetl-read",
            ))
        });
        reach_assuming(
            account,
            Mocks {
                sts: vec![denied],
                ..Mocks::default()
            },
            &ReadOnlyGuard::new(),
        )
    };
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    let err = collect_from(&setup, &plan, reach(SRC), reach(TGT), chrono::Utc::now())
        .await
        .unwrap_err();
    let lines = lines(&err);
    // The role named is the one STS refused (the message's), else the one configured.
    assert_eq!(
        lines[1],
        "  source account 111111111111: the credentials in use may not assume arn:aws:iam::111111111111:role/zetl-read (sts:AssumeRole: AccessDenied). The role's trust policy must let them assume it, with the external id when one is set; see permissions/README.md."
    );
    assert!(lines[2].starts_with("  target account 222222222222: the credentials in use may not assume arn:aws:iam::111111111111:role/zetl-read"));
}

#[tokio::test]
async fn throttling_past_the_retries_says_wait_or_raise_max_attempts() {
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    let throttled = || {
        mock!(aws_sdk_sts::Client::get_caller_identity)
            .sequence()
            .error(|| GetCallerIdentityError::generic(meta("Throttling", "Rate exceeded")))
            .repeatedly()
            .build()
    };
    let err = both(|| reach(throttled())).await;
    assert_eq!(
        lines(&err)[1],
        "  source account 111111111111: AWS still throttled the requests (Throttling) after the SDK's retries. Wait a minute and run zetl again, or raise AWS_MAX_ATTEMPTS."
    );
}

#[tokio::test]
async fn no_region_is_a_setup_error_before_any_call() {
    let setup = Setup {
        fields: SetupFields {
            source_table: Some("orders".into()),
            target_database: Some("lake".into()),
            ..SetupFields::default()
        },
        ..Setup::default()
    };
    let plan = Plan::from_setup(&setup).unwrap();
    let guard = ReadOnlyGuard::new();
    let no_region = || Reach {
        region: None,
        clients: clients(&Mocks::default(), &guard),
        ..reach_with(Mocks::default())
    };
    let err = collect_from(&setup, &plan, no_region(), no_region(), chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "source account: no region. Give the source table as an ARN, pass --region or --source-region, or set AWS_REGION."
    );
    assert!(guard.seen().is_empty());
}

#[tokio::test]
async fn an_unnamed_account_that_cannot_be_read_stops_the_run_in_three_lines() {
    let setup = Setup {
        fields: SetupFields {
            source_table: Some("orders".into()),
            target_database: Some(DB_ARN.into()),
            ..SetupFields::default()
        },
        ..Setup::default()
    };
    let plan = Plan::from_setup(&setup).unwrap();
    let err = collect_from(
        &setup,
        &plan,
        reach(no_credentials()),
        reach(identity(TGT)),
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        lines(&err),
        [
            "source account: AWS rejected the credentials (InvalidClientTokenId): they are invalid or expired. Renew them, or pass --source-profile with working ones.",
            "  the source table is not given as an ARN, so zetl cannot go on without this account",
            "  Run with --debug to see the AWS SDK's errors.",
        ]
    );
}

/// Progress: one line per call, naming the account and what is read.
#[tokio::test]
async fn the_collector_reports_each_read_to_its_progress() {
    #[derive(Default)]
    struct Lines(std::sync::Mutex<Vec<String>>);
    impl Progress for Lines {
        fn step(&self, line: &str) {
            self.0.lock().unwrap().push(line.to_string());
        }
    }
    let lines = std::sync::Arc::new(Lines::default());
    let with_progress = |m: Mocks| Reach {
        progress: Reporter::new(lines.clone()),
        ..reach_with(m)
    };
    let setup = arn_setup();
    let plan = Plan::from_setup(&setup).unwrap();
    // The source account cannot be read: after its identity call nothing is sent there, and
    // nothing is reported either.
    collect_from(
        &setup,
        &plan,
        with_progress(Mocks {
            sts: vec![no_credentials()],
            ..Mocks::default()
        }),
        with_progress(target_denied_everything()),
        chrono::Utc::now(),
    )
    .await
    .expect("collects");
    let got = lines.0.lock().unwrap().clone();
    for expected in [
        "source account 111111111111: checking the credentials",
        "target account 222222222222: checking the credentials",
        "target account 222222222222: reading the catalog policy",
        "target account 222222222222: reading the database",
        "target account 222222222222: reading Lake Formation",
    ] {
        assert!(
            got.iter().any(|l| l == expected),
            "{expected} not in {got:?}"
        );
    }
    assert_eq!(
        got.iter().filter(|l| l.starts_with("source")).count(),
        1,
        "{got:?}"
    );
}
