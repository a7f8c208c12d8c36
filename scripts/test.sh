#!/usr/bin/env bash
# Builds libcontour and runs every test: unit, golden cases, CLI, ABI, and the bindings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
builddir=${1:-build}
# Warnings are errors here (and in .ci/run); a plain `meson setup` leaves them warnings.
if [[ -d "$builddir" ]]; then
    meson configure "$builddir" -Dwerror=true >/dev/null
else
    meson setup "$builddir" -Dwerror=true >/dev/null
fi
ninja -C "$builddir"
meson test -C "$builddir" --print-errorlogs
