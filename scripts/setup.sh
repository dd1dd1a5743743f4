#!/usr/bin/env bash
# Installs what oss-media-mcp needs on Debian 12, installs the pinned npm test clients, and
# builds the server into build/. Safe to run again. Uses sudo only when not root.
#
#   scripts/setup.sh            # packages + npm test clients + build
#   scripts/setup.sh --no-npm   # skip the npm test clients
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NPM=1
for arg in "$@"; do
  case "$arg" in
    --no-npm) NPM=0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then SUDO="sudo"; fi

PACKAGES=(
  g++ meson ninja-build pkg-config cmake python3
  nlohmann-json3-dev libcpp-httplib-dev libssl-dev libspdlog-dev doctest-dev libvalijson-dev
  clang libclang-rt-14-dev clang-format
  libvips-dev libvips-tools ffmpeg libavformat-dev libavcodec-dev libavutil-dev
  libopencv-dev opencv-data libzbar-dev libzxing-dev
  fonts-wqy-zenhei fonts-wqy-microhei
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! command -v npm >/dev/null 2>&1 && [[ $NPM -eq 1 ]]; then missing+=(nodejs npm); fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ $NPM -eq 1 ]]; then
  echo "setup: npm test clients (tests/e2e, pinned by package-lock.json)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ ! -f build/build.ninja ]]; then
  meson setup build --wrap-mode=nodownload --buildtype=release
fi
ninja -C build
echo "setup: built $ROOT/build/src/oss-media-mcp"
