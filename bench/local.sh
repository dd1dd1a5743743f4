#!/usr/bin/env bash
# Local-backend benchmark: oss-media-mcp's image and video tools against vipsthumbnail and ffmpeg
# on the same files, plus the cold start. See bench/README.md.
# Usage: bench/local.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary; a release build is
# expected: meson setup build-bench --buildtype=release --wrap-mode=nodownload)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare vipsthumbnail vipsheader ffmpeg ffprobe

exec "$NODE22" "$BENCH/local.mjs"
