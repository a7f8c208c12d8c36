"""Following a changing cluster: Snapshot.set_source / remove_source (watch updates) and
Snapshot.resolve(previous=...) (contour_resolve_update), which must give exactly the graph
a full resolve gives."""

from __future__ import annotations

import gc
import random
import threading

import pytest

import contour
from contour import Config, Kind, Limit, Severity
from mutations import Cluster

pytestmark = pytest.mark.resolve

SVC = "apiVersion: v1\nkind: Service\nmetadata: {name: s1, namespace: ns}\nspec:\n  ports: [{port: 80}]\n"
SVC2 = SVC.replace("port: 80", "port: 8080")
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


# -- set_source / remove_source ---------------------------------------------------------------


def test_set_source_replaces_quietly() -> None:
    with contour.Snapshot() as snap:
        snap.set_source("Service/ns/s1", SVC)
        snap.set_source("Service/ns/s1", SVC2)  # same source: no duplicate warning
        (svc,) = snap.objects(Kind.SERVICE)
        assert [p.port for p in svc.ports] == [8080]
        assert svc.file == "Service/ns/s1"
        assert snap.diagnostics == ()
        # bytes, bytearray and memoryview too
        snap.set_source("Service/ns/s1", SVC.encode())
        snap.set_source("Service/ns/s1", bytearray(SVC2.encode()))
        snap.set_source("Service/ns/s1", memoryview(SVC.encode()))
        assert [p.port for p in snap.find(Kind.SERVICE, "ns", "s1").ports] == [80]
        assert snap.diagnostics == ()


def test_a_load_then_set_source_of_the_same_name() -> None:
    with contour.Snapshot() as snap:
        snap.load_text(SVC + "---\n" + ROOT, name="file.yaml")
        snap.set_source("file.yaml", SVC2)  # the whole source: the IngressRoute goes
        assert snap.count(Kind.INGRESSROUTE) == 0
        assert [p.port for p in snap.find(Kind.SERVICE, "ns", "s1").ports] == [8080]


def test_another_source_defining_the_object_warns() -> None:
    with contour.Snapshot() as snap:
        snap.set_source("a", SVC)
        snap.set_source("b", SVC2)
        (d,) = snap.diagnostics
        assert d.code == "duplicate-object" and d.severity is Severity.WARNING and d.file == "b"
        assert snap.find(Kind.SERVICE, "ns", "s1").file == "b"


def test_bad_yaml_in_a_source_becomes_diagnostics_and_replaces_the_old_objects() -> None:
    with contour.Snapshot() as snap:
        snap.set_source("svc", SVC)
        snap.set_source("svc", "apiVersion: [unclosed\n")
        assert snap.count() == 0
        (d,) = snap.diagnostics
        assert d.severity is Severity.ERROR and d.file == "svc" and d.code == "yaml-syntax"
        with pytest.raises(contour.LoadError) as err:
            snap.set_source("svc", "kind: [\n", strict=True)
        assert err.value.diagnostics and all(x.file == "svc" for x in err.value.diagnostics)
        snap.set_source("svc", SVC)  # fixing it clears the diagnostics
        assert snap.diagnostics == () and snap.count() == 1


def test_remove_source() -> None:
    with contour.Snapshot() as snap:
        snap.set_source("svc", SVC)
        snap.set_source("root", ROOT)
        snap.set_source("broken", "apiVersion: [unclosed\n")
        snap.remove_source("svc")
        assert snap.count(Kind.SERVICE) == 0 and snap.count(Kind.INGRESSROUTE) == 1
        snap.remove_source("broken")
        assert snap.diagnostics == ()
        with pytest.raises(contour.NotFoundError) as err:
            snap.remove_source("svc")
        assert isinstance(err.value, KeyError) and err.value.result is contour.Result.ERR_NOT_FOUND
        assert "'svc'" in str(err.value)
        snap.remove_source("svc", missing_ok=True)
        snap.remove_source("never", missing_ok=True)
        assert snap.count() == 1


def test_a_set_source_is_known_until_removed() -> None:
    # A source set by name stays known even when it defines nothing the library models;
    # removing it twice is NotFoundError unless missing_ok=True.
    with contour.Snapshot() as snap:
        snap.set_source("empty", "")
        snap.set_source("configmap", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        for name in ("empty", "configmap"):
            snap.remove_source(name)
            with pytest.raises(contour.NotFoundError):
                snap.remove_source(name)
            snap.remove_source(name, missing_ok=True)


def test_set_source_limits() -> None:
    with contour.Snapshot(Config(limits={Limit.INPUT_BYTES: 64})) as snap:
        snap.set_source("svc", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n")
        with pytest.raises(contour.LimitExceededError) as err:
            snap.set_source("svc", SVC + "#" * 100)
        assert [d.code for d in err.value.diagnostics] == ["limit-input"]
        assert snap.count() == 0  # the source's old object went


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda s: s.set_source(1, SVC), TypeError),
        (lambda s: s.set_source(b"svc", SVC), TypeError),
        (lambda s: s.set_source("a\0b", SVC), ValueError),
        (lambda s: s.set_source("svc", 42), TypeError),
        (lambda s: s.set_source("svc", None), TypeError),
        (lambda s: s.set_source("svc", SVC, format=9), ValueError),
        (lambda s: s.set_source("svc", SVC, format="yaml"), TypeError),
        (lambda s: s.remove_source(None), TypeError),
        (lambda s: s.remove_source("a\0b"), ValueError),
    ],
)
def test_bad_arguments(call: object, exc: type[BaseException]) -> None:
    with contour.Snapshot() as snap:
        with pytest.raises(exc):
            call(snap)  # type: ignore[operator]
        assert snap.count() == 0 and snap.diagnostics == ()


def test_closed_snapshot() -> None:
    snap = contour.Snapshot()
    snap.close()
    with pytest.raises(ValueError, match="closed Snapshot"):
        snap.set_source("svc", SVC)
    with pytest.raises(ValueError, match="closed Snapshot"):
        snap.remove_source("svc")


# -- resolve(previous=...) ------------------------------------------------------------------


def _run(seed: int, steps: int, config: Config | None = None) -> int:
    """Random changes; after each, the update of the previous graph must render the same
    JSON, text and DOT as a full resolve. Returns the number of non-empty diffs seen."""
    rng = random.Random(seed)
    cluster = Cluster(rng)
    changed = 0
    with contour.Snapshot(config or Config(root_namespaces=["roots"])) as snap:
        cluster.populate(snap)
        prev = snap.resolve()
        for i in range(steps):
            what = cluster.step(snap)
            nxt = snap.resolve(previous=prev)
            with snap.resolve() as full:
                for fmt in ("json", "text", "dot"):
                    assert nxt.render(fmt) == full.render(fmt), (seed, i, what, fmt)
                assert nxt.walk() == full.walk()
            with contour.diff(prev, nxt) as d:
                changed += bool(d)
            if rng.random() < 0.5:  # close the previous graph early, or late
                prev.close()
                prev = nxt
            else:
                older, prev = prev, nxt
                older.close()
        prev.close()
    return changed


@pytest.mark.parametrize("seed", range(8))
def test_random_changes_update_equals_full_resolve(seed: int) -> None:
    assert _run(seed, 40) > 5  # the changes did change the graph


def test_random_changes_on_several_threads() -> None:
    assert _run(100, 30, Config(root_namespaces=["roots"], threads=2)) > 5


def test_update_with_nothing_changed_is_the_same_graph() -> None:
    with contour.Snapshot.from_text(SVC + "---\n" + ROOT) as snap, snap.resolve() as g:
        with snap.resolve(previous=g) as again, contour.diff(g, again) as d:
            assert again.to_json() == g.to_json() and not d


def test_update_settings() -> None:
    with contour.Snapshot.from_text(SVC + "---\n" + ROOT) as snap:
        cfg = Config(http_port=8080, https_port=8443)
        with snap.resolve(cfg) as g:
            snap.set_source("svc", SVC2)
            # config None: the settings previous was resolved with
            with snap.resolve(previous=g) as u, snap.resolve(cfg) as full:
                assert u.to_json() == full.to_json()
                assert [listener.port for listener in u.listeners] == [8080]
            # another config: the graph of those settings
            with snap.resolve(Config(), previous=g) as u, snap.resolve() as full:
                assert u.to_json() == full.to_json()
                assert [listener.port for listener in u.listeners] == [80]


def test_previous_may_be_closed_or_collected_after_the_update() -> None:
    with contour.Snapshot.from_text(SVC + "---\n" + ROOT) as snap:
        g = snap.resolve()
        snap.set_source("svc", SVC2)
        u = snap.resolve(previous=g)
        expected = snap.resolve().to_json()
        g.close()
        assert u.to_json() == expected
        del g
        gc.collect()
        snap.close()  # the graph outlives its snapshot too
        assert u.to_json() == expected and u.walk().statuses
        u.close()


def test_previous_errors() -> None:
    with contour.Snapshot.from_text(SVC) as a, contour.Snapshot.from_text(SVC) as b:
        with b.resolve() as other:
            with pytest.raises(contour.InvalidArgumentError, match="previous"):
                a.resolve(previous=other)  # a graph of another snapshot
            with pytest.raises(ValueError):
                a.resolve(previous=other)
        with pytest.raises(TypeError, match="previous"):
            a.resolve(previous="graph")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            a.resolve(previous=a)  # type: ignore[arg-type]
        g = a.resolve()
        g.close()
        with pytest.raises(ValueError, match="closed Graph"):
            a.resolve(previous=g)
        with pytest.raises(TypeError):
            a.resolve("config", previous=None)  # type: ignore[arg-type]


def test_updates_and_readers_on_threads() -> None:
    """One thread changes the snapshot and updates the graph while others read the
    snapshot and the graphs: the handle locks keep the library's rules."""
    rng = random.Random(7)
    cluster = Cluster(rng)
    snap = contour.Snapshot(Config(root_namespaces=["roots"]))
    cluster.populate(snap)
    graphs = [snap.resolve()]
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                snap.count()
                g = graphs[-1]
                try:
                    g.to_json()
                    g.references_to(Kind.SERVICE, "team-a", "svc-1")
                except ValueError:  # closed meanwhile: fine
                    pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(40):
            cluster.step(snap)
            graphs.append(snap.resolve(previous=graphs[-1]))
            graphs.pop(0).close()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors
    with snap.resolve() as full:
        assert graphs[-1].to_json() == full.to_json()
    graphs[-1].close()
    snap.close()
