#!/usr/bin/env bash
# Side-by-side throughput of `zetl policy simulate` (release build) and the npm test oracle
# (@cloud-copilot/iam-simulate via crates/zetl-core/tests/oracle/run.mjs) on the same 10,000-case file, each
# case evaluated against the same ~10 KB identity policy. Prints both times and the ratio,
# and checks that both gave the same decisions. Uses hyperfine when installed, else `time`.
# Target: zetl >= 20x the oracle's throughput. Not a test: nothing here fails on timing.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zetl-target}"
work="${BENCH_DIR:-$CARGO_TARGET_DIR/bench-simulate}"
mkdir -p "$work"
cases="$work/cases.json"

if [ ! -d crates/zetl-core/tests/oracle/node_modules/@cloud-copilot/iam-simulate ]; then
  echo "== installing the oracle (npm ci in crates/zetl-core/tests/oracle)"
  (cd crates/zetl-core/tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== building zetl (release) and writing the 10,000-case file"
cargo build --release --locked --quiet
ZETL_BENCH_WRITE_CASES="$cases" cargo bench --locked --quiet -p zetl-core --bench simulate
zetl="$CARGO_TARGET_DIR/release/zetl"

zetl_cmd="$zetl policy simulate --format json --input $cases"
oracle_cmd="node crates/zetl-core/tests/oracle/run.mjs"

echo "== zetl:   $zetl_cmd"
echo "== oracle: $oracle_cmd < $cases"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 1 --runs "${RUNS:-3}" --export-json "$work/hyperfine.json" \
    --command-name zetl "$zetl_cmd > $work/zetl.json" \
    --command-name oracle "$oracle_cmd < $cases > $work/oracle.json"
  read -r zetl_s oracle_s < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    const m = Object.fromEntries(r.map((x) => [x.command, x.mean]));
    console.log(m.zetl, m.oracle);' "$work/hyperfine.json")
else
  seconds() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
  zetl_s=$(seconds bash -c "$zetl_cmd > $work/zetl.json")
  oracle_s=$(seconds bash -c "$oracle_cmd < $cases > $work/oracle.json")
fi

node -e '
  const fs = require("fs");
  const [z, o] = [process.argv[1], process.argv[2]].map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const differ = z.filter((c, i) => c.decision !== o[i].decision).length;
  const errors = o.filter((c) => c.decision === "Error").length;
  console.log(`decisions: ${z.length} cases, ${z.length - differ} identical, ${differ} different, ${errors} refused by the oracle`);
  const [zs, os] = [Number(process.argv[3]), Number(process.argv[4])];
  console.log(`zetl   ${zs.toFixed(3)} s  (${Math.round(z.length / zs)} cases/s)`);
  console.log(`oracle ${os.toFixed(3)} s  (${Math.round(o.length / os)} cases/s)`);
  console.log(`zetl throughput = ${(os / zs).toFixed(1)}x the oracle (target >= 20x)`);
' "$work/zetl.json" "$work/oracle.json" "$zetl_s" "$oracle_s"
