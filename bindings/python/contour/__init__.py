"""Python binding of libcontour: load Kubernetes IngressRoute/Ingress/
TLSCertificateDelegation/Service/Secret manifests, resolve them into Contour's route
graph with one status per IngressRoute, and render it as JSON, text or Graphviz.

    import contour

    with contour.Snapshot.load("manifests/") as snap, snap.resolve() as graph:
        for status in graph.statuses:
            if status.state is not contour.State.VALID:
                print(f"{status.file}:{status.line}:{status.column}: {status.description}")

The C library is found through ``$CONTOUR_LIBRARY``, pkg-config, or the loader path
(see ``contour._ffi``); importing fails with an ImportError that says what was tried.
"""

from __future__ import annotations

from . import _ffi
from ._admission import Policy, Verdict, admission_review, review, whatif
from ._config import Config
from ._diff import Diff, RouteChange, StatusChange, VirtualHostChange, diff
from ._enums import (
    Change,
    Finding,
    Format,
    Kind,
    Limit,
    MatchType,
    Operation,
    OutputFormat,
    PolicyAction,
    ReferenceType,
    Result,
    Severity,
    State,
)
from ._errors import (
    ContourError,
    ContourIOError,
    ContourMemoryError,
    InvalidArgumentError,
    LimitExceededError,
    LoadError,
    NotFoundError,
)
from ._ffi import LibraryNotFoundError, LibraryVersionError, MissingSymbolError
from ._graph import Graph, GraphFilter, RouteGraph
from ._model import (
    TLS,
    Cluster,
    Diagnostic,
    HealthCheck,
    Listener,
    ObjectRef,
    Reference,
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
from ._snapshot import Snapshot

#: Version of this package: the libcontour version it was written and tested against.
__version__ = _ffi.BUILT_AGAINST
#: The libcontour ABI major version this package supports.
ABI_MAJOR = _ffi.ABI_MAJOR


def library_version() -> str:
    """The running libcontour's version, "MAJOR.MINOR.PATCH"."""
    return _ffi.library_version_string


def library_version_info() -> tuple[int, int, int]:
    """The running libcontour's version as (major, minor, patch)."""
    n = _ffi.library_version_number
    return (n >> 16, (n >> 8) & 0xFF, n & 0xFF)


def library_path() -> str:
    """Where the running libcontour was loaded from (as given to the loader)."""
    return _ffi.library_path


__all__ = [
    "ABI_MAJOR",
    "TLS",
    "Annotations",
    "AnyObject",
    "CertificateDelegation",
    "Change",
    "Cluster",
    "Config",
    "ContourError",
    "ContourIOError",
    "ContourMemoryError",
    "Delegate",
    "Diagnostic",
    "Diff",
    "Finding",
    "Format",
    "Graph",
    "GraphFilter",
    "HealthCheck",
    "Ingress",
    "IngressBackend",
    "IngressPath",
    "IngressRoute",
    "IngressRouteRoute",
    "IngressRouteService",
    "IngressRouteTLS",
    "IngressRule",
    "IngressTLS",
    "InvalidArgumentError",
    "Kind",
    "KubeObject",
    "LibraryNotFoundError",
    "LibraryVersionError",
    "Limit",
    "LimitExceededError",
    "Listener",
    "LoadError",
    "MatchType",
    "MissingSymbolError",
    "NotFoundError",
    "ObjectRef",
    "Operation",
    "OutputFormat",
    "Policy",
    "PolicyAction",
    "Reference",
    "ReferenceType",
    "Result",
    "Retry",
    "RetryPolicy",
    "Route",
    "RouteChange",
    "RouteGraph",
    "Secret",
    "SecretKey",
    "Service",
    "ServicePort",
    "Severity",
    "Snapshot",
    "State",
    "Status",
    "StatusChange",
    "TCPProxySpec",
    "TLSCertificateDelegation",
    "TimeoutPolicy",
    "Verdict",
    "VirtualHost",
    "VirtualHostChange",
    "VirtualHostSpec",
    "__version__",
    "admission_review",
    "diff",
    "library_path",
    "library_version",
    "library_version_info",
    "review",
    "whatif",
]
