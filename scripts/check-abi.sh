#!/usr/bin/env bash
# Compares libcontour.so with the committed ABI baseline (abi/libcontour.abi) using abidiff.
# New functions are allowed (the ABI only grows within a major version); anything else
# that abidiff sees fails: removed functions, changed signatures, changed public types,
# renumbered enumerators, a changed SONAME. Harmless changes (a new enumerator, a change
# inside an opaque handle) pass. See docs/abi.md.
#
#   scripts/check-abi.sh [LIBCONTOUR.SO]     (default: a release build in build-abi/)
#
# Exit 0: compatible; 1: incompatible (or abidiff failed); 77: the library has no debug
# information to compare (meson counts that as a skip).
set -uo pipefail
source "$(dirname "$0")/abi-common.sh"
lib=${1:-}
if [[ -z $lib ]]; then
    lib=$(abi_build_lib) || exit 1
fi
sections=$(readelf -S "$lib" 2>/dev/null)
if ! grep -q '\.debug_info' <<<"$sections"; then
    echo "SKIP: $lib has no debug information (build with -g)"
    exit 77
fi
# The baseline keeps only the public types (abidw --drop-private-types), so the handles are
# declaration-only there: what is inside them may change. abidiff is not given the headers
# here, as it would then also treat <stdint.h>'s typedefs as private and let a uint32_t
# parameter become a uint64_t unnoticed.
diff_args=(--no-show-locs "$abi_baseline" "$lib")

# abidiff's exit status is a bit mask: 1 error, 2 usage error, 4 ABI change, 8 incompatible
# change (a removed symbol, a new SONAME). Added functions are an "ABI change" too, so a
# change is checked again without them: whatever remains is not an addition.
report=$(abidiff "${diff_args[@]}")
status=$?
echo "$report"
if ((status & 3)); then
    echo "FAIL: abidiff could not compare (exit $status)"
    exit 1
fi
if ((status & 8)); then
    echo "FAIL: incompatible ABI change (a removed function, a new SONAME) against $abi_baseline"
    exit 1
fi
if ((status & 4)); then
    abidiff --no-added-syms "${diff_args[@]}" >/dev/null
    rest=$?
    if ((rest & 4)); then
        echo "FAIL: ABI change other than added functions against $abi_baseline"
        echo "(an intended break needs a new ABI major version and scripts/update-abi-baseline.sh)"
        exit 1
    fi
    # New functions belong to a new version node (docs/abi.md), not to a released one.
    released=$(grep -o "version='LIBCONTOUR_[^']*'" "$abi_baseline" | sort -u | sed "s/version='\(.*\)'/\1/")
    bad=0
    while read -r sym ver; do
        if grep -qx "$ver" <<<"$released"; then
            echo "FAIL: new function $sym is in the released version node $ver (give it a new node in lib/libcontour.sym)"
            bad=1
        fi
    done < <(sed -n 's/.*\[A\].*{\([a-z0-9_]*\)@@\([A-Za-z0-9_.]*\)}.*/\1 \2/p' <<<"$report")
    ((bad)) && exit 1
    echo "ok: only functions were added, in new version nodes; record them with scripts/update-abi-baseline.sh"
    exit 0
fi
echo "ok: the ABI matches $abi_baseline"
