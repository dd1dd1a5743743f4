#!/usr/bin/env bash
# Runs the whole test suite and ends with one line "N passed, N failed" summed from the real
# counts of every part:
#   0. the checked-in .clang-format holds for every C++ file  one count
#   1. unit tests (doctest; tests/ mirrors src/)           one count per test case
#      and again built with ASan+UBSan (build-asan/)        one count per test case
#   2. libFuzzer smoke runs (clang, ASan+UBSan), 10k each   one count per fuzz target
#   3. end-to-end tests with real MCP clients + conformance tests/e2e/run.sh's own counts
# Builds what is missing first (run scripts/setup.sh once on a new machine).
#
#   scripts/test.sh
#   OMM_FUZZ_RUNS=100000 scripts/test.sh
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOGS="$ROOT/build/test-logs"

passed=0
failed=0
add() { passed=$((passed + $1)); failed=$((failed + $2)); }

if [[ ! -f build/build.ninja ]]; then
  meson setup build --wrap-mode=nodownload --buildtype=release || { echo "0 passed, 1 failed"; exit 1; }
fi
if ! ninja -C build; then
  echo "test: build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
mkdir -p "$LOGS"

# 0. formatting
echo "== format"
if scripts/format.sh --check 2>&1 | tee "$LOGS/format.log" | tail -n1; then
  add 1 0
else
  grep 'deviates' "$LOGS/format.log" | head -n 20
  add 0 1
fi

# The doctest summary of a unit test log, counted.
count_unit() {
  local line
  line="$(grep -E '^\[doctest\] test cases:' "$1" | tail -n1)"
  if [[ -n "$line" ]]; then
    add "$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$line")" \
        "$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$line")"
  else
    echo "test: unit test binary produced no summary ($1)"
    add 0 1
  fi
}

# 1. unit tests, then the same tests built with ASan+UBSan
echo "== unit tests"
./build/tests/unit_tests --reporters=console 2>&1 | tee "$LOGS/unit.log"
count_unit "$LOGS/unit.log"

echo "== unit tests (ASan+UBSan)"
if [[ ! -f build-asan/build.ninja ]]; then
  meson setup build-asan --wrap-mode=nodownload --buildtype=debug -Doptimization=1 \
    -Db_sanitize=address,undefined -Db_lundef=false >"$LOGS/asan-setup.log" 2>&1
fi
if ninja -C build-asan tests/unit_tests >"$LOGS/asan-build.log" 2>&1; then
  # Without the tests that start engine executables (tests/engine, the engine pool): those are not
  # built here, and a worker's RLIMIT_AS leaves no room for ASan's shadow memory.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ./build-asan/tests/unit_tests --reporters=console \
    '--source-file-exclude=*/tests/engine/*,*/engine_pool_test.cpp' 2>&1 |
    tee "$LOGS/unit-asan.log" | tail -n 3
  count_unit "$LOGS/unit-asan.log"
else
  tail -n 30 "$LOGS/asan-build.log"
  echo "test: the ASan+UBSan unit build failed"
  add 0 1
fi

# 2. fuzz smoke runs
echo "== fuzzers"
if [[ -x tests/fuzz/run.sh ]]; then
  tests/fuzz/run.sh "${OMM_FUZZ_RUNS:-10000}" 2>&1 | tee "$LOGS/fuzz.log"
  fp="$(grep -cE '^fuzz [a-z_]+: [0-9]+ runs, 0 crashes' "$LOGS/fuzz.log")"
  ff="$(grep -cE '^fuzz [a-z_]+: .*(FAILED|[1-9][0-9]* crashes)' "$LOGS/fuzz.log")"
  if [[ "$fp" -eq 0 && "$ff" -eq 0 ]]; then ff=1; fi
  add "$fp" "$ff"
fi

# 3. end-to-end
echo "== end-to-end"
OMM_BIN="$ROOT/build/src/oss-media-mcp" tests/e2e/run.sh 2>&1 | tee "$LOGS/e2e.log"
line="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOGS/e2e.log" | tail -n1)"
if [[ -n "$line" ]]; then
  add "$(cut -d' ' -f1 <<<"$line")" "$(cut -d' ' -f3 <<<"$line")"
else
  echo "test: end-to-end run produced no summary"
  add 0 1
fi

echo "== summary: unit + fuzz + e2e"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
