"""The exception hierarchy, and the mapping from contour_result codes to it.

Problems with the *input* are not exceptions: they are diagnostics and statuses (unless a
load is asked to be ``strict``). An exception means a call could not do its job.
"""

from __future__ import annotations

from typing import NoReturn, Sequence

from . import _ffi
from ._enums import Result
from ._model import Diagnostic

__all__ = [
    "ContourError",
    "ContourIOError",
    "ContourMemoryError",
    "InvalidArgumentError",
    "LimitExceededError",
    "LoadError",
    "NotFoundError",
]


class ContourError(Exception):
    """Base of every error the binding raises for a failed libcontour call.

    ``result`` is what the C call returned (None for errors raised by the binding itself,
    such as LoadError). ``diagnostics`` are the diagnostics that explain it, when any.
    """

    result: Result | None
    diagnostics: tuple[Diagnostic, ...]

    def __init__(
        self,
        message: str,
        *,
        result: Result | None = None,
        diagnostics: Sequence[Diagnostic] = (),
    ) -> None:
        super().__init__(message)
        self.result = result
        self.diagnostics = tuple(diagnostics)

    def __str__(self) -> str:
        msg = str(self.args[0]) if self.args else ""
        if self.diagnostics:
            msg += "".join(f"\n  {d}" for d in self.diagnostics)
        return msg


class ContourMemoryError(ContourError, MemoryError):
    """CONTOUR_ERR_NOMEM: an allocation failed; nothing was changed."""


class InvalidArgumentError(ContourError, ValueError):
    """CONTOUR_ERR_INVALID: an argument was out of range or malformed."""


class NotFoundError(ContourError, KeyError):
    """CONTOUR_ERR_NOT_FOUND: the object asked for does not exist."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return ContourError.__str__(self)


class ContourIOError(ContourError, OSError):
    """CONTOUR_ERR_IO: a file or directory could not be read.

    ``diagnostics`` holds the ``io-error`` diagnostics saying which. The files that could
    be read were loaded.
    """

    def __str__(self) -> str:
        return ContourError.__str__(self)


class LimitExceededError(ContourError):
    """CONTOUR_ERR_LIMIT: an input exceeded a configured limit (see ``diagnostics``)."""


class LoadError(ContourError):
    """A ``strict`` load met error diagnostics; ``diagnostics`` holds them (errors only)."""


_BY_RESULT: dict[int, type[ContourError]] = {
    Result.ERR_NOMEM: ContourMemoryError,
    Result.ERR_INVALID: InvalidArgumentError,
    Result.ERR_NOT_FOUND: NotFoundError,
    Result.ERR_IO: ContourIOError,
    Result.ERR_LIMIT: LimitExceededError,
}


def error_for(result: int, what: str, diagnostics: Sequence[Diagnostic] = ()) -> ContourError:
    """The exception for a failed call: ``what`` says what was being done."""
    try:
        code: Result | None = Result(result)
    except ValueError:
        code = None
    cls = _BY_RESULT.get(result, ContourError)
    return cls(
        f"{what}: {_ffi.result_str(result)} ({code.name if code else result})",
        result=code,
        diagnostics=diagnostics,
    )


def raise_for(result: int, what: str, diagnostics: Sequence[Diagnostic] = ()) -> NoReturn:
    raise error_for(result, what, diagnostics)


def not_found(message: str) -> NotFoundError:
    """A NotFoundError for a lookup that found nothing (``result`` ERR_NOT_FOUND)."""
    return NotFoundError(message, result=Result.ERR_NOT_FOUND)
