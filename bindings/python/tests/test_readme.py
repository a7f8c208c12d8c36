"""The README's examples run against the API as it is, and its webhook leaves the
cluster's snapshot as it found it whatever the outcome."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

import contour
from conftest import BINDING_ROOT
from contour import Kind

BLOCKS = re.findall(r"```python\n(.*?)```", (BINDING_ROOT / "README.md").read_text(), re.S)

SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: shop, annotations: {contour.heptio.com/max-retries: "3"}}
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


def block(fragment: str) -> str:
    found = [b for b in BLOCKS if fragment in b]
    assert len(found) == 1, f"one README example with {fragment!r}"
    return found[0]


@pytest.mark.render
def test_the_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "shop.yaml").write_text(SERVICE + "---\n" + CHILD)
    (tmp_path / "extra.yaml").write_text(ROOT)
    monkeypatch.chdir(tmp_path)
    exec(block("contour.__version__"), {})
    scope: dict[str, Any] = {}
    exec(block("Snapshot.load("), scope)
    out = capsys.readouterr().out
    assert "80 shop.example.com / [('frontend', 80, 0)]" in out
    assert scope["json_text"].startswith("{")


@pytest.mark.resolve
def test_the_webhook_leaves_the_cluster_as_it_was() -> None:
    scope: dict[str, Any] = {"contour": contour, "Kind": Kind, "State": contour.State}
    exec(block("def review("), scope)
    load_object: Callable[..., None] = scope["load_object"]
    review: Callable[..., list[str]] = scope["review"]

    manifests = {
        (Kind.SERVICE, "shop", "frontend"): SERVICE.encode(),
        (Kind.INGRESSROUTE, "roots", "shop"): ROOT.encode(),
        (Kind.INGRESSROUTE, "shop", "web"): CHILD.encode(),
    }
    cluster = contour.Snapshot(contour.Config(root_namespaces=["roots"]))
    for key, manifest in manifests.items():
        load_object(cluster, key, manifest)

    def state() -> tuple[object, ...]:
        with cluster.resolve() as g:
            return cluster.objects(), cluster.diagnostics, g.to_json()

    before = state()
    assert cluster.error_count == 0
    cases = {
        "valid change": (CHILD.replace("port: 80", "port: 80, weight: 5"), []),
        "invalid change": (CHILD.replace("port: 80", "port: 70000"), ["port"]),
        "new object": (CHILD.replace("name: web", "name: new"), ["delegation chain"]),
        "bad YAML": ("apiVersion: [unclosed\n", ["error"]),
        "another object": (SERVICE, ["exactly"]),
    }
    for what, (candidate, fragments) in cases.items():
        name = "new" if what == "new object" else "web"
        problems = review(cluster, manifests, "shop", name, candidate.encode())
        assert bool(problems) == bool(fragments), (what, problems)
        for fragment in fragments:
            assert any(fragment in p for p in problems), (what, problems)
        assert state() == before, what
    cluster.close()


@pytest.mark.render
def test_the_1_1_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    manifests = {
        "Service/shop/frontend": SERVICE,
        "IngressRoute/roots/shop": ROOT,
        "IngressRoute/shop/web": CHILD,
    }
    scope: dict[str, Any] = {
        "manifests": manifests,
        "web_v2": CHILD.replace("port: 80", "port: 80, weight: 5"),
        "proposal": CHILD.replace("port: 80", "port: 70000"),
    }
    exec(block("resolve(previous="), scope)
    out = capsys.readouterr().out
    assert "changed ingress_http shop.example.com changed /" in out
    assert "~ route prefix / (IngressRoute shop/web)" in scope["summary"]
    snap: contour.Snapshot = scope["snap"]
    assert (Kind.INGRESSROUTE, "shop", "web") not in snap  # the watch delete
    # the graph of the current snapshot for the next examples
    snap.set_source("IngressRoute/shop/web", CHILD)
    scope["graph"].close()
    scope["graph"] = snap.resolve()

    exec(block("references_to(Kind.SERVICE"), scope)
    out = capsys.readouterr().out
    assert "service IngressRoute shop/web / False" in out
    assert "['IngressRoute shop/web']" in out
    assert scope["out"].getvalue() == scope["graph"].render("json")
    assert "shop.example.com" in scope["text"].getvalue()

    exec(block("contour.review(snap, graph, proposal"), scope)
    out = capsys.readouterr().out
    assert "denied: IngressRoute shop/web would be invalid" in out
    assert "{'invalid': 1, 'drops-routes': 1}" in out
    assert "~ status IngressRoute shop/web" in out
    assert scope["verdict"].closed
    scope["graph"].close()
    snap.close()
