#!/usr/bin/env bash
# Collection benchmark of live `zetl doctor` (see BENCHMARKS.md, "collection").
#
# 1. Starts moto on loopback and builds the healthy cross-account setup in it, as it is once
#    an integration runs (tests/moto/setup_variants.py integrated: two accounts reached
#    through AssumeRole, the doctor's source role also being the console principal).
# 2. Starts scripts/delay-proxy.py in front of moto: every request waits DELAY_MS (default 50)
#    before it is forwarded, and is logged with its start and end time. What moto cannot
#    answer the proxy answers itself, as AWS does: the Glue integration APIs (one ACTIVE
#    integration, the resource and table properties), its LastSyncTimestamp metric (CloudWatch
#    over CBOR) and the console principal's Redshift Serverless probes. The run must be a
#    complete healthy one (the script checks: no error, no warning, no unknown; the
#    integration, the metric and the probes present).
# 3. Runs `zetl doctor` through the proxy RUNS times (after one warm-up): wall time of the
#    whole process; AWS calls and sequential rounds (longest chain of calls that ran one after
#    another, AssumeRole included) from the proxy's log.
# 4. Replays exactly the calls of the last run with the aws CLI, one process per call, one
#    after another, through the same proxy: the by-hand baseline.
#
# Targets (issue 4): <= 5 rounds including AssumeRole; wall time < 0.5 s; >= 10x faster than
# the aws CLI. Exits 1 when one is missed.
#
# Many pairs (issue 13): TABLES=N (default 1) builds the `tables-N` setup instead (N tables
# into the one database, sharing its catalog policy, target role and the tables' KMS key) and
# runs the doctor with a zetl.toml holding one [[pair]] per table. Targets then: the same
# <= 5 rounds (they must not grow with the pairs) and a wall time <= TARGET_S (default 1.0 s for
# several tables). With zetl's default --concurrency the calls that wait for a slot count as
# later rounds, so the rounds verdict is made only with TABLES=1 or CONCURRENCY set (above the
# number of calls: the dependency rounds). REPLAY=0 skips the aws CLI baseline (hundreds of
# calls one by one).
# The peak memory of one more run is measured with /usr/bin/time -v. CONCURRENCY=N passes
# --concurrency N (default: zetl's own). ALL=1 gives no pair: `--all` finds them.
#
# Retries: AWS_MAX_ATTEMPTS=1 (one attempt per call, the calls the proxy logs are the calls
# made; zetl takes the setting from the AWS chain like any SDK client).
#
# Env: ZETL_BIN (default $CARGO_TARGET_DIR/release/zetl; this script builds nothing),
#      ZETL_MOTO_VENV (default ~/.cache/zetl-venv, from scripts/moto-venv.sh),
#      RUNS (default 10), DELAY_MS (default 50). Needs `aws` (CLI v1 or v2) on PATH.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
BIN=${ZETL_BIN:-$TARGET_DIR/release/zetl}
VENV=${ZETL_MOTO_VENV:-$HOME/.cache/zetl-venv}
RUNS=${RUNS:-10}
DELAY_MS=${DELAY_MS:-50}
TABLES=${TABLES:-1}
REPLAY=${REPLAY:-1}
if [ "$TABLES" = 1 ]; then VARIANT=integrated; TARGET_S=${TARGET_S:-0.5}
else VARIANT=tables-$TABLES; TARGET_S=${TARGET_S:-1.0}; fi
PY=$VENV/bin/python

[ -x "$BIN" ] || { echo "no zetl binary at $BIN (set ZETL_BIN)" >&2; exit 2; }
[ -x "$VENV/bin/moto_server" ] || { echo "no moto venv at $VENV: run scripts/moto-venv.sh" >&2; exit 2; }
[ "$REPLAY" = 0 ] || command -v aws >/dev/null || { echo "the aws CLI is not on PATH" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }

# Nothing may come from this machine's AWS configuration or leave loopback.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/nonexistent/zetl-bench AWS_SHARED_CREDENTIALS_FILE=/nonexistent/zetl-bench
export AWS_MAX_ATTEMPTS=1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_RETRY_MODE

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 300); do
    "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  exit 1
}

MOTO_PORT=$(free_port)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
wait_port "$MOTO_PORT"
MOTO=http://127.0.0.1:$MOTO_PORT

echo "== healthy setup ($VARIANT: $TABLES table(s), an integration each) in moto ($MOTO)"
SRC=111111111111 TGT=222222222222
"$PY" tests/moto/setup_variants.py "$MOTO" "$VARIANT:$SRC:$TGT" >"$WORK/setup.json"
"$PY" scripts/bench-collect.py canned "$WORK/setup.json" "$WORK/canned.json" "$VARIANT"

PROXY_PORT=$(free_port)
LOG=$WORK/calls.jsonl
: >"$LOG"
"$PY" scripts/delay-proxy.py "$PROXY_PORT" "$MOTO" "$DELAY_MS" "$LOG" "$WORK/canned.json" &
PIDS+=($!)
wait_port "$PROXY_PORT"
PROXY=http://127.0.0.1:$PROXY_PORT

if [ "$TABLES" = 1 ]; then
  PAIRS=(--source-table "arn:aws:dynamodb:us-east-1:$SRC:table/orders"
    --target-database "arn:aws:glue:us-east-1:$TGT:database/lake"
    --target-role zetl-target-role)
else
  # One [[pair]] per table; the database and the role given once, for every pair.
  "$PY" - "$WORK/setup.json" "$VARIANT" >"$WORK/zetl.toml" <<'EOF'
import json, sys
setup = json.load(open(sys.argv[1]))[sys.argv[2]]
print(f'target_database = "{setup["target_database"]}"')
print('target_role = "zetl-target-role"')
for table in setup["source_tables"]:
    print(f'\n[[pair]]\nsource_table = "{table}"')
EOF
  PAIRS=(--config "$WORK/zetl.toml")
fi
# ALL=1: no pair given, --all finds them (one integration per table) in one more round.
[ "${ALL:-0}" = 0 ] || PAIRS=(--all --target-role zetl-target-role --region us-east-1)
DOCTOR=("$BIN" doctor
  "${PAIRS[@]}"
  --source-principal "arn:aws:iam::$SRC:role/zetl-creator"
  --console-principal "arn:aws:iam::$SRC:role/zetl-read"
  --source-role-arn "arn:aws:iam::$SRC:role/zetl-read"
  --target-role-arn "arn:aws:iam::$TGT:role/zetl-read"
  --external-id zetl-bench
  --endpoint-url "$PROXY"
  ${CONCURRENCY:+--concurrency "$CONCURRENCY"}
  --format json)
echo "== command (through the proxy, +$DELAY_MS ms per request):"
echo "${DOCTOR[*]}"
[ "$TABLES" = 1 ] || { echo "== $WORK/zetl.toml (first lines):"; head -6 "$WORK/zetl.toml"; }

"${DOCTOR[@]}" --output "$WORK/report.json" || true # warm-up (moto creates its backends)
times=()
for ((i = 0; i < RUNS; i++)); do
  : >"$LOG"
  t0=$(date +%s%N)
  "${DOCTOR[@]}" --output "$WORK/report.json" --save-snapshot "$WORK/snapshot.json" || true
  t1=$(date +%s%N)
  times+=($(((t1 - t0) / 1000)))
done

# A complete healthy run with the integration, its metric and the console probe read, or
# the figures mean nothing.
"$PY" - "$WORK/report.json" "$WORK/snapshot.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
s = report["summary"]
bad = (s["findings"]["error"], s["findings"]["warning"], s["unknown"])
print(f"report: {s['checks']} checks, {s['pass']} pass, {s['fail']} fail, {s['unknown']} unknown, "
      f"{s['skipped']} skipped; findings {s['findings']}")
if any(bad):
    sys.exit("the benchmark run is not a complete healthy run (errors, warnings or unknowns)")
def status(rule):
    found = {c["status"] for c in report["checks"] if c["rule"] == rule}
    return found.pop() if len(found) == 1 else sorted(found)
snap = json.load(open(sys.argv[2]))
synced = [i.get("last_sync") for i in snap["integrations"]["source"].values()]
pairs = len(snap["setup"]["pairs"])
if status("ZI006") != "pass" or status("ZP004") != "pass" or len(synced) != pairs or not all(synced):
    sys.exit(f"integration, metric or probe missing: ZI006 {status('ZI006')}, "
             f"ZP004 {status('ZP004')}, last_sync {synced}, probes {snap['probes']}")
print(f"{pairs} pair(s), each with its integration ACTIVE, last sync {synced[0]}, probes: "
      + ", ".join(f"{p['action']} {'allowed' if p['allowed'] else 'denied'}" for p in snap["probes"]))
EOF

echo "== calls of the last run, by round"
read -r calls rounds < <("$PY" scripts/bench-collect.py rounds "$LOG")
cp "$LOG" "$WORK/zetl-calls.jsonl"

echo "== peak memory of one more run (/usr/bin/time -v)"
/usr/bin/time -v "${DOCTOR[@]}" --output "$WORK/report.json" 2>"$WORK/time.txt" || true
peak_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
peak_mb=$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')
cpu_s=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$WORK/time.txt")

if [ "$REPLAY" = 0 ]; then
  cli_calls=0 cli_failed=0 cli_s=0
else
  echo "== the same $calls reads with the aws CLI ($(aws --version 2>&1 | cut -d' ' -f1)), one by one"
  : >"$LOG"
  read -r cli_calls cli_failed cli_s < <("$PY" scripts/bench-collect.py replay "$WORK/zetl-calls.jsonl" "$PROXY")
fi

stats=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1; s += $1 } END {
  printf "%.3f %.3f %.3f %.3f", s / NR / 1e6, a[int((NR + 1) / 2)] / 1e6, a[1] / 1e6, a[NR] / 1e6 }')
read -r mean median min max <<<"$stats"
ratio=$(awk -v c="$cli_s" -v z="$mean" 'BEGIN { printf "%.1f", c / z }')
pairs=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["setup"]["pairs"]))' "$WORK/snapshot.json")

echo
echo "== results (machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); +$DELAY_MS ms per request)"
echo "zetl doctor: $pairs pair(s), $calls AWS calls in $rounds sequential rounds (AssumeRole included)"
echo "zetl doctor wall time over $RUNS runs: mean $mean s, median $median s [min $min, max $max]"
echo "zetl doctor peak memory (maximum resident set size): $peak_mb MB; CPU (user + system): $cpu_s s"
if [ "$REPLAY" != 0 ]; then
  echo "aws CLI, same reads one by one: $cli_calls calls ($cli_failed failed) in $cli_s s"
  echo "zetl is ${ratio}x faster than the aws CLI"
fi
echo
status=0
verdict() { # LABEL OK
  if [ "$2" = 1 ]; then echo "$1: met"; else echo "$1: MISSED"; status=1; fi
}
if [ "$TABLES" = 1 ] || [ -n "${CONCURRENCY:-}" ]; then
  verdict "rounds <= 5 (AssumeRole included): $rounds" "$(awk -v r="$rounds" 'BEGIN { print (r <= 5) }')"
else
  # At most --concurrency calls in flight per account: a call that waits for a slot starts
  # after others ended and counts as a later round. The dependency rounds are measured with
  # CONCURRENCY set above the number of calls.
  echo "rounds: $rounds (calls waiting for one of the account's slots count as later rounds)"
fi
verdict "wall time <= $TARGET_S s: mean $mean s" "$(awk -v m="$mean" -v t="$TARGET_S" 'BEGIN { print (m <= t) }')"
if [ "$REPLAY" != 0 ]; then
  verdict ">= 10x faster than the aws CLI: ${ratio}x" "$(awk -v r="$ratio" 'BEGIN { print (r >= 10) }')"
  [ "$cli_failed" = 0 ] || { echo "some aws CLI calls failed: the baseline is not comparable" >&2; status=1; }
fi
exit $status
