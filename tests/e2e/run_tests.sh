#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e/test_*.py) against a real kube-apiserver and etcd
# on 127.0.0.1 (tests/e2e/cluster.py).
#
#   tests/e2e/run_tests.sh <meson-build-dir> [pytest arguments...]
#
# Builds kube-apiserver and kubectl first if they are not built yet (scripts/k8s-build.sh,
# a few minutes the first time, cached after). Exits 77 (meson's "skipped"), saying why,
# only when they cannot be built or etcd is not installed; 0 when every test passed.
# CONTOUR_E2E_REQUIRE=1 (CI) makes those failures (exit 1) instead of skips.
set -euo pipefail

skip() {
    echo "e2e: SKIPPED: $*" >&2
    [[ ${CONTOUR_E2E_REQUIRE:-0} != 1 ]] || { echo "e2e: CONTOUR_E2E_REQUIRE=1: failing" >&2; exit 1; }
    exit 77
}

if [[ $# -lt 1 ]]; then
    echo "usage: $0 <meson-build-dir> [pytest arguments...]" >&2
    exit 2
fi
build=$(cd "$1" && pwd) || { echo "$0: no such build directory: $1" >&2; exit 2; }
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ -z ${CONTOUR_K8S_BIN_DIR:-} ]]; then
    if ! CONTOUR_K8S_BIN_DIR=$("$root/scripts/k8s-build.sh"); then
        skip "kube-apiserver and kubectl could not be built (scripts/k8s-build.sh failed; see above)"
    fi
fi
etcd=${CONTOUR_E2E_ETCD:-$(command -v etcd || echo /usr/bin/etcd)}
[[ -x $etcd ]] || skip "etcd is not installed ($etcd is missing; Debian: apt-get install etcd-server)"
if ! "${PYTHON:-python3}" -c "import pytest" 2>/dev/null; then
    echo "e2e: pytest is not installed (scripts/deps.sh installs it)" >&2
    exit 1
fi

export CONTOUR_K8S_BIN_DIR CONTOUR_BUILD_ROOT="$build" PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec "${PYTHON:-python3}" -m pytest -p no:cacheprovider -rs "$@"
