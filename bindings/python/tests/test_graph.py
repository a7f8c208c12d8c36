"""Resolution outcomes as seen from Python: statuses, virtual hosts, TLS, redirects,
tcpproxy, clusters, route options, Ingress, diagnostics (spec: route-graph.md)."""

from __future__ import annotations

import textwrap
from typing import Callable

import pytest

import contour
from contour import Cluster, Config, Graph, HealthCheck, Kind, MatchType, ObjectRef, Severity, State

pytestmark = pytest.mark.resolve

GraphOf = Callable[..., Graph]

ORPHAN_TEXT = "this IngressRoute is not part of a delegation chain from a root IngressRoute"


def svc(name: str, ns: str = "ns", ports: str = "[{name: http, port: 80}, {port: 8080}]", annotations: str = "") -> str:
    ann = f"\n  annotations:\n{textwrap.indent(annotations, '    ')}" if annotations else ""
    return f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}{ann}\nspec:\n  ports: {ports}\n"


def tls_secret(name: str, ns: str = "ns", key: str = "a2V5") -> str:
    return (
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"type: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n  tls.key: \"{key}\"\n"
    )


def ir(name: str, body: str, ns: str = "ns") -> str:
    return (
        f"apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        f"  name: {name}\n  namespace: {ns}\nspec:\n{textwrap.indent(textwrap.dedent(body), '  ')}"
    )


def docs(*parts: str) -> str:
    return "---\n".join(parts)


def by_name(g: Graph) -> dict[str, contour.Status]:
    return {f"{s.namespace}/{s.name}": s for s in g.statuses}


def vhost(g: Graph, fqdn: str, secure: bool = False) -> contour.VirtualHost:
    for listener in g.listeners:
        if listener.secure == secure:
            for v in listener.virtual_hosts:
                if v.fqdn == fqdn:
                    return v
    raise AssertionError(f"no {'secure' if secure else 'insecure'} vhost {fqdn}: {g.listeners}")


def has_vhost(g: Graph, fqdn: str, secure: bool) -> bool:
    try:
        vhost(g, fqdn, secure)
        return True
    except AssertionError:
        return False


# -- statuses -------------------------------------------------------------------------------

DELEGATION = docs(
    svc("s1"),
    ir("root", """\
        virtualhost:
          fqdn: a.example.com
        routes:
        - match: /
          services:
          - name: s1
            port: 80
        - match: /api
          delegate:
            name: child
        """),
    ir("child", """\
        routes:
        - match: /api
          services:
          - name: s1
            port: 8080
        """),
    ir("lonely", """\
        routes:
        - match: /
          services:
          - name: s1
            port: 80
        """),
)


def test_valid_delegation_and_orphan(graph_of: GraphOf) -> None:
    g = graph_of(DELEGATION)
    st = by_name(g)
    assert list(st) == ["ns/child", "ns/lonely", "ns/root"]  # by (namespace, name)
    root = st["ns/root"]
    assert root.kind is Kind.INGRESSROUTE
    assert root.state is State.VALID and root.description == "valid IngressRoute"
    assert root.vhosts == ("a.example.com",)
    kind_line = DELEGATION.splitlines().index("kind: IngressRoute")  # 1-based: the line above
    assert (root.file, root.column) == ("test.yaml", 1)
    assert root.line in (kind_line - 1, kind_line)  # the `---` or the first key
    assert st["ns/child"].state is State.VALID and st["ns/child"].vhosts == ("a.example.com",)
    lonely = st["ns/lonely"]
    assert lonely.state is State.ORPHANED and lonely.description == ORPHAN_TEXT and lonely.vhosts == ()
    assert g.status("ns", "lonely") == lonely
    with pytest.raises(contour.NotFoundError):
        g.status("ns", "nope")

    (listener,) = g.listeners
    assert (listener.name, listener.port, listener.secure) == ("ingress_http", 80, False)
    (v,) = listener.virtual_hosts
    assert v.fqdn == "a.example.com" and v.tls is None and v.tcpproxy is None
    assert [r.path for r in v.routes] == ["/api", "/"]  # descending byte order
    api, slash = v.routes
    assert api.match_type is MatchType.PREFIX
    assert api.source == ObjectRef(Kind.INGRESSROUTE, "ns", "child")
    assert slash.source == ObjectRef(Kind.INGRESSROUTE, "ns", "root")
    assert api.clusters == (Cluster("ns", "s1", 8080, None, 0, None, None, None, None, None, None, None),)
    assert slash.clusters == (Cluster("ns", "s1", 80, "http", 0, None, None, None, None, None, None, None),)
    assert not slash.https_redirect and not slash.websocket
    assert slash.prefix_rewrite is None and slash.timeout_ms is None and slash.retry is None


@pytest.mark.parametrize(
    "child_route, description",
    [
        (
            "- match: /api\n  services:\n  - name: s1\n    port: 70000\n",
            'route "/api": service "s1": port must be in the range 1-65535',
        ),
        (
            "- match: /api\n  services:\n  - name: s1\n    port: 80\n    weight: -1\n",
            'route "/api": service "s1": weight must be greater than or equal to zero',
        ),
        (
            "- match: /api\n  services:\n  - name: s1\n    port: 80\n  delegate:\n    name: other\n",
            'route "/api": cannot specify services and delegate in the same route',
        ),
        (
            "- match: /apix\n  services:\n  - name: s1\n    port: 80\n",
            'the path prefix "/apix" does not match the parent\'s path prefix "/api"',
        ),
    ],
)
def test_invalid_child(graph_of: GraphOf, child_route: str, description: str) -> None:
    body = "routes:\n- match: /api/ok\n  services:\n  - name: s1\n    port: 80\n" + child_route
    text = docs(svc("s1"), ir("root", "virtualhost:\n  fqdn: a.example.com\nroutes:\n- match: /api\n  delegate:\n    name: child\n- match: /\n  services:\n  - name: s1\n    port: 80\n"), ir("child", body))
    g = graph_of(text)
    child = g.status("ns", "child")
    assert child.state is State.INVALID
    assert child.description == description
    assert child.vhosts == ("a.example.com",)
    # The status points into the failing route, not at the object's start.
    child_start = text.splitlines().index("  name: child") - 1
    assert child.line > child_start + 5, child
    assert child.column >= 1
    # Atomic: none of the child's routes are published, not even the good one.
    assert [r.path for r in vhost(g, "a.example.com").routes] == ["/"]
    assert g.status("ns", "root").state is State.VALID


def test_delegation_cycle(graph_of: GraphOf) -> None:
    text = docs(
        svc("s1"),
        ir("root", "virtualhost:\n  fqdn: a.example.com\nroutes:\n- match: /\n  delegate:\n    name: a\n"),
        ir("a", "routes:\n- match: /a\n  delegate:\n    name: b\n"),
        ir("b", "routes:\n- match: /a/b\n  delegate:\n    name: a\n"),
    )
    g = graph_of(text)
    b = g.status("ns", "b")
    assert b.state is State.INVALID
    assert b.description.startswith("route creates a delegation cycle: ")
    assert "ns/a -> ns/b -> ns/a" in b.description


def test_root_rules(graph_of: GraphOf) -> None:
    text = docs(
        svc("s1"),
        svc("s1", ns="other"),
        ir("one", "virtualhost:\n  fqdn: dup.example.com\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"),
        ir("two", "virtualhost:\n  fqdn: dup.example.com\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n", ns="other"),
        ir("blank", "virtualhost:\n  fqdn: \"\"\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"),
    )
    g = graph_of(text)
    msg = 'fqdn "dup.example.com" is used in multiple IngressRoutes: ns/one, other/two'
    for key in ("ns", "one"), ("other", "two"):
        s = g.status(*key)
        assert s.state is State.INVALID and s.description == msg and s.vhosts == ()
    blank = g.status("ns", "blank")
    assert blank.state is State.INVALID
    assert blank.description == "Spec.VirtualHost.Fqdn must be specified"
    assert g.listeners == ()

    roots_only = Config(root_namespaces=["other"])
    g2 = graph_of(docs(svc("s1"), ir("r", "virtualhost:\n  fqdn: r.example.com\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n")), config=roots_only)
    r = g2.status("ns", "r")
    assert r.state is State.INVALID
    assert r.description == "root IngressRoute cannot be defined in this namespace"


def test_missing_delegate_and_missing_service_are_warnings(graph_of: GraphOf) -> None:
    text = docs(
        svc("s1"),
        ir("root", "virtualhost:\n  fqdn: a.example.com\nroutes:\n- match: /\n  services: [{name: s1, port: 80}, {name: ghost, port: 80}, {name: s1, port: 9999}]\n- match: /gone\n  delegate:\n    name: nobody\n"),
    )
    g = graph_of(text)
    root = g.status("ns", "root")
    assert root.state is State.VALID
    (route,) = vhost(g, "a.example.com").routes
    assert route.path == "/" and [c.service for c in route.clusters] == ["s1"]
    warnings = [d for d in g.diagnostics if d.severity is Severity.WARNING]
    assert len(warnings) >= 3
    delegate_warning = [d for d in warnings if d.code == "delegate-not-found"]
    assert len(delegate_warning) == 1
    d = delegate_warning[0]
    assert d.object == ObjectRef(Kind.INGRESSROUTE, "ns", "root")
    assert d.file == "test.yaml" and d.line > 0 and d.column > 0
    assert g.count(Severity.WARNING) == len(warnings)
    assert g.error_count == 0


def test_only_route_of_missing_services_has_no_clusters(graph_of: GraphOf) -> None:
    g = graph_of(ir("root", "virtualhost:\n  fqdn: a.example.com\nroutes:\n- match: /\n  services: [{name: ghost, port: 80}]\n"))
    (route,) = vhost(g, "a.example.com").routes
    assert route.clusters == ()


# -- TLS, redirects, tcpproxy ---------------------------------------------------------------


def test_tls_and_redirects(graph_of: GraphOf) -> None:
    text = docs(
        svc("s1"),
        tls_secret("cert"),
        tls_secret("shared", ns="certs"),
        tls_secret("undelegated", ns="certs"),
        tls_secret("broken", key=""),
        "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\nmetadata:\n  name: d\n  namespace: certs\nspec:\n  delegations:\n  - secretName: shared\n    targetNamespaces: [ns]\n",
        ir("own", "virtualhost:\n  fqdn: own.example.com\n  tls:\n    secretName: cert\n    minimumProtocolVersion: \"1.3\"\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n- match: /plain\n  permitInsecure: true\n  services: [{name: s1, port: 80}]\n"),
        ir("deleg", "virtualhost:\n  fqdn: deleg.example.com\n  tls:\n    secretName: certs/shared\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"),
        ir("nodeleg", "virtualhost:\n  fqdn: nodeleg.example.com\n  tls:\n    secretName: certs/undelegated\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"),
        ir("notls", "virtualhost:\n  fqdn: notls.example.com\n  tls:\n    secretName: broken\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"),
        ir("missing", "virtualhost:\n  fqdn: missing.example.com\n  tls:\n    secretName: nosuch\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"),
    )
    g = graph_of(text)
    assert [(l.name, l.port, l.secure) for l in g.listeners] == [("ingress_http", 80, False), ("ingress_https", 443, True)]

    own = vhost(g, "own.example.com", secure=True)
    assert own.tls == contour.TLS("ns", "cert", "1.3", False)
    insecure = {r.path: r for r in vhost(g, "own.example.com").routes}
    assert insecure["/"].https_redirect is True
    assert insecure["/plain"].https_redirect is False
    assert all(not r.https_redirect for r in own.routes)

    deleg = vhost(g, "deleg.example.com", secure=True)
    assert deleg.tls == contour.TLS("certs", "shared", "1.1", False)
    assert vhost(g, "deleg.example.com").routes[0].https_redirect

    for fqdn in ("nodeleg.example.com", "notls.example.com", "missing.example.com"):
        assert not has_vhost(g, fqdn, secure=True), fqdn
        (r,) = vhost(g, fqdn).routes
        assert not r.https_redirect, fqdn
    tls_warnings = {d.object.name for d in g.diagnostics if d.severity is Severity.WARNING and d.object}
    assert {"nodeleg", "notls", "missing"} <= tls_warnings
    assert all(s.state is State.VALID for s in g.statuses)


def test_tcpproxy_passthrough(graph_of: GraphOf) -> None:
    text = docs(
        svc("db", ports="[{name: pg, port: 5432}]"),
        ir("tcp", "virtualhost:\n  fqdn: db.example.com\n  tls:\n    passthrough: true\ntcpproxy:\n  services:\n  - name: db\n    port: 5432\nroutes:\n- match: /\n  services: [{name: db, port: 9}]\n"),
    )
    g = graph_of(text)
    v = vhost(g, "db.example.com", secure=True)
    assert v.tls == contour.TLS(None, None, "1.1", True)
    assert v.routes == ()  # ignored entirely with tcpproxy
    assert v.tcpproxy == (Cluster("ns", "db", 5432, "pg", 0, None, None, None, None, None, None, None),)
    assert not has_vhost(g, "db.example.com", secure=False)
    assert g.status("ns", "tcp").state is State.VALID


def test_tcpproxy_errors(graph_of: GraphOf) -> None:
    text = docs(
        svc("db"),
        tls_secret("cert"),
        ir("both", "virtualhost:\n  fqdn: both.example.com\n  tls:\n    secretName: cert\ntcpproxy:\n  services: [{name: db, port: 80}]\n  delegate:\n    name: x\n"),
        ir("nosvc", "virtualhost:\n  fqdn: nosvc.example.com\n  tls:\n    secretName: cert\ntcpproxy:\n  services: [{name: ghost, port: 80}]\n"),
    )
    g = graph_of(text)
    both = g.status("ns", "both")
    assert both.state is State.INVALID
    assert both.description == "tcpproxy: cannot specify services and delegate in the same tcpproxy"
    nosvc = g.status("ns", "nosvc")
    assert nosvc.state is State.INVALID
    assert nosvc.description == "tcpproxy: service ns/ghost/80: not found"


# -- clusters and route options ---------------------------------------------------------------


def test_clusters_health_checks_and_limits(graph_of: GraphOf) -> None:
    annotations = (
        'contour.heptio.com/max-connections: "100"\n'
        'contour.heptio.com/max-pending-requests: "20"\n'
        'contour.heptio.com/max-requests: "300"\n'
        'contour.heptio.com/max-retries: "4"\n'
        'contour.heptio.com/upstream-protocol.h2c: "http"\n'
    )
    text = docs(
        svc("s1", annotations=annotations),
        svc("s2"),
        ir("root", """\
            virtualhost:
              fqdn: a.example.com
            routes:
            - match: /
              services:
              - name: s2
                port: 80
                weight: 20
              - name: s1
                port: 80
                weight: 80
                strategy: Random
                healthCheck:
                  path: /healthz
              - name: s2
                port: 80
                weight: 5
            - match: /custom
              services:
              - name: s2
                port: 8080
                healthCheck:
                  path: /hc
                  host: hc.example.com
                  intervalSeconds: 7
                  timeoutSeconds: 3
                  unhealthyThresholdCount: 9
                  healthyThresholdCount: 8
            """),
    )
    g = graph_of(text)
    routes = {r.path: r for r in vhost(g, "a.example.com").routes}
    s1, s2a, s2b = routes["/"].clusters  # by (namespace, service, port, weight, strategy)
    assert s1 == Cluster(
        namespace="ns", service="s1", port=80, port_name="http", weight=80, strategy="Random",
        protocol="h2c",
        health_check=HealthCheck("/healthz", "contour-envoy-healthcheck", 10, 2, 3, 2),
        max_connections=100, max_pending_requests=20, max_requests=300, max_retries=4,
    )
    assert (s2a.service, s2a.weight, s2b.weight) == ("s2", 5, 20)  # same service twice: two clusters
    assert s2a.max_connections is None and s2a.protocol is None and s2a.health_check is None
    (custom,) = routes["/custom"].clusters
    assert custom.health_check == HealthCheck("/hc", "hc.example.com", 7, 3, 9, 8)
    assert custom.port_name is None


def test_route_options(graph_of: GraphOf) -> None:
    text = docs(
        svc("s1"),
        ir("root", """\
            virtualhost:
              fqdn: a.example.com
            routes:
            - match: /t
              timeoutPolicy: {request: 1m30s}
              retryPolicy: {count: 3, perTryTimeout: 150ms}
              enableWebsockets: true
              prefixRewrite: /
              services: [{name: s1, port: 80}]
            - match: /inf
              timeoutPolicy: {request: infinity}
              retryPolicy: {count: 0}
              services: [{name: s1, port: 80}]
            - match: /bad
              timeoutPolicy: {request: soon}
              services: [{name: s1, port: 80}]
            """),
    )
    g = graph_of(text)
    routes = {r.path: r for r in vhost(g, "a.example.com").routes}
    t = routes["/t"]
    assert t.timeout_ms == 90_000 and t.websocket and t.prefix_rewrite == "/"
    assert t.retry == contour.Retry("5xx", 3, 150)
    inf = routes["/inf"]
    assert inf.timeout_ms == -1
    assert inf.retry == contour.Retry("5xx", 1, None)
    assert routes["/bad"].timeout_ms == -1  # unparsable = infinity plus a warning
    assert any(d.severity is Severity.WARNING and "soon" in d.message for d in g.diagnostics)


# -- Ingress ----------------------------------------------------------------------------------


def test_ingress(graph_of: GraphOf) -> None:
    text = docs(
        svc("s1"),
        tls_secret("ing-tls"),
        textwrap.dedent("""\
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: ing
              namespace: ns
              annotations:
                ingress.kubernetes.io/force-ssl-redirect: "true"
            spec:
              tls:
              - hosts: [i.example.com]
                secretName: ing-tls
              defaultBackend:
                service: {name: s1, port: {number: 8080}}
              rules:
              - host: i.example.com
                http:
                  paths:
                  - path: /exact
                    pathType: Exact
                    backend:
                      service: {name: s1, port: {name: http}}
                  - path: /
                    pathType: Prefix
                    backend:
                      service: {name: s1, port: {number: 80}}
            """),
        textwrap.dedent("""\
            apiVersion: extensions/v1beta1
            kind: Ingress
            metadata:
              name: other-class
              namespace: ns
              annotations:
                kubernetes.io/ingress.class: nginx
            spec:
              backend: {serviceName: s1, servicePort: 80}
            """),
    )
    g = graph_of(text)
    v = vhost(g, "i.example.com")
    assert [(r.match_type, r.path) for r in v.routes] == [(MatchType.EXACT, "/exact"), (MatchType.PREFIX, "/")]
    assert all(r.https_redirect for r in v.routes)
    assert v.routes[0].source == ObjectRef(Kind.INGRESS, "ns", "ing")
    assert v.routes[0].clusters[0].port == 80 and v.routes[0].clusters[0].port_name == "http"
    secure = vhost(g, "i.example.com", secure=True)
    assert secure.tls is not None and (secure.tls.secret_namespace, secure.tls.secret_name) == ("ns", "ing-tls")
    star = vhost(g, "*")
    (r,) = star.routes
    assert r.path == "/" and r.clusters[0].port == 8080
    assert not has_vhost(g, "*", secure=True)
    assert g.statuses == ()  # Ingresses have no status
    ignored = [d for d in g.diagnostics if d.object == ObjectRef(Kind.INGRESS, "ns", "other-class")]
    assert ignored and ignored[0].severity is Severity.INFO


def test_ingress_class_and_ports_from_config(graph_of: GraphOf) -> None:
    text = docs(
        svc("s1"),
        ir("root", "virtualhost:\n  fqdn: a.example.com\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"),
    ).replace("  namespace: ns\nspec:\n  virtualhost", "  namespace: ns\n  annotations:\n    kubernetes.io/ingress.class: internal\nspec:\n  virtualhost")
    g = graph_of(text)
    assert g.statuses == () and g.listeners == ()
    g2 = graph_of(text, config=Config(ingress_class="internal", http_port=8080, https_port=8443))
    assert g2.status("ns", "root").state is State.VALID
    assert [(l.name, l.port) for l in g2.listeners] == [("ingress_http", 8080)]


def test_snapshot_config_is_resolve_default() -> None:
    text = docs(svc("s1"), ir("r", "virtualhost:\n  fqdn: r.example.com\nroutes:\n- match: /\n  services: [{name: s1, port: 80}]\n"))
    with contour.Snapshot.from_text(text, config=Config(http_port=81)) as s:
        with s.resolve() as g:
            assert g.listeners[0].port == 81
        with s.resolve(Config()) as g:
            assert g.listeners[0].port == 80


# -- diagnostics and handles ----------------------------------------------------------------


def test_graph_has_load_diagnostics_with_positions(graph_of: GraphOf) -> None:
    text = docs(svc("s1"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports: {oops\n")
    g = graph_of(text, name="bad.yaml")
    errors = [d for d in g.diagnostics if d.severity is Severity.ERROR]
    assert errors and all(d.file == "bad.yaml" and d.line >= 7 for d in errors)
    assert g.error_count == len(errors)
    keys = [(d.file, d.line, d.column) for d in g.diagnostics]
    assert keys == sorted(keys)


def test_graph_outlives_snapshot_and_closes() -> None:
    s = contour.Snapshot.from_text(DELEGATION)
    g = s.resolve()
    s.load_text(svc("s2"))
    s.close()
    assert len(g.statuses) == 3
    model = g.walk()
    assert model.listeners == g.listeners and model.statuses == g.statuses and model.diagnostics == g.diagnostics
    g.close()
    for call in (lambda: g.listeners, lambda: g.statuses, lambda: g.diagnostics, lambda: g.status("ns", "root"), lambda: g.walk(), lambda: g.to_json(), lambda: g.count(Severity.ERROR)):
        with pytest.raises(ValueError, match="closed Graph"):
            call()
    assert model.statuses[0].name == "child"  # values outlive the graph


def test_values_are_frozen_and_hashable(graph_of: GraphOf) -> None:
    g = graph_of(DELEGATION)
    listener = g.listeners[0]
    with pytest.raises(AttributeError):
        listener.port = 1  # type: ignore[misc]
    assert len({listener, g.walk().listeners[0]}) == 1
    assert hash(g.statuses) == hash(g.walk().statuses)


@pytest.mark.render
def test_render_formats(graph_of: GraphOf) -> None:
    g = graph_of(DELEGATION)
    assert g.to_json().encode() == g.render("json") == g.render(contour.OutputFormat.JSON)
    assert g.to_text().encode() == g.render("text") and "a.example.com" in g.to_text()
    assert g.to_dot().startswith("digraph") and g.to_dot().encode() == g.render("dot")
    with pytest.raises(ValueError):
        g.render("yaml")
    assert repr(g).startswith("<contour.Graph listeners=1 statuses=3")


def test_values_are_real_dataclasses(graph_of: GraphOf) -> None:
    import copy
    import dataclasses
    import pickle

    g = graph_of(DELEGATION)
    model = g.walk()
    listener = model.listeners[0]
    route = listener.virtual_hosts[0].routes[0]
    for value in (listener, route, route.clusters[0], route.source, model.statuses[0]):
        assert dataclasses.is_dataclass(value)
        assert type(value).__module__ == "contour._model"
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    moved = dataclasses.replace(route, path="/moved")
    assert moved.path == "/moved" and moved.clusters == route.clusters
    plain = dataclasses.asdict(listener)
    assert plain["virtual_hosts"][0]["routes"][0]["source"]["name"] == "child"
    with pytest.raises(dataclasses.FrozenInstanceError):
        route.clusters[0].port = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.statuses[0].name = "x"  # type: ignore[misc]
    assert vars(route.clusters[0])["port"] == route.clusters[0].port
