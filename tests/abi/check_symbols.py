#!/usr/bin/env python3
"""The exported dynamic symbols of libcontour.so must be exactly the functions declared
with CONTOUR_API in include/contour/, every one under a version node of
lib/libcontour.sym, and the SONAME must carry the ABI major version.

usage: check_symbols.py <libcontour.so> <abi-major>
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from header_symbols import header_symbols  # noqa: E402


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    names = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2]
        base, _, version = name.partition("@")
        names[base] = (kind, version.lstrip("@"))
    return names


def map_symbols():
    text = (ROOT / "lib" / "libcontour.sym").read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"^\s+(contour_[a-z0-9_]+);", text, flags=re.M))


def soname(lib):
    out = subprocess.run(["readelf", "-d", lib], check=True, capture_output=True,
                         text=True).stdout
    m = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", out)
    return m.group(1) if m else None


def main():
    lib, major = sys.argv[1], sys.argv[2]
    failures = []
    headers = set(header_symbols())
    mapped = map_symbols()
    syms = exported(lib)
    exported_names = {n for n in syms if n.startswith("contour_") or syms[n][0] in "TDBR"}
    exported_names = {n for n in exported_names if not n.startswith("LIBCONTOUR")}
    if headers != mapped:
        failures.append(f"lib/libcontour.sym differs from the headers: missing "
                        f"{sorted(headers - mapped)}, extra {sorted(mapped - headers)} "
                        f"(regenerate with scripts/header_symbols.py --map)")
    if exported_names != headers:
        failures.append(f"exported symbols differ from the headers: not exported "
                        f"{sorted(headers - exported_names)}, exported but undeclared "
                        f"{sorted(exported_names - headers)}")
    for name in sorted(exported_names):
        kind, version = syms[name]
        if kind != "T":
            failures.append(f"{name} is exported as {kind}, not as a function (no data symbols)")
        if not version.startswith("LIBCONTOUR_"):
            failures.append(f"{name} has no version node (got {version!r})")
    expected_soname = f"libcontour.so.{major}"
    if soname(lib) != expected_soname:
        failures.append(f"SONAME is {soname(lib)!r}, expected {expected_soname!r}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"ok: {len(headers)} functions exported, SONAME {expected_soname}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
