//! Whether the user asked for the AWS SDK's own error text: `--debug`, or `RUST_LOG` set (the
//! usual switch of Rust tools). Without it every error is one short sentence with a next step;
//! the SDK's error chains are for bug reports, not for reading.

use std::sync::atomic::{AtomicBool, Ordering};

static FLAG: AtomicBool = AtomicBool::new(false);

/// Set once by `main`, from `--debug` and `RUST_LOG`. Read only from this flag (not the
/// environment) so tests see the same short messages whatever their environment.
pub fn set(on: bool) {
    FLAG.store(on, Ordering::Relaxed);
}

/// `--debug` given, or `RUST_LOG` set and not empty.
pub fn requested(flag: bool) -> bool {
    flag || std::env::var_os("RUST_LOG").is_some_and(|v| !v.is_empty())
}

pub fn enabled() -> bool {
    FLAG.load(Ordering::Relaxed)
}
