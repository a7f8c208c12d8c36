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
knows how to clone its C value (``Config`` and ``Policy`` do).

Some C values are lent by another handle (a verdict's diff): ``_borrow`` makes a handle
that shows such a pointer without owning it. It keeps its owner alive, holds the owner's
read lock whenever it reads, frees nothing on close, and raises ``ValueError`` once the
owner is closed.

The library calls back into Python during a write (``contour_graph_write``), while the
handle is held for reading; a callback that tried to close or change that same handle
would wait for itself forever. The lock knows which threads hold it and raises
``RuntimeError`` instead.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack, contextmanager
from types import TracebackType
from typing import Any, Callable, ClassVar, Iterator, NoReturn, TypeVar

__all__ = ["Handle"]

_H = TypeVar("_H", bound="Handle")


class _RWLock:
    """Many readers or one writer. Readers may nest (no writer preference).

    The lock knows which threads hold it, so that a thread that would wait for itself
    (closing a graph from inside its own ``write()`` callback, which runs while the write
    holds the graph for reading) gets a ``RuntimeError`` instead of a deadlock.
    """

    __slots__ = ("_cond", "_readers", "_writer", "_holders")

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None  # the writing thread's ident
        self._holders: dict[int, int] = {}  # reading thread ident -> depth

    def _self_wait(self, me: int, what: str) -> None:
        if self._writer == me or (what == "exclusive" and me in self._holders):
            raise RuntimeError(
                "the handle is in use by this same thread (e.g. inside a write() callback): "
                "closing or changing it there would wait forever"
            )

    @contextmanager
    def shared(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            self._self_wait(me, "shared")
            while self._writer is not None:
                self._cond.wait()
            self._readers += 1
            self._holders[me] = self._holders.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                depth = self._holders[me] - 1
                if depth:
                    self._holders[me] = depth
                else:
                    del self._holders[me]
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            self._self_wait(me, "exclusive")
            while self._writer is not None or self._readers:
                self._cond.wait()
            self._writer = me
        try:
            yield
        finally:
            with self._cond:
                self._writer = None
                self._cond.notify_all()


class Handle:
    """Base of Python objects that own one C handle, released by ``close()``."""

    __slots__ = ("_ptr", "_lock", "_owner", "__weakref__")

    #: The C function that releases the handle.
    _free_name: ClassVar[str]
    #: Name used in error messages.
    _what: ClassVar[str]
    #: How users get one (for the error of a direct construction).
    _made_by: ClassVar[str] = ""

    _ptr: int | None
    _lock: _RWLock
    #: The handle this one's C pointer is borrowed from (None: it owns its pointer).
    _owner: Handle | None

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
        self._owner = None
        self._lock = _RWLock()

    @classmethod
    def _adopt(cls: type[_H], ptr: int) -> _H:
        """A new object owning ``ptr``, which a libcontour call has just returned."""
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    @classmethod
    def _borrow(cls: type[_H], ptr: int, owner: Handle) -> _H:
        """A new object showing ``ptr``, which ``owner`` owns (e.g. a verdict's diff).

        The new object keeps ``owner`` alive, reads ``ptr`` only while holding ``owner``
        for reading, and raises ``ValueError`` once either is closed. Closing it releases
        nothing: ``owner`` frees the C memory.
        """
        self = cls._adopt(ptr)
        self._owner = owner
        return self

    @classmethod
    def _free_fn(cls) -> Callable[[int], None]:
        from . import _ffi

        fn: Callable[[int], None] = getattr(_ffi.lib, cls._free_name)
        return fn

    # -- access ------------------------------------------------------------------------

    def _closed_error(self) -> ValueError:
        return ValueError(f"I/O operation on a closed {self._what}: it was closed with close()")

    def _owner_closed_error(self, owner: Handle) -> ValueError:
        return ValueError(
            f"I/O operation on a {self._what} of a closed {owner._what}: it belongs to the "
            f"{owner._what}, which was closed with close()"
        )

    @contextmanager
    def _reading(self) -> Iterator[int]:
        """Shared access to the open handle (ValueError when closed). A borrowed handle
        also holds its owner for reading, so the owner cannot be freed meanwhile."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            raise self._closed_error()
        owner = self._owner
        if owner is None:
            with lock.shared():
                ptr = self._ptr
                if ptr is None:
                    raise self._closed_error()
                yield ptr
            return
        with ExitStack() as stack:
            try:
                stack.enter_context(owner._reading())
            except ValueError:
                raise self._owner_closed_error(owner) from None
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
        """Whether the handle was closed (``close()``; for a borrowed handle, such as a
        verdict's diff, also when its owner was closed)."""
        if getattr(self, "_ptr", None) is None:
            return True
        owner = getattr(self, "_owner", None)
        return owner is not None and owner.closed

    def close(self) -> None:
        """Releases the C memory now. Idempotent; waits for readers in other threads. The
        object is unusable afterwards (``ValueError``)."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock.exclusive():
            ptr, self._ptr = self._ptr, None
            if ptr is not None and self._owner is None:
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
        if ptr is not None and getattr(self, "_owner", None) is None:
            self._ptr = None
            try:
                self._free_fn()(ptr)
            except Exception:  # interpreter shutdown: modules may be gone
                pass
