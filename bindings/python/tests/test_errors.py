"""The status-code → exception mapping, including codes the C library rarely returns
(out of memory), forced through the ctypes layer."""

from __future__ import annotations

import pytest

import contour
from contour import Result
from contour._errors import error_for


@pytest.mark.parametrize(
    "status, cls, bases",
    [
        (Result.ERR_NOMEM, contour.ContourMemoryError, (MemoryError,)),
        (Result.ERR_INVALID, contour.InvalidArgumentError, (ValueError,)),
        (Result.ERR_NOT_FOUND, contour.NotFoundError, (KeyError,)),
        (Result.ERR_IO, contour.ContourIOError, (OSError,)),
        (Result.ERR_LIMIT, contour.LimitExceededError, ()),
        (-99, contour.ContourError, ()),
    ],
)
def test_mapping(status: int, cls: type, bases: tuple[type, ...]) -> None:
    err = error_for(status, "doing something")
    assert type(err) is cls
    assert isinstance(err, contour.ContourError)
    for base in bases:
        assert isinstance(err, base)
    assert str(err).startswith("doing something: ")
    assert err.result == (None if status == -99 else status)


def test_message_lists_diagnostics() -> None:
    d = contour.Diagnostic(contour.Severity.ERROR, "io-error", "cannot open: No such file", "x.yaml", 0, 0, None, None)
    err = error_for(Result.ERR_IO, "loading 'x.yaml'", [d])
    assert err.diagnostics == (d,)
    assert str(err) == "loading 'x.yaml': input/output error (ERR_IO)\n  x.yaml: error: cannot open: No such file"


@pytest.mark.load
def test_out_of_memory_from_a_load(monkeypatch: pytest.MonkeyPatch) -> None:
    with contour.Snapshot.from_text("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n") as s:
        monkeypatch.setattr(contour._ffi.lib, "contour_snapshot_load_buffer", lambda *args: -1)
        with pytest.raises(MemoryError) as info:
            s.load_text("apiVersion: v1\nkind: Service\nmetadata: {name: b}\n")
        assert isinstance(info.value, contour.ContourMemoryError)
        monkeypatch.undo()
        assert [o.name for o in s.objects()] == ["a"]


@pytest.mark.resolve
def test_out_of_memory_from_resolve_and_render(monkeypatch: pytest.MonkeyPatch) -> None:
    with contour.Snapshot.from_text("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n") as s:
        g = s.resolve()
        with g:
            monkeypatch.setattr(contour._ffi.lib, "contour_graph_render", lambda *args: -1)
            with pytest.raises(contour.ContourMemoryError):
                g.to_json()
        monkeypatch.setattr(contour._ffi.lib, "contour_resolve", lambda *args: -1)
        with pytest.raises(contour.ContourMemoryError, match="resolving"):
            s.resolve()


def test_out_of_memory_creating_a_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    if "contour_snapshot_new" in contour._ffi.missing_symbols:
        pytest.skip("contour_snapshot_new missing")
    monkeypatch.setattr(contour._ffi.lib, "contour_snapshot_new", lambda *args: -1)
    with pytest.raises(contour.ContourMemoryError):
        contour.Snapshot()
