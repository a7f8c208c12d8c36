"""Snapshot: a set of loaded Kubernetes objects (owns a ``contour_snapshot``)."""

from __future__ import annotations

import collections
import ctypes
import os
from contextlib import ExitStack
from typing import Callable, Iterable, Literal, Union, overload

from . import _export, _ffi
from ._export import PART_DIAGNOSTICS, PART_OBJECTS, gc_paused
from ._config import Config, checked_config
from ._enums import OBJECT_KINDS, Format, Kind, Result, Severity, checked_kind
from ._errors import (
    ContourError,
    LoadError,
    error_for,
    not_found,
    raise_for,
)
from ._graph import Graph, _name_bytes
from ._handle import Handle
from ._model import Diagnostic
from ._objects import (
    AnyObject,
    Ingress,
    IngressRoute,
    Secret,
    Service,
    TLSCertificateDelegation,
)

__all__ = ["Snapshot", "StrPath"]

StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
BytesLike = Union[bytes, bytearray, memoryview]

_kind = checked_kind


def _format(fmt: object) -> Format:
    if isinstance(fmt, bool) or not isinstance(fmt, int):
        raise TypeError(f"format must be a contour.Format, not {type(fmt).__name__}")
    try:
        return Format(fmt)
    except ValueError:
        raise ValueError(f"unknown input format {fmt!r}") from None


def _path_list(paths: StrPath | Iterable[StrPath]) -> list[bytes]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        items: list[StrPath] = [paths]
    else:
        items = list(paths)
        if not items:
            raise ValueError("no paths given")
    out = []
    for p in items:
        raw = os.fsencode(p)
        if not raw:
            raise ValueError("empty path")
        if b"\0" in raw:
            raise ValueError(f"path contains a NUL character: {p!r}")
        out.append(raw)
    return out


def _data(data: BytesLike) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"data must be bytes-like, not {type(data).__name__}")


def _diagnostics(snapshot: int) -> tuple[Diagnostic, ...]:
    """The load diagnostics of a snapshot the caller holds the lock of."""
    with _export.snapshot_export(snapshot, Kind.NONE, PART_DIAGNOSTICS) as x:
        return tuple(_export.diagnostics(x))


# One load step: a C call and what it loads (for messages and for finding the io-error
# diagnostics that concern it).
_Op = tuple[Callable[[int], int], str, Callable[[Diagnostic], bool]]


class Snapshot(Handle):
    """A set of Kubernetes objects loaded from YAML or JSON files, directories and memory.

    Loading never stops at a bad document: it becomes an error diagnostic
    (:attr:`diagnostics`) and the others load. Pass ``strict=True`` to make a load raise
    :class:`LoadError` when it produced error diagnostics.

    A snapshot owns C memory: use it as a context manager or call :meth:`close`.
    Any number of threads may read it at once; loads and removals wait for readers
    (the binding's own lock enforces libcontour's threading rules).
    """

    __slots__ = ()
    _free_name = "contour_snapshot_free"
    _what = "Snapshot"

    def __init__(self, config: Config | None = None) -> None:
        """An empty snapshot with its own copy of ``config`` (None: the defaults): the
        default namespace and the limits it loads with, and the settings :meth:`resolve`
        uses unless given another config."""
        self._check_fresh()
        out = ctypes.c_void_p()
        if config is None:
            st = _ffi.lib.contour_snapshot_new(ctypes.byref(out), None)
        else:
            with checked_config(config)._reading() as cfg:
                st = _ffi.lib.contour_snapshot_new(ctypes.byref(out), cfg)
        if st != 0:
            raise_for(st, "creating a snapshot")
        assert out.value is not None
        self._own(out.value)

    @property
    def config(self) -> Config:
        """The snapshot's own settings (``contour_snapshot_config()``), as a new Config."""
        with self._reading() as ptr:
            return Config._copy_of(_ffi.lib.contour_snapshot_config(ptr))

    # -- constructors --------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        paths: StrPath | Iterable[StrPath],
        *,
        config: Config | None = None,
        format: Format = Format.AUTO,
        strict: bool = False,
    ) -> Snapshot:
        """A snapshot of files and directories (``*.yaml``, ``*.yml``, ``*.json`` under a
        directory, recursively). Raises ContourIOError when a path cannot be read."""
        snap = cls(config)
        try:
            snap.load_path(paths, format=format, strict=strict)
        except BaseException:
            snap.close()
            raise
        return snap

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        name: str = "<memory>",
        config: Config | None = None,
        format: Format = Format.AUTO,
        strict: bool = False,
    ) -> Snapshot:
        """A snapshot of YAML or JSON text; ``name`` is the source name in diagnostics."""
        snap = cls(config)
        try:
            snap.load_text(text, name=name, format=format, strict=strict)
        except BaseException:
            snap.close()
            raise
        return snap

    @classmethod
    def from_bytes(
        cls,
        data: BytesLike,
        *,
        name: str = "<memory>",
        config: Config | None = None,
        format: Format = Format.AUTO,
        strict: bool = False,
    ) -> Snapshot:
        """A snapshot of YAML or JSON bytes (UTF-8); ``name`` is the source name."""
        snap = cls(config)
        try:
            snap.load_bytes(data, name=name, format=format, strict=strict)
        except BaseException:
            snap.close()
            raise
        return snap

    # -- loading more --------------------------------------------------------------------

    def load_path(
        self,
        paths: StrPath | Iterable[StrPath],
        *,
        format: Format = Format.AUTO,
        strict: bool = False,
    ) -> None:
        """Loads files and directories into this snapshot, in the order given.

        An unreadable path raises ContourIOError (with the ``io-error`` diagnostics)
        after every path was tried; what could be read stays loaded.
        """
        fmt = _format(format)
        lib = _ffi.lib
        ops: list[_Op] = []
        for raw in _path_list(paths):
            text = os.fsdecode(raw)

            def about(d: Diagnostic, text: str = text) -> bool:
                # The library names a file whose path is not UTF-8 "<non-UTF-8 path>".
                return (
                    d.file == text
                    or d.file.startswith(text.rstrip("/") + "/")
                    or d.file == "<non-UTF-8 path>"
                )

            def call(ptr: int, raw: bytes = raw) -> int:
                return int(lib.contour_snapshot_load_path(ptr, raw, fmt))

            ops.append((call, f"loading {text!r}", about))
        self._run(ops, strict)

    def load_text(
        self,
        text: str,
        *,
        name: str = "<memory>",
        format: Format = Format.AUTO,
        strict: bool = False,
    ) -> None:
        """Loads YAML or JSON text into this snapshot."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__} (use load_bytes)")
        self.load_bytes(text.encode("utf-8"), name=name, format=format, strict=strict)

    def load_bytes(
        self,
        data: BytesLike,
        *,
        name: str = "<memory>",
        format: Format = Format.AUTO,
        strict: bool = False,
    ) -> None:
        """Loads YAML or JSON bytes into this snapshot (the bytes are not retained).
        Raises LimitExceededError when they exceed ``Limit.INPUT_BYTES``."""
        buf = _data(data)
        fmt = _format(format)
        name_b = _name_bytes(name, "name")
        lib = _ffi.lib

        def call(ptr: int) -> int:
            return int(lib.contour_snapshot_load_buffer(ptr, name_b, len(name_b), buf, len(buf), fmt))

        self._run([(call, f"loading {name!r}", lambda d: d.file == name)], strict)

    def set_source(
        self,
        name: str,
        data: str | BytesLike,
        *,
        format: Format = Format.AUTO,
        strict: bool = False,
    ) -> None:
        """Replaces a source in one step (``contour_snapshot_set_source()``): everything
        loaded before under the source name ``name`` (by any load or an earlier
        ``set_source``: its objects and the diagnostics about its documents) goes, and
        ``data`` (YAML or JSON text or bytes) is loaded under that name in its place.
        What the source defines again is replaced quietly (no ``duplicate-object``
        warning); an object another source also defines replaces that one, with a
        warning, as a load does.

        This is how a long-running process follows changing inputs: a file that changed,
        or one watch event (name the source after the object, e.g.
        ``"IngressRoute/ns/name"``). Bad YAML becomes error diagnostics, as in a load
        (``strict=True``: :class:`LoadError`). Raises LimitExceededError when ``data``
        exceeds ``Limit.INPUT_BYTES`` (the source's old objects are gone then).
        """
        if isinstance(data, str):
            buf = data.encode("utf-8")
        else:
            buf = _data(data)
        fmt = _format(format)
        name_b = _name_bytes(name, "name")
        lib = _ffi.lib

        def call(ptr: int) -> int:
            return int(lib.contour_snapshot_set_source(ptr, name_b, len(name_b), buf, len(buf), fmt))

        self._run([(call, f"replacing source {name!r}", lambda d: d.file == name)], strict)

    def remove_source(self, name: str, *, missing_ok: bool = False) -> None:
        """Removes a source (``contour_snapshot_remove_source()``): every object loaded
        under the source name ``name`` and the diagnostics about its documents — a file
        that was deleted, a watch event's delete.

        Raises NotFoundError (a KeyError) when no source has that name (never set, or
        removed already), unless ``missing_ok``. A source set with ``set_source`` stays
        known until it is removed, even when it defines nothing (an empty file, a
        ConfigMap, objects another source took over); one added by ``load_*`` is
        forgotten once it holds no object and no diagnostic."""
        name_b = _name_bytes(name, "name")
        with self._writing() as ptr:
            st = _ffi.lib.contour_snapshot_remove_source(ptr, name_b, len(name_b))
        if st == Result.ERR_NOT_FOUND:
            if missing_ok:
                return
            raise not_found(f"no source {name!r} in the snapshot")
        if st != 0:
            raise_for(st, f"removing source {name!r}")

    def _run(self, ops: list[_Op], strict: bool) -> None:
        with self._writing() as ptr:
            before: collections.Counter[Diagnostic] | None = None
            if strict and _ffi.lib.contour_snapshot_diagnostic_count(ptr):
                before = collections.Counter(_diagnostics(ptr))
            failed: list[tuple[int, str, Callable[[Diagnostic], bool]]] = []
            for call, what, about in ops:
                st = call(ptr)
                if st in (Result.ERR_IO, Result.ERR_LIMIT):
                    failed.append((st, what, about))  # the rest of the input still loads
                elif st != 0:
                    raise_for(st, what)
            if failed:
                diags = _diagnostics(ptr)
                st, what, _ = failed[0]
                related = [
                    d
                    for d in diags
                    if d.severity == Severity.ERROR and any(a(d) for _, _, a in failed)
                ]
                # The diagnostics that explain the status: io-error for ERR_IO,
                # limit-input for ERR_LIMIT (docs/api.md), else every error about it.
                code = "io-error" if st == Result.ERR_IO else "limit-input"
                related = [d for d in related if d.code == code] or related
                raise error_for(st, what, related)
            if strict:
                after = _diagnostics(ptr)
                remaining = before or collections.Counter()
                errors = []
                for d in after:
                    if remaining[d] > 0:
                        remaining[d] -= 1
                    elif d.severity == Severity.ERROR:
                        errors.append(d)
                if errors:
                    first = errors[0]
                    raise LoadError(
                        f"{len(errors)} error{'s' if len(errors) != 1 else ''} while loading; "
                        f"first: {first}",
                        diagnostics=errors,
                    )

    def remove(self, kind: Kind, namespace: str, name: str) -> None:
        """Removes one object and its load diagnostics; NotFoundError when absent."""
        k = _kind(kind)
        ns_b = _name_bytes(namespace, "namespace")
        name_b = _name_bytes(name, "name")
        with self._writing() as ptr:
            st = _ffi.lib.contour_snapshot_remove(ptr, k, ns_b, len(ns_b), name_b, len(name_b))
        if st == Result.ERR_NOT_FOUND:
            raise not_found(f"no {k.k8s_name} {namespace}/{name} in the snapshot")
        if st != 0:
            raise_for(st, f"removing {k.k8s_name} {namespace}/{name}")

    # -- reading -------------------------------------------------------------------------

    def count(self, kind: Kind | None = None) -> int:
        """Number of objects of a kind (all kinds when None)."""
        kinds = OBJECT_KINDS if kind is None else (_kind(kind),)
        with self._reading() as ptr:
            return sum(int(_ffi.lib.contour_snapshot_object_count(ptr, k)) for k in kinds)

    def __len__(self) -> int:
        return self.count()

    @overload
    def objects(self, kind: Literal[Kind.INGRESSROUTE]) -> tuple[IngressRoute, ...]: ...
    @overload
    def objects(
        self, kind: Literal[Kind.TLSCERTIFICATEDELEGATION]
    ) -> tuple[TLSCertificateDelegation, ...]: ...
    @overload
    def objects(self, kind: Literal[Kind.INGRESS]) -> tuple[Ingress, ...]: ...
    @overload
    def objects(self, kind: Literal[Kind.SERVICE]) -> tuple[Service, ...]: ...
    @overload
    def objects(self, kind: Literal[Kind.SECRET]) -> tuple[Secret, ...]: ...
    @overload
    def objects(self, kind: Kind | None = None) -> tuple[AnyObject, ...]: ...

    def objects(self, kind: Kind | None = None) -> tuple[AnyObject, ...]:
        """The objects of a kind (every kind, in Kind order, when None), by (namespace,
        name). The values are copies: they stay valid after the snapshot changes."""
        k = Kind.NONE if kind is None else _kind(kind)  # NONE: every kind
        with self._reading() as ptr, gc_paused():
            with _export.snapshot_export(ptr, k, PART_OBJECTS) as x:
                return tuple(_export.objects(x))

    @overload
    def find(self, kind: Literal[Kind.INGRESSROUTE], namespace: str, name: str) -> IngressRoute: ...
    @overload
    def find(
        self, kind: Literal[Kind.TLSCERTIFICATEDELEGATION], namespace: str, name: str
    ) -> TLSCertificateDelegation: ...
    @overload
    def find(self, kind: Literal[Kind.INGRESS], namespace: str, name: str) -> Ingress: ...
    @overload
    def find(self, kind: Literal[Kind.SERVICE], namespace: str, name: str) -> Service: ...
    @overload
    def find(self, kind: Literal[Kind.SECRET], namespace: str, name: str) -> Secret: ...
    @overload
    def find(self, kind: Kind, namespace: str, name: str) -> AnyObject: ...

    def find(self, kind: Kind, namespace: str, name: str) -> AnyObject:
        """One object by kind, namespace and name; NotFoundError (a KeyError) when absent."""
        found = self.get(kind, namespace, name)
        if found is None:
            raise not_found(f"no {Kind(kind).k8s_name} {namespace}/{name} in the snapshot")
        return found

    def get(self, kind: Kind, namespace: str, name: str) -> AnyObject | None:
        """Like :meth:`find`, but None when the object does not exist."""
        k = _kind(kind)
        ns_b = _name_bytes(namespace, "namespace")
        name_b = _name_bytes(name, "name")
        with self._reading() as ptr:
            found = _ffi.lib.contour_snapshot_find(ptr, k, ns_b, len(ns_b), name_b, len(name_b))
            if not found:
                return None
            with _export.object_export(ptr, found) as x:
                return _export.objects(x)[0]

    def __contains__(self, key: object) -> bool:
        """``(kind, namespace, name) in snapshot``."""
        if not (isinstance(key, tuple) and len(key) == 3):
            return False
        kind, namespace, name = key
        return self.get(kind, namespace, name) is not None

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every load diagnostic, by (file, line, column), then severity, code, message."""
        with self._reading() as ptr, gc_paused():
            return _diagnostics(ptr)

    @property
    def error_count(self) -> int:
        """Number of load diagnostics with severity error."""
        with self._reading() as ptr:
            return int(_ffi.lib.contour_snapshot_diagnostic_count_by_severity(ptr, Severity.ERROR))

    # -- resolution ----------------------------------------------------------------------

    def resolve(self, config: Config | None = None, *, previous: Graph | None = None) -> Graph:
        """Resolves the snapshot into a route graph, with the snapshot's own settings, or
        with ``config``'s resolution settings (root namespaces, ingress class, ports,
        threads: the default namespace and limits always stay the snapshot's). The graph
        does not depend on the snapshot afterwards.

        With ``previous``, a graph resolved earlier from this snapshot, the new graph is
        made incrementally (``contour_resolve_update()``): only what the snapshot's
        changes since ``previous`` can affect is resolved again, the rest is shared with
        ``previous``, and the result is byte for byte the graph a full resolve gives.
        Then ``config=None`` means the settings ``previous`` was resolved with.
        ``previous`` is unchanged, stays valid and may be closed in any order; a graph of
        another snapshot raises InvalidArgumentError (a ValueError).
        """
        out = ctypes.c_void_p()
        lib = _ffi.lib
        with ExitStack() as held:
            cfg = None
            if config is not None:
                cfg = held.enter_context(checked_config(config)._reading())
            ptr = held.enter_context(self._reading())
            if previous is None:
                st = lib.contour_resolve(ctypes.byref(out), ptr, cfg)
            else:
                if not isinstance(previous, Graph):
                    raise TypeError(
                        f"previous must be a contour.Graph or None, not {type(previous).__name__}"
                    )
                prev = held.enter_context(previous._reading())
                st = lib.contour_resolve_update(ctypes.byref(out), ptr, prev, cfg)
        if st == Result.ERR_INVALID and previous is not None:
            raise error_for(st, "updating the graph: previous is not a graph of this snapshot")
        if st != 0:
            raise_for(st, "resolving the snapshot")
        if out.value is None:
            raise ContourError("contour_resolve() returned OK but no graph")
        return Graph._adopt(out.value)

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<contour.Snapshot (closed)>"
        counts = ", ".join(f"{k.k8s_name or k.name}={self.count(k)}" for k in OBJECT_KINDS)
        return f"<contour.Snapshot {counts} errors={self.error_count}>"
