"""A binding never crashes its host: whatever a Python program does with the public API,
the worst outcome is an exception. Each scenario that used to crash (a segfault, a double
free) runs in a child interpreter, so a regression fails this test instead of killing the
test run; the child must finish and print what it expects."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import BINDING_ROOT
from test_memory import TEXT


def run_isolated(code: str, timeout: float = 300) -> str:
    """Runs ``code`` in a child interpreter; returns its stdout, failing the test when
    the child died of a signal or failed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(BINDING_ROOT) + os.pathsep + str(BINDING_ROOT / "tests")
    env["PYTHONFAULTHANDLER"] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if proc.returncode < 0:
        pytest.fail(
            f"the child interpreter crashed ({signal.Signals(-proc.returncode).name}):\n"
            f"{proc.stdout}\n{proc.stderr[-3000:]}"
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


PRELUDE = """
import copy, pickle, contour
from test_memory import TEXT

def expect(exc, fn, *args):
    try:
        fn(*args)
    except exc as e:
        return e
    raise AssertionError(f"{fn} did not raise {exc.__name__}")
"""


# -- no public way to build a handle from an integer -----------------------------------------


def test_graph_from_an_integer_is_refused() -> None:
    out = run_isolated(
        PRELUDE
        + """
try:
    g = contour.Graph(0xdeadbeef)
except TypeError as e:
    print("Graph:", e)
else:
    g.to_json()  # the issue: a segfault
"""
    )
    assert "Snapshot.resolve()" in out


@pytest.mark.resolve
def test_handles_cannot_be_constructed_or_reinitialised_from_outside() -> None:
    run_isolated(
        PRELUDE
        + """
expect(TypeError, contour.Graph)
expect(TypeError, lambda: contour.Graph(ptr=0xdeadbeef))
snap = contour.Snapshot.from_text(TEXT)
g = snap.resolve()
expect(TypeError, g.__init__, 0xdeadbeef)        # no re-pointing a live graph
expect(TypeError, snap.__init__)                  # nor a live snapshot (it would leak)
expect(TypeError, contour.Config().__init__)
bare = contour.Graph.__new__(contour.Graph)       # never initialised: closed, not a crash
expect(ValueError, bare.to_json)
bare.close()
assert bare.closed
assert g.to_json() and snap.count() == 4
g.close(); snap.close()
print("ok")
"""
    )


# -- no second owner of one C pointer ----------------------------------------------------------


@pytest.mark.resolve
def test_copies_of_snapshots_and_graphs_are_refused() -> None:
    out = run_isolated(
        PRELUDE
        + """
snap = contour.Snapshot.from_text(TEXT)
g = snap.resolve()
for h in (snap, g):
    for how in (copy.copy, copy.deepcopy, pickle.dumps):
        try:
            other = how(h)
        except TypeError as e:
            assert "owns C memory" in str(e), e
            continue
        # What the issue saw: two owners; closing one leaves the other dangling.
        if how is pickle.dumps:
            other = pickle.loads(other)
        h.close()
        other.close()
        raise AssertionError(f"{how.__name__} of {type(h).__name__} did not raise")
for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
    expect(TypeError, pickle.dumps, g, protocol)
snap.close(); g.close()
print("ok")
"""
    )
    assert out == "ok\n"


@pytest.mark.load
def test_copies_of_a_config_are_independent_clones() -> None:
    run_isolated(
        PRELUDE
        + """
cfg = contour.Config(root_namespaces=["roots"], limits={contour.Limit.DEPTH: 7})
for how in (copy.copy, copy.deepcopy):
    twin = how(cfg)
    assert twin == cfg and twin is not cfg
    twin.close()
    assert cfg.root_namespaces == ("roots",)     # the original is untouched
    twin2 = how(cfg)
    cfg2 = how(twin2)
    twin2.close()
    assert cfg2.limit(contour.Limit.DEPTH) == 7
expect(TypeError, pickle.dumps, cfg)
with contour.Snapshot(cfg) as snap:
    own = snap.config
    own.close()
    assert snap.config == cfg                     # the snapshot's own copy is untouched
print("ok")
"""
    )


# -- close twice, use after close ---------------------------------------------------------------


@pytest.mark.resolve
@pytest.mark.render
def test_close_twice_and_use_after_close_raise() -> None:
    run_isolated(
        PRELUDE
        + """
cfg = contour.Config()
snap = contour.Snapshot.from_text(TEXT, config=cfg)
g = snap.resolve()
for h in (cfg, snap, g):
    h.close(); h.close()
    assert h.closed
    expect(ValueError, h.__enter__)
    repr(h)
for call in (snap.objects, snap.count, lambda: snap.diagnostics, snap.resolve,
             lambda: snap.config, lambda: snap.load_text(TEXT),
             lambda: snap.find(contour.Kind.SERVICE, "ns", "s1"),
             g.to_json, g.walk, lambda: g.listeners, lambda: g.status("ns", "root"),
             lambda: cfg.http_port, lambda: cfg.limit(contour.Limit.DEPTH),
             lambda: contour.Snapshot(cfg),
             lambda: contour.Snapshot().resolve(cfg)):
    e = expect(ValueError, call)
    assert "closed" in str(e), e
print("ok")
"""
    )


# -- threads: load, resolve, read and close at once ---------------------------------------------


@pytest.mark.resolve
@pytest.mark.render
def test_threads_loading_resolving_reading_and_closing_never_crash() -> None:
    out = run_isolated(
        PRELUDE
        + """
import random, threading, sys
sys.setswitchinterval(1e-5)   # switch threads as often as possible
cfg = contour.Config(root_namespaces=["ns"])
rounds = 12
unexpected = []
counts = {"ok": 0, "closed": 0}
lock = threading.Lock()

def guarded(fn):
    try:
        fn()
        key = "ok"
    except ValueError as e:
        if "closed" not in str(e):
            unexpected.append(e)
        key = "closed"
    except BaseException as e:
        unexpected.append(e)
        return
    with lock:
        counts[key] += 1

for r in range(rounds):
    snap = contour.Snapshot.from_text(TEXT, config=cfg)
    graph = snap.resolve()
    graphs = [graph]
    rnd = random.Random(r)

    def loader():
        for i in range(20):
            guarded(lambda: snap.load_text(TEXT.replace("name: s1", f"name: s{i}"), name=f"l{i}.yaml"))
    def resolver():
        for _ in range(20):
            def one():
                g = snap.resolve(cfg if rnd.random() < 0.5 else None)
                graphs.append(g)
                g.walk()
            guarded(one)
    def reader():
        for _ in range(20):
            guarded(lambda: snap.objects())
            guarded(lambda: snap.diagnostics)
            guarded(lambda: snap.config)
            for g in list(graphs):
                guarded(g.to_json)
                guarded(lambda: g.status("ns", "root"))
    def closer():
        for _ in range(40):
            victim = rnd.choice([snap, cfg if r == rounds - 1 else snap] + graphs)
            guarded(victim.close)
    threads = ([threading.Thread(target=loader) for _ in range(2)]
               + [threading.Thread(target=resolver) for _ in range(3)]
               + [threading.Thread(target=reader) for _ in range(4)]
               + [threading.Thread(target=closer) for _ in range(2)])
    for t in threads: t.start()
    for t in threads: t.join()
    for g in graphs: g.close()
    snap.close()
assert not unexpected, unexpected[:5]
print(counts["ok"] > 0, counts["closed"] > 0)
"""
    )
    assert out == "True True\n"


# -- NUL characters -----------------------------------------------------------------------------


@pytest.mark.resolve
def test_nul_in_paths_and_names_is_a_value_error() -> None:
    run_isolated(
        PRELUDE
        + """
K = contour.Kind
with contour.Snapshot.from_text(TEXT) as snap, snap.resolve() as g:
    for call in (
        lambda: snap.load_path("a\\0b.yaml"),
        lambda: snap.load_path(b"a\\0b.yaml"),
        lambda: snap.load_text(TEXT, name="a\\0b"),
        lambda: snap.find(K.SERVICE, "ns\\0x", "s1"),
        lambda: snap.get(K.SERVICE, "ns", "s1\\0"),
        lambda: (K.SERVICE, "ns", "s1\\0") in snap,
        lambda: snap.remove(K.SERVICE, "ns\\0", "s1"),
        lambda: g.status("ns\\0", "root"),
        lambda: g.status("ns", "root\\0"),
        lambda: contour.Snapshot.load(["ok.yaml", "bad\\0.yaml"]),
        lambda: contour.Snapshot.from_text(TEXT, name="\\0"),
    ):
        e = expect(ValueError, call)
        assert "NUL" in str(e), e
    assert snap.count() == 4 and {d.file for d in snap.diagnostics} == {"<memory>"}
print("ok")
"""
    )


# -- the 1.1 handles: diffs, verdicts and their diffs, policies, writes -------------------------


@pytest.mark.resolve
def test_new_handles_after_close_and_in_any_release_order() -> None:
    out = run_isolated(
        PRELUDE
        + """
import gc, io
BAD = TEXT.replace("port: 80, healthCheck", "port: 0, healthCheck")
snap = contour.Snapshot()
snap.set_source("all", TEXT)
g = snap.resolve()
# a verdict's diff outlives every other reference to the verdict
d = contour.review(snap, g, BAD.split("---")[2], "UPDATE").diff
gc.collect()
assert d.text()
# the verdict closed under its diff
v = contour.review(snap, g, BAD.split("---")[2], "UPDATE")
vd = v.diff
v.close()
for call in (vd.text, vd.json, lambda: vd.virtual_hosts, lambda: bool(vd), lambda: vd.write(io.BytesIO())):
    expect(ValueError, call)
# a diff closed, then its graphs, then read
a = snap.resolve()
snap.set_source("all", BAD)
b = snap.resolve(previous=a)
dd = contour.diff(a, b)
a.close(); b.close()
assert dd and dd.json()
dd.close(); dd.close()
for call in (dd.text, lambda: dd.statuses, lambda: bool(dd)):
    expect(ValueError, call)
# policies
p = contour.Policy({"invalid": "warn"})
q = copy.copy(p)
p.close()
expect(ValueError, contour.review, snap, snap.resolve(), TEXT.split("---")[2], "UPDATE", p)
assert q.action(contour.Finding.INVALID) is contour.PolicyAction.WARN
# handles left open at exit: diff, verdict, its diff, policy, graphs, snapshot
left = [contour.review(snap, snap.resolve(), BAD.split("---")[2], "DELETE"), q, d]
left.append(left[0].diff)
left.append(contour.diff(g, snap.resolve()))
print("ok")
"""
    )
    assert out == "ok\n"


@pytest.mark.resolve
@pytest.mark.render
def test_threads_updating_diffing_reviewing_writing_and_closing_never_crash() -> None:
    out = run_isolated(
        PRELUDE
        + """
import io, random, threading, sys
sys.setswitchinterval(1e-5)
from mutations import Cluster
unexpected = []
counts = {"ok": 0, "closed": 0}
lock = threading.Lock()

def guarded(fn):
    try:
        fn()
        key = "ok"
    except ValueError as e:
        if "closed" not in str(e) and "current version" not in str(e):
            unexpected.append(e)
        key = "closed"
    except RuntimeError as e:
        if "same thread" not in str(e):
            unexpected.append(e)
        key = "closed"
    except BaseException as e:
        unexpected.append(e)
        return
    with lock:
        counts[key] += 1

for r in range(6):
    rnd = random.Random(r)
    cluster = Cluster(random.Random(r))
    snap = contour.Snapshot(contour.Config(root_namespaces=["roots"]))
    cluster.populate(snap)
    graphs = [snap.resolve()]
    handles = []
    policy = contour.Policy({"orphaned": "deny"})
    update_lock = threading.Lock()

    def updater():
        for _ in range(15):
            def one():
                with update_lock:
                    cluster.step(snap)
                    graphs.append(snap.resolve(previous=graphs[-1]))
            guarded(one)
    def differ():
        for _ in range(15):
            def one():
                d = contour.diff(rnd.choice(graphs), graphs[-1])
                handles.append(d)
                d.json(); d.virtual_hosts; d.statuses; bool(d)
            guarded(one)
    def reviewer():
        for _ in range(15):
            def one():
                v = contour.review(snap, graphs[-1], "apiVersion: v1\\nkind: Service\\nmetadata: {name: svc-1, namespace: team-a}\\nspec: {ports: [{port: 80}]}\\n", "UPDATE", policy)
                handles.append(v)
                v.message; v.findings
                if v.diff is not None:
                    handles.append(v.diff)
                    v.diff.text()
            guarded(one)
    def writer():
        for _ in range(15):
            guarded(lambda: rnd.choice(graphs).write(io.BytesIO(), rnd.choice(["json", "text", "dot"])))
            guarded(lambda: rnd.choice(graphs).references_to(contour.Kind.SERVICE, "team-a", "svc-1"))
    def closer():
        for _ in range(30):
            pool = graphs + handles + [policy]
            guarded(rnd.choice(pool).close)
    threads = ([threading.Thread(target=f) for f in (updater, differ, differ, reviewer, writer, writer)]
               + [threading.Thread(target=closer) for _ in range(2)])
    for t in threads: t.start()
    for t in threads: t.join()
    for h in graphs + handles: h.close()
    snap.close()
assert not unexpected, unexpected[:5]
print(counts["ok"] > 0, counts["closed"] > 0)
"""
    )
    assert out == "True True\n"
