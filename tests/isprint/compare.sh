#!/bin/sh
# Compares the library's printable test with Go's strconv.IsPrint for all 0x110000 code
# points, and the committed table with what scripts/isprint/main.go generates now.
# usage: compare.sh ISPRINT_DUMP SOURCE_ROOT. Skipped (77) without Go, or with a Go whose
# Unicode version is not the one the table was made with.
set -eu
dump=$1
src=$2
go=$(command -v go || true)
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then
    go=/usr/local/go/bin/go
fi
if [ -z "$go" ]; then
    echo "SKIP: no Go toolchain (go on PATH or /usr/local/go/bin/go)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Never fetch a toolchain; a build cache of our own when the default one is not writable.
export GOTOOLCHAIN=local GOFLAGS=
if ! "$go" env GOCACHE >/dev/null 2>&1 || [ ! -w "$("$go" env GOCACHE 2>/dev/null || echo /)" ]; then
    export GOCACHE="$work/gocache"
fi
"$go" build -o "$work/isprint" "$src/scripts/isprint/main.go"
"$work/isprint" >"$work/table.h"
want=$(sed -n 's/.*(Unicode \([0-9.]*\)).*/\1/p' "$src/lib/isprint_table.h" | head -n 1)
have=$(sed -n 's/.*(Unicode \([0-9.]*\)).*/\1/p' "$work/table.h" | head -n 1)
if [ "$want" != "$have" ]; then
    echo "SKIP: $("$go" version) has Unicode $have; lib/isprint_table.h is Unicode $want"
    exit 77
fi
"$work/isprint" -ranges >"$work/go.txt"
"$dump" >"$work/c.txt"
if ! cmp -s "$work/go.txt" "$work/c.txt"; then
    echo "FAIL: cx_rune_is_print differs from Go's strconv.IsPrint:"
    diff "$work/go.txt" "$work/c.txt" | head -n 20
    exit 1
fi
# The first line names the Go version that made the table; the rest must be the same.
if [ "$(tail -n +2 "$work/table.h")" != "$(tail -n +2 "$src/lib/isprint_table.h")" ]; then
    echo "FAIL: lib/isprint_table.h is stale: go run scripts/isprint/main.go > lib/isprint_table.h"
    exit 1
fi
echo "ok: $(wc -l <"$work/c.txt") printable ranges, the same as $("$go" version)"
