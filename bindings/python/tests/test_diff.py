"""contour.diff(old, new): the records, their JSON and text renderings, against what the
two graphs' JSON say changed (tests/mutations.py, expected_diff)."""

from __future__ import annotations

import copy
import gc
import io
import json
import pickle
import random
import threading
from typing import Any

import pytest

import contour
from contour import Change, Config, Diff, Graph, Kind, MatchType
from mutations import Cluster, expected_diff, graph_json

pytestmark = pytest.mark.resolve

SVC = "apiVersion: v1\nkind: Service\nmetadata: {name: s1, namespace: ns}\nspec:\n  ports: [{port: 80}, {port: 8080}]\n"
SECRET = (
    "apiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: ns}\n"
    "type: kubernetes.io/tls\ndata: {tls.crt: Y2VydA==, tls.key: a2V5}\n"
)


def root(fqdn: str = "a.example.com", port: int = 80, tls: str = "", extra: str = "") -> str:
    return f"""\
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {{name: root, namespace: ns}}
spec:
  virtualhost: {{fqdn: {fqdn}{tls}}}
  routes:
  - match: /
    services: [{{name: s1, port: {port}}}]
{extra}"""


def graph(*docs: str) -> Graph:
    with contour.Snapshot.from_text("---\n".join(docs), name="in.yaml") as s:
        return s.resolve()


# -- the records against the two graphs -------------------------------------------------------


def _vhosts(g: Graph) -> dict[tuple[str, str], contour.VirtualHost]:
    return {(lst.name, v.fqdn): v for lst in g.listeners for v in lst.virtual_hosts}


def check(old: Graph, new: Graph, d: Diff) -> None:
    """The diff's JSON is what the graphs' JSON say changed, and each record equals the
    JSON entry and the graphs' own records (read through the bulk export)."""
    expected = expected_diff(graph_json(old), graph_json(new))
    rendered = json.loads(d.json())
    assert rendered == expected
    assert bool(d) == any([expected["virtualhosts"], expected["statuses"],
                           expected["diagnostics"]["added"], expected["diagnostics"]["resolved"]])

    vo, vn = _vhosts(old), _vhosts(new)
    assert len(d.virtual_hosts) == len(expected["virtualhosts"])
    for rec, exp in zip(d.virtual_hosts, expected["virtualhosts"]):
        assert (rec.listener, rec.port, rec.fqdn, str(rec.change), rec.tls_changed) == (
            exp["listener"], exp["port"], exp["fqdn"], exp["change"], exp["tls_changed"])
        assert rec.old == vo.get((rec.listener, rec.fqdn))
        assert rec.new == vn.get((rec.listener, rec.fqdn))
        assert (rec.old is None) == (rec.change is Change.ADDED)
        assert (rec.new is None) == (rec.change is Change.REMOVED)
        assert len(rec.routes) == len(exp["routes"])
        old_routes = {(r.match_type, r.path): r for r in (rec.old.routes if rec.old else ())}
        new_routes = {(r.match_type, r.path): r for r in (rec.new.routes if rec.new else ())}
        for rc, er in zip(rec.routes, exp["routes"]):
            key = "exact" if rc.match_type is MatchType.EXACT else "prefix"
            assert (str(rc.change), er.get(key)) == (er["change"], rc.path)
            assert rc.old == old_routes.get((rc.match_type, rc.path))
            assert rc.new == new_routes.get((rc.match_type, rc.path))
            assert (rc.old is None, rc.new is None) == ("old" not in er, "new" not in er)

    so = {(s.namespace, s.name): s for s in old.statuses}
    sn = {(s.namespace, s.name): s for s in new.statuses}
    assert len(d.statuses) == len(expected["statuses"])
    for sc, es in zip(d.statuses, expected["statuses"]):
        assert (str(sc.change), sc.kind.k8s_name, sc.namespace, sc.name) == (
            es["change"], es["kind"], es["namespace"], es["name"])
        assert sc.ref == contour.ObjectRef(sc.kind, sc.namespace, sc.name)
        assert sc.old == so.get((sc.namespace, sc.name)) if sc.old else "old" not in es
        assert sc.new == sn.get((sc.namespace, sc.name)) if sc.new else "new" not in es

    def as_json(diag: contour.Diagnostic) -> dict[str, Any]:
        out: dict[str, Any] = {"severity": str(diag.severity), "code": diag.code,
                               "message": diag.message, "file": diag.file,
                               "line": diag.line, "column": diag.column}
        return out

    def strip(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        keys = ("severity", "code", "message", "file", "line", "column")
        return [{k: e[k] for k in keys} for e in entries]

    assert [as_json(x) for x in d.added_diagnostics] == strip(expected["diagnostics"]["added"])
    assert [as_json(x) for x in d.resolved_diagnostics] == strip(expected["diagnostics"]["resolved"])
    # and the records are the graphs' own diagnostics
    assert all(x in new.diagnostics for x in d.added_diagnostics)
    assert all(x in old.diagnostics for x in d.resolved_diagnostics)


@pytest.mark.parametrize("seed", range(6))
def test_random_changes(seed: int) -> None:
    rng = random.Random(1000 + seed)
    cluster = Cluster(rng)
    seen = {"vhost": 0, "route": 0, "status": 0, "added": 0, "resolved": 0}
    with contour.Snapshot(Config(root_namespaces=["roots"])) as snap:
        cluster.populate(snap)
        prev = snap.resolve()
        first = prev
        for _ in range(40):
            cluster.step(snap)
            nxt = snap.resolve(previous=prev)
            with contour.diff(prev, nxt) as d:
                check(prev, nxt, d)
                seen["vhost"] += len(d.virtual_hosts)
                seen["route"] += sum(len(v.routes) for v in d.virtual_hosts)
                seen["status"] += len(d.statuses)
                seen["added"] += len(d.added_diagnostics)
                seen["resolved"] += len(d.resolved_diagnostics)
            if prev is not first:
                prev.close()
            prev = nxt
        # two graphs far apart, and in the other direction
        with contour.diff(first, prev) as d:
            check(first, prev, d)
        with contour.diff(prev, first) as d:
            check(prev, first, d)
        first.close()
        prev.close()
    assert all(seen.values()), seen


def test_unrelated_graphs_of_two_snapshots() -> None:
    with graph(SVC, root()) as a, graph(SVC, SECRET, root("b.example.com", tls=", tls: {secretName: cert}")) as b:
        with contour.diff(a, b) as d:
            check(a, b, d)
            kinds = sorted((v.listener, v.fqdn, v.change) for v in d.virtual_hosts)
            assert kinds == [
                ("ingress_http", "a.example.com", Change.REMOVED),
                ("ingress_http", "b.example.com", Change.ADDED),
                ("ingress_https", "b.example.com", Change.ADDED),
            ]


# -- shapes -----------------------------------------------------------------------------------


def test_route_change() -> None:
    with graph(SVC, root()) as a, graph(SVC, root(port=8080)) as b, contour.diff(a, b) as d:
        (v,) = d.virtual_hosts
        assert (v.listener, v.port, v.fqdn, v.change, v.tls_changed) == (
            "ingress_http", 80, "a.example.com", Change.CHANGED, False)
        (r,) = v.routes
        assert (r.change, r.match_type, r.path) == (Change.CHANGED, MatchType.PREFIX, "/")
        assert r.old is not None and r.new is not None
        assert [c.port for c in r.old.clusters] == [80] and [c.port for c in r.new.clusters] == [8080]
        assert d.statuses == () and d.added_diagnostics == () and d.resolved_diagnostics == ()
        assert d
        assert d.text() == (
            "~ ingress_http 80 a.example.com\n"
            "    ~ route prefix / (IngressRoute ns/root) -> ns/s1:80 weight 0\n"
            "      => prefix / (IngressRoute ns/root) -> ns/s1:8080 weight 0\n"
        )


def test_tls_change_and_status_change() -> None:
    tls = ", tls: {secretName: cert}"
    with graph(SVC, SECRET, root(tls=tls)) as a, graph(SVC, root(tls=tls)) as b:
        with contour.diff(a, b) as d:
            check(a, b, d)
            assert [(v.listener, v.change) for v in d.virtual_hosts] == [
                ("ingress_http", Change.CHANGED), ("ingress_https", Change.REMOVED)]
            assert d.virtual_hosts[1].old is not None and d.virtual_hosts[1].old.tls is not None
            assert d.added_diagnostics and d.added_diagnostics[0].code == "tls-secret-not-found"
    with graph(SVC, root()) as a, graph(root()) as b, contour.diff(a, b) as d:
        check(a, b, d)
        assert [x.code for x in d.added_diagnostics] == ["service-not-found"]
    bad = root().replace("port: 80", "port: 70000")
    with graph(SVC, root()) as a, graph(SVC, bad) as b, contour.diff(a, b) as d:
        (st,) = d.statuses
        assert st.change is Change.CHANGED and st.ref == contour.ObjectRef(Kind.INGRESSROUTE, "ns", "root")
        assert st.old is not None and st.new is not None
        assert (st.old.state, st.new.state) == (contour.State.VALID, contour.State.INVALID)
        check(a, b, d)


def test_empty_diff_is_falsy() -> None:
    with graph(SVC, root()) as a, graph(SVC, root()) as b:
        for x, y in ((a, b), (a, a)):
            with contour.diff(x, y) as d:
                assert not d and bool(d) is False
                assert d.virtual_hosts == () and d.statuses == ()
                assert d.added_diagnostics == () and d.resolved_diagnostics == ()
                assert d.text() == "no changes\n"
                assert json.loads(d.json()) == {
                    "virtualhosts": [], "statuses": [], "diagnostics": {"added": [], "resolved": []}}
                assert "virtual_hosts=0" in repr(d)


def test_records_are_frozen_values() -> None:
    import dataclasses

    with graph(SVC, root()) as a, graph(SVC, root(port=8080)) as b:
        with contour.diff(a, b) as d:
            v = d.virtual_hosts[0]
            assert d.virtual_hosts is d.virtual_hosts  # cached
        assert dataclasses.is_dataclass(v) and hash(v) == hash(copy.deepcopy(v))
        with pytest.raises(dataclasses.FrozenInstanceError):
            v.fqdn = "x"  # type: ignore[misc]
        assert pickle.loads(pickle.dumps(v)) == v


# -- rendering --------------------------------------------------------------------------------


def test_render_and_write() -> None:
    with graph(SVC, root()) as a, graph(SVC, root(port=8080), SECRET) as b, contour.diff(a, b) as d:
        assert d.render() == d.json().encode() == d.render("json") == d.render(contour.OutputFormat.JSON)
        assert d.render("text") == d.text().encode()
        for fmt in ("json", "text"):
            out = io.BytesIO()
            assert d.write(out, fmt) == len(d.render(fmt))
            assert out.getvalue() == d.render(fmt)
            sio = io.StringIO()
            d.write(sio, format=fmt)
            assert sio.getvalue() == d.render(fmt).decode()
        for bad in ("dot", contour.OutputFormat.DOT, "xml", 7):
            with pytest.raises(ValueError):
                d.render(bad)  # type: ignore[arg-type]
            with pytest.raises(ValueError):
                d.write(io.BytesIO(), bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            d.render(None)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            d.write(object())

        class Full(io.RawIOBase):
            def writable(self) -> bool:
                return True

            def write(self, b: Any) -> int:
                raise OSError(28, "No space left on device")

        with pytest.raises(OSError) as err:
            d.write(Full())
        assert err.value.errno == 28
        assert d.json()  # still usable


# -- lifetime ---------------------------------------------------------------------------------


def test_diff_outlives_its_graphs() -> None:
    a = graph(SVC, root())
    b = graph(SVC, root(port=8080))
    d = contour.diff(a, b)
    text = d.text()
    a.close()
    b.close()
    del a, b
    gc.collect()
    assert d.text() == text and d.virtual_hosts[0].routes[0].new is not None
    d.close()


def test_handle_rules() -> None:
    with graph(SVC, root()) as a, graph(SVC) as b:
        d = contour.diff(a, b)
        for f in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError):
                f(d)
        with pytest.raises(TypeError, match=r"contour.diff\(old, new\)"):
            Diff()
        with pytest.raises(TypeError):
            Diff(d._ptr)  # type: ignore[call-arg]
        assert not d.closed
        d.close()
        d.close()  # twice: a no-op
        assert d.closed and "closed" in repr(d)
        for use in (lambda: d.virtual_hosts, lambda: d.statuses, lambda: d.added_diagnostics,
                    lambda: d.resolved_diagnostics, lambda: bool(d), d.json, d.text,
                    lambda: d.write(io.BytesIO())):
            with pytest.raises(ValueError, match="closed Diff"):
                use()
        with pytest.raises(ValueError):
            with d:
                pass


def test_bad_arguments() -> None:
    with graph(SVC) as a:
        for args in ((a, None), (None, a), (a, "graph"), (a.walk(), a)):
            with pytest.raises(TypeError):
                contour.diff(*args)  # type: ignore[arg-type]
        closed = graph(SVC)
        closed.close()
        with pytest.raises(ValueError, match="closed Graph"):
            contour.diff(a, closed)
        with pytest.raises(ValueError, match="closed Graph"):
            contour.diff(closed, a)


def test_threads_read_one_diff_while_it_is_closed() -> None:
    with graph(SVC, root()) as a, graph(SVC, root(port=8080), SECRET) as b:
        d = contour.diff(a, b)
        expected = (d.json(), d.text())
        errors: list[BaseException] = []
        start = threading.Barrier(5)

        def reader() -> None:
            start.wait()
            for _ in range(300):
                try:
                    assert (d.json(), d.text()) == expected
                    d.virtual_hosts, d.statuses, bool(d)
                except ValueError:
                    return  # closed by the main thread: the one allowed failure
                except BaseException as exc:  # noqa: BLE001
                    errors.append(exc)
                    return

        threads = [threading.Thread(target=reader) for _ in range(4)]
        for t in threads:
            t.start()
        start.wait()
        d.close()
        for t in threads:
            t.join()
        assert not errors, errors


def test_closing_the_diff_from_its_own_write_callback() -> None:
    with graph(SVC, root()) as a, graph(SVC, root(port=8080)) as b:
        d = contour.diff(a, b)

        class Closer:
            def write(self, data: bytes) -> int:
                d.close()
                return len(data)

        with pytest.raises(RuntimeError, match="same thread"):
            d.write(Closer())
        assert not d.closed and d.json()
        d.close()
