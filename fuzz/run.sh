#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) and runs
# each for a bounded time. Fails on any crash, leak, timeout or sanitizer report; the
# input that caused it is saved under fuzz/artifacts/ — turn it into a regression test by
# copying it into fuzz/regressions/<target>/.
#
#   fuzz/run.sh [SECONDS_PER_TARGET]     (default 60)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
work=${FUZZ_WORKDIR:-$src/build-fuzz}
mkdir -p "$work" "$src/fuzz/artifacts"

cflags=(-g -O1 -std=c11 -D_GNU_SOURCE -DCONTOUR_STATIC -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=undefined -I"$src/include" -I"$work/include" -I"$src/lib")
# The generated version header.
mkdir -p "$work/include/contour"
ver=$(sed -n "s/^ *version : '\(.*\)',/\1/p" "$src/meson.build")
IFS=. read -r maj min pat <<<"$ver"
sed -e "s/@CONTOUR_VERSION@/$ver/" -e "s/@CONTOUR_VERSION_MAJOR@/$maj/" \
    -e "s/@CONTOUR_VERSION_MINOR@/$min/" -e "s/@CONTOUR_VERSION_PATCH@/$pat/" \
    -e "s/@CONTOUR_GRAPH_SCHEMA_VERSION@/1/" \
    "$src/include/contour/version.h.in" >"$work/include/contour/version.h"

libsrc=$(sed -n "/^lib_sources = files(/,/^)/p" "$src/lib/meson.build" | grep -o "'[a-z0-9_]*\.c'" | tr -d "'")
objs=()
for f in $libsrc; do
    clang "${cflags[@]/-fsanitize=fuzzer,address,undefined/-fsanitize=fuzzer-no-link,address,undefined}" \
        -c "$src/lib/$f" -o "$work/${f%.c}.o"
    objs+=("$work/${f%.c}.o")
done

build() { # name source extra-flags...
    local name=$1 file=$2
    shift 2
    clang "${cflags[@]}" "$@" "$src/fuzz/$file" "${objs[@]}" -lyaml -o "$work/$name"
}
build fuzz_yaml fuzz_load.c -DFUZZ_FORMAT=CONTOUR_FORMAT_YAML
build fuzz_json fuzz_load.c -DFUZZ_FORMAT=CONTOUR_FORMAT_JSON
build fuzz_resolve fuzz_resolve.c

# Seeds: every manifest we have, behind a zero option byte.
seeds="$work/seeds"
rm -rf "$seeds" && mkdir -p "$seeds/yaml" "$seeds/json"
i=0
while IFS= read -r -d '' f; do
    i=$((i + 1))
    case "$f" in
    *.json) dest="$seeds/json/s$i" ;;
    *) dest="$seeds/yaml/s$i" ;;
    esac
    { printf '\0'; cat "$f"; } >"$dest"
done < <(find "$src/examples/manifests" "$src/tests/cases" "$src/fuzz/regressions" \
    "${CONTOUR_SHARED_ROOT:-$src/../shared}/corpus" "${CONTOUR_SHARED_ROOT:-$src/../shared}/examples" \
    -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) -print0 2>/dev/null)
echo "seeds: $(ls "$seeds/yaml" | wc -l) yaml, $(ls "$seeds/json" | wc -l) json"

status=0
for t in fuzz_yaml fuzz_json fuzz_resolve; do
    corpus="$work/corpus-$t"
    mkdir -p "$corpus"
    case $t in
    fuzz_json) seed="$seeds/json" ;;
    *) seed="$seeds/yaml" ;;
    esac
    [[ $t == fuzz_resolve ]] && seed="$seeds/yaml $seeds/json"
    regress="$src/fuzz/regressions/$t"
    mkdir -p "$regress"
    echo "::: $t for ${secs}s"
    # shellcheck disable=SC2086
    if ! "$work/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict="$src/fuzz/contour.dict" -artifact_prefix="$src/fuzz/artifacts/$t-" \
        -print_final_stats=1 "$corpus" $seed "$regress" 2>"$work/$t.log"; then
        status=1
        tail -50 "$work/$t.log"
    fi
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|cov:" "$work/$t.log" | tail -3
done
exit $status
