"""Config: the settings for loading and resolving, as an immutable Python value.

A Config is validated by the C library when it is constructed (each setting is applied
to a scratch ``contour_config``), so a bad value fails where it was written, not at the
first load. Each load or resolve that takes a Config builds its ``contour_config`` for
the duration of the call: C snapshots and graphs copy what they need.
"""

from __future__ import annotations

import contextlib
import ctypes
from typing import Iterable, Iterator, Mapping

from . import _ffi
from ._enums import Limit, StatusCode
from ._errors import InvalidArgumentError, raise_for

__all__ = ["Config"]

_U32_MAX = 0xFFFFFFFF
_U64_MAX = 0xFFFFFFFFFFFFFFFF


def _text(value: object, setting: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"Config {setting} must be a str, not {type(value).__name__}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidArgumentError(
            f"invalid Config {setting}={value!r}: not encodable as UTF-8 ({exc.reason})",
            status=StatusCode.ERR_INVALID,
        ) from None


def _integer(value: object, setting: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Config {setting} must be an int, not {type(value).__name__}")
    return int(value)


class Config:
    """Settings for loading and resolving.

    * ``default_namespace`` — namespace of objects without ``metadata.namespace``
      (default ``"default"``); used when loading.
    * ``ingress_class`` — the class this controller serves (default ``"contour"``; ``""``
      accepts objects without a class and those of class ``contour``).
    * ``root_namespaces`` — namespaces where root IngressRoutes may live (empty: any).
    * ``http_port``, ``https_port`` — listener ports (80 and 443).
    * ``limits`` — overrides of the load limits (see :class:`Limit`); values >= 1.

    Invalid values raise ``ValueError`` (:class:`InvalidArgumentError`) when the Config
    is constructed; values of the wrong type raise ``TypeError``.
    """

    __slots__ = (
        "_default_namespace",
        "_ingress_class",
        "_root_namespaces",
        "_http_port",
        "_https_port",
        "_limits",
        "_effective_limits",
    )

    def __init__(
        self,
        *,
        default_namespace: str = "default",
        ingress_class: str = "contour",
        root_namespaces: Iterable[str] = (),
        http_port: int = 80,
        https_port: int = 443,
        limits: Mapping[Limit, int] | None = None,
    ) -> None:
        if isinstance(root_namespaces, (str, bytes)):
            raise TypeError("Config root_namespaces must be an iterable of str, not a string")
        self._default_namespace = default_namespace
        self._ingress_class = ingress_class
        self._root_namespaces = tuple(root_namespaces)
        self._http_port = _integer(http_port, "http_port")
        self._https_port = _integer(https_port, "https_port")
        checked: dict[Limit, int] = {}
        for key, value in (limits or {}).items():
            if isinstance(key, bool) or not isinstance(key, int):
                raise TypeError(f"Config limits keys must be Limit, not {type(key).__name__}")
            try:
                limit = Limit(key)
            except ValueError:
                raise InvalidArgumentError(
                    f"invalid Config limits: unknown limit {key!r} "
                    f"(valid: {', '.join(m.name for m in Limit)})",
                    status=StatusCode.ERR_INVALID,
                ) from None
            checked[limit] = _integer(value, f"limits[{limit.name}]")
        self._limits = checked
        # Validate everything now, and remember the effective limits.
        with self._c_config() as handle:
            self._effective_limits = {
                lim: int(_ffi.lib.contour_config_limit(handle, lim)) for lim in Limit
            }

    # -- values --------------------------------------------------------------------------

    @property
    def default_namespace(self) -> str:
        return self._default_namespace

    @property
    def ingress_class(self) -> str:
        return self._ingress_class

    @property
    def root_namespaces(self) -> tuple[str, ...]:
        return self._root_namespaces

    @property
    def http_port(self) -> int:
        return self._http_port

    @property
    def https_port(self) -> int:
        return self._https_port

    @property
    def limits(self) -> Mapping[Limit, int]:
        """The limits this Config overrides (as given)."""
        return dict(self._limits)

    def limit(self, limit: Limit) -> int:
        """The effective value of a limit: the override, else the library's default."""
        return self._effective_limits[Limit(limit)]

    def replace(self, **changes: object) -> Config:
        """A copy with some settings changed (same keywords as the constructor)."""
        kwargs: dict[str, object] = {
            "default_namespace": self._default_namespace,
            "ingress_class": self._ingress_class,
            "root_namespaces": self._root_namespaces,
            "http_port": self._http_port,
            "https_port": self._https_port,
            "limits": self._limits,
        }
        unknown = set(changes) - set(kwargs)
        if unknown:
            raise TypeError(f"Config.replace() got unknown settings: {', '.join(sorted(unknown))}")
        kwargs.update(changes)
        return Config(**kwargs)  # type: ignore[arg-type]

    def _key(self) -> tuple[object, ...]:
        return (
            self._default_namespace,
            self._ingress_class,
            self._root_namespaces,
            self._http_port,
            self._https_port,
            tuple(sorted(self._limits.items())),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        limits = {k.name: v for k, v in self._limits.items()}
        return (
            f"Config(default_namespace={self._default_namespace!r}, "
            f"ingress_class={self._ingress_class!r}, "
            f"root_namespaces={self._root_namespaces!r}, http_port={self._http_port}, "
            f"https_port={self._https_port}, limits={limits!r})"
        )

    # -- the C config --------------------------------------------------------------------

    @contextlib.contextmanager
    def _c_config(self) -> Iterator[int]:
        """A fresh ``contour_config`` with these settings, freed on exit."""
        lib = _ffi.lib
        out = ctypes.c_void_p()
        st = lib.contour_config_new(ctypes.byref(out))
        if st != 0:
            raise_for(st, "contour_config_new")
        handle = out.value
        assert handle is not None
        try:
            self._apply(handle)
            yield handle
        finally:
            lib.contour_config_free(handle)

    def _apply(self, handle: int) -> None:
        lib = _ffi.lib

        def check(st: int, setting: str, value: object, why: str) -> None:
            if st == StatusCode.ERR_INVALID:
                raise InvalidArgumentError(
                    f"invalid Config {setting}={value!r}: {why}", status=StatusCode.ERR_INVALID
                )
            if st != 0:
                raise_for(st, f"setting Config {setting}")

        ns = _text(self._default_namespace, "default_namespace")
        check(
            lib.contour_config_set_default_namespace(handle, ns, len(ns)),
            "default_namespace",
            self._default_namespace,
            "must be a non-empty name without NUL characters",
        )
        cls = _text(self._ingress_class, "ingress_class")
        check(
            lib.contour_config_set_ingress_class(handle, cls, len(cls)),
            "ingress_class",
            self._ingress_class,
            "must be a name without NUL characters (or empty)",
        )
        for root in self._root_namespaces:
            raw = _text(root, "root_namespaces")
            check(
                lib.contour_config_add_root_namespace(handle, raw, len(raw)),
                "root_namespaces",
                root,
                "each must be a non-empty name without NUL characters",
            )
        ports_why = "ports must be in 1-65535 and differ from each other"
        for setting, port in (("http_port", self._http_port), ("https_port", self._https_port)):
            # ctypes would silently truncate to 32 bits: check the range here.
            if not 0 <= port <= _U32_MAX:
                check(StatusCode.ERR_INVALID, setting, port, ports_why)
        st = lib.contour_config_set_ports(handle, self._http_port, self._https_port)
        if st == StatusCode.ERR_INVALID:
            check(st, "http_port/https_port", (self._http_port, self._https_port), ports_why)
        check(st, "ports", None, "")
        for limit, value in self._limits.items():
            setting = f"limits[{limit.name}]"
            if not 0 <= value <= _U64_MAX:
                check(StatusCode.ERR_INVALID, setting, value, "must be in 1..2**64-1")
            check(
                lib.contour_config_set_limit(handle, limit, value),
                setting,
                value,
                "must be at least 1 (use a large value for 'unlimited')",
            )


@contextlib.contextmanager
def c_config(config: Config | None) -> Iterator[int | None]:
    """The ``contour_config`` for a call (None: the library's defaults)."""
    if config is None:
        yield None
        return
    if not isinstance(config, Config):
        raise TypeError(f"config must be a contour.Config, not {type(config).__name__}")
    with config._c_config() as handle:
        yield handle
