"""Loading: typed objects, positions, diagnostics, strict mode, I/O and limit errors,
closed handles."""

from __future__ import annotations

import gc
import os
import textwrap
from pathlib import Path
from typing import Callable

import pytest

import contour
from contour import Config, Format, Kind, Limit, Severity, Snapshot

pytestmark = pytest.mark.load

ALL_KINDS = textwrap.dedent(
    """\
    apiVersion: contour.heptio.com/v1beta1
    kind: IngressRoute
    metadata:
      name: root
      namespace: web
      annotations:
        zeta: "1"
        alpha: two
    spec:
      virtualhost:
        fqdn: www.example.com
        tls:
          secretName: certs/wildcard
          minimumProtocolVersion: "1.2"
      routes:
      - match: /
        services:
        - name: frontend
          port: 80
          weight: 90
          strategy: WeightedLeastRequest
          healthCheck:
            path: /healthz
            host: hc.example.com
            intervalSeconds: 5
            timeoutSeconds: 1
            unhealthyThresholdCount: 4
            healthyThresholdCount: 6
        - name: frontend-canary
          port: 8080
        enableWebsockets: true
        permitInsecure: true
        prefixRewrite: /app
        timeoutPolicy:
          request: 1m30s
        retryPolicy:
          count: 3
          perTryTimeout: 150ms
      - match: /blog
        delegate:
          name: blog
          namespace: blogs
    ---
    apiVersion: contour.heptio.com/v1beta1
    kind: IngressRoute
    metadata:
      name: tcp
      namespace: web
    spec:
      virtualhost:
        fqdn: tcp.example.com
        tls:
          passthrough: true
      tcpproxy:
        services:
        - name: db
          port: 5432
    ---
    apiVersion: contour.heptio.com/v1beta1
    kind: IngressRoute
    metadata:
      name: tcpdel
      namespace: web
    spec:
      tcpproxy:
        delegate:
          name: other
    ---
    apiVersion: contour.heptio.com/v1beta1
    kind: TLSCertificateDelegation
    metadata:
      name: wildcard
      namespace: certs
    spec:
      delegations:
      - secretName: wildcard
        targetNamespaces: [web, "*"]
      - secretName: other
        targetNamespaces: []
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: ing
      namespace: web
    spec:
      ingressClassName: contour
      defaultBackend:
        service:
          name: fallback
          port:
            number: 8080
      tls:
      - hosts: [a.example.com, b.example.com]
        secretName: ab-tls
      rules:
      - host: a.example.com
        http:
          paths:
          - path: /x
            pathType: Exact
            backend:
              service:
                name: xsvc
                port:
                  name: http
          - path: /r
            pathType: Prefix
            backend:
              resource:
                apiGroup: k8s.example.com
                kind: StorageBucket
                name: icons
      - host: nohttp.example.com
    ---
    apiVersion: extensions/v1beta1
    kind: Ingress
    metadata:
      name: legacy
    spec:
      backend:
        serviceName: old
        servicePort: http
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: frontend
      namespace: web
      annotations:
        contour.heptio.com/max-connections: "100"
    spec:
      ports:
      - name: http
        port: 80
      - port: 8080
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: wildcard
      namespace: certs
    type: kubernetes.io/tls
    data:
      tls.crt: Y2VydA==
      tls.key: ""
    stringData:
      ca.crt: abc
    """
)


@pytest.fixture
def snap() -> Snapshot:
    s = Snapshot.from_text(ALL_KINDS, name="all.yaml")
    yield s  # type: ignore[misc]
    s.close()


def test_counts_and_order(snap: Snapshot) -> None:
    assert snap.count(Kind.INGRESSROUTE) == 3
    assert snap.count(Kind.TLSCERTIFICATEDELEGATION) == 1
    assert snap.count(Kind.INGRESS) == 2
    assert snap.count(Kind.SERVICE) == 1
    assert snap.count(Kind.SECRET) == 1
    assert len(snap) == snap.count() == 8
    names = [(o.namespace, o.name) for o in snap.objects(Kind.INGRESSROUTE)]
    assert names == sorted(names)
    assert [o.kind for o in snap.objects()] == sorted(o.kind for o in snap.objects())


def test_identity_position_annotations(snap: Snapshot) -> None:
    root = snap.find(Kind.INGRESSROUTE, "web", "root")
    assert isinstance(root, contour.IngressRoute)
    assert root.kind is Kind.INGRESSROUTE
    assert root.api_version == "contour.heptio.com/v1beta1"
    assert (root.namespace, root.name) == ("web", "root")
    assert root.ref == contour.ObjectRef(Kind.INGRESSROUTE, "web", "root")
    assert (root.file, root.line, root.column) == ("all.yaml", 1, 1)
    assert list(root.annotations.items()) == [("zeta", "1"), ("alpha", "two")]  # as written
    assert root.annotations["alpha"] == "two"
    hash(root)  # values are hashable
    tcp = snap.find(Kind.INGRESSROUTE, "web", "tcp")
    lines = ALL_KINDS.splitlines()
    api_line = lines.index("kind: IngressRoute", 2)  # 1-based number of the line before
    assert tcp.line in (api_line - 1, api_line)  # the `---` or the first key
    assert tcp.column == 1
    legacy = snap.find(Kind.INGRESS, "default", "legacy")  # default namespace filled in
    assert legacy.namespace == "default"


def test_ingressroute_fields(snap: Snapshot) -> None:
    root = snap.find(Kind.INGRESSROUTE, "web", "root")
    assert root.is_root
    assert root.virtualhost == contour.VirtualHostSpec(
        fqdn="www.example.com",
        tls=contour.IngressRouteTLS(secret_name="certs/wildcard", min_protocol_version="1.2", passthrough=False),
    )
    r0, r1 = root.routes
    assert r0.match == "/"
    assert r0.enable_websockets and r0.permit_insecure
    assert r0.prefix_rewrite == "/app"
    assert r0.timeout_policy == contour.TimeoutPolicy(request="1m30s")
    assert r0.retry_policy == contour.RetryPolicy(count=3, per_try_timeout="150ms")
    assert r0.delegate is None
    s0, s1 = r0.services
    assert s0 == contour.IngressRouteService(
        name="frontend",
        port=80,
        weight=90,
        strategy="WeightedLeastRequest",
        health_check=contour.HealthCheck(
            path="/healthz",
            host="hc.example.com",
            interval_s=5,
            timeout_s=1,
            unhealthy_threshold=4,
            healthy_threshold=6,
        ),
    )
    assert s1 == contour.IngressRouteService(name="frontend-canary", port=8080, weight=0, strategy=None, health_check=None)
    assert r1.services == ()
    assert r1.delegate == contour.Delegate(name="blog", namespace="blogs")
    assert not r1.enable_websockets and r1.timeout_policy is None and r1.retry_policy is None
    assert root.tcpproxy is None

    tcp = snap.find(Kind.INGRESSROUTE, "web", "tcp")
    assert tcp.virtualhost is not None and tcp.virtualhost.tls == contour.IngressRouteTLS(None, None, True)
    assert tcp.routes == ()
    assert tcp.tcpproxy == contour.TCPProxySpec(
        services=(contour.IngressRouteService("db", 5432, 0, None, None),), delegate=None
    )
    tcpdel = snap.find(Kind.INGRESSROUTE, "web", "tcpdel")
    assert not tcpdel.is_root
    assert tcpdel.tcpproxy == contour.TCPProxySpec(services=(), delegate=contour.Delegate("other", None))


def test_tlscertificatedelegation_fields(snap: Snapshot) -> None:
    d = snap.find(Kind.TLSCERTIFICATEDELEGATION, "certs", "wildcard")
    assert isinstance(d, contour.TLSCertificateDelegation)
    assert d.delegations == (
        contour.CertificateDelegation("wildcard", ("web", "*")),
        contour.CertificateDelegation("other", ()),
    )


def test_ingress_fields(snap: Snapshot) -> None:
    ing = snap.find(Kind.INGRESS, "web", "ing")
    assert isinstance(ing, contour.Ingress)
    assert ing.api_version == "networking.k8s.io/v1"
    assert ing.ingress_class_name == "contour"
    assert ing.default_backend == contour.IngressBackend("fallback", 8080, None, False)
    assert ing.default_backend.port == 8080
    assert ing.tls == (contour.IngressTLS("ab-tls", ("a.example.com", "b.example.com")),)
    a, nohttp = ing.rules
    assert a.host == "a.example.com" and a.has_http
    exact, res = a.paths
    assert (exact.path, exact.path_type) == ("/x", "Exact")
    assert exact.backend == contour.IngressBackend("xsvc", 0, "http", False)
    assert exact.backend.port == "http"
    assert res.backend is not None and res.backend.is_resource and res.backend.service is None
    assert nohttp == contour.IngressRule("nohttp.example.com", False, ())
    legacy = snap.find(Kind.INGRESS, "default", "legacy")
    assert legacy.ingress_class_name is None
    assert legacy.default_backend == contour.IngressBackend("old", 0, "http", False)
    assert legacy.rules == () and legacy.tls == ()


def test_service_and_secret_fields(snap: Snapshot) -> None:
    svc = snap.find(Kind.SERVICE, "web", "frontend")
    assert isinstance(svc, contour.Service)
    assert svc.ports == (contour.ServicePort("http", 80), contour.ServicePort(None, 8080))
    assert svc.annotations == {"contour.heptio.com/max-connections": "100"}
    sec = snap.find(Kind.SECRET, "certs", "wildcard")
    assert isinstance(sec, contour.Secret)
    assert sec.secret_type == "kubernetes.io/tls"
    assert sec.keys == (
        contour.SecretKey("ca.crt", True),
        contour.SecretKey("tls.crt", True),
        contour.SecretKey("tls.key", False),
    )
    assert not sec.is_tls  # tls.key is empty


def test_find_get_contains_remove(snap: Snapshot) -> None:
    with pytest.raises(contour.NotFoundError) as info:
        snap.find(Kind.SERVICE, "web", "nope")
    assert isinstance(info.value, KeyError)
    assert "Service web/nope" in str(info.value)
    assert snap.get(Kind.SERVICE, "web", "nope") is None
    assert (Kind.SERVICE, "web", "frontend") in snap
    assert (Kind.SECRET, "web", "frontend") not in snap
    snap.remove(Kind.SERVICE, "web", "frontend")
    assert snap.count(Kind.SERVICE) == 0
    with pytest.raises(contour.NotFoundError):
        snap.remove(Kind.SERVICE, "web", "frontend")
    with pytest.raises(ValueError):
        snap.remove(Kind.NONE, "web", "frontend")
    with pytest.raises(ValueError):
        snap.find(42, "web", "frontend")  # type: ignore[call-overload]


def test_values_outlive_the_snapshot() -> None:
    s = Snapshot.from_text(ALL_KINDS)
    objs = s.objects()
    diags = s.diagnostics
    s.close()
    assert objs[0].name and all(o.file == "<memory>" for o in objs)
    assert diags == diags


def test_default_namespace_from_config() -> None:
    with Snapshot.from_text(ALL_KINDS, config=Config(default_namespace="fallback")) as s:
        assert s.find(Kind.INGRESS, "fallback", "legacy").namespace == "fallback"


# -- diagnostics ----------------------------------------------------------------------------

BROKEN = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Service
    metadata:
      name: good
    spec:
      ports:
      - port: 80
    ---
    apiVersion: contour.heptio.com/v1beta1
    kind: IngressRoute
    metadata:
      name: warn
    spec:
      routes:
      - match: /
        services:
        - name: good
          port: 80
          permitInsecure: true
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: [not, a, name
    ---
    apiVersion: v1
    kind: Service
    metadata:
      namespace: x
    spec: {}
    """
)


def test_diagnostics_have_positions() -> None:
    with Snapshot.from_text(BROKEN, name="broken.yaml") as s:
        diags = s.diagnostics
        assert s.count(Kind.SERVICE) == 1
        assert s.count(Kind.INGRESSROUTE) == 1
        keys = [(d.file, d.line, d.column) for d in diags]
        assert keys == sorted(keys)
        warn = [d for d in diags if d.code == "unknown-field"]
        assert len(warn) == 1
        w = warn[0]
        assert w.severity is Severity.WARNING
        assert (w.file, w.line, w.column) == ("broken.yaml", 19, 7)  # the key `permitInsecure`
        assert "permitInsecure" in w.message
        assert w.object == contour.ObjectRef(Kind.INGRESSROUTE, "default", "warn")
        assert w.field is not None and w.field.startswith("spec.routes[0].services[0]")
        assert str(w).startswith("broken.yaml:19:7: warning: ")
        assert str(w).endswith("[default/warn]")
        errors = [d for d in diags if d.severity is Severity.ERROR]
        assert len(errors) >= 2 and s.error_count == len(errors)
        assert all(d.file == "broken.yaml" and d.line > 0 for d in errors)
        assert any(21 <= d.line <= 26 for d in errors), errors  # the unclosed flow sequence
        # The object's own warnings are on it too.
        ir = s.find(Kind.INGRESSROUTE, "default", "warn")
        assert ir.diagnostics == (w,)


def test_strict_raises_load_error_with_positions() -> None:
    with pytest.raises(contour.LoadError) as info:
        Snapshot.from_text(BROKEN, name="broken.yaml", strict=True)
    err = info.value
    assert err.diagnostics and all(d.severity is Severity.ERROR for d in err.diagnostics)
    text = str(err)
    for d in err.diagnostics:
        assert f"broken.yaml:{d.line}:{d.column}" in text or f"broken.yaml:{d.line}" in text
    # Warnings alone are not errors:
    good = BROKEN.split("---")[0] + "---" + BROKEN.split("---")[1]
    with Snapshot.from_text(good, strict=True) as s:
        assert s.count() == 2


def test_strict_reports_only_new_errors() -> None:
    with Snapshot.from_text(BROKEN, name="old.yaml") as s:
        assert s.error_count > 0
        s.load_text("apiVersion: v1\nkind: Service\nmetadata: {name: fine}\n", name="new.yaml", strict=True)
        with pytest.raises(contour.LoadError) as info:
            s.load_text("kind: Service\nmetadata: {name: [x\n", name="newer.yaml", strict=True)
        assert {d.file for d in info.value.diagnostics} == {"newer.yaml"}


def test_json_and_forced_formats() -> None:
    doc = '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 1}]}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}}]}'
    with Snapshot.from_text(doc) as s:
        assert [o.name for o in s.objects(Kind.SERVICE)] == ["a", "b"]
    with Snapshot.from_bytes(doc.encode(), format=Format.JSON) as s:
        assert s.count() == 2
    with Snapshot.from_bytes(bytearray(doc.encode()), format=Format.YAML) as s:  # JSON is YAML
        assert s.count() == 2
    with Snapshot.from_bytes(memoryview(b"kind: Service\nmetadata: {name: a}\n"), format=Format.JSON) as s:
        assert s.count() == 0 and s.error_count >= 1
    with pytest.raises(ValueError):
        Snapshot.from_text("", format=7)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Snapshot.from_text(b"kind: x")  # type: ignore[arg-type]


def test_files_and_directories(write: Callable[[str, str], Path], tmp_path: Path) -> None:
    a = write("d/a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    write("d/sub/b.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n")
    write("d/sub/c.json", '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}}')
    write("d/.hidden.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: hidden}\n")
    write("d/notes.txt", "apiVersion: v1\nkind: Service\nmetadata: {name: txt}\n")
    e = write("e.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: e}\n")
    with Snapshot.load(tmp_path / "d") as s:
        assert [o.name for o in s.objects(Kind.SERVICE)] == ["a", "b", "c"]
        assert s.find(Kind.SERVICE, "default", "b").file == str(tmp_path / "d" / "sub" / "b.yml")
    with Snapshot.load([str(a), e]) as s:
        assert s.count() == 2
    with Snapshot.load(os.fsencode(a)) as s:
        assert s.count() == 1
    with Snapshot() as s:
        s.load_path(a)
        s.load_path([e])
        s.load_text("apiVersion: v1\nkind: Service\nmetadata: {name: z}\n", name="z.yaml")
        assert s.count() == 3
    with pytest.raises(ValueError):
        Snapshot.load([])
    with pytest.raises(ValueError):
        Snapshot.load("a\0b")


def test_io_error_carries_diagnostics(write: Callable[[str, str], Path], tmp_path: Path) -> None:
    a = write("a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    missing = tmp_path / "missing.yaml"
    with pytest.raises(contour.ContourIOError) as info:
        Snapshot.load([missing, a])
    err = info.value
    assert isinstance(err, OSError) and isinstance(err, contour.ContourError)
    assert err.result is contour.Result.ERR_IO
    assert len(err.diagnostics) == 1
    d = err.diagnostics[0]
    assert d.code == "io-error" and d.file == str(missing) and d.severity is Severity.ERROR
    assert str(missing) in str(err)
    # With an existing snapshot, what could be read stays loaded:
    with Snapshot() as s:
        with pytest.raises(contour.ContourIOError):
            s.load_path([missing, a])
        assert s.count() == 1
        assert any(d.code == "io-error" for d in s.diagnostics)


def test_limit_exceeded() -> None:
    cfg = Config(limits={Limit.INPUT_BYTES: 10})
    with pytest.raises(contour.LimitExceededError) as info:
        Snapshot.from_text("apiVersion: v1\nkind: Service\n", name="big.yaml", config=cfg)
    assert info.value.diagnostics and info.value.diagnostics[0].file == "big.yaml"
    assert info.value.result is contour.Result.ERR_LIMIT
    # Other limits are error diagnostics, not exceptions:
    deep = "a: " + "[" * 50 + "]" * 50 + "\n"
    with Snapshot.from_text(deep, config=Config(limits={Limit.DEPTH: 8})) as s:
        assert s.error_count >= 1
        assert any(d.severity is Severity.ERROR and d.line == 1 for d in s.diagnostics)


def test_invalid_name_is_value_error() -> None:
    with pytest.raises(ValueError):
        Snapshot.from_text("", name="bad\0name")


# -- handles --------------------------------------------------------------------------------


def test_closed_snapshot_raises_value_error() -> None:
    s = Snapshot.from_text(ALL_KINDS)
    s.close()
    s.close()  # idempotent
    assert s.closed
    for call in (
        lambda: s.count(),
        lambda: s.objects(),
        lambda: s.find(Kind.SERVICE, "web", "frontend"),
        lambda: s.diagnostics,
        lambda: s.load_text("x: 1"),
        lambda: s.remove(Kind.SERVICE, "web", "frontend"),
        lambda: s.resolve(),
    ):
        with pytest.raises(ValueError, match="closed Snapshot"):
            call()
    with pytest.raises(ValueError):
        with s:
            pass
    assert "closed" in repr(s)


def test_context_manager_closes() -> None:
    with Snapshot.from_text(ALL_KINDS) as s:
        assert not s.closed
    assert s.closed


def test_del_is_a_safety_net() -> None:
    s = Snapshot.from_text(ALL_KINDS)
    del s
    gc.collect()


def test_limit_in_a_directory_loads_the_rest(write: Callable[[str, str], Path], tmp_path: Path) -> None:
    write("d/a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    big = write("d/big.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: big}\n" + "# pad\n" * 100)
    cfg = Config(limits={Limit.INPUT_BYTES: 200})
    with Snapshot(cfg) as s:
        with pytest.raises(contour.LimitExceededError) as info:
            s.load_path(tmp_path / "d")
        assert [d.file for d in info.value.diagnostics] == [str(big)]
        assert info.value.diagnostics[0].code == "limit-input"
        assert [o.name for o in s.objects(Kind.SERVICE)] == ["a"]


def test_strict_load_path(write: Callable[[str, str], Path]) -> None:
    bad = write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n")
    with pytest.raises(contour.LoadError) as info:
        Snapshot.load(bad, strict=True)
    (d,) = info.value.diagnostics
    assert d.file == str(bad) and d.line >= 4
    assert f"{bad}:{d.line}:{d.column}" in str(info.value)


def test_diagnostic_formatting() -> None:
    ref = contour.ObjectRef(Kind.SERVICE, "ns", "n")
    d = contour.Diagnostic(Severity.ERROR, "io-error", "cannot open", "f.yaml", 0, 0, None, None)
    assert str(d) == "f.yaml: error: cannot open"
    d2 = contour.Diagnostic(Severity.WARNING, "x", "m", "f.yaml", 3, 0, "spec", ref)
    assert str(d2) == "f.yaml:3: warning: m [ns/n]"
    assert str(ref) == "Service ns/n"


def test_repr(snap: Snapshot) -> None:
    assert repr(snap).startswith("<contour.Snapshot IngressRoute=3, ")


def test_non_utf8_paths(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.yaml"
    with pytest.raises(contour.ContourIOError) as info:
        Snapshot.load(raw)
    assert [d.code for d in info.value.diagnostics] == ["io-error"]
    with open(raw, "w") as f:
        f.write("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    with Snapshot.load(raw) as s:
        (svc,) = s.objects(Kind.SERVICE)
        assert svc.file  # the library's stand-in name for a path that is not UTF-8
    with Snapshot.load(tmp_path) as s:  # found by walking the directory
        assert s.count(Kind.SERVICE) == 1


@pytest.mark.resolve
def test_non_ascii_strings_survive_the_export() -> None:
    # The export's string pool is decoded once; with non-ASCII text in it, offsets are
    # bytes, not characters.
    text = """\
apiVersion: v1
kind: Service
metadata: {name: café, namespace: ns, annotations: {note: "é ü 雪", plain: x}}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: ns, annotations: {who: "Zoë"}}
spec:
  virtualhost: {fqdn: ünïcode.example.com}
  routes:
  - match: /caf\u00e9
    services: [{name: café, port: 80}]
"""
    with Snapshot.from_text(text, name="näme.yaml") as snap:
        svc = snap.find(Kind.SERVICE, "ns", "café")
        assert dict(svc.annotations) == {"note": "é ü 雪", "plain": "x"}
        assert svc.file == "näme.yaml"
        root = snap.find(Kind.INGRESSROUTE, "ns", "root")
        assert root.annotations == {"who": "Zoë"}
        assert root.routes[0].match == "/café"
        assert root.routes[0].services[0].name == "café"
        with snap.resolve() as g:
            (listener,) = g.listeners
            (vhost,) = listener.virtual_hosts
            assert vhost.fqdn == "ünïcode.example.com"
            assert vhost.routes[0].path == "/café"
            assert vhost.routes[0].clusters[0].service == "café"
            assert g.status("ns", "root").file == "näme.yaml"
