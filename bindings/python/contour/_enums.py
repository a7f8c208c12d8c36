"""Enumerations mirroring the C enums of libcontour (values are the C values)."""

from __future__ import annotations

import enum

__all__ = ["Format", "Kind", "Limit", "MatchType", "Severity", "State", "StatusCode"]


class StatusCode(enum.IntEnum):
    """``contour_result``: what a fallible C call returned."""

    OK = 0
    ERR_NOMEM = -1
    ERR_INVALID = -2
    ERR_NOT_FOUND = -3
    ERR_IO = -4
    ERR_LIMIT = -5


class Kind(enum.IntEnum):
    """``contour_kind``: the Kubernetes kinds the library models."""

    NONE = 0
    INGRESSROUTE = 1
    TLSCERTIFICATEDELEGATION = 2
    INGRESS = 3
    SERVICE = 4
    SECRET = 5

    @property
    def k8s_name(self) -> str:
        """The Kubernetes name of the kind ("IngressRoute", ...; "" for NONE)."""
        return _KIND_NAMES[self]


_KIND_NAMES = {
    Kind.NONE: "",
    Kind.INGRESSROUTE: "IngressRoute",
    Kind.TLSCERTIFICATEDELEGATION: "TLSCertificateDelegation",
    Kind.INGRESS: "Ingress",
    Kind.SERVICE: "Service",
    Kind.SECRET: "Secret",
}


class Severity(enum.IntEnum):
    """``contour_severity``."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


class State(enum.IntEnum):
    """``contour_state``: the outcome for one IngressRoute."""

    VALID = 0
    INVALID = 1
    ORPHANED = 2

    def __str__(self) -> str:
        return self.name.lower()


class MatchType(enum.IntEnum):
    """``contour_match_type``: how a route matches the request path."""

    PREFIX = 0
    EXACT = 1


class Format(enum.IntEnum):
    """``contour_format``: the format of an input."""

    AUTO = 0
    YAML = 1
    JSON = 2


class Limit(enum.IntEnum):
    """``contour_limit``: limits that bound what one input can make the library do."""

    INPUT_BYTES = 0
    DEPTH = 1
    DOCUMENTS = 2
    ALIAS_EXPANSION = 3
    SCALAR_BYTES = 4
    DOCUMENT_NODES = 5
    ROUTES = 6


class OutputFormat(enum.IntEnum):
    """``contour_output_format`` (internal: use Graph.to_json/to_text/to_dot)."""

    JSON = 0
    TEXT = 1
    DOT = 2
