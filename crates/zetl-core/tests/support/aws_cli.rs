//! The pinned AWS CLI of the test venv (`scripts/moto-venv.sh`) and a place for it to run where
//! nothing leaves loopback: fake credentials for the profiles `default`, `src` and `tgt`, and
//! a loopback port nothing listens on. Shared by the printed-command checks of both crates
//! (`crates/zetl-core/tests/printed_commands.rs`, `tests/policy_generate.rs`).

#![allow(dead_code)] // each test file uses part of it

use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// The test venv: `ZETL_MOTO_VENV`, else `~/.cache/zetl-venv`.
pub fn venv() -> PathBuf {
    std::env::var_os("ZETL_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/zetl-venv"))
}

/// The venv's `aws`, or `None` when it is missing — then the caller skips its check, unless
/// `ZETL_REQUIRE_MOTO` is set (`scripts/test.sh` sets it): then this fails the test.
pub fn venv_aws() -> Option<PathBuf> {
    let aws = venv().join("bin/aws");
    if aws.exists() {
        return Some(aws);
    }
    assert!(
        std::env::var_os("ZETL_REQUIRE_MOTO").is_none(),
        "{} is missing: run scripts/moto-venv.sh",
        aws.display()
    );
    eprintln!("AWS CLI missing ({}); commands not checked", aws.display());
    None
}

/// Writes an AWS config and a credentials file into `dir` (profiles `default`, `src`, `tgt`,
/// region us-east-1, fake keys); returns their paths for `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE`.
pub fn write_profiles(dir: &Path) -> (PathBuf, PathBuf) {
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[default]\nregion = us-east-1\n[profile src]\nregion = us-east-1\n[profile tgt]\nregion = us-east-1\n",
    )
    .unwrap();
    // Named profiles take their keys from here, not from the environment.
    let credentials = dir.join("credentials");
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n\
         [src]\naws_access_key_id = testing\naws_secret_access_key = testing\n\
         [tgt]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    (config, credentials)
}

/// `http://127.0.0.1:PORT` of a port that was bound and closed: a request is refused at once.
pub fn closed_endpoint() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}
