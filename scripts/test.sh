#!/usr/bin/env bash
# Runs the whole test suite and ends with one line "N passed, N failed" summed from the real
# counts of every part:
#   1. unit tests (doctest; tests/ mirrors src/)           one count per test case
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

# 1. unit tests
echo "== unit tests"
./build/tests/unit_tests --reporters=console 2>&1 | tee "$LOGS/unit.log"
line="$(grep -E '^\[doctest\] test cases:' "$LOGS/unit.log" | tail -n1)"
if [[ -n "$line" ]]; then
  p="$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$line")"
  f="$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$line")"
  add "$p" "$f"
else
  echo "test: unit test binary produced no summary"
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
