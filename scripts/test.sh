#!/usr/bin/env bash
# Builds libcontour and runs every test: unit, golden cases, CLI, ABI, and the bindings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
builddir=${1:-build}
[[ -d "$builddir" ]] || meson setup "$builddir" >/dev/null
ninja -C "$builddir"
meson test -C "$builddir" --print-errorlogs
