"""Reading C handles into Python values: diagnostics, snapshot objects, the route graph.

Callers hold the owner's lock (see _handle.py) for the whole read: every pointer here is
borrowed from a snapshot or graph.

The graph walk is the hot path (a 100,000-object graph is millions of accessor calls), so
it is written for CPython's sake: ctypes functions bound to locals, enums looked up in
tuples instead of calling the IntEnum, optional integers folded with ``or None``, and the
frozen dataclasses created without running their ``__init__`` (a frozen dataclass's
``__init__`` sets each field through ``object.__setattr__``, ~1 us for 12 fields; filling
``__dict__`` at once costs a third of that). Clusters are immutable, so one C cluster
seen twice becomes one Python object.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from . import _ffi
from ._enums import Kind, MatchType, Severity, State
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
    HealthCheckSpec,
    Ingress,
    IngressBackend,
    IngressPath,
    IngressRoute,
    IngressRouteRoute,
    IngressRouteService,
    IngressRouteTLS,
    IngressRule,
    IngressTLS,
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

_KINDS = tuple(Kind)
_SEVERITIES = tuple(Severity)
_STATES = tuple(State)
_MATCH = tuple(MatchType)

_new = object.__new__
_setattr = object.__setattr__

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
    setd = _setattr
    refs: dict[tuple[int, bytes | None, bytes | None], ObjectRef | None] = {}
    files: dict[bytes | None, str] = {}
    out = []
    for i in range(count_fn(owner)):
        d = at_fn(owner, i)
        k = okind(d)
        ns_b = ons(d)
        name_b = oname(d)
        key = (k, ns_b, name_b)
        ref = refs.get(key, False)
        if ref is False:
            if k == 0 and ns_b is None and name_b is None:
                ref = None
            else:
                ref = new(ObjectRef)
                setd(ref, "__dict__", {"kind": kinds[k], "namespace": _str(ns_b), "name": _str(name_b)})
            refs[key] = ref
        f = field(d)
        fb = file(d)
        fs = files.get(fb)
        if fs is None:
            fs = files[fb] = _path(fb)
        o = new(Diagnostic)
        setd(
            o,
            "__dict__",
            {
                "severity": sevs[sev(d)],
                "code": code(d).decode(),
                "message": msg(d).decode(),
                "file": fs,
                "line": line(d),
                "column": col(d),
                "field": None if f is None else f.decode(),
                "object": ref,
            },
        )
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
    annotations = Annotations(
        tuple(
            (
                _str(L.contour_object_annotation_key(o, i)),
                _str(L.contour_object_annotation_value(o, i)),
            )
            for i in range(n)
        )
    )
    return {
        "kind": Kind(L.contour_object_kind(o)),
        "api_version": _opt(L.contour_object_api_version(o)),
        "namespace": _str(L.contour_object_namespace(o)),
        "name": _str(L.contour_object_name(o)),
        "file": _path(L.contour_object_file(o)),
        "line": L.contour_object_line(o),
        "column": L.contour_object_column(o),
        "annotations": annotations,
        "diagnostics": diagnostics(o, L.contour_object_diagnostic_count, L.contour_object_diagnostic_at),
    }


def _ir_service(s: int) -> IngressRouteService:
    L = _ffi.lib
    hc = None
    if L.contour_ir_service_has_health_check(s):
        hc = HealthCheckSpec(
            path=_opt(L.contour_ir_service_health_check_path(s)),
            host=_opt(L.contour_ir_service_health_check_host(s)),
            interval_seconds=L.contour_ir_service_health_check_interval_seconds(s),
            timeout_seconds=L.contour_ir_service_health_check_timeout_seconds(s),
            unhealthy_threshold_count=L.contour_ir_service_health_check_unhealthy_threshold_count(s),
            healthy_threshold_count=L.contour_ir_service_health_check_healthy_threshold_count(s),
        )
    return IngressRouteService(
        name=_opt(L.contour_ir_service_name(s)),
        port=L.contour_ir_service_port(s),
        weight=L.contour_ir_service_weight(s),
        strategy=_opt(L.contour_ir_service_strategy(s)),
        health_check=hc,
    )


def _ir_route(r: int) -> IngressRouteRoute:
    L = _ffi.lib
    delegate = None
    if L.contour_ir_route_has_delegate(r):
        delegate = Delegate(
            name=_opt(L.contour_ir_route_delegate_name(r)),
            namespace=_opt(L.contour_ir_route_delegate_namespace(r)),
        )
    timeout = None
    if L.contour_ir_route_has_timeout_policy(r):
        timeout = TimeoutPolicy(request=_opt(L.contour_ir_route_timeout_request(r)))
    retry = None
    if L.contour_ir_route_has_retry_policy(r):
        retry = RetryPolicy(
            count=L.contour_ir_route_retry_count(r),
            per_try_timeout=_opt(L.contour_ir_route_retry_per_try_timeout(r)),
        )
    return IngressRouteRoute(
        match=_opt(L.contour_ir_route_match(r)),
        services=tuple(
            _ir_service(L.contour_ir_route_service_at(r, i))
            for i in range(L.contour_ir_route_service_count(r))
        ),
        delegate=delegate,
        enable_websockets=L.contour_ir_route_enable_websockets(r),
        permit_insecure=L.contour_ir_route_permit_insecure(r),
        prefix_rewrite=_opt(L.contour_ir_route_prefix_rewrite(r)),
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
                minimum_protocol_version=_opt(L.contour_ingressroute_tls_minimum_protocol_version(o)),
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
    for i in range(L.contour_tlscertdelegation_delegation_count(o)):
        delegations.append(
            CertificateDelegation(
                secret_name=_opt(L.contour_tlscertdelegation_secret_name(o, i)),
                target_namespaces=tuple(
                    _str(L.contour_tlscertdelegation_target_at(o, i, t))
                    for t in range(L.contour_tlscertdelegation_target_count(o, i))
                ),
            )
        )
    return TLSCertificateDelegation(**_common(o), delegations=tuple(delegations))


def _backend(b: int | None) -> IngressBackend | None:
    if not b:
        return None
    L = _ffi.lib
    return IngressBackend(
        service=_opt(L.contour_ingress_backend_service(b)),
        port_is_name=L.contour_ingress_backend_port_is_name(b),
        port_number=L.contour_ingress_backend_port_number(b),
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
                    path_type=_opt(L.contour_ingress_path_type(p)),
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
            secret_name=_opt(L.contour_ingress_tls_secret_name(o, i)),
            hosts=tuple(
                _str(L.contour_ingress_tls_host_at(o, i, h))
                for h in range(L.contour_ingress_tls_host_count(o, i))
            ),
        )
        for i in range(L.contour_ingress_tls_count(o))
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
                name=_opt(L.contour_service_port_name(o, i)),
                port=L.contour_service_port_number(o, i),
            )
            for i in range(L.contour_service_port_count(o))
        ),
    )


def _secret(o: int) -> Secret:
    L = _ffi.lib
    return Secret(
        **_common(o),
        secret_type=_opt(L.contour_secret_type(o)),
        keys=tuple(
            SecretKey(
                name=_str(L.contour_secret_key_at(o, i)),
                nonempty=L.contour_secret_key_nonempty(o, i),
            )
            for i in range(L.contour_secret_key_count(o))
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
    """The Python value of one C object."""
    kind = _ffi.lib.contour_object_kind(o)
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise AssertionError(f"libcontour returned an object of unknown kind {kind}")
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
    c_has_hc = L.contour_cluster_has_health_check
    hc_path = L.contour_cluster_health_check_path
    hc_host = L.contour_cluster_health_check_host
    hc_interval = L.contour_cluster_health_check_interval_s
    hc_timeout = L.contour_cluster_health_check_timeout_s
    hc_unhealthy = L.contour_cluster_health_check_unhealthy_threshold
    hc_healthy = L.contour_cluster_health_check_healthy_threshold
    c_maxc = L.contour_cluster_max_connections
    c_maxp = L.contour_cluster_max_pending_requests
    c_maxr = L.contour_cluster_max_requests
    c_maxrt = L.contour_cluster_max_retries
    kinds = _KINDS
    matches = _MATCH
    new = _new
    setd = _setattr
    ClusterT, RouteT, RetryT, RefT, HealthT = Cluster, Route, Retry, ObjectRef, HealthCheck

    clusters_seen: dict[int, Cluster] = {}
    refs: dict[tuple[int, bytes, bytes], ObjectRef] = {}

    def cluster(c: int) -> Cluster:
        # Callers have looked c up in clusters_seen already.
        pname = c_pname(c)
        strategy = c_strategy(c)
        proto = c_proto(c)
        hc = None
        if c_has_hc(c):
            hp = hc_path(c)
            hh = hc_host(c)
            hc = new(HealthT)
            setd(
                hc,
                "__dict__",
                {
                    "path": None if hp is None else hp.decode(),
                    "host": None if hh is None else hh.decode(),
                    "interval_s": hc_interval(c),
                    "timeout_s": hc_timeout(c),
                    "unhealthy_threshold": hc_unhealthy(c),
                    "healthy_threshold": hc_healthy(c),
                },
            )
        obj = new(ClusterT)
        setd(
            obj,
            "__dict__",
            {
                "namespace": c_ns(c).decode(),
                "service": c_svc(c).decode(),
                "port": c_port(c),
                "port_name": None if pname is None else pname.decode(),
                "weight": c_weight(c),
                "strategy": None if strategy is None else strategy.decode(),
                "protocol": None if proto is None else proto.decode(),
                "health_check": hc,
                "max_connections": c_maxc(c) or None,
                "max_pending_requests": c_maxp(c) or None,
                "max_requests": c_maxr(c) or None,
                "max_retries": c_maxrt(c) or None,
            },
        )
        clusters_seen[c] = obj
        return obj

    listeners = []
    for li in range(listener_count(g)):
        lp = listener_at(g, li)
        vhosts = []
        for vi in range(vhost_count(lp)):
            v = vhost_at(lp, vi)
            tls = None
            if v_has_tls(v):
                sns = v_tls_ns(v)
                sname = v_tls_name(v)
                smin = v_tls_min(v)
                tls = new(TLS)
                setd(
                    tls,
                    "__dict__",
                    {
                        "secret_namespace": None if sns is None else sns.decode(),
                        "secret_name": None if sname is None else sname.decode(),
                        "min_protocol_version": None if smin is None else smin.decode(),
                        "passthrough": v_tls_pt(v),
                    },
                )
            routes = []
            for ri in range(route_count(v)):
                r = route_at(v, ri)
                key = (r_skind(r), r_sns(r), r_sname(r))
                src = refs.get(key)
                if src is None:
                    src = new(RefT)
                    setd(src, "__dict__", {"kind": kinds[key[0]], "namespace": key[1].decode(), "name": key[2].decode()})
                    refs[key] = src
                rw = r_rewrite(r)
                retry = None
                if r_has_retry(r):
                    on = r_retry_on(r)
                    retry = new(RetryT)
                    setd(
                        retry,
                        "__dict__",
                        {
                            "on": None if on is None else on.decode(),
                            "num_retries": r_retry_num(r),
                            "per_try_timeout_ms": r_retry_ptt(r) or None,
                        },
                    )
                nc = cluster_count(r)
                if nc == 1:
                    c = cluster_at(r, 0)
                    cl: tuple[Cluster, ...] = (clusters_seen.get(c) or cluster(c),)
                elif nc == 0:
                    cl = ()
                else:
                    cl = tuple([clusters_seen.get(c) or cluster(c) for c in [cluster_at(r, i) for i in range(nc)]])
                route = new(RouteT)
                setd(
                    route,
                    "__dict__",
                    {
                        "match_type": matches[r_mt(r)],
                        "path": r_path(r).decode(),
                        "https_redirect": r_redirect(r),
                        "websocket": r_ws(r),
                        "prefix_rewrite": None if rw is None else rw.decode(),
                        "timeout_ms": r_timeout(r) if r_has_timeout(r) else None,
                        "retry": retry,
                        "source": src,
                        "clusters": cl,
                    },
                )
                routes.append(route)
            tcp = None
            if v_has_tcp(v):
                tcp = tuple([clusters_seen.get(c) or cluster(c) for c in [tcp_at(v, i) for i in range(tcp_count(v))]])
            vh = new(VirtualHost)
            setd(
                vh,
                "__dict__",
                {"fqdn": v_fqdn(v).decode(), "tls": tls, "routes": tuple(routes), "tcpproxy": tcp},
            )
            vhosts.append(vh)
        lo = new(Listener)
        setd(
            lo,
            "__dict__",
            {
                "name": l_name(lp).decode(),
                "port": l_port(lp),
                "secure": l_secure(lp),
                "virtual_hosts": tuple(vhosts),
            },
        )
        listeners.append(lo)
    return tuple(listeners)


def _status(s: int) -> Status:
    L = _ffi.lib
    vat = L.contour_object_status_vhost_at
    obj = _new(Status)
    _setattr(
        obj,
        "__dict__",
        {
            "kind": _KINDS[L.contour_object_status_kind(s)],
            "namespace": L.contour_object_status_namespace(s).decode(),
            "name": L.contour_object_status_name(s).decode(),
            "state": _STATES[L.contour_object_status_state(s)],
            "description": L.contour_object_status_description(s).decode(),
            "vhosts": tuple([vat(s, i).decode() for i in range(L.contour_object_status_vhost_count(s))]),
            "file": _path(L.contour_object_status_file(s)),
            "line": L.contour_object_status_line(s),
            "column": L.contour_object_status_column(s),
        },
    )
    return obj


def graph_statuses(g: int) -> tuple[Status, ...]:
    L = _ffi.lib
    count = L.contour_graph_status_count
    at = L.contour_graph_status_at
    kind = L.contour_object_status_kind
    ns = L.contour_object_status_namespace
    name = L.contour_object_status_name
    state = L.contour_object_status_state
    desc = L.contour_object_status_description
    vcount = L.contour_object_status_vhost_count
    vat = L.contour_object_status_vhost_at
    file = L.contour_object_status_file
    line = L.contour_object_status_line
    col = L.contour_object_status_column
    kinds = _KINDS
    states = _STATES
    new = _new
    setd = _setattr
    files: dict[bytes, str] = {}
    out = []
    for i in range(count(g)):
        s = at(g, i)
        fb = file(s)
        fs = files.get(fb)
        if fs is None:
            fs = files[fb] = _path(fb)
        n = vcount(s)
        obj = new(Status)
        setd(
            obj,
            "__dict__",
            {
                "kind": kinds[kind(s)],
                "namespace": ns(s).decode(),
                "name": name(s).decode(),
                "state": states[state(s)],
                "description": desc(s).decode(),
                "vhosts": tuple([vat(s, j).decode() for j in range(n)]) if n else (),
                "file": fs,
                "line": line(s),
                "column": col(s),
            },
        )
        out.append(obj)
    return tuple(out)


def graph_status(s: int) -> Status:
    return _status(s)
