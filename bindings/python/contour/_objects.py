"""Loaded Kubernetes objects, as immutable Python values read through the object.h
accessors: exactly as written (defaults are not filled in; resolution applies them).

The C accessors return 0 for an absent integer field, so ``port``, ``weight`` and the
health-check numbers are 0 when they were not written; strings are None when absent.
Values are copies: they stay valid after the snapshot changes or is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Mapping, Union

from ._enums import Kind
from ._model import Diagnostic, HealthCheck, ObjectRef

__all__ = [
    "Annotations",
    "CertificateDelegation",
    "Delegate",
    "Ingress",
    "IngressBackend",
    "IngressPath",
    "IngressRoute",
    "IngressRouteRoute",
    "IngressRouteService",
    "IngressRouteTLS",
    "IngressRule",
    "IngressTLS",
    "KubeObject",
    "RetryPolicy",
    "Secret",
    "SecretKey",
    "Service",
    "ServicePort",
    "TCPProxySpec",
    "TLSCertificateDelegation",
    "TimeoutPolicy",
    "VirtualHostSpec",
    "AnyObject",
]


class Annotations(Mapping[str, str]):
    """metadata.annotations: an immutable, hashable mapping in the order written."""

    __slots__ = ("_items", "_map")

    def __init__(self, items: tuple[tuple[str, str], ...] = ()) -> None:
        self._items = items
        self._map = dict(items)

    def __getitem__(self, key: str) -> str:
        return self._map[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Annotations):
            return self._map == other._map
        if isinstance(other, Mapping):
            return self._map == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Annotations({self._map!r})"


@dataclass(frozen=True)
class KubeObject:
    """What every loaded object has: identity, source position, annotations, and the
    load warnings about it (objects with load errors are not loaded)."""

    kind: Kind
    api_version: str | None
    namespace: str
    name: str
    file: str
    line: int
    column: int
    annotations: Annotations
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind, self.namespace, self.name)

    @property
    def position(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# -- IngressRoute ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IngressRouteService:
    """One services[] entry of a route or of spec.tcpproxy."""

    name: str | None
    port: int
    weight: int
    strategy: str | None
    health_check: HealthCheck | None


@dataclass(frozen=True)
class Delegate:
    """A delegate; ``namespace`` is None when not written (the object's own)."""

    name: str | None
    namespace: str | None


@dataclass(frozen=True)
class TimeoutPolicy:
    """routes[].timeoutPolicy; ``request`` unparsed (a Go duration or "infinity")."""

    request: str | None


@dataclass(frozen=True)
class RetryPolicy:
    """routes[].retryPolicy; ``per_try_timeout`` unparsed."""

    count: int
    per_try_timeout: str | None


@dataclass(frozen=True)
class IngressRouteRoute:
    """One spec.routes[] entry."""

    match: str | None
    services: tuple[IngressRouteService, ...]
    delegate: Delegate | None
    enable_websockets: bool
    permit_insecure: bool
    prefix_rewrite: str | None
    timeout_policy: TimeoutPolicy | None
    retry_policy: RetryPolicy | None


@dataclass(frozen=True)
class IngressRouteTLS:
    """spec.virtualhost.tls."""

    secret_name: str | None
    min_protocol_version: str | None
    passthrough: bool


@dataclass(frozen=True)
class VirtualHostSpec:
    """spec.virtualhost."""

    fqdn: str | None
    tls: IngressRouteTLS | None


@dataclass(frozen=True)
class TCPProxySpec:
    """spec.tcpproxy."""

    services: tuple[IngressRouteService, ...]
    delegate: Delegate | None


@dataclass(frozen=True)
class IngressRoute(KubeObject):
    """contour.heptio.com/v1beta1 IngressRoute; a root when ``virtualhost`` is set."""

    virtualhost: VirtualHostSpec | None
    routes: tuple[IngressRouteRoute, ...]
    tcpproxy: TCPProxySpec | None

    @property
    def is_root(self) -> bool:
        return self.virtualhost is not None


# -- TLSCertificateDelegation ---------------------------------------------------------------


@dataclass(frozen=True)
class CertificateDelegation:
    """spec.delegations[] ("*" in target_namespaces means every namespace)."""

    secret_name: str | None
    target_namespaces: tuple[str, ...]


@dataclass(frozen=True)
class TLSCertificateDelegation(KubeObject):
    """contour.heptio.com/v1beta1 TLSCertificateDelegation."""

    delegations: tuple[CertificateDelegation, ...]


# -- Ingress --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngressBackend:
    """A backend: ``service`` is None for a resource backend; the port is given either by
    number (``port_number``, ``port_name`` None) or by name (``port_name``, and
    ``port_number`` 0)."""

    service: str | None
    port_number: int
    port_name: str | None
    is_resource: bool

    @property
    def port_is_name(self) -> bool:
        """Whether the port is given by name."""
        return self.port_name is not None

    @property
    def port(self) -> int | str | None:
        """The port as written: its name, its number, or None when absent."""
        if self.port_is_name:
            return self.port_name
        return self.port_number or None


@dataclass(frozen=True)
class IngressPath:
    """spec.rules[].http.paths[]."""

    path: str | None
    path_type: str | None
    backend: IngressBackend | None


@dataclass(frozen=True)
class IngressRule:
    """spec.rules[]; ``has_http`` tells a rule without ``http`` from one with no paths."""

    host: str | None
    has_http: bool
    paths: tuple[IngressPath, ...]


@dataclass(frozen=True)
class IngressTLS:
    """spec.tls[]."""

    secret_name: str | None
    hosts: tuple[str, ...]


@dataclass(frozen=True)
class Ingress(KubeObject):
    """An Ingress (extensions/v1beta1, networking.k8s.io/v1beta1 and v1)."""

    ingress_class_name: str | None
    default_backend: IngressBackend | None
    rules: tuple[IngressRule, ...]
    tls: tuple[IngressTLS, ...]


# -- Service --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServicePort:
    """spec.ports[]; ``name`` is None when unnamed."""

    name: str | None
    port: int


@dataclass(frozen=True)
class Service(KubeObject):
    """v1 Service."""

    ports: tuple[ServicePort, ...]


# -- Secret ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretKey:
    """A data/stringData key; the library keeps only whether it has a non-empty value."""

    name: str
    has_value: bool


@dataclass(frozen=True)
class Secret(KubeObject):
    """v1 Secret (key names only, never values)."""

    secret_type: str | None
    keys: tuple[SecretKey, ...]
    is_tls: bool


AnyObject = Union[IngressRoute, TLSCertificateDelegation, Ingress, Service, Secret, KubeObject]
"""A loaded object: one of the kinds above, or a plain :class:`KubeObject` for a kind this
binding does not know (a newer library)."""
