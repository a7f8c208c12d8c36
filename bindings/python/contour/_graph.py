"""Graph: a resolved route graph (owns a ``contour_graph``)."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Union

from . import _export, _ffi
from ._export import PART_DIAGNOSTICS, PART_LISTENERS, PART_STATUSES, gc_paused
from ._enums import OutputFormat, Severity
from ._errors import not_found, raise_for
from ._handle import Handle
from ._model import Diagnostic, Listener, Status

__all__ = ["Graph", "RouteGraph"]


@dataclass(frozen=True)
class RouteGraph:
    """Everything a graph shows, as Python values (what ``graph.to_json()`` prints)."""

    listeners: tuple[Listener, ...]
    statuses: tuple[Status, ...]
    diagnostics: tuple[Diagnostic, ...]


_FORMATS = {"json": OutputFormat.JSON, "text": OutputFormat.TEXT, "dot": OutputFormat.DOT}


class Graph(Handle):
    """A resolved route graph: listeners → virtual hosts → routes → clusters, one status
    per IngressRoute, and every diagnostic. Immutable; safe to read from many threads.

    Create one with :meth:`Snapshot.resolve`. A graph holds its own copy of everything:
    it stays valid after its snapshot changes or is closed. Release it with
    :meth:`close` or a ``with`` block; reading a closed graph raises ``ValueError``.
    The ``listeners``, ``statuses`` and ``diagnostics`` properties are read once and
    cached; :meth:`walk` reads everything afresh. Each read is one bulk export of the
    graph (``contour_graph_export()``), decoded in Python.
    """

    __slots__ = ("_listeners", "_statuses", "_diagnostics")
    _free_name = "contour_graph_free"
    _what = "Graph"
    _made_by = "Snapshot.resolve()"

    def _own(self, ptr: int) -> None:
        super()._own(ptr)
        self._listeners: tuple[Listener, ...] | None = None
        self._statuses: tuple[Status, ...] | None = None
        self._diagnostics: tuple[Diagnostic, ...] | None = None

    # -- typed values --------------------------------------------------------------------

    @property
    def listeners(self) -> tuple[Listener, ...]:
        """Listeners with at least one virtual host, by port."""
        with self._reading() as g:
            if self._listeners is None:
                with gc_paused(), _export.graph_export(g, PART_LISTENERS) as x:
                    self._listeners = _export.listeners(x)
            return self._listeners

    @property
    def statuses(self) -> tuple[Status, ...]:
        """One status per IngressRoute not ignored because of its class, by (ns, name)."""
        with self._reading() as g:
            if self._statuses is None:
                with gc_paused(), _export.graph_export(g, PART_STATUSES) as x:
                    self._statuses = _export.statuses(x)
            return self._statuses

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The snapshot's load diagnostics plus those of resolution, by position."""
        with self._reading() as g:
            if self._diagnostics is None:
                with gc_paused(), _export.graph_export(g, PART_DIAGNOSTICS) as x:
                    self._diagnostics = tuple(_export.diagnostics(x))
            return self._diagnostics

    def walk(self) -> RouteGraph:
        """Reads the whole graph into Python values (one export; not cached)."""
        parts = PART_LISTENERS | PART_STATUSES | PART_DIAGNOSTICS
        with self._reading() as g, gc_paused(), _export.graph_export(g, parts) as x:
            return RouteGraph(
                _export.listeners(x), _export.statuses(x), tuple(_export.diagnostics(x))
            )

    def status(self, namespace: str, name: str) -> Status:
        """The status of one IngressRoute; NotFoundError (a KeyError) when it has none."""
        ns_b = _name_bytes(namespace, "namespace")
        name_b = _name_bytes(name, "name")
        with self._reading() as g:
            found = _ffi.lib.contour_graph_find_status(g, ns_b, len(ns_b), name_b, len(name_b))
            if not found:
                raise not_found(f"no status for IngressRoute {namespace}/{name}")
            with _export.status_export(g, found) as x:
                return _export.statuses(x)[0]

    def count(self, severity: Severity) -> int:
        """Number of diagnostics of a severity."""
        sev = Severity(severity)
        with self._reading() as g:
            return int(_ffi.lib.contour_graph_diagnostic_count_by_severity(g, sev))

    @property
    def error_count(self) -> int:
        return self.count(Severity.ERROR)

    # -- rendering -----------------------------------------------------------------------

    def render(self, format: Union[str, OutputFormat] = "json") -> bytes:
        """The C library's rendering (``"json"``, ``"text"`` or ``"dot"``), as bytes."""
        if isinstance(format, str):
            try:
                fmt = _FORMATS[format]
            except KeyError:
                raise ValueError(f"unknown output format {format!r} (json, text or dot)") from None
        else:
            fmt = OutputFormat(format)
        lib = _ffi.lib
        with self._reading() as g:
            out = ctypes.c_void_p()
            st = lib.contour_graph_render(ctypes.byref(out), g, fmt)
            if st != 0:
                raise_for(st, f"rendering the graph as {fmt.name}")
            buf = out.value
            try:
                size = lib.contour_buffer_size(buf)
                data = lib.contour_buffer_data(buf)
                return ctypes.string_at(data, size) if size else b""
            finally:
                lib.contour_buffer_free(buf)

    def to_json(self) -> str:
        """The route graph as JSON: exactly the bytes ``contourc graph --format json``
        prints, decoded as UTF-8."""
        return self.render(OutputFormat.JSON).decode("utf-8")

    def to_text(self) -> str:
        """An indented human-readable listing."""
        return self.render(OutputFormat.TEXT).decode("utf-8")

    def to_dot(self) -> str:
        """Graphviz: roots → delegates → services, broken objects marked."""
        return self.render(OutputFormat.DOT).decode("utf-8")

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<contour.Graph (closed)>"
        lib = _ffi.lib
        with self._reading() as g:
            return (
                f"<contour.Graph listeners={lib.contour_graph_listener_count(g)} "
                f"statuses={lib.contour_graph_status_count(g)} "
                f"diagnostics={lib.contour_graph_diagnostic_count(g)}>"
            )


def _name_bytes(value: str, what: str) -> bytes:
    """A name for the C library, UTF-8. The library compares names with the strings it
    holds, which are NUL-terminated, so a name with a NUL is refused (ValueError) rather
    than silently cut or never matched."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} contains a NUL character: {value!r}")
    return value.encode("utf-8")
