#!/usr/bin/env bash
# Installs libcontour into a temporary prefix and builds a consumer against it with
# nothing but pkg-config, linking the shared and then the static library; checks that the
# library, contourc and contour.pc agree on the version, that the man page and the docs are
# installed and `man` reads the page; then builds and installs with -Dtests=false (and no
# benchmarks or fuzzers) where cmocka cannot be found.
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

fail() {
    echo "install test: $*" >&2
    exit 1
}

# One version everywhere: contour.pc, contourc --version, the library at run time.
version=$(pkg-config --modversion contour)
[[ "$(LD_LIBRARY_PATH="$prefix/lib" "$prefix/bin/contourc" --version)" == "contourc $version" ]] ||
    fail "contourc --version is not $version"
LD_LIBRARY_PATH="$prefix/lib" "$work/consumer-shared" | grep -q "^libcontour $version:" ||
    fail "the library does not say $version"
grep -q '^URL: https://github.com/libcontour/libcontour$' "$prefix/lib/pkgconfig/contour.pc" ||
    fail "contour.pc names another URL"

# The documentation, and the man page (scdoc is in scripts/deps.sh; without it meson skips
# the page, and so does this check).
[[ -f "$prefix/share/doc/libcontour/cli.md" && -f "$prefix/share/doc/libcontour/README.md" ]] ||
    fail "the docs are not in share/doc/libcontour"
if command -v scdoc >/dev/null; then
    page="$prefix/share/man/man1/contourc.1"
    [[ -f "$page" ]] || fail "no man page at $page"
    if command -v man >/dev/null; then
        [[ "$(MANPATH="$prefix/share/man" man -w contourc)" == "$page" ]] ||
            fail "man does not find contourc(1) under the prefix"
        MANPATH="$prefix/share/man" MANWIDTH=80 man -P cat contourc 2>/dev/null |
            grep -q "contourc - check Contour IngressRoute manifests" || fail "man contourc"
    fi
else
    echo "install test: scdoc not installed, man page not checked" >&2
fi

# Without tests, benchmarks and fuzzers nothing needs cmocka: configure where pkg-config
# sees libyaml alone, and check that cmocka was never looked up.
mkdir -p "$work/pc"
ln -s "$(pkg-config --variable=pcfiledir yaml-0.1)/yaml-0.1.pc" "$work/pc/"
PKG_CONFIG_LIBDIR="$work/pc" PKG_CONFIG_PATH="" quiet meson setup "$work/build-lean" "$src" \
    --prefix="$work/prefix-lean" --libdir=lib -Dtests=false -Dbenchmarks=false -Dfuzzers=false
if grep -qi cmocka "$work/build-lean/meson-logs/meson-log.txt"; then
    fail "-Dtests=false still looks for cmocka"
fi
quiet ninja -C "$work/build-lean"
quiet meson install -C "$work/build-lean"
[[ "$(LD_LIBRARY_PATH="$work/prefix-lean/lib" "$work/prefix-lean/bin/contourc" --version)" == \
    "contourc $version" ]] || fail "the lean build's contourc"
echo "install test: ok (shared and static, version $version, docs, man page, lean build)"
