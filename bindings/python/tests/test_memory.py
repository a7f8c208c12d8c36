"""C memory is released: a long load/resolve/free loop keeps the resident set flat."""

from __future__ import annotations

import gc
import os
from typing import Callable

import pytest

import contour

TEXT = """\
apiVersion: v1
kind: Service
metadata: {name: s1, namespace: ns, annotations: {contour.heptio.com/max-connections: "9"}}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: ns}
type: kubernetes.io/tls
data: {tls.crt: Y2VydA==, tls.key: a2V5}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: ns}
spec:
  virtualhost: {fqdn: a.example.com, tls: {secretName: cert}}
  routes:
  - match: /
    services: [{name: s1, port: 80, healthCheck: {path: /hc}}]
  - match: /api
    delegate: {name: child}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: child, namespace: ns}
spec:
  routes:
  - match: /api
    services: [{name: s1, port: 80, weight: -1}]
  - match: /bad
    services: [{name: s1, port: 80, permitInsecure: true}]
---
kind: Service
metadata: {name: [broken
"""


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def growth(step: Callable[[int], None], iterations: int, warmup: int = 1000) -> int:
    for i in range(warmup):
        step(i)
    gc.collect()
    before = rss_bytes()
    for i in range(iterations):
        step(i)
    gc.collect()
    return rss_bytes() - before


def _sanitized() -> bool:
    try:
        with open("/proc/self/maps") as f:
            return any("libasan" in line for line in f)
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm"),
    # ASan keeps freed memory in quarantine: the resident set grows by design.
    pytest.mark.skipif(_sanitized(), reason="RSS is meaningless under AddressSanitizer"),
]

LIMIT = 5 << 20


@pytest.mark.load
def test_load_loop_is_flat() -> None:
    def step(i: int) -> None:
        with contour.Snapshot.from_text(TEXT, name="loop.yaml") as s:
            s.objects()
            s.diagnostics

    assert growth(step, 10_000) < LIMIT


@pytest.mark.load
def test_error_paths_do_not_leak() -> None:
    def step(i: int) -> None:
        try:
            contour.Snapshot.from_text(TEXT, strict=True)
        except contour.LoadError:
            pass
        try:
            contour.Snapshot.load(f"/nonexistent/{i % 10}.yaml")
        except contour.ContourIOError:
            pass

    assert growth(step, 5_000, warmup=500) < LIMIT


@pytest.mark.load
def test_unclosed_handles_are_freed_by_the_safety_net() -> None:
    def step(i: int) -> None:
        contour.Snapshot.from_text(TEXT)  # never closed: __del__ frees it

    assert growth(step, 5_000, warmup=500) < LIMIT


@pytest.mark.resolve
@pytest.mark.render
def test_load_resolve_free_loop_is_flat() -> None:
    def step(i: int) -> None:
        with contour.Snapshot.from_text(TEXT, name="loop.yaml") as s, s.resolve() as g:
            g.walk()
            g.to_json()

    assert growth(step, 10_000) < LIMIT


@pytest.mark.resolve
@pytest.mark.render
def test_update_diff_review_write_loop_is_flat() -> None:
    import io

    snap = contour.Snapshot()
    snap.set_source("all", TEXT)
    graph = [snap.resolve()]
    child = TEXT.split("---")[3]
    policy = contour.Policy()

    def step(i: int) -> None:
        snap.set_source("all", TEXT.replace("port: 80", f"port: {80 + i % 3}"))
        new = snap.resolve(previous=graph[0])
        with contour.diff(graph[0], new) as d:
            d.virtual_hosts, d.statuses, d.added_diagnostics, d.json()
            d.write(io.BytesIO(), "text")
        graph[0].close()
        graph[0] = new
        new.write(io.BytesIO())
        new.references_to(contour.Kind.SERVICE, "ns", "s1")
        v = contour.review(snap, new, child, "UPDATE", policy)
        v.message, v.findings, v.status
        if v.diff is not None:
            v.diff.text()
        v.close()
        try:
            new.write(_Failing())
        except OSError:
            pass
        contour.review(snap, new, "apiVersion: [", "CREATE")  # never closed: __del__ frees it

    try:
        assert growth(step, 2_000, warmup=200) < LIMIT
    finally:
        graph[0].close()
        snap.close()


class _Failing:
    def write(self, b: bytes) -> int:
        raise OSError("full")
