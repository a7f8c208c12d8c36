"""Owned C handles: deterministic release, closed-handle errors, and a reader/writer lock.

ctypes releases the GIL while a C function runs, so two Python threads really can be
inside libcontour at once. The C rules are: any number of readers of a handle at once,
changes (load, remove, free) exclusive. Each handle enforces them with a small
reader/writer lock, so no sequence of Python calls can free a handle under a reader.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from types import TracebackType
from typing import Callable, ClassVar, Iterator, TypeVar

__all__ = ["Handle"]

_H = TypeVar("_H", bound="Handle")


class _RWLock:
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
    #: Name used in "closed" errors.
    _what: ClassVar[str]

    _ptr: int | None

    def __init__(self, ptr: int) -> None:
        self._ptr = ptr
        self._lock = _RWLock()

    def _check_fresh(self) -> None:
        pass

    def _own(self, ptr: int) -> None:
        Handle.__init__(self, ptr)

    @classmethod
    def _adopt(cls: type[_H], ptr: int) -> _H:
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    @classmethod
    def _free_fn(cls) -> Callable[[int], None]:
        from . import _ffi

        fn: Callable[[int], None] = getattr(_ffi.lib, cls._free_name)
        return fn

    def _closed_error(self) -> ValueError:
        return ValueError(f"I/O operation on a closed {self._what}: it was closed with close()")

    @contextmanager
    def _reading(self) -> Iterator[int]:
        """Shared access to the open handle (ValueError when closed)."""
        with self._lock.shared():
            ptr = self._ptr
            if ptr is None:
                raise self._closed_error()
            yield ptr

    @contextmanager
    def _writing(self) -> Iterator[int]:
        """Exclusive access to the open handle (ValueError when closed)."""
        with self._lock.exclusive():
            ptr = self._ptr
            if ptr is None:
                raise self._closed_error()
            yield ptr

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def close(self) -> None:
        """Releases the C memory now. Idempotent; the object is unusable afterwards."""
        with self._lock.exclusive():
            ptr, self._ptr = self._ptr, None
            if ptr is not None:
                self._free_fn()(ptr)

    def __enter__(self: _H) -> _H:
        if self._ptr is None:
            raise self._closed_error()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # Safety net only: nothing else can reach the object any more, so no lock.
        ptr = getattr(self, "_ptr", None)
        if ptr is not None:
            self._ptr = None
            try:
                self._free_fn()(ptr)
            except Exception:  # interpreter shutdown: modules may be gone
                pass
