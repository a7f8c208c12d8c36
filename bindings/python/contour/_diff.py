"""Diff: what changed between two route graphs (owns a ``contour_diff``, or shows the one a
verdict owns)."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

from . import _ffi, _records
from ._enums import Change, Kind, MatchType, OutputFormat
from ._errors import ContourError, raise_for
from ._graph import Graph, take_buffer
from ._handle import Handle
from ._model import Diagnostic, ObjectRef, Route, Status, VirtualHost
from ._write import FormatArg, output_format, write_through

__all__ = ["Diff", "RouteChange", "StatusChange", "VirtualHostChange", "diff"]

_DIFF_FORMATS = (OutputFormat.JSON, OutputFormat.TEXT)


@dataclass(frozen=True)
class RouteChange:
    """A route of a virtual host that was added, removed or changed (its clusters, options
    or source). ``old`` is the route in the old graph (None when added), ``new`` in the new
    one (None when removed)."""

    change: Change
    match_type: MatchType
    path: str
    old: Route | None
    new: Route | None


@dataclass(frozen=True)
class VirtualHostChange:
    """A virtual host of one listener that was added, removed or changed.

    ``port`` is the listener's port in the new graph (the old one's for a removed
    virtual host). ``tls_changed``: its TLS settings or tcpproxy differ. ``routes``: the
    route changes of a changed virtual host, every route of an added or removed one, in
    route order. ``old``/``new``: the whole virtual host on each side (None on the side
    where it does not exist).
    """

    listener: str
    port: int
    fqdn: str
    change: Change
    tls_changed: bool
    old: VirtualHost | None
    new: VirtualHost | None
    routes: tuple[RouteChange, ...]


@dataclass(frozen=True)
class StatusChange:
    """A status that was added, removed or changed (state, description or virtual hosts)."""

    change: Change
    kind: Kind
    namespace: str
    name: str
    old: Status | None
    new: Status | None

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind, self.namespace, self.name)


def _route_change(ptr: int) -> RouteChange:
    lib = _ffi.lib
    old = lib.contour_route_change_old(ptr)
    new = lib.contour_route_change_new(ptr)
    return RouteChange(
        change=Change(lib.contour_route_change_kind(ptr)),
        match_type=MatchType(lib.contour_route_change_match_type(ptr)),
        path=_records.text(lib.contour_route_change_path(ptr)) or "",
        old=_records.route(old) if old else None,
        new=_records.route(new) if new else None,
    )


def _vhost_change(ptr: int) -> VirtualHostChange:
    lib = _ffi.lib
    old = lib.contour_vhost_change_old(ptr)
    new = lib.contour_vhost_change_new(ptr)
    at = lib.contour_vhost_change_route_at
    n = lib.contour_vhost_change_route_count(ptr)
    return VirtualHostChange(
        listener=_records.text(lib.contour_vhost_change_listener(ptr)) or "",
        port=int(lib.contour_vhost_change_port(ptr)),
        fqdn=_records.text(lib.contour_vhost_change_fqdn(ptr)) or "",
        change=Change(lib.contour_vhost_change_kind(ptr)),
        tls_changed=bool(lib.contour_vhost_change_tls_changed(ptr)),
        old=_records.vhost(old) if old else None,
        new=_records.vhost(new) if new else None,
        routes=tuple(_route_change(at(ptr, i)) for i in range(n)),
    )


def _status_change(ptr: int) -> StatusChange:
    lib = _ffi.lib
    old = lib.contour_status_change_old(ptr)
    new = lib.contour_status_change_new(ptr)
    old_s = _records.status(old) if old else None
    new_s = _records.status(new) if new else None
    either = new_s or old_s
    assert either is not None
    return StatusChange(
        change=Change(lib.contour_status_change_kind(ptr)),
        kind=either.kind,
        namespace=either.namespace,
        name=either.name,
        old=old_s,
        new=new_s,
    )


class Diff(Handle):
    """What changed between two route graphs (``contour_diff_graphs()``): virtual hosts
    added, removed or changed per listener, with their route changes; statuses whose
    state, description or virtual hosts changed; diagnostics that appeared or were
    resolved. Falsy when nothing changed.

    Make one with :func:`contour.diff` (or read a verdict's, :attr:`Verdict.diff`). A diff
    keeps what it shows: it stays valid after both graphs are closed. The records are
    read once and cached; they are plain values. :meth:`json`, :meth:`text`,
    :meth:`render` and :meth:`write` give the library's renderings. Immutable; safe to
    read from many threads. Release it with :meth:`close` or a ``with`` block; any use
    of a closed diff raises ``ValueError``. Copying raises ``TypeError``.
    """

    __slots__ = ("_cache",)
    _free_name = "contour_diff_free"
    _what = "Diff"
    _made_by = "contour.diff(old, new)"

    def _own(self, ptr: int) -> None:
        super()._own(ptr)
        self._cache: dict[str, Any] = {}

    def _cached(self, key: str, read: Any) -> Any:
        with self._reading() as d:
            value = self._cache.get(key)
            if value is None:
                value = self._cache[key] = read(d)
            return value

    # -- records -------------------------------------------------------------------------

    @property
    def virtual_hosts(self) -> tuple[VirtualHostChange, ...]:
        """Virtual host changes, by listener port (of the new graph), then fqdn."""
        lib = _ffi.lib

        def read(d: int) -> tuple[VirtualHostChange, ...]:
            at = lib.contour_diff_vhost_at
            return tuple(_vhost_change(at(d, i)) for i in range(lib.contour_diff_vhost_count(d)))

        result: tuple[VirtualHostChange, ...] = self._cached("vhosts", read)
        return result

    @property
    def statuses(self) -> tuple[StatusChange, ...]:
        """Status changes, by (namespace, name)."""
        lib = _ffi.lib

        def read(d: int) -> tuple[StatusChange, ...]:
            at = lib.contour_diff_status_at
            return tuple(_status_change(at(d, i)) for i in range(lib.contour_diff_status_count(d)))

        result: tuple[StatusChange, ...] = self._cached("statuses", read)
        return result

    @property
    def added_diagnostics(self) -> tuple[Diagnostic, ...]:
        """Diagnostics only in the new graph, in the graph's diagnostic order."""
        lib = _ffi.lib

        def read(d: int) -> tuple[Diagnostic, ...]:
            at = lib.contour_diff_added_diagnostic_at
            n = lib.contour_diff_added_diagnostic_count(d)
            return tuple(_records.diagnostic(at(d, i)) for i in range(n))

        result: tuple[Diagnostic, ...] = self._cached("added", read)
        return result

    @property
    def resolved_diagnostics(self) -> tuple[Diagnostic, ...]:
        """Diagnostics only in the old graph: resolved by the change."""
        lib = _ffi.lib

        def read(d: int) -> tuple[Diagnostic, ...]:
            at = lib.contour_diff_resolved_diagnostic_at
            n = lib.contour_diff_resolved_diagnostic_count(d)
            return tuple(_records.diagnostic(at(d, i)) for i in range(n))

        result: tuple[Diagnostic, ...] = self._cached("resolved", read)
        return result

    def __bool__(self) -> bool:
        """True when something changed (``not contour_diff_is_empty()``)."""
        with self._reading() as d:
            return not _ffi.lib.contour_diff_is_empty(d)

    # -- rendering -----------------------------------------------------------------------

    def render(self, format: FormatArg = "json") -> bytes:
        """The library's rendering, ``"json"`` (docs/route-graph.md, "Graph diff") or
        ``"text"``, as bytes."""
        fmt = output_format(format, _DIFF_FORMATS)
        with self._reading() as d:
            out = ctypes.c_void_p()
            st = _ffi.lib.contour_diff_render(ctypes.byref(out), d, fmt)
            if st != 0:
                raise_for(st, f"rendering the diff as {fmt.name}")
            return take_buffer(out.value)

    def json(self) -> str:
        """The diff as JSON: ``{"virtualhosts": [...], "statuses": [...],
        "diagnostics": {"added": [...], "resolved": [...]}}``."""
        return self.render(OutputFormat.JSON).decode("utf-8")

    def text(self) -> str:
        """The diff as a human-readable listing (``"no changes"`` when empty)."""
        return self.render(OutputFormat.TEXT).decode("utf-8")

    def write(self, fileobj: object, format: FormatArg = "json") -> int:
        """Writes :meth:`render`'s bytes into a file object as they are produced
        (``contour_diff_write()``), as :meth:`Graph.write` does; returns the byte count.
        An exception raised by the file object propagates as itself."""
        fmt = output_format(format, _DIFF_FORMATS)
        lib = _ffi.lib
        with self._reading() as d:
            return write_through(
                fileobj,
                lambda cb: int(lib.contour_diff_write(d, fmt, cb, None)),
                f"writing the diff as {fmt.name}",
            )

    def __repr__(self) -> str:
        if self.closed:
            return "<contour.Diff (closed)>"
        lib = _ffi.lib
        with self._reading() as d:
            return (
                f"<contour.Diff virtual_hosts={lib.contour_diff_vhost_count(d)} "
                f"statuses={lib.contour_diff_status_count(d)} "
                f"added_diagnostics={lib.contour_diff_added_diagnostic_count(d)} "
                f"resolved_diagnostics={lib.contour_diff_resolved_diagnostic_count(d)}>"
            )


def diff(old: Graph, new: Graph) -> Diff:
    """What changed from graph ``old`` to graph ``new`` (``contour_diff_graphs()``). Two
    graphs of one snapshot (``snapshot.resolve(previous=old)``) are compared in time
    proportional to the change; any two graphs can be compared."""
    for what, g in (("old", old), ("new", new)):
        if not isinstance(g, Graph):
            raise TypeError(f"{what} must be a contour.Graph, not {type(g).__name__}")
    out = ctypes.c_void_p()
    with old._reading() as a, new._reading() as b:
        st = _ffi.lib.contour_diff_graphs(ctypes.byref(out), a, b)
    if st != 0:
        raise_for(st, "comparing the graphs")
    if out.value is None:
        raise ContourError("contour_diff_graphs() returned OK but no diff")
    return Diff._adopt(out.value)
