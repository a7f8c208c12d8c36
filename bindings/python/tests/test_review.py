"""Admission: contour.review() -> Verdict, contour.whatif() -> Graph, Policy,
contour.admission_review() (include/contour/admission.h)."""

from __future__ import annotations

import copy
import gc
import json
import pickle
import random
import threading
from typing import Any, Iterator

import pytest

import contour
from contour import Change, Finding, Kind, Operation, Policy, PolicyAction, State, Verdict
from mutations import UNIVERSE, Cluster

pytestmark = pytest.mark.resolve

SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: shop}
spec:
  ports: [{name: http, port: 80}]
"""
ROOT = """\
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: shop, namespace: roots}
spec:
  virtualhost: {fqdn: shop.example.com}
  routes:
  - match: /
    delegate: {name: web, namespace: shop}
"""
CHILD = """\
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: web, namespace: shop}
spec:
  routes:
  - match: /
    services: [{name: frontend, port: 80}]
"""
BAD_PORT = CHILD.replace("port: 80", "port: 70000")


@pytest.fixture
def cluster() -> Iterator[tuple[contour.Snapshot, contour.Graph]]:
    snap = contour.Snapshot(contour.Config(root_namespaces=["roots"]))
    for name, text in (("svc", SERVICE), ("root", ROOT), ("child", CHILD)):
        snap.set_source(name, text)
    graph = snap.resolve()
    yield snap, graph
    graph.close()
    snap.close()


def state(snap: contour.Snapshot) -> tuple[Any, ...]:
    with snap.resolve() as g:
        return snap.objects(), snap.diagnostics, g.to_json()


# -- verdicts -----------------------------------------------------------------------------------


def test_an_allowed_change(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    with contour.review(snap, graph, CHILD.replace("port: 80", "port: 80, weight: 5"), Operation.UPDATE) as v:
        assert v.allowed and v.message == "" and v.warnings == () and v.findings == {}
        assert v.status is not None and v.status.state is State.VALID
        assert v.status.ref == contour.ObjectRef(Kind.INGRESSROUTE, "shop", "web")
        d = v.diff
        assert d is not None and d and not d.closed
        (vh,) = d.virtual_hosts
        assert vh.change is Change.CHANGED and vh.routes[0].new is not None
        assert vh.routes[0].new.clusters[0].weight == 5
        assert "allowed=True" in repr(v)


def test_a_denied_change(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    before = state(snap)
    with contour.review(snap, graph, BAD_PORT, "UPDATE") as v:
        assert not v.allowed
        assert "IngressRoute shop/web would be invalid" in v.message
        assert "port must be in the range 1-65535" in v.message
        assert v.findings == {Finding.INVALID: 1, Finding.DROPS_ROUTES: 1}
        assert v.finding_count(Finding.INVALID) == 1 and v.finding_count(Finding.WARNINGS) == 0
        assert v.status is not None and v.status.state is State.INVALID
        assert v.status.file == "<admission>"
        assert v.diff is not None
        (sc,) = v.diff.statuses
        assert (sc.change, sc.name) == (Change.CHANGED, "web")
        assert json.loads(v.diff.json())["statuses"][0]["new"]["status"] == "invalid"
        assert "~ status IngressRoute shop/web" in v.diff.text()
    assert state(snap) == before  # the snapshot is never changed


def test_policy_turns_a_denial_into_a_warning(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    lenient = Policy({Finding.INVALID: PolicyAction.WARN, "drops-routes": "warn"})
    with contour.review(snap, graph, BAD_PORT, "UPDATE", lenient) as v:
        assert v.allowed and v.message == ""
        assert len(v.warnings) == 2 and any("would be invalid" in w for w in v.warnings)
        assert v.findings == {Finding.INVALID: 1, Finding.DROPS_ROUTES: 1}
    silent = Policy({f: PolicyAction.ALLOW for f in Finding})
    with contour.review(snap, graph, BAD_PORT, Operation.UPDATE, policy=silent) as v:
        assert v.allowed and v.warnings == () and v.findings  # still counted


def test_delete_create_and_other_kinds(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    with contour.review(snap, graph, CHILD, "delete") as v:
        assert not v.allowed and "drop 1 route" in v.message
        assert v.warnings and "delegate target shop/web not found" in v.warnings[0]
        assert v.diff is not None and [s.change for s in v.diff.statuses] == [Change.REMOVED]
    new = CHILD.replace("name: web", "name: new")
    with contour.review(snap, graph, new.encode(), Operation.CREATE) as v:
        assert v.allowed and v.findings == {Finding.ORPHANED: 1} and len(v.warnings) == 1
        assert v.status is not None and v.status.state is State.ORPHANED
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop}\n"
    with contour.review(snap, graph, bytearray(cm.encode()), "CREATE") as v:
        assert v.allowed and v.status is None and v.findings == {}


def test_bad_yaml_is_a_denied_verdict(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    with contour.review(snap, graph, "apiVersion: [unclosed\n", "UPDATE") as v:
        assert not v.allowed
        assert "did not find expected" in v.message
        assert v.findings == {Finding.INVALID: 1}
        assert v.diff is None and v.status is None


def test_errors(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    two = SERVICE + "---\n" + CHILD
    with pytest.raises(contour.InvalidArgumentError, match="one object"):
        contour.review(snap, graph, two, "UPDATE")
    # a stale graph: resolved before the snapshot changed
    snap.set_source("svc", SERVICE.replace("port: 80", "port: 81"))
    with pytest.raises(ValueError, match="current version"):
        contour.review(snap, graph, CHILD, "UPDATE")
    with snap.resolve() as fresh, contour.review(snap, fresh, CHILD, "UPDATE") as v:
        assert v.allowed and v.diff is not None  # no route, no status would change
        assert v.diff.virtual_hosts == () and v.diff.statuses == ()
    # a graph of another snapshot
    with contour.Snapshot() as other, other.resolve() as g:
        with pytest.raises(ValueError):
            contour.review(snap, g, CHILD, "UPDATE")


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"operation": "PATCH"}, ValueError),
        ({"operation": 7}, ValueError),
        ({"operation": None}, TypeError),
        ({"operation": True}, TypeError),
        ({"proposal": None}, TypeError),
        ({"proposal": 12}, TypeError),
        ({"policy": "strict"}, TypeError),
        ({"policy": {Finding.INVALID: PolicyAction.WARN}}, TypeError),
        ({"name": b"x"}, TypeError),
        ({"name": "a\0b"}, ValueError),
        ({"format": 9}, ValueError),
        ({"snapshot": None}, TypeError),
        ({"graph": None}, TypeError),
        ({"graph": "graph"}, TypeError),
    ],
)
def test_bad_arguments(cluster: tuple[contour.Snapshot, contour.Graph], kwargs: dict[str, Any], exc: type[Exception]) -> None:
    snap, graph = cluster
    args: dict[str, Any] = {"snapshot": snap, "graph": graph, "proposal": CHILD, "operation": "UPDATE"}
    args.update(kwargs)
    with pytest.raises(exc):
        contour.review(**args)
    if "policy" not in kwargs:
        with pytest.raises(exc):
            contour.whatif(**args)


def test_closed_handles(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    closed_policy = Policy()
    closed_policy.close()
    with pytest.raises(ValueError, match="closed Policy"):
        contour.review(snap, graph, CHILD, "UPDATE", closed_policy)
    with contour.Snapshot() as s2:
        g2 = s2.resolve()
        g2.close()
        with pytest.raises(ValueError, match="closed Graph"):
            contour.review(s2, g2, CHILD, "UPDATE")
        with pytest.raises(ValueError, match="closed Graph"):
            contour.whatif(s2, g2, CHILD, "UPDATE")
    s3 = contour.Snapshot()
    g3 = s3.resolve()
    s3.close()
    with pytest.raises(ValueError, match="closed Snapshot"):
        contour.review(s3, g3, CHILD, "UPDATE")
    g3.close()


# -- the Verdict handle ------------------------------------------------------------------------


def test_verdict_handle_rules(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    v = contour.review(snap, graph, BAD_PORT, "UPDATE")
    for f in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError):
            f(v)
    d = v.diff
    assert d is not None and v.diff is d  # one diff object while it is alive
    for f in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError):
            f(d)
    with pytest.raises(TypeError, match=r"contour.review\(\)"):
        Verdict()
    text = d.text()
    d.close()  # closing the diff view frees nothing
    assert d.closed and not v.closed
    with pytest.raises(ValueError, match="closed Diff"):
        d.text()
    d2 = v.diff
    assert d2 is not None and d2 is not d and d2.text() == text
    v.close()
    v.close()  # twice: a no-op
    assert v.closed and d2.closed and "closed" in repr(v) and "closed" in repr(d2)
    for use in (lambda: v.allowed, lambda: v.message, lambda: v.warnings, lambda: v.findings,
                lambda: v.status, lambda: v.diff, lambda: v.finding_count(Finding.INVALID)):
        with pytest.raises(ValueError, match="closed Verdict"):
            use()
    for use2 in (d2.text, d2.json, lambda: d2.virtual_hosts, lambda: bool(d2)):
        with pytest.raises(ValueError, match="Diff of a closed Verdict"):
            use2()
    d2.close()  # closing the view of a closed verdict: a no-op


def test_a_diff_keeps_its_verdict_alive(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    d = contour.review(snap, graph, BAD_PORT, "UPDATE").diff  # the verdict is unreferenced
    gc.collect()
    assert d is not None and d.statuses[0].change is Change.CHANGED
    assert "status IngressRoute shop/web" in d.text()
    d.close()


def test_verdict_and_diff_are_freed_without_a_cycle(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    import weakref

    snap, graph = cluster
    v = contour.review(snap, graph, BAD_PORT, "UPDATE")
    d = v.diff
    refs = [weakref.ref(v), weakref.ref(d)]
    gc.disable()
    try:
        del v, d
        assert [r() for r in refs] == [None, None]  # reference counting alone frees them
    finally:
        gc.enable()


def test_reviews_on_threads(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    policy = Policy({"orphaned": "deny"})
    errors: list[BaseException] = []
    expected = {}
    for text in (CHILD, BAD_PORT):
        with contour.review(snap, graph, text, "UPDATE", policy) as v:
            expected[text] = (v.allowed, v.message, v.warnings, v.findings)

    def run(i: int) -> None:
        try:
            for j in range(30):
                text = (CHILD, BAD_PORT)[(i + j) % 2]
                with contour.review(snap, graph, text, "UPDATE", policy) as v:
                    assert (v.allowed, v.message, v.warnings, v.findings) == expected[text]
                    assert v.diff is not None
                    v.diff.json()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_verdict_read_while_closed_on_another_thread(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    v = contour.review(snap, graph, BAD_PORT, "UPDATE")
    d = v.diff
    assert d is not None
    errors: list[BaseException] = []
    go = threading.Barrier(4)

    def run() -> None:
        go.wait()
        try:
            for _ in range(500):
                v.message, d.text(), d.statuses
        except ValueError:
            pass  # closed meanwhile
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    go.wait()
    v.close()
    for t in threads:
        t.join()
    assert not errors, errors


# -- what-if -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_whatif_is_a_resolve_of_the_changed_snapshot(seed: int) -> None:
    rng = random.Random(500 + seed)
    cluster = Cluster(rng)
    with contour.Snapshot(contour.Config(root_namespaces=["roots"])) as snap:
        cluster.populate(snap)
        for _ in range(12):
            cluster.step(snap)
            with snap.resolve() as base:
                key = rng.choice(list(UNIVERSE))
                kind, ns, name = key
                proposal = UNIVERSE[key](rng, ns, name)
                op = rng.choice([Operation.CREATE, Operation.UPDATE, Operation.DELETE])
                with contour.whatif(snap, base, proposal, op) as g:
                    got = g.to_json()
                # the same change, made to a copy of the snapshot
                with contour.Snapshot(snap.config) as copy_:
                    for source, text in cluster.sources.items():
                        copy_.set_source(source, text)
                    assert copy_.resolve().to_json() == base.to_json()
                    if snap.get(kind, ns, name) is not None:
                        copy_.remove(kind, ns, name)
                    if op is not Operation.DELETE:
                        copy_.load_text(proposal, name="<admission>")
                    with copy_.resolve() as expected:
                        assert got == expected.to_json(), (seed, key, op)


def test_whatif_errors(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    for bad in ("apiVersion: [unclosed\n", "", SERVICE + "---\n" + CHILD,
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"):
        with pytest.raises(contour.InvalidArgumentError, match="exactly one modelled object"):
            contour.whatif(snap, graph, bad, "UPDATE")
    with contour.whatif(snap, graph, BAD_PORT, "UPDATE") as g:
        assert g.status("shop", "web").state is State.INVALID
        assert graph.status("shop", "web").state is State.VALID  # the base is unchanged
        with contour.diff(graph, g) as d:
            with contour.review(snap, graph, BAD_PORT, "UPDATE") as v:
                assert v.diff is not None and v.diff.json() == d.json()


# -- Policy -----------------------------------------------------------------------------------


def test_policy_values() -> None:
    p = Policy()
    assert p.actions == {
        Finding.INVALID: PolicyAction.DENY,
        Finding.ORPHANED: PolicyAction.WARN,
        Finding.BREAKS_OTHERS: PolicyAction.DENY,
        Finding.DROPS_ROUTES: PolicyAction.DENY,
        Finding.TAKES_ROUTES: PolicyAction.WARN,
        Finding.DROPS_TLS: PolicyAction.DENY,
        Finding.WARNINGS: PolicyAction.WARN,
    }
    assert p.max_listed == 5 and p == Policy() and hash(p) == hash(Policy())
    q = p.replace({"orphaned": "deny"}, max_listed=2)
    assert q.action(Finding.ORPHANED) is PolicyAction.DENY and q.max_listed == 2
    assert p.action("orphaned") is PolicyAction.WARN  # type: ignore[arg-type]
    assert q != p and q == Policy({Finding.ORPHANED: PolicyAction.DENY}, max_listed=2)
    assert Policy({"DROPS_TLS": 0}).action(Finding.DROPS_TLS) is PolicyAction.ALLOW
    assert eval(repr(q), {"Policy": Policy}) == q
    assert str(Finding.BREAKS_OTHERS) == "breaks-others" and str(PolicyAction.WARN) == "warn"


def test_policy_copies_are_clones() -> None:
    p = Policy({Finding.INVALID: "warn"}, max_listed=3)
    for c in (copy.copy(p), copy.deepcopy(p)):
        assert c == p and c is not p and c._ptr != p._ptr
    c = copy.copy(p)
    p.close()
    p.close()
    assert c.action(Finding.INVALID) is PolicyAction.WARN and c.max_listed == 3
    with pytest.raises(ValueError, match="closed Policy"):
        p.actions
    with pytest.raises(ValueError, match="closed Policy"):
        copy.copy(p)
    with pytest.raises(TypeError):
        pickle.dumps(c)


@pytest.mark.parametrize(
    "args, kwargs, exc",
    [
        (({"nonsense": "deny"},), {}, ValueError),
        (({Finding.INVALID: "maybe"},), {}, ValueError),
        (({Finding.INVALID: 5},), {}, ValueError),
        (({99: "deny"},), {}, ValueError),
        (({1.5: "deny"},), {}, TypeError),
        (({Finding.INVALID: None},), {}, TypeError),
        ((["invalid"],), {}, TypeError),
        ((), {"max_listed": 0}, ValueError),
        ((), {"max_listed": 1001}, ValueError),
        ((), {"max_listed": "5"}, TypeError),
        ((), {"max_listed": True}, TypeError),
    ],
)
def test_policy_errors(args: tuple[Any, ...], kwargs: dict[str, Any], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        Policy(*args, **kwargs)


def test_max_listed_shortens_messages() -> None:
    text = "---\n".join(
        f"apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata: {{name: r{i}, namespace: roots}}\n"
        f"spec:\n  virtualhost: {{fqdn: h{i}.example.com}}\n  routes:\n  - match: /\n"
        f"    services: [{{name: frontend, port: 80}}]\n"
        for i in range(8)
    )
    with contour.Snapshot.from_text(SERVICE.replace("namespace: shop", "namespace: roots") + "---\n" + text) as snap, snap.resolve() as g:
        svc = SERVICE.replace("namespace: shop", "namespace: roots")
        with contour.review(snap, g, svc, "DELETE") as v5, \
                contour.review(snap, g, svc, "DELETE", Policy(max_listed=1)) as v1:
            assert not v5.allowed and not v1.allowed
            assert "and 3 more" in v5.message and "and 7 more" in v1.message


# -- AdmissionReview ----------------------------------------------------------------------------


def admission(obj: dict[str, Any] | None, operation: str = "UPDATE", **extra: Any) -> str:
    req: dict[str, Any] = {
        "uid": "u-1",
        "kind": {"group": "contour.heptio.com", "version": "v1beta1", "kind": "IngressRoute"},
        "operation": operation,
        "namespace": "shop",
        "name": "web",
    }
    if obj is not None:
        req["object"] = obj
    req.update(extra)
    return json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req})


def child(port: int) -> dict[str, Any]:
    return {
        "apiVersion": "contour.heptio.com/v1beta1",
        "kind": "IngressRoute",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"routes": [{"match": "/", "services": [{"name": "frontend", "port": port}]}]},
    }


def test_admission_review(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    ok = json.loads(contour.admission_review(snap, graph, admission(child(80))))
    assert ok["response"] == {"uid": "u-1", "allowed": True}
    denied = json.loads(contour.admission_review(snap, graph, admission(child(70000)).encode()))
    assert denied["response"]["allowed"] is False and denied["response"]["uid"] == "u-1"
    assert "would be invalid" in denied["response"]["status"]["message"]
    warn = contour.admission_review(snap, graph, admission(child(70000)), Policy({"invalid": "warn", "drops-routes": "warn"}))
    assert json.loads(warn)["response"]["allowed"] is True


def test_admission_review_malformed(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    snap, graph = cluster
    with pytest.raises(contour.InvalidArgumentError, match="request.uid must be a string"):
        contour.admission_review(snap, graph, admission(child(80), uid=1))
    with pytest.raises(contour.InvalidArgumentError):
        contour.admission_review(snap, graph, "not json")
    with pytest.raises(TypeError):
        contour.admission_review(snap, graph, None)  # type: ignore[arg-type]


def test_closing_the_verdict_from_its_diffs_write_callback(cluster: tuple[contour.Snapshot, contour.Graph]) -> None:
    import io

    snap, graph = cluster
    v = contour.review(snap, graph, BAD_PORT, "UPDATE")
    d = v.diff
    assert d is not None

    class Closer(io.BytesIO):
        def write(self, b: Any) -> int:
            v.close()  # would wait for the write holding the verdict: refused
            return super().write(b)

    with pytest.raises(RuntimeError, match="same thread"):
        d.write(Closer())
    assert not v.closed and d.text()
    out = io.BytesIO()
    d.write(out, "text")
    assert out.getvalue() == d.render("text")
    v.close()
    assert d.closed
