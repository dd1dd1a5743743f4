#!/usr/bin/env bash
# Benchmarks oss-media-mcp against @modelcontextprotocol/server-everything over stdio.
# See bench/README.md. Usage: bench/run.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary)
set -euo pipefail

# The reference server, the SDK client and Node 22 come from the e2e lockfile.
BENCH_BUILD=build
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare
exec "$NODE22" "$BENCH/bench.mjs"
