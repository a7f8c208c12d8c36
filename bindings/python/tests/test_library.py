"""Finding and checking the C library; enums against the C values."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import contour
from conftest import BINDING_ROOT, have_cc


def run_import(env_changes: dict[str, str | None], code: str = "import contour") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for k, v in env_changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    env["PYTHONPATH"] = str(BINDING_ROOT)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)


def test_versions() -> None:
    assert contour.__version__ == "1.1.0"
    assert contour.ABI_MAJOR == 1
    v = contour.library_version()
    major, minor, patch = contour.library_version_info()
    assert v == f"{major}.{minor}.{patch}"
    assert major == contour.ABI_MAJOR
    assert contour._ffi.lib.contour_version() == (major << 16) | (minor << 8) | patch


def test_library_path_is_the_one_asked_for() -> None:
    want = os.environ.get("CONTOUR_LIBRARY")
    if want:
        assert contour.library_path() == want


def test_all_declared_functions_exist() -> None:
    # Every function the binding declares is exported; a library missing some is
    # incomplete (the binding still imports, and the functions raise when called).
    missing = sorted(contour._ffi.missing_symbols)
    if missing:
        pytest.skip(f"library incomplete: {len(missing)} functions missing, e.g. {missing[:3]}")


def test_declarations_match_the_headers_and_are_used() -> None:
    """Each declaration matches its function in include/contour/*.h (arity and types),
    every declared function is called by the package, and every function it calls is
    declared. (The graph and the objects are read through the bulk export, so most
    accessors are not declared.)"""
    import re

    headers = BINDING_ROOT.parent.parent / "include" / "contour"
    if not headers.is_dir():
        pytest.skip("headers not available")
    text = "\n".join(p.read_text() for p in sorted(headers.glob("*.h")))
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    decls = re.findall(r"CONTOUR_API\s+([^;]*?)\b(contour_\w+)\s*\(([^)]*)\)\s*;", text, flags=re.S)
    assert len(decls) > 150
    in_headers = {name for _ret, name, _params in decls}
    assert set(contour._ffi._DECLS) <= in_headers, set(contour._ffi._DECLS) - in_headers
    package = BINDING_ROOT / "contour"
    sources = {p.name: p.read_text() for p in package.glob("*.py")}
    ffi = sources.pop("_ffi.py")
    called = set(re.findall(r"\b(contour_\w+)\(", "\n".join(sources.values())))
    called |= set(re.findall(r"lib\.(contour_\w+)", "\n".join(sources.values()) + ffi))
    called |= set(re.findall(r"_free_name = \"(contour_\w+)\"", "\n".join(sources.values())))
    called |= set(contour._ffi._REQUIRED)
    called &= in_headers
    assert called <= set(contour._ffi._DECLS), called - set(contour._ffi._DECLS)
    assert set(contour._ffi._DECLS) <= called, set(contour._ffi._DECLS) - called
    for _ret, name, params in decls:
        if name not in contour._ffi._DECLS:
            continue
        restype, argtypes = contour._ffi._DECLS[name]
        nparams = 0 if params.strip() in ("void", "") else params.count(",") + 1
        assert len(argtypes) == nparams, name
        ret = _ret.strip()
        if ret == "void":
            assert restype is None, name
        elif name in ("contour_buffer_data", "contour_export_strings"):
            # const char *, read as a pointer: string_at(data, size) copies the bytes
            # once (c_char_p would strlen() and copy the whole rendering first).
            assert restype is contour._ffi._vp
        elif ret.endswith("*") and "char" in ret:
            assert restype is contour._ffi._s, name
        elif ret.endswith("*"):
            assert restype is contour._ffi._vp, name
        else:
            expected = {
                "size_t": contour._ffi._sz,
                "uint32_t": contour._ffi._u32,
                "uint64_t": contour._ffi._u64,
                "int64_t": contour._ffi._i64,
                "bool": contour._ffi._b,
            }.get(ret, contour._ffi._e)  # the rest are enums
            assert restype is expected, name


def test_enum_values_match_c_names() -> None:
    lib = contour._ffi.lib
    for k in contour.Kind:
        assert lib.contour_kind_name(k).decode() == k.k8s_name
    for s in contour.Severity:
        assert lib.contour_severity_name(s).decode() == str(s)
    if "contour_state_name" not in contour._ffi.missing_symbols:
        for st in contour.State:
            assert lib.contour_state_name(st).decode() == str(st)
    for code in contour.Result:
        assert contour._ffi.result_str(code)
    for c in contour.Change:
        assert lib.contour_change_name(c).decode() == str(c)
    for t in contour.ReferenceType:
        assert lib.contour_reference_type_name(t).decode() == str(t)
    for o in contour.Operation:
        assert lib.contour_operation_name(o).decode() == str(o) == o.name
    for f in contour.Finding:
        assert lib.contour_finding_name(f).decode() == str(f)


def test_bad_contour_library_says_what_and_how() -> None:
    proc = run_import({"CONTOUR_LIBRARY": "/nonexistent/libcontour.so.1"})
    assert proc.returncode != 0
    assert "LibraryNotFoundError" in proc.stderr
    assert "CONTOUR_LIBRARY='/nonexistent/libcontour.so.1'" in proc.stderr
    assert "Fix:" in proc.stderr


def test_not_found_lists_everything_tried() -> None:
    proc = run_import(
        {"CONTOUR_LIBRARY": None, "LD_LIBRARY_PATH": "/nonexistent", "PKG_CONFIG_PATH": "/nonexistent",
         "PKG_CONFIG_LIBDIR": "/nonexistent"},
        "import contour, sys; print(contour.library_path())",
    )
    if proc.returncode == 0:
        pytest.skip(f"libcontour is installed system-wide ({proc.stdout.strip()})")
    err = proc.stderr
    assert "LibraryNotFoundError" in err
    for tried in ("CONTOUR_LIBRARY", "pkg-config", "libcontour.so.1", "find_library"):
        assert tried in err
    assert "LD_LIBRARY_PATH" in err  # how to fix
    # ImportError subclass:
    code = "import contour\n"
    proc = run_import(
        {"CONTOUR_LIBRARY": "/nonexistent"},
        "try:\n import contour\nexcept ImportError as e:\n print(type(e).__mro__[1].__name__)",
    )
    assert proc.stdout.strip() == "ImportError"


def test_pkg_config_is_used(tmp_path: Path) -> None:
    lib = os.environ.get("CONTOUR_LIBRARY")
    if not lib:
        pytest.skip("CONTOUR_LIBRARY not set")
    libdir = tmp_path / "lib"
    libdir.mkdir()
    (libdir / "libcontour.so.1").symlink_to(Path(lib).resolve())
    pc = tmp_path / "pc"
    pc.mkdir()
    (pc / "contour.pc").write_text(
        f"prefix={tmp_path}\nlibdir={libdir}\n\nName: contour\nDescription: x\nVersion: 0.1.0\nLibs: -L${{libdir}} -lcontour\n"
    )
    proc = run_import(
        {"CONTOUR_LIBRARY": None, "PKG_CONFIG_PATH": str(pc)},
        "import contour; print(contour.library_path())",
    )
    if "pkg-config is not installed" in proc.stderr:
        pytest.skip("no pkg-config")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(libdir / "libcontour.so.1")


FAKE_LIB = textwrap.dedent(
    """
    #include <stddef.h>
    #include <stdint.h>
    uint32_t contour_version(void) { return (VMAJOR << 16) | (2 << 8) | 3; }
    const char *contour_version_string(void) { return VSTRING; }
    const char *contour_result_str(int s) { return "fake"; }
    size_t contour_kind_count(void) { return 5; }
    const char *contour_kind_name(int k) { return "Fake"; }
    size_t contour_severity_count(void) { return 3; }
    const char *contour_severity_name(int s) { return "fake"; }
    size_t contour_limit_count(void) { return 6; }
    const char *contour_state_name(int s) { return "fake"; }
    """
)


def _fake_lib(tmp_path: Path, major: int) -> Path:
    cc = have_cc()
    if cc is None:
        pytest.skip("no C compiler to build a fake library")
    src = tmp_path / "fake.c"
    src.write_text(FAKE_LIB)
    out = tmp_path / "libcontour.so.1"
    subprocess.run(
        [cc, "-shared", "-fPIC", f"-DVMAJOR={major}", f'-DVSTRING="{major}.2.3"', "-o", str(out), str(src)],
        check=True,
    )
    return out


def test_abi_major_mismatch_names_both_versions(tmp_path: Path) -> None:
    fake = _fake_lib(tmp_path, 2)
    proc = run_import({"CONTOUR_LIBRARY": str(fake)})
    assert proc.returncode != 0
    assert "LibraryVersionError" in proc.stderr
    assert "2.2.3" in proc.stderr and "1.1.0" in proc.stderr
    assert "ABI major 1" in proc.stderr


def test_missing_functions_raise_when_called(tmp_path: Path) -> None:
    fake = _fake_lib(tmp_path, 1)
    proc = run_import(
        {"CONTOUR_LIBRARY": str(fake)},
        "import contour\n"
        "print(contour.library_version())\n"
        "try:\n contour.Snapshot()\n"
        "except contour.MissingSymbolError as e:\n print('missing:', e)\n",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("1.2.3\n")
    assert "does not export contour_config_new()" in proc.stdout or "does not export contour_snapshot_new()" in proc.stdout


def test_package_metadata_files() -> None:
    assert (BINDING_ROOT / "contour" / "py.typed").exists()
    text = (BINDING_ROOT / "pyproject.toml").read_text()
    assert 'name = "libcontour"' in text


def test_enum_values_match_the_headers() -> None:
    import re

    headers = BINDING_ROOT.parent.parent / "include" / "contour"
    if not headers.is_dir():
        pytest.skip("headers not available")
    text = "\n".join(p.read_text() for p in sorted(headers.glob("*.h")))
    pairs = {
        "CONTOUR_KIND_": contour.Kind,
        "CONTOUR_SEVERITY_": contour.Severity,
        "CONTOUR_STATE_": contour.State,
        "CONTOUR_MATCH_": contour.MatchType,
        "CONTOUR_FORMAT_": contour.Format,
        "CONTOUR_LIMIT_": contour.Limit,
        "CONTOUR_OUTPUT_": contour.OutputFormat,
        "CONTOUR_CHANGE_": contour.Change,
        "CONTOUR_REFERENCE_": contour.ReferenceType,
        "CONTOUR_OPERATION_": contour.Operation,
        "CONTOUR_POLICY_": contour.PolicyAction,
        "CONTOUR_FINDING_": contour.Finding,
    }
    for prefix, enum in pairs.items():
        found = {
            name: int(value)
            for name, value in re.findall(rf"\b{prefix}(\w+)\s*=\s*(-?\d+)", text)
        }
        assert found, prefix
        assert {m.name: int(m) for m in enum} == found, prefix
    statuses = dict(re.findall(r"\bCONTOUR_(OK|ERR_\w+)\s*=\s*(-?\d+)", text))
    assert {m.name: int(m) for m in contour.Result} == {k: int(v) for k, v in statuses.items()}


def test_enum_tables_are_sized_by_the_running_library() -> None:
    lib = contour._ffi.lib
    assert len(contour._enums.OBJECT_KINDS) == lib.contour_kind_count()
    assert len(contour._enums.SEVERITIES) == lib.contour_severity_count()
    assert len(contour._enums.LIMITS) == lib.contour_limit_count()
    assert len(contour._enums.REFERENCE_TYPES) == lib.contour_reference_type_count()
    assert len(contour._enums.FINDINGS) == lib.contour_finding_count()
    with pytest.raises(ValueError):
        contour.Finding(lib.contour_finding_count())
    with pytest.raises(ValueError):
        contour.Kind(lib.contour_kind_count() + 1)
    with pytest.raises(ValueError):
        contour.Limit(lib.contour_limit_count())
