#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) and runs
# each for a bounded time. Fails on any crash, leak, timeout, out-of-memory or sanitizer
# report; the input that caused it is saved under fuzz/artifacts/ — turn it into a
# regression test by copying it into fuzz/regressions/<target>/ (meson test --suite fuzz
# replays that directory).
#
#   fuzz/run.sh [SECONDS_PER_TARGET [TARGET...]]     (default 60; all six targets)
#
# FUZZ_WORKDIR (default build-fuzz/) keeps the objects and the growing corpora between
# runs; CONTOUR_SHARED_ROOT (default ../shared) adds its examples and corpus as seeds
# when present.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz_yaml fuzz_json fuzz_resolve fuzz_admission fuzz_update
    fuzz_parallel)
work=${FUZZ_WORKDIR:-$src/build-fuzz}
shared=${CONTOUR_SHARED_ROOT:-$src/../shared}
mkdir -p "$work/obj" "$src/fuzz/artifacts"
CC=${FUZZ_CC:-clang}

cflags=(-g -O1 -std=c11 -D_GNU_SOURCE -DCONTOUR_STATIC -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer -I"$src/include" -I"$work/include" -I"$src/lib")
# The generated version header, as meson makes it.
mkdir -p "$work/include/contour"
ver=$(sed -n "s/^ *version : '\(.*\)',/\1/p" "$src/meson.build")
IFS=. read -r maj min pat <<<"$ver"
sed -e "s/@CONTOUR_VERSION@/$ver/" -e "s/@CONTOUR_VERSION_MAJOR@/$maj/" \
    -e "s/@CONTOUR_VERSION_MINOR@/$min/" -e "s/@CONTOUR_VERSION_PATCH@/$pat/" \
    -e "s/@CONTOUR_GRAPH_SCHEMA_VERSION@/1/" \
    "$src/include/contour/version.h.in" >"$work/include/contour/version.h.new"
cmp -s "$work/include/contour/version.h.new" "$work/include/contour/version.h" ||
    mv "$work/include/contour/version.h.new" "$work/include/contour/version.h"

# The library, instrumented for coverage but without libFuzzer's main; rebuilt per file
# when the source or any header is newer than its object.
libsrc=$(sed -n "/^lib_sources = files(/,/^)/p" "$src/lib/meson.build" | grep -o "'[a-z0-9_]*\.c'" | tr -d "'")
newest_header=$(ls -t "$src"/lib/*.h "$src"/include/contour/*.h | head -1)
objs=()
for f in $libsrc; do
    o="$work/obj/${f%.c}.o"
    if [[ ! -f $o || $src/lib/$f -nt $o || $newest_header -nt $o ]]; then
        $CC "${cflags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src/lib/$f" -o "$o"
    fi
    objs+=("$o")
done

build() { # name source extra-flags...
    local name=$1 file=$2
    shift 2
    $CC "${cflags[@]}" -fsanitize=fuzzer,address,undefined "$@" "$src/fuzz/$file" "${objs[@]}" \
        -lyaml -ljson-c -o "$work/$name"
}
build fuzz_yaml fuzz_load.c -DFUZZ_FORMAT=CONTOUR_FORMAT_YAML
build fuzz_json fuzz_load.c -DFUZZ_FORMAT=CONTOUR_FORMAT_JSON
build fuzz_resolve fuzz_resolve.c
build fuzz_admission fuzz_admission.c
build fuzz_update fuzz_update.c
build fuzz_parallel fuzz_parallel.c

# Seeds: every manifest we have behind a zero option byte, YAML converted to JSON too.
seeds="$work/seeds"
rm -rf "$seeds"
python3 "$src/fuzz/make_seeds.py" "$seeds" "$src/examples/manifests" "$src/tests/cases" \
    "$src/tests/cli/fixtures" "$src/fuzz/seeds" "$src/fuzz/seeds-update" "$shared/examples" \
    "$shared/corpus"

status=0
for t in "${targets[@]}"; do
    corpus="$work/corpus-$t"
    regress="$src/fuzz/regressions/$t"
    mkdir -p "$corpus" "$regress"
    case $t in
    fuzz_yaml) seed=("$seeds/yaml") ;;
    fuzz_json) seed=("$seeds/json") ;;
    fuzz_resolve) seed=("$seeds/yaml" "$seeds/json") ;;
    fuzz_admission) seed=("$src/fuzz/seeds-admission") ;;
    fuzz_update) seed=("$seeds/update") ;;
    fuzz_parallel) seed=("$seeds/yaml") ;;
    *) echo "unknown target $t" >&2 && exit 2 ;;
    esac
    echo "::: $t for ${secs}s"
    # New inputs go into the first directory (the working corpus); the seeds and the
    # regressions are read only. -timeout and -rss_limit_mb make a hang or a memory
    # blow-up a finding; -malloc_limit_mb catches a single huge allocation.
    if ! "$work/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 -max_len=65536 -use_value_profile=1 \
        -dict="$src/fuzz/contour.dict" -artifact_prefix="$src/fuzz/artifacts/$t-" \
        -print_final_stats=1 "$corpus" "${seed[@]}" "$regress" >"$work/$t.log" 2>&1; then
        status=1
        grep -v '^#[0-9]' "$work/$t.log" | tail -60
        echo "FAIL: $t — reproducer in fuzz/artifacts/ (full log $work/$t.log)"
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$work/$t.log" | tail -1)
    echo "$t: ${execs:-?} executions, ${rate:-?}/s, $cov"
done
exit $status
