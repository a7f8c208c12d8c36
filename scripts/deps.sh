#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build and test libcontour.
# Idempotent: packages already present are not reinstalled. Needs root or sudo.
set -euo pipefail

# scdoc builds the contourc(1) man page; python3-jsonschema validates the SARIF reports in
# the CLI test. libmicrohttpd, GnuTLS, openssl and curl: the admission webhook example and
# its tests (examples/admission-webhook; without them the server is not built, its tests
# skipped).
packages=(meson ninja-build pkg-config gcc libyaml-dev libjson-c-dev libcmocka-dev python3 scdoc
          python3-jsonschema libmicrohttpd-dev libgnutls28-dev openssl curl)
if [[ "${CONTOUR_DEPS_FULL:-0}" == 1 ]]; then
    # Extra tools the full CI uses (.ci/run): clang and its runtimes (sanitizers, libFuzzer),
    # llvm (llvm-symbolizer for sanitizer reports), clang-format (14 on Debian bookworm: the
    # formatting stage, scripts/check-format.sh), valgrind, abigail-tools (abidw, abidiff),
    # cppcheck (static analysis; gcc -fanalyzer comes with gcc), PyYAML (JSON fuzz seeds
    # made from the YAML ones), graphviz (the CLI test checks DOT output), Go; for the
    # end-to-end tests (tests/e2e): etcd, openssl (their certificates) and util-linux (flock
    # in scripts/k8s-build.sh, which needs Go >= the version tests/e2e/k8sbin/go.mod names);
    # man-db: the install test reads the installed man page.
    packages+=(clang llvm libclang-rt-14-dev clang-format valgrind abigail-tools cppcheck
               python3-yaml graphviz golang-go etcd-server openssl util-linux man-db)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Go may come from a non-Debian install; do not ask apt for it then.
if command -v go >/dev/null 2>&1; then
    missing=("${missing[@]/golang-go}")
fi
read -r -a missing <<<"${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if ((${#missing[@]} > 0)); then
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq >/dev/null || true
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Python binding's tests need pytest, and the CLI test jsonschema, for whichever python3
# is first on PATH.
for module in pytest jsonschema; do
    if ! python3 -c "import $module" 2>/dev/null; then
        if [[ "$(command -v python3)" == /usr/bin/python3 ]]; then
            $sudo apt-get install -y -qq "python3-$module" >/dev/null
        else
            python3 -m pip install -q "$module"
        fi
    fi
done
