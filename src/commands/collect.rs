//! What `zetl doctor` (without `--from`) and `--save-snapshot` call: collect live with the
//! command's error type, and write the snapshot as the JSON `--from` reads back.

use std::path::Path;

use crate::commands::CliError;
use crate::setup::Setup;
use crate::snapshot::Snapshot;

/// Reads both accounts now, with a spinner when stderr is a terminal. Setup errors map to
/// exit 2, "nothing collectable" to exit 3.
#[cfg(feature = "live")]
pub fn live_snapshot(setup: &Setup) -> Result<Snapshot, CliError> {
    let spinner = super::progress::Spinner::start();
    let result =
        crate::collect::collect_blocking_with(setup, chrono::Utc::now(), spinner.reporter());
    // Cleared before the caller prints the report or the error.
    drop(spinner);
    result.map_err(CliError::from)
}

/// Without the `live` feature there is no AWS SDK in the binary: say how to get one.
#[cfg(not(feature = "live"))]
pub fn live_snapshot(_setup: &Setup) -> Result<Snapshot, CliError> {
    Err(CliError::usage(NO_LIVE))
}

/// What a build without the `live` feature says when asked to reach AWS.
pub const NO_LIVE: &str = "this zetl was built without live AWS access (--no-default-features); \
use `zetl doctor --from SNAPSHOT`, or build with the default features to read the accounts";

/// Writes the snapshot (pretty JSON, trailing newline) for `--save-snapshot FILE`.
pub fn write_snapshot(snapshot: &Snapshot, path: &Path) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(snapshot).map_err(|e| {
        CliError::usage(format!(
            "{}: cannot serialise the snapshot: {e}",
            path.display()
        ))
    })?;
    std::fs::write(path, text + "\n").map_err(|e| {
        CliError::usage(format!(
            "{}: cannot write the snapshot: {e}",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "live")]
    #[test]
    fn missing_setup_is_a_usage_error() {
        let err = live_snapshot(&Setup::default()).unwrap_err();
        assert_eq!(err.code(), 2);
        assert_eq!(
            err.to_string(),
            "--source-table is required to collect facts"
        );
    }

    #[test]
    fn a_written_snapshot_loads_back_identically() {
        let snapshot: Snapshot = serde_json::from_value(serde_json::json!({
            "schema": "zetl.snapshot/v1",
            "collected_at": "2026-11-28T10:00:00Z",
            "accounts": {"source": {"id": "111111111111", "region": "us-east-1"},
                         "target": {"id": "222222222222", "region": "us-east-1"}},
            "setup": {"pairs": [{"source_table": "arn:aws:dynamodb:us-east-1:111111111111:table/orders",
                                  "target_database": "arn:aws:glue:us-east-1:222222222222:database/lake"}]},
            "integrations": {"source": {}, "target": {"$unknown": {"reason": "throttled",
                             "action": "glue:DescribeInboundIntegrations"}}}
        }))
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snap.json");
        write_snapshot(&snapshot, &path).unwrap();
        assert_eq!(crate::snapshot::load(&path).unwrap(), snapshot);
        let err = write_snapshot(&snapshot, &dir.path().join("no/such/dir.json")).unwrap_err();
        assert!(
            err.to_string().contains("cannot write the snapshot"),
            "{err}"
        );
    }
}
