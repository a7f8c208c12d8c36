#!/usr/bin/env bash
# Installs libcontour into a temporary prefix and builds a consumer against it with
# nothing but pkg-config, linking the shared and then the static library.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

# Quiet unless a step fails; then its output is shown.
quiet() {
    "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log" >&2; echo "install test: '$*' failed" >&2; exit 1; }
}
quiet meson setup "$work/build" "$src" --prefix="$prefix" --libdir=lib -Dbuildtype=release
quiet ninja -C "$work/build"
quiet meson install -C "$work/build"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pkg-config --exists contour
cflags=$(pkg-config --cflags contour)

# Shared.
cc -std=c99 -Wall -Werror -o "$work/consumer-shared" "$src/pkgconfig/consumer.c" \
    $cflags $(pkg-config --libs contour)
LD_LIBRARY_PATH="$prefix/lib" "$work/consumer-shared"
readelf -d "$work/consumer-shared" | grep -q 'libcontour.so.1'

# Static: libcontour.a, plus what pkg-config --static says it needs.
deps=$(pkg-config --static --libs-only-l contour | sed 's/-lcontour\b//')
cc -std=c99 -Wall -Werror -DCONTOUR_STATIC -o "$work/consumer-static" \
    "$src/pkgconfig/consumer.c" $cflags -L"$prefix/lib" -Wl,-Bstatic -lcontour -Wl,-Bdynamic $deps
if readelf -d "$work/consumer-static" | grep -q 'libcontour'; then
    echo "static consumer still links libcontour dynamically" >&2
    exit 1
fi
"$work/consumer-static"
echo "install test: ok (shared and static)"
