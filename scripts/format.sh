#!/usr/bin/env bash
# Formats the C++ sources with the checked-in .clang-format (clang-format 14, Debian 12's).
#   scripts/format.sh           # rewrites every file that deviates
#   scripts/format.sh --check   # lists the files that deviate; exits 1 if any does
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
if ! command -v "$CLANG_FORMAT" >/dev/null; then
  echo "format: $CLANG_FORMAT not found (scripts/setup.sh installs it)" >&2
  exit 2
fi
mapfile -t FILES < <(git ls-files '*.cpp' '*.h' | grep -v '^subprojects/')
if [[ "${1:-}" == "--check" ]]; then
  bad=0
  for f in "${FILES[@]}"; do
    if ! "$CLANG_FORMAT" --dry-run --Werror "$f" >/dev/null 2>&1; then
      echo "format: $f deviates from .clang-format"
      bad=$((bad + 1))
    fi
  done
  echo "format: ${#FILES[@]} files, $bad deviate"
  [[ $bad -eq 0 ]]
else
  "$CLANG_FORMAT" -i "${FILES[@]}"
fi
