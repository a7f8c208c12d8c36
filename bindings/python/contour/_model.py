"""Immutable values shared by snapshots and graphs: object references and diagnostics,
and the route graph itself (listeners, virtual hosts, routes, clusters, statuses).

Every class is a frozen dataclass. The export decoder (``_export.py``) constructs them
through a fast path that fills ``__dict__`` directly; the fields are the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._enums import Kind, MatchType, ReferenceType, Severity, State

__all__ = [
    "TLS",
    "Cluster",
    "Diagnostic",
    "HealthCheck",
    "Listener",
    "ObjectRef",
    "Reference",
    "Retry",
    "Route",
    "Status",
    "VirtualHost",
]


@dataclass(frozen=True)
class ObjectRef:
    """Names one Kubernetes object."""

    kind: Kind
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind.k8s_name} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Diagnostic:
    """What the library had to say about its input, with the place it concerns.

    ``line`` and ``column`` are 1-based, 0 when unknown. ``code`` is stable (switch on
    it); ``message`` is English prose. ``field`` is the path of the field concerned inside
    its object (``spec.routes[1].services[0].port``) or None; ``object`` the object
    concerned, or None.
    """

    severity: Severity
    code: str
    message: str
    file: str
    line: int
    column: int
    field: str | None
    object: ObjectRef | None

    @property
    def position(self) -> str:
        """``file:line:column`` (line and column left out when unknown)."""
        if self.line == 0:
            return self.file
        if self.column == 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        text = f"{self.position}: {self.severity}: {self.message}"
        if self.object is not None:
            text += f" [{self.object.namespace}/{self.object.name}]"
        return text


# ---------------------------------------------------------------------------------------------
# The route graph
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthCheck:
    """A health check (``contour_health_check``): a cluster's, with Contour's defaults
    filled in, or an IngressRoute service's as written (0 / None where a field is
    absent)."""

    path: str | None
    host: str | None
    interval_s: int
    timeout_s: int
    unhealthy_threshold: int
    healthy_threshold: int


@dataclass(frozen=True)
class Cluster:
    """One (service, port) a route or a tcpproxy sends traffic to.

    Optional values are None when unset, as their keys are absent from the JSON form.
    """

    namespace: str
    service: str
    port: int
    port_name: str | None
    weight: int
    strategy: str | None
    protocol: str | None
    health_check: HealthCheck | None
    max_connections: int | None
    max_pending_requests: int | None
    max_requests: int | None
    max_retries: int | None


@dataclass(frozen=True)
class Retry:
    """A route's retry policy."""

    on: str | None
    num_retries: int
    per_try_timeout_ms: int | None


@dataclass(frozen=True)
class Route:
    """A route of a virtual host. ``timeout_ms`` is -1 for infinity, None when unset."""

    match_type: MatchType
    path: str
    https_redirect: bool
    websocket: bool
    prefix_rewrite: str | None
    timeout_ms: int | None
    retry: Retry | None
    source: ObjectRef
    clusters: tuple[Cluster, ...]


@dataclass(frozen=True)
class TLS:
    """A virtual host's TLS settings (secret fields are None for passthrough)."""

    secret_namespace: str | None
    secret_name: str | None
    min_protocol_version: str | None
    passthrough: bool


@dataclass(frozen=True)
class VirtualHost:
    """A virtual host ("*" for an Ingress rule without host)."""

    fqdn: str
    tls: TLS | None
    routes: tuple[Route, ...]
    tcpproxy: tuple[Cluster, ...] | None


@dataclass(frozen=True)
class Listener:
    """A listener: "ingress_http" or "ingress_https"."""

    name: str
    port: int
    secure: bool
    virtual_hosts: tuple[VirtualHost, ...]


@dataclass(frozen=True)
class Status:
    """The outcome for one IngressRoute; ``line``/``column`` point at the failing field
    when it is invalid, else at the object's start."""

    kind: Kind
    namespace: str
    name: str
    state: State
    description: str
    vhosts: tuple[str, ...]
    file: str
    line: int
    column: int

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind, self.namespace, self.name)


@dataclass(frozen=True)
class Reference:
    """One reference an object makes to another, as written, whether or not the target
    exists (``contour_reference``; :meth:`Graph.references_to`, :meth:`Graph.references_from`).

    * ``type`` — what the reference is: a route's delegate or Service, a tcpproxy's, a TLS
      secret, an Ingress backend or TLS secret, a TLSCertificateDelegation's secret.
    * ``source`` — the referring object; ``target`` — the object it names.
    * ``target_missing`` — nothing of the target's name exists (or it is ignored for its
      ingress class).
    * ``index`` — where it is written: the route index (DELEGATE, SERVICE), the Ingress path
      index within its rule (BACKEND), the ``spec.tls`` index (INGRESS_TLS), the delegation
      index (DELEGATION); 0 otherwise.
    * ``service_index`` — the Service's index in its route or tcpproxy (SERVICE,
      TCP_SERVICE); 0 otherwise.
    * ``rule`` — the Ingress rule index of a BACKEND reference; None for the default
      backend and for the other types.
    * ``path`` — the route's match (DELEGATE, SERVICE) or the Ingress path (BACKEND), else
      None.
    """

    type: ReferenceType
    source: ObjectRef
    target: ObjectRef
    target_missing: bool
    index: int
    service_index: int
    rule: int | None
    path: str | None

    def __str__(self) -> str:
        where = f" {self.path!r}" if self.path is not None else ""
        missing = " (missing)" if self.target_missing else ""
        return f"{self.source} -{self.type}{where}-> {self.target}{missing}"
