"""Admission review: what a proposed change would do to routing, and a verdict on it
(``include/contour/admission.h``)."""

from __future__ import annotations

import ctypes
import weakref
from contextlib import ExitStack
from typing import Any, Mapping, Union

from . import _ffi, _records
from ._diff import Diff
from ._enums import FINDINGS, Finding, Format, Operation, PolicyAction, Result
from ._errors import ContourError, InvalidArgumentError, error_for, raise_for
from ._graph import Graph, _name_bytes, take_buffer
from ._handle import Handle
from ._model import Status
from ._snapshot import Snapshot, _data, _format

__all__ = ["Policy", "Verdict", "admission_review", "review", "whatif"]

BytesLike = Union[bytes, bytearray, memoryview]

_MAX_LISTED_DEFAULT = 5

#: A policy's actions: Finding (or its name) -> PolicyAction (or its name).
Actions = Union[Mapping[Finding, PolicyAction], Mapping[Union[Finding, str], Union[PolicyAction, str]]]


def _finding(value: object) -> Finding:
    if isinstance(value, str):
        for f in FINDINGS:
            if value in (str(f), f.name, f.name.lower()):
                return f
        raise ValueError(
            f"unknown finding {value!r} ({', '.join(str(f) for f in FINDINGS)})"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"finding must be a contour.Finding, not {type(value).__name__}")
    try:
        return Finding(value)
    except ValueError:
        raise ValueError(f"unknown finding {value!r}") from None


def _action(value: object) -> PolicyAction:
    if isinstance(value, str):
        try:
            return PolicyAction[value.upper()]
        except KeyError:
            raise ValueError(f"unknown policy action {value!r} (allow, warn or deny)") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"action must be a contour.PolicyAction, not {type(value).__name__}")
    try:
        return PolicyAction(value)
    except ValueError:
        raise ValueError(f"unknown policy action {value!r}") from None


def _operation(value: object) -> Operation:
    if isinstance(value, str):
        try:
            return Operation[value.upper()]
        except KeyError:
            raise ValueError(
                f"unknown operation {value!r} (CREATE, UPDATE or DELETE)"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"operation must be a contour.Operation, not {type(value).__name__}")
    try:
        return Operation(value)
    except ValueError:
        raise ValueError(f"unknown operation {value!r}") from None


def _proposal(data: object) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    return _data(data)  # type: ignore[arg-type]  # TypeError for other types


class Policy(Handle):
    """What a review does about each kind of finding (``contour_policy``): allow, warn or
    deny; an immutable value.

    ``actions`` overrides the defaults (deny: INVALID, BREAKS_OTHERS, DROPS_ROUTES,
    DROPS_TLS; warn: ORPHANED, TAKES_ROUTES, WARNINGS), from :class:`Finding` (or its
    name, ``"drops-routes"``) to :class:`PolicyAction` (or ``"allow"``, ``"warn"``,
    ``"deny"``). ``max_listed`` (1-1000,
    default 5) is how many objects or virtual hosts a message names before "and N more".
    ``copy.copy`` and ``copy.deepcopy`` give an independent clone.
    """

    __slots__ = ("_max_listed",)
    _free_name = "contour_policy_free"
    _what = "Policy"

    def __init__(
        self,
        actions: Actions | None = None,
        *,
        max_listed: int = _MAX_LISTED_DEFAULT,
    ) -> None:
        self._check_fresh()
        if actions is not None and not isinstance(actions, Mapping):
            raise TypeError(f"actions must be a mapping, not {type(actions).__name__}")
        checked = {_finding(f): _action(a) for f, a in (actions or {}).items()}
        if isinstance(max_listed, bool) or not isinstance(max_listed, int):
            raise TypeError(f"max_listed must be an int, not {type(max_listed).__name__}")
        if not 1 <= max_listed <= 1000:
            raise InvalidArgumentError(
                f"invalid Policy max_listed={max_listed!r}: must be in 1-1000",
                result=Result.ERR_INVALID,
            )
        lib = _ffi.lib
        out = ctypes.c_void_p()
        st = lib.contour_policy_new(ctypes.byref(out))
        if st != 0:
            raise_for(st, "creating a policy")
        ptr = out.value
        assert ptr is not None
        try:
            for f, a in checked.items():
                st = lib.contour_policy_set_action(ptr, f, a)
                if st != 0:
                    raise_for(st, f"setting the policy for finding {f}")
            st = lib.contour_policy_set_max_listed(ptr, max_listed)
            if st != 0:
                raise_for(st, "setting the policy's max_listed")
        except BaseException:
            lib.contour_policy_free(ptr)
            raise
        self._own(ptr)
        self._max_listed = max_listed

    def action(self, finding: Finding) -> PolicyAction:
        """What the policy does about a finding (``contour_policy_action_of()``)."""
        f = _finding(finding)
        with self._reading() as p:
            return PolicyAction(_ffi.lib.contour_policy_action_of(p, f))

    @property
    def actions(self) -> dict[Finding, PolicyAction]:
        """Every finding of the running library and what the policy does about it."""
        get = _ffi.lib.contour_policy_action_of
        with self._reading() as p:
            return {f: PolicyAction(get(p, f)) for f in FINDINGS}

    @property
    def max_listed(self) -> int:
        with self._reading():
            return int(self._max_listed)

    def replace(
        self,
        actions: Actions | None = None,
        *,
        max_listed: int | None = None,
    ) -> Policy:
        """A new Policy with some actions (and ``max_listed``) changed."""
        merged: dict[Finding | str, PolicyAction | str] = {}
        merged.update(self.actions.items())
        merged.update((actions or {}).items())
        return Policy(merged, max_listed=self.max_listed if max_listed is None else max_listed)

    def _key(self) -> tuple[object, ...]:
        return (tuple(sorted(self.actions.items())), self.max_listed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        if self.closed:
            return "<contour.Policy (closed)>"
        actions = {str(f): str(a) for f, a in self.actions.items()}
        return f"Policy({actions!r}, max_listed={self.max_listed})"

    def __copy__(self) -> Policy:
        return Policy(self.actions, max_listed=self.max_listed)

    def __deepcopy__(self, memo: dict[int, object]) -> Policy:
        return self.__copy__()


class Verdict(Handle):
    """The outcome of reviewing one change (``contour_verdict``; :func:`review`).

    * ``allowed`` — whether the policy allows the change;
    * ``message`` — why it is denied, naming the objects and virtual hosts affected, or
      ``""``;
    * ``warnings`` — one line each, for an allowed or a denied change;
    * ``findings`` — the count of each kind of finding made (whatever the policy does
      about it), only those found;
    * ``status`` — the changed IngressRoute's own status if the change were applied, or
      None;
    * ``diff`` — what the change would do to the graph, a :class:`Diff` that belongs to
      the verdict, or None when the proposal could not be read (bad YAML, not exactly
      one object: ``findings`` has INVALID, ``message`` says why).

    A verdict is independent of the snapshot, graph and policy it came from. Release it
    with :meth:`close` or a ``with`` block (its diff goes with it); any use of a closed
    verdict, or of its diff, raises ``ValueError``. Copying raises ``TypeError``.
    """

    __slots__ = ("_cache",)
    _free_name = "contour_verdict_free"
    _what = "Verdict"
    _made_by = "contour.review()"

    def _own(self, ptr: int) -> None:
        super()._own(ptr)
        self._cache: dict[str, Any] = {}

    @property
    def allowed(self) -> bool:
        with self._reading() as v:
            return bool(_ffi.lib.contour_verdict_allowed(v))

    @property
    def message(self) -> str:
        with self._reading() as v:
            return _records.text(_ffi.lib.contour_verdict_message(v)) or ""

    @property
    def warnings(self) -> tuple[str, ...]:
        lib = _ffi.lib
        with self._reading() as v:
            at = lib.contour_verdict_warning_at
            n = lib.contour_verdict_warning_count(v)
            return tuple(_records.text(at(v, i)) or "" for i in range(n))

    @property
    def findings(self) -> dict[Finding, int]:
        count = _ffi.lib.contour_verdict_finding_count
        with self._reading() as v:
            found = {f: int(count(v, f)) for f in FINDINGS}
        return {f: n for f, n in found.items() if n}

    def finding_count(self, finding: Finding) -> int:
        """How many findings of a kind the review made (0 when none)."""
        f = _finding(finding)
        with self._reading() as v:
            return int(_ffi.lib.contour_verdict_finding_count(v, f))

    @property
    def status(self) -> Status | None:
        with self._reading() as v:
            if "status" not in self._cache:
                ptr = _ffi.lib.contour_verdict_status(v)
                self._cache["status"] = _records.status(ptr) if ptr else None
            result: Status | None = self._cache["status"]
            return result

    @property
    def diff(self) -> Diff | None:
        with self._reading() as v:
            # The diff refers to the verdict (to keep it alive); the verdict keeps only a
            # weak reference back, so that the two make no cycle.
            ref = self._cache.get("diff")
            found: Diff | None = ref() if ref is not None else None
            if found is None or found.closed:  # a view closed by its user: a new one
                ptr = _ffi.lib.contour_verdict_diff(v)
                if not ptr:
                    return None
                found = Diff._borrow(ptr, self)
                self._cache["diff"] = weakref.ref(found)
            return found

    def __repr__(self) -> str:
        if self.closed:
            return "<contour.Verdict (closed)>"
        findings = {str(f): n for f, n in self.findings.items()}
        return f"<contour.Verdict allowed={self.allowed} findings={findings!r}>"


def _held(
    snapshot: object, graph: object, policy: object, stack: ExitStack
) -> tuple[int, int, int | None]:
    if not isinstance(snapshot, Snapshot):
        raise TypeError(f"snapshot must be a contour.Snapshot, not {type(snapshot).__name__}")
    if not isinstance(graph, Graph):
        raise TypeError(f"graph must be a contour.Graph, not {type(graph).__name__}")
    if policy is not None and not isinstance(policy, Policy):
        raise TypeError(f"policy must be a contour.Policy or None, not {type(policy).__name__}")
    pol = stack.enter_context(policy._reading()) if policy is not None else None
    snap = stack.enter_context(snapshot._reading())
    base = stack.enter_context(graph._reading())
    return snap, base, pol


_STALE = (
    "the graph must be resolved from the snapshot at its current version "
    "(resolve again after changing the snapshot)"
)


def review(
    snapshot: Snapshot,
    graph: Graph,
    proposal: str | BytesLike,
    operation: Operation | str,
    policy: Policy | None = None,
    *,
    name: str = "<admission>",
    format: Format = Format.AUTO,
) -> Verdict:
    """Reviews one change to the cluster ``snapshot`` under ``policy`` (None: the defaults)
    (``contour_review()``): what it would do to routing if applied — never changing the
    snapshot — and whether the policy allows it.

    ``graph`` is a graph resolved from ``snapshot`` at its current version. ``proposal``
    is the new object (YAML or JSON, exactly one object) for CREATE and UPDATE, the object
    being deleted for DELETE (only its kind, namespace and name are read). ``name`` is
    the source name in messages. A proposal that cannot be read is a denied verdict, not
    an exception; kinds the library does not model are allowed, and so (libcontour 1.1)
    is a proposal with no document at all (empty, comments only, ``null``). Raises
    InvalidArgumentError (a ValueError) when ``graph`` is not of the snapshot's current
    version, LimitExceededError when the proposal exceeds the snapshot's limits.
    """
    data = _proposal(proposal)
    op = _operation(operation)
    fmt = _format(format)
    name_b = _name_bytes(name, "name")
    out = ctypes.c_void_p()
    with ExitStack() as stack:
        snap, base, pol = _held(snapshot, graph, policy, stack)
        st = _ffi.lib.contour_review(
            ctypes.byref(out), snap, base, pol, op, name_b, len(name_b), data, len(data), fmt
        )
    if st == Result.ERR_INVALID:
        raise error_for(
            st, f"reviewing {op}: the proposal must hold one object, and {_STALE}"
        )
    if st != 0:
        raise_for(st, f"reviewing {op}")
    if out.value is None:
        raise ContourError("contour_review() returned OK but no verdict")
    return Verdict._adopt(out.value)


def whatif(
    snapshot: Snapshot,
    graph: Graph,
    proposal: str | BytesLike,
    operation: Operation | str,
    *,
    name: str = "<admission>",
    format: Format = Format.AUTO,
) -> Graph:
    """The graph ``snapshot`` would resolve to with one change applied, made without
    changing the snapshot, from ``graph`` (resolved from it at its current version)
    (``contour_whatif()``); byte for byte what a resolve of the changed snapshot gives.
    Arguments as for :func:`review`. Raises InvalidArgumentError (a ValueError) when the
    proposal is not exactly one modelled object or ``graph`` is stale."""
    data = _proposal(proposal)
    op = _operation(operation)
    fmt = _format(format)
    name_b = _name_bytes(name, "name")
    out = ctypes.c_void_p()
    with ExitStack() as stack:
        snap, base, _ = _held(snapshot, graph, None, stack)
        st = _ffi.lib.contour_whatif(
            ctypes.byref(out), snap, base, op, name_b, len(name_b), data, len(data), fmt
        )
    if st == Result.ERR_INVALID:
        raise error_for(
            st,
            f"what-if of {op}: the proposal must be exactly one modelled object, and {_STALE}",
        )
    if st != 0:
        raise_for(st, f"what-if of {op}")
    if out.value is None:
        raise ContourError("contour_whatif() returned OK but no graph")
    return Graph._adopt(out.value)


def admission_review(
    snapshot: Snapshot,
    graph: Graph,
    request: str | BytesLike,
    policy: Policy | None = None,
) -> bytes:
    """Answers a Kubernetes AdmissionReview request (``admission.k8s.io/v1`` JSON, as the
    API server POSTs it) with the AdmissionReview response JSON
    (``contour_admission_review()``). A malformed request raises InvalidArgumentError or
    LimitExceededError whose message is the library's one-line reason (an HTTP 400)."""
    data = _proposal(request)
    out = ctypes.c_void_p()
    with ExitStack() as stack:
        snap, base, pol = _held(snapshot, graph, policy, stack)
        st = _ffi.lib.contour_admission_review(ctypes.byref(out), snap, base, pol, data, len(data))
    body = take_buffer(out.value) if out.value else b""
    if st != 0:
        reason = body.decode("utf-8", "replace").strip()
        raise error_for(st, "answering the AdmissionReview" + (f": {reason}" if reason else ""))
    return body
