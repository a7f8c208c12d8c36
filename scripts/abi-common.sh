# Shared by scripts/check-abi.sh and scripts/update-abi-baseline.sh (sourced, not run).
# The ABI is read from a release build with debug information (abidw needs DWARF), with
# the public headers telling public types from private ones: handles are opaque, so their
# layout is private and never part of the baseline.
abi_src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abi_baseline=$abi_src/abi/libcontour.abi
abi_headers=$abi_src/include/contour

# Builds (or updates) the release library in $1 (default build-abi/) and prints its path.
abi_build_lib() {
    local build=${1:-$abi_src/build-abi}
    [[ -d $build ]] || meson setup "$build" "$abi_src" -Dbuildtype=release -Ddebug=true >/dev/null
    local so
    so=$(meson introspect "$build" --targets |
        python3 -c 'import json,sys; print(next(f for t in json.load(sys.stdin) if t["name"] == "contour" and t["type"] == "shared library" for f in t["filename"]))')
    ninja -C "$build" "$(realpath --relative-to="$build" "$so")" >&2 || return 1
    echo "$so"
}
