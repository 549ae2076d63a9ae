#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need (the npm oracle
# for the policy engine, the pinned moto server for the collector), then format, lint and
# every cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

# One target directory shared by every checkout on this machine (a cold AWS SDK build is slow).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zetl-target}"
# Tests never leave loopback: no instance-metadata probe by the credential chain.
export AWS_EC2_METADATA_DISABLED=true

if [ -f crates/zetl-core/tests/oracle/package.json ]; then
  echo "== installing the policy-engine oracle (npm)"
  (cd crates/zetl-core/tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== moto (AWS emulator for the collector's end-to-end tests; pinned venv, created once)"
ZETL_MOTO_VENV="$(scripts/moto-venv.sh)"
export ZETL_MOTO_VENV
# The e2e test starts and stops its own moto_server on a free loopback port; require it here
# so a broken emulator install fails the suite instead of skipping the test.
export ZETL_REQUIRE_MOTO=1

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked --all-targets
