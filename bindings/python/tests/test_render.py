"""Rendering: the binding's bytes equal contourc's on the same inputs (the examples of
Contour 0.10, and a generated cluster)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import contour
from conftest import EXAMPLES, contourc_bin

pytestmark = [pytest.mark.resolve, pytest.mark.render]

EXAMPLE_DIRS = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "00-common") if EXAMPLES.is_dir() else []


def contourc(fmt: str, *paths: Path | str) -> bytes:
    proc = subprocess.run(
        [str(contourc_bin()), "graph", "--format", fmt, *map(str, paths)],
        capture_output=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout


@pytest.mark.contourc
@pytest.mark.parametrize("example", EXAMPLE_DIRS)
@pytest.mark.parametrize("fmt", ["json", "text", "dot"])
def test_examples_match_contourc(example: str, fmt: str) -> None:
    paths = [EXAMPLES / "00-common", EXAMPLES / example]
    with contour.Snapshot.load(paths) as snap, snap.resolve() as graph:
        ours = graph.render(fmt)
    assert ours == contourc(fmt, *paths)
    if fmt == "json":
        assert graph.closed
        json.loads(ours)


def test_examples_exist() -> None:
    assert EXAMPLE_DIRS == [
        "01-ingress-to-ingressroute",
        "02-basic",
        "03-delegation-within-namespace",
        "04-blue-green-delegation",
        "05-delegation-across-namespaces",
        "06-multiple-roots",
    ]


@pytest.mark.contourc
def test_generated_cluster_matches_contourc(tmp_path: Path) -> None:
    import bench_walk

    text, stats = bench_walk.generate_cluster(3000, seed=7)
    f = tmp_path / "cluster.yaml"
    f.write_text(text)
    with contour.Snapshot.load(f) as snap, snap.resolve() as graph:
        ours = graph.to_json()
        assert ours.encode() == contourc("json", f)
        model = graph.walk()
    states = {s.state for s in model.statuses}
    assert states == {contour.State.VALID, contour.State.INVALID, contour.State.ORPHANED}
    assert len(model.statuses) == stats.counts["IngressRoute"]


@pytest.mark.parametrize("example", EXAMPLE_DIRS)
def test_typed_walk_agrees_with_json(example: str) -> None:
    """The typed walk (C accessors) and the JSON (C writer) describe the same graph."""
    with contour.Snapshot.load([EXAMPLES / "00-common", EXAMPLES / example]) as snap, snap.resolve() as graph:
        assert_same(graph)


def test_typed_walk_agrees_with_json_on_generated_cluster() -> None:
    import bench_walk

    text, _ = bench_walk.generate_cluster(3000, seed=3)
    with contour.Snapshot.from_text(text, name="cluster.yaml") as snap, snap.resolve() as graph:
        assert_same(graph)


def assert_same(graph: contour.Graph) -> None:
    ours = to_plain(graph.walk())
    theirs = json.loads(graph.to_json())
    for key in ("listeners", "statuses", "diagnostics"):
        assert ours[key] == theirs[key], key


def to_plain(model: contour.RouteGraph) -> dict[str, object]:
    """The typed graph in the JSON form of route-graph.md section 4."""

    def ref(r: contour.ObjectRef) -> dict[str, object]:
        return {"kind": r.kind.k8s_name, "namespace": r.namespace, "name": r.name}

    def opt(d: dict[str, object], **kv: object) -> dict[str, object]:
        d.update({k: v for k, v in kv.items() if v is not None})
        return d

    def cluster(c: contour.Cluster) -> dict[str, object]:
        d: dict[str, object] = {"namespace": c.namespace, "service": c.service, "port": c.port}
        opt(d, port_name=c.port_name)
        d["weight"] = c.weight
        opt(d, strategy=c.strategy, protocol=c.protocol)
        if c.health_check is not None:
            h = c.health_check
            d["health_check"] = {
                "path": h.path, "host": h.host, "interval_s": h.interval_s, "timeout_s": h.timeout_s,
                "unhealthy_threshold": h.unhealthy_threshold, "healthy_threshold": h.healthy_threshold,
            }
        return opt(d, max_connections=c.max_connections, max_pending_requests=c.max_pending_requests,
                   max_requests=c.max_requests, max_retries=c.max_retries)

    def route(r: contour.Route) -> dict[str, object]:
        key = "exact" if r.match_type is contour.MatchType.EXACT else "prefix"
        d: dict[str, object] = {key: r.path, "https_redirect": r.https_redirect, "websocket": r.websocket}
        opt(d, prefix_rewrite=r.prefix_rewrite, timeout_ms=r.timeout_ms)
        if r.retry is not None:
            d["retry"] = opt({"on": r.retry.on, "num_retries": r.retry.num_retries}, per_try_timeout_ms=r.retry.per_try_timeout_ms)
        d["source"] = ref(r.source)
        d["clusters"] = [cluster(c) for c in r.clusters]
        return d

    def vhost(v: contour.VirtualHost) -> dict[str, object]:
        d: dict[str, object] = {"fqdn": v.fqdn}
        if v.tls is not None:
            t: dict[str, object] = {}
            if v.tls.secret_name is not None:
                t["secret"] = {"namespace": v.tls.secret_namespace, "name": v.tls.secret_name}
            t["min_protocol_version"] = v.tls.min_protocol_version
            t["passthrough"] = v.tls.passthrough
            d["tls"] = t
        d["routes"] = [route(r) for r in v.routes]
        if v.tcpproxy is not None:
            d["tcpproxy"] = {"clusters": [cluster(c) for c in v.tcpproxy]}
        return d

    def diag(d: contour.Diagnostic) -> dict[str, object]:
        out: dict[str, object] = {
            "severity": str(d.severity), "code": d.code, "message": d.message,
            "file": d.file, "line": d.line, "column": d.column,
        }
        if d.object is not None:
            out["object"] = ref(d.object)
        return opt(out, field=d.field)

    return {
        "listeners": [
            {"name": l.name, "port": l.port, "virtualhosts": [vhost(v) for v in l.virtual_hosts]}
            for l in model.listeners
        ],
        "statuses": [
            {"kind": s.kind.k8s_name, "namespace": s.namespace, "name": s.name, "status": str(s.state),
             "description": s.description, "vhosts": list(s.vhosts)}
            for s in model.statuses
        ],
        "diagnostics": [diag(d) for d in model.diagnostics],
    }
