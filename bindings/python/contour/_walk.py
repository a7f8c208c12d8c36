"""Reading C handles into Python values: diagnostics, snapshot objects, the route graph.

Callers hold the owner's lock (see _handle.py) for the whole read: every pointer here is
borrowed from a snapshot or graph.

The graph walk is the hot path (a 100,000-object graph is millions of accessor calls), so
it is written for CPython's sake: ctypes functions bound to locals, enums looked up in
tuples instead of calling the IntEnum, optional integers folded with ``or None``, the
frozen dataclasses built through layout-compatible builder classes (see ``_builder``),
repeated strings decoded once, and the cyclic GC paused (see ``gc_paused``). Clusters are
immutable, so one C cluster seen twice becomes one Python object.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from . import _ffi
from ._enums import KINDS, SEVERITIES, Kind, MatchType, State
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

_KINDS = KINDS
_SEVERITIES = SEVERITIES
_STATES = tuple(State)
_MATCH = tuple(MatchType)

_new = object.__new__



def _builder(cls: type) -> Any:
    """A plain class with the instance layout of the frozen dataclass ``cls``.

    The hot walks build an instance of it with ordinary attribute stores (which CPython
    specialises; a frozen dataclass's ``__init__`` goes through ``object.__setattr__``
    once per field, 3-5x slower), then assign ``__class__`` to turn it into ``cls``.
    Both classes have a ``__dict__`` and a ``__weakref__`` slot and nothing else, so
    the assignment is allowed; the result is an ordinary, frozen ``cls`` instance.
    """
    return type(f"_{cls.__name__}Builder", (), {"__module__": __name__, "__qualname__": f"_{cls.__name__}Builder"})


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

_gc_lock = threading.Lock()
_gc_depth = 0
_gc_reenable = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector while a walk builds its objects.

    A walk allocates hundreds of thousands of acyclic, immutable objects; every 700 of
    them CPython would run a collection that can free none of them, which more than
    doubles the time of a large walk. The collector is re-enabled (if it was enabled)
    when the last concurrent walk ends; it is never enabled if it was disabled before.
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


def _opt(b: bytes | None) -> str | None:
    return None if b is None else b.decode()


def _str(b: bytes | None) -> str:
    return "" if b is None else b.decode()


def _path(b: bytes | None) -> str:
    # Source names are file paths, which need not be UTF-8 on POSIX.
    return "" if b is None else b.decode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------------------------


def diagnostics(owner: int, count_fn: Callable[[int], int], at_fn: Callable[[int, int], int]) -> tuple[Diagnostic, ...]:
    """Every diagnostic of an owner (snapshot, graph or object), in the C order."""
    L = _ffi.lib
    sev = L.contour_diagnostic_severity
    code = L.contour_diagnostic_code
    msg = L.contour_diagnostic_message
    file = L.contour_diagnostic_file
    line = L.contour_diagnostic_line
    col = L.contour_diagnostic_column
    field = L.contour_diagnostic_field
    okind = L.contour_diagnostic_object_kind
    ons = L.contour_diagnostic_object_namespace
    oname = L.contour_diagnostic_object_name
    kinds = _KINDS
    sevs = _SEVERITIES
    new = _new
    RefB, DiagB = _RefB, _DiagB
    RefT, DiagT = ObjectRef, Diagnostic
    refs: dict[tuple[int, bytes | None, bytes | None], ObjectRef | None] = {}
    files: dict[bytes | None, str] = {}
    codes: dict[bytes, str] = {}
    out = []
    for i in range(count_fn(owner)):
        d = at_fn(owner, i)
        o = new(DiagB)
        o.severity = sevs[sev(d)]
        b = code(d)
        c = codes.get(b)
        if c is None:
            c = codes[b] = b.decode()
        o.code = c
        o.message = msg(d).decode()
        b = file(d)
        f = files.get(b)
        if f is None:
            f = files[b] = _path(b)
        o.file = f
        o.line = line(d)
        o.column = col(d)
        b = field(d)
        o.field = None if b is None else b.decode()
        k = okind(d)
        key = (k, ons(d), oname(d))
        ref = refs.get(key, False)
        if ref is False:
            if k == 0 and key[1] is None and key[2] is None:
                ref = None
            else:
                ref = new(RefB)
                ref.kind = kinds[k]
                ref.namespace = _str(key[1])
                ref.name = _str(key[2])
                ref.__class__ = RefT
            refs[key] = ref
        o.object = ref
        o.__class__ = DiagT
        out.append(o)
    return tuple(out)


def snapshot_diagnostics(snap: int) -> tuple[Diagnostic, ...]:
    L = _ffi.lib
    return diagnostics(snap, L.contour_snapshot_diagnostic_count, L.contour_snapshot_diagnostic_at)


def graph_diagnostics(graph: int) -> tuple[Diagnostic, ...]:
    L = _ffi.lib
    return diagnostics(graph, L.contour_graph_diagnostic_count, L.contour_graph_diagnostic_at)


# ---------------------------------------------------------------------------------------------
# Snapshot objects (not a hot path: plain constructors)
# ---------------------------------------------------------------------------------------------


def _common(o: int) -> dict[str, Any]:
    L = _ffi.lib
    n = L.contour_object_annotation_count(o)
    if n:
        at = L.contour_object_annotation_at
        key = L.contour_annotation_key
        value = L.contour_annotation_value
        annotations = Annotations(
            tuple([(_str(key(a)), _str(value(a))) for a in [at(o, i) for i in range(n)]])
        )
    else:
        annotations = _NO_ANNOTATIONS
    has_diags = L.contour_object_diagnostic_count(o)
    return {
        "kind": _KINDS[L.contour_object_kind(o)],
        "api_version": _opt(L.contour_object_api_version(o)),
        "namespace": _str(L.contour_object_namespace(o)),
        "name": _str(L.contour_object_name(o)),
        "file": _path(L.contour_object_file(o)),
        "line": L.contour_object_line(o),
        "column": L.contour_object_column(o),
        "annotations": annotations,
        "diagnostics": (
            diagnostics(o, L.contour_object_diagnostic_count, L.contour_object_diagnostic_at)
            if has_diags
            else ()
        ),
    }


_NO_ANNOTATIONS = Annotations()


def health_check(h: int | None) -> HealthCheck | None:
    """A ``contour_health_check`` (a service's or a cluster's), or None for NULL."""
    if not h:
        return None
    L = _ffi.lib
    return HealthCheck(
        path=_opt(L.contour_health_check_path(h)),
        host=_opt(L.contour_health_check_host(h)),
        interval_s=L.contour_health_check_interval_s(h),
        timeout_s=L.contour_health_check_timeout_s(h),
        unhealthy_threshold=L.contour_health_check_unhealthy_threshold(h),
        healthy_threshold=L.contour_health_check_healthy_threshold(h),
    )


def _ir_service(s: int) -> IngressRouteService:
    L = _ffi.lib
    return IngressRouteService(
        name=_opt(L.contour_ingressroute_service_name(s)),
        port=L.contour_ingressroute_service_port(s),
        weight=L.contour_ingressroute_service_weight(s),
        strategy=_opt(L.contour_ingressroute_service_strategy(s)),
        health_check=health_check(L.contour_ingressroute_service_health_check(s)),
    )


def _ir_route(r: int) -> IngressRouteRoute:
    L = _ffi.lib
    delegate = None
    if L.contour_ingressroute_route_has_delegate(r):
        delegate = Delegate(
            name=_opt(L.contour_ingressroute_route_delegate_name(r)),
            namespace=_opt(L.contour_ingressroute_route_delegate_namespace(r)),
        )
    timeout = None
    if L.contour_ingressroute_route_has_timeout_policy(r):
        timeout = TimeoutPolicy(request=_opt(L.contour_ingressroute_route_timeout_policy_request(r)))
    retry = None
    if L.contour_ingressroute_route_has_retry_policy(r):
        retry = RetryPolicy(
            count=L.contour_ingressroute_route_retry_policy_count(r),
            per_try_timeout=_opt(L.contour_ingressroute_route_retry_policy_per_try_timeout(r)),
        )
    return IngressRouteRoute(
        match=_opt(L.contour_ingressroute_route_match(r)),
        services=tuple(
            _ir_service(L.contour_ingressroute_route_service_at(r, i))
            for i in range(L.contour_ingressroute_route_service_count(r))
        ),
        delegate=delegate,
        enable_websockets=L.contour_ingressroute_route_enable_websockets(r),
        permit_insecure=L.contour_ingressroute_route_permit_insecure(r),
        prefix_rewrite=_opt(L.contour_ingressroute_route_prefix_rewrite(r)),
        timeout_policy=timeout,
        retry_policy=retry,
    )


def _ingressroute(o: int) -> IngressRoute:
    L = _ffi.lib
    vh = None
    if L.contour_ingressroute_has_virtualhost(o):
        tls = None
        if L.contour_ingressroute_has_tls(o):
            tls = IngressRouteTLS(
                secret_name=_opt(L.contour_ingressroute_tls_secret_name(o)),
                min_protocol_version=_opt(L.contour_ingressroute_tls_min_protocol_version(o)),
                passthrough=L.contour_ingressroute_tls_passthrough(o),
            )
        vh = VirtualHostSpec(fqdn=_opt(L.contour_ingressroute_fqdn(o)), tls=tls)
    tcp = None
    if L.contour_ingressroute_has_tcpproxy(o):
        delegate = None
        if L.contour_ingressroute_tcpproxy_has_delegate(o):
            delegate = Delegate(
                name=_opt(L.contour_ingressroute_tcpproxy_delegate_name(o)),
                namespace=_opt(L.contour_ingressroute_tcpproxy_delegate_namespace(o)),
            )
        tcp = TCPProxySpec(
            services=tuple(
                _ir_service(L.contour_ingressroute_tcpproxy_service_at(o, i))
                for i in range(L.contour_ingressroute_tcpproxy_service_count(o))
            ),
            delegate=delegate,
        )
    return IngressRoute(
        **_common(o),
        virtualhost=vh,
        routes=tuple(
            _ir_route(L.contour_ingressroute_route_at(o, i))
            for i in range(L.contour_ingressroute_route_count(o))
        ),
        tcpproxy=tcp,
    )


def _tlscertdelegation(o: int) -> TLSCertificateDelegation:
    L = _ffi.lib
    delegations = []
    target_at = L.contour_tlscertificatedelegation_delegation_target_namespace_at
    for i in range(L.contour_tlscertificatedelegation_delegation_count(o)):
        d = L.contour_tlscertificatedelegation_delegation_at(o, i)
        delegations.append(
            CertificateDelegation(
                secret_name=_opt(L.contour_tlscertificatedelegation_delegation_secret_name(d)),
                target_namespaces=tuple(
                    _str(target_at(d, t))
                    for t in range(
                        L.contour_tlscertificatedelegation_delegation_target_namespace_count(d)
                    )
                ),
            )
        )
    return TLSCertificateDelegation(**_common(o), delegations=tuple(delegations))


def _backend(b: int | None) -> IngressBackend | None:
    if not b:
        return None
    L = _ffi.lib
    return IngressBackend(
        service=_opt(L.contour_ingress_backend_service_name(b)),
        port_number=L.contour_ingress_backend_port(b),
        port_name=_opt(L.contour_ingress_backend_port_name(b)),
        is_resource=L.contour_ingress_backend_is_resource(b),
    )


def _ingress(o: int) -> Ingress:
    L = _ffi.lib
    rules = []
    for i in range(L.contour_ingress_rule_count(o)):
        r = L.contour_ingress_rule_at(o, i)
        paths = []
        for j in range(L.contour_ingress_rule_path_count(r)):
            p = L.contour_ingress_rule_path_at(r, j)
            paths.append(
                IngressPath(
                    path=_opt(L.contour_ingress_path_path(p)),
                    path_type=_opt(L.contour_ingress_path_path_type(p)),
                    backend=_backend(L.contour_ingress_path_backend(p)),
                )
            )
        rules.append(
            IngressRule(
                host=_opt(L.contour_ingress_rule_host(r)),
                has_http=L.contour_ingress_rule_has_http(r),
                paths=tuple(paths),
            )
        )
    tls = tuple(
        IngressTLS(
            secret_name=_opt(L.contour_ingress_tls_secret_name(t)),
            hosts=tuple(
                _str(L.contour_ingress_tls_host_at(t, h))
                for h in range(L.contour_ingress_tls_host_count(t))
            ),
        )
        for t in [L.contour_ingress_tls_at(o, i) for i in range(L.contour_ingress_tls_count(o))]
    )
    return Ingress(
        **_common(o),
        ingress_class_name=_opt(L.contour_ingress_class_name(o)),
        default_backend=_backend(L.contour_ingress_default_backend(o)),
        rules=tuple(rules),
        tls=tls,
    )


def _service(o: int) -> Service:
    L = _ffi.lib
    return Service(
        **_common(o),
        ports=tuple(
            ServicePort(
                name=_opt(L.contour_service_port_name(p)),
                port=L.contour_service_port_port(p),
            )
            for p in [L.contour_service_port_at(o, i) for i in range(L.contour_service_port_count(o))]
        ),
    )


def _secret(o: int) -> Secret:
    L = _ffi.lib
    return Secret(
        **_common(o),
        secret_type=_opt(L.contour_secret_type(o)),
        keys=tuple(
            SecretKey(
                name=_str(L.contour_secret_key_name(k)),
                has_value=L.contour_secret_key_has_value(k),
            )
            for k in [L.contour_secret_key_at(o, i) for i in range(L.contour_secret_key_count(o))]
        ),
        is_tls=L.contour_secret_is_tls(o),
    )


_BUILDERS: dict[int, Callable[[int], AnyObject]] = {
    Kind.INGRESSROUTE: _ingressroute,
    Kind.TLSCERTIFICATEDELEGATION: _tlscertdelegation,
    Kind.INGRESS: _ingress,
    Kind.SERVICE: _service,
    Kind.SECRET: _secret,
}


def snapshot_object(o: int) -> AnyObject:
    """The Python value of one C object (a plain KubeObject for a kind this binding was
    not written for)."""
    builder = _BUILDERS.get(_ffi.lib.contour_object_kind(o))
    if builder is None:
        return KubeObject(**_common(o))
    return builder(o)


# ---------------------------------------------------------------------------------------------
# The route graph (the hot path)
# ---------------------------------------------------------------------------------------------


def graph_listeners(g: int) -> tuple[Listener, ...]:
    L = _ffi.lib
    listener_count = L.contour_graph_listener_count
    listener_at = L.contour_graph_listener_at
    l_name = L.contour_listener_name
    l_port = L.contour_listener_port
    l_secure = L.contour_listener_is_secure
    vhost_count = L.contour_listener_vhost_count
    vhost_at = L.contour_listener_vhost_at
    v_fqdn = L.contour_vhost_fqdn
    v_has_tls = L.contour_vhost_has_tls
    v_tls_ns = L.contour_vhost_tls_secret_namespace
    v_tls_name = L.contour_vhost_tls_secret_name
    v_tls_min = L.contour_vhost_tls_min_protocol_version
    v_tls_pt = L.contour_vhost_tls_passthrough
    route_count = L.contour_vhost_route_count
    route_at = L.contour_vhost_route_at
    v_has_tcp = L.contour_vhost_has_tcpproxy
    tcp_count = L.contour_vhost_tcpproxy_cluster_count
    tcp_at = L.contour_vhost_tcpproxy_cluster_at
    r_mt = L.contour_route_match_type
    r_path = L.contour_route_path
    r_redirect = L.contour_route_https_redirect
    r_ws = L.contour_route_websocket
    r_rewrite = L.contour_route_prefix_rewrite
    r_has_timeout = L.contour_route_has_timeout
    r_timeout = L.contour_route_timeout_ms
    r_has_retry = L.contour_route_has_retry
    r_retry_on = L.contour_route_retry_on
    r_retry_num = L.contour_route_retry_num_retries
    r_retry_ptt = L.contour_route_retry_per_try_timeout_ms
    r_skind = L.contour_route_source_kind
    r_sns = L.contour_route_source_namespace
    r_sname = L.contour_route_source_name
    cluster_count = L.contour_route_cluster_count
    cluster_at = L.contour_route_cluster_at
    c_ns = L.contour_cluster_namespace
    c_svc = L.contour_cluster_service
    c_port = L.contour_cluster_port
    c_pname = L.contour_cluster_port_name
    c_weight = L.contour_cluster_weight
    c_strategy = L.contour_cluster_strategy
    c_proto = L.contour_cluster_protocol
    c_hc = L.contour_cluster_health_check
    hc_path = L.contour_health_check_path
    hc_host = L.contour_health_check_host
    hc_interval = L.contour_health_check_interval_s
    hc_timeout = L.contour_health_check_timeout_s
    hc_unhealthy = L.contour_health_check_unhealthy_threshold
    hc_healthy = L.contour_health_check_healthy_threshold
    c_maxc = L.contour_cluster_max_connections
    c_maxp = L.contour_cluster_max_pending_requests
    c_maxr = L.contour_cluster_max_requests
    c_maxrt = L.contour_cluster_max_retries
    kinds = _KINDS
    matches = _MATCH
    new = _new
    ClusterB, RouteB, RetryB, RefB, HealthB = _ClusterB, _RouteB, _RetryB, _RefB, _HealthB
    TLSB, VHostB, ListenerB = _TLSB, _VHostB, _ListenerB
    ClusterT, RouteT, RetryT, RefT, HealthT = Cluster, Route, Retry, ObjectRef, HealthCheck
    TLST, VHostT, ListenerT = TLS, VirtualHost, Listener

    clusters_seen: dict[int, Cluster] = {}
    refs: dict[tuple[int, bytes, bytes], ObjectRef] = {}

    def cluster(c: int) -> Cluster:
        # Callers have looked c up in clusters_seen already.
        o = new(ClusterB)
        o.namespace = c_ns(c).decode()
        o.service = c_svc(c).decode()
        o.port = c_port(c)
        b = c_pname(c)
        o.port_name = None if b is None else b.decode()
        o.weight = c_weight(c)
        b = c_strategy(c)
        o.strategy = None if b is None else b.decode()
        b = c_proto(c)
        o.protocol = None if b is None else b.decode()
        hc = c_hc(c)
        if hc:
            h = new(HealthB)
            b = hc_path(hc)
            h.path = None if b is None else b.decode()
            b = hc_host(hc)
            h.host = None if b is None else b.decode()
            h.interval_s = hc_interval(hc)
            h.timeout_s = hc_timeout(hc)
            h.unhealthy_threshold = hc_unhealthy(hc)
            h.healthy_threshold = hc_healthy(hc)
            h.__class__ = HealthT
            o.health_check = h
        else:
            o.health_check = None
        o.max_connections = c_maxc(c) or None
        o.max_pending_requests = c_maxp(c) or None
        o.max_requests = c_maxr(c) or None
        o.max_retries = c_maxrt(c) or None
        o.__class__ = ClusterT
        clusters_seen[c] = o
        return o  # type: ignore[no-any-return]

    listeners = []
    for li in range(listener_count(g)):
        lp = listener_at(g, li)
        vhosts = []
        for vi in range(vhost_count(lp)):
            v = vhost_at(lp, vi)
            vh = new(VHostB)
            vh.fqdn = v_fqdn(v).decode()
            if v_has_tls(v):
                t = new(TLSB)
                b = v_tls_ns(v)
                t.secret_namespace = None if b is None else b.decode()
                b = v_tls_name(v)
                t.secret_name = None if b is None else b.decode()
                b = v_tls_min(v)
                t.min_protocol_version = None if b is None else b.decode()
                t.passthrough = v_tls_pt(v)
                t.__class__ = TLST
                vh.tls = t
            else:
                vh.tls = None
            routes = []
            for ri in range(route_count(v)):
                r = route_at(v, ri)
                ro = new(RouteB)
                ro.match_type = matches[r_mt(r)]
                ro.path = r_path(r).decode()
                ro.https_redirect = r_redirect(r)
                ro.websocket = r_ws(r)
                b = r_rewrite(r)
                ro.prefix_rewrite = None if b is None else b.decode()
                ro.timeout_ms = r_timeout(r) if r_has_timeout(r) else None
                if r_has_retry(r):
                    rt = new(RetryB)
                    b = r_retry_on(r)
                    rt.on = None if b is None else b.decode()
                    rt.num_retries = r_retry_num(r)
                    rt.per_try_timeout_ms = r_retry_ptt(r) or None
                    rt.__class__ = RetryT
                    ro.retry = rt
                else:
                    ro.retry = None
                key = (r_skind(r), r_sns(r), r_sname(r))
                src = refs.get(key)
                if src is None:
                    src = new(RefB)
                    src.kind = kinds[key[0]]
                    src.namespace = key[1].decode()
                    src.name = key[2].decode()
                    src.__class__ = RefT
                    refs[key] = src
                ro.source = src
                nc = cluster_count(r)
                if nc == 1:
                    c = cluster_at(r, 0)
                    ro.clusters = (clusters_seen.get(c) or cluster(c),)
                elif nc == 0:
                    ro.clusters = ()
                else:
                    ro.clusters = tuple(
                        [clusters_seen.get(c) or cluster(c) for c in [cluster_at(r, i) for i in range(nc)]]
                    )
                ro.__class__ = RouteT
                routes.append(ro)
            vh.routes = tuple(routes)
            if v_has_tcp(v):
                vh.tcpproxy = tuple(
                    [clusters_seen.get(c) or cluster(c) for c in [tcp_at(v, i) for i in range(tcp_count(v))]]
                )
            else:
                vh.tcpproxy = None
            vh.__class__ = VHostT
            vhosts.append(vh)
        lo = new(ListenerB)
        lo.name = l_name(lp).decode()
        lo.port = l_port(lp)
        lo.secure = l_secure(lp)
        lo.virtual_hosts = tuple(vhosts)
        lo.__class__ = ListenerT
        listeners.append(lo)
    return tuple(listeners)


def _status(s: int) -> Status:
    L = _ffi.lib
    vat = L.contour_status_vhost_at
    return Status(
        kind=_KINDS[L.contour_status_kind(s)],
        namespace=L.contour_status_namespace(s).decode(),
        name=L.contour_status_name(s).decode(),
        state=_STATES[L.contour_status_state(s)],
        description=L.contour_status_description(s).decode(),
        vhosts=tuple([vat(s, i).decode() for i in range(L.contour_status_vhost_count(s))]),
        file=_path(L.contour_status_file(s)),
        line=L.contour_status_line(s),
        column=L.contour_status_column(s),
    )


def graph_statuses(g: int) -> tuple[Status, ...]:
    L = _ffi.lib
    count = L.contour_graph_status_count
    at = L.contour_graph_status_at
    kind = L.contour_status_kind
    ns = L.contour_status_namespace
    name = L.contour_status_name
    state = L.contour_status_state
    desc = L.contour_status_description
    vcount = L.contour_status_vhost_count
    vat = L.contour_status_vhost_at
    file = L.contour_status_file
    line = L.contour_status_line
    col = L.contour_status_column
    kinds = _KINDS
    states = _STATES
    new = _new
    StatusB = _StatusB
    StatusT = Status
    files: dict[bytes, str] = {}
    descriptions: dict[bytes, str] = {}
    out = []
    for i in range(count(g)):
        s = at(g, i)
        o = new(StatusB)
        o.kind = kinds[kind(s)]
        o.namespace = ns(s).decode()
        o.name = name(s).decode()
        o.state = states[state(s)]
        b = desc(s)
        d = descriptions.get(b)
        if d is None:
            d = descriptions[b] = b.decode()
        o.description = d
        n = vcount(s)
        o.vhosts = tuple([vat(s, j).decode() for j in range(n)]) if n else ()
        b = file(s)
        f = files.get(b)
        if f is None:
            f = files[b] = _path(b)
        o.file = f
        o.line = line(s)
        o.column = col(s)
        o.__class__ = StatusT
        out.append(o)
    return tuple(out)


def graph_status(s: int) -> Status:
    return _status(s)
