//! The integration's log stream (rule ZI009) read from moto: a log group and stream written
//! with the documented event shapes (tests/moto/setup_logs.py) are read by the real collector
//! code, newest first, bounded to the last 24 hours, and parsed. moto has no Glue integration
//! APIs, so this drives `collect::logs` directly rather than a whole collection.

use std::path::PathBuf;
use std::process::Command;

use zetl::collect::accounts::{base_config_from, AccountOptions};
use zetl::collect::actions::Side;
use zetl::collect::clients::{Account, Clients};
use zetl::collect::guard::ReadOnlyGuard;
use zetl::collect::logs;
use zetl::collect::progress::Reporter;
use zetl::snapshot::{Fact, IngestionLogs};

use super::server::{isolate, start_moto};

const INTEGRATION_ID: &str = "03cabe77-79e7-4b7a-b3da-8c160bea6bbf";

#[test]
fn an_ingestion_failure_logged_in_moto_is_read() {
    let Some(moto) = start_moto("integration logs e2e test") else {
        return;
    };
    let now = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp(), 0).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/setup_logs.py");
    let out = isolate(&mut Command::new(moto.venv.join("bin/python")))
        .arg(script)
        .arg(&moto.endpoint)
        .arg(now.timestamp_millis().to_string())
        .arg(INTEGRATION_ID)
        .output()
        .expect("run setup_logs.py");
    assert!(
        out.status.success(),
        "setup_logs.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let guard = ReadOnlyGuard::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let account = runtime.block_on(async {
        let options = AccountOptions {
            region: Some("us-east-1".to_string()),
            endpoint_url: Some(moto.endpoint.clone()),
            ..AccountOptions::default()
        };
        let loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .credentials_provider(aws_sdk_cloudwatchlogs::config::Credentials::new(
                "testing", "testing", None, None, "moto",
            ));
        let conf = base_config_from(&options, loader).await;
        Account {
            clients: Clients::from_config(&conf, true, &guard),
            id: "123456789012".to_string(),
            region: "us-east-1".to_string(),
            partition: "aws".to_string(),
            down: None,
            side: Side::Target,
            progress: Reporter::silent(),
        }
    });
    let arn = format!("arn:aws:glue:us-east-1:123456789012:integration:{INTEGRATION_ID}");
    let got = runtime.block_on(logs::ingestion_logs(&account, &arn, now));
    let read = got.known().expect("read");
    assert_eq!(
        read.log_group.as_deref(),
        Some("/aws-glue/zeroETL-integrations/logs/")
    );
    // The completion of 30 hours ago is outside the window.
    assert_eq!(read.events.len(), 2, "{read:?}");
    assert_eq!(
        read.events[0].event_type.as_deref(),
        Some("IngestionStarted")
    );
    let failed = &read.events[1];
    assert!(failed.is_failure());
    assert_eq!(failed.table.as_deref(), Some("orders"));
    assert_eq!(
        failed.message.as_deref(),
        Some("Failed to ingest data with error: Target Glue database not found.")
    );
    assert_eq!(failed.error_code.as_deref(), Some("client_error"));
    assert_eq!(failed.time, now - chrono::Duration::minutes(9));

    // Another integration has no stream: nothing logged, a known empty read.
    let other =
        "arn:aws:glue:us-east-1:123456789012:integration:ffffffff-0000-0000-0000-000000000000";
    assert_eq!(
        runtime.block_on(logs::ingestion_logs(&account, other, now)),
        Fact::Known(IngestionLogs::default())
    );
    // Only reads were sent.
    for op in guard.seen() {
        assert!(op.ends_with("/GetLogEvents"), "{op}");
    }
}
