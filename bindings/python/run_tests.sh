#!/bin/sh
# Runs the Python binding's test suite against a meson build directory.
#
#   bindings/python/run_tests.sh <meson-build-dir> [pytest arguments...]
#
# Uses <build>/lib/libcontour.so.1 and <build>/tools/contourc. Tests that need parts of
# the C library that do not work yet are skipped with the reason (see tests/conftest.py);
# set CONTOUR_REQUIRE_ALL=1 to make them fail instead. Exits non-zero on failure.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 <meson-build-dir> [pytest arguments...]" >&2
    exit 2
fi
build=$(cd "$1" && pwd) || { echo "$0: no such build directory: $1" >&2; exit 2; }
shift
here=$(cd "$(dirname "$0")" && pwd)
lib="$build/lib/libcontour.so.1"
if [ ! -e "$lib" ]; then
    echo "$0: $lib does not exist (build the library first: ninja -C $build)" >&2
    exit 1
fi

CONTOUR_LIBRARY="$lib"
CONTOUR_BUILD_DIR="$build"
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
PYTHONDONTWRITEBYTECODE=1
export CONTOUR_LIBRARY CONTOUR_BUILD_DIR PYTHONPATH PYTHONDONTWRITEBYTECODE

cd "$here"
exec "${PYTHON:-python3}" -m pytest -p no:cacheprovider -rs "$@"
