#!/usr/bin/env bash
# Whole-process benchmark of `zetl doctor --from` (see BENCHMARKS.md, "doctor").
#
# Usage: scripts/bench-doctor.sh [ZETL_BINARY]
#   With no argument it builds the release binary ($CARGO_TARGET_DIR/release/zetl) and
#   measures that; with a path it measures that binary as it is (no build).
#
# Measures wall time of the demo snapshot and of the maximum-size snapshot
# (fixtures/bench/max-size.json, from scripts/gen-max-size-snapshot.py) with hyperfine, or
# with a bash loop over `date +%s%N` when hyperfine is absent, and peak memory with
# `/usr/bin/time -v`. Installs nothing: if hyperfine or /usr/bin/time is missing it says so
# (apt packages `hyperfine`, `time`) and falls back or skips.
#
# Targets: demo < 50 ms; max-size < 100 ms and < 50 MB peak RSS.
# Env: RUNS (default 50), WARMUP (default 5), CARGO_TARGET_DIR (default ./target).
set -euo pipefail

if [ $# -gt 1 ]; then
  echo "usage: $0 [ZETL_BINARY]" >&2
  exit 2
fi
# A given binary is resolved before the cd below, so a relative path means the caller's.
BIN=""
if [ $# -eq 1 ]; then
  BIN=$(realpath -e -- "$1") || { echo "no such binary: $1" >&2; exit 2; }
  [ -x "$BIN" ] || { echo "not executable: $BIN" >&2; exit 2; }
fi

cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-5}
DEMO=fixtures/demo/cross-account.json
MAX=fixtures/bench/max-size.json

if [ -n "$BIN" ]; then
  echo "== measuring $BIN (no build)"
else
  TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
  BIN=$TARGET_DIR/release/zetl
  echo "== cargo build --release"
  cargo build --release --quiet
fi
echo "== $("$BIN" --version 2>/dev/null || echo "zetl (version unknown)")"

echo "== machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

status=0
# mean_ms NAME SNAPSHOT -> prints the mean wall time in ms
mean_ms() {
  local snap=$2
  local cmd="$BIN doctor --from $snap --format json --output /dev/null"
  if command -v hyperfine >/dev/null; then
    local json
    json=$(mktemp)
    # doctor exits non-zero when it finds errors (the demo has some): -i ignores that.
    hyperfine -N -i --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" "$cmd" >&2
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f %.2f %.2f %.2f" % (r["mean"]*1e3, r["stddev"]*1e3, r["min"]*1e3, r["max"]*1e3))' "$json"
    rm -f "$json"
  else
    echo "hyperfine not found (apt package hyperfine); timing with a bash loop" >&2
    local i t0 t1 total=0 min=999999999999 max=0 d
    for ((i = 0; i < WARMUP; i++)); do $cmd || true; done
    for ((i = 0; i < RUNS; i++)); do
      t0=$(date +%s%N); $cmd || true; t1=$(date +%s%N)
      d=$((t1 - t0)); total=$((total + d))
      ((d < min)) && min=$d; ((d > max)) && max=$d
    done
    awk -v t="$total" -v n="$RUNS" -v mn="$min" -v mx="$max" \
      'BEGIN { printf "%.2f n/a %.2f %.2f\n", t/n/1e6, mn/1e6, mx/1e6 }'
  fi
}

peak_mb() {
  local snap=$1
  if [ -x /usr/bin/time ]; then
    { /usr/bin/time -v "$BIN" doctor --from "$snap" --format json --output /dev/null 2>&1 >/dev/null || true; } |
      awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); printf "%.1f\n", $2/1024 }'
  else
    echo "n/a"
  fi
}

check() { # LABEL VALUE LIMIT UNIT
  if [ "$2" = "n/a" ]; then
    printf '%-34s %10s          (target < %s %s: not measured)\n' "$1" n/a "$3" "$4"
    return
  fi
  if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v < l) }'; then verdict=met; else verdict=MISSED; status=1; fi
  printf '%-34s %10s %-3s     (target < %s %s: %s)\n' "$1" "$2" "$4" "$3" "$4" "$verdict"
}

[ -x /usr/bin/time ] || echo "/usr/bin/time not found (apt package time); peak memory not measured" >&2

read -r demo_mean demo_sd demo_min demo_max < <(mean_ms demo "$DEMO")
read -r max_mean max_sd max_min max_max < <(mean_ms max "$MAX")
demo_rss=$(peak_mb "$DEMO")
max_rss=$(peak_mb "$MAX")

echo
echo "== results ($RUNS runs, $WARMUP warm-up; wall time mean ± σ [min, max])"
echo "demo     $DEMO: $demo_mean ± $demo_sd ms [$demo_min, $demo_max], peak RSS $demo_rss MB"
echo "max-size $MAX: $max_mean ± $max_sd ms [$max_min, $max_max], peak RSS $max_rss MB"
echo
check "demo wall time (mean)" "$demo_mean" 50 ms
check "max-size wall time (mean)" "$max_mean" 100 ms
check "max-size peak RSS" "$max_rss" 50 MB
exit $status
