#!/usr/bin/env bash
# Regenerates the ABI baseline abi/libcontour.abi from a release build. Run it on purpose
# only: when a release adds functions (after adding their version node to
# lib/libcontour.sym), or when the ABI major version is bumped (docs/abi.md). Commit the
# result with the change that needs it.
#
#   scripts/update-abi-baseline.sh [BUILDDIR]     (default build-abi/)
set -euo pipefail
source "$(dirname "$0")/abi-common.sh"
lib=$(abi_build_lib "${1:-}")
mkdir -p "$(dirname "$abi_baseline")"
abidw --headers-dir "$abi_headers" --drop-private-types --drop-undefined-syms \
    --no-corpus-path --short-locs --type-id-style hash --out-file "$abi_baseline" "$lib"
echo "wrote $abi_baseline from $lib: $(grep -c '<elf-symbol' "$abi_baseline") functions"
