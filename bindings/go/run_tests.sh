#!/usr/bin/env bash
# Builds and tests the Go binding against a libcontour meson build tree.
#
#   bindings/go/run_tests.sh BUILD_DIR [--race] [--bench] [-- GO_TEST_ARGS...]
#
# Sets up pkg-config (a contour.pc made from the build tree's uninstalled one), cgo flags
# and LD_LIBRARY_PATH, builds the C benchmark counterpart (bench/cwalk.c), then runs
# gofmt, `go vet ./...` and `go test ./...`; with --race also `go test -race ./...`,
# with --bench also the Go-versus-C benchmark. Exits non-zero on any failure, 77 (meson's
# "skipped") when Go is not installed.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [--race] [--bench] [-- GO_TEST_ARGS...]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
build=$(cd "$1" && pwd) || usage
shift
race=0 bench=0
extra=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --race) race=1 ;;
        --bench) bench=1 ;;
        --) shift; extra=("$@"); break ;;
        *) usage ;;
    esac
    shift
done

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if ! command -v go >/dev/null; then
    echo "go not found: skipping the Go binding tests" >&2
    exit 77
fi

uninstalled="$build/meson-uninstalled/contour-uninstalled.pc"
if [[ ! -f $uninstalled ]]; then
    echo "$uninstalled not found: is $build a configured meson build directory?" >&2
    exit 1
fi
if [[ ! -e $build/lib/libcontour.so ]]; then
    echo "$build/lib/libcontour.so not found: run ninja -C $build first" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cgo asks pkg-config for "contour"; the build tree only has "contour-uninstalled".
mkdir "$tmp/pkgconfig"
cp "$uninstalled" "$tmp/pkgconfig/contour.pc"
export PKG_CONFIG_PATH="$tmp/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1
export CGO_LDFLAGS="-Wl,-rpath,$build/lib${CGO_LDFLAGS:+ $CGO_LDFLAGS}"
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
if [[ -z ${HOME:-} || -z $(go env GOCACHE 2>/dev/null) || $(go env GOCACHE 2>/dev/null) == off ]]; then
    export GOCACHE="$build/go-cache"
fi
export CONTOUR_BUILD_DIR="$build"

echo "::: libcontour $(pkg-config --modversion contour) from $build; $(go version)"

# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$tmp/cwalk" bench/cwalk.c $(pkg-config --cflags --libs contour) \
    -Wl,-rpath,"$build/lib"
export CONTOUR_CWALK="$tmp/cwalk"

status=0
step() {
    echo "::: $*"
    if ! "$@"; then
        echo "::: FAILED: $*" >&2
        status=1
    fi
}

unformatted=$(gofmt -l .)
if [[ -n $unformatted ]]; then
    echo "::: FAILED: gofmt -l reports: $unformatted" >&2
    status=1
fi
step go vet ./...
# -count=1: the test cache does not know when libcontour.so changes.
step go test -count=1 "${extra[@]}" ./...
if [[ $race == 1 ]]; then
    step go test -count=1 -race "${extra[@]}" ./...
fi
if [[ $bench == 1 ]]; then
    step go test -count=1 -run '^$' -bench 'GoVsC' -benchtime=1x -timeout 60m ./...
fi
exit $status
