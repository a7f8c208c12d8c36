"""Shared fixtures, and capability probes for a C library that is still being written.

Tests that need the C library to load, resolve or render, or need the ``contourc`` tool,
carry the markers ``load``, ``resolve``, ``render`` and ``contourc``. At session start
each capability is probed once against the library under test; tests whose capability
is missing are skipped with a reason that says what the probe saw, and the summary line
at the top of the run lists the capabilities. Set ``CONTOUR_REQUIRE_ALL=1`` to turn those
skips into failures (for CI once the library is complete).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

HERE = Path(__file__).resolve().parent
BINDING_ROOT = HERE.parent
if str(BINDING_ROOT) not in sys.path:
    sys.path.insert(0, str(BINDING_ROOT))

import contour  # noqa: E402

REPO_ROOT = BINDING_ROOT.parent.parent
SHARED = Path(os.environ.get("CONTOUR_SHARED_ROOT", REPO_ROOT.parent / "shared"))
EXAMPLES = SHARED / "examples" / "contour-v0.10"


def _build_dir() -> Path | None:
    env = os.environ.get("CONTOUR_BUILD_DIR")
    if env:
        return Path(env)
    lib = os.environ.get("CONTOUR_LIBRARY")
    if lib:  # <build>/lib/libcontour.so.1
        return Path(lib).resolve().parent.parent
    return None


BUILD_DIR = _build_dir()
CONTOURC = Path(os.environ["CONTOURC"]) if os.environ.get("CONTOURC") else (
    BUILD_DIR / "tools" / "contourc" if BUILD_DIR else None
)

PROBE_ROOT = """\
apiVersion: v1
kind: Service
metadata: {name: s1, namespace: default}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: r1, namespace: default}
spec:
  virtualhost: {fqdn: probe.example.com}
  routes:
  - match: /
    services: [{name: s1, port: 80}]
"""


def _probe() -> dict[str, str | None]:
    """capability -> None when available, else why not."""
    caps: dict[str, str | None] = {}
    missing = contour._ffi.missing_symbols
    try:
        snap = contour.Snapshot.from_text(PROBE_ROOT, name="probe.yaml")
    except Exception as exc:  # noqa: BLE001 - any failure means "cannot load"
        reason = f"cannot load: {type(exc).__name__}: {exc}"
        if isinstance(exc, contour.MissingSymbolError):
            reason = f"cannot load: {str(exc).split(';')[0]}"
        return {"load": reason, "resolve": reason, "render": reason, "contourc": _probe_contourc()}
    with snap:
        n = snap.count()
        caps["load"] = None if n == 2 else f"loading 2 objects gave {n} (diagnostics: {snap.diagnostics})"
        if "contour_resolve" in missing:
            caps["resolve"] = "the library does not export contour_resolve"
            caps["render"] = caps["resolve"]
        else:
            try:
                with snap.resolve() as g:
                    ok = len(g.listeners) == 1 and len(g.statuses) == 1
                    caps["resolve"] = None if ok else f"the probe graph is empty ({g!r})"
                    try:
                        js = g.to_json()
                        caps["render"] = None if js.startswith("{") else f"JSON rendering gave {js[:40]!r}"
                    except Exception as exc:  # noqa: BLE001
                        caps["render"] = f"cannot render: {type(exc).__name__}: {exc}"
            except Exception as exc:  # noqa: BLE001
                caps["resolve"] = f"cannot resolve: {type(exc).__name__}: {exc}"
                caps["render"] = caps["resolve"]
    if caps["load"] is not None:
        caps["resolve"] = caps["resolve"] or caps["load"]
        caps["render"] = caps["render"] or caps["load"]
    caps["contourc"] = _probe_contourc()
    return caps


def _probe_contourc() -> str | None:
    if CONTOURC is None:
        return "no build directory given (CONTOUR_BUILD_DIR or CONTOURC)"
    if not CONTOURC.exists():
        return f"{CONTOURC} does not exist"
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "probe.yaml"
        p.write_text(PROBE_ROOT)
        try:
            proc = subprocess.run(
                [str(CONTOURC), "graph", "--format", "json", str(p)],
                capture_output=True,
                timeout=60,
            )
        except OSError as exc:
            return f"cannot run {CONTOURC}: {exc}"
        if proc.returncode != 0 or not proc.stdout.startswith(b"{"):
            return f"`contourc graph` exited {proc.returncode} with {proc.stdout[:40]!r} {proc.stderr[:80]!r}"
    return None


CAPS = _probe()
REQUIRE_ALL = os.environ.get("CONTOUR_REQUIRE_ALL") == "1"


def pytest_configure(config: pytest.Config) -> None:
    for name, doc in [
        ("load", "needs the C library to load manifests"),
        ("resolve", "needs the C library to resolve snapshots into graphs"),
        ("render", "needs the C library to render graphs"),
        ("contourc", "needs the contourc tool of the build"),
        ("slow", "takes more than a few seconds"),
    ]:
        config.addinivalue_line("markers", f"{name}: {doc}")


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [
        f"libcontour {contour.library_version()} from {contour.library_path()} "
        f"(binding {contour.__version__}; {len(contour._ffi.missing_symbols)} C functions missing)"
    ]
    for cap, why in CAPS.items():
        lines.append(f"  {cap:9} {'available' if why is None else 'MISSING: ' + why}")
    return lines


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for cap in ("load", "resolve", "render", "contourc"):
            if cap in item.keywords and CAPS.get(cap) is not None:
                if not REQUIRE_ALL:  # else: let it run, and fail
                    item.add_marker(pytest.mark.skip(reason=f"not available yet ({cap}): {CAPS[cap]}"))
                break


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write(relative_name, text) -> path under a temporary directory."""

    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    return _write


@pytest.fixture
def snap_of() -> Iterator[Callable[..., contour.Snapshot]]:
    """snap_of(text, **kw) -> Snapshot, closed at the end of the test."""
    made: list[contour.Snapshot] = []

    def _make(text: str, **kw: object) -> contour.Snapshot:
        s = contour.Snapshot.from_text(text, **kw)  # type: ignore[arg-type]
        made.append(s)
        return s

    yield _make
    for s in made:
        s.close()


@pytest.fixture
def graph_of() -> Iterator[Callable[..., contour.Graph]]:
    """graph_of(text, config=None, name=...) -> Graph of the text, closed at the end."""
    made: list[contour.Graph] = []

    def _make(text: str, config: contour.Config | None = None, name: str = "test.yaml") -> contour.Graph:
        with contour.Snapshot.from_text(text, name=name, config=config) as s:
            g = s.resolve()
        made.append(g)
        return g

    yield _make
    for g in made:
        g.close()


def contourc_bin() -> Path:
    assert CONTOURC is not None
    return CONTOURC


def have_cc() -> str | None:
    return shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
