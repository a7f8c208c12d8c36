#!/usr/bin/env bash
# Builds kube-apiserver and kubectl from the published Kubernetes Go modules, for the
# end-to-end tests (tests/e2e). The module that pins the release is tests/e2e/k8sbin
# (go.mod, go.sum, tools.go); no Kubernetes source is kept in this repository.
#
#   scripts/k8s-build.sh            build if needed; print the directory of the binaries
#   scripts/k8s-build.sh --check    build nothing; exit 0 if built, 1 if not
#
# Everything goes into a cache folder of the project's own: ${CONTOUR_K8S_CACHE:-
# $HOME/.cache/libcontour-k8s}, with the Go module and build caches inside it. Nothing is
# done when the binaries of the pinned release are already there. A cold build takes a
# few minutes on two cores and about 2.5 GB of memory; it uses at most two CPUs
# (GOMAXPROCS=2, -p 2) unless CONTOUR_K8S_JOBS says otherwise.
#
# Needs Go >= the version tests/e2e/k8sbin/go.mod names (go on PATH, or GO=/path/to/go,
# or /usr/local/go/bin/go) and the Go module proxy. Progress goes to standard error; the
# only line on standard output is the binaries' directory.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
module="$here/tests/e2e/k8sbin"
cache=${CONTOUR_K8S_CACHE:-$HOME/.cache/libcontour-k8s}
jobs=${CONTOUR_K8S_JOBS:-2}

check_only=0
case ${1:-} in
    "") ;;
    --check) check_only=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

die() { echo "k8s-build: $*" >&2; exit 1; }

# The release is the one go.mod requires; the binaries' folder is named after it.
version=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$module/go.mod")
[[ $version =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]] || die "cannot read the k8s.io/kubernetes version from $module/go.mod"
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
bindir="$cache/kubernetes-$version/bin"
# The stamp records the go.mod and go.sum (their contents, not where the clone is) that
# the binaries were built from: a changed pin rebuilds.
stamp="$bindir/.built-from"
want=$(cat "$module/go.mod" "$module/go.sum" | sha256sum | cut -d" " -f1)

built() {
    [[ -x $bindir/kube-apiserver && -x $bindir/kubectl && -f $stamp && "$(cat "$stamp")" == "$want" ]]
}

if built; then
    echo "$bindir"
    exit 0
fi
((check_only == 0)) || exit 1

go=${GO:-$(command -v go || true)}
[[ -n $go ]] || { [[ -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go; }
[[ -n $go ]] || die "Go is not installed (need Go >= $(awk '$1 == "go" { print $2 }' "$module/go.mod")); set GO=/path/to/go"
need=$(awk '$1 == "go" { print $2 }' "$module/go.mod")
have=$(GOTOOLCHAIN=local "$go" env GOVERSION) && [[ $have == go* ]] ||
    die "$go does not say its version (go env GOVERSION)"
have=${have#go}
if [[ $(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1) != "$need" ]]; then
    die "$go is Go $have; Kubernetes $version needs Go >= $need"
fi

mkdir -p "$cache"
# One build at a time per cache (CI and a developer may share a machine).
exec 9>"$cache/.lock"
if ! flock -n 9; then
    echo "k8s-build: waiting for another build in $cache" >&2
    flock 9
fi
if built; then
    echo "$bindir"
    exit 0
fi

export GOMODCACHE="$cache/gomod" GOCACHE="$cache/gocache" GOPATH="$cache/gopath"
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" GOMAXPROCS=$jobs CGO_ENABLED=0
mkdir -p "$bindir"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
cd "$module"
for cmd in kube-apiserver kubectl; do
    echo "k8s-build: building $cmd $version with $go (Go $have, -p $jobs) into $bindir" >&2
    t0=$(date +%s)
    "$go" build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$bindir/.$cmd.tmp" \
        "k8s.io/kubernetes/cmd/$cmd" || die "building $cmd failed"
    mv -f "$bindir/.$cmd.tmp" "$bindir/$cmd"
    echo "k8s-build: $cmd built in $(($(date +%s) - t0))s" >&2
done
echo "$want" >"$stamp"
echo "$bindir"
