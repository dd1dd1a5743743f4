#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz (configuring it if needed) and runs each for RUNS
# executions (default 10000), starting from its seed corpus in tests/fuzz/corpus/<target>/.
#
#   tests/fuzz/run.sh [RUNS] [TARGET...]      e.g. tests/fuzz/run.sh 1000000
#
# Environment: BUILD_DIR (default build-fuzz), FUZZ_TIMEOUT (seconds per input, default 25),
# FUZZ_JOBS (targets run in parallel, default 1), FUZZ_MAX_TIME (stop a target after this many
# seconds even if RUNS is not reached; default none). Inputs that libFuzzer finds interesting go to
# BUILD_DIR/tests/fuzz/corpus/<target>/ (kept between runs); crashes, leaks, timeouts and
# out-of-memory inputs to BUILD_DIR/tests/fuzz/artifacts/<target>-*. Prints one line per target,
# `fuzz <target>: <N> runs, <C> crashes`, and exits non-zero if any target found anything.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs="${1:-10000}"
shift || true
build="${BUILD_DIR:-build-fuzz}"
timeout_s="${FUZZ_TIMEOUT:-25}"
jobs="${FUZZ_JOBS:-1}"
max_time=()
[[ -n "${FUZZ_MAX_TIME:-}" ]] && max_time=(-max_total_time="$FUZZ_MAX_TIME")
all_targets=(cli_args http_guard jsonrpc keys ops schema session)
targets=("${@:-${all_targets[@]}}")

if [[ ! -f "$build/build.ninja" ]]; then
  CXX="${CXX:-clang++}" meson setup "$build" -Dfuzzing=true -Dtests=disabled --wrap-mode=nodownload
fi
if ! build_log="$(ninja -C "$build" $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") 2>&1)"; then
  tail -n 30 <<<"$build_log"
  printf 'fuzz %s: FAILED (build)\n' "${targets[@]}"
  exit 1
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
out="$build/tests/fuzz"
mkdir -p "$out/logs" "$out/artifacts"

run_one() {
  local t="$1"
  local dict=()
  case "$t" in jsonrpc | schema | session) dict=(-dict="$root/tests/fuzz/mcp.dict") ;; esac
  mkdir -p "$out/corpus/$t"
  rm -f "$out/artifacts/$t"-*
  local rc=0
  "$out/fuzz_$t" -runs="$runs" -rss_limit_mb=2048 -max_len=65536 -timeout="$timeout_s" \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" "${dict[@]}" "${max_time[@]}" \
    "$out/corpus/$t" "$root/tests/fuzz/corpus/$t" >"$out/logs/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$out/logs/$t.rc"
}

report() {
  local t="$1" log="$out/logs/$1.log" rc
  rc="$(cat "$out/logs/$t.rc" 2>/dev/null || echo 1)"
  local n crashes
  n="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  [[ -n "$n" ]] || n="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)"
  crashes="$(find "$out/artifacts" -name "$t-*" | wc -l)"
  if [[ "$rc" -ne 0 && "$crashes" -eq 0 ]]; then crashes=1; fi
  echo "fuzz $t: ${n:-0} runs, $crashes crashes"
  if [[ "$crashes" -ne 0 ]]; then
    echo "  log: $log"
    find "$out/artifacts" -name "$t-*" -printf '  input: %p\n'
    grep -m3 -E 'ERROR|SUMMARY|fuzz_[a-z_]+:' "$log" | sed 's/^/  /' || true
  fi
  [[ "$crashes" -eq 0 ]]
}

status=0
if [[ "$jobs" -le 1 ]]; then
  for t in "${targets[@]}"; do
    run_one "$t"
    report "$t" || status=1
  done
  exit "$status"
fi
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [[ "$running" -ge "$jobs" ]]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
for t in "${targets[@]}"; do
  report "$t" || status=1
done
exit "$status"
