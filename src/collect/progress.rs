//! What the collector is reading, for a progress display. The collector only reports lines
//! through `Progress`; whether and how they are shown is the command's business (a spinner on
//! a terminal, nothing otherwise), so the collector's logic stays free of terminal code.

use std::fmt;
use std::sync::Arc;

use super::actions::{Action, Side};
use super::advice::account_label;
use crate::rules::messages::sentence;

/// Receives one line per call the collector starts ("source account 1111...: reading the
/// table policy"). Calls run concurrently, so lines arrive from several tasks.
pub trait Progress: Send + Sync {
    fn step(&self, line: &str);
}

/// A shared, cheap handle on a `Progress`, or nothing.
#[derive(Clone, Default)]
pub struct Reporter(Option<Arc<dyn Progress>>);

impl Reporter {
    pub fn new(progress: Arc<dyn Progress>) -> Self {
        Reporter(Some(progress))
    }

    /// Reports nothing.
    pub fn silent() -> Self {
        Reporter(None)
    }

    pub fn is_silent(&self) -> bool {
        self.0.is_none()
    }

    /// A call of `action` starts in the account on `side` (`id` empty while unknown).
    pub fn reading(&self, side: Side, id: &str, action: Action) {
        if let Some(p) = &self.0 {
            let account = account_label(side, Some(id));
            p.step(&sentence(
                "progress.step",
                &[("account", &account), ("what", &what(action))],
            ));
        }
    }
}

impl fmt::Debug for Reporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Reporter(on)"
        } else {
            "Reporter(silent)"
        })
    }
}

/// What a call reads, in the user's words (the part of the setup, not the API's name).
fn what(action: Action) -> String {
    let (service, _) = action.iam.split_once(':').unwrap_or((action.iam, ""));
    match (service, action.iam) {
        (_, "sts:GetCallerIdentity") => sentence("progress.identity", &[]),
        (_, "sts:AssumeRole") => sentence("progress.assume_role", &[]),
        (_, "dynamodb:DescribeTable") => sentence("progress.table", &[]),
        (_, "dynamodb:DescribeContinuousBackups") => sentence("progress.backups", &[]),
        (_, "dynamodb:GetResourcePolicy") => sentence("progress.table_policy", &[]),
        (_, "dynamodb:ListExports" | "dynamodb:DescribeExport") => {
            sentence("progress.exports", &[])
        }
        (_, "glue:DescribeIntegrations" | "glue:DescribeInboundIntegrations") => {
            sentence("progress.integrations", &[])
        }
        (_, "glue:GetResourcePolicy") => sentence("progress.catalog_policy", &[]),
        (_, "glue:GetDatabase") => sentence("progress.database", &[]),
        (_, "glue:GetCatalog") => sentence("progress.catalog", &[]),
        (_, "glue:GetIntegrationResourceProperty") => sentence("progress.resource_property", &[]),
        (_, "glue:GetIntegrationTableProperties") => sentence("progress.table_properties", &[]),
        ("kms", _) => sentence("progress.key", &[]),
        ("iam", _) => sentence("progress.principal", &[]),
        ("s3", _) => sentence("progress.bucket", &[]),
        ("lakeformation", _) => sentence("progress.lake_formation", &[]),
        ("cloudwatch", _) => sentence("progress.metrics", &[]),
        ("logs", _) => sentence("progress.logs", &[]),
        // redshift-serverless: the ZP004 probes.
        _ => sentence("progress.probe", &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions as actions;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Lines(Mutex<Vec<String>>);
    impl Progress for Lines {
        fn step(&self, line: &str) {
            self.0.lock().unwrap().push(line.to_string());
        }
    }

    #[test]
    fn every_read_has_its_own_words() {
        let lines = Arc::new(Lines::default());
        let reporter = Reporter::new(lines.clone());
        reporter.reading(Side::Source, "", actions::STS_GET_CALLER_IDENTITY);
        reporter.reading(
            Side::Source,
            "111111111111",
            actions::DDB_GET_RESOURCE_POLICY,
        );
        reporter.reading(
            Side::Target,
            "222222222222",
            actions::GLUE_GET_RESOURCE_POLICY,
        );
        assert_eq!(
            *lines.0.lock().unwrap(),
            [
                "source account: checking the credentials",
                "source account 111111111111: reading the table policy",
                "target account 222222222222: reading the catalog policy",
            ]
        );
        // Only the probes fall through to the last arm.
        for a in actions::READ_ACTIONS {
            let probe = a.iam.starts_with("redshift-serverless:");
            assert_eq!(
                what(*a) == what(actions::RSS_LIST_NAMESPACES),
                probe,
                "{a:?}"
            );
        }
        Reporter::silent().reading(Side::Source, "1", actions::DDB_DESCRIBE_TABLE);
    }
}
