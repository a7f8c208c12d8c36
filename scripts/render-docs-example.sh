#!/usr/bin/env bash
# Renders the picture docs/cli.md shows: `contourc graph --format dot` of the Contour v0.10
# examples bundled in examples/manifests, drawn by Graphviz. Run after changing the DOT
# writer: scripts/render-docs-example.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
"$build/tools/contourc" graph --format dot examples/manifests/contour-v0.10 |
    dot -Tsvg -o docs/example-graph.svg
echo "wrote docs/example-graph.svg"
