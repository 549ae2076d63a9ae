//! At most N AWS requests in flight per account. Every call holds a permit of its account's
//! limit for as long as it runs, its retries and their backoff included: a run with a hundred
//! pairs never has more than N requests out at once in one account, and when AWS throttles,
//! the calls that back off keep their permits while they wait, so the account slows down
//! instead of piling more requests on.
//!
//! Calls in a chain of reads (DescribeTable then the table's key, GetRole then the role's
//! policies then their versions, DescribeIntegrations then the metric, ...) go before the
//! standalone reads (a table's backups and policy, table properties, Lake Formation, ...)
//! whenever both wait, from the first call on: with a hundred tables' standalone reads
//! queued, the chains that make a run long still run at once, so the run takes about as long
//! as its requests divided by N, not that plus the chains after them.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::actions::Action;

/// Requests in flight per account when neither `--concurrency` nor zetl.toml says.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The standalone reads: nothing waits for their answers. Every other read is in a chain and
/// goes first.
const STANDALONE: &[&str] = &[
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:GetResourcePolicy",
    "glue:GetResourcePolicy",
    "glue:GetIntegrationTableProperties",
    "lakeformation:GetDataLakeSettings",
    "lakeformation:ListPermissions",
    "lakeformation:ListResources",
    "redshift-serverless:ListNamespaces",
    "redshift-serverless:ListWorkgroups",
];

/// Whether `action` is in a chain of reads (its answer names further reads, or it waited for
/// one that did): it goes before the standalone reads.
pub fn in_a_chain(action: &Action) -> bool {
    !STANDALONE.contains(&action.iam)
}

/// One account's limit; the clients of that account share it (clones share the permits).
#[derive(Debug, Clone, Default)]
pub struct Limit(Option<Arc<Slots>>);

#[derive(Debug)]
pub struct Slots {
    state: Mutex<State>,
    released: Notify,
}

#[derive(Debug)]
struct State {
    free: usize,
    /// Calls in a chain, waiting: while there are any, no standalone read takes a slot.
    first_waiting: usize,
}

/// A slot, given back when dropped.
#[derive(Debug)]
pub struct Permit<'a>(&'a Slots);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.lock().free += 1;
        self.0.released.notify_waiters();
    }
}

impl Slots {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Limit {
    /// At most `n` calls at once (at least one).
    pub fn new(n: usize) -> Limit {
        Limit(Some(Arc::new(Slots {
            state: Mutex::new(State {
                free: n.max(1),
                first_waiting: 0,
            }),
            released: Notify::new(),
        })))
    }

    /// No limit (tests that build clients by hand).
    pub fn unlimited() -> Limit {
        Limit(None)
    }

    /// Waits for a slot for `action`; the call runs while the returned guard lives.
    pub async fn acquire(&self, action: &Action) -> Option<Permit<'_>> {
        self.acquire_slot(in_a_chain(action)).await
    }

    async fn acquire_slot(&self, first: bool) -> Option<Permit<'_>> {
        let slots = self.0.as_deref()?;
        if !first {
            // The reads started together (all pairs' at once) are polled in turn: a standalone
            // read lets the others ask first, so the chains' first calls get the first slots.
            tokio::task::yield_now().await;
        }
        // Counted among the waiting first while it waits, even if its caller gives up.
        struct Waiting<'a>(&'a Slots, bool);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                if self.1 {
                    self.0.lock().first_waiting -= 1;
                    self.0.released.notify_waiters();
                }
            }
        }
        if first {
            slots.lock().first_waiting += 1;
        }
        let mut waiting = Waiting(slots, first);
        loop {
            // Registered before looking, so a slot given back in between is not missed.
            let released = slots.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            {
                let mut state = slots.lock();
                if state.free > 0 && (first || state.first_waiting == 0) {
                    state.free -= 1;
                    if first {
                        state.first_waiting -= 1;
                        waiting.1 = false;
                    }
                    return Some(Permit(slots));
                }
            }
            released.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn never_more_than_n_at_once() {
        let limit = Limit::new(3);
        let (now, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let one = |first: bool| {
            let (limit, now, peak) = (&limit, &now, &peak);
            async move {
                let _permit = limit.acquire_slot(first).await;
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                now.fetch_sub(1, Ordering::SeqCst);
            }
        };
        futures::future::join_all((0..20).map(|i| one(i % 3 == 0))).await;
        assert_eq!(peak.load(Ordering::SeqCst), 3);
        assert!(Limit::unlimited().acquire_slot(true).await.is_none());
    }

    #[tokio::test]
    async fn calls_in_a_chain_go_before_the_waiting_standalone_reads() {
        let limit = Limit::new(1);
        let order = Mutex::new(Vec::new());
        let held = limit.acquire_slot(false).await;
        let one = |name: &'static str, first: bool| {
            let (limit, order) = (&limit, &order);
            async move {
                let _permit = limit.acquire_slot(first).await;
                order.lock().unwrap().push(name);
                tokio::task::yield_now().await;
            }
        };
        let release = async {
            // Let every call queue up first.
            for _ in 0..5 {
                tokio::task::yield_now().await;
            }
            drop(held);
        };
        futures::join!(
            one("leaf 1", false),
            one("leaf 2", false),
            one("chain", true),
            release
        );
        assert_eq!(order.into_inner().unwrap(), ["chain", "leaf 1", "leaf 2"]);

        // A call in a chain given up while it waits holds nobody back.
        use futures::FutureExt;
        let held = limit.acquire_slot(false).await;
        assert!(limit.acquire_slot(true).now_or_never().is_none());
        drop(held);
        let free = std::time::Duration::from_secs(5);
        assert!(tokio::time::timeout(free, limit.acquire_slot(false))
            .await
            .is_ok());
        assert!(in_a_chain(&crate::permissions::IAM_GET_ROLE));
        assert!(in_a_chain(&crate::permissions::IAM_GET_POLICY_VERSION));
        assert!(!in_a_chain(&crate::permissions::DDB_GET_RESOURCE_POLICY));
    }
}
