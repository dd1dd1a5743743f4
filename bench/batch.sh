#!/usr/bin/env bash
# Batch benchmark: one batch_process call over 1000 images against vipsthumbnail on the same
# files (local backend), and the HTTP requests / TCP connections of an oss batch against
# `oss-media-mcp emulate`. See bench/README.md.
# Usage: bench/batch.sh   (OMM_BIN=/path/to/oss-media-mcp to pick a binary; a release build is
# expected: meson setup build-bench --buildtype=release --wrap-mode=nodownload)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare vipsthumbnail vipsheader ffmpeg xargs

exec "$NODE22" "$BENCH/batch.mjs"
