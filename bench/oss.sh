#!/usr/bin/env bash
# OSS-backend benchmark against `oss-media-mcp emulate`: HTTP requests per tool call (counted by a
# proxy in front of the emulator) and the server's peak RSS while downloading a 1 GiB object.
# See bench/README.md.
# Usage: bench/oss.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary; a release build is
# expected: meson setup build-bench --buildtype=release --wrap-mode=nodownload, with the image,
# vision and probe engine workers built next to it)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare ffmpeg
exec "$NODE22" "$BENCH/oss.mjs"
