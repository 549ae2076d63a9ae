#!/usr/bin/env bash
# Records every output a refactoring must keep: for each bundled fixture, the doctor report in
# every format (and Japanese human with -v), the `zetl fix` plan, and `policy generate` as cli
# and json. Run it with the binary before and after a change and diff the two folders.
#
# Usage: scripts/record-outputs.sh ZETL_BINARY OUT_DIR
#   e.g. scripts/record-outputs.sh "$CARGO_TARGET_DIR/debug/zetl" /tmp/before
#        ... change ...
#        scripts/record-outputs.sh "$CARGO_TARGET_DIR/debug/zetl" /tmp/after
#        diff -r /tmp/before /tmp/after
# Each file ends with the command's exit code (`rc=N`).
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 ZETL_BINARY OUT_DIR" >&2
  exit 2
fi
BIN=$(realpath -e -- "$1") || { echo "no such binary: $1" >&2; exit 2; }
OUT=$(realpath -m -- "$2")
mkdir -p "$OUT"
cd "$(dirname "$0")/.."

record() { # NAME COMMAND...
  local name=$1
  shift
  "$@" >"$OUT/$name" 2>&1
  echo "rc=$?" >>"$OUT/$name"
}

find fixtures -name '*.json' | sort | while read -r f; do
  n=$(echo "$f" | tr '/' '_')
  for fmt in json human sarif markdown; do
    record "$n.$fmt" "$BIN" doctor --from "$f" --format "$fmt"
  done
  record "$n.ja" "$BIN" doctor --from "$f" --format human --lang ja -v
  record "$n.fix" "$BIN" fix --from "$f"
  for fmt in cli json; do
    record "$n.gen.$fmt" "$BIN" policy generate --merge-with "$f" --format "$fmt"
  done
done
echo "recorded $(ls "$OUT" | wc -l) outputs in $OUT"
