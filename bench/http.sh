#!/usr/bin/env bash
# HTTP load and abuse benchmark (loopback only): kept-alive vs fresh-connection latency, and 200
# legitimate sessions x 50 calls under 300 held-open streams and a 1 000-initialize flood.
# See bench/README.md. Usage: bench/http.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary;
# BENCH_SESSIONS, BENCH_CALLS, BENCH_STREAMS, BENCH_FLOOD, BENCH_PINGS scale it)
set -euo pipefail

BENCH_BUILD=build
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare
exec "$NODE22" "$BENCH/http.mjs"
