#!/usr/bin/env bash
# Checks that every C source and header git tracks is formatted as .clang-format says, with
# clang-format 14 (Debian bookworm's; another major version formats some constructs
# differently, so it is refused). Any difference fails, printed as clang-format's
# -Wclang-format-violations errors; `--fix` rewrites the files in place instead.
#
#   scripts/check-format.sh [--fix]        CLANG_FORMAT=/path/to/clang-format-14 to choose
#
# Nothing is excluded: lib/isprint_table.h is generated (scripts/isprint/main.go) but its
# output is formatted, so it is checked like the rest; tools/rules.h is generated at build
# time and not tracked. A generated file that cannot be formatted goes into `excluded`.
set -euo pipefail
cd "$(dirname "$0")/.."
excluded=()

mode=(--dry-run -Werror)
case ${1:-} in
"") ;;
--fix) mode=(-i) ;;
*) echo "usage: $0 [--fix]" >&2 && exit 2 ;;
esac

cf=${CLANG_FORMAT:-}
if [[ -z $cf ]]; then
    for c in clang-format-14 clang-format; do
        if command -v "$c" >/dev/null; then
            cf=$c
            break
        fi
    done
fi
if [[ -z $cf ]]; then
    echo "check-format: no clang-format (CONTOUR_DEPS_FULL=1 scripts/deps.sh installs it)" >&2
    exit 2
fi
version=$("$cf" --version)
if [[ ! $version =~ version\ 14\. ]]; then
    echo "check-format: $cf is not clang-format 14 ($version); set CLANG_FORMAT" >&2
    exit 2
fi

files=()
while IFS= read -r -d '' f; do
    for x in "${excluded[@]}"; do
        [[ $f == "$x" ]] && continue 2
    done
    files+=("$f")
done < <(git ls-files -z -- '*.c' '*.h')

if ! "$cf" "${mode[@]}" --style=file "${files[@]}"; then
    echo "check-format: files above differ from .clang-format; scripts/check-format.sh --fix" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted ($version)"
