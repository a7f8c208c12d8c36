"""Owned C handles: private construction, deterministic release, closed-handle errors, a
reader/writer lock, and no copies.

ctypes releases the GIL while a C function runs, so two Python threads really can be
inside libcontour at once. The C rules are: any number of readers of a handle at once,
changes (load, remove, free) exclusive. Each handle enforces them with a small
reader/writer lock, so no sequence of Python calls can free a handle under a reader:
closing waits for the readers, and a use after close raises ``ValueError``.

A pointer never enters a handle from outside the package: ``Handle.__init__`` refuses to
run (``TypeError``), and the package makes handles with ``_adopt`` from a pointer the
library has just returned. Copying or pickling a handle would make two owners of one C
pointer (the second ``close`` a double free), so both raise ``TypeError`` unless a class
knows how to clone its C value (``Config`` does).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Callable, ClassVar, Iterator, NoReturn, TypeVar

__all__ = ["Handle"]

_H = TypeVar("_H", bound="Handle")


class _RWLock:
    """Many readers or one writer. Readers may nest (no writer preference)."""

    __slots__ = ("_cond", "_readers", "_writer")

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class Handle:
    """Base of Python objects that own one C handle, released by ``close()``."""

    __slots__ = ("_ptr", "_lock", "__weakref__")

    #: The C function that releases the handle.
    _free_name: ClassVar[str]
    #: Name used in error messages.
    _what: ClassVar[str]
    #: How users get one (for the error of a direct construction).
    _made_by: ClassVar[str] = ""

    _ptr: int | None
    _lock: _RWLock

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError(
            f"contour.{self._what} cannot be created directly"
            + (f": use {self._made_by}" if self._made_by else "")
        )

    # -- construction (package-private) -------------------------------------------------

    def _check_fresh(self) -> None:
        """TypeError when this object already owns a handle (``__init__`` called again)."""
        if getattr(self, "_lock", None) is not None:
            raise TypeError(f"contour.{self._what} is already initialised")

    def _own(self, ptr: int) -> None:
        """Makes this new object the owner of ``ptr``, a handle the library returned."""
        self._check_fresh()
        self._ptr = ptr
        self._lock = _RWLock()

    @classmethod
    def _adopt(cls: type[_H], ptr: int) -> _H:
        """A new object owning ``ptr``, which a libcontour call has just returned."""
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    @classmethod
    def _free_fn(cls) -> Callable[[int], None]:
        from . import _ffi

        fn: Callable[[int], None] = getattr(_ffi.lib, cls._free_name)
        return fn

    # -- access ------------------------------------------------------------------------

    def _closed_error(self) -> ValueError:
        return ValueError(f"I/O operation on a closed {self._what}: it was closed with close()")

    @contextmanager
    def _reading(self) -> Iterator[int]:
        """Shared access to the open handle (ValueError when closed)."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            raise self._closed_error()
        with lock.shared():
            ptr = self._ptr
            if ptr is None:
                raise self._closed_error()
            yield ptr

    @contextmanager
    def _writing(self) -> Iterator[int]:
        """Exclusive access to the open handle (ValueError when closed)."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            raise self._closed_error()
        with lock.exclusive():
            ptr = self._ptr
            if ptr is None:
                raise self._closed_error()
            yield ptr

    @property
    def closed(self) -> bool:
        """Whether the C memory was released (``close()``)."""
        return getattr(self, "_ptr", None) is None

    def close(self) -> None:
        """Releases the C memory now. Idempotent; waits for readers in other threads. The
        object is unusable afterwards (``ValueError``)."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock.exclusive():
            ptr, self._ptr = self._ptr, None
            if ptr is not None:
                self._free_fn()(ptr)

    def __enter__(self: _H) -> _H:
        if self.closed:
            raise self._closed_error()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- no second owner ---------------------------------------------------------------

    def _no_copy(self, what: str) -> NoReturn:
        raise TypeError(
            f"cannot {what} a contour.{self._what}: it owns C memory that only one object may "
            "release"
        )

    def __copy__(self) -> Any:
        self._no_copy("copy")

    def __deepcopy__(self, memo: dict[int, object]) -> Any:
        self._no_copy("copy")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        self._no_copy("pickle")

    def __del__(self) -> None:
        # Safety net only: nothing else can reach the object any more, so no lock.
        ptr = getattr(self, "_ptr", None)
        if ptr is not None:
            self._ptr = None
            try:
                self._free_fn()(ptr)
            except Exception:  # interpreter shutdown: modules may be gone
                pass
