#!/usr/bin/env bash
# The main job: install what is missing, build, and run contourc on the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
[[ -d build ]] || meson setup build >/dev/null
ninja -C build >/dev/null
examples=examples/manifests/contour-v0.10
echo "== contourc check $examples"
build/tools/contourc check "$examples" || true
echo
echo "== contourc graph --format text $examples"
build/tools/contourc graph --format text "$examples"
