//! Starts a moto server (the pinned venv's `moto_server`) on a free loopback port for one test
//! and stops it when dropped. Without the venv the test is skipped with a printed reason,
//! unless ZETL_REQUIRE_MOTO is set (scripts/test.sh sets it): then a missing emulator fails.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub venv: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn venv() -> PathBuf {
    std::env::var_os("ZETL_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/zetl-venv"))
}

/// `None` (after saying so) when the venv is missing and moto is not required.
pub fn start_moto(test: &str) -> Option<Moto> {
    let venv = venv();
    let server = venv.join("bin/moto_server");
    if !server.exists() {
        assert!(
            std::env::var_os("ZETL_REQUIRE_MOTO").is_none(),
            "{} is missing: run scripts/moto-venv.sh",
            server.display()
        );
        eprintln!("moto venv missing ({}); {test} not run", server.display());
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
        venv,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not start on {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    Some(moto)
}

/// Environment for anything that talks to moto: fake base credentials, and nothing from this
/// machine's AWS configuration or instance metadata (`None`: unset).
const ISOLATED: &[(&str, Option<&str>)] = &[
    ("AWS_ACCESS_KEY_ID", Some("testing")),
    ("AWS_SECRET_ACCESS_KEY", Some("testing")),
    ("AWS_EC2_METADATA_DISABLED", Some("true")),
    ("AWS_CONFIG_FILE", Some("/nonexistent/zetl-test-config")),
    (
        "AWS_SHARED_CREDENTIALS_FILE",
        Some("/nonexistent/zetl-test-credentials"),
    ),
    ("AWS_SESSION_TOKEN", None),
    ("AWS_PROFILE", None),
    ("AWS_ENDPOINT_URL", None),
];

/// A child process (the zetl binary) isolated as [`ISOLATED`] says.
pub fn isolate(cmd: &mut Command) -> &mut Command {
    for (name, value) in ISOLATED {
        match value {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
    cmd
}

/// This test process isolated the same way, for collection run in-process (every test sets
/// the same values, so tests running in parallel agree). `AWS_ENDPOINT_URL` is left alone: a
/// test sets it for a while to check that collection follows it.
pub fn isolate_this_process() {
    for (name, value) in ISOLATED.iter().filter(|(n, _)| *n != "AWS_ENDPOINT_URL") {
        match value {
            Some(v) => std::env::set_var(name, v),
            None => std::env::remove_var(name),
        }
    }
}

/// The accounts of the `index`-th variant: `PREFIX` + two digits, so each test's variants
/// live in their own accounts (`("1111111111", "2222222222")` -> 111111111101, ...).
pub fn variant_accounts(prefixes: (&str, &str), index: usize) -> (String, String) {
    (
        format!("{}{:02}", prefixes.0, index + 1),
        format!("{}{:02}", prefixes.1, index + 1),
    )
}

/// Builds the named setups with tests/moto/setup_variants.py, the `i`-th in
/// `variant_accounts(prefixes, i)`. Returns its JSON (the setup of each variant).
pub fn build_variants<'a>(
    moto: &Moto,
    names: impl IntoIterator<Item = &'a str>,
    prefixes: (&str, &str),
) -> serde_json::Value {
    let specs: Vec<String> = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let (src, tgt) = variant_accounts(prefixes, i);
            format!("{name}:{src}:{tgt}")
        })
        .collect();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/setup_variants.py");
    let out = isolate(&mut Command::new(moto.venv.join("bin/python")))
        .arg(script)
        .arg(&moto.endpoint)
        .args(&specs)
        .output()
        .expect("run setup_variants.py");
    assert!(
        out.status.success(),
        "setup_variants.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("setup output is JSON")
}

/// Runs `each` on every item in its own thread (the runs mostly wait on moto) and collects
/// the results in order.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], each: impl Fn(&T) -> R + Sync) -> Vec<R> {
    std::thread::scope(|s| {
        let handles: Vec<_> = items.iter().map(|i| s.spawn(|| each(i))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// The real `zetl` binary run as `zetl ARGS... SETUP-FLAGS` against moto, for one setup built
/// by `build_variants` (its accounts reached through AssumeRole, as a user would).
pub fn zetl_on(endpoint: &str, setup: &serde_json::Value, args: &[&str]) -> std::process::Output {
    use assert_cmd::prelude::CommandCargoExt;
    let arg = |k: &str| {
        setup[k]
            .as_str()
            .unwrap_or_else(|| panic!("no {k} in {setup}"))
            .to_string()
    };
    let mut cmd = Command::cargo_bin("zetl").expect("the zetl binary");
    isolate(&mut cmd).args(args);
    for (flag, key) in [
        ("--source-table", "source_table"),
        ("--target-database", "target_database"),
        ("--target-role", "target_role"),
        ("--source-principal", "source_principal"),
        ("--source-role-arn", "source_role_arn"),
        ("--target-role-arn", "target_role_arn"),
    ] {
        cmd.arg(flag).arg(arg(key));
    }
    cmd.args(["--external-id", "zetl-test", "--endpoint-url", endpoint]);
    cmd.output().expect("run zetl")
}
