"""Reading one borrowed record (a virtual host, route, cluster, status or diagnostic) field
by field through the graph.h and diagnostic.h accessors.

The bulk export (``_export.py``) reads a whole graph; a diff and a verdict lend records one
at a time (``contour_vhost_change_old``, ``contour_verdict_status``, ...), which have
no export of their own. The values built here are the same frozen dataclasses, equal to
the ones the export gives for the same record. The caller holds the lock of the handle
that lends the pointer for the whole call.
"""

from __future__ import annotations

from . import _ffi
from ._enums import KINDS, Kind, MatchType, Severity, State
from ._model import (
    TLS,
    Cluster,
    Diagnostic,
    HealthCheck,
    ObjectRef,
    Retry,
    Route,
    Status,
    VirtualHost,
)

__all__ = ["cluster", "diagnostic", "route", "status", "text", "vhost"]


def text(raw: bytes | None) -> str | None:
    """A C string the library returned (None for NULL)."""
    return None if raw is None else raw.decode("utf-8", "surrogateescape")


def _kind(value: int) -> Kind:
    return KINDS[value] if 0 <= value < len(KINDS) else Kind(value)


def health_check(ptr: int) -> HealthCheck:
    lib = _ffi.lib
    return HealthCheck(
        path=text(lib.contour_health_check_path(ptr)),
        host=text(lib.contour_health_check_host(ptr)),
        interval_s=int(lib.contour_health_check_interval_s(ptr)),
        timeout_s=int(lib.contour_health_check_timeout_s(ptr)),
        unhealthy_threshold=int(lib.contour_health_check_unhealthy_threshold(ptr)),
        healthy_threshold=int(lib.contour_health_check_healthy_threshold(ptr)),
    )


def cluster(ptr: int) -> Cluster:
    lib = _ffi.lib
    hc = lib.contour_cluster_health_check(ptr)
    return Cluster(
        namespace=text(lib.contour_cluster_namespace(ptr)) or "",
        service=text(lib.contour_cluster_service(ptr)) or "",
        port=int(lib.contour_cluster_port(ptr)),
        port_name=text(lib.contour_cluster_port_name(ptr)),
        weight=int(lib.contour_cluster_weight(ptr)),
        strategy=text(lib.contour_cluster_strategy(ptr)),
        protocol=text(lib.contour_cluster_protocol(ptr)),
        health_check=health_check(hc) if hc else None,
        max_connections=int(lib.contour_cluster_max_connections(ptr)) or None,
        max_pending_requests=int(lib.contour_cluster_max_pending_requests(ptr)) or None,
        max_requests=int(lib.contour_cluster_max_requests(ptr)) or None,
        max_retries=int(lib.contour_cluster_max_retries(ptr)) or None,
    )


def route(ptr: int) -> Route:
    lib = _ffi.lib
    retry = None
    if lib.contour_route_has_retry(ptr):
        retry = Retry(
            on=text(lib.contour_route_retry_on(ptr)),
            num_retries=int(lib.contour_route_retry_num_retries(ptr)),
            per_try_timeout_ms=int(lib.contour_route_retry_per_try_timeout_ms(ptr)) or None,
        )
    at = lib.contour_route_cluster_at
    return Route(
        match_type=MatchType(lib.contour_route_match_type(ptr)),
        path=text(lib.contour_route_path(ptr)) or "",
        https_redirect=bool(lib.contour_route_https_redirect(ptr)),
        websocket=bool(lib.contour_route_websocket(ptr)),
        prefix_rewrite=text(lib.contour_route_prefix_rewrite(ptr)),
        timeout_ms=int(lib.contour_route_timeout_ms(ptr))
        if lib.contour_route_has_timeout(ptr)
        else None,
        retry=retry,
        source=ObjectRef(
            _kind(lib.contour_route_source_kind(ptr)),
            text(lib.contour_route_source_namespace(ptr)) or "",
            text(lib.contour_route_source_name(ptr)) or "",
        ),
        clusters=tuple(cluster(at(ptr, i)) for i in range(lib.contour_route_cluster_count(ptr))),
    )


def vhost(ptr: int) -> VirtualHost:
    lib = _ffi.lib
    tls = None
    if lib.contour_vhost_has_tls(ptr):
        tls = TLS(
            secret_namespace=text(lib.contour_vhost_tls_secret_namespace(ptr)),
            secret_name=text(lib.contour_vhost_tls_secret_name(ptr)),
            min_protocol_version=text(lib.contour_vhost_tls_min_protocol_version(ptr)),
            passthrough=bool(lib.contour_vhost_tls_passthrough(ptr)),
        )
    tcpproxy = None
    if lib.contour_vhost_has_tcpproxy(ptr):
        tat = lib.contour_vhost_tcpproxy_cluster_at
        n = lib.contour_vhost_tcpproxy_cluster_count(ptr)
        tcpproxy = tuple(cluster(tat(ptr, i)) for i in range(n))
    rat = lib.contour_vhost_route_at
    return VirtualHost(
        fqdn=text(lib.contour_vhost_fqdn(ptr)) or "",
        tls=tls,
        routes=tuple(route(rat(ptr, i)) for i in range(lib.contour_vhost_route_count(ptr))),
        tcpproxy=tcpproxy,
    )


def status(ptr: int) -> Status:
    lib = _ffi.lib
    at = lib.contour_status_vhost_at
    return Status(
        kind=_kind(lib.contour_status_kind(ptr)),
        namespace=text(lib.contour_status_namespace(ptr)) or "",
        name=text(lib.contour_status_name(ptr)) or "",
        state=State(lib.contour_status_state(ptr)),
        description=text(lib.contour_status_description(ptr)) or "",
        vhosts=tuple(text(at(ptr, i)) or "" for i in range(lib.contour_status_vhost_count(ptr))),
        file=text(lib.contour_status_file(ptr)) or "",
        line=int(lib.contour_status_line(ptr)),
        column=int(lib.contour_status_column(ptr)),
    )


def diagnostic(ptr: int) -> Diagnostic:
    lib = _ffi.lib
    kind = int(lib.contour_diagnostic_object_kind(ptr))
    ns = text(lib.contour_diagnostic_object_namespace(ptr))
    name = text(lib.contour_diagnostic_object_name(ptr))
    ref = None
    if (kind, ns, name) != (0, None, None):
        ref = ObjectRef(_kind(kind), ns or "", name or "")
    return Diagnostic(
        severity=Severity(lib.contour_diagnostic_severity(ptr)),
        code=text(lib.contour_diagnostic_code(ptr)) or "",
        message=text(lib.contour_diagnostic_message(ptr)) or "",
        file=text(lib.contour_diagnostic_file(ptr)) or "",
        line=int(lib.contour_diagnostic_line(ptr)),
        column=int(lib.contour_diagnostic_column(ptr)),
        field=text(lib.contour_diagnostic_field(ptr)),
        object=ref,
    )
