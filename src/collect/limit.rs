//! At most N AWS requests in flight per account. Every call holds a permit of its account's
//! limit for as long as it runs, its retries and their backoff included: a run with a hundred
//! pairs never has more than N requests out at once in one account, and when AWS throttles,
//! the calls that back off keep their permits while they wait, so the account slows down
//! instead of piling more requests on.
//!
//! Calls whose answer names further reads (DescribeTable names the table's key, GetRole the
//! role's policies, DescribeIntegrations the metrics to read, ...) go before calls whose
//! answer ends a chain, when both wait: with a hundred tables' leaf reads queued, the chains
//! that make the run long still start at once, so the run takes about as long as its requests
//! divided by N, not that plus the chains after them.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::actions::Action;

/// Requests in flight per account when neither `--concurrency` nor zetl.toml says.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The reads whose answers name further reads: they go first.
const LEADS_ON: &[&str] = &[
    "dynamodb:DescribeTable",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:GetUser",
    "iam:ListUserPolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupsForUser",
    "iam:ListGroupPolicies",
    "iam:ListAttachedGroupPolicies",
    "iam:GetPolicy",
    "glue:DescribeIntegrations",
    "glue:DescribeInboundIntegrations",
    "glue:GetDatabase",
    "glue:GetIntegrationResourceProperty",
    "s3:GetBucketLocation",
    "s3:GetEncryptionConfiguration",
    "cloudwatch:ListMetrics",
];

/// Whether `action`'s answer names further reads.
pub fn leads_on(action: &Action) -> bool {
    LEADS_ON.contains(&action.iam)
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
    /// Calls that lead on, waiting: while there are any, no other call takes a slot.
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
        self.acquire_slot(leads_on(action)).await
    }

    async fn acquire_slot(&self, first: bool) -> Option<Permit<'_>> {
        let slots = self.0.as_deref()?;
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
    async fn calls_that_lead_on_go_before_the_waiting_others() {
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

        // A call that leads on and is given up while it waits holds nobody back.
        use futures::FutureExt;
        let held = limit.acquire_slot(false).await;
        assert!(limit.acquire_slot(true).now_or_never().is_none());
        drop(held);
        assert!(limit.acquire_slot(false).now_or_never().is_some());
        assert!(leads_on(&crate::permissions::IAM_GET_ROLE));
        assert!(!leads_on(&crate::permissions::DDB_GET_RESOURCE_POLICY));
    }
}
