#!/usr/bin/env bash
# Static analysis of lib/ and tools/: cppcheck (warning, performance, portability) and
# gcc -fanalyzer at -O0 and -O2 (its findings differ with optimisation). Any finding
# fails. A false positive is best fixed by restructuring the code so the invariant is
# visible; failing that, an inline suppression with a comment saying why
# (cppcheck: `// cppcheck-suppress <id>`; gcc: #pragma GCC diagnostic around the line).
#
#   scripts/static-analysis.sh [BUILDDIR]   (for the generated version.h; default build/)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
cd "$src"
if [[ ! -f $build/include/contour/version.h ]]; then
    echo "no $build/include/contour/version.h: configure and build $build first" >&2
    exit 2
fi
inc=(-Iinclude -I"$build/include" -Ilib -Itools -I"$build/tools") # build/tools: rules.h
files=(lib/*.c tools/*.c)
status=0

echo "cppcheck $(cppcheck --version | sed 's/Cppcheck //')"
if ! cppcheck --enable=warning,performance,portability --std=c11 -D_GNU_SOURCE \
    --inline-suppr --error-exitcode=1 -q -j 2 "${inc[@]}" "${files[@]}"; then
    status=1
fi

gcc_version=$(gcc -dumpfullversion)
echo "gcc $gcc_version -fanalyzer"
for opt in -O0 -O2; do
    pids=()
    for f in "${files[@]}"; do
        gcc -std=c11 -D_GNU_SOURCE -fanalyzer -Werror "$opt" "${inc[@]}" -c "$f" -o /dev/null &
        pids+=($!)
        # Two at a time.
        if ((${#pids[@]} >= 2)); then
            wait "${pids[0]}" || status=1
            pids=("${pids[@]:1}")
        fi
    done
    for p in "${pids[@]}"; do
        wait "$p" || status=1
    done
done
((status == 0)) && echo "static analysis: no findings"
exit $status
