#!/usr/bin/env bash
# Builds the example controller (and the load generator of bench.sh) against a libcontour
# meson build tree.
#
#   examples/controller/build.sh BUILD_DIR [--check] [--race]
#
# Writes BUILD_DIR/examples/controller/contour-controller and .../contour-loadgen, and
# prints that directory (the only line on standard output). --check also runs gofmt -l,
# go vet and the unit tests; --race runs them once more under the race detector (its first
# build compiles client-go again: minutes).
#
# The Go modules (client-go v0.35.4 and its dependencies; go.sum pins them) are the ones
# scripts/k8s-build.sh downloads for kube-apiserver and kubectl: the module cache is the
# same folder, ${CONTOUR_K8S_CACHE:-$HOME/.cache/libcontour-k8s}/gomod, so once the
# e2e binaries are built nothing more is downloaded (every go.sum line here is also in
# tests/e2e/k8sbin/go.sum). Builds use two CPUs (-p 2; CONTOUR_GO_JOBS changes that).
# Exits 77 when Go is not installed.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [--check] [--race]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
build=$(cd "$1" && pwd) || usage
shift
check=0 race=0
for arg; do
    case $arg in
        --check) check=1 ;;
        --race) race=1 ;;
        *) usage ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)

go=${GO:-$(command -v go || true)}
[[ -n $go ]] || { [[ -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go; }
if [[ -z $go ]]; then
    echo "controller: Go is not installed" >&2
    exit 77
fi
uninstalled="$build/meson-uninstalled/contour-uninstalled.pc"
if [[ ! -f $uninstalled || ! -e $build/lib/libcontour.so ]]; then
    echo "controller: $build is not a built meson build directory (run ninja -C $build)" >&2
    exit 1
fi

out="$build/examples/controller"
mkdir -p "$out/pkgconfig"
# cgo asks pkg-config for "contour"; the build tree only has "contour-uninstalled".
cp "$uninstalled" "$out/pkgconfig/contour.pc"
export PKG_CONFIG_PATH="$out/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1 CGO_LDFLAGS="-Wl,-rpath,$build/lib${CGO_LDFLAGS:+ $CGO_LDFLAGS}"
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"
export GOMODCACHE="${CONTOUR_K8S_CACHE:-$HOME/.cache/libcontour-k8s}/gomod"
jobs=${CONTOUR_GO_JOBS:-2}

cd "$here"
status=0
if ((check)); then
    unformatted=$(gofmt -l .)
    [[ -z $unformatted ]] || { echo "controller: gofmt -l reports: $unformatted" >&2; status=1; }
    "$go" vet -p "$jobs" ./... >&2 || status=1
fi
echo "controller: building into $out ($("$go" version))" >&2
"$go" build -p "$jobs" -o "$out/contour-controller" . >&2
"$go" build -p "$jobs" -o "$out/contour-loadgen" ./loadgen >&2
if ((check)); then
    "$go" test -p "$jobs" -count=1 ./... >&2 || status=1
fi
if ((race)); then
    "$go" test -p "$jobs" -count=1 -race . >&2 || status=1
fi
echo "$out"
exit $status
