"""Reverse lookups: Graph.references_to / references_from (contour_graph_references_*),
on a manifest with every type of reference, and on Contour's examples against what the
loaded objects say they refer to."""

from __future__ import annotations

import copy
import pickle
import threading
from pathlib import Path
from typing import Iterator

import pytest

import contour
from contour import Kind, ObjectRef, Reference, ReferenceType
from conftest import REPO_ROOT, SHARED

pytestmark = pytest.mark.resolve

EVERY_TYPE = """\
apiVersion: v1
kind: Service
metadata: {name: s1, namespace: ns}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: certs}
type: kubernetes.io/tls
data: {tls.crt: Y2VydA==, tls.key: a2V5}
---
apiVersion: contour.heptio.com/v1beta1
kind: TLSCertificateDelegation
metadata: {name: share, namespace: certs}
spec:
  delegations:
  - secretName: cert
    targetNamespaces: [ns]
  - secretName: other
    targetNamespaces: ['*']
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: ns}
spec:
  virtualhost:
    fqdn: a.example.com
    tls: {secretName: certs/cert}
  routes:
  - match: /
    services: [{name: s1, port: 80}, {name: gone, port: 80}]
  - match: /app
    delegate: {name: child}
  - match: /far
    delegate: {name: child, namespace: other}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: child, namespace: ns}
spec:
  routes:
  - match: /app
    services: [{name: s1, port: 80}]
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: tcp, namespace: ns}
spec:
  virtualhost:
    fqdn: t.example.com
    tls: {passthrough: true}
  tcpproxy:
    services: [{name: s1, port: 80}]
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: tcpd, namespace: ns}
spec:
  virtualhost:
    fqdn: u.example.com
    tls: {secretName: cert}
  tcpproxy:
    delegate: {name: tcp}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: ns}
spec:
  tls:
  - hosts: [i.example.com]
    secretName: cert
  defaultBackend:
    service: {name: s1, port: {number: 80}}
  rules:
  - host: i.example.com
    http:
      paths:
      - path: /x
        pathType: Prefix
        backend: {service: {name: s1, port: {number: 80}}}
      - path: /y
        pathType: Exact
        backend: {service: {name: nope, port: {number: 80}}}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata:
  name: ignored
  namespace: ns
  annotations: {kubernetes.io/ingress.class: nginx}
spec:
  virtualhost: {fqdn: z.example.com}
  routes:
  - match: /
    services: [{name: s1, port: 80}]
"""


def ref(
    rtype: ReferenceType,
    source: tuple[Kind, str, str],
    target: tuple[Kind, str, str],
    missing: bool = False,
    index: int = 0,
    service_index: int = 0,
    rule: int | None = None,
    path: str | None = None,
) -> Reference:
    return Reference(rtype, ObjectRef(*source), ObjectRef(*target), missing, index, service_index, rule, path)


IR, SVC, SEC, ING, TCD = Kind.INGRESSROUTE, Kind.SERVICE, Kind.SECRET, Kind.INGRESS, Kind.TLSCERTIFICATEDELEGATION
ROOT = (IR, "ns", "root")
S1 = (SVC, "ns", "s1")


@pytest.fixture(scope="module")
def every_type() -> Iterator[contour.Graph]:
    with contour.Snapshot.from_text(EVERY_TYPE, name="refs.yaml") as snap, snap.resolve() as g:
        yield g


def test_references_from_every_type(every_type: contour.Graph) -> None:
    g = every_type
    assert g.references_from(*ROOT) == [
        ref(ReferenceType.SERVICE, ROOT, S1, path="/"),
        ref(ReferenceType.SERVICE, ROOT, (SVC, "ns", "gone"), missing=True, service_index=1, path="/"),
        ref(ReferenceType.DELEGATE, ROOT, (IR, "ns", "child"), index=1, path="/app"),
        ref(ReferenceType.DELEGATE, ROOT, (IR, "other", "child"), missing=True, index=2, path="/far"),
        ref(ReferenceType.TLS_SECRET, ROOT, (SEC, "certs", "cert")),
    ]
    assert g.references_from(IR, "ns", "tcp") == [ref(ReferenceType.TCP_SERVICE, (IR, "ns", "tcp"), S1)]
    assert g.references_from(IR, "ns", "tcpd") == [
        ref(ReferenceType.TCP_DELEGATE, (IR, "ns", "tcpd"), (IR, "ns", "tcp")),
        ref(ReferenceType.TLS_SECRET, (IR, "ns", "tcpd"), (SEC, "ns", "cert"), missing=True),
    ]
    share = (TCD, "certs", "share")
    assert g.references_from(*share) == [
        ref(ReferenceType.DELEGATION, share, (SEC, "certs", "cert")),
        ref(ReferenceType.DELEGATION, share, (SEC, "certs", "other"), missing=True, index=1),
    ]
    ing = (ING, "ns", "ing")
    assert g.references_from(*ing) == [
        ref(ReferenceType.INGRESS_TLS, ing, (SEC, "ns", "cert"), missing=True),
        ref(ReferenceType.BACKEND, ing, S1, rule=0, path="/x"),
        ref(ReferenceType.BACKEND, ing, (SVC, "ns", "nope"), missing=True, index=1, rule=0, path="/y"),
        ref(ReferenceType.BACKEND, ing, S1, path="/"),  # the default backend: no rule
    ]
    # Services and Secrets refer to nothing; nor do unknown objects and ignored ones.
    assert g.references_from(*S1) == []
    assert g.references_from(SEC, "certs", "cert") == []
    assert g.references_from(IR, "nowhere", "nothing") == []
    assert g.references_from(IR, "ns", "ignored") == []


def test_references_to_every_type(every_type: contour.Graph) -> None:
    g = every_type
    assert g.references_to(*S1) == [
        ref(ReferenceType.SERVICE, (IR, "ns", "child"), S1, path="/app"),
        ref(ReferenceType.SERVICE, ROOT, S1, path="/"),
        ref(ReferenceType.TCP_SERVICE, (IR, "ns", "tcp"), S1),
        ref(ReferenceType.BACKEND, (ING, "ns", "ing"), S1, rule=0, path="/x"),
        ref(ReferenceType.BACKEND, (ING, "ns", "ing"), S1, path="/"),
    ]  # by referring object (kind, namespace, name): the ignored IngressRoute refers to nothing
    assert [r.source.name for r in g.references_to(SEC, "ns", "cert")] == ["tcpd", "ing"]
    assert [str(r.type) for r in g.references_to(SEC, "certs", "cert")] == ["tls-secret", "delegation"]
    # The target need not exist
    (gone,) = g.references_to(SVC, "ns", "gone")
    assert gone.target_missing
    assert g.references_to(IR, "other", "child")[0].source == ObjectRef(*ROOT)
    assert g.references_to(SVC, "ns", "unused") == []


def test_reference_values(every_type: contour.Graph) -> None:
    r = every_type.references_from(*ROOT)[3]
    assert str(r) == "IngressRoute ns/root -delegate '/far'-> IngressRoute other/child (missing)"
    assert str(r.type) == "delegate" and r.type is ReferenceType.DELEGATE
    assert [str(t) for t in ReferenceType] == [
        "delegate", "service", "tcp-delegate", "tcp-service", "tls-secret", "backend",
        "ingress-tls", "delegation"]
    assert hash(r) == hash(copy.deepcopy(r)) and pickle.loads(pickle.dumps(r)) == r
    with pytest.raises(AttributeError):
        r.path = "/x"  # type: ignore[misc]


def test_lists_are_values_that_outlive_the_graph() -> None:
    with contour.Snapshot.from_text(EVERY_TYPE) as snap:
        g = snap.resolve()
    refs = g.references_to(*S1)
    again = g.references_to(*S1)
    assert refs == again and refs is not again
    refs.clear()  # a fresh list each call
    assert g.references_to(*S1) == again
    g.close()
    assert again[0].target == ObjectRef(*S1)
    with pytest.raises(ValueError, match="closed Graph"):
        g.references_to(*S1)
    with pytest.raises(ValueError, match="closed Graph"):
        g.references_from(*ROOT)


@pytest.mark.parametrize(
    "args, exc",
    [
        ((Kind.NONE, "ns", "s1"), ValueError),
        ((99, "ns", "s1"), ValueError),
        (("Service", "ns", "s1"), TypeError),
        ((True, "ns", "s1"), TypeError),
        ((Kind.SERVICE, None, "s1"), TypeError),
        ((Kind.SERVICE, "ns", b"s1"), TypeError),
        ((Kind.SERVICE, "n\0s", "s1"), ValueError),
        ((Kind.SERVICE, "ns", "s1\0"), ValueError),
    ],
)
def test_bad_arguments(every_type: contour.Graph, args: tuple[object, ...], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        every_type.references_to(*args)  # type: ignore[arg-type]
    with pytest.raises(exc):
        every_type.references_from(*args)  # type: ignore[arg-type]


def test_empty_names_are_names(every_type: contour.Graph) -> None:
    assert every_type.references_to(Kind.SERVICE, "", "") == []
    assert every_type.references_from(Kind.INGRESSROUTE, "", "") == []


# -- Contour's examples, against the loaded objects ---------------------------------------------


def expected_from(obj: contour.AnyObject, snap: contour.Snapshot) -> list[Reference]:
    """The references an IngressRoute or TLSCertificateDelegation makes, from its fields as
    loaded (the library's order: routes in order, each delegate then Services; tcpproxy;
    TLS)."""
    src = (obj.kind, obj.namespace, obj.name)
    out: list[Reference] = []

    def missing(kind: Kind, ns: str, name: str) -> bool:
        return (kind, ns, name) not in snap

    if isinstance(obj, contour.IngressRoute):
        for i, route in enumerate(obj.routes):
            match = route.match or ""
            if route.delegate is not None and route.delegate.name:
                t = (IR, route.delegate.namespace or obj.namespace, route.delegate.name)
                out.append(ref(ReferenceType.DELEGATE, src, t, missing(*t), index=i, path=match))
            for j, s in enumerate(route.services):
                t = (SVC, obj.namespace, s.name or "")
                out.append(ref(ReferenceType.SERVICE, src, t, missing(*t), i, j, path=match))
        if obj.tcpproxy is not None:
            d = obj.tcpproxy.delegate
            if d is not None and d.name:
                t = (IR, d.namespace or obj.namespace, d.name)
                out.append(ref(ReferenceType.TCP_DELEGATE, src, t, missing(*t)))
            for j, s in enumerate(obj.tcpproxy.services):
                t = (SVC, obj.namespace, s.name or "")
                out.append(ref(ReferenceType.TCP_SERVICE, src, t, missing(*t), service_index=j))
        vh = obj.virtualhost
        if vh is not None and vh.tls is not None and vh.tls.secret_name:
            ns, _, name = vh.tls.secret_name.rpartition("/")
            t = (SEC, ns or obj.namespace, name)
            out.append(ref(ReferenceType.TLS_SECRET, src, t, missing(*t)))
    elif isinstance(obj, contour.TLSCertificateDelegation):
        for i, d in enumerate(obj.delegations):
            t = (SEC, obj.namespace, d.secret_name or "")
            out.append(ref(ReferenceType.DELEGATION, src, t, missing(*t), index=i))
    return out


def example_dirs() -> list[Path]:
    dirs = []
    for base in (REPO_ROOT / "examples" / "manifests" / "contour-v0.10", SHARED / "examples" / "contour-v0.10"):
        if base.is_dir():
            dirs.append(base)
    return dirs


@pytest.mark.parametrize("base", example_dirs(), ids=lambda p: str(p.parent.parent.name + "/" + p.name))
def test_examples(base: Path) -> None:
    checked = 0
    with contour.Snapshot.load(base) as snap, snap.resolve() as g:
        objects = snap.objects()
        assert objects
        every: list[tuple[Reference, int]] = []
        for obj in objects:
            got = g.references_from(obj.kind, obj.namespace, obj.name)
            if isinstance(obj, (contour.IngressRoute, contour.TLSCertificateDelegation)):
                assert got == expected_from(obj, snap), obj.ref
                checked += len(got)
            every.extend((r, pos) for pos, r in enumerate(got))
        # references_to: every reference to a target, by (referring object, type, position)
        targets = {r.target for r, _ in every} | {o.ref for o in objects}
        for t in targets:
            expected = sorted(
                ((r, pos) for r, pos in every if r.target == t),
                key=lambda rp: (rp[0].source.kind, rp[0].source.namespace.encode(),
                                rp[0].source.name.encode(), rp[0].type, rp[1]),
            )
            assert g.references_to(t.kind, t.namespace, t.name) == [r for r, _ in expected], t
    assert checked > 5


def test_references_from_many_threads(every_type: contour.Graph) -> None:
    expected = every_type.references_to(*S1)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(200):
                assert every_type.references_to(*S1) == expected
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
