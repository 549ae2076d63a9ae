//! At most N AWS requests in flight per account. Every call holds a permit of its account's
//! limit for as long as it runs, its retries and their backoff included: a run with a hundred
//! pairs never has more than N requests out at once in one account, and when AWS throttles,
//! the calls that back off keep their permits while they wait, so the account slows down
//! instead of piling more requests on.

use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

/// Requests in flight per account when neither `--concurrency` nor zetl.toml says.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One account's limit; the clients of that account share it (clones share the permits).
#[derive(Debug, Clone, Default)]
pub struct Limit(Option<Arc<Semaphore>>);

impl Limit {
    /// At most `n` calls at once (at least one).
    pub fn new(n: usize) -> Limit {
        Limit(Some(Arc::new(Semaphore::new(n.max(1)))))
    }

    /// No limit (tests that build clients by hand).
    pub fn unlimited() -> Limit {
        Limit(None)
    }

    /// Waits for a permit; the call runs while the returned guard lives.
    pub async fn acquire(&self) -> Option<SemaphorePermit<'_>> {
        match &self.0 {
            // The semaphore is never closed, so acquiring cannot fail.
            Some(s) => s.acquire().await.ok(),
            None => None,
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
        let one = || async {
            let _permit = limit.acquire().await;
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(n, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            now.fetch_sub(1, Ordering::SeqCst);
        };
        futures::future::join_all((0..20).map(|_| one())).await;
        assert_eq!(peak.load(Ordering::SeqCst), 3);
        assert!(Limit::unlimited().acquire().await.is_none());
    }
}
