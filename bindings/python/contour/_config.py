"""Config: the settings for loading and resolving, an immutable value that owns a
``contour_config``.

A Config is validated by the C library when it is constructed (each setting is applied to
its ``contour_config``), so a bad value fails where it was written, not at the first
load. Every value it shows is read back from the C config with its getters, so a Config
read from a snapshot (:attr:`Snapshot.config`) shows exactly what the library uses.
"""

from __future__ import annotations

import ctypes
from typing import Iterable, Mapping

from . import _ffi
from ._enums import LIMITS, Limit, Result
from ._errors import InvalidArgumentError, raise_for
from ._handle import Handle

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
            result=Result.ERR_INVALID,
        ) from None


def _integer(value: object, setting: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Config {setting} must be an int, not {type(value).__name__}")
    return int(value)


def _limit_key(key: object) -> Limit:
    if isinstance(key, bool) or not isinstance(key, int):
        raise TypeError(f"Config limits keys must be Limit, not {type(key).__name__}")
    try:
        return Limit(key)
    except ValueError:
        raise InvalidArgumentError(
            f"invalid Config limits: unknown limit {key!r} "
            f"(valid: {', '.join(m.name for m in LIMITS)})",
            result=Result.ERR_INVALID,
        ) from None


def _new_c_config() -> int:
    out = ctypes.c_void_p()
    st = _ffi.lib.contour_config_new(ctypes.byref(out))
    if st != 0:
        raise_for(st, "creating a config")
    assert out.value is not None
    return out.value


def _copy_c_config(ptr: int) -> int:
    out = ctypes.c_void_p()
    st = _ffi.lib.contour_config_copy(ctypes.byref(out), ptr)
    if st != 0:
        raise_for(st, "copying a config")
    assert out.value is not None
    return out.value


class Config(Handle):
    """Settings for loading and resolving; an immutable value.

    * ``default_namespace`` — namespace of objects without ``metadata.namespace``
      (default ``"default"``); used when loading.
    * ``ingress_class`` — the class this controller serves (default ``"contour"``; ``""``
      accepts objects without a class and those of class ``contour``).
    * ``root_namespaces`` — namespaces where root IngressRoutes may live (empty: any).
    * ``http_port``, ``https_port`` — listener ports (80 and 443).
    * ``limits`` — overrides of the load limits (see :class:`Limit`); values >= 1.
    * ``threads`` — how many threads one load or resolve may use (default 1; 0: the
      machine's online CPUs, counted when the Config is made; above 64: 64). The result
      is the same whatever the number.
    * ``follow_links`` — whether loading a directory reads files through symbolic links
      that lead outside it (default False: skipped with a ``link-outside`` warning).

    Invalid values raise ``ValueError`` (:class:`InvalidArgumentError`) when the Config
    is constructed; values of the wrong type raise ``TypeError``. A Config owns a small
    C value, freed when it is garbage collected (or by :meth:`close`); ``copy.copy`` and
    ``copy.deepcopy`` give an independent clone.
    """

    __slots__ = ()
    _free_name = "contour_config_free"
    _what = "Config"

    def __init__(
        self,
        *,
        default_namespace: str = "default",
        ingress_class: str = "contour",
        root_namespaces: Iterable[str] = (),
        http_port: int = 80,
        https_port: int = 443,
        limits: Mapping[Limit, int] | None = None,
        threads: int = 1,
        follow_links: bool = False,
    ) -> None:
        self._check_fresh()
        nthreads = _integer(threads, "threads")
        if not isinstance(follow_links, bool):
            raise TypeError(f"Config follow_links must be a bool, not {type(follow_links).__name__}")
        if isinstance(root_namespaces, (str, bytes)):
            raise TypeError("Config root_namespaces must be an iterable of str, not a string")
        roots = tuple(root_namespaces)
        ports = (_integer(http_port, "http_port"), _integer(https_port, "https_port"))
        checked: dict[Limit, int] = {}
        for key, value in (limits or {}).items():
            lim = _limit_key(key)
            checked[lim] = _integer(value, f"limits[{lim.name}]")
        ptr = _new_c_config()
        try:
            _apply(ptr, default_namespace, ingress_class, roots, ports, checked)
            _apply_1_1(ptr, nthreads, follow_links)
        except BaseException:
            _ffi.lib.contour_config_free(ptr)
            raise
        self._own(ptr)

    @classmethod
    def _copy_of(cls, ptr: int) -> Config:
        """A Config owning a copy of the C config ``ptr`` (borrowed, e.g. a snapshot's)."""
        return cls._adopt(_copy_c_config(ptr))

    # -- values (read back from the C config) --------------------------------------------

    @property
    def default_namespace(self) -> str:
        """``contour_config_default_namespace()``."""
        with self._reading() as c:
            return _str(_ffi.lib.contour_config_default_namespace(c))

    @property
    def ingress_class(self) -> str:
        """``contour_config_ingress_class()``."""
        with self._reading() as c:
            return _str(_ffi.lib.contour_config_ingress_class(c))

    @property
    def root_namespaces(self) -> tuple[str, ...]:
        """The root namespaces, in the order added (empty: roots may live anywhere)."""
        lib = _ffi.lib
        with self._reading() as c:
            at = lib.contour_config_root_namespace_at
            return tuple(_str(at(c, i)) for i in range(lib.contour_config_root_namespace_count(c)))

    @property
    def http_port(self) -> int:
        """The insecure listener's port."""
        with self._reading() as c:
            return int(_ffi.lib.contour_config_http_port(c))

    @property
    def https_port(self) -> int:
        """The secure listener's port."""
        with self._reading() as c:
            return int(_ffi.lib.contour_config_https_port(c))

    @property
    def limits(self) -> Mapping[Limit, int]:
        """Every limit of the running library and its value (a new dict)."""
        get = _ffi.lib.contour_config_limit
        with self._reading() as c:
            return {lim: int(get(c, lim)) for lim in LIMITS}

    @property
    def threads(self) -> int:
        """How many threads one load or resolve may use, 1-64 (``contour_config_threads()``;
        0 was turned into the number of CPUs when the Config was made)."""
        with self._reading() as c:
            if "contour_config_threads" in _ffi.missing_symbols:
                return 1  # a 1.0 library: everything on the calling thread
            return int(_ffi.lib.contour_config_threads(c))

    @property
    def follow_links(self) -> bool:
        """Whether loading a directory follows links out of it
        (``contour_config_follow_links()``)."""
        with self._reading() as c:
            if "contour_config_follow_links" in _ffi.missing_symbols:
                return False
            return bool(_ffi.lib.contour_config_follow_links(c))

    def limit(self, limit: Limit) -> int:
        """The value of one limit (``contour_config_limit()``)."""
        lim = _limit_key(limit)
        with self._reading() as c:
            return int(_ffi.lib.contour_config_limit(c, lim))

    def _settings(self) -> dict[str, object]:
        return {
            "default_namespace": self.default_namespace,
            "ingress_class": self.ingress_class,
            "root_namespaces": self.root_namespaces,
            "http_port": self.http_port,
            "https_port": self.https_port,
            "limits": self.limits,
            "threads": self.threads,
            "follow_links": self.follow_links,
        }

    def replace(self, **changes: object) -> Config:
        """A new Config with some settings changed (same keywords as the constructor)."""
        kwargs = self._settings()
        unknown = set(changes) - set(kwargs)
        if unknown:
            raise TypeError(f"Config.replace() got unknown settings: {', '.join(sorted(unknown))}")
        kwargs.update(changes)
        return Config(**kwargs)  # type: ignore[arg-type]

    def _key(self) -> tuple[object, ...]:
        s = self._settings()
        s["limits"] = tuple(sorted(self.limits.items()))
        return tuple(s.values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        if self.closed:
            return "<contour.Config (closed)>"
        s = self._settings()
        limits = {k.name: v for k, v in self.limits.items()}
        return (
            f"Config(default_namespace={s['default_namespace']!r}, "
            f"ingress_class={s['ingress_class']!r}, "
            f"root_namespaces={s['root_namespaces']!r}, http_port={s['http_port']}, "
            f"https_port={s['https_port']}, limits={limits!r}, threads={s['threads']}, "
            f"follow_links={s['follow_links']})"
        )

    # -- copies are clones ---------------------------------------------------------------

    def __copy__(self) -> Config:
        with self._reading() as c:
            return Config._copy_of(c)

    def __deepcopy__(self, memo: dict[int, object]) -> Config:
        return self.__copy__()


def _str(raw: bytes | None) -> str:
    return "" if raw is None else raw.decode("utf-8")


def _apply(
    handle: int,
    default_namespace: object,
    ingress_class: object,
    roots: tuple[object, ...],
    ports: tuple[int, int],
    limits: Mapping[Limit, int],
) -> None:
    lib = _ffi.lib

    def check(st: int, setting: str, value: object, why: str) -> None:
        if st == Result.ERR_INVALID:
            raise InvalidArgumentError(
                f"invalid Config {setting}={value!r}: {why}", result=Result.ERR_INVALID
            )
        if st != 0:
            raise_for(st, f"setting Config {setting}")

    for setter, setting, value, why in (
        (
            lib.contour_config_set_default_namespace,
            "default_namespace",
            default_namespace,
            "must be a non-empty name without NUL characters",
        ),
        (
            lib.contour_config_set_ingress_class,
            "ingress_class",
            ingress_class,
            "must be a name without NUL characters (or empty)",
        ),
    ):
        raw = _text(value, setting)
        check(setter(handle, raw, len(raw)), setting, value, why)
    for root in roots:
        raw = _text(root, "root_namespaces")
        check(
            lib.contour_config_add_root_namespace(handle, raw, len(raw)),
            "root_namespaces",
            root,
            "each must be a non-empty name without NUL characters",
        )
    ports_why = "ports must be in 1-65535 and differ from each other"
    for setting, port in zip(("http_port", "https_port"), ports):
        # ctypes would silently truncate to 32 bits: check the range here.
        if not 0 <= port <= _U32_MAX:
            check(Result.ERR_INVALID, setting, port, ports_why)
    st = lib.contour_config_set_ports(handle, *ports)
    if st == Result.ERR_INVALID:
        check(st, "http_port/https_port", ports, ports_why)
    check(st, "ports", None, "")
    for limit, value in limits.items():
        setting = f"limits[{limit.name}]"
        if not 0 <= value <= _U64_MAX:
            check(Result.ERR_INVALID, setting, value, "must be in 1..2**64-1")
        check(
            lib.contour_config_set_limit(handle, limit, value),
            setting,
            value,
            "must be at least 1 (use a large value for 'unlimited')",
        )


def _apply_1_1(handle: int, threads: int, follow_links: bool) -> None:
    """The settings added in libcontour 1.1. Left alone when they are the defaults, so
    that a Config of defaults still works with a 1.0 library."""
    lib = _ffi.lib
    if threads != 1:
        if not 0 <= threads <= _U32_MAX:
            raise InvalidArgumentError(
                f"invalid Config threads={threads!r}: must be in 0..2**32-1 (0: one per CPU)",
                result=Result.ERR_INVALID,
            )
        st = lib.contour_config_set_threads(handle, threads)
        if st != 0:
            raise_for(st, "setting Config threads")
    if follow_links:
        st = lib.contour_config_set_follow_links(handle, True)
        if st != 0:
            raise_for(st, "setting Config follow_links")


def checked_config(config: object) -> Config:
    """``config`` checked to be a Config (TypeError otherwise)."""
    if not isinstance(config, Config):
        raise TypeError(f"config must be a contour.Config, not {type(config).__name__}")
    return config
