"""Enumerations mirroring the C enums of libcontour (values are the C values).

The C enums may gain values in later minor versions of the library. Those counted by a
function of the running library (kinds, severities, limits: ``contour_kind_count()`` and
so on) accept every value the running library has: a value this binding was not written
for becomes an extra member named ``UNKNOWN_<n>`` instead of an error, so reading a
newer library's objects and diagnostics never fails on it.
"""

from __future__ import annotations

import enum
from typing import Any

from . import _ffi

__all__ = [
    "Change",
    "Finding",
    "Format",
    "Kind",
    "Limit",
    "MatchType",
    "Operation",
    "OutputFormat",
    "PolicyAction",
    "ReferenceType",
    "Result",
    "Severity",
    "State",
]


class _Counted(enum.IntEnum):
    """An enum the running library counts: values below ``_c_count()`` are all valid."""

    @classmethod
    def _c_count(cls) -> int:
        raise NotImplementedError

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        if not 0 <= value < cls._c_count():
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return cls._value2member_map_.setdefault(value, member)


class Result(enum.IntEnum):
    """``contour_result``: what a fallible C call returned."""

    OK = 0
    ERR_NOMEM = -1
    ERR_INVALID = -2
    ERR_NOT_FOUND = -3
    ERR_IO = -4
    ERR_LIMIT = -5

    def describe(self) -> str:
        """``contour_result_str()``: a short English description ("out of memory", ...)."""
        return _ffi.result_str(self)


class Kind(_Counted):
    """``contour_kind``: the Kubernetes kinds the library models (1 ..= kind_count())."""

    NONE = 0
    INGRESSROUTE = 1
    TLSCERTIFICATEDELEGATION = 2
    INGRESS = 3
    SERVICE = 4
    SECRET = 5

    @classmethod
    def _c_count(cls) -> int:
        return _KIND_COUNT + 1  # NONE is not counted

    @property
    def k8s_name(self) -> str:
        """The Kubernetes name of the kind ("IngressRoute", ...; "" for NONE), from
        ``contour_kind_name()``."""
        return _KIND_NAMES[self]


class Severity(_Counted):
    """``contour_severity``."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    @classmethod
    def _c_count(cls) -> int:
        return _SEVERITY_COUNT

    def __str__(self) -> str:
        return _SEVERITY_NAMES[self]


class State(enum.IntEnum):
    """``contour_state``: the outcome for one IngressRoute."""

    VALID = 0
    INVALID = 1
    ORPHANED = 2

    def __str__(self) -> str:
        return _STATE_NAMES[self]


class MatchType(enum.IntEnum):
    """``contour_match_type``: how a route matches the request path."""

    PREFIX = 0
    EXACT = 1


class Format(enum.IntEnum):
    """``contour_format``: the format of an input."""

    AUTO = 0
    YAML = 1
    JSON = 2


class Limit(_Counted):
    """``contour_limit``: limits that bound what one input can make the library do."""

    INPUT_BYTES = 0
    DEPTH = 1
    DOCUMENTS = 2
    ALIAS_EXPANSION = 3
    SCALAR_BYTES = 4
    DOCUMENT_NODES = 5
    ROUTES = 6

    @classmethod
    def _c_count(cls) -> int:
        return _LIMIT_COUNT


class OutputFormat(enum.IntEnum):
    """``contour_output_format`` (internal: use Graph.to_json/to_text/to_dot)."""

    JSON = 0
    TEXT = 1
    DOT = 2


class Change(enum.IntEnum):
    """``contour_change``: how something differs between two graphs (1.1)."""

    ADDED = 0
    REMOVED = 1
    CHANGED = 2

    def __str__(self) -> str:
        """``contour_change_name()``: "added", "removed" or "changed"."""
        return _CHANGE_NAMES[self]


class ReferenceType(_Counted):
    """``contour_reference_type``: what a reference between two objects is (1.1)."""

    DELEGATE = 0
    SERVICE = 1
    TCP_DELEGATE = 2
    TCP_SERVICE = 3
    TLS_SECRET = 4
    BACKEND = 5
    INGRESS_TLS = 6
    DELEGATION = 7

    @classmethod
    def _c_count(cls) -> int:
        return _REFERENCE_TYPE_COUNT

    def __str__(self) -> str:
        """``contour_reference_type_name()``: "delegate", "tcp-service", ..."""
        return _REFERENCE_TYPE_NAMES.get(self, "")


class Operation(enum.IntEnum):
    """``contour_operation``: what a reviewed change does to its object (1.1)."""

    CREATE = 0
    UPDATE = 1
    DELETE = 2

    def __str__(self) -> str:
        """``contour_operation_name()``: "CREATE", "UPDATE" or "DELETE"."""
        return _OPERATION_NAMES[self]


class PolicyAction(enum.IntEnum):
    """``contour_policy_action``: what a review policy does about a finding (1.1)."""

    ALLOW = 0
    WARN = 1
    DENY = 2

    def __str__(self) -> str:
        """"allow", "warn" or "deny"."""
        return self.name.lower()


class Finding(_Counted):
    """``contour_finding``: the kinds of finding a review makes about a change (1.1)."""

    INVALID = 0
    ORPHANED = 1
    BREAKS_OTHERS = 2
    DROPS_ROUTES = 3
    TAKES_ROUTES = 4
    DROPS_TLS = 5
    WARNINGS = 6

    @classmethod
    def _c_count(cls) -> int:
        return _FINDING_COUNT

    def __str__(self) -> str:
        """``contour_finding_name()``: "invalid", "breaks-others", ..."""
        return _FINDING_NAMES.get(self, "")


def checked_kind(kind: object) -> Kind:
    """``kind`` checked to name the objects of one kind (TypeError, ValueError)."""
    if isinstance(kind, bool) or not isinstance(kind, int):
        raise TypeError(f"kind must be a contour.Kind, not {type(kind).__name__}")
    try:
        k = Kind(kind)
    except ValueError:
        raise ValueError(f"unknown kind {kind!r}") from None
    if k == Kind.NONE:
        raise ValueError("Kind.NONE names no objects")
    return k


def _name(raw: bytes | None) -> str:
    return "" if raw is None else raw.decode("utf-8", "replace")


def _optional_count(fn: str, count: Any, known: int) -> int:
    """``count()``, a count from the running library, or ``known`` when it lacks the
    function ``fn`` (a 1.0 library still imports; the functions that need 1.1 raise
    when called)."""
    if fn in _ffi.missing_symbols:
        return known
    return int(count())


def _optional_names(fn: str, members: tuple[int, ...], fallback: Any) -> dict[int, str]:
    if fn in _ffi.missing_symbols:
        return {m: fallback(m) for m in members}
    get = getattr(_ffi.lib, fn)
    return {m: _name(get(m)) for m in members}


_KIND_COUNT = int(_ffi.lib.contour_kind_count())
_SEVERITY_COUNT = int(_ffi.lib.contour_severity_count())
_LIMIT_COUNT = int(_ffi.lib.contour_limit_count())

#: Every kind of the running library, indexed by value (NONE included).
KINDS: tuple[Kind, ...] = tuple(Kind(i) for i in range(_KIND_COUNT + 1))
#: Every kind objects can have: 1 ..= contour_kind_count().
OBJECT_KINDS: tuple[Kind, ...] = KINDS[1:]
#: Every severity of the running library, indexed by value.
SEVERITIES: tuple[Severity, ...] = tuple(Severity(i) for i in range(_SEVERITY_COUNT))
#: Every limit of the running library.
LIMITS: tuple[Limit, ...] = tuple(Limit(i) for i in range(_LIMIT_COUNT))

_KIND_NAMES: dict[int, str] = {k: _name(_ffi.lib.contour_kind_name(k)) for k in KINDS}
_SEVERITY_NAMES: dict[int, str] = {s: _name(_ffi.lib.contour_severity_name(s)) for s in SEVERITIES}
_STATE_NAMES: dict[int, str] = {s: _name(_ffi.lib.contour_state_name(s)) for s in State}

_REFERENCE_TYPE_COUNT = _optional_count(
    "contour_reference_type_count", lambda: _ffi.lib.contour_reference_type_count(), len(ReferenceType)
)
_FINDING_COUNT = _optional_count(
    "contour_finding_count", lambda: _ffi.lib.contour_finding_count(), len(Finding)
)

#: Every reference type of the running library, indexed by value.
REFERENCE_TYPES: tuple[ReferenceType, ...] = tuple(
    ReferenceType(i) for i in range(_REFERENCE_TYPE_COUNT)
)
#: Every finding of the running library, indexed by value.
FINDINGS: tuple[Finding, ...] = tuple(Finding(i) for i in range(_FINDING_COUNT))

_CHANGE_NAMES: dict[int, str] = _optional_names(
    "contour_change_name", tuple(Change), lambda m: Change(m).name.lower()
)
_REFERENCE_TYPE_NAMES: dict[int, str] = _optional_names(
    "contour_reference_type_name",
    REFERENCE_TYPES,
    lambda m: ReferenceType(m).name.lower().replace("_", "-"),
)
_OPERATION_NAMES: dict[int, str] = _optional_names(
    "contour_operation_name", tuple(Operation), lambda m: Operation(m).name
)
_FINDING_NAMES: dict[int, str] = _optional_names(
    "contour_finding_name", FINDINGS, lambda m: Finding(m).name.lower().replace("_", "-")
)
