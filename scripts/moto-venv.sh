#!/usr/bin/env bash
# Creates (once) the Python venv holding the pinned moto server used by the collector's
# end-to-end tests and the pinned AWS CLI that checks every command zetl prints. Idempotent:
# re-installs only when tests/moto/requirements.txt changed (or a tool is missing).
# Prints the venv directory.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${ZETL_MOTO_VENV:-$HOME/.cache/zetl-venv}"
REQ=tests/moto/requirements.txt
STAMP="$VENV/.zetl-requirements"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2
fi
if ! cmp -s "$REQ" "$STAMP" || [ ! -x "$VENV/bin/moto_server" ] || [ ! -x "$VENV/bin/aws" ]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ" >&2
  cp "$REQ" "$STAMP"
fi
echo "$VENV"
