"""Rendering through a callback (``contour_graph_write``, ``contour_diff_write``) into a
Python file object, and the output format argument shared by ``render``/``write``.

The library calls a C function pointer with each piece of the output (1 byte to 64 KiB)
on the calling thread, before the write call returns. The binding's callback is a ctypes
``CFUNCTYPE`` object that lives in a local variable for the whole call; it writes the
piece to the file object and returns 0, or, when that raises, keeps the exception and
returns 1, so the library stops (``CONTOUR_ERR_IO``, never calling again) and the
binding re-raises that very exception once the C call has returned. No Python exception
ever crosses the C frames.
"""

from __future__ import annotations

import codecs
import ctypes
import io
from typing import Any, Callable, Iterable, Union

from . import _ffi
from ._enums import OutputFormat
from ._errors import raise_for

__all__ = ["FormatArg", "output_format", "write_through"]

FormatArg = Union[str, OutputFormat]

_NAMES = {"json": OutputFormat.JSON, "text": OutputFormat.TEXT, "dot": OutputFormat.DOT}


def output_format(
    fmt: object, allowed: Iterable[OutputFormat] = tuple(OutputFormat)
) -> OutputFormat:
    """``"json"``/``"text"``/``"dot"`` or an OutputFormat, checked against ``allowed``
    (ValueError for an unknown or unsupported format, TypeError for another type)."""
    allowed = tuple(allowed)
    names = " or ".join(repr(f.name.lower()) for f in allowed)
    if isinstance(fmt, str):
        found = _NAMES.get(fmt)
        if found is None or found not in allowed:
            raise ValueError(f"unknown output format {fmt!r} ({names})")
        return found
    if isinstance(fmt, bool) or not isinstance(fmt, int):
        raise TypeError(f"format must be a str or contour.OutputFormat, not {type(fmt).__name__}")
    try:
        value = OutputFormat(fmt)
    except ValueError:
        raise ValueError(f"unknown output format {fmt!r} ({names})") from None
    if value not in allowed:
        raise ValueError(f"output format {value.name} is not supported here ({names})")
    return value


class _Sink:
    """The state of one write: where the bytes go, and the exception that stopped it."""

    __slots__ = ("_write", "_decoder", "error", "count")

    def __init__(self, fileobj: object) -> None:
        write = getattr(fileobj, "write", None)
        if not callable(write):
            raise TypeError(
                "fileobj must be a file object with a write() method (binary or text), "
                f"not {type(fileobj).__name__}"
            )
        self._write: Callable[[Any], Any] = write
        # A text file gets str: the output is UTF-8, decoded incrementally because a
        # piece may end inside a character.
        self._decoder = (
            codecs.getincrementaldecoder("utf-8")() if isinstance(fileobj, io.TextIOBase) else None
        )
        self.error: BaseException | None = None
        self.count = 0

    def __call__(self, _user_data: object, data: int, size: int) -> int:
        if self.error is not None:  # the library promises not to call again; be sure
            return 1
        try:
            chunk = ctypes.string_at(data, size)
            if self._decoder is not None:
                text = self._decoder.decode(chunk)
                if text:
                    self._write(text)
            else:
                self._write_all(chunk)
            self.count += size
            return 0
        except BaseException as exc:  # noqa: BLE001 - kept and re-raised after the call
            self.error = exc
            return 1

    def _write_all(self, chunk: bytes) -> None:
        # A raw file's write() may write part of the bytes and say how many; a plain
        # object's write() may return anything (None): that counts as everything.
        while True:
            n = self._write(chunk)
            if isinstance(n, bool) or not isinstance(n, int) or n >= len(chunk):
                return
            if n <= 0:
                raise OSError(f"write() wrote {n} of {len(chunk)} bytes")
            chunk = chunk[n:]

    def finish(self) -> None:
        if self._decoder is not None:
            rest = self._decoder.decode(b"", final=True)
            if rest:
                self._write(rest)


def write_through(fileobj: object, call: Callable[[Any], int], what: str) -> int:
    """Runs ``call(callback)`` (a C write call given the callback) with a callback that
    writes to ``fileobj``; returns the number of bytes written. An exception raised by
    ``fileobj.write`` propagates as itself; other failures raise ContourError."""
    sink = _Sink(fileobj)
    callback = _ffi.WRITE_FN(sink)  # alive until the C call has returned
    try:
        st = call(callback)
        if sink.error is not None:
            raise sink.error
        if st != 0:
            raise_for(st, what)
        sink.finish()
        return sink.count
    finally:
        sink.error = None  # no cycle exception -> traceback -> frame -> sink
        del callback
