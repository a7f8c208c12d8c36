"""Graph: a resolved route graph (owns a ``contour_graph``)."""

from __future__ import annotations

import ctypes
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from . import _export, _ffi
from ._export import PART_DIAGNOSTICS, PART_LISTENERS, PART_STATUSES, gc_paused
from ._enums import Kind, OutputFormat, ReferenceType, Severity, checked_kind
from ._errors import not_found, raise_for
from ._handle import Handle
from ._model import Diagnostic, Listener, ObjectRef, Reference, Status
from ._write import FormatArg, output_format, write_through

__all__ = ["Graph", "GraphFilter", "RouteGraph"]


@dataclass(frozen=True)
class RouteGraph:
    """Everything a graph shows, as Python values (what ``graph.to_json()`` prints)."""

    listeners: tuple[Listener, ...]
    statuses: tuple[Status, ...]
    diagnostics: tuple[Diagnostic, ...]


def _names(values: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"GraphFilter {what} must be an iterable of str, not a single string")
    out = tuple(values)
    for v in out:
        if not isinstance(v, str):
            raise TypeError(f"GraphFilter {what} must hold str, not {type(v).__name__}")
        if not v or "\0" in v:
            raise ValueError(f"GraphFilter {what}: {v!r} is empty or contains a NUL character")
        try:
            v.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"GraphFilter {what}: {v!r} is not valid UTF-8 ({exc.reason})") from None
    return out


@dataclass(frozen=True)
class GraphFilter:
    """Which part of a graph :meth:`Graph.render` and :meth:`Graph.write` show
    (``contour_graph_filter``): the virtual hosts (fqdns, ``"*"`` for the Ingress
    catch-all) and namespaces a person asks about.

    With ``vhosts``, a rendering keeps those virtual hosts' routes and tcpproxy, the
    statuses of IngressRoutes reached through them and the diagnostics about the objects
    shown; with ``namespaces``, the routes whose source is in one of them, their statuses
    and diagnostics; with both, both conditions hold. An empty filter shows everything.
    """

    vhosts: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "vhosts", _names(self.vhosts, "vhosts"))
        object.__setattr__(self, "namespaces", _names(self.namespaces, "namespaces"))


@contextmanager
def _c_filter(flt: GraphFilter | None) -> Iterator[int | None]:
    """A ``contour_graph_filter`` for the duration of one call (None for None)."""
    if flt is None:
        yield None
        return
    if not isinstance(flt, GraphFilter):
        raise TypeError(f"filter must be a contour.GraphFilter or None, not {type(flt).__name__}")
    lib = _ffi.lib
    out = ctypes.c_void_p()
    st = lib.contour_graph_filter_new(ctypes.byref(out))
    if st != 0:
        raise_for(st, "creating a graph filter")
    ptr = out.value
    try:
        for add, values, what in (
            (lib.contour_graph_filter_add_vhost, flt.vhosts, "vhost"),
            (lib.contour_graph_filter_add_namespace, flt.namespaces, "namespace"),
        ):
            for v in values:
                raw = v.encode("utf-8")
                st = add(ptr, raw, len(raw))
                if st != 0:
                    raise_for(st, f"adding {what} {v!r} to a graph filter")
        yield ptr
    finally:
        lib.contour_graph_filter_free(ptr)


def _text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "surrogateescape")


def _reference(ptr: int) -> Reference:
    lib = _ffi.lib
    text = _text
    rule = int(lib.contour_reference_rule(ptr))
    return Reference(
        type=ReferenceType(lib.contour_reference_type_of(ptr)),
        source=ObjectRef(
            Kind(lib.contour_reference_from_kind(ptr)),
            text(lib.contour_reference_from_namespace(ptr)) or "",
            text(lib.contour_reference_from_name(ptr)) or "",
        ),
        target=ObjectRef(
            Kind(lib.contour_reference_to_kind(ptr)),
            text(lib.contour_reference_to_namespace(ptr)) or "",
            text(lib.contour_reference_to_name(ptr)) or "",
        ),
        target_missing=bool(lib.contour_reference_target_missing(ptr)),
        index=int(lib.contour_reference_index(ptr)),
        service_index=int(lib.contour_reference_service_index(ptr)),
        rule=None if rule < 0 else rule,
        path=text(lib.contour_reference_path(ptr)),
    )


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

    def render(self, format: FormatArg = "json", *, filter: GraphFilter | None = None) -> bytes:
        """The C library's rendering (``"json"``, ``"text"`` or ``"dot"``), as bytes: all
        of the graph, or the part ``filter`` selects."""
        fmt = output_format(format)
        lib = _ffi.lib
        with _c_filter(filter) as flt, self._reading() as g:
            out = ctypes.c_void_p()
            if flt is None:
                st = lib.contour_graph_render(ctypes.byref(out), g, fmt)
            else:
                st = lib.contour_graph_render_filtered(ctypes.byref(out), g, fmt, flt)
            if st != 0:
                raise_for(st, f"rendering the graph as {fmt.name}")
            return take_buffer(out.value)

    def write(
        self, fileobj: object, format: FormatArg = "json", *, filter: GraphFilter | None = None
    ) -> int:
        """Writes the rendering :meth:`render` would return into a file object, piece by
        piece as the library produces it (``contour_graph_write()``): the output is never
        held whole, however large the graph. Returns the number of bytes written.

        ``fileobj`` is a binary file (``write(bytes)``; short writes of a raw file are
        completed) or a text file (``io.TextIOBase``: gets ``str``). An exception raised
        by its ``write`` stops the rendering and propagates as itself; what was written
        before stays written.
        """
        fmt = output_format(format)
        lib = _ffi.lib
        with _c_filter(filter) as flt, self._reading() as g:
            return write_through(
                fileobj,
                lambda cb: int(lib.contour_graph_write(g, fmt, flt, cb, None)),
                f"writing the graph as {fmt.name}",
            )

    # -- references ----------------------------------------------------------------------

    def references_to(self, kind: Kind, namespace: str, name: str) -> list[Reference]:
        """Every reference to the object (kind, namespace, name) from the graph's objects,
        by referring object (kind, namespace, name), then type and position
        (``contour_graph_references_to()``): who delegates to an IngressRoute, which
        routes, tcpproxies and Ingress backends use a Service, which roots, Ingresses and
        TLSCertificateDelegations name a Secret. The target need not exist."""
        return self._references(_ffi.lib.contour_graph_references_to, kind, namespace, name)

    def references_from(self, kind: Kind, namespace: str, name: str) -> list[Reference]:
        """Every reference the object (kind, namespace, name) makes, in the order of its
        fields (``contour_graph_references_from()``); empty for an object the graph does
        not have, a Service or a Secret."""
        return self._references(_ffi.lib.contour_graph_references_from, kind, namespace, name)

    def _references(
        self, fn: Callable[..., int], kind: Kind, namespace: str, name: str
    ) -> list[Reference]:
        k = checked_kind(kind)
        ns_b = _name_bytes(namespace, "namespace")
        name_b = _name_bytes(name, "name")
        lib = _ffi.lib
        out = ctypes.c_void_p()
        with self._reading() as g:
            st = fn(ctypes.byref(out), g, k, ns_b, len(ns_b), name_b, len(name_b))
        if st != 0:
            raise_for(st, f"listing the references of {k.k8s_name} {namespace}/{name}")
        # The list keeps the graph's records alive: it is read after the graph's lock is
        # released (the graph may even be closed meanwhile), then freed.
        lst = out.value
        try:
            at = lib.contour_reference_list_at
            return [_reference(at(lst, i)) for i in range(lib.contour_reference_list_count(lst))]
        finally:
            lib.contour_reference_list_free(lst)

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


def take_buffer(buf: int | None) -> bytes:
    """The bytes of a ``contour_buffer`` the caller owns, which is freed."""
    lib = _ffi.lib
    try:
        size = lib.contour_buffer_size(buf)
        data = lib.contour_buffer_data(buf)
        return ctypes.string_at(data, size) if size else b""
    finally:
        lib.contour_buffer_free(buf)


def _name_bytes(value: str, what: str) -> bytes:
    """A name for the C library, UTF-8. The library compares names with the strings it
    holds, which are NUL-terminated, so a name with a NUL is refused (ValueError) rather
    than silently cut or never matched."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} contains a NUL character: {value!r}")
    return value.encode("utf-8")
