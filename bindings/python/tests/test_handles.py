"""The handle rules for every handle of the 1.1 API — Diff (its own, and a verdict's),
Verdict, Policy, graphs made by resolve(previous=...) and whatif(): copies are clones or
TypeError (never a second owner of one C pointer), close twice is a no-op, use after close
is a ValueError, and threads reading while another closes get values or ValueError."""

from __future__ import annotations

import copy
import pickle
import threading
from typing import Any, Callable, Iterator

import pytest

import contour
from contour import Finding

pytestmark = pytest.mark.resolve

SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: s1, namespace: ns}\nspec:\n  ports: [{port: 80}]\n"
ROOT = """\
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: ns}
spec:
  virtualhost: {fqdn: a.example.com}
  routes:
  - match: /
    services: [{name: s1, port: 80}]
"""
BAD = ROOT.replace("port: 80", "port: 0")


class World:
    def __init__(self) -> None:
        self.snap = contour.Snapshot()
        self.snap.set_source("svc", SERVICE)
        self.snap.set_source("root", ROOT)
        self.graph = self.snap.resolve()
        self.keep: list[Any] = []

    def close(self) -> None:
        for h in self.keep:
            h.close()
        self.graph.close()
        self.snap.close()


def make_diff(w: World) -> contour.Diff:
    with contour.whatif(w.snap, w.graph, BAD, "UPDATE") as other:
        return contour.diff(w.graph, other)


def make_verdict(w: World) -> contour.Verdict:
    return contour.review(w.snap, w.graph, BAD, "UPDATE")


def make_verdict_diff(w: World) -> contour.Diff:
    v = make_verdict(w)
    w.keep.append(v)
    d = v.diff
    assert d is not None
    return d


def make_updated_graph(w: World) -> contour.Graph:
    w.snap.set_source("svc", SERVICE.replace("80", "8080"))
    g = w.snap.resolve(previous=w.graph)
    w.keep.append(w.graph)
    w.graph = w.snap.resolve()
    return g


def make_whatif_graph(w: World) -> contour.Graph:
    return contour.whatif(w.snap, w.graph, BAD, "UPDATE")


def make_policy(w: World) -> contour.Policy:
    return contour.Policy({Finding.INVALID: "warn"})


# factory, a use that must raise ValueError once closed, whether copies are clones
HANDLES: dict[str, tuple[Callable[[World], Any], Callable[[Any], Any], bool]] = {
    "Diff": (make_diff, lambda d: d.json(), False),
    "Diff of a Verdict": (make_verdict_diff, lambda d: (d.text(), d.statuses), False),
    "Verdict": (make_verdict, lambda v: (v.message, v.findings, v.diff), False),
    "Graph(resolve previous)": (make_updated_graph, lambda g: g.to_json(), False),
    "Graph(whatif)": (make_whatif_graph, lambda g: g.references_to(contour.Kind.SERVICE, "ns", "s1"), False),
    "Policy": (make_policy, lambda p: p.actions, True),
}


@pytest.fixture
def world() -> Iterator[World]:
    w = World()
    yield w
    w.close()


@pytest.fixture(params=list(HANDLES))
def handle(request: pytest.FixtureRequest, world: World) -> tuple[Any, Callable[[Any], Any], bool]:
    make, use, clones = HANDLES[request.param]
    return make(world), use, clones


def test_copies(handle: tuple[Any, Callable[[Any], Any], bool]) -> None:
    h, use, clones = handle
    expected = use(h)
    for f in (copy.copy, copy.deepcopy):
        if clones:
            c = f(h)
            assert c is not h and c._ptr != h._ptr and use(c) == expected
            c.close()
            assert use(h) == expected  # the original is independent of the clone
        else:
            with pytest.raises(TypeError, match="only one object"):
                f(h)
    with pytest.raises(TypeError):
        pickle.dumps(h)
    if clones:
        a, b = copy.deepcopy([h, h])
        assert a is b and a is not h  # the memo: one clone per object
        a.close()
    else:
        with pytest.raises(TypeError):
            copy.deepcopy([h, h])
    h.close()


def test_close_twice_and_use_after_close(handle: tuple[Any, Callable[[Any], Any], bool]) -> None:
    h, use, _ = handle
    use(h)
    assert not h.closed
    h.close()
    h.close()
    assert h.closed
    with pytest.raises(ValueError, match="closed"):
        use(h)
    with pytest.raises(ValueError):
        with h:
            pass
    assert "closed" in repr(h)


def test_with_block(handle: tuple[Any, Callable[[Any], Any], bool]) -> None:
    h, use, _ = handle
    with h as same:
        assert same is h
        use(h)
    assert h.closed


def test_no_direct_construction_or_reinit(handle: tuple[Any, Callable[[Any], Any], bool]) -> None:
    h, _, _ = handle
    cls = type(h)
    if cls is contour.Policy:
        with pytest.raises(TypeError, match="already initialised"):
            h.__init__()
    else:
        with pytest.raises(TypeError, match="cannot be created directly"):
            cls()
        with pytest.raises(TypeError):
            cls(h._ptr)
        with pytest.raises(TypeError):
            h.__init__(h._ptr)
    h.close()


def test_threads_read_while_one_closes(handle: tuple[Any, Callable[[Any], Any], bool]) -> None:
    h, use, _ = handle
    expected = use(h)
    errors: list[BaseException] = []
    go = threading.Barrier(5)

    def reader() -> None:
        go.wait()
        try:
            for _ in range(400):
                assert use(h) == expected
        except ValueError:
            return  # closed by the main thread
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    go.wait()
    h.close()
    for t in threads:
        t.join()
    assert not errors, errors
    assert h.closed


def test_graph_filter_and_records_are_plain_values() -> None:
    f = contour.GraphFilter(vhosts=["a.example.com"])
    assert copy.copy(f) == f and copy.deepcopy(f) == f and pickle.loads(pickle.dumps(f)) == f
