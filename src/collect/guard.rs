//! The doctor never writes. Every client the collector builds carries this interceptor: it
//! refuses, before anything is sent, any operation that is not one of the read operations in
//! `actions::READ_ACTIONS` (or the AssumeRole that gets the account's credentials), and
//! records the operations it let through (tests assert on them).

use std::sync::{Arc, Mutex};

use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

use super::actions::{READ_ACTIONS, STS_ASSUME_ROLE};

#[derive(Debug, Clone, Default)]
pub struct ReadOnlyGuard {
    seen: Arc<Mutex<Vec<String>>>,
}

impl ReadOnlyGuard {
    pub fn new() -> Self {
        Self::default()
    }

    /// `service/Operation` of every call let through, in order.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Whether an operation name is one the collectors are allowed to send: a listed read,
    /// or AssumeRole (a credentials exchange that changes nothing in the account).
    pub fn allows(operation: &str) -> bool {
        operation == STS_ASSUME_ROLE.operation
            || READ_ACTIONS.iter().any(|a| a.operation == operation)
                && ["Get", "List", "Describe"]
                    .iter()
                    .any(|p| operation.starts_with(p))
    }
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "ZetlReadOnlyGuard"
    }

    // The first hook where the operation's name is known; it runs before the request is
    // serialized, signed or sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = match cfg.load::<Metadata>() {
            Some(m) => (m.service().to_string(), m.name().to_string()),
            None => return Err("zetl refuses an AWS call it cannot name".into()),
        };
        if !Self::allows(&operation) {
            return Err(format!("zetl is read-only and refuses {service}:{operation}").into());
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(format!("{service}/{operation}"));
        }
        Ok(())
    }
}
