"""Decoding libcontour's bulk export (``include/contour/export.h``, ``docs/export.md``).

One C call copies a graph's or a snapshot's contents out as flat records: int64 words
(a header, then one table of fixed-size records per record type, children referred to by
row) and a pool of NUL-terminated strings. This module turns one export into the
binding's Python values with no further call into the library:

* the words are read in place (a ctypes array over the export, no copy) and each table
  is unpacked into tuples with ``struct.iter_unpack``;
* the string pool is decoded once: split at its NULs into a dict from byte offset to
  ``str`` (offset -1, NULL, maps to None), so a string field is one dict lookup;
* records are built bottom-up (health checks, clusters, routes, virtual hosts,
  listeners), a parent taking its children as a slice of the list built before it.

Field positions are those of layout version 1; later layouts only add tables at the end
and fields at the end of records, so record sizes are taken from the header.
"""

from __future__ import annotations

import ctypes
import gc
import struct
import threading
from contextlib import contextmanager
from itertools import accumulate
from typing import Any, Callable, Iterator, Sequence

from . import _ffi
from ._enums import KINDS, SEVERITIES, Kind, MatchType, State
from ._errors import ContourError, raise_for
from ._model import (
    TLS,
    Cluster,
    Diagnostic,
    HealthCheck,
    Listener,
    ObjectRef,
    Retry,
    Route,
    Status,
    VirtualHost,
)
from ._objects import (
    Annotations,
    AnyObject,
    CertificateDelegation,
    Delegate,
    Ingress,
    IngressBackend,
    IngressPath,
    IngressRoute,
    IngressRouteRoute,
    IngressRouteService,
    IngressRouteTLS,
    IngressRule,
    IngressTLS,
    KubeObject,
    RetryPolicy,
    Secret,
    SecretKey,
    Service,
    ServicePort,
    TCPProxySpec,
    TimeoutPolicy,
    TLSCertificateDelegation,
    VirtualHostSpec,
)

__all__ = ["Export", "gc_paused"]

#: The layout this decoder was written for (docs/export.md).
LAYOUT_VERSION = 1

# contour_export_part
PART_LISTENERS = 1
PART_STATUSES = 2
PART_DIAGNOSTICS = 4
PART_OBJECTS = 8

# contour_export_table, and the record sizes of layout version 1
(
    LISTENER,
    VHOST,
    ROUTE,
    CLUSTER,
    HEALTH_CHECK,
    STATUS,
    STRING,
    DIAGNOSTIC,
    OBJECT,
    OBJECT_DIAGNOSTIC,
    ANNOTATION,
    INGRESSROUTE,
    INGRESSROUTE_ROUTE,
    INGRESSROUTE_SERVICE,
    TLSCERTIFICATEDELEGATION,
    TLSCERTIFICATEDELEGATION_DELEGATION,
    INGRESS,
    INGRESS_RULE,
    INGRESS_PATH,
    INGRESS_BACKEND,
    INGRESS_TLS,
    SERVICE,
    SERVICE_PORT,
    SECRET,
    SECRET_KEY,
) = range(25)
_SIZES = (6, 15, 21, 17, 8, 14, 2, 16, 16, 16, 4, 19, 20, 7, 2, 4, 7, 5, 5, 6, 4, 2, 3, 5, 3)

_STATES = tuple(State)
_MATCH = tuple(MatchType)
_new = object.__new__

Record = tuple[int, ...]


class _Strings(dict[int, "str | None"]):
    """Byte offset in the pool -> the string starting there (-1 -> None)."""

    __slots__ = ("_pool",)

    def __init__(self, pool: bytes) -> None:
        # Each string is followed by a NUL and holds none, so splitting at NULs yields
        # the strings in pool order; their offsets are the running sums of len + 1.
        pieces = pool.decode("utf-8", "surrogateescape").split("\0")
        # Byte lengths: the pieces' own when the pool is ASCII (the usual case).
        lengths = map(len, pieces if pool.isascii() else pool.split(b"\0"))
        offsets = accumulate(map((1).__add__, lengths), initial=0)
        super().__init__(zip(offsets, pieces))
        self[-1] = None
        self._pool = pool

    def __missing__(self, offset: int) -> str:
        # An offset inside another string's bytes (the library may point the empty
        # string at any NUL): decode up to the next NUL.
        if not 0 <= offset < len(self._pool):
            raise ContourError(f"export: string offset {offset} outside the pool")
        end = self._pool.index(b"\0", offset)
        s = self[offset] = self._pool[offset:end].decode("utf-8", "surrogateescape")
        return s


class Export:
    """The words and strings of one ``contour_export``, read while it is alive.

    Use as a context manager: the export is freed on exit, and nothing decoded from it
    refers to it (tables are unpacked into tuples, strings into ``str``).
    """

    __slots__ = ("_ptr", "_words", "_tables", "strings")

    def __init__(self, make: Callable[[Any], int], what: str) -> None:
        """``make(byref(out))`` is the export call (its result is checked)."""
        out = ctypes.c_void_p()
        st = make(ctypes.byref(out))
        if st != 0:
            raise_for(st, what)
        if not out.value:
            raise ContourError(f"{what}: the library returned OK but no export")
        self._ptr: int | None = out.value
        try:
            self._read()
        except BaseException:
            self.close()
            raise

    def _read(self) -> None:
        lib = _ffi.lib
        e = self._ptr
        n = int(lib.contour_export_word_count(e))
        if n < 3:
            raise ContourError(f"export: {n} words, too short for a header")
        words = (ctypes.c_int64 * n).from_address(lib.contour_export_words(e))
        self._words = memoryview(words).cast("B")
        version, _parts, ntables = words[0], words[1], words[2]
        if version < LAYOUT_VERSION or ntables < len(_SIZES) or 3 + 3 * ntables > n:
            raise ContourError(
                f"export: layout {version} with {ntables} tables; this binding decodes "
                f"layout {LAYOUT_VERSION} ({len(_SIZES)} tables) and its extensions"
            )
        tables: list[tuple[int, int, int]] = []
        for i in range(len(_SIZES)):
            start, count, size = words[3 + 3 * i], words[4 + 3 * i], words[5 + 3 * i]
            if count and (size < _SIZES[i] or start < 0 or start + count * size > n):
                raise ContourError(f"export: table {i} does not fit its layout")
            tables.append((start, count, size))
        self._tables = tables
        pool = ctypes.string_at(lib.contour_export_strings(e), lib.contour_export_string_size(e))
        self.strings = _Strings(pool)

    def table(self, table: int) -> list[Record]:
        """The records of a table, as tuples of words."""
        start, count, size = self._tables[table]
        if not count:
            return []
        data = self._words[8 * start : 8 * (start + count * size)]
        return list(struct.iter_unpack(f"{size}q", data))

    def strings_of(self, table: int) -> list[str | None]:
        """The values of a table whose records start with one string (STRING)."""
        S = self.strings
        return [S[r[0]] for r in self.table(table)]

    def close(self) -> None:
        ptr, self._ptr = self._ptr, None
        if ptr is not None:
            if hasattr(self, "_words"):
                self._words.release()
            _ffi.lib.contour_export_free(ptr)

    def __enter__(self) -> Export:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __copy__(self) -> Any:
        raise TypeError("cannot copy a contour export")

    def __deepcopy__(self, memo: dict[int, object]) -> Any:
        raise TypeError("cannot copy a contour export")

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("cannot pickle a contour export")


def graph_export(graph: int, parts: int) -> Export:
    """``contour_graph_export()`` of a graph the caller holds the lock of."""
    return Export(lambda out: _ffi.lib.contour_graph_export(out, graph, parts), "exporting the graph")


def status_export(graph: int, status: int) -> Export:
    return Export(
        lambda out: _ffi.lib.contour_graph_export_status(out, graph, status),
        "exporting a status",
    )


def snapshot_export(snapshot: int, kind: int, parts: int) -> Export:
    return Export(
        lambda out: _ffi.lib.contour_snapshot_export(out, snapshot, kind, parts),
        "exporting the snapshot",
    )


def object_export(snapshot: int, obj: int) -> Export:
    return Export(
        lambda out: _ffi.lib.contour_snapshot_export_object(out, snapshot, obj),
        "exporting an object",
    )


# ---------------------------------------------------------------------------------------------
# The garbage collector
# ---------------------------------------------------------------------------------------------

_gc_lock = threading.Lock()
_gc_depth = 0
_gc_reenable = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector while a decode builds its objects.

    A decode allocates hundreds of thousands of acyclic, immutable objects; every 700 of
    them CPython would run a collection that can free none of them, which more than
    doubles the time of a large decode. The collector is re-enabled (if it was enabled)
    when the last concurrent decode ends; it is never enabled if it was disabled before.
    """
    global _gc_depth, _gc_reenable
    with _gc_lock:
        if _gc_depth == 0:
            _gc_reenable = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_reenable:
                gc.enable()


def _builder(cls: type) -> Any:
    """A plain class with the instance layout of the frozen dataclass ``cls``.

    The hot decodes build an instance of it with ordinary attribute stores (which CPython
    specialises; a frozen dataclass's ``__init__`` goes through ``object.__setattr__``
    once per field, 3-5x slower), then assign ``__class__`` to turn it into ``cls``.
    Both classes have a ``__dict__`` and a ``__weakref__`` slot and nothing else, so the
    assignment is allowed; the result is an ordinary, frozen ``cls`` instance.
    """
    name = f"_{cls.__name__}Builder"
    return type(name, (), {"__module__": __name__, "__qualname__": name})


_ClusterB = _builder(Cluster)
_HealthB = _builder(HealthCheck)
_RouteB = _builder(Route)
_RetryB = _builder(Retry)
_RefB = _builder(ObjectRef)
_TLSB = _builder(TLS)
_VHostB = _builder(VirtualHost)
_ListenerB = _builder(Listener)
_StatusB = _builder(Status)
_DiagB = _builder(Diagnostic)


def _span(items: Sequence[Any], first: int, count: int) -> tuple[Any, ...]:
    return tuple(items[first : first + count]) if count else ()


# ---------------------------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------------------------


def diagnostics(x: Export, table: int = DIAGNOSTIC) -> list[Diagnostic]:
    """The records of a DIAGNOSTIC (or OBJECT_DIAGNOSTIC) table."""
    S = x.strings
    kinds, sevs, new = KINDS, SEVERITIES, _new
    RefB, DiagB, RefT, DiagT = _RefB, _DiagB, ObjectRef, Diagnostic
    refs: dict[tuple[int, str | None, str | None], ObjectRef | None] = {}
    out = []
    for r in x.table(table):
        o = new(DiagB)
        o.severity = sevs[r[0]]
        o.code = S[r[1]]
        o.message = S[r[3]]
        o.file = S[r[5]]
        o.line = r[7]
        o.column = r[8]
        o.field = S[r[9]]
        key = (r[11], S[r[12]], S[r[14]])
        ref = refs.get(key, False)
        if ref is False:
            if key == (0, None, None):
                ref = None
            else:
                ref = new(RefB)
                ref.kind = kinds[key[0]]
                ref.namespace = key[1] or ""
                ref.name = key[2] or ""
                ref.__class__ = RefT
            refs[key] = ref
        o.object = ref
        o.__class__ = DiagT
        out.append(o)
    return out


# ---------------------------------------------------------------------------------------------
# The route graph (the hot path)
# ---------------------------------------------------------------------------------------------


def health_checks(x: Export) -> list[HealthCheck]:
    S, new, HealthB, HealthT = x.strings, _new, _HealthB, HealthCheck
    out = []
    for r in x.table(HEALTH_CHECK):
        h = new(HealthB)
        h.path = S[r[0]]
        h.host = S[r[2]]
        h.interval_s = r[4]
        h.timeout_s = r[5]
        h.unhealthy_threshold = r[6]
        h.healthy_threshold = r[7]
        h.__class__ = HealthT
        out.append(h)
    return out


def listeners(x: Export) -> tuple[Listener, ...]:
    S = x.strings
    kinds, matches, new = KINDS, _MATCH, _new
    ClusterB, RouteB, RetryB, RefB = _ClusterB, _RouteB, _RetryB, _RefB
    TLSB, VHostB, ListenerB = _TLSB, _VHostB, _ListenerB
    ClusterT, RouteT, RetryT, RefT = Cluster, Route, Retry, ObjectRef
    TLST, VHostT, ListenerT = TLS, VirtualHost, Listener

    hcs = health_checks(x)
    clusters = []
    for r in x.table(CLUSTER):
        o = new(ClusterB)
        o.namespace = S[r[0]]
        o.service = S[r[2]]
        o.port = r[4]
        o.port_name = S[r[5]]
        o.weight = r[7]
        o.strategy = S[r[8]]
        o.protocol = S[r[10]]
        o.health_check = None if r[12] < 0 else hcs[r[12]]
        o.max_connections = r[13] or None
        o.max_pending_requests = r[14] or None
        o.max_requests = r[15] or None
        o.max_retries = r[16] or None
        o.__class__ = ClusterT
        clusters.append(o)

    refs: dict[tuple[int, str | None, str | None], ObjectRef] = {}
    routes = []
    for r in x.table(ROUTE):
        ro = new(RouteB)
        ro.match_type = matches[r[0]]
        ro.path = S[r[1]]
        ro.https_redirect = r[3] != 0
        ro.websocket = r[4] != 0
        ro.prefix_rewrite = S[r[5]]
        ro.timeout_ms = r[8] if r[7] else None
        if r[9]:
            rt = new(RetryB)
            rt.on = S[r[10]]
            rt.num_retries = r[12]
            rt.per_try_timeout_ms = r[13] or None
            rt.__class__ = RetryT
            ro.retry = rt
        else:
            ro.retry = None
        key = (r[14], S[r[15]], S[r[17]])
        src = refs.get(key)
        if src is None:
            src = new(RefB)
            src.kind = kinds[key[0]]
            src.namespace = key[1]
            src.name = key[2]
            src.__class__ = RefT
            refs[key] = src
        ro.source = src
        n = r[20]
        ro.clusters = tuple(clusters[r[19] : r[19] + n]) if n else ()
        ro.__class__ = RouteT
        routes.append(ro)

    vhosts = []
    for r in x.table(VHOST):
        vh = new(VHostB)
        vh.fqdn = S[r[0]]
        if r[2]:
            t = new(TLSB)
            t.secret_namespace = S[r[3]]
            t.secret_name = S[r[5]]
            t.min_protocol_version = S[r[7]]
            t.passthrough = r[9] != 0
            t.__class__ = TLST
            vh.tls = t
        else:
            vh.tls = None
        n = r[11]
        vh.routes = tuple(routes[r[10] : r[10] + n]) if n else ()
        vh.tcpproxy = tuple(clusters[r[13] : r[13] + r[14]]) if r[12] else None
        vh.__class__ = VHostT
        vhosts.append(vh)

    out = []
    for r in x.table(LISTENER):
        lo = new(ListenerB)
        lo.name = S[r[0]]
        lo.port = r[2]
        lo.secure = r[3] != 0
        lo.virtual_hosts = _span(vhosts, r[4], r[5])
        lo.__class__ = ListenerT
        out.append(lo)
    return tuple(out)


def statuses(x: Export) -> tuple[Status, ...]:
    S = x.strings
    kinds, states, new, StatusB, StatusT = KINDS, _STATES, _new, _StatusB, Status
    strings = x.strings_of(STRING)
    out = []
    for r in x.table(STATUS):
        o = new(StatusB)
        o.kind = kinds[r[0]]
        o.namespace = S[r[1]]
        o.name = S[r[3]]
        o.state = states[r[5]]
        o.description = S[r[6]]
        n = r[9]
        o.vhosts = tuple(strings[r[8] : r[8] + n]) if n else ()
        o.file = S[r[10]]
        o.line = r[12]
        o.column = r[13]
        o.__class__ = StatusT
        out.append(o)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Snapshot objects (plain constructors: not the hot path)
# ---------------------------------------------------------------------------------------------


def objects(x: Export) -> list[AnyObject]:
    """The OBJECT table, each object with its typed spec."""
    S = x.strings
    strings = x.strings_of(STRING)
    hcs = health_checks(x)
    object_diags = diagnostics(x, OBJECT_DIAGNOSTIC)

    def opt_delegate(has: int, name: int, ns: int) -> Delegate | None:
        return Delegate(name=S[name], namespace=S[ns]) if has else None

    ir_services = [
        IngressRouteService(
            name=S[r[0]],
            port=r[2],
            weight=r[3],
            strategy=S[r[4]],
            health_check=None if r[6] < 0 else hcs[r[6]],
        )
        for r in x.table(INGRESSROUTE_SERVICE)
    ]
    ir_routes = [
        IngressRouteRoute(
            match=S[r[0]],
            services=_span(ir_services, r[2], r[3]),
            delegate=opt_delegate(r[4], r[5], r[7]),
            enable_websockets=r[9] != 0,
            permit_insecure=r[10] != 0,
            prefix_rewrite=S[r[11]],
            timeout_policy=TimeoutPolicy(request=S[r[14]]) if r[13] else None,
            retry_policy=RetryPolicy(count=r[17], per_try_timeout=S[r[18]]) if r[16] else None,
        )
        for r in x.table(INGRESSROUTE_ROUTE)
    ]
    ingressroutes: list[dict[str, Any]] = [
        {
            "virtualhost": VirtualHostSpec(
                fqdn=S[r[1]],
                tls=IngressRouteTLS(
                    secret_name=S[r[4]], min_protocol_version=S[r[6]], passthrough=r[8] != 0
                )
                if r[3]
                else None,
            )
            if r[0]
            else None,
            "routes": _span(ir_routes, r[9], r[10]),
            "tcpproxy": TCPProxySpec(
                services=_span(ir_services, r[12], r[13]),
                delegate=opt_delegate(r[14], r[15], r[17]),
            )
            if r[11]
            else None,
        }
        for r in x.table(INGRESSROUTE)
    ]
    delegations = [
        CertificateDelegation(
            secret_name=S[r[0]], target_namespaces=_span(strings, r[2], r[3])
        )
        for r in x.table(TLSCERTIFICATEDELEGATION_DELEGATION)
    ]
    tlscds: list[dict[str, Any]] = [
        {"delegations": _span(delegations, r[0], r[1])}
        for r in x.table(TLSCERTIFICATEDELEGATION)
    ]
    backends = [
        IngressBackend(service=S[r[0]], port_number=r[2], port_name=S[r[3]], is_resource=r[5] != 0)
        for r in x.table(INGRESS_BACKEND)
    ]
    paths = [
        IngressPath(path=S[r[0]], path_type=S[r[2]], backend=None if r[4] < 0 else backends[r[4]])
        for r in x.table(INGRESS_PATH)
    ]
    rules = [
        IngressRule(host=S[r[0]], has_http=r[2] != 0, paths=_span(paths, r[3], r[4]))
        for r in x.table(INGRESS_RULE)
    ]
    ingress_tls = [
        IngressTLS(secret_name=S[r[0]], hosts=_span(strings, r[2], r[3]))
        for r in x.table(INGRESS_TLS)
    ]
    ingresses: list[dict[str, Any]] = [
        {
            "ingress_class_name": S[r[0]],
            "default_backend": None if r[2] < 0 else backends[r[2]],
            "rules": _span(rules, r[3], r[4]),
            "tls": _span(ingress_tls, r[5], r[6]),
        }
        for r in x.table(INGRESS)
    ]
    ports = [ServicePort(name=S[r[0]], port=r[2]) for r in x.table(SERVICE_PORT)]
    services: list[dict[str, Any]] = [
        {"ports": _span(ports, r[0], r[1])} for r in x.table(SERVICE)
    ]
    keys = [SecretKey(name=S[r[0]] or "", has_value=r[2] != 0) for r in x.table(SECRET_KEY)]
    secrets: list[dict[str, Any]] = [
        {"secret_type": S[r[0]], "keys": _span(keys, r[2], r[3]), "is_tls": r[4] != 0}
        for r in x.table(SECRET)
    ]
    specs: dict[int, tuple[type[KubeObject], list[dict[str, Any]]]] = {
        Kind.INGRESSROUTE: (IngressRoute, ingressroutes),
        Kind.TLSCERTIFICATEDELEGATION: (TLSCertificateDelegation, tlscds),
        Kind.INGRESS: (Ingress, ingresses),
        Kind.SERVICE: (Service, services),
        Kind.SECRET: (Secret, secrets),
    }
    annotations = [(S[r[0]] or "", S[r[2]] or "") for r in x.table(ANNOTATION)]
    no_annotations = Annotations()

    out: list[AnyObject] = []
    for r in x.table(OBJECT):
        cls, rows = specs.get(r[0], (KubeObject, []))
        spec = rows[r[15]] if 0 <= r[15] < len(rows) else {}
        out.append(
            cls(
                kind=KINDS[r[0]],
                api_version=S[r[1]],
                namespace=S[r[3]] or "",
                name=S[r[5]] or "",
                file=S[r[7]] or "",
                line=r[9],
                column=r[10],
                annotations=Annotations(_span(annotations, r[11], r[12])) if r[12] else no_annotations,
                diagnostics=_span(object_diags, r[13], r[14]),
                **spec,
            )
        )
    return out
